import type { Db } from '../../db/client';
import { workspaceDataVersions } from './data-version';

// Values computed from a workspace's data that a member's rescoring cannot change (the backlog's input
// metrics, tags in use, lever figures), kept while the workspace's `structure` version stands
// (src/cache/data-version.ts). Without this, every rescoring in a meeting would recompute them for the next
// render; and since libSQL's connections each drop their page cache when another one commits, recomputing
// right after a write reads every page again.

type Entry = { version: string; value: Promise<unknown> };
const memos = new WeakMap<Db, Map<string, Entry>>();
/** Names × workspaces kept per database; the oldest goes first past it. */
const MAX_ENTRIES = 3000;

/**
 * `compute()`'s value for this workspace, computed again only once the workspace's structure changed. The
 * value is shared by every caller: it must not be modified.
 */
export async function memoByStructure<T>(
  db: Db,
  workspaceId: number,
  name: string,
  compute: () => Promise<T>,
): Promise<T> {
  const { structure } = await workspaceDataVersions(db, workspaceId);
  let kept = memos.get(db);
  if (!kept) {
    kept = new Map();
    memos.set(db, kept);
  }
  const key = `${name}:${workspaceId}`;
  const entry = kept.get(key);
  if (entry && entry.version === structure) return entry.value as Promise<T>;
  const value = compute();
  kept.delete(key);
  kept.set(key, { version: structure, value });
  // A failed computation is not kept: the next caller tries again.
  value.catch(() => {
    if (kept.get(key)?.value === value) kept.delete(key);
  });
  for (const oldest of kept.keys()) {
    if (kept.size <= MAX_ENTRIES) break;
    kept.delete(oldest);
  }
  return value;
}
