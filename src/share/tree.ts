import type { Db } from '../../db/client';
import type { Metric, Workspace } from '../../db/schema';
import { weekBounds } from '../batches/weeks';
import { type Correlation, correlate } from '../measurements/correlation';
import { fullSeries, type SeriesPoint } from '../measurements/measurements';
import { periodOf } from '../measurements/periods';
import { SPARK_PERIODS, type Tile, tileOf } from '../measurements/tiles';
import { activeInputs, getNorthStar } from '../metrics/metrics';

// The digest's North Star tree for a week: the KPI tiles and each input's correlation with the North Star,
// computed from the values recorded up to that week's end.

export type DigestInput = { tile: Tile; correlation: Correlation | null };

/** The last period of a metric's cadence that falls in `week` (its Sunday, for a daily metric). */
function lastPeriodOf(metric: Pick<Metric, 'cadence'>, week: string): string {
  if (metric.cadence === 'week') return week;
  // Noon of the Sunday (UTC): periods are calendar labels, not instants in the workspace's zone.
  return periodOf(weekBounds(week, 'UTC').end - 12 * 3_600_000, 'day', 'UTC');
}

/**
 * The tree's tiles and correlations as they stood at the end of `week`: values recorded for later periods
 * are left out. A metric with no measurement by then shows no value (its typed-in current value is today's,
 * which an old digest must not pass off as that week's).
 */
export async function treeAsOf(
  db: Db,
  ws: Workspace,
  week: string,
  isCurrent: boolean,
): Promise<{ northStar?: Tile; inputs: DigestInput[] }> {
  const [northStar, inputs] = await Promise.all([getNorthStar(db, ws), activeInputs(db, ws)]);
  const all = [...(northStar ? [northStar] : []), ...inputs];
  const series = await fullSeries(
    db,
    ws,
    all.map((m) => m.id),
  );
  const upTo = (m: Metric): SeriesPoint[] => {
    const last = lastPeriodOf(m, week);
    return (series.get(m.id) ?? []).filter((p) => p.period <= last);
  };
  const tile = (m: Metric) => {
    const points = upTo(m);
    const shown = isCurrent || points.length ? m : { ...m, currentValue: null };
    return tileOf(shown, points.slice(-SPARK_PERIODS));
  };
  const nsm = northStar ? { metric: northStar, series: upTo(northStar) } : undefined;
  return {
    northStar: northStar ? tile(northStar) : undefined,
    inputs: inputs.map((m) => ({
      tile: tile(m),
      correlation: nsm ? correlate({ metric: m, series: upTo(m) }, nsm) : null,
    })),
  };
}
