import { and, asc, eq, isNotNull, sql } from 'drizzle-orm';
import type { Db } from '../../db/client';
import { hypotheses, hypothesisTags, metrics, type Outcome, type Workspace } from '../../db/schema';
import { type ClosedExperiment, type LeverStats, leverStats, statsFromSums } from '../scoring/calibration';

// Levers: an input metric, optionally narrowed by a tag — the unit history is aggregated over. Figures come
// from the pure functions in scoring/calibration.ts over the workspace's closed experiments.

export type ClosedRow = ClosedExperiment & {
  id: number;
  title: string;
  metricId: number;
  closedAt: number;
  tags: string[];
};

/** status = 'done' as a literal: SQLite uses the partial hypotheses_closed_idx only for a literal, not a parameter. */
const CLOSED = sql`${hypotheses.status} = 'done'`;

export type Lever = LeverStats & { metricId: number; metricName: string; tag: string | null };

/** Every closed experiment of the workspace (with its tags), oldest close first. */
export async function closedExperiments(
  db: Db,
  ws: Workspace,
  metricId?: number,
  // Callers that never look at tags (whole-metric levers) skip the tag query.
  withTags = true,
): Promise<ClosedRow[]> {
  const where = [eq(hypotheses.workspaceId, ws.id), CLOSED, isNotNull(hypotheses.result)];
  if (metricId != null) where.push(eq(hypotheses.metricId, metricId));
  const rows = await db.orm
    .select({
      id: hypotheses.id,
      title: hypotheses.title,
      metricId: hypotheses.metricId,
      result: hypotheses.result,
      confidence: hypotheses.confidence,
      estimatedDays: hypotheses.estimatedDays,
      actualDays: hypotheses.actualDays,
      roti: hypotheses.roti,
      closedAt: hypotheses.closedAt,
    })
    .from(hypotheses)
    .where(and(...where))
    .orderBy(asc(hypotheses.closedAt), asc(hypotheses.id));
  if (!withTags)
    return rows.map((r) => ({ ...r, result: r.result as Outcome, closedAt: r.closedAt ?? 0, tags: [] }));
  const tagRows = await db.orm
    .select({ hypothesisId: hypothesisTags.hypothesisId, tag: hypothesisTags.tag })
    .from(hypothesisTags)
    .innerJoin(hypotheses, eq(hypotheses.id, hypothesisTags.hypothesisId))
    .where(
      and(
        eq(hypothesisTags.workspaceId, ws.id),
        eq(hypotheses.workspaceId, ws.id),
        eq(hypotheses.status, 'done'),
        metricId != null ? eq(hypotheses.metricId, metricId) : undefined,
      ),
    );
  const tags = new Map<number, string[]>();
  for (const t of tagRows) tags.set(t.hypothesisId, [...(tags.get(t.hypothesisId) ?? []), t.tag]);
  return rows.map((r) => ({
    ...r,
    result: r.result as Outcome,
    closedAt: r.closedAt ?? 0,
    tags: (tags.get(r.id) ?? []).sort(),
  }));
}

/**
 * Every lever with history or an active input behind it: one row per input metric (tag null), then one per
 * (metric, tag) seen on its closed experiments. Metrics in the workspace's order, tags alphabetically.
 */
export async function leversOf(db: Db, ws: Workspace, { byTag = true } = {}): Promise<Lever[]> {
  const [inputs, closed] = await Promise.all([
    db.orm
      .select({ id: metrics.id, name: metrics.name, archivedAt: metrics.archivedAt })
      .from(metrics)
      .where(and(eq(metrics.workspaceId, ws.id), eq(metrics.kind, 'input')))
      .orderBy(asc(metrics.id)),
    closedExperiments(db, ws, undefined, byTag),
  ]);
  const out: Lever[] = [];
  for (const m of inputs) {
    const mine = closed.filter((r) => r.metricId === m.id);
    // An archived input with no history is no lever any more.
    if (m.archivedAt != null && mine.length === 0) continue;
    out.push({ metricId: m.id, metricName: m.name, tag: null, ...leverStats(mine) });
    if (!byTag) continue;
    const tags = [...new Set(mine.flatMap((r) => r.tags))].sort();
    for (const tag of tags)
      out.push({
        metricId: m.id,
        metricName: m.name,
        tag,
        ...leverStats(mine.filter((r) => r.tags.includes(tag))),
      });
  }
  return out;
}

export type Calibration = LeverStats & {
  metricId: number;
  /** The closed experiments the figures came from, newest first (at most 20 listed). */
  experiments: Pick<ClosedRow, 'id' | 'title' | 'result' | 'estimatedDays' | 'actualDays' | 'roti'>[];
};

/** The calibration shown beside the Confidence and estimate inputs for a hypothesis on this lever. */
export async function calibrationFor(db: Db, ws: Workspace, metricId: number): Promise<Calibration> {
  const rows = await closedExperiments(db, ws, metricId, false);
  return {
    metricId,
    ...leverStats(rows),
    experiments: [...rows]
      .reverse()
      .slice(0, 20)
      .map(({ id, title, result, estimatedDays, actualDays, roti }) => ({
        id,
        title,
        result,
        estimatedDays,
        actualDays,
        roti,
      })),
  };
}

/**
 * Each input metric's lever (without tag), for showing beside backlog items: the same figures as leversOf's
 * whole-metric rows, summed by the database in one grouped query. It runs on every backlog and meeting
 * render, where loading every closed experiment of a long history cost half the page's time; it is one
 * statement (the sums joined to the input metrics) summed from hypotheses_closed_idx alone.
 */
export async function leverRotiByMetric(db: Db, ws: Workspace): Promise<Map<number, Lever>> {
  // status = 'done' is a literal (see CLOSED): with a parameter SQLite could not use the partial index.
  const rs = await db.client.execute({
    sql: `select m.id, m.name, m.archived_at, s.closed, s.wins, s.roti_sum, s.roti_count, s.actual, s.estimated
      from metrics m
      left join (
        select metric_id, count(*) as closed, sum(result = 'won') as wins, sum(roti) as roti_sum,
          count(roti) as roti_count,
          sum(case when estimated_days > 0 and actual_days is not null then actual_days end) as actual,
          sum(case when estimated_days > 0 and actual_days is not null then estimated_days end) as estimated
        from hypotheses
        where workspace_id = ? and status = 'done' and result is not null
        group by metric_id
      ) s on s.metric_id = m.id
      where m.workspace_id = ? and m.kind = 'input'
      order by m.id`,
    args: [ws.id, ws.id],
  });
  const out = new Map<number, Lever>();
  for (const row of rs.rows) {
    // Positional cells (a libsql row is indexable, not iterable).
    const [id, name, archivedAt, closed, wins, rotiSum, rotiCount, actual, estimated] =
      Array.prototype.slice.call(row) as [number, string, number | null, ...(number | null)[]];
    // An archived input with no history is no lever any more.
    if (archivedAt != null && closed == null) continue;
    out.set(id, {
      metricId: id,
      metricName: name,
      tag: null,
      ...statsFromSums({
        closed: closed ?? 0,
        wins: wins ?? 0,
        rotiSum: rotiSum ?? 0,
        rotiCount: rotiCount ?? 0,
        actual: actual ?? 0,
        estimated: estimated ?? 0,
      }),
    });
  }
  return out;
}
