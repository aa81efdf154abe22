import { describe, expect, it } from 'vitest';
import { closeAs, DAY_MS, makeHypothesis, makeWorkspace } from '../db/factories';
import { isoWeek, weekLabel } from '../src/batches/weeks';
import { type InsightRow, insights, lastWeeks, weeklySeries } from '../src/levers/insights';
import { testApp } from './helpers';

const at = (y: number, m: number, d: number, h: number) => Date.UTC(y, m - 1, d, h);

// Wednesday 18 March 2026, noon UTC: ISO week 12 in UTC and in Auckland (UTC+13 in March).
const NOW = at(2026, 3, 18, 12);

/**
 * | close           | UTC instant        | Auckland week | UTC week | outcome      | Confidence | (C/10 − win)² |
 * | r1              | Sun 15 Mar 12:00   | W12 (Mon 1am) | W11      | won          | 8          | 0.04          |
 * | r2              | Mon 16 Mar 09:00   | W12           | W12      | lost         | 6          | 0.36          |
 * | r3              | Wed  4 Mar 12:00   | W10           | W10      | won          | 5          | 0.25          |
 * | r4              | Thu  5 Mar 12:00   | W10           | W10      | inconclusive | 3          | 0.09          |
 * | r5 (old)        | Mon  1 Dec 2025    | 2025-W49      | 2025-W49 | lost         | 9          | 0.81          |
 */
const ROWS: InsightRow[] = [
  { closedAt: at(2026, 3, 15, 12), result: 'won', confidence: 8 },
  { closedAt: at(2026, 3, 16, 9), result: 'lost', confidence: 6 },
  { closedAt: at(2026, 3, 4, 12), result: 'won', confidence: 5 },
  { closedAt: at(2026, 3, 5, 12), result: 'inconclusive', confidence: 3 },
  { closedAt: at(2025, 12, 1, 12), result: 'lost', confidence: 9 },
];

describe('insights series', () => {
  it('lists the last twelve ISO weeks, across a year boundary', () => {
    expect(lastWeeks(NOW, 'UTC')).toEqual(
      Array.from({ length: 12 }, (_, i) => `2026-W${String(i + 1).padStart(2, '0')}`),
    );
    const january = lastWeeks(at(2026, 1, 7, 12), 'UTC');
    expect(january[0]).toBe('2025-W43');
    expect(january.at(-1)).toBe('2026-W02');
    expect(january).toContain('2025-W52');
    expect(january).toContain('2026-W01');
  });

  it('counts, wins and Brier per week and cumulatively, in the workspace’s zone', () => {
    const series = weeklySeries(ROWS, { now: NOW, timeZone: 'Pacific/Auckland' });
    expect(series).toHaveLength(12);
    const table = series.map((w) => [w.week, w.closed, w.wins, w.winRate, w.brier, w.cumulativeBrier]);
    // Before the window only r5 is closed: cumulative 0.81. W10: r3, r4 → (0.25 + 0.09) / 2 = 0.17;
    // cumulative (0.81 + 0.25 + 0.09) / 3 = 0.383. W12: r1, r2 → (0.04 + 0.36) / 2 = 0.2; all five 1.55 / 5.
    const quiet = (week: string, cumulative: number) => [week, 0, 0, null, null, cumulative];
    expect(table).toEqual([
      ...Array.from({ length: 9 }, (_, i) => quiet(`2026-W0${i + 1}`, 0.81)),
      ['2026-W10', 2, 1, 0.5, 0.17, 0.383],
      quiet('2026-W11', 0.383),
      ['2026-W12', 2, 1, 0.5, 0.2, 0.31],
    ]);
    expect(series.map((w) => w.cumulativeClosed)).toEqual([1, 1, 1, 1, 1, 1, 1, 1, 1, 3, 3, 5]);
  });

  it('puts a close in the week of its local date: Sunday noon UTC is already Monday in Auckland', () => {
    const utc = weeklySeries(ROWS, { now: NOW, timeZone: 'UTC' });
    const w = (week: string) => utc.find((p) => p.week === week);
    expect([w('2026-W11')?.closed, w('2026-W11')?.winRate, w('2026-W11')?.brier]).toEqual([1, 1, 0.04]);
    expect([w('2026-W12')?.closed, w('2026-W12')?.winRate, w('2026-W12')?.brier]).toEqual([1, 0, 0.36]);
    const auckland = weeklySeries(ROWS, { now: NOW, timeZone: 'Pacific/Auckland' });
    expect(auckland.find((p) => p.week === '2026-W11')?.closed).toBe(0);
  });

  it('buckets stated Confidence against the win rate, over all history', () => {
    const all = insights(
      [
        ...ROWS,
        { closedAt: at(2026, 3, 17, 12), result: 'won', confidence: 7.6 },
        { closedAt: at(2026, 3, 17, 13), result: 'lost', confidence: 8.4 },
      ],
      { now: NOW, timeZone: 'UTC' },
    );
    expect(all.closed).toBe(7);
    expect(all.wins).toBe(3);
    // (0.04 + 0.36 + 0.25 + 0.09 + 0.81 + 0.0576 + 0.7056) / 7 = 2.3132 / 7 = 0.330
    expect(all.brier).toBe(0.33);
    expect(all.buckets.map((b) => [b.confidence, b.n, b.wins, b.winRate])).toEqual([
      [3, 1, 0, 0],
      [5, 1, 1, 1],
      [6, 1, 0, 0],
      [8, 3, 2, 0.667],
      [9, 1, 0, 0],
    ]);
  });
});

