import type { Db } from '../../db/client';
import { commitsBetween } from '../../db/commit-stamp';

// Reads every request makes before it renders anything (whose session this is, the member's workspace, the
// workspace's newest audit id), kept while the database's commit stamp stands (db/commit-stamp.ts): nobody
// has committed anything since they were read, so reading them again would return the same rows. With the
// stamp unknown (a libSQL server, a replica, a commit in progress) they are read every time, as before.
//
// The stamp is taken before the read: a commit landing in between then leaves newer rows under the older
// stamp, which the next request finds stale and reads again; the other order could keep older rows under
// a newer stamp.

type Entry<V> = { stamp: string; value: Promise<V> };

// Commits known to have left the accounts alone (sessions, users, memberships, workspaces): this process's
// own rescorings, each recorded as the stamp after it → the stamp before it, only when the two are exactly
// one commit apart (so nobody else's commit hides in between). A read of accounts kept at the stamp before
// still holds at the stamp after: a meeting's rescorings then do not make every member's next request read
// their session and membership again.
const rescorings = new WeakMap<Db, Map<string, string>>();
const MAX_RESCORINGS = 64;

/** Records that the one commit from `before` to `after` wrote no account, session, membership or workspace. */
export function commitLeftAccountsAlone(db: Db, before: string | undefined, after: string | undefined): void {
  if (before === undefined || after === undefined || commitsBetween(before, after) !== 1) return;
  let known = rescorings.get(db);
  if (!known) {
    known = new Map();
    rescorings.set(db, known);
  }
  known.set(after, before);
  if (known.size > MAX_RESCORINGS) {
    const oldest = known.keys().next().value;
    if (oldest !== undefined) known.delete(oldest);
  }
}

/** Whether every commit from `from` back to `to` left the accounts alone. */
function onlyRescoringsBetween(db: Db, to: string, from: string): boolean {
  const known = rescorings.get(db);
  let at: string | undefined = from;
  for (let steps = 0; known && at !== undefined && steps < MAX_RESCORINGS; steps++) {
    at = known.get(at);
    if (at === to) return true;
  }
  return false;
}

/**
 * A read kept by commit stamp, per database, at most `max` keys (the oldest out first). `accounts`: the read
 * is of accounts only (see commitLeftAccountsAlone), so it also holds across this process's rescorings.
 */
export function stampedRead<V>(max: number, opts: { accounts?: boolean } = {}) {
  const tables = new WeakMap<Db, Map<string, Entry<V>>>();
  return (db: Db, key: string, read: () => Promise<V>): Promise<V> => {
    const stamp = db.stamp();
    if (stamp === undefined) return read();
    let table = tables.get(db);
    if (!table) {
      table = new Map();
      tables.set(db, table);
    }
    const hit = table.get(key);
    if (hit && hit.stamp === stamp) return hit.value;
    if (hit && opts.accounts && onlyRescoringsBetween(db, hit.stamp, stamp)) {
      hit.stamp = stamp;
      return hit.value;
    }
    const value = read();
    const entries = table;
    entries.delete(key);
    entries.set(key, { stamp, value });
    // A failed read is not kept: the next request reads again.
    value.catch(() => {
      if (entries.get(key)?.value === value) entries.delete(key);
    });
    if (entries.size > max) {
      const oldest = entries.keys().next().value;
      if (oldest !== undefined) entries.delete(oldest);
    }
    return value;
  };
}
