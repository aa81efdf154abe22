import { and, asc, desc, eq, type SQL, sql } from 'drizzle-orm';
import type { Db } from '../../db/client';
import { hypotheses, metrics, type Workspace } from '../../db/schema';
import { attachTags } from './hypotheses';
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
 * How many backlog hypotheses of the workspace rank strictly ahead of the outer row. It counts over the
 * (workspace, status) prefix of the ranking index, so a filtered page costs rows × backlog size in index
 * entries (the unfiltered backlog, the common case, numbers rows by position and skips it).
 */
function aheadCount(sort: Sort): SQL<number> {
  // The outer row is named by its table on purpose: drizzle leaves columns unqualified in a one-table
  // select, and an unqualified name inside the subquery would bind to its own row instead.
  const rotiAhead = sql.raw(
    '(o.expected_roti is not null and (hypotheses.expected_roti is null or o.expected_roti > hypotheses.expected_roti))',
  );
  const rotiSame = sql.raw('o.expected_roti is hypotheses.expected_roti');
  const tail = sql.raw(
    '(o.created_at < hypotheses.created_at or (o.created_at = hypotheses.created_at and o.id < hypotheses.id))',
  );
  const ahead =
    sort === 'roti'
      ? sql`(${rotiAhead} or (${rotiSame} and (o.ice > hypotheses.ice or (o.ice = hypotheses.ice and ${tail}))))`
      : sql`(o.ice > hypotheses.ice or (o.ice = hypotheses.ice and (${rotiAhead} or (${rotiSame} and ${tail}))))`;
  return sql<number>`(select count(*) from hypotheses o where o.workspace_id = hypotheses.workspace_id and o.status = 'backlog' and ${ahead})`;
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

/** The ranking query itself (exported so a test can check its plan walks the index). */
export function rankedQuery(db: Db, ws: Workspace, q: ListQuery) {
  const unfilteredBacklog = isUnfilteredBacklog(q);
  return db.orm
    .select({
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
      // Only backlog items have a rank; the subquery runs for the LIMITed rows only.
      ahead: unfilteredBacklog
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

export async function listHypotheses(db: Db, ws: Workspace, q: ListQuery) {
  const where = and(...filters(ws, q));
  const unfilteredBacklog = isUnfilteredBacklog(q);
  const rows = await rankedQuery(db, ws, q);
  const [countRow] = await db.orm.select({ n: sql<number>`count(*)` }).from(h).where(where);
  const items = (await attachTags(db, ws, rows)).map(({ ahead, ...row }, i) => ({
    ...row,
    rank: unfilteredBacklog ? q.offset + i + 1 : ahead == null ? null : Number(ahead) + 1,
  }));
  return { items, total: Number(countRow?.n ?? 0) };
}

export type RankedItem = Awaited<ReturnType<typeof listHypotheses>>['items'][number];

/** The rank (1 = top) of one backlog hypothesis, or null if it is not in the backlog. */
export async function rankOf(db: Db, ws: Workspace, id: number, sort: Sort = 'ice'): Promise<number | null> {
  const [row] = await db.orm
    .select({ status: h.status, ahead: aheadCount(sort) })
    .from(h)
    .where(and(eq(h.workspaceId, ws.id), eq(h.id, id)));
  if (row?.status !== 'backlog') return null;
  return Number(row.ahead) + 1;
}
