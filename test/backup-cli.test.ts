import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createClient } from '@libsql/client';
import { afterEach, describe, expect, it } from 'vitest';
import { createDb, type Db } from '../db/client';
import { makeHypothesis, makeWorkspace } from '../db/factories';
import { migrateDb } from '../db/migrate';
import { runCli } from '../src/cli/commands';
import { holdDatabase } from '../src/operations/server-lock';

const dirs: string[] = [];
const dbs: Db[] = [];
afterEach(() => {
  for (const db of dbs.splice(0)) db.close();
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** A migrated database file whose path the test knows (backup and restore work on the file itself). */
async function fileDb() {
  const dir = mkdtempSync(join(tmpdir(), 'lodestar-backup-'));
  dirs.push(dir);
  const path = join(dir, 'live.db');
  const url = `file:${path}`;
  const db = createDb(url);
  dbs.push(db);
  await migrateDb(db);
  return { db, dir, path, url };
}

async function cli(db: Db, url: string, ...argv: string[]) {
  const stdout: string[] = [];
  const stderr: string[] = [];
  const code = await runCli(
    argv,
    db,
    { log: (l) => stdout.push(l), error: (l) => stderr.push(l) },
    { databaseUrl: url },
  );
  return { code, stdout: stdout.join('\n'), stderr: stderr.join('\n') };
}

/** The real command line in a child process: `npm run lodestar -- …` runs exactly this. */
function cliProcess(
  url: string,
  ...argv: string[]
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli.ts', ...argv], {
      cwd: fileURLToPath(new URL('..', import.meta.url)),
      env: { ...process.env, DATABASE_URL: url, LODESTAR_DEMO: '0' },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => {
      stdout += d;
    });
    child.stderr.on('data', (d) => {
      stderr += d;
    });
    child.on('error', fail);
    child.on('close', (code) => done({ code, stdout: stdout.trim(), stderr: stderr.trim() }));
  });
}

/** Reads a database file directly: integrity, and the rows whose agreement proves one consistent moment. */
async function look(path: string) {
  const client = createClient({ url: `file:${path}` });
  try {
    const one = async (sql: string) => Object.values((await client.execute(sql)).rows[0] ?? {})[0];
    return {
      integrity: await one('PRAGMA integrity_check'),
      hypotheses: Number(await one('select count(*) from hypotheses')),
      events: Number(await one('select count(*) from audit_events')),
      created: Number(
        await one("select count(*) from audit_events where entity = 'hypothesis' and action = 'create'"),
      ),
      orphans: Number(
        await one(`select count(*) from audit_events a where a.entity = 'hypothesis'
                   and not exists (select 1 from hypotheses h where h.id = a.entity_id)`),
      ),
    };
  } finally {
    client.close();
  }
}

