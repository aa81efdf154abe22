import { randomBytes } from 'node:crypto';
import { asc } from 'drizzle-orm';
import { type User, users } from '../../db/schema';
import { workspacesOf } from '../accounts/members';
import { countSessions } from '../accounts/sessions';
import { countUsers, createUser, findUserByEmail, setPassword, setupFirstOwner } from '../accounts/users';
import { ConflictError } from '../errors';
import { command, EXIT, INVOKE, plural } from './command';
import { clean, fmtTime, table } from './output';
import { NoOptions, UserAdd, UserResetPassword } from './schemas';

/**
 * 18 random bytes: 24 base64url characters, 144 bits, far beyond guessing and still easy to paste. One
 * starting with - or _ is drawn again: a leading dash reads as an option when pasted into a command.
 */
export function generatePassword(): string {
  for (;;) {
    const password = randomBytes(18).toString('base64url');
    if (/^[A-Za-z0-9]/.test(password)) return password;
  }
}

export const userAdd = command({
  usage: 'user add --email E --name N --password P [--owner]',
  about:
    'Add a person who can sign in. --owner makes them a server owner (may start workspaces).\n' +
    'The first person added is a server owner and owns every workspace without members, as /setup does.',
  options: {
    email: { type: 'string' },
    name: { type: 'string' },
    password: { type: 'string' },
    owner: { type: 'boolean' },
  },
  schema: UserAdd,
  async run({ email, name, password, owner }, { db, out, scrypt }) {
    // Checked before hashing too (createUser checks again in its transaction): a refusal should be quick.
    if (await findUserByEmail(db, email)) {
      out.error(`There is already an account for ${email}.`);
      return EXIT.refused;
    }
    let user: User | undefined;
    if ((await countUsers(db)) === 0) {
      try {
        user = await setupFirstOwner(db, { email, name, password }, scrypt);
      } catch (e) {
        // Someone finished /setup meanwhile: this is an ordinary second user after all.
        if (!(e instanceof ConflictError)) throw e;
      }
      if (user) {
        out.log(`Added ${clean(user.name)} <${user.email}> as the first person on this server.`);
        out.log('They are a server owner: they may start workspaces.');
        const adopted = await workspacesOf(db, user.id);
        if (adopted.length)
          out.log(`They own every workspace that had no members: ${adopted.map((w) => w.slug).join(', ')}.`);
        return EXIT.ok;
      }
    }
    user = await createUser(db, { email, name, password, isServerOwner: owner }, scrypt);
    out.log(`Added ${clean(user.name)} <${user.email}>.`);
    out.log(
      user.isServerOwner
        ? 'They are a server owner: they may start workspaces.'
        : `Give them a workspace with: ${INVOKE} member add --workspace SLUG --email ${user.email} --role editor`,
    );
    return EXIT.ok;
  },
});

export const userResetPassword = command({
  usage: 'user reset-password --email E [--password P]',
  about:
    'Set a new password and sign the person out everywhere. Without --password a strong one is\n' +
    'generated and printed once.',
  options: { email: { type: 'string' }, password: { type: 'string' } },
  schema: UserResetPassword,
  async run({ email, password }, { db, out, scrypt }) {
    const user = await findUserByEmail(db, email);
    if (!user) {
      out.error(`There is no account for ${email}.`);
      return EXIT.refused;
    }
    const newPassword = password ?? generatePassword();
    const sessions = await countSessions(db, user.id);
    await setPassword(db, user.id, newPassword, scrypt);
    out.log(`Set a new password for ${user.email} and ended ${plural(sessions, 'session')}.`);
    if (password === undefined) out.log(`New password (shown only this once): ${newPassword}`);
    return EXIT.ok;
  },
});

export const userList = command({
  usage: 'user list',
  about: 'List everyone who can sign in.',
  options: {},
  schema: NoOptions,
  async run(_, { db, out }) {
    // Named columns only: the password hash never leaves the database.
    const rows = await db.orm
      .select({
        email: users.email,
        name: users.name,
        owner: users.isServerOwner,
        createdAt: users.createdAt,
      })
      .from(users)
      .orderBy(asc(users.createdAt), asc(users.id));
    if (!rows.length) {
      out.log(`Nobody has an account yet. Add the first person with: ${INVOKE} ${userAdd.usage}`);
      return EXIT.ok;
    }
    out.log(
      table(
        ['email', 'name', 'server owner', 'created'],
        rows.map((r) => [r.email, clean(r.name), r.owner ? 'yes' : 'no', fmtTime(r.createdAt)]),
      ),
    );
    return EXIT.ok;
  },
});
