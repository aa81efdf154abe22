import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { sql } from 'drizzle-orm';
import { afterEach, describe, expect, it } from 'vitest';
import { createDb, type Db } from '../db/client';
import { commitStamp, commitsBetween } from '../db/commit-stamp';
import { migrateDb } from '../db/migrate';
import { stampedRead } from '../src/cache/stamped';

// The commit stamp (db/commit-stamp.ts) is what lets a request skip reading its session, membership and data
// version (src/cache/stamped.ts): these tests prove it moves with every commit, whoever makes it, stays put
// otherwise, and says "unknown" rather than guess whenever the wal-index header cannot be trusted.

const run = promisify(execFile);
const repo = fileURLToPath(new URL('..', import.meta.url));

const dirs: string[] = [];
const opened: Db[] = [];
afterEach(() => {
  for (const db of opened.splice(0)) db.close();
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** A path for a database file in a directory of its own (nothing created yet). */
function tempPath(): string {
  const dir = mkdtempSync(join(tmpdir(), 'lodestar-stamp-'));
  dirs.push(dir);
  return join(dir, 'test.db');
}

function open(url: string): Db {
  const db = createDb(url);
  opened.push(db);
  return db;
}

/** A migrated file database and its path. */
async function migrated() {
  const path = tempPath();
  const db = open(`file:${path}`);
  await migrateDb(db);
  await db.client.execute('create table notes (body text)');
  return { db, path };
}

/** The wal-index header's change counter (iChange, bytes 8..11 in native order), for readable failures. */
const changeCounter = (stamp: string | undefined) =>
  stamp === undefined ? undefined : Buffer.from(stamp, 'latin1').readUInt32LE(8);

/** One 48-byte wal-index header: the version, isInit, and a marker byte to tell headers apart. */
function header({ version = 3007000, isInit = 1, marker = 0, bigEndian = false } = {}) {
  const h = Buffer.alloc(48);
  if (bigEndian) h.writeUInt32BE(version, 0);
  else h.writeUInt32LE(version, 0);
  h.writeUInt32LE(marker, 8);
  h[12] = isInit;
  return h;
}

describe('commitStamp on a real database', () => {
  it('is undefined before the database has a -shm file, defined once it is in WAL mode', async () => {
    const path = tempPath();
    // No file at all: nothing to read, no error either.
    expect(commitStamp(path).read()).toBeUndefined();
    // A brand-new database is in rollback-journal mode until migrateDb turns WAL on: no -shm file yet.
    const db = open(`file:${path}`);
    expect(existsSync(`${path}-shm`)).toBe(false);
    expect(db.stamp()).toBeUndefined();
    await migrateDb(db);
    // The same Db, whose first read found no file: it must try again rather than remember the failure.
    const stamp = db.stamp();
    expect(stamp).toBeDefined();
    expect(stamp).toHaveLength(48);
    expect(commitStamp(path).read()).toBe(stamp);
  });

  it('stays the same while the database is only read', async () => {
    const { db } = await migrated();
    const before = db.stamp();
    await db.client.execute('select count(*) from users');
    await db.orm.query.users.findMany();
    await db.client.execute('select * from notes');
    expect(db.stamp()).toBe(before);
  });

  it('moves with a write through db.write and through db.client.execute', async () => {
    const { db } = await migrated();
    const s0 = db.stamp();
    await db.write((tx) => tx.run("insert into notes values ('through the write queue')"));
    const s1 = db.stamp();
    expect(s1).toBeDefined();
    expect(s1).not.toBe(s0);
    expect(changeCounter(s1)).toBe((changeCounter(s0) ?? 0) + 1);
    await db.client.execute("insert into notes values ('straight on the client')");
    const s2 = db.stamp();
    expect(s2).toBeDefined();
    expect(s2).not.toBe(s1);
    expect(changeCounter(s2)).toBe((changeCounter(s1) ?? 0) + 1);
  });

  it('does not move for a write that changes nothing (a DELETE matching no row, a same-value UPDATE)', async () => {
    const { db } = await migrated();
    const before = db.stamp();
    await db.client.execute("delete from notes where body = 'not there'");
    await db.write((tx) => tx.run("delete from notes where body = 'not there either'"));
    expect(db.stamp()).toBe(before);
    // Nor for an UPDATE that matches a row but stores the bytes it already had: SQLite writes no page.
    await db.client.execute("insert into notes values ('same')");
    const withRow = db.stamp();
    expect(withRow).not.toBe(before);
    const same = await db.client.execute("update notes set body = 'same' where body = 'same'");
    expect(same.rowsAffected).toBe(1);
    expect(db.stamp()).toBe(withRow);
  });

  it('moves with a write by another Db object on the same file (its own pool, nothing announced)', async () => {
    const { db, path } = await migrated();
    const before = db.stamp();
    const other = createDb(`file:${path}`);
    try {
      await other.write((tx) => tx.run("insert into notes values ('from the other Db')"));
    } finally {
      other.close();
    }
    const after = db.stamp();
    expect(after).toBeDefined();
    expect(after).not.toBe(before);
    // And again: every commit moves it, not only the first one seen.
    const other2 = createDb(`file:${path}`);
    try {
      await other2.client.execute("insert into notes values ('once more')");
    } finally {
      other2.close();
    }
    expect(db.stamp()).not.toBe(after);
  });

  it('moves with a write by another process', async () => {
    const { db, path } = await migrated();
    const before = db.stamp();
    // Another process (as the CLI or a second server would be): a plain libsql connection in a child node.
    const script =
      "const D = require('libsql'); const d = new D(process.argv[1]); d.exec(process.argv[2]); d.close();";
    await run(process.execPath, ['-e', script, path, "insert into notes values ('from another process')"], {
      cwd: repo,
    });
    const after = db.stamp();
    expect(after).toBeDefined();
    expect(after).not.toBe(before);
    // The write is really there (the child wrote to this file, not to another one).
    expect((await db.client.execute('select count(*) from notes')).rows[0]?.[0]).toBe(1);
    // A read-only child process leaves it alone.
    await run(process.execPath, ['-e', script, path, 'select count(*) from notes'], { cwd: repo });
    expect(db.stamp()).toBe(after);
  });

  it('is undefined after close, for commitStamp and for db.stamp()', async () => {
    const { db, path } = await migrated();
    const stamp = commitStamp(path);
    expect(stamp.read()).toBeDefined();
    stamp.close();
    expect(stamp.read()).toBeUndefined();
    stamp.close(); // twice is harmless
    expect(db.stamp()).toBeDefined();
    db.close();
    expect(db.stamp()).toBeUndefined();
  });

  it('leaves SQLite its locks when another handle on the same file closes (one descriptor per process)', async () => {
    // Closing any descriptor of a file drops every POSIX lock the process holds on it: if a second Db on
    // the file closed its own descriptor of the -shm, the first Db's locks would silently go, and another
    // process could rebuild the wal-index under it. The locks are read from /proc/locks (Linux).
    const { db, path } = await migrated();
    await db.client.execute('select count(*) from notes');
    const inode = statSync(`${path}-shm`).ino;
    const locksHeld = () =>
      readFileSync('/proc/locks', 'utf8')
        .split('\n')
        .filter((line) => {
          const f = line.trim().split(/\s+/);
          return f[4] === String(process.pid) && f[5]?.split(':')[2] === String(inode);
        }).length;
    const before = locksHeld();
    expect(before).toBeGreaterThan(0);
    const other = createDb(`file:${path}`);
    expect(other.stamp()).toBeDefined();
    other.close();
    expect(locksHeld()).toBe(before);
    // The first handle still reads the stamp through the shared descriptor, and it still moves.
    const stamp = db.stamp();
    expect(stamp).toBeDefined();
    await db.client.execute("insert into notes values ('after the other closed')");
    expect(changeCounter(db.stamp())).toBe((changeCounter(stamp) ?? 0) + 1);
  });

  it('keeps nothing on the stamp once a write failed with SQLITE_BUSY (a pooled connection may lag)', async () => {
    // Another process holds the write lock past the busy timeout: this process's write fails, and the
    // connection it tried may stay on its old snapshot for a while. Reads kept by stamp could then hold rows
    // older than the stamp says, so from then on nothing is kept on its word (every read is made).
    const { db, path } = await migrated();
    expect(db.stamp()).toBeDefined();
    const other = open(`file:${path}`);
    const holding = await other.client.transaction('write');
    await holding.execute("insert into notes values ('held')");
    await expect(db.write(async (tx) => tx.run(sql`select 1`))).rejects.toThrow(/SQLITE_BUSY|locked/i);
    await holding.commit();
    expect(db.stamp()).toBeUndefined();
  }, 15_000);

  it('counts the commits between two stamps (commitsBetween)', async () => {
    const { db } = await migrated();
    const first = db.stamp();
    expect(commitsBetween(first, db.stamp())).toBe(0);
    await db.client.execute("insert into notes values ('one')");
    const second = db.stamp();
    expect(commitsBetween(first, second)).toBe(1);
    await db.client.execute("insert into notes values ('two')");
    expect(commitsBetween(first, db.stamp())).toBe(2);
    expect(commitsBetween(second, db.stamp())).toBe(1);
    expect(commitsBetween(undefined, second)).toBeUndefined();
    expect(commitsBetween(first, undefined)).toBeUndefined();
  });

  it('is undefined for databases that are not a plain local file', () => {
    // In memory: no -shm file exists, whatever happens.
    const memory = open('file::memory:');
    expect(memory.kind).toBe('file');
    expect(memory.stamp()).toBeUndefined();
    // A libSQL server: the HTTP client connects lazily, so constructing one makes no request.
    const remote = open('http://127.0.0.1:9');
    expect(remote.kind).toBe('remote');
    expect(remote.stamp()).toBeUndefined();
  });
});

describe('commitStamp on a hand-made -shm file', () => {
  function shm(...parts: Buffer[]) {
    const path = tempPath();
    writeFileSync(`${path}-shm`, Buffer.concat(parts));
    return { path, stamp: commitStamp(path) };
  }

  it('is the 48-byte header when both copies are identical, valid and initialised', () => {
    const h = header({ marker: 7 });
    const { stamp } = shm(h, h, Buffer.alloc(32));
    expect(stamp.read()).toBe(h.toString('latin1'));
    // A big-endian version field is a valid header too (a file written on a big-endian machine).
    const be = header({ bigEndian: true, marker: 8 });
    expect(shm(be, be).stamp.read()).toBe(be.toString('latin1'));
  });

  it('is undefined while the two copies differ (a commit in progress)', () => {
    const { stamp } = shm(header({ marker: 1 }), header({ marker: 2 }));
    expect(stamp.read()).toBeUndefined();
  });

  it('is undefined for another wal-index version, an uninitialised header or a short file', () => {
    const wrong = header({ version: 3007001 });
    expect(shm(wrong, wrong).stamp.read()).toBeUndefined();
    const uninitialised = header({ isInit: 0 });
    expect(shm(uninitialised, uninitialised).stamp.read()).toBeUndefined();
    const h = header();
    expect(shm(h, h.subarray(0, 47)).stamp.read()).toBeUndefined();
    expect(shm(Buffer.alloc(0)).stamp.read()).toBeUndefined();
  });

  it('reads the file afresh on every call through the descriptor it opened once', () => {
    const a = header({ marker: 1 });
    const { path, stamp } = shm(a, a);
    expect(stamp.read()).toBe(a.toString('latin1'));
    // Rewritten in place (the same file, as SQLite updates it): the next read sees the new bytes.
    const b = header({ marker: 2 });
    writeFileSync(`${path}-shm`, Buffer.concat([b, b]));
    expect(stamp.read()).toBe(b.toString('latin1'));
    writeFileSync(`${path}-shm`, Buffer.concat([b, a]));
    expect(stamp.read()).toBeUndefined();
    writeFileSync(`${path}-shm`, Buffer.concat([b, b]));
    expect(stamp.read()).toBe(b.toString('latin1'));
    stamp.close();
    expect(stamp.read()).toBeUndefined();
  });

  it('finds a -shm file that appears after a first read found none', () => {
    const path = tempPath();
    const stamp = commitStamp(path);
    expect(stamp.read()).toBeUndefined();
    const h = header({ marker: 3 });
    writeFileSync(`${path}-shm`, Buffer.concat([h, h]));
    expect(stamp.read()).toBe(h.toString('latin1'));
    stamp.close();
    unlinkSync(`${path}-shm`);
  });
});

describe('stampedRead', () => {
  /** A stand-in for a Db whose stamp the test sets. stampedRead asks nothing else of it. */
  function fakeDb(initial: string | undefined) {
    const state = { stamp: initial };
    const db = { stamp: () => state.stamp } as unknown as Db;
    return { db, state };
  }

  /** A read that counts its calls and answers `value-<n>` for the n-th call. */
  function counter(effect?: (n: number) => void) {
    let calls = 0;
    const read = async () => {
      calls++;
      effect?.(calls);
      return `value-${calls}`;
    };
    return { read, calls: () => calls };
  }

  it('reads once while the stamp stands, and again once it moves', async () => {
    const kept = stampedRead<string>(10);
    const { db, state } = fakeDb('stamp-1');
    const { read, calls } = counter();
    expect(await kept(db, 'k', read)).toBe('value-1');
    expect(await kept(db, 'k', read)).toBe('value-1');
    expect(await kept(db, 'k', read)).toBe('value-1');
    expect(calls()).toBe(1);
    state.stamp = 'stamp-2';
    expect(await kept(db, 'k', read)).toBe('value-2');
    expect(await kept(db, 'k', read)).toBe('value-2');
    expect(calls()).toBe(2);
  });

  it('shares one read among callers that arrive together', async () => {
    const kept = stampedRead<string>(10);
    const { db } = fakeDb('stamp-1');
    const { read, calls } = counter();
    const values = await Promise.all([kept(db, 'k', read), kept(db, 'k', read), kept(db, 'k', read)]);
    expect(values).toEqual(['value-1', 'value-1', 'value-1']);
    expect(calls()).toBe(1);
  });

  it('keeps nothing while the stamp is unknown: every call reads', async () => {
    const kept = stampedRead<string>(10);
    const { db } = fakeDb(undefined);
    const { read, calls } = counter();
    expect(await kept(db, 'k', read)).toBe('value-1');
    expect(await kept(db, 'k', read)).toBe('value-2');
    expect(await kept(db, 'k', read)).toBe('value-3');
    expect(calls()).toBe(3);
  });

  it('keeps each key, and each database, apart', async () => {
    const kept = stampedRead<string>(10);
    const one = fakeDb('same');
    const two = fakeDb('same');
    const { read, calls } = counter();
    expect(await kept(one.db, 'a', read)).toBe('value-1');
    expect(await kept(one.db, 'b', read)).toBe('value-2');
    expect(await kept(two.db, 'a', read)).toBe('value-3');
    expect(await kept(one.db, 'a', read)).toBe('value-1');
    expect(await kept(two.db, 'a', read)).toBe('value-3');
    expect(calls()).toBe(3);
  });

  it('does not keep a failed read: the next call reads again', async () => {
    const kept = stampedRead<string>(10);
    const { db } = fakeDb('stamp-1');
    let calls = 0;
    const read = async () => {
      calls++;
      if (calls === 1) throw new Error('database is locked');
      return `value-${calls}`;
    };
    await expect(kept(db, 'k', read)).rejects.toThrow('database is locked');
    expect(await kept(db, 'k', read)).toBe('value-2');
    expect(await kept(db, 'k', read)).toBe('value-2');
    expect(calls).toBe(2);
  });

  it('takes the stamp before reading: a value read while a commit landed is read again', async () => {
    const kept = stampedRead<string>(10);
    const { db, state } = fakeDb('before');
    // The first read sees the database after a commit that moved the stamp during the read. Kept under the
    // stamp taken after it, it would be served as current; kept under the one before, the next call reads.
    const { read, calls } = counter((n) => {
      if (n === 1) state.stamp = 'after';
    });
    expect(await kept(db, 'k', read)).toBe('value-1');
    expect(await kept(db, 'k', read)).toBe('value-2');
    expect(calls()).toBe(2);
    // Nothing moved during the second read: that one is kept.
    expect(await kept(db, 'k', read)).toBe('value-2');
    expect(calls()).toBe(2);
  });

  it('keeps at most `max` keys, dropping the oldest first', async () => {
    const kept = stampedRead<string>(2);
    const { db } = fakeDb('stamp-1');
    const reads = new Map<string, number>();
    const readOf = (key: string) => async () => {
      reads.set(key, (reads.get(key) ?? 0) + 1);
      return key;
    };
    await kept(db, 'a', readOf('a'));
    await kept(db, 'b', readOf('b'));
    await kept(db, 'c', readOf('c')); // a third key: 'a', the oldest, goes
    await kept(db, 'b', readOf('b'));
    await kept(db, 'c', readOf('c'));
    expect(reads).toEqual(
      new Map([
        ['a', 1],
        ['b', 1],
        ['c', 1],
      ]),
    );
    await kept(db, 'a', readOf('a'));
    expect(reads.get('a')).toBe(2);
    // 'a' came back as the newest, so 'b' was the oldest and went; 'c' is still kept.
    await kept(db, 'c', readOf('c'));
    expect(reads.get('c')).toBe(1);
    await kept(db, 'b', readOf('b'));
    expect(reads.get('b')).toBe(2);
  });
});
