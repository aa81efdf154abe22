import { describe, expect, it } from 'vitest';
import {
  closeAs,
  makeHypothesis,
  makeInput,
  makeMember,
  makeWorkspace,
  measure,
  moveTo,
} from '../db/factories';
import type { Metric } from '../db/schema';
import type { ChartExperiment } from '../src/measurements/annotations';
import { experimentsForMetric } from '../src/measurements/annotations';
import type { SeriesPoint } from '../src/measurements/measurements';
import { loadTiles, SPARK_PERIODS, tileOf } from '../src/measurements/tiles';
import { getNorthStar } from '../src/metrics/metrics';
import { fmtPct, fmtValue, KpiTile, Sparkline, sparkLabel } from '../views/components/kpi-tile';
import { ExperimentLifts, MetricChart, niceTicks, placeExperiments, stackBars } from '../views/metrics/chart';
import { as, htmx, signIn, testApp } from './helpers';

const metric = (over: Partial<Metric> = {}): Metric => ({
  id: 1,
  workspaceId: 1,
  kind: 'input',
  name: 'Activation rate',
  description: '',
  unit: '%',
  direction: 'up',
  cadence: 'week',
  owner: '',
  currentValue: null,
  target: null,
  checklist: null,
  archivedAt: null,
  version: 1,
  createdAt: 0,
  updatedAt: 0,
  ...over,
});

const pts = (o: Record<string, number>): SeriesPoint[] =>
  Object.entries(o).map(([period, value]) => ({ period, value }));

