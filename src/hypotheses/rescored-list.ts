import type { RankedItem } from './ranking';
import type { ListQuery } from './schemas';

// The ranked backlog after one rescoring, worked out from the list as it was just before it, instead of read
// again. A rescoring changes one hypothesis's team scores (impact, confidence, ease, ICE, expected ROTI) and
// its updated-at, nothing else of any row: so the re-ranked page is the old page with that row moved. In a
// meeting this is every write, and most rescorings leave the page's rows as they were (the hypothesis stays
// below the page, or keeps its place).
//
// Only the plain backlog's first page is worked out here (every filter and later page is read again), and
// whenever the old page cannot say what comes next (the row leaves the page, or one from below enters it)
// the answer is "unknown": the caller reads the list from the database as usual. The caller must also make
// sure the old list is exactly the state before this write (src/hypotheses/backlog-routes.tsx checks the
// commit stamps); test/rescored-list.test.ts compares this with fresh reads.

/** What a rescoring changed of one hypothesis. */
export type Rescoring = {
  id: number;
  status: string;
  impact: number;
  confidence: number;
  ease: number;
  ice: number;
  expectedRoti: number | null;
  updatedAt: number;
  /** Unchanged by the rescoring: with the id, what breaks ties. */
  createdAt: number;
};

type Key = Pick<RankedItem, 'ice' | 'expectedRoti' | 'createdAt' | 'id'>;

// SQLite's order (src/hypotheses/ranking.ts orderFor): NULL sorts lowest, so last in a descending column.
const desc = (a: number | null, b: number | null) =>
  a === b ? 0 : a === null ? 1 : b === null ? -1 : a > b ? -1 : 1;
const asc = (a: number, b: number) => (a === b ? 0 : a < b ? -1 : 1);

/** Negative when `a` ranks before `b` under this sort. */
export function rankOrder(sort: ListQuery['sort']) {
  return (a: Key, b: Key) =>
    (sort === 'roti'
      ? desc(a.expectedRoti, b.expectedRoti) || desc(a.ice, b.ice)
      : desc(a.ice, b.ice) || desc(a.expectedRoti, b.expectedRoti)) ||
    asc(a.createdAt, b.createdAt) ||
    asc(a.id, b.id);
}

const isPlainFirstPage = (q: ListQuery) =>
  q.status === 'backlog' && !q.metricId && !q.tag && !q.q && !q.result && q.offset === 0;

/**
 * The page after the rescoring: `same` when its rows did not change (the very same items), the new rows
 * otherwise, or undefined when this page cannot tell (read it again).
 */
export function rescoredList(
  before: { items: RankedItem[]; total: number },
  q: ListQuery,
  change: Rescoring,
): { same: true } | { same: false; items: RankedItem[] } | undefined {
  if (!isPlainFirstPage(q)) return undefined;
  const cmp = rankOrder(q.sort);
  const at = before.items.findIndex((i) => i.id === change.id);
  if (at < 0) {
    // Not on the page: a hypothesis outside the backlog stays off it; one below it stays below unless it now
    // ranks ahead of the page's last row (then its row is not at hand: read again).
    if (change.status !== 'backlog') return { same: true };
    const last = before.items.at(-1);
    if (!last || before.items.length < q.limit) return undefined;
    return cmp(change, last) > 0 ? { same: true } : undefined;
  }
  const old = before.items[at] as RankedItem;
  const updated: RankedItem = { ...old, ...pick(change) };
  const rest = before.items.filter((_, i) => i !== at);
  let place = rest.findIndex((item) => cmp(updated, item) < 0);
  if (place < 0) {
    // After every other row of the page: unless the page holds the whole list, a row from the next page
    // may now come first.
    if (before.total > before.items.length) return undefined;
    place = rest.length;
  }
  rest.splice(place, 0, updated);
  return {
    same: false,
    items: rest.map((item, i) => (item.rank === i + 1 ? item : { ...item, rank: i + 1 })),
  };
}

function pick(c: Rescoring) {
  return {
    impact: c.impact,
    confidence: c.confidence,
    ease: c.ease,
    ice: c.ice,
    expectedRoti: c.expectedRoti,
    updatedAt: c.updatedAt,
  };
}
