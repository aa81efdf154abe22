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

function memoBy(kind: 'structure' | 'full') {
  return async <T>(db: Db, workspaceId: number, name: string, compute: () => Promise<T>): Promise<T> => {
    if (off.has(db)) return compute();
    const versions = await workspaceDataVersions(db, workspaceId);
    return through(memoOf(db, kind), `${name}:${workspaceId}`, versions[kind], compute);
  };
}

/**
 * `compute()`'s value for this workspace, computed again only once the workspace's structure changed. The
 * value is shared by every caller: it must not be modified.
 */
export const memoByStructure = memoBy('structure');

/**
 * `compute()`'s value for this workspace at its current data version (any change computes it again). After a
 * rescoring the answer to the POST and the next page both need the re-ranked rows: they are read once.
 * The value is shared by every caller: it must not be modified.
 */
export const memoByVersion = memoBy('full');
