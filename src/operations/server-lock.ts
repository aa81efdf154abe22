import { readFileSync, rmSync, writeFileSync } from 'node:fs';

// A server announces that it holds a database file with `<db>.server.pid`, so that `restore` can refuse
// to swap the file from under it. A pid file left by a killed server is recognised as stale because no
// process by that id is alive any more.

export const lockPath = (dbPath: string) => `${dbPath}.server.pid`;

/** Writes the pid file; returns the function that removes it (on shutdown). */
export function holdDatabase(dbPath: string, pid = process.pid): () => void {
  const path = lockPath(dbPath);
  writeFileSync(path, `${pid}\n`);
  return () => {
    // Only our own: a second server started later on the same file wrote its own id.
    if (readHolder(dbPath) === pid) rmSync(path, { force: true });
  };
}

function readHolder(dbPath: string): number | undefined {
  try {
    const pid = Number.parseInt(readFileSync(lockPath(dbPath), 'utf8'), 10);
    return Number.isInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}

/** The id of the live server process holding this database, if any. */
export function serverHolding(dbPath: string): number | undefined {
  const pid = readHolder(dbPath);
  if (pid === undefined) return undefined;
  try {
    process.kill(pid, 0);
    return pid;
  } catch (e) {
    // EPERM: alive but someone else's process; still a holder.
    return (e as NodeJS.ErrnoException).code === 'EPERM' ? pid : undefined;
  }
}
