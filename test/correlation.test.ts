import { describe, expect, it } from 'vitest';
import { makeInput, makeWorkspace, measure } from '../db/factories';
import type { Cadence } from '../db/schema';
import {
  changesOf,
  correlate,
  loadCorrelations,
  type MetricSeries,
  pearson,
  weeklyMeans,
} from '../src/measurements/correlation';
import type { SeriesPoint } from '../src/measurements/measurements';
import { getNorthStar } from '../src/metrics/metrics';
import { freshDb } from './helpers';

const pts = (o: Record<string, number>): SeriesPoint[] =>
  Object.entries(o).map(([period, value]) => ({ period, value }));

/** Consecutive ISO weeks of 2026 from W40 with these values (null: no value that week). */
const weekly = (values: (number | null)[]): SeriesPoint[] =>
  values.flatMap((value, i) => (value == null ? [] : [{ period: `2026-W${40 + i}`, value }]));

const series = (
  values: SeriesPoint[],
  opts: { name?: string; cadence?: Cadence; direction?: 'up' | 'down' } = {},
): MetricSeries => ({
  metric: {
    name: opts.name ?? 'Activation rate',
    cadence: opts.cadence ?? 'week',
    direction: opts.direction ?? 'up',
  },
  series: values,
});

describe('correlation', () => {
  it('computes Pearson’s r against a hand-computed table', () => {
    // x = [1, −2, 0, 3, −1], y = [2, 1, −1, 3, −3]
    // mean x = 1/5 = 0.2, mean y = 2/5 = 0.4
    // dx = [0.8, −2.2, −0.2, 2.8, −1.2], dy = [1.6, 0.6, −1.4, 2.6, −3.4]
    // Σdx·dy = 1.28 − 1.32 + 0.28 + 7.28 + 4.08 = 11.6
    // Σdx² = 0.64 + 4.84 + 0.04 + 7.84 + 1.44 = 14.8;  Σdy² = 2.56 + 0.36 + 1.96 + 6.76 + 11.56 = 23.2
    // r = 11.6 / √(14.8 × 23.2) = 11.6 / √343.36 = 11.6 / 18.530 = 0.626
    expect(pearson([1, -2, 0, 3, -1], [2, 1, -1, 3, -3])).toBeCloseTo(0.626, 3);
    // Exactly opposite moves: −1. Exactly proportional: +1.
    expect(pearson([1, 2, 3], [6, 4, 2])).toBeCloseTo(-1, 9);
    expect(pearson([1, 2, 4], [10, 20, 40])).toBeCloseTo(1, 9);
    // Nothing to correlate: one pair, or a side that never varies (also with float noise).
    expect(pearson([1], [2])).toBeNull();
    expect(pearson([3, 3, 3], [1, 2, 3])).toBeNull();
    expect(pearson([0.43 - 0.41, 0.45 - 0.43, 0.47 - 0.45], [1, 2, 3])).toBeNull();
  });

  it('pairs the week-over-week changes of an input and the North Star (the table above as levels)', () => {
    // Input levels 10, 11, 9, 9, 12, 11 → changes +1, −2, 0, +3, −1 (x above).
    // North Star levels 50, 52, 53, 52, 55, 52 → changes +2, +1, −1, +3, −3 (y above). r = 0.63 over 5 pairs.
    const c = correlate(
      series(weekly([10, 11, 9, 9, 12, 11])),
      series(weekly([50, 52, 53, 52, 55, 52]), { name: 'Weekly active teams' }),
    );
    expect(c).toEqual({
      r: 0.63,
      n: 5,
      unit: 'week',
      reading: 'moves with the North Star',
      hoped: true,
      caution:
        'Only 5 paired weeks: too few to tell; a correlation is not proof that this input drives the North Star either.',
    });
  });

  it('only pairs consecutive periods: a missing week drops the changes on either side of it', () => {
    // W43 missing for the input: its changes are W41 (+1), W42 (−2), W45 (−1) only.
    const a = changesOf(weekly([10, 11, 9, null, 12, 11]), 'week');
    expect([...a.entries()]).toEqual([
      ['2026-W41', 1],
      ['2026-W42', -2],
      ['2026-W45', -1],
    ]);
    const c = correlate(series(weekly([10, 11, 9, null, 12, 11])), series(weekly([50, 52, 53, 52, 55, 52])));
    // x = [1, −2, −1], y = [2, 1, −3]: mean x = −2/3, mean y = 0; Σdx·dy = (5/3)(2) + (−4/3)(1) + (−1/3)(−3) = 3
    // Σdx² = 25/9 + 16/9 + 1/9 = 42/9; Σdy² = 4 + 1 + 9 = 14; r = 3 / √(42/9 × 14) = 3 / 8.083 = 0.37
    expect(c).toMatchObject({ r: 0.37, n: 3, reading: 'moves with the North Star' });
  });

  it('reads strong opposite moves as "moves against it", hoped for when the input is lower-is-better', () => {
    const nsm = series(weekly([100, 110, 105, 120, 118, 130, 125, 140, 150, 149]));
    // Churn falls when the North Star rises: exactly mirrored changes, r = −1 over 9 pairs (no caution).
    const churn = series(weekly([20, 19, 19.5, 18, 18.2, 17, 17.5, 16, 15, 15.1]), {
      name: 'Churn',
      direction: 'down',
    });
    expect(correlate(churn, nsm)).toEqual({
      r: -1,
      n: 9,
      unit: 'week',
      reading: 'moves against it',
      hoped: true,
      caution: null,
    });
    // The same moves on a higher-is-better input are not what the team hopes for.
    expect(correlate({ ...churn, metric: { ...churn.metric, direction: 'up' } }, nsm).hoped).toBe(false);
  });

  it('says there is no clear link when |r| < 0.3', () => {
    // x = [1, −1, 1, −1], y = [1, 1, −1, −1]: Σdx·dy = 1 − 1 − 1 + 1 = 0 → r = 0.
    const c = correlate(series(weekly([0, 1, 0, 1, 0])), series(weekly([0, 1, 2, 1, 0])));
    expect(c).toMatchObject({ r: 0, n: 4, reading: 'no clear link', hoped: null });
  });

  it('has no r for a series that never moved, or moved by the same amount every week', () => {
    const nsm = series(weekly([50, 52, 53, 52, 55, 52]));
    expect(correlate(series(weekly([7, 7, 7, 7, 7, 7])), nsm)).toMatchObject({
      r: null,
      n: 5,
      reading: 'Activation rate did not change over these weeks: nothing to compare',
    });
    expect(correlate(series(weekly([1, 2, 3, 4, 5, 6])), nsm)).toMatchObject({
      r: null,
      reading: 'Activation rate moved by the same amount every week: nothing to compare',
    });
    expect(correlate(nsm, series(weekly([7, 7, 7, 7])))).toMatchObject({
      r: null,
      n: 3,
      reading: 'the North Star did not change over these weeks: nothing to compare',
    });
  });

  it('needs three paired changes for an r at all, and says so when there are none', () => {
    // Two pairs always line up perfectly (r = ±1): not shown.
    expect(correlate(series(weekly([1, 2, 4])), series(weekly([5, 3, 9])))).toMatchObject({
      r: null,
      n: 2,
      reading: 'too few values to tell',
      caution: expect.stringContaining('Only 2 paired weeks: too few to tell'),
    });
    // Measured in different weeks: nothing to pair.
    expect(correlate(series(weekly([1, 2, null, null])), series(weekly([null, null, 3, 4])))).toMatchObject({
      r: null,
      n: 0,
      caution: 'No paired weeks yet: both metrics need values for two weeks in a row, the same weeks.',
    });
    expect(correlate(series([]), series([])).n).toBe(0);
  });

  it('rolls a daily metric up to ISO weeks (the mean of its measured days) to compare it with a weekly one', () => {
    const daily = pts({
      // W45 (2–8 Nov 2026): mean of 10 and 12 = 11
      '2026-11-02': 10,
      '2026-11-03': 12,
      // W46: mean of 13, 13, 16 = 14
      '2026-11-09': 13,
      '2026-11-10': 13,
      '2026-11-11': 16,
      // W47: one day measured = 12
      '2026-11-16': 12,
      // W48: mean of 20 and 22 = 21
      '2026-11-23': 20,
      '2026-11-29': 22,
    });
    expect(weeklyMeans(daily)).toEqual(
      pts({ '2026-W45': 11, '2026-W46': 14, '2026-W47': 12, '2026-W48': 21 }),
    );
    // Input changes x = [+3, −2, +9]; North Star 100, 104, 103, 110 → y = [+4, −1, +7].
    // mean x = mean y = 10/3; dx = [−1/3, −16/3, 17/3], dy = [2/3, −13/3, 11/3]
    // Σdx·dy = (−2 + 208 + 187)/9 = 393/9; Σdx² = 546/9; Σdy² = 294/9
    // r = 393 / √(546 × 294) = 393 / 400.65 = 0.98
    const nsm = series(pts({ '2026-W45': 100, '2026-W46': 104, '2026-W47': 103, '2026-W48': 110 }));
    const c = correlate(series(daily, { cadence: 'day' }), nsm);
    expect(c).toMatchObject({ r: 0.98, n: 3, unit: 'week' });
    // The other way round too: a daily North Star is rolled up against a weekly input.
    expect(correlate(nsm, series(daily, { cadence: 'day' }))).toMatchObject({ r: 0.98, n: 3, unit: 'week' });
  });

  it('compares two daily metrics day by day', () => {
    const a = pts({ '2026-11-28': 1, '2026-11-29': 3, '2026-11-30': 2, '2026-12-01': 5 });
    const b = pts({ '2026-11-28': 10, '2026-11-29': 30, '2026-11-30': 20, '2026-12-01': 50 });
    const c = correlate(series(a, { cadence: 'day' }), series(b, { cadence: 'day' }));
    expect(c).toMatchObject({ r: 1, n: 3, unit: 'day' });
    expect(c.caution).toContain('Only 3 paired days');
  });

  it('loads every input’s correlation from the stored values', async () => {
    const db = await freshDb();
    const ws = await makeWorkspace(db, { slug: 'acme' });
    const nsm = await getNorthStar(db, ws);
    if (!nsm) throw new Error('no North Star');
    const a = await makeInput(db, ws, { name: 'Activation rate' });
    const b = await makeInput(db, ws, { name: 'Invite conversion' });
    const values = (v: number[]) => Object.fromEntries(v.map((x, i) => [`2026-W${40 + i}`, x]));
    await measure(db, ws, nsm, values([50, 52, 53, 52, 55, 52]));
    await measure(db, ws, a, values([10, 11, 9, 9, 12, 11]));
    const got = await loadCorrelations(db, ws, nsm, [a, b]);
    expect(got.get(a.id)).toMatchObject({ r: 0.63, n: 5 });
    expect(got.get(b.id)).toMatchObject({ r: null, n: 0 });
    expect((await loadCorrelations(db, ws, undefined, [a])).size).toBe(0);
  });
});
