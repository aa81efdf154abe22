import { createHash, randomBytes } from 'node:crypto';
import { and, eq, lt, or, sql } from 'drizzle-orm';
import type { Db } from '../../db/client';
import { type Session, sessions, type User, users } from '../../db/schema';
import { stampedRead } from '../cache/stamped';

/** A session ends after this long without a request… */
export const SESSION_IDLE_MS = 7 * 24 * 60 * 60 * 1000;
/** …and this long after sign-in, however active. */
export const SESSION_MAX_MS = 30 * 24 * 60 * 60 * 1000;
// Last-seen is written at most this often, so that reading pages does not write on every request.
const TOUCH_EVERY_MS = 60 * 1000;

export const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');

/** Starts a session; returns the id for the cookie (only its hash is stored). */
export async function createSession(db: Db, userId: number, now = Date.now()): Promise<string> {
  const id = randomBytes(32).toString('base64url');
  await db.write(async (tx) => {
    // Expired sessions of anyone are swept here, the one place that adds rows.
    await tx
      .delete(sessions)
      .where(
        or(lt(sessions.lastSeenAt, now - SESSION_IDLE_MS), lt(sessions.createdAt, now - SESSION_MAX_MS)),
      );
    await tx.insert(sessions).values({ idHash: sha256(id), userId, createdAt: now, lastSeenAt: now });
  });
  return id;
}

/** The user of a live session, or undefined for an unknown, tampered or expired id. */
export async function resolveSession(db: Db, id: string, now = Date.now()): Promise<User | undefined> {
  if (!/^[A-Za-z0-9_-]{43}$/.test(id)) return undefined;
  const idHash = sha256(id);
  const row = await sessionRow(db, idHash, async () => (await sessionQuery(db).execute({ idHash }))[0]);
  if (!row) return undefined;
  const { session } = row;
  if (session.lastSeenAt < now - SESSION_IDLE_MS || session.createdAt < now - SESSION_MAX_MS) {
    await endSession(db, id);
    return undefined;
  }
  if (now - session.lastSeenAt > TOUCH_EVERY_MS)
    await db.write((tx) => tx.update(sessions).set({ lastSeenAt: now }).where(eq(sessions.idHash, idHash)));
  return row.user;
}

// Every request asks this first: the row is kept until anyone commits anything (src/cache/stamped.ts), so the
// expiry and last-seen checks above still run on every request, against the row as it stands.
const sessionRow = stampedRead<{ session: Session; user: User } | undefined>(10_000, { accounts: true });

// Every page asks this first, so its SQL is built once per database rather than per request.
const preparedSession = new WeakMap<Db, ReturnType<typeof prepareSession>>();
function prepareSession(db: Db) {
  return db.orm
    .select({ session: sessions, user: users })
    .from(sessions)
    .innerJoin(users, eq(users.id, sessions.userId))
    .where(eq(sessions.idHash, sql.placeholder('idHash')))
    .prepare();
}
function sessionQuery(db: Db) {
  let query = preparedSession.get(db);
  if (!query) {
    query = prepareSession(db);
    preparedSession.set(db, query);
  }
  return query;
}

export async function endSession(db: Db, id: string): Promise<void> {
  await db.write((tx) => tx.delete(sessions).where(eq(sessions.idHash, sha256(id))));
}

/** Ends every session of a user (sign out everywhere; password change). */
export async function endAllSessions(db: Db, userId: number): Promise<void> {
  await db.write((tx) => tx.delete(sessions).where(eq(sessions.userId, userId)));
}

export async function countSessions(db: Db, userId: number): Promise<number> {
  return (
    await db.orm
      .select()
      .from(sessions)
      .where(and(eq(sessions.userId, userId)))
  ).length;
}
