import { existsSync, readFileSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { createClient } from '@libsql/client';
import type { Db } from '../../db/client';

/** The tables a backup or restore reports, in the order printed. */
export const COUNTED_TABLES = ['workspaces', 'users', 'hypotheses', 'learnings', 'audit_events'] as const;
export type Counts = Record<(typeof COUNTED_TABLES)[number], number>;

/** Where the database of a `file:` URL lives, or undefined for a remote or in-memory one. */
export function databasePath(url: string): string | undefined {
  if (!url.startsWith('file:')) return undefined;
  const path = url.slice('file:'.length);
  if (!path || path === ':memory:' || path.startsWith(':')) return undefined;
  return path;
}

type Executor = { execute(sql: string | { sql: string; args: string[] }): Promise<{ rows: unknown[] }> };

export async function countRows(client: Executor): Promise<Counts> {
  const parts = COUNTED_TABLES.map((t) => `(select count(*) from ${t}) as ${t}`).join(', ');
  const row = (await client.execute(`select ${parts}`)).rows[0] as Record<string, unknown>;
  return Object.fromEntries(COUNTED_TABLES.map((t) => [t, Number(row[t])])) as Counts;
}

/**
 * Writes a consistent copy of the live database into `target` (which must not exist). VACUUM INTO reads
 * inside one read transaction, so under WAL the server keeps writing while the copy sees one moment; the
 * counts come from the copy itself, so they are that moment's.
 */
export async function snapshotInto(db: Db, target: string): Promise<Counts> {
  await db.client.execute({ sql: 'VACUUM INTO ?', args: [target] });
  const copy = createClient({ url: `file:${target}` });
  try {
    return await countRows(copy);
  } finally {
    copy.close();
  }
}

/** What the application's migrations know: how many, and when the newest was made. */
export function knownMigrations(): { count: number; newest: number } {
  const journal = JSON.parse(
    readFileSync(fileURLToPath(new URL('../../db/migrations/meta/_journal.json', import.meta.url)), 'utf8'),
  ) as { entries: { when: number }[] };
  return {
    count: journal.entries.length,
    newest: Math.max(...journal.entries.map((e) => e.when)),
  };
}

export type Inspection =
  | { ok: true; counts: Counts; migrations: number; behind: number }
  | { ok: false; problem: string };

/**
 * Checks a backup file before it replaces anything: a SQLite database, `PRAGMA integrity_check` ok, made
 * by Lodestar (its migrations table) and not by a newer version than this one (whose schema this code
 * would not understand). An older one is fine: the server migrates it on start.
 */
export async function inspectBackup(file: string): Promise<Inspection> {
  if (!existsSync(file) || !statSync(file).isFile())
    return { ok: false, problem: `There is no file at ${file}.` };
  const client = createClient({ url: `file:${file}` });
  try {
    let integrity: string;
    try {
      const rows = (await client.execute('PRAGMA integrity_check')).rows;
      integrity = rows.map((r) => String(Object.values(r)[0])).join('; ');
    } catch (e) {
      return { ok: false, problem: `${file} is not a SQLite database (${message(e)}).` };
    }
    if (integrity !== 'ok') return { ok: false, problem: `${file} fails the integrity check: ${integrity}` };
    let applied: { count: number; newest: number };
    try {
      const row = (
        await client.execute('select count(*) as n, max(created_at) as newest from __drizzle_migrations')
      ).rows[0] as Record<string, unknown>;
      applied = { count: Number(row.n), newest: Number(row.newest ?? 0) };
    } catch {
      return { ok: false, problem: `${file} is not a Lodestar database (it has no migrations table).` };
    }
    const known = knownMigrations();
    if (applied.newest > known.newest || applied.count > known.count)
      return {
        ok: false,
        problem: `${file} was made by a newer Lodestar (${applied.count} migrations, this one knows ${known.count}): upgrade Lodestar first.`,
      };
    return {
      ok: true,
      counts: await countRows(client),
      migrations: applied.count,
      behind: known.count - applied.count,
    };
  } finally {
    client.close();
  }
}

export const message = (e: unknown) => (e instanceof Error ? e.message : String(e));

export function formatCounts(c: Counts): string {
  return COUNTED_TABLES.map((t) => `${c[t]} ${t.replace('_', ' ')}`).join(', ');
}

export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KiB`;
  return `${(n / 1024 / 1024).toFixed(1)} MiB`;
}
