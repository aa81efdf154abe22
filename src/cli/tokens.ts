import { eq } from 'drizzle-orm';
import { apiTokens, users } from '../../db/schema';
import { createToken, findTokenByValue, listTokens, revokeToken } from '../accounts/tokens';
import { findUserByEmail } from '../accounts/users';
import { command, EXIT, INVOKE } from './command';
import { clean, fmtTime, table } from './output';
import { TokenCreate, TokenList, TokenRevoke } from './schemas';

const noAccount = (email: string) => `There is no account for ${email}.`;

export const tokenCreate = command({
  usage: 'token create --email E [--name LABEL]',
  about: 'Create a personal API token for this person (label "command line" unless named); printed once.',
  options: { email: { type: 'string' }, name: { type: 'string' } },
  schema: TokenCreate,
  async run({ email, name }, { db, out }) {
    const user = await findUserByEmail(db, email);
    if (!user) {
      out.error(noAccount(email));
      return EXIT.refused;
    }
    const { token, info } = await createToken(db, user.id, name);
    out.log(
      `Created token ${info.id} "${clean(info.label)}" for ${user.email}. Copy it now: it is not shown again.`,
    );
    out.log(token);
    out.log('Send it with every API request as the header  Authorization: Bearer <token>');
    return EXIT.ok;
  },
});

export const tokenList = command({
  usage: 'token list --email E',
  about: "List this person's API tokens (never the tokens themselves).",
  options: { email: { type: 'string' } },
  schema: TokenList,
  async run({ email }, { db, out }) {
    const user = await findUserByEmail(db, email);
    if (!user) {
      out.error(noAccount(email));
      return EXIT.refused;
    }
    const tokens = await listTokens(db, user.id);
    if (!tokens.length) {
      out.log(
        `${user.email} has no API tokens. Create one with: ${INVOKE} token create --email ${user.email}`,
      );
      return EXIT.ok;
    }
    out.log(
      table(
        ['id', 'label', 'prefix', 'created', 'last used', 'revoked'],
        tokens.map((t) => [
          String(t.id),
          clean(t.label),
          `${t.prefix}…`,
          fmtTime(t.createdAt),
          fmtTime(t.lastUsedAt, 'never'),
          fmtTime(t.revokedAt),
        ]),
      ),
    );
    return EXIT.ok;
  },
});

export const tokenRevoke = command({
  usage: 'token revoke --id N | --token T',
  about: 'Revoke an API token, by its id (from token list) or by its value; it stops working at once.',
  options: { id: { type: 'string' }, token: { type: 'string' } },
  schema: TokenRevoke,
  async run({ id, token }, { db, out }) {
    const found =
      id !== undefined
        ? (await db.orm.select().from(apiTokens).where(eq(apiTokens.id, id)))[0]
        : await findTokenByValue(db, token ?? '');
    if (!found) {
      out.error(
        id !== undefined
          ? `There is no token ${id}. See the ids with: ${INVOKE} token list --email E`
          : 'No token has that value; check that it was copied whole.',
      );
      return EXIT.refused;
    }
    const label = `token ${found.id} "${clean(found.label)}" (${found.prefix}…)`;
    if (found.revokedAt) {
      out.log(`The ${label} was already revoked on ${fmtTime(found.revokedAt)}; nothing changed.`);
      return EXIT.ok;
    }
    const [owner] = await db.orm.select({ email: users.email }).from(users).where(eq(users.id, found.userId));
    await revokeToken(db, found.userId, found.id);
    out.log(`Revoked the ${label} of ${owner?.email ?? 'a deleted account'}: it no longer works.`);
    return EXIT.ok;
  },
});
