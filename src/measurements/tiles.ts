import type { Db } from '../../db/client';
import type { Metric, Workspace } from '../../db/schema';
import { recentSeries, type SeriesPoint } from './measurements';
import { addPeriods } from './periods';

// A KPI tile: where a metric stands (its latest period) and how it moved against the period just before.

/** How many periods a sparkline spans (counted back from the latest, gaps included). */
export const SPARK_PERIODS = 12;

export type Tile = {
  metric: Metric;
  /** The latest measured period (undefined: no measurements yet, the tile falls back to the current value). */
  latest?: SeriesPoint;
  /** The period just before the latest, when it was measured. */
  previous?: SeriesPoint;
  /**
   * The period the latest is compared with (the one just before it), measured or not: a tile whose previous
   * period is missing says "no value for W46" rather than comparing across the gap.
   */
  previousPeriod?: string;
  /** latest − previous (null: nothing to compare). */
  delta: number | null;
  /** The change in % of |previous| (null: nothing to compare, or the previous value was 0). */
  pct: number | null;
  /** Whether the change is good news for this metric's direction (null: no change, or nothing to compare). */
  better: boolean | null;
  /** The measured points among the last SPARK_PERIODS periods up to the latest, oldest first. */
  spark: SeriesPoint[];
};

/** Rounds away float noise (0.43 − 0.41 = 0.020000000000000018) so a change prints as typed. */
const clean = (n: number) => Math.round(n * 1e9) / 1e9;

/**
 * A metric's tile from its recent series (oldest first, as recentSeries returns it). The change is against
 * the period just before the latest only: when that period has no value the tile shows no change (and says
 * which period is missing) instead of silently comparing with an older one, so every tile's change means the
 * same thing — one period's movement.
 */
export function tileOf(metric: Metric, series: SeriesPoint[]): Tile {
  const latest = series.at(-1);
  if (!latest) return { metric, delta: null, pct: null, better: null, spark: [] };
  const previousPeriod = addPeriods(latest.period, metric.cadence, -1);
  const previous = series.find((p) => p.period === previousPeriod);
  const sparkFrom = addPeriods(latest.period, metric.cadence, -(SPARK_PERIODS - 1));
  const spark = series.filter((p) => p.period >= sparkFrom);
  if (!previous) return { metric, latest, previousPeriod, delta: null, pct: null, better: null, spark };
  const delta = clean(latest.value - previous.value);
  const pct = previous.value === 0 ? null : clean((delta / Math.abs(previous.value)) * 100);
  const better = delta === 0 ? null : metric.direction === 'up' ? delta > 0 : delta < 0;
  return { metric, latest, previous, previousPeriod, delta, pct, better, spark };
}

/** Tiles for the given metrics, in their order, from one query. */
export async function loadTiles(db: Db, ws: Workspace, metrics: Metric[]): Promise<Tile[]> {
  const series = await recentSeries(
    db,
    ws,
    metrics.map((m) => m.id),
    SPARK_PERIODS,
  );
  return metrics.map((m) => tileOf(m, series.get(m.id) ?? []));
}
