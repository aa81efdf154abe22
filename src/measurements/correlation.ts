import type { Db } from '../../db/client';
import type { Cadence, Metric, Workspace } from '../../db/schema';
import { fullSeries, type SeriesPoint } from './measurements';
import { addPeriods, weekOfDay } from './periods';

// "Does this input drive the North Star?" — the Pearson correlation of the input's period-over-period changes
// with the North Star's. Changes, not levels: two metrics that both grow over a year correlate in level
// whatever drives what; their week-to-week movements only line up when they move together.

/** Below this many paired changes the reading comes with "too few to tell". */
export const CORRELATION_MIN_PAIRS = 8;
/** Below this many, r is not computed at all (two pairs always give ±1). */
export const CORRELATION_MIN_COMPUTE = 3;
/** |r| under this is read as "no clear link". */
export const CORRELATION_CLEAR = 0.3;

export type Correlation = {
  /** Pearson's r of the paired changes, two decimals (null: too few pairs, or a series that never moved). */
  r: number | null;
  /** How many paired changes r is computed over. */
  n: number;
  /** The period the changes are compared by: days only when both metrics are daily. */
  unit: Cadence;
  /** "moves with the North Star", "no clear link", "moves against it", or why there is no reading. */
  reading: string;
  /**
   * Whether the link points the way the team hopes: the input getting better goes with the North Star
   * getting better (a lower-is-better input that moves against a higher-is-better North Star is good news).
   * null when there is no clear link.
   */
  hoped: boolean | null;
  /** Said beside r when it should not be trusted yet (null when n is large enough). */
  caution: string | null;
};

/** Pearson's r, or null when there are fewer than two pairs or either side never varies. */
export function pearson(xs: number[], ys: number[]): number | null {
  const n = Math.min(xs.length, ys.length);
  if (n < 2) return null;
  const mx = xs.slice(0, n).reduce((s, v) => s + v, 0) / n;
  const my = ys.slice(0, n).reduce((s, v) => s + v, 0) / n;
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  for (let i = 0; i < n; i++) {
    const dx = (xs[i] as number) - mx;
    const dy = (ys[i] as number) - my;
    sxy += dx * dy;
    sxx += dx * dx;
    syy += dy * dy;
  }
  // Float noise on a constant series leaves tiny non-zero sums; treat those as no variation.
  const eps = 1e-12;
  if (sxx <= eps * Math.max(1, mx * mx) * n || syy <= eps * Math.max(1, my * my) * n) return null;
  return Math.max(-1, Math.min(1, sxy / Math.sqrt(sxx * syy)));
}

/**
 * Daily values → one value per ISO week: the mean of the days measured in it. The mean (not the sum) keeps a
 * week with a missing day comparable to a full one, and correlation does not care about scale.
 */
export function weeklyMeans(series: SeriesPoint[]): SeriesPoint[] {
  const weeks = new Map<string, { sum: number; n: number }>();
  for (const p of series) {
    const w = weekOfDay(p.period);
    const acc = weeks.get(w) ?? { sum: 0, n: 0 };
    acc.sum += p.value;
    acc.n += 1;
    weeks.set(w, acc);
  }
  return [...weeks.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([period, { sum, n }]) => ({ period, value: sum / n }));
}

/**
 * Period-over-period changes, keyed by the later period. Only consecutive periods count: across a gap the
 * change spans several periods and would not be comparable with the others.
 */
export function changesOf(series: SeriesPoint[], cadence: Cadence): Map<string, number> {
  const byPeriod = new Map(series.map((p) => [p.period, p.value]));
  const out = new Map<string, number>();
  for (const p of series) {
    const before = byPeriod.get(addPeriods(p.period, cadence, -1));
    if (before !== undefined) out.set(p.period, p.value - before);
  }
  return out;
}

export type MetricSeries = { metric: Pick<Metric, 'name' | 'cadence' | 'direction'>; series: SeriesPoint[] };

/** The correlation of an input's changes with the North Star's, with its reading and caution. */
export function correlate(input: MetricSeries, northStar: MetricSeries): Correlation {
  const unit: Cadence = input.metric.cadence === 'day' && northStar.metric.cadence === 'day' ? 'day' : 'week';
  const asUnit = (s: MetricSeries) =>
    unit === 'week' && s.metric.cadence === 'day' ? weeklyMeans(s.series) : s.series;
  const a = changesOf(asUnit(input), unit);
  const b = changesOf(asUnit(northStar), unit);
  const xs: number[] = [];
  const ys: number[] = [];
  for (const [period, change] of a) {
    const other = b.get(period);
    if (other === undefined) continue;
    xs.push(change);
    ys.push(other);
  }
  const n = xs.length;
  const word = unit === 'week' ? 'week' : 'day';
  const paired = `${n} paired ${word}${n === 1 ? '' : 's'}`;
  const notProof = 'a correlation is not proof that this input drives the North Star either';
  const caution =
    n < CORRELATION_MIN_PAIRS
      ? n === 0
        ? `No paired ${word}s yet: both metrics need values for two ${word}s in a row, the same ${word}s.`
        : `Only ${paired}: too few to tell; ${notProof}.`
      : null;
  const none = (reading: string): Correlation => ({ r: null, n, unit, reading, hoped: null, caution });
  if (n < CORRELATION_MIN_COMPUTE) return none('too few values to tell');
  // A series whose changes never vary (a constant, or a steady +1 a week) has no ups and downs to line up.
  const steady = (v: number[], who: string) =>
    v.every((c) => c === 0)
      ? `${who} did not change over these ${word}s: nothing to compare`
      : `${who} moved by the same amount every ${word}: nothing to compare`;
  if (pearson(xs, xs) === null) return none(steady(xs, input.metric.name));
  if (pearson(ys, ys) === null) return none(steady(ys, 'the North Star'));
  const raw = pearson(xs, ys);
  if (raw === null) return none('no clear link');
  const r = Math.round(raw * 100) / 100;
  const sameDirection = input.metric.direction === northStar.metric.direction;
  if (Math.abs(r) < CORRELATION_CLEAR) return { r, n, unit, reading: 'no clear link', hoped: null, caution };
  return {
    r,
    n,
    unit,
    reading: r > 0 ? 'moves with the North Star' : 'moves against it',
    hoped: r > 0 === sameDirection,
    caution,
  };
}

/** Each input's correlation with the North Star, from one query over their whole histories. */
export async function loadCorrelations(
  db: Db,
  ws: Workspace,
  northStar: Metric | undefined,
  inputs: Metric[],
): Promise<Map<number, Correlation>> {
  const out = new Map<number, Correlation>();
  if (!northStar || !inputs.length) return out;
  const series = await fullSeries(db, ws, [northStar.id, ...inputs.map((m) => m.id)]);
  const nsm = { metric: northStar, series: series.get(northStar.id) ?? [] };
  for (const m of inputs) out.set(m.id, correlate({ metric: m, series: series.get(m.id) ?? [] }, nsm));
  return out;
}