describe('backup and restore', () => {
  it('snapshots a consistent moment while writes go on, and restores it into another database', async () => {
    const live = await fileDb();
    const ws = await makeWorkspace(live.db);
    for (let i = 0; i < 20; i++) await makeHypothesis(live.db, ws);
    // A write load from this process (each hypothesis and its audit record in one db.write) while the
    // command line, in its own process as in production, takes the snapshot. libSQL runs statements
    // synchronously, so the loop yields between writes to let the child's output and exit be heard.
    let stop = false;
    let written = 0;
    const load = (async () => {
      while (!stop) {
        await makeHypothesis(live.db, ws);
        written++;
        await new Promise((r) => setImmediate(r));
      }
    })();
    const file = join(live.dir, 'backups', 'nightly', 'snap.db');
    const r = await cliProcess(live.url, 'backup', file);
    stop = true;
    await load;

    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(
      /^Backed up to .*snap\.db \(\d+(\.\d)? (B|KiB|MiB)\): 1 workspaces, 0 users, \d+ hypotheses/,
    );
    const snap = await look(file);
    expect(snap.integrity).toBe('ok');
    // Taken mid-load: more than before the load, fewer than at its end, and each hypothesis with its record.
    expect(snap.hypotheses).toBeGreaterThan(20);
    expect(snap.hypotheses).toBeLessThan(20 + written);
    expect(snap.created).toBe(snap.hypotheses);
    expect(snap.orphans).toBe(0);
    expect(r.stdout).toContain(`${snap.hypotheses} hypotheses, 0 learnings, ${snap.events} audit events`);
    expect(readdirSync(join(live.dir, 'backups', 'nightly'))).toEqual(['snap.db']);

    const target = await fileDb();
    await makeWorkspace(target.db, { name: 'About to be replaced' });
    const restored = await cli(target.db, target.url, 'restore', file);
    expect(restored.stderr).toBe('');
    expect(restored.code).toBe(0);
    expect(restored.stdout).toContain(`${snap.hypotheses} hypotheses`);
    const after = await look(target.path);
    expect(after).toEqual(snap);
    // The database it replaced is kept beside it, whole.
    const aside = readdirSync(target.dir).find((f) => /^live\.db\.before-restore-\d{8}T\d{6}Z$/.test(f));
    expect(aside).toBeDefined();
    expect(restored.stdout).toContain(`kept as ${join(target.dir, aside as string)}`);
    expect((await look(join(target.dir, aside as string))).integrity).toBe('ok');
    // And the restored file is a working Lodestar database.
    const reopened = createDb(target.url);
    dbs.push(reopened);
    await migrateDb(reopened);
    const names = await reopened.client.execute('select name from workspaces');
    expect(names.rows.map((r) => r.name)).toEqual([ws.name]);
  });

  it('refuses to overwrite a backup unless --force, and replaces it with --force', async () => {
    const live = await fileDb();
    const file = join(live.dir, 'snap.db');
    expect((await cli(live.db, live.url, 'backup', file)).code).toBe(0);
    await makeWorkspace(live.db);
    const again = await cli(live.db, live.url, 'backup', file);
    expect(again.code).toBe(1);
    expect(again.stderr).toContain('already exists: choose another name, or add --force');
    expect(again.stdout).toBe('');
    const forced = await cli(live.db, live.url, 'backup', file, '--force');
    expect(forced.code).toBe(0);
    expect(forced.stdout).toContain('1 workspaces');
    expect(readdirSync(live.dir).filter((f) => f.startsWith('snap.db'))).toEqual(['snap.db']);
  });

  it('answers bad usage with exit 2 and the usage line', async () => {
    const live = await fileDb();
    for (const argv of [['backup'], ['backup', 'a.db', 'b.db'], ['restore'], ['backup', 'a.db', '--zip']]) {
      const r = await cli(live.db, live.url, ...argv);
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(/Usage: npm run lodestar -- (backup FILE \[--force\]|restore FILE)/);
    }
    const help = await cli(live.db, live.url, 'help');
    expect(help.stdout).toContain('backup FILE [--force]');
    expect(help.stdout).toContain('restore FILE');
  });

  it('refuses to restore while a server holds the database, and changes nothing', async () => {
    const live = await fileDb();
    const file = join(live.dir, 'snap.db');
    expect((await cli(live.db, live.url, 'backup', file)).code).toBe(0);
    await makeWorkspace(live.db, { name: 'Still here' });
    const release = holdDatabase(live.path);
    const r = await cli(live.db, live.url, 'restore', file);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`A Lodestar server (process ${process.pid}) is using`);
    expect(r.stderr).toContain('Nothing was changed.');
    expect(readdirSync(live.dir).some((f) => f.includes('before-restore'))).toBe(false);
    release();
    expect(existsSync(`${live.path}.server.pid`)).toBe(false);
    const names = await live.db.client.execute('select name from workspaces');
    expect(names.rows.map((r) => r.name)).toEqual(['Still here']);
  });

  it('treats the pid file of a server that is gone as stale', async () => {
    const live = await fileDb();
    const file = join(live.dir, 'snap.db');
    expect((await cli(live.db, live.url, 'backup', file)).code).toBe(0);
    // No process has id 2^22+1 (above Linux's pid_max default), so this is a server killed long ago.
    writeFileSync(`${live.path}.server.pid`, `${2 ** 22 + 1}\n`);
    const r = await cli(live.db, live.url, 'restore', file);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
  });

  it('refuses a missing file, a file that is not a database, one that fails integrity and one from a newer Lodestar', async () => {
    const live = await fileDb();
    const refused = async (file: string, text: string) => {
      const r = await cli(live.db, live.url, 'restore', file);
      expect(r.code).toBe(1);
      expect(r.stderr).toContain(text);
      expect(r.stderr).toContain('Nothing was changed.');
    };
    await refused(join(live.dir, 'nope.db'), 'There is no file at');
    writeFileSync(
      join(live.dir, 'notes.txt'),
      'not a database at all, but long enough to have a header page',
    );
    await refused(join(live.dir, 'notes.txt'), 'is not a SQLite database');

    const plain = join(live.dir, 'plain.db');
    const other = createClient({ url: `file:${plain}` });
    await other.execute('create table t (x)');
    other.close();
    await refused(plain, 'is not a Lodestar database');

    const newer = join(live.dir, 'newer.db');
    expect((await cli(live.db, live.url, 'backup', newer)).code).toBe(0);
    const edit = createClient({ url: `file:${newer}` });
    await edit.execute(
      `insert into __drizzle_migrations (hash, created_at) values ('future', ${Date.now() + 10 ** 12})`,
    );
    edit.close();
    await refused(newer, 'was made by a newer Lodestar');

    const torn = join(live.dir, 'torn.db');
    await makeWorkspace(live.db);
    expect((await cli(live.db, live.url, 'backup', torn)).code).toBe(0);
    const bytes = readFileSync(torn);
    // Scribble over the second half of the file's pages: the header still says SQLite, the b-trees do not.
    bytes.fill(0x5a, Math.floor(bytes.length / 2));
    writeFileSync(torn, bytes);
    const r = await cli(live.db, live.url, 'restore', torn);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/fails the integrity check|is not a SQLite database|malformed/);

    expect(readdirSync(live.dir).some((f) => f.includes('before-restore'))).toBe(false);
  });

  it('refuses to back up or restore a database that is not a local file', async () => {
    const live = await fileDb();
    for (const argv of [
      ['backup', join(live.dir, 'x.db')],
      ['restore', join(live.dir, 'x.db')],
    ]) {
      const r = await cli(live.db, 'libsql://lodestar-team.turso.io', ...argv);
      expect(r.code).toBe(1);
      expect(r.stderr).toContain('works on a local database file');
    }
  });
});
