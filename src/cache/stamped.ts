import type { Db } from '../../db/client';

// Reads every request makes before it renders anything (whose session this is, the member's workspace, the
// workspace's newest audit id), kept while the database's commit stamp stands (db/commit-stamp.ts): nobody
// has committed anything since they were read, so reading them again would return the same rows. With the
// stamp unknown (a libSQL server, a replica, a commit in progress) they are read every time, as before.
//
// The stamp is taken before the read: a commit landing in between then leaves newer rows under the older
// stamp, which the next request finds stale and reads again; the other order could keep older rows under
// a newer stamp.

type Entry<V> = { stamp: string; value: Promise<V> };

/** A read kept by commit stamp, per database, at most `max` keys (the oldest out first). */
export function stampedRead<V>(max: number) {
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