describe('insights page', () => {
  it('draws each chart as an SVG image with a title, and the same numbers in a table', async () => {
    const { app, db } = await testApp();
    const ws = await makeWorkspace(db, { slug: 'in' });
    const now = Date.now();
    const sure = await makeHypothesis(db, ws, { title: 'Sure win', confidence: 8 });
    const alsoSure = await makeHypothesis(db, ws, { title: 'Sure loss', confidence: 8 });
    const doubt = await makeHypothesis(db, ws, { title: 'Doubtful', confidence: 4 });
    await closeAs(db, ws, sure, { outcome: 'won' }, now);
    await closeAs(db, ws, alsoSure, { outcome: 'lost' }, now);
    await closeAs(db, ws, doubt, { outcome: 'won' }, now - 14 * DAY_MS);

    const res = await app.request('/w/in/insights');
    expect(res.status).toBe(200);
    const html = await res.text();
    const svgs = [...html.matchAll(/<svg[^>]*>/g)].map((m) => m[0]);
    expect(svgs).toHaveLength(4);
    for (const svg of svgs) {
      expect(svg).toContain('role="img"');
      expect(svg).toMatch(/viewBox="0 0 \d+ \d+"/);
      expect(svg).toMatch(/aria-labelledby="[\w-]+-title [\w-]+-desc"/);
    }
    for (const title of [
      'Brier score per week and cumulative',
      'Calibration: stated Confidence against the share that won',
      'Experiments closed per week',
      'Share of the week’s closes that won',
    ])
      expect(html).toContain(`-title">${title}</title>`);

    const thisWeek = isoWeek(now, 'UTC');
    const twoAgo = isoWeek(now - 14 * DAY_MS, 'UTC');
    const row = (id: string, label: string) => {
      const table = html.slice(
        html.indexOf(`id="${id}-table"`),
        html.indexOf('</table>', html.indexOf(`id="${id}-table"`)),
      );
      const tr = [...table.matchAll(/<tr>(.*?)<\/tr>/g)]
        .map((m) => [...(m[1] ?? '').matchAll(/<t[hd][^>]*>(.*?)<\/t[hd]>/g)].map((c) => c[1]))
        .find((cells) => cells[0] === label);
      return tr;
    };
    // This week: a win and a loss at Confidence 8 → ((0.8 − 1)² + 0.8²) / 2 = 0.34; two weeks ago a win at 4
    // → 0.36; cumulative this week (0.04 + 0.64 + 0.36) / 3 = 0.347.
    expect(row('brier', weekLabel(thisWeek))).toEqual([weekLabel(thisWeek), '2', '0.340', '0.347']);
    expect(row('brier', weekLabel(twoAgo))).toEqual([weekLabel(twoAgo), '1', '0.360', '0.360']);
    expect(row('velocity', weekLabel(thisWeek))).toEqual([weekLabel(thisWeek), '2']);
    expect(row('win-rate', weekLabel(thisWeek))).toEqual([weekLabel(thisWeek), '2', '1', '50%']);
    expect(row('win-rate', weekLabel(twoAgo))).toEqual([weekLabel(twoAgo), '1', '1', '100%']);
    // A quiet week in between: zero closed, no win rate.
    const between = weekLabel(isoWeek(now - 7 * DAY_MS, 'UTC'));
    expect(row('win-rate', between)).toEqual([between, '0', '0', '—']);
    expect(row('calibration', '4')).toEqual(['4', '1', '1', '100%', '40%']);
    expect(row('calibration', '8')).toEqual(['8', '2', '1', '50%', '80%']);
    // The charts carry the same figures: the velocity bars' labels and the calibration dots' n.
    expect(html).toContain('Confidence 8: 1 of 2 won.');
    expect(html).toMatch(/class="value"[^>]*>n=2</);
    expect(html.replace(/<[^>]+>/g, '')).toContain('3 experiments closed, 2 won.');
  });

  it('uses the workspace’s time zone for the weeks', async () => {
    const { app, db } = await testApp();
    const ws = await makeWorkspace(db, { slug: 'tz' });
    // No settings form sets the zone yet: set it as the migration's column allows.
    await db.client.execute({
      sql: 'update workspaces set time_zone = ? where id = ?',
      args: ['Pacific/Auckland', ws.id],
    });
    await closeAs(db, ws, await makeHypothesis(db, ws), { outcome: 'won' }, Date.now());
    const html = await (await app.request('/w/tz/insights')).text();
    expect(html).toContain('Weeks are ISO weeks in Pacific/Auckland');
    expect(html).toContain(weekLabel(isoWeek(Date.now(), 'Pacific/Auckland')));
  });

  it('teaches how the charts fill in before anything is closed', async () => {
    const { app, db } = await testApp();
    const ws = await makeWorkspace(db, { slug: 'empty' });
    await makeHypothesis(db, ws);
    const html = await (await app.request('/w/empty/insights')).text();
    expect(html).toContain('Nothing closed yet, so nothing to chart.');
    expect(html).not.toContain('<svg');
    expect(html).toContain('href="/w/empty/backlog?status=running"');
  });
});
