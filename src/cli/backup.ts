import { copyFileSync, existsSync, mkdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { z } from 'zod';
import { serverHolding } from '../operations/server-lock';
import {
  databasePath,
  formatBytes,
  formatCounts,
  inspectBackup,
  message,
  snapshotInto,
} from '../operations/snapshot';
import { type Ctx, command, EXIT } from './command';

const oneFile = (what: string) =>
  z
    .array(z.string())
    .min(1, { error: `${what} needs a FILE.` })
    .max(1, { error: `${what} takes one FILE.` })
    .transform((files) => resolve(files[0] as string));

/** The database file behind DATABASE_URL, or a refusal printed when it is not a local file. */
function localDatabase(ctx: Ctx, what: string): string | undefined {
  const path = ctx.databaseUrl ? databasePath(ctx.databaseUrl) : undefined;
  if (!path)
    ctx.out.error(
      `${what} works on a local database file (DATABASE_URL=file:…). A libSQL server (sqld, Turso) keeps its own backups: use its tools.`,
    );
  return path && resolve(path);
}

// A time that sorts and fits in a file name: 20260105T093000Z.
const stamp = (now: Date) =>
  now
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d+Z$/, 'Z');

export const backup = command({
  usage: 'backup FILE [--force]',
  about:
    'Writes a consistent snapshot of the database to FILE while the server runs (VACUUM INTO).\nRefuses an existing FILE unless --force; creates its folder.',
  options: { force: { type: 'boolean' } },
  positionals: true,
  schema: z.object({ args: oneFile('backup'), force: z.boolean().default(false) }),
  async run({ args: target, force }, ctx) {
    if (!localDatabase(ctx, 'backup')) return EXIT.refused;
    if (existsSync(target) && !force) {
      ctx.out.error(`${target} already exists: choose another name, or add --force to replace it.`);
      return EXIT.refused;
    }
    mkdirSync(dirname(target), { recursive: true });
    // VACUUM INTO refuses an existing file, and a half-written snapshot must never sit under the final name:
    // write beside it, then rename (atomic on one file system), which is also how --force replaces.
    const partial = `${target}.partial-${process.pid}`;
    rmSync(partial, { force: true });
    try {
      const counts = await snapshotInto(ctx.db, partial);
      renameSync(partial, target);
      ctx.out.log(`Backed up to ${target} (${formatBytes(statSync(target).size)}): ${formatCounts(counts)}.`);
      return EXIT.ok;
    } catch (e) {
      rmSync(partial, { force: true });
      ctx.out.error(`The backup failed: ${message(e)}`);
      return EXIT.refused;
    }
  },
});

export const restore = command({
  usage: 'restore FILE',
  about:
    'Replaces the database with the backup in FILE (checked first: integrity, Lodestar schema).\nStop the server first; the current database is kept as <db>.before-restore-<time>.',
  options: {},
  positionals: true,
  schema: z.object({ args: oneFile('restore') }),
  async run({ args: source }, ctx) {
    const target = localDatabase(ctx, 'restore');
    if (!target) return EXIT.refused;
    if (source === target) {
      ctx.out.error(`${source} is the database itself: name a backup file.`);
      return EXIT.refused;
    }
    const checked = await inspectBackup(source);
    if (!checked.ok) {
      ctx.out.error(checked.problem);
      ctx.out.error('Nothing was changed.');
      return EXIT.refused;
    }
    const holder = serverHolding(target);
    if (holder !== undefined) {
      ctx.out.error(
        `A Lodestar server (process ${holder}) is using ${target}: stop it first (it finishes its requests on SIGTERM), then restore. Nothing was changed.`,
      );
      return EXIT.refused;
    }
    // Our own connection goes first: closing the last one checkpoints the WAL into the file we move aside.
    ctx.db.close();
    const aside = `${target}.before-restore-${stamp(new Date())}`;
    for (const suffix of ['', '-wal', '-shm'])
      if (existsSync(target + suffix)) renameSync(target + suffix, aside + suffix);
    const incoming = `${target}.restoring-${process.pid}`;
    copyFileSync(source, incoming);
    renameSync(incoming, target);
    ctx.out.log(`Restored ${source} into ${target}: ${formatCounts(checked.counts)}.`);
    if (existsSync(aside)) ctx.out.log(`The previous database is kept as ${aside}.`);
    if (checked.behind > 0)
      ctx.out.log(
        `The backup is ${checked.behind} migration(s) behind: the server brings it up to date on start.`,
      );
    return EXIT.ok;
  },
});
