import type { Db } from '../../db/client';
import { workspaceDataVersions } from './data-version';

// Values computed from a workspace's data that a member's rescoring cannot change (the backlog's input
// metrics, tags in use, lever figures), kept while the workspace's `structure` version stands
// (src/cache/data-version.ts). Without this, every rescoring in a meeting would recompute them for the next
// render; and since libSQL's connections each drop their page cache when another one commits, recomputing
// right after a write reads every page again.

type Entry = { version: string; value: Promise<unknown> };
type Memo = { entries: Map<string, Entry>; max: number };
const memos = new WeakMap<Db, { structure: Memo; full: Memo }>();
// Names × workspaces kept per database, the oldest out first past it. Structure values are small (a few
// metrics, tags, levers); full-version values are lists of rows, so only the latest few are kept.
const MAX_STRUCTURE = 3000;
const MAX_FULL = 64;

const off = new WeakSet<Db>();

/** Turns keeping off (or on again) for one database: the growth benchmark measures reads, not memory. */
export function setWorkspaceMemo(db: Db, on: boolean): void {
  if (on) off.delete(db);
  else off.add(db);
}

function memoOf(db: Db, kind: 'structure' | 'full'): Memo {
  let both = memos.get(db);
  if (!both) {
    both = {
      structure: { entries: new Map(), max: MAX_STRUCTURE },
      full: { entries: new Map(), max: MAX_FULL },
    };
    memos.set(db, both);
  }
  return both[kind];
}

function through<T>(memo: Memo, key: string, version: string, compute: () => Promise<T>): Promise<T> {
  const { entries } = memo;
  const entry = entries.get(key);
  if (entry && entry.version === version) return entry.value as Promise<T>;
  const value = compute();
  entries.delete(key);
  entries.set(key, { version, value });
  // A failed computation is not kept: the next caller tries again.
  value.catch(() => {
    if (entries.get(key)?.value === value) entries.delete(key);
  });
  for (const oldest of entries.keys()) {
    if (entries.size <= memo.max) break;
    entries.delete(oldest);
  }
  return value;
}

type Kept = <T>(name: string, compute: () => Promise<T>) => Promise<T>;
type Peek = <T>(name: string) => Promise<T> | undefined;

/**
 * Values kept for one workspace, with its versions read once (a page asks for several values together).
 * Values are shared by every caller: they must not be modified.
 * - `byStructure`: computed again only once the workspace's structure changed.
 * - `byVersion`: computed again after any change. After a rescoring the answer to the POST and the next page
 *   both need the re-ranked rows: they are read once.
 */
export async function workspaceMemo(
  db: Db,
  workspaceId: number,
): Promise<{ byStructure: Kept; byVersion: Kept; latest: Peek }> {
  const versions = off.has(db) ? undefined : await workspaceDataVersions(db, workspaceId);
  const kept =
    (kind: 'structure' | 'full'): Kept =>
    (name, compute) =>
      versions ? through(memoOf(db, kind), `${name}:${workspaceId}`, versions[kind], compute) : compute();
  // The value last kept by the full version under this name, whatever version it was for (or undefined):
  // what a caller that knows exactly what changed since can work from (src/hypotheses/rescored-list.ts).
  const latest: Peek = <T>(name: string) =>
    versions
      ? (memoOf(db, 'full').entries.get(`${name}:${workspaceId}`)?.value as Promise<T> | undefined)
      : undefined;
  return { byStructure: kept('structure'), byVersion: kept('full'), latest };
}

/** One value kept by the workspace's structure (see workspaceMemo). */
export async function memoByStructure<T>(
  db: Db,
  workspaceId: number,
  name: string,
  compute: () => Promise<T>,
): Promise<T> {
  return (await workspaceMemo(db, workspaceId)).byStructure(name, compute);
}
