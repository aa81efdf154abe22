import { randomBytes } from 'node:crypto';
import { inArray } from 'drizzle-orm';
import type { Db, Tx } from '../../db/client';
import { memberships, type Role, type User, users } from '../../db/schema';
import { hashPassword, type ScryptParams } from '../accounts/passwords';
import { findUserByEmail, insertUser, normalEmail } from '../accounts/users';
import { ConflictError } from '../errors';
import type { WorkspaceBackup } from './format';

// A backup's people on this server: matched to accounts by email, or given an account that cannot sign in
// until whoever runs the server sets a password (`npm run lodestar -- user reset-password --email …`).

/** Email lookups per query: well under SQLite's limit on bound values. */
const LOOKUP = 500;

/**
 * The password hash for accounts the import will create, or undefined when everyone has one already: the
 * hash of a random password nobody is told. A well-formed hash, so signing in as one of them costs the
 * same as any wrong password (the timing does not tell such accounts apart). Slow, so it is made before the
 * import's transaction.
 */
export async function unusablePasswordFor(
  db: Db,
  file: WorkspaceBackup,
  scrypt?: ScryptParams,
): Promise<string | undefined> {
  const emails = [...new Set([...file.members, ...file.formerMembers].map((p) => normalEmail(p.email)))];
  const known = new Set<string>();
  for (let i = 0; i < emails.length; i += LOOKUP) {
    const part = emails.slice(i, i + LOOKUP);
    for (const u of await db.orm.select({ email: users.email }).from(users).where(inArray(users.email, part)))
      known.add(u.email);
  }
  return emails.some((e) => !known.has(e))
    ? hashPassword(randomBytes(32).toString('base64url'), scrypt)
    : undefined;
}

export type ImportedPeople = {
  /** The file's person refs → this server's user ids. */
  byRef: Map<number, number>;
  /** Lower-cased emails → user ids (member scores and the trail's actors name people by email). */
  byEmail: Map<string, number>;
  created: { email: string; name: string }[];
};

/**
 * Finds or creates everyone in the file, then makes the members members of the new workspace with their
 * roles and join times; the importer is an owner whatever the file says (and joins now if not in it).
 */
export async function importPeople(
  tx: Tx,
  file: WorkspaceBackup,
  workspaceId: number,
  importer: User,
  unusable: string | undefined,
  now: number,
): Promise<ImportedPeople> {
  const out: ImportedPeople = { byRef: new Map(), byEmail: new Map(), created: [] };
  for (const p of [...file.members, ...file.formerMembers]) {
    const email = normalEmail(p.email);
    let user = await findUserByEmail(tx, email);
    if (!user) {
      if (!unusable)
        throw new ConflictError(
          'Accounts changed on this server during the import; import the file again.',
          'conflict',
        );
      user = await insertUser(tx, { email, name: p.name, password: '' }, unusable, now);
      out.created.push({ email: user.email, name: user.name });
    }
    out.byRef.set(p.ref, user.id);
    out.byEmail.set(email, user.id);
  }
  const roles = new Map<number, { role: Role; joinedAt: number }>();
  for (const m of file.members)
    roles.set(out.byRef.get(m.ref) as number, { role: m.role, joinedAt: m.joinedAt });
  roles.set(importer.id, { role: 'owner', joinedAt: roles.get(importer.id)?.joinedAt ?? now });
  await tx
    .insert(memberships)
    .values([...roles].map(([userId, m]) => ({ workspaceId, userId, role: m.role, createdAt: m.joinedAt })));
  return out;
}