/** Renders a view to its visible text. */
const text = (html: string) =>
  html
    .replace(/<title>[^<]*<\/title>/g, ' ')
    .replace(/<[^>]+>/g, ' ')
    .replace(/&amp;/g, '&')
    .replace(/&#39;/g, "'")
    .replace(/\s+/g, ' ')
    .trim();
const render = async (el: unknown) =>
  String(await Promise.resolve(el as { toString(): string }).then(String));

describe('tiles', () => {
  it('compares the latest period with the one just before it (hand-computed table)', () => {
    // [direction, series, previous period, delta, pct, better]
    const cases: [
      Metric['direction'],
      Record<string, number>,
      string | undefined,
      number | null,
      number | null,
      boolean | null,
    ][] = [
      // Rises, up is good: 42 − 40 = +2; 2 / 40 = +5 %.
      ['up', { '2026-W45': 40, '2026-W46': 42 }, '2026-W45', 2, 5, true],
      // Falls, up is good: 45 − 50 = −5; −5 / 50 = −10 %.
      ['up', { '2026-W45': 50, '2026-W46': 45 }, '2026-W45', -5, -10, false],
      // Falls, down is good (churn): 6 − 8 = −2; −2 / 8 = −25 %: better.
      ['down', { '2026-W45': 8, '2026-W46': 6 }, '2026-W45', -2, -25, true],
      // Rises, down is good: 9 − 6 = +3; 3 / 6 = +50 %: worse.
      ['down', { '2026-W45': 6, '2026-W46': 9 }, '2026-W45', 3, 50, false],
      // Float noise: 0.43 − 0.41 is 0.020000000000000018 in doubles; the tile says 0.02 (4.878… %).
      ['up', { '2026-W45': 0.41, '2026-W46': 0.43 }, '2026-W45', 0.02, 4.87804878, true],
      // From a negative value: −2 − (−4) = +2; relative to |−4|: +50 %.
      ['up', { '2026-W45': -4, '2026-W46': -2 }, '2026-W45', 2, 50, true],
      // The previous value is 0: the change is +5, but no % of zero.
      ['up', { '2026-W45': 0, '2026-W46': 5 }, '2026-W45', 5, null, true],
      // Unchanged: neither better nor worse.
      ['up', { '2026-W45': 7, '2026-W46': 7 }, '2026-W45', 0, 0, null],
      // The previous week is missing (W44): no change shown, rather than one across two weeks.
      ['up', { '2026-W43': 10, '2026-W45': 12 }, '2026-W44', null, null, null],
      // Over the new year: 2026 has 53 ISO weeks, so W53 is the week before 2027-W01. 110 / 100 → +10 %.
      ['up', { '2026-W53': 100, '2027-W01': 110 }, '2026-W53', 10, 10, true],
      // One value: nothing to compare with.
      ['up', { '2026-W46': 42 }, '2026-W45', null, null, null],
    ];
    for (const [direction, series, prev, delta, pct, better] of cases) {
      const t = tileOf(metric({ direction }), pts(series));
      const label = `${direction} ${JSON.stringify(series)}`;
      expect(t.latest, label).toEqual(pts(series).at(-1));
      expect(t.previousPeriod, label).toBe(prev);
      expect(t.previous?.period, label).toBe(delta == null ? undefined : prev);
      expect(t.delta, label).toBe(delta);
      if (pct == null) expect(t.pct, label).toBeNull();
      else expect(t.pct, label).toBeCloseTo(pct, 6);
      expect(t.better, label).toBe(better);
    }
  });

  it('compares days with the day before for a daily metric', () => {
    const t = tileOf(metric({ cadence: 'day' }), pts({ '2026-11-21': 3, '2026-11-22': 4 }));
    expect(t.previousPeriod).toBe('2026-11-21');
    expect([t.delta, t.pct, t.better]).toEqual(
      [1, 100 / 3, true].map((v) => (typeof v === 'number' ? expect.closeTo(v, 6) : v)),
    );
    // Across a month boundary.
    expect(tileOf(metric({ cadence: 'day' }), pts({ '2026-11-30': 1, '2026-12-01': 2 })).previousPeriod).toBe(
      '2026-11-30',
    );
  });

  it('has no latest value, no change and an empty sparkline without measurements', () => {
    const t = tileOf(metric({ currentValue: 0.4 }), []);
    expect([t.latest, t.previous, t.previousPeriod]).toEqual([undefined, undefined, undefined]);
    expect(t).toMatchObject({
      delta: null,
      pct: null,
      better: null,
      spark: [],
    });
  });

  it('keeps the last 12 periods in the sparkline, gaps included in the count', () => {
    const weeks = Object.fromEntries(
      Array.from({ length: 14 }, (_, i) => [`2026-W${String(i + 30).padStart(2, '0')}`, i]),
    );
    const t = tileOf(metric(), pts(weeks));
    expect(SPARK_PERIODS).toBe(12);
    expect(t.spark.map((p) => p.period)).toEqual(Object.keys(weeks).slice(2));
    // With W35–W40 missing, W32–W43 still spans 12 weeks: only the 6 measured ones are in it.
    const gappy = pts({
      '2026-W30': 1,
      '2026-W31': 2,
      '2026-W32': 3,
      '2026-W41': 4,
      '2026-W42': 5,
      '2026-W43': 6,
    });
    expect(tileOf(metric(), gappy).spark.map((p) => p.period)).toEqual([
      '2026-W32',
      '2026-W41',
      '2026-W42',
      '2026-W43',
    ]);
  });

  it('loads every metric’s tile with one query, in the order given', async () => {
    const { db } = await testApp();
    const ws = await makeWorkspace(db, { slug: 'acme' });
    const a = await makeInput(db, ws, { name: 'Activation rate' });
    const b = await makeInput(db, ws, { name: 'Invite conversion', direction: 'down' });
    await measure(db, ws, a, { '2026-W45': 40, '2026-W46': 42 });
    await measure(db, ws, b, { '2026-W44': 9, '2026-W46': 8 });
    const tiles = await loadTiles(db, ws, [b, a]);
    expect(tiles.map((t) => [t.metric.name, t.latest?.value, t.delta])).toEqual([
      ['Invite conversion', 8, null],
      ['Activation rate', 42, 2],
    ]);
  });
});

describe('kpi tile', () => {
  it('formats values and changes for people', () => {
    const cases: [number, string][] = [
      [0, '0'],
      [0.43, '0.43'],
      [0.0043, '0.0043'],
      [12.5, '12.5'],
      [1200, '1200'],
      [12480, '12,480'],
      [-3, '−3'],
    ];
    for (const [n, want] of cases) expect(fmtValue(n), String(n)).toBe(want);
    // With a no-break space before the %.
    expect([fmtPct(5), fmtPct(-25), fmtPct(4.878), fmtPct(0)]).toEqual([
      '+5.0\u00a0%',
      '−25.0\u00a0%',
      '+4.9\u00a0%',
      '0.0\u00a0%',
    ]);
  });

  it('says the value, the period, the change with arrow and word, and names its sparkline', async () => {
    const up = tileOf(metric(), pts({ '2026-W45': 40, '2026-W46': 42 }));
    const html = await render(KpiTile({ tile: up, href: '/w/acme/metrics/1' }));
    const t = text(html);
    expect(t).toContain('Activation rate 42 % Week 46 · 9–15 Nov 2026');
    expect(t).toContain('+2 pp (+5.0 %) vs W45 · better');
    expect(html).toContain('class="kpi-change good"');
    expect(html).toContain('▲');
    expect(html).toContain('aria-label="last 2 weeks: 40 to 42 %"');
    expect(html).toContain('href="/w/acme/metrics/1"');
    // Down is good and it rose: red, ▲ and "worse".
    const worse = await render(
      KpiTile({ tile: tileOf(metric({ direction: 'down' }), pts({ '2026-W45': 6, '2026-W46': 9 })) }),
    );
    expect(text(worse)).toContain('+3 pp (+50.0 %) vs W45 · worse');
    expect(worse).toContain('class="kpi-change bad"');
    const missing = await render(
      KpiTile({ tile: tileOf(metric(), pts({ '2026-W43': 10, '2026-W45': 12 })) }),
    );
    expect(text(missing)).toContain('no value for W44 to compare with');
  });

  it('shows the current value and where to add a measurement when there is none yet', async () => {
    const t = tileOf(metric({ currentValue: 38 }), []);
    const editor = text(await render(KpiTile({ tile: t, addHref: '/w/acme/measurements' })));
    expect(editor).toContain('38 % No measurements yet: add this week’s value');
    const viewer = await render(KpiTile({ tile: t }));
    expect(text(viewer)).toContain('No measurements yet.');
    expect(viewer).not.toContain('href=');
  });

  it('breaks the sparkline at a missing period and describes the span', async () => {
    const points = pts({ '2026-W40': 1, '2026-W41': 2, '2026-W43': 3, '2026-W44': 4 });
    expect(sparkLabel(points, 'week', '%')).toBe('last 5 weeks: 1 to 4 % (1 week without a value)');
    expect(sparkLabel(points.slice(0, 1), 'week')).toBe('one week measured: 1');
    const html = await render(Sparkline({ points, direction: 'up', cadence: 'week', label: 'x' }));
    const d = /d="([^"]+)"/.exec(html)?.[1] ?? '';
    // Two runs: W40–W41, then W43–W44.
    expect(d.match(/M/g)).toHaveLength(2);
    expect(html).toContain('spark-good');
  });
});

