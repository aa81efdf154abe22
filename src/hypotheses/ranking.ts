import { and, asc, desc, eq, type SQL, sql } from 'drizzle-orm';
import type { Db } from '../../db/client';
import { packedExpr, packRows, rowsOf, rowsOfKeyed } from '../../db/packed';
import { hypotheses, metrics, type Workspace } from '../../db/schema';
import type { ListQuery, Sort } from './schemas';

// Ranking is done by SQLite walking hypotheses_rank_ice_idx / hypotheses_rank_roti_idx with a LIMIT: the
// backlog is never loaded whole to be sorted in JavaScript. Rank is a position in the whole backlog
// (1 = top), so it stays the same when the list is filtered.

const h = hypotheses;

function orderFor(sort: Sort) {
  // SQLite sorts NULL lowest, so "desc" puts hypotheses without an estimate (no expected ROTI) last.
  return sort === 'roti'
    ? [desc(h.expectedRoti), desc(h.ice), asc(h.createdAt), asc(h.id)]
    : [desc(h.ice), desc(h.expectedRoti), asc(h.createdAt), asc(h.id)];
}

/**
 * How many backlog hypotheses of the workspace rank strictly ahead of the outer row. "Ahead" is split into
 * disjoint parts, each one range of the ranking index (a higher first key; the same first key and a higher
 * second; the same two keys and older), so each count reads only the entries ahead of the row: a row near
 * the top (where rescored hypotheses go) costs a few index seeks, not a walk over the whole backlog. The
 * unfiltered backlog, the common case, numbers rows by position and skips this altogether.
 */
function aheadCount(sort: Sort): SQL<number> {
  // The outer row is named by its table on purpose: drizzle leaves columns unqualified in a one-table
  // select, and an unqualified name inside a subquery would bind to its own row instead.
  const count = (cond: string) =>
    `(select count(*) from hypotheses o where o.workspace_id = hypotheses.workspace_id and o.status = 'backlog' and ${cond})`;
  // SQLite sorts NULL lowest: a row without an expected ROTI has every row with one ahead of it (the CASE
  // runs that count only for such a row); NULLs tie with each other (IS).
  const rotiAhead = (same: string) =>
    `${count(`${same}o.expected_roti > hypotheses.expected_roti`)} + case when hypotheses.expected_roti is null then ${count(`${same}o.expected_roti is not null`)} else 0 end`;
  const older = '(o.created_at, o.id) < (hypotheses.created_at, hypotheses.id)';
  const parts =
    sort === 'roti'
      ? [
          rotiAhead(''),
          count('o.expected_roti is hypotheses.expected_roti and o.ice > hypotheses.ice'),
          count(`o.expected_roti is hypotheses.expected_roti and o.ice = hypotheses.ice and ${older}`),
        ]
      : [
          count('o.ice > hypotheses.ice'),
          rotiAhead('o.ice = hypotheses.ice and '),
          count(`o.ice = hypotheses.ice and o.expected_roti is hypotheses.expected_roti and ${older}`),
        ];
  return sql<number>`(${sql.raw(parts.join(' + '))})`;
}

function escapeLike(q: string) {
  return q.replace(/[\\%_]/g, (c) => `\\${c}`);
}

function filters(ws: Workspace, q: ListQuery): SQL[] {
  const where: SQL[] = [eq(h.workspaceId, ws.id)];
  if (q.status) where.push(eq(h.status, q.status));
  if (q.metricId) where.push(eq(h.metricId, q.metricId));
  if (q.result) where.push(eq(h.result, q.result));
  if (q.tag)
    where.push(
      sql`exists (select 1 from hypothesis_tags t where t.hypothesis_id = hypotheses.id and t.workspace_id = ${ws.id} and t.tag = ${q.tag})`,
    );
  if (q.q) {
    const like = `%${escapeLike(q.q)}%`;
    where.push(
      sql`(${h.title} like ${like} escape '\\' or ${h.change} like ${like} escape '\\' or ${h.outcome} like ${like} escape '\\' or ${h.rationale} like ${like} escape '\\')`,
    );
  }
  return where;
}

const isUnfilteredBacklog = (q: ListQuery) =>
  q.status === 'backlog' && !q.metricId && !q.tag && !q.q && !q.result;

