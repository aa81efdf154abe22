import { eq, sql } from 'drizzle-orm';
import type { Db, Tx } from '../../db/client';
import { sessions, type User, users, workspaces } from '../../db/schema';
import { runAs, userActor } from '../audit/actor';
import { ConflictError, ValidationError } from '../errors';
import { putMember } from './members';
import { hashPassword, type ScryptParams } from './passwords';

export const normalEmail = (email: string) => email.trim().toLowerCase();

export async function countUsers(db: Db): Promise<number> {
  const [row] = await db.orm.select({ n: sql<number>`count(*)` }).from(users);
  return row?.n ?? 0;
}

export async function findUserByEmail(db: Db | Tx, email: string): Promise<User | undefined> {
  const orm = 'orm' in db ? db.orm : db;
  const [row] = await orm
    .select()
    .from(users)
    .where(eq(users.email, normalEmail(email)));
  return row;
}

export async function getUser(db: Db, id: number): Promise<User | undefined> {
  const [row] = await db.orm.select().from(users).where(eq(users.id, id));
  return row;
}

export type NewUser = { email: string; name: string; password: string; isServerOwner?: boolean };

/** Inserts a user inside a running transaction (the hash is computed beforehand, outside it). */
export async function insertUser(tx: Tx, input: NewUser, passwordHash: string, now: number): Promise<User> {
  if (await findUserByEmail(tx, input.email))
    throw new ValidationError({ email: 'There is already an account with this email.' });
  const [row] = await tx
    .insert(users)
    .values({
      email: normalEmail(input.email),
      name: input.name.trim(),
      passwordHash,
      isServerOwner: input.isServerOwner ?? false,
      createdAt: now,
      passwordChangedAt: now,
    })
    .returning();
  if (!row) throw new Error('insert returned no row');
  return row;
}

/** Adds a user. The hash is computed before the write transaction: it is slow and must not hold the lock. */
export async function createUser(
  db: Db,
  input: NewUser,
  params?: ScryptParams,
  now = Date.now(),
): Promise<User> {
  const hash = await hashPassword(input.password, params);
  return db.write((tx) => insertUser(tx, input, hash, now));
}

/**
 * The first run: creates the first user as a server owner and gives them every workspace that has no
 * member yet (the demo workspace, and any created before accounts existed). Refused once a user exists,
 * checked inside the transaction so that two people racing through /setup cannot both become owners.
 */
export async function setupFirstOwner(
  db: Db,
  input: Omit<NewUser, 'isServerOwner'>,
  params?: ScryptParams,
  now = Date.now(),
): Promise<User> {
  const hash = await hashPassword(input.password, params);
  return db.write(async (tx) => {
    const [existing] = await tx.select({ id: users.id }).from(users).limit(1);
    if (existing) throw new ConflictError('Lodestar is already set up; sign in instead.', 'conflict');
    const user = await insertUser(tx, { ...input, isServerOwner: true }, hash, now);
    // The trail names the new owner as the one who took the workspaces over (nobody was signed in yet).
    await runAs(userActor(user, 'session'), () => adoptOrphanWorkspaces(tx, user.id, now));
    return user;
  });
}

/** Makes the user owner of every workspace nobody is a member of (each recorded in its trail). */
export async function adoptOrphanWorkspaces(tx: Tx, userId: number, now = Date.now()): Promise<number> {
  const [user] = await tx.select().from(users).where(eq(users.id, userId));
  if (!user) throw new Error('adopting user does not exist');
  const orphans = await tx
    .select({ id: workspaces.id })
    .from(workspaces)
    .where(sql`not exists (select 1 from memberships m where m.workspace_id = ${workspaces.id})`);
  for (const w of orphans) await putMember(tx, w.id, user, 'owner', now);
  return orphans.length;
}

/** Sets a new password and ends every session of the user (the caller signs the current browser in again). */
export async function setPassword(
  db: Db,
  userId: number,
  password: string,
  params?: ScryptParams,
  now = Date.now(),
): Promise<void> {
  const hash = await hashPassword(password, params);
  await db.write(async (tx) => {
    await tx.update(users).set({ passwordHash: hash, passwordChangedAt: now }).where(eq(users.id, userId));
    await tx.delete(sessions).where(eq(sessions.userId, userId));
  });
}