describe('metric chart', () => {
  it('rounds axis ticks', () => {
    expect(niceTicks(0.38, 0.43)).toEqual([0.38, 0.39, 0.4, 0.41, 0.42, 0.43]);
    expect(niceTicks(0, 95)).toEqual([0, 20, 40, 60, 80, 100]);
    expect(niceTicks(5, 5)).toEqual([4.4, 4.6, 4.8, 5, 5.2, 5.4, 5.6]);
  });

  it('marks each experiment from the period it started to the one it closed in, on its own lane when they overlap', async () => {
    const { db } = await testApp();
    const ws = await makeWorkspace(db, { slug: 'acme' });
    const m = await makeInput(db, ws, { name: 'Activation rate' });
    const other = await makeInput(db, ws, { name: 'Invite conversion' });
    const week = (iso: string) => Date.parse(iso);
    const won = await makeHypothesis(db, ws, { metricId: m.id, title: 'Checklist', expectedLift: 5 });
    await closeAs(
      db,
      ws,
      won,
      { outcome: 'won', baseline: 40, observed: 42, startedAt: week('2026-11-02T10:00:00Z') },
      week('2026-11-18T10:00:00Z'),
    );
    const running = await moveTo(
      db,
      ws,
      await makeHypothesis(db, ws, { metricId: m.id, title: 'Tour' }),
      'running',
      week('2026-11-10T10:00:00Z'),
    );
    await makeHypothesis(db, ws, { metricId: m.id, title: 'Never started' });
    await moveTo(db, ws, await makeHypothesis(db, ws, { metricId: other.id }), 'running');
    const experiments = await experimentsForMetric(db, ws, m.id);
    expect(experiments.map((e) => [e.title, e.result, e.lift])).toEqual([
      ['Checklist', 'won', 5],
      ['Tour', null, null],
    ]);
    const placed = placeExperiments(experiments, 'week', 'UTC');
    expect(placed.map((e) => [e.startPeriod, e.endPeriod])).toEqual([
      ['2026-W45', '2026-W47'],
      ['2026-W46', null],
    ]);
    const series = pts({ '2026-W44': 38, '2026-W45': 40, '2026-W46': 41, '2026-W47': 42, '2026-W48': 43 });
    const html = await render(MetricChart({ metric: m, series, experiments, timeZone: 'UTC', slug: 'acme' }));
    // They overlap (W46–W47): the running one is drawn a row lower.
    expect(html.match(/class="mc-bar" x="[\d.]+" y="(\d+)"/g)?.map((b) => b.split('y=')[1])).toEqual([
      '"364"',
      '"394"',
    ]);
    expect(html).toContain(`<a href="/w/acme/hypotheses/${won.id}"`);
    expect(html).toContain(`<a href="/w/acme/hypotheses/${running.id}"`);
    expect(html).toContain(`#${won.id} Checklist: won, W45–W47; lift +5% (expected +5%)`);
    expect(html).toContain(`#${running.id} Tour: running, W46–now`);
    // The table equivalent: periods with their values and the experiments running then.
    expect(text(html)).toContain(`Week 47 · 16–22 Nov 2026 42 #${won.id} ends (won), #${running.id}`);
    expect(text(html)).toContain(`#${won.id} Checklist 2 Nov 2026 18 Nov 2026 won +5% +5%`);
    const lifts = text(
      await render(ExperimentLifts({ experiments, slug: 'acme', metric: m, timeZone: 'UTC' })),
    );
    expect(lifts).toContain(`#${won.id} Checklist 2 Nov 2026 – 18 Nov 2026 ✓ won +5% +5% 40 → 42 %`);
    expect(lifts).toContain(`#${running.id} Tour 10 Nov 2026 – now ▸ running +5% —`);
  });

  it('stacks bars so that neither bars nor their labels overlap, and keeps labels inside the plot', () => {
    // Labels are estimated at 10.5 units a character ("#193 ✓": 6 → 63), starting 6 into the bar.
    const cases: [string, { x1: number; x2: number; label: string }[], [number, number][]][] = [
      [
        'back-to-back experiments long enough for their labels share a row',
        [
          { x1: 100, x2: 198, label: '#2 ✓' },
          { x1: 200, x2: 298, label: '#5 ✓' },
        ],
        [
          [0, 106],
          [0, 206],
        ],
      ],
      [
        'a short bar’s label runs past its end: the next bar under it goes a row down, a later one back up',
        [
          { x1: 100, x2: 110, label: '#193 ✓' }, // occupies 100..175 (106 + 63 + 6)
          { x1: 120, x2: 130, label: '#194 ✗' },
          { x1: 180, x2: 190, label: '#195 ~' },
        ],
        [
          [0, 106],
          [1, 126],
          [0, 186],
        ],
      ],
      [
        'a label that would run off the right edge (936) ends there',
        [{ x1: 920, x2: 934, label: '#215 ✗' }],
        [[0, 873]],
      ],
    ];
    for (const [why, spans, expected] of cases)
      expect(
        stackBars(spans, 936).map((b) => [b.lane, b.labelX]),
        why,
      ).toEqual(expected);
  });

  it('shows an experiment’s detail on hover and keyboard focus, and the year on an axis spanning years', async () => {
    const m = metric();
    const at = (iso: string) => Date.parse(iso);
    const experiment = (id: number, over: Partial<ChartExperiment>): ChartExperiment => ({
      id,
      title: `Experiment ${id}`,
      status: 'done',
      result: 'won',
      startedAt: at('2025-12-15T10:00:00Z'),
      closedAt: at('2025-12-16T10:00:00Z'),
      lift: 4,
      expectedLift: 5,
      baseline: null,
      observed: null,
      ...over,
    });
    const series = pts({ '2025-W50': 30, '2025-W51': 31, '2025-W52': 31.5, '2026-W01': 32, '2026-W02': 33 });
    const html = await render(
      MetricChart({
        metric: m,
        series,
        experiments: [experiment(7, {}), experiment(8, { result: 'lost', title: 'Tour '.repeat(40).trim() })],
        timeZone: 'UTC',
        slug: 'acme',
      }),
    );
    // A tooltip (<title>) shows on hover only; the same line is drawn for focus too (CSS shows it).
    expect(html).toMatch(
      /<g class="mc-tip" aria-hidden="true">[\s\S]*?#7 Experiment 7: won, W51–W51; lift \+4% \(expected \+5%\)<\/text>/,
    );
    // A long title is cut to fit the chart's width in that line (the <title> keeps it whole).
    const tip =
      /<text class="mc-tip-text"[^>]*>(#8 Tour[^<]*…: lost, W51–W51; lift \+4% \(expected \+5%\))<\/text>/.exec(
        html,
      )?.[1];
    expect(tip?.length).toBeLessThanOrEqual(97);
    expect(html).toContain(`<title>#8 ${'Tour '.repeat(40).trim()}: lost`);
    // Two bars in the same week: their labels would collide, so the second goes a row down.
    expect(html.match(/class="mc-label" x="[\d.]+" y="(\d+)"/g)?.map((l) => l.split('y=')[1])).toEqual([
      '"380"',
      '"410"',
    ]);
    const axis = text(html);
    expect(axis).toContain('W50 ’25 W51 W52 W01 ’26 W02');
  });

  it('teaches what to do when there is nothing to draw', async () => {
    const m = metric();
    expect(
      text(
        await render(MetricChart({ metric: m, series: [], experiments: [], timeZone: 'UTC', slug: 'acme' })),
      ),
    ).toContain('No values yet');
    expect(text(await render(ExperimentLifts({ experiments: [], slug: 'acme', metric: m })))).toContain(
      'No experiment has run on Activation rate yet',
    );
  });
});