// The listed columns, packed into one cell per row (db/packed.ts): reading 50 rows cell by cell through
// @libsql/client cost more than the index walk that finds them.
const RANKED = packRows({
  id: h.id,
  title: h.title,
  status: h.status,
  metricId: h.metricId,
  metricName: metrics.name,
  owner: h.owner,
  impact: h.impact,
  confidence: h.confidence,
  ease: h.ease,
  ice: h.ice,
  estimatedDays: h.estimatedDays,
  expectedRoti: h.expectedRoti,
  expectedLift: h.expectedLift,
  result: h.result,
  roti: h.roti,
  version: h.version,
  createdAt: h.createdAt,
  updatedAt: h.updatedAt,
  // The row's tags, alphabetically, from the tags' primary key (hypothesis_id, tag), already in that order.
  tags: packedExpr<string[]>(
    `select json_group_array(t.tag) from (select t.tag from hypothesis_tags t where t.hypothesis_id = hypotheses.id and +t.workspace_id = hypotheses.workspace_id order by t.tag) t`,
    { json: true },
  ),
});

/** The ranking query itself (exported so a test can check its plan walks the index). */
export function rankedQuery(db: Db, ws: Workspace, q: ListQuery) {
  return db.orm
    .select({
      row: RANKED.cell,
      // Only backlog items have a rank; the subquery runs for the LIMITed rows only.
      ahead: isUnfilteredBacklog(q)
        ? sql<null>`null`
        : sql<number | null>`case when ${h.status} = 'backlog' then ${aheadCount(q.sort)} end`,
    })
    .from(h)
    .innerJoin(metrics, eq(metrics.id, h.metricId))
    .where(and(...filters(ws, q)))
    .orderBy(...orderFor(q.sort))
    .limit(q.limit)
    .offset(q.offset);
}

/** Where a caller keeps the count of a filtered list (a rescoring moves rows, never how many there are). */
export type KeepCount = (key: string, count: () => Promise<number>) => Promise<number>;

export async function listHypotheses(
  db: Db,
  ws: Workspace,
  q: ListQuery,
  keepCount: KeepCount = (_key, count) => count(),
) {
  const unfilteredBacklog = isUnfilteredBacklog(q);
  // Two cells a row (the packed row, the count ahead of it), read by position. The query is made of the
  // workspace's id and the view's query only, so its SQL is built once for each such pair.
  const rows = await rowsOfKeyed(db, `ranked\n${ws.id}\n${JSON.stringify(q)}`, () => rankedQuery(db, ws, q));
  const items = rows.map((r, i) => ({
    ...RANKED.read(r[0] as string),
    rank: unfilteredBacklog ? q.offset + i + 1 : r[1] == null ? null : Number(r[1]) + 1,
  }));
  // A page that is not full ends the list, so it already says how many there are; only a full page (or an
  // empty one past the start) needs counting.
  if ((rows.length > 0 || q.offset === 0) && rows.length < q.limit)
    return { items, total: q.offset + rows.length };
  // The count depends on the filters only (not the sort or the page): one key for all of them.
  const { sort: _sort, limit: _limit, offset: _offset, ...filter } = q;
  const total = await keepCount(JSON.stringify(filter), async () => {
    const [count] = await rowsOf(
      db,
      db.orm
        .select({ n: sql<number>`count(*)` })
        .from(h)
        .where(and(...filters(ws, q))),
    );
    return Number(count?.[0] ?? 0);
  });
  return { items, total };
}

export type RankedItem = Awaited<ReturnType<typeof listHypotheses>>['items'][number];

/** The rank (1 = top) of one backlog hypothesis, or null if it is not in the backlog. */
export async function rankOf(db: Db, ws: Workspace, id: number, sort: Sort = 'ice'): Promise<number | null> {
  const [row] = await rankQuery(db, sort).execute({ workspaceId: ws.id, id });
  if (row?.status !== 'backlog') return null;
  return Number(row.ahead) + 1;
}

// Asked after every rescoring of a row the page does not list: built once per database and sort.
const rankQueries = new WeakMap<Db, Map<Sort, ReturnType<typeof prepareRank>>>();
function prepareRank(db: Db, sort: Sort) {
  return db.orm
    .select({ status: h.status, ahead: aheadCount(sort) })
    .from(h)
    .where(and(eq(h.workspaceId, sql.placeholder('workspaceId')), eq(h.id, sql.placeholder('id'))))
    .prepare();
}
function rankQuery(db: Db, sort: Sort) {
  let bySort = rankQueries.get(db);
  if (!bySort) {
    bySort = new Map();
    rankQueries.set(db, bySort);
  }
  let query = bySort.get(sort);
  if (!query) {
    query = prepareRank(db, sort);
    bySort.set(sort, query);
  }
  return query;
}
