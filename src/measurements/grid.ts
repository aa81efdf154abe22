import type { Db } from '../../db/client';
import type { Cadence, Metric, Workspace } from '../../db/schema';
import { weekLabel } from '../batches/weeks';
import { listMetrics } from '../metrics/metrics';
import { valuesForPeriods } from './measurements';
import { addPeriods, parsePeriod, periodBounds, periodOf } from './periods';

// The quick grid: one period's value for every active metric on one form. A week is chosen (this one by
// default); weekly metrics show that week, daily ones its last day (today while the week is current).

const DAY_MS = 86_400_000;

export type GridRow = {
  metric: Metric;
  /** The period the grid enters for this metric. */
  period: string;
  /** The value already stored for it (prefilled). */
  stored?: number;
  /** The period before, and its value, for reference. */
  previousPeriod: string;
  previous?: number;
};

/** The period a metric of this cadence gets in the grid of `week`. */
export function gridPeriod(cadence: Cadence, week: string, now: number, timeZone: string): string {
  if (cadence === 'week') return week;
  if (week === periodOf(now, 'week', timeZone)) return periodOf(now, 'day', timeZone);
  // The week's Sunday, as a calendar date (the bounds in UTC are whole days).
  const { end } = periodBounds(week, 'week', 'UTC');
  return periodOf(end - DAY_MS / 2, 'day', 'UTC');
}

/**
 * The `?week=` of the grid: an ISO week ("2026-W46", "2026w46") or any date in it, up to this week. Blank →
 * this week; anything else, or a week that has not begun (nothing to measure yet; "9999-W52" would also
 * take its daily metrics past the year 9999), → this week with an error to show.
 */
export function gridWeek(
  raw: string | undefined,
  now: number,
  timeZone: string,
): { week: string; error?: string } {
  const current = periodOf(now, 'week', timeZone);
  if (raw === undefined || raw.trim() === '') return { week: current };
  const parsed = parsePeriod(raw, 'week');
  if ('error' in parsed) return { week: current, error: `${parsed.error} Showing this week instead.` };
  if (parsed.period > current)
    return {
      week: current,
      error: `${weekLabel(parsed.period)} has not begun yet: there is nothing to measure. Showing this week instead.`,
    };
  return { week: parsed.period };
}

/** The grid's rows: the active metrics (North Star first, then inputs), each with its stored values. */
export async function loadGrid(db: Db, ws: Workspace, week: string, now = Date.now()): Promise<GridRow[]> {
  const metrics = await listMetrics(db, ws);
  const rows = metrics.map((metric) => {
    const period = gridPeriod(metric.cadence, week, now, ws.timeZone);
    return { metric, period, previousPeriod: addPeriods(period, metric.cadence, -1) };
  });
  const [stored, previous] = await Promise.all([
    valuesForPeriods(
      db,
      ws,
      rows.map((r) => ({ metricId: r.metric.id, period: r.period })),
    ),
    valuesForPeriods(
      db,
      ws,
      rows.map((r) => ({ metricId: r.metric.id, period: r.previousPeriod })),
    ),
  ]);
  return rows.map((r) => ({ ...r, stored: stored.get(r.metric.id), previous: previous.get(r.metric.id) }));
}