describe('tiles on pages', () => {
  it('shows the North Star and each input as tiles on the workspace home, with the link to the North Star', async () => {
    const { app, db, raw } = await testApp();
    const ws = await makeWorkspace(db, { slug: 'acme' });
    const nsm = await getNorthStar(db, ws);
    if (!nsm) throw new Error('no North Star');
    const act = await makeInput(db, ws, { name: 'Activation rate' });
    await makeInput(db, ws, { name: 'Invite conversion', currentValue: 12 });
    // Both move together for 5 weeks: r = 1 over 4 paired changes, with a caution.
    await measure(db, ws, nsm, {
      '2026-W41': 100,
      '2026-W42': 110,
      '2026-W43': 105,
      '2026-W44': 120,
      '2026-W45': 125,
    });
    await measure(db, ws, act, {
      '2026-W41': 40,
      '2026-W42': 42,
      '2026-W43': 41,
      '2026-W44': 44,
      '2026-W45': 45,
    });
    const res = await app.request('/w/acme');
    expect(res.status).toBe(200);
    const page = text(await res.text());
    expect(page).toContain('125 teams Week 45 · 2–8 Nov 2026 ▲ +5 teams (+4.2 %) vs W44 · better');
    expect(page).toContain('45 % Week 45 · 2–8 Nov 2026 ▲ +1 pp (+2.3 %) vs W44 · better');
    expect(page).toContain('moves with the North Star (r = 1.00 over 4 paired weeks)');
    expect(page).toContain('Only 4 paired weeks: too few to tell');
    // No measurements: its current value, and where to add one (for editors).
    expect(page).toContain('12 % No measurements yet: add this week’s value');
    expect(page).toContain('No paired weeks yet');
    // The fragment carries the tiles too.
    expect(text(await (await app.request('/w/acme', { headers: htmx })).text())).toContain(
      '+5 teams (+4.2 %) vs W44',
    );
    // A viewer sees the numbers but no link to enter them.
    const viewer = await signIn(db, await makeMember(db, ws, 'viewer'));
    const seen = await (await as(raw, viewer).request('/w/acme')).text();
    expect(text(seen)).toContain('+5 teams (+4.2 %) vs W44 · better');
    expect(seen).not.toContain('href="/w/acme/measurements"');
  });

  it('shows the tiles on the meeting page', async () => {
    const { app, db } = await testApp();
    const ws = await makeWorkspace(db, { slug: 'acme' });
    const churn = await makeInput(db, ws, { name: 'Churn', direction: 'down' });
    await measure(db, ws, churn, { '2026-W45': 8, '2026-W46': 6 });
    const page = text(await (await app.request('/w/acme/meeting')).text());
    expect(page).toContain('Churn 6 % Week 46 · 9–15 Nov 2026 ▼ −2 pp (−25.0 %) vs W45 · better');
  });
});
