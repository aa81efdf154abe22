import { closeSync, fstatSync, openSync, readSync, realpathSync } from 'node:fs';
import { endianness } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';

// A database file's commit stamp: bytes that change whenever anyone commits to it, read without asking
// SQLite anything. What a page checks before every request (who the session is, the member's workspace,
// the workspace's newest audit id) can then be kept until the stamp moves, instead of read again each time.
//
// In WAL mode every connection, in any process, publishes each commit in the wal-index header, the first
// 48 bytes of the `-shm` file (https://sqlite.org/walformat.html#the_wal_index_file_format): its change
// counter goes up by one per commit, the frame count and the salts move as the log grows and restarts, and
// the header's own checksum covers all of them. The header is written twice (the second copy first);
// readers that find the two copies different are looking at a commit in progress. Here such a moment, a
// missing or unfamiliar file, or any error gives "no stamp": the caller then reads the database as usual.
//
// The file is opened once per process and closed only when the last database handle on it closes: closing
// any descriptor of a file drops every POSIX lock the process holds on it, SQLite's own included
// (https://sqlite.org/howtocorrupt.html#_posix_advisory_locks_canceled_by_a_separate_thread_doing_close_),
// so one handle closing must not pull the locks from under another one still open on the same file (tests
// and the benchmarks open two on one file; the server opens one).

const HEADER = 48;
const WAL_INDEX_VERSION = 3007000;

export type CommitStamp = {
  /** The current stamp, or undefined when it cannot be read (then nothing may be kept on its word). */
  read(): string | undefined;
  close(): void;
};

/** One descriptor per -shm file in this process, and how many open stamps use it. */
const shared = new Map<string, { fd?: number; users: number }>();

export function commitStamp(dbPath: string): CommitStamp {
  // By the real directory: two spellings of one file (a symlinked directory) must share the descriptor.
  let dir = resolve(dirname(dbPath));
  try {
    dir = realpathSync(dir);
  } catch {}
  const shm = join(dir, `${basename(dbPath)}-shm`);
  const buf = Buffer.alloc(HEADER * 2);
  let file = shared.get(shm);
  if (!file) {
    file = { users: 0 };
    shared.set(shm, file);
  }
  file.users++;
  const mine = file;
  let closed = false;
  return {
    read() {
      if (closed) return undefined;
      try {
        // The -shm file appears with the first read of a WAL database; until then there is nothing to read.
        mine.fd ??= openSync(shm, 'r');
        if (readSync(mine.fd, buf, 0, HEADER * 2, 0) !== HEADER * 2) return undefined;
        // The -shm file was deleted (every connection to the database closed) and may be made anew: this
        // descriptor would read the old one forever. Open the new one next time; the old descriptor is left
        // open, since closing it could drop locks SQLite still holds through that file.
        if (fstatSync(mine.fd).nlink === 0) {
          mine.fd = undefined;
          return undefined;
        }
      } catch {
        return undefined;
      }
      const version = buf.readUInt32LE(0) === WAL_INDEX_VERSION || buf.readUInt32BE(0) === WAL_INDEX_VERSION;
      const initialised = buf[12] === 1;
      if (!version || !initialised || buf.compare(buf, 0, HEADER, HEADER, HEADER * 2) !== 0) return undefined;
      return buf.toString('latin1', 0, HEADER);
    },
    close() {
      if (closed) return;
      closed = true;
      mine.users--;
      if (mine.users > 0) return;
      shared.delete(shm);
      if (mine.fd !== undefined) closeSync(mine.fd);
    },
  };
}

/**
 * How many commits lie between two stamps of the same file, by the header's change counter (stored in the
 * machine's byte order); undefined if either is unknown.
 */
export function commitsBetween(from: string | undefined, to: string | undefined): number | undefined {
  if (from === undefined || to === undefined) return undefined;
  const counter = (stamp: string) => {
    const b = Buffer.from(stamp, 'latin1');
    return endianness() === 'LE' ? b.readUInt32LE(8) : b.readUInt32BE(8);
  };
  return (counter(to) - counter(from)) >>> 0;
}
