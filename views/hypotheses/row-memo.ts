import { raw } from 'hono/html';
import type { HtmlEscapedString } from 'hono/utils/html';

// Rendering 50 backlog rows through hono/jsx cost more than all of the backlog's queries, and in a meeting
// most rows are the same from one render to the next: a rescore changes one row and the ranks around it.
// So each row's HTML (without its rank), and the filter bar's, is remembered under a key made of EVERYTHING
// it is rendered from. The HTML is a pure function of the key, so an entry can never be stale: changed data
// makes another key (invalidation by content, never by time).
//
// Bounded by size in two generations: new entries go to the young one; when it holds half the budget it
// becomes the old one and the previous old one is dropped; an old entry that is used again moves back to
// the young one. So what is in use stays, at most ROW_MEMO_BUDGET characters are held, and a hit costs one
// lookup (no reordering on every read, as a strict least-recently-used list would need).

/** Keys plus HTML, in characters (~2 bytes each): about 3 MB, several hundred rows. */
export const ROW_MEMO_BUDGET = 1_500_000;

let young = new Map<string, string>();
let old = new Map<string, string>();
let youngSize = 0;
let oldSize = 0;
let enabled = true;
const counts = { hits: 0, misses: 0 };

function keep(key: string, html: string) {
  const cost = key.length + html.length;
  if (youngSize + cost > ROW_MEMO_BUDGET / 2) {
    old = young;
    oldSize = youngSize;
    young = new Map();
    youngSize = 0;
  }
  young.set(key, html);
  youngSize += cost;
}

/**
 * The HTML `render` produces, rendered once per distinct key. `render` must be pure in the values the key
 * is made of, and must return HTML this code rendered itself (escaped by hono/jsx): it is embedded raw.
 */
export function memoHtml(key: string, render: () => string): HtmlEscapedString {
  if (!enabled) return raw(render());
  const hit = young.get(key);
  if (hit !== undefined) {
    counts.hits++;
    return raw(hit);
  }
  const kept = old.get(key);
  if (kept !== undefined) {
    counts.hits++;
    old.delete(key);
    oldSize -= key.length + kept.length;
    keep(key, kept);
    return raw(kept);
  }
  counts.misses++;
  const html = flat(render());
  // An entry bigger than a generation is rendered every time rather than kept.
  if (key.length + html.length <= ROW_MEMO_BUDGET / 2) keep(key, html);
  return raw(html);
}

// Rendered HTML is a rope of many small strings; a remembered one is kept flat instead (a slice of a
// concatenation makes V8 copy it into one piece), so that it is neither re-walked nor held in fragments.
function flat(s: string): string {
  return ` ${s}`.slice(1);
}

/** For tests and benchmarks: turn the memo off or on (it starts on), empty it, read its counters. */
export const rowMemo = {
  setEnabled(on: boolean) {
    enabled = on;
  },
  clear() {
    young = new Map();
    old = new Map();
    youngSize = 0;
    oldSize = 0;
    counts.hits = 0;
    counts.misses = 0;
  },
  stats: () => ({ ...counts, entries: young.size + old.size, chars: youngSize + oldSize }),
  /** Whether remembering is on (views that keep rendered HTML of their own follow the same switch). */
  enabled: () => enabled,
};
