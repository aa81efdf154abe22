import { and, asc, eq, inArray, sql } from 'drizzle-orm';
import type { Db } from '../../db/client';
import { auditEvents, type Metric, type Workspace } from '../../db/schema';
import { isoWeek, weekBounds } from '../batches/weeks';
import { activeInputs, getNorthStar } from '../metrics/metrics';

// "Change since last week" before measurements exist (issue 5): a metric's value is only its current value,
// and every change to it is in the audit trail. The value the week started with is therefore the value the
// trail last recorded before Monday 00:00 (workspace time); the change is now minus that.

/** One recorded change to a metric's current value: when, and the value before and after (null = unset). */
export type ValueEvent = { at: number; before: number | null | undefined; after: number | null | undefined };

export type ValueChange =
  | { kind: 'none' }
  | { kind: 'change'; from: number; to: number | null; delta: number | null; better: boolean | null };

/**
 * What a metric's value did since `start`, from its value events (any order). The value at `start` is the
 * `after` of the last event before it; failing that, the `before` of the first event from then on (the
 * value that held until it changed). No value at the start (or no value now) is "no earlier value".
 */
export function changeSince(
  events: ValueEvent[],
  start: number,
  current: number | null,
  direction: 'up' | 'down',
): ValueChange {
  const sorted = [...events].sort((a, b) => a.at - b.at);
  const earlier = sorted.filter((e) => e.at < start && e.after !== undefined).at(-1);
  const later = sorted.find((e) => e.at >= start && e.before !== undefined);
  const from = earlier ? earlier.after : later ? later.before : undefined;
  if (from == null) return { kind: 'none' };
  if (current == null) return { kind: 'change', from, to: null, delta: null, better: null };
  const delta = Math.round((current - from) * 1e6) / 1e6;
  return {
    kind: 'change',
    from,
    to: current,
    delta,
    better: delta === 0 ? null : direction === 'up' ? delta > 0 : delta < 0,
  };
}

export type MetricRow = { metric: Metric; change: ValueChange };
export type NorthStarData = { weekStart: number; northStar?: MetricRow; inputs: MetricRow[] };

const num = (v: unknown): number | null | undefined =>
  v === undefined ? undefined : typeof v === 'number' && Number.isFinite(v) ? v : null;

/** The North Star and its active inputs with their change since this ISO week began. One trail query. */
export async function northStarSection(db: Db, ws: Workspace, now = Date.now()): Promise<NorthStarData> {
  const [northStar, inputs] = await Promise.all([getNorthStar(db, ws), activeInputs(db, ws)]);
  const metrics = [...(northStar ? [northStar] : []), ...inputs];
  const { start } = weekBounds(isoWeek(now, ws.timeZone), ws.timeZone);
  const ids = metrics.map((m) => m.id);
  // Only the events that touched the value: creations with one, and updates that changed it.
  const rows = ids.length
    ? await db.orm
        .select({
          entityId: auditEvents.entityId,
          createdAt: auditEvents.createdAt,
          before: auditEvents.before,
          after: auditEvents.after,
        })
        .from(auditEvents)
        .where(
          and(
            eq(auditEvents.workspaceId, ws.id),
            eq(auditEvents.entity, 'metric'),
            inArray(auditEvents.entityId, ids),
            sql`json_type(${auditEvents.after}, '$.currentValue') is not null`,
          ),
        )
        .orderBy(asc(auditEvents.createdAt), asc(auditEvents.id))
    : [];
  const byMetric = new Map<number, ValueEvent[]>();
  for (const r of rows) {
    const event: ValueEvent = {
      at: r.createdAt,
      before: r.before && 'currentValue' in r.before ? num(r.before.currentValue) : undefined,
      after: r.after && 'currentValue' in r.after ? num(r.after.currentValue) : undefined,
    };
    byMetric.set(r.entityId, [...(byMetric.get(r.entityId) ?? []), event]);
  }
  const row = (metric: Metric): MetricRow => ({
    metric,
    change: changeSince(byMetric.get(metric.id) ?? [], start, metric.currentValue, metric.direction),
  });
  return { weekStart: start, northStar: northStar ? row(northStar) : undefined, inputs: inputs.map(row) };
}
