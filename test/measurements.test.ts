import { describe, expect, it } from 'vitest';
import type { Db } from '../db/client';
import { closeAs, makeHypothesis, makeInput, makeMember, makeWorkspace, measure } from '../db/factories';
import { measurements, type Workspace } from '../db/schema';
import { addWeeks } from '../src/batches/weeks';
import {
  deleteMeasurement,
  listMeasurements,
  parseValue,
  recordMeasurements,
} from '../src/measurements/measurements';
import { addPeriods, periodBounds, periodLabel, periodOf } from '../src/measurements/periods';
import { archiveMetric, getNorthStar, requireMetric } from '../src/metrics/metrics';
import { MetricEditPage, metricValues } from '../views/metrics/page';
import { appFor, as, form, htmx, signIn, testApp } from './helpers';

const values = async (db: Db, ws: Workspace, metricId: number) =>
  (await listMeasurements(db, ws, metricId)).map((r) => [r.period, r.value]);

/** The text of a page without tags, with entities people see as characters. */
const visible = (html: string) =>
  html
    .replace(/<[^>]+>/g, ' ')
    .replace(/&#39;/g, "'")
    .replace(/&quot;/g, '"')
    .replace(/&amp;/g, '&')
    .replace(/\s+/g, ' ');

async function setup() {
  const { app, db, me } = await testApp();
  const ws = await makeWorkspace(db, { slug: 'acme' });
  const m = await makeInput(db, ws, { name: 'Activation rate', unit: '%' });
  return { app, db, me, ws, m };
}

describe('measurements: recording', () => {
  it('upserts: the same values twice store one row each, a new value replaces, the current value follows the latest period', async () => {
    const { db, ws, m } = await setup();
    const items = [
      { period: '2026-W46', value: 0.41 },
      { period: '2026-W47', value: 0.43 },
    ];
    expect(await recordMeasurements(db, ws, [{ metric: m, items }], 'manual')).toEqual({
      inserted: 2,
      updated: 0,
      unchanged: 0,
    });
    expect(await recordMeasurements(db, ws, [{ metric: m, items }], 'manual')).toEqual({
      inserted: 0,
      updated: 0,
      unchanged: 2,
    });
    expect(await values(db, ws, m.id)).toEqual([
      ['2026-W46', 0.41],
      ['2026-W47', 0.43],
    ]);
    expect((await requireMetric(db, ws, m.id)).currentValue).toBe(0.43);

    const again = await recordMeasurements(
      db,
      ws,
      [{ metric: m, items: [{ period: '2026-W47', value: '0.45' }] }],
      'csv',
    );
    expect(again).toEqual({ inserted: 0, updated: 1, unchanged: 0 });
    expect(await values(db, ws, m.id)).toEqual([
      ['2026-W46', 0.41],
      ['2026-W47', 0.45],
    ]);
    expect((await requireMetric(db, ws, m.id)).currentValue).toBe(0.45);

    // Deleting the latest period: the current value falls back to the one before.
    await deleteMeasurement(db, ws, m, '2026-W47');
    expect((await requireMetric(db, ws, m.id)).currentValue).toBe(0.41);
    await expect(deleteMeasurement(db, ws, m, '2026-W47')).rejects.toThrow('has no value for 2026-W47');
  });

  it('writes nothing when one of several metrics has a bad value', async () => {
    const { db, ws, m } = await setup();
    const nsm = await getNorthStar(db, ws);
    if (!nsm) throw new Error('no North Star');
    const call = recordMeasurements(
      db,
      ws,
      [
        { metric: nsm, items: [{ period: '2026-W47', value: 120 }] },
        { metric: m, items: [{ period: '2026-W47', value: 'about half' }] },
      ],
      'manual',
    );
    await expect(call).rejects.toMatchObject({
      status: 422,
      fields: { 'groups.1.items.0.value': '“about half” is not a number.' },
    });
    expect(await db.orm.select().from(measurements)).toEqual([]);
  });
});

describe('measurements: values as typed', () => {
  it('reads numbers the way people type and paste them', () => {
    const ok: [unknown, number, boolean?][] = [
      ['0.43', 0.43],
      [' 12 ', 12],
      ['1,234.5', 1234.5],
      ['1 234', 1234],
      ['43%', 43],
      ['−3', -3], // the minus sign the pages print
      ['-0.5', -0.5],
      ['1e3', 1000],
      ['.5', 0.5],
      [7, 7],
      ['0,42', 0.42, true],
      ['1.234,5', 1234.5, true],
    ];
    for (const [raw, n, decimalComma] of ok) expect(parseValue(raw, { decimalComma }), String(raw)).toBe(n);
    const bad: [unknown, RegExp, boolean?][] = [
      ['n/a', /“n\/a” is not a number/],
      ['0,42', /not a number/], // a decimal comma only where the file said so
      ['1,23', /not a number/],
      ['', /missing/],
      [undefined, /missing/],
      ['1e400', /too large/],
      [Number.NaN, /finite/],
      ['12 apples', /not a number/],
    ];
    for (const [raw, message, decimalComma] of bad) {
      const r = parseValue(raw, { decimalComma });
      expect(typeof r === 'object' && r.error, String(raw)).toMatch(message);
    }
  });
});

describe('measurements: metric page', () => {
  it('shows the metric, its tile, chart, experiments and values newest first, with links', async () => {
    const { app, db, ws, m } = await setup();
    await measure(db, ws, m, { '2026-W45': 0.38, '2026-W46': 0.41, '2026-W47': 0.43 });
    const h = await makeHypothesis(db, ws, {
      metricId: m.id,
      title: 'Checklist on the empty board',
      expectedLift: 5,
    });
    await closeAs(db, ws, h, { outcome: 'won', baseline: 0.41, observed: 0.43 });

    const res = await app.request(`/w/acme/metrics/${m.id}`);
    expect(res.status).toBe(200);
    const html = await res.text();
    const text = visible(html);
    expect(html.startsWith('<!DOCTYPE html>')).toBe(true);
    expect(text).toContain('Activation rate');
    expect(text).toContain('Measured weekly');
    expect(html).toContain(`id="kpi-${m.id}"`);
    expect(html).toContain(`id="metric-chart-${m.id}"`);
    expect(text).toContain('Checklist on the empty board');
    expect(text).toContain('+4.9%'); // the observed lift: (0.43 − 0.41) / 0.41
    // Newest first, with source and a delete button per row.
    const w47 = text.indexOf('Week 47 · 16–22 Nov 2026 0.43 by hand');
    const w45 = text.indexOf('Week 45 · 2–8 Nov 2026 0.38 by hand');
    expect(w47).toBeGreaterThan(-1);
    expect(w45).toBeGreaterThan(w47);
    expect(html).toContain(`action="/w/acme/metrics/${m.id}/measurements/2026-W46/delete"`);
    // The form's period is the current one; links to the list, the edit page and the grid.
    expect(html).toContain(`value="${periodOf(Date.now(), 'week', 'UTC')}"`);
    expect(html).toContain('href="/w/acme/metrics"');
    expect(html).toContain(`href="/w/acme/metrics/${m.id}/edit"`);
    expect(html).toContain('href="/w/acme/measurements"');
    expect(text).not.toContain('Not saved');
  });

  it('teaches how to add the first value when there is none', async () => {
    const { app, db, ws } = await setup();
    const daily = await makeInput(db, ws, { name: 'Signups', cadence: 'day' });
    const html = await (await app.request(`/w/acme/metrics/${daily.id}`)).text();
    const text = visible(html);
    expect(text).toContain('No values yet.');
    expect(html).toContain('href="/w/acme/measurements"');
    expect(html).toContain('href="/w/acme/data"');
    expect(text).toContain(`http://localhost/api/v1/workspaces/acme/metrics/${daily.id}/measurements`);
    expect(text).toContain(`"period":"${periodOf(Date.now(), 'day', 'UTC')}"`);
    expect(text).toContain('Measured daily');
  });

  it('shows viewers the values without any control', async () => {
    const { db, ws, m } = await setup();
    await measure(db, ws, m, { '2026-W47': 0.43 });
    const viewer = as(appFor(db), await signIn(db, await makeMember(db, ws, 'viewer')));
    const res = await viewer.request(`/w/acme/metrics/${m.id}`);
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(visible(html)).toContain('0.43');
    expect(html).not.toContain('<input');
    expect(html).not.toContain('/delete"');
    expect(html).not.toContain('/edit"');
    expect(visible(html)).toContain('You are a viewer');
    const post = await viewer.request(
      `/w/acme/metrics/${m.id}/measurements`,
      form({ period: '2026-W48', value: 1 }),
    );
    expect(post.status).toBe(403);
  });

  it('answers 404 for another workspace’s metric, and leaves its values alone', async () => {
    const { app, db } = await setup();
    const other = await makeWorkspace(db, { slug: 'other' });
    const theirs = await measure(db, other, await makeInput(db, other, { name: 'Theirs' }), {
      '2026-W47': 5,
    });
    for (const path of [`/w/acme/metrics/${theirs.id}`, '/w/acme/metrics/999', '/w/acme/metrics/x1']) {
      const r = await app.request(path);
      expect(r.status, path).toBe(404);
      expect(await r.text()).toContain('Not found');
    }
    for (const path of [
      `/w/acme/metrics/${theirs.id}/measurements/2026-W47/delete`,
      `/w/acme/metrics/${theirs.id}/measurements`,
    ]) {
      const r = await app.request(path, form({ period: '2026-W47', value: '6' }));
      expect(r.status, path).toBe(404);
    }
    expect(await values(db, other, theirs.id)).toEqual([['2026-W47', 5]]);
  });

  it('saves a value (replacing the period) and redirects with a notice saying what it was', async () => {
    const { app, db, ws, m } = await setup();
    await measure(db, ws, m, { '2026-W47': 0.41 });
    let res = await app.request(
      `/w/acme/metrics/${m.id}/measurements`,
      form({ period: '2026-11-20', value: '0.43' }),
    );
    expect(res.status).toBe(303);
    const location = res.headers.get('location') ?? '';
    expect(location).toMatch(new RegExp(`^/w/acme/metrics/${m.id}\\?`));
    res = await app.request(location);
    expect(visible(await res.text())).toContain('Saved 0.43 for Week 47 · 16–22 Nov 2026 (was 0.41).');
    expect(await values(db, ws, m.id)).toEqual([['2026-W47', 0.43]]);

    // The same value again changes nothing and says so.
    res = await app.request(
      `/w/acme/metrics/${m.id}/measurements`,
      form({ period: '2026-W47', value: '0.43' }),
    );
    res = await app.request(res.headers.get('location') ?? '');
    expect(visible(await res.text())).toContain(
      'Week 47 · 16–22 Nov 2026 already had 0.43: nothing changed.',
    );

    // A new period has no "was".
    res = await app.request(
      `/w/acme/metrics/${m.id}/measurements`,
      form({ period: '2026-W48', value: '1,250' }),
    );
    res = await app.request(res.headers.get('location') ?? '');
    expect(visible(await res.text())).toContain('Saved 1,250 for Week 48 · 23–29 Nov 2026.');
    expect((await requireMetric(db, ws, m.id)).currentValue).toBe(1250);
  });

  it('refuses a bad period or value with 422, messages beside the fields, and saves nothing', async () => {
    const { app, db, ws, m } = await setup();
    const daily = await makeInput(db, ws, { name: 'Signups', cadence: 'day' });
    const cases: [number, Record<string, string>, string[]][] = [
      [m.id, { period: 'last week', value: '1' }, ['“last week” is not a period']],
      [m.id, { period: '2026-W47', value: 'n/a' }, ['“n/a” is not a number.']],
      [m.id, { period: '', value: '' }, ['The period is missing', 'The value is missing.']],
      [daily.id, { period: '2026-W47', value: '3' }, ['is a week, but this metric is measured daily']],
    ];
    for (const [id, body, messages] of cases) {
      const res = await app.request(`/w/acme/metrics/${id}/measurements`, form(body));
      expect(res.status, JSON.stringify(body)).toBe(422);
      const html = await res.text();
      for (const msg of messages) expect(visible(html), msg).toContain(msg);
      expect(html).toContain('aria-invalid="true"');
      // What was typed is kept.
      if (body.value) expect(html).toContain(`value="${body.value}"`);
    }
    expect(await db.orm.select().from(measurements)).toEqual([]);
  });

  it('answers htmx with the fragment: tile, chart and values, with the notice or the errors', async () => {
    const { app, db, ws, m } = await setup();
    await measure(db, ws, m, { '2026-W46': 0.41 });
    let res = await app.request(
      `/w/acme/metrics/${m.id}/measurements`,
      form({ period: '2026-W47', value: '0.43' }, htmx),
    );
    expect(res.status).toBe(200);
    let html = await res.text();
    expect(html.startsWith('<div id="metric-body"')).toBe(true);
    expect(html).not.toContain('<nav aria-label="Main">');
    expect(html).toContain(`id="kpi-${m.id}"`);
    expect(visible(html)).toContain('Saved 0.43 for Week 47 · 16–22 Nov 2026.');
    expect(visible(html)).toContain('Week 47 · 16–22 Nov 2026 0.43 by hand');

    res = await app.request(
      `/w/acme/metrics/${m.id}/measurements`,
      form({ period: '2026-W48', value: 'x' }, htmx),
    );
    expect(res.status).toBe(422);
    html = await res.text();
    expect(html.startsWith('<div id="metric-body"')).toBe(true);
    expect(visible(html)).toContain('“x” is not a number.');

    res = await app.request(`/w/acme/metrics/${m.id}/measurements/2026-W47/delete`, form({}, htmx));
    expect(res.status).toBe(200);
    expect(visible(await res.text())).toContain('Deleted the value for Week 47 · 16–22 Nov 2026 (was 0.43).');
  });

  it('deletes a value with a notice; the current value follows; an unknown period is a 404', async () => {
    const { app, db, ws, m } = await setup();
    await measure(db, ws, m, { '2026-W46': 0.41, '2026-W47': 0.43 });
    let res = await app.request(`/w/acme/metrics/${m.id}/measurements/2026-W47/delete`, form({}));
    expect(res.status).toBe(303);
    res = await app.request(res.headers.get('location') ?? '');
    expect(visible(await res.text())).toContain('Deleted the value for Week 47 · 16–22 Nov 2026 (was 0.43).');
    expect(await values(db, ws, m.id)).toEqual([['2026-W46', 0.41]]);
    expect((await requireMetric(db, ws, m.id)).currentValue).toBe(0.41);
    for (const period of ['2026-W47', '2026-W99', 'nonsense']) {
      res = await app.request(`/w/acme/metrics/${m.id}/measurements/${period}/delete`, form({}));
      expect(res.status, period).toBe(404);
    }
    expect(await values(db, ws, m.id)).toEqual([['2026-W46', 0.41]]);
  });

  it('puts the tile under a level-2 heading and moves focus to what a save or delete did', async () => {
    const { app, db, ws, m } = await setup();
    await measure(db, ws, m, { '2026-W46': 0.41, '2026-W47': 0.43 });
    const page = await (await app.request(`/w/acme/metrics/${m.id}`)).text();
    // h1 (the metric) → h2 (its tile, then "Over time"…): no level skipped for screen-reader navigation.
    expect(page).toContain(`<h2 class="kpi-name" id="kpi-${m.id}-name">`);
    expect(page).not.toContain('autofocus');

    // A refused value: focus on the field to fix (htmx focuses an autofocus element it swaps in).
    let html = await (
      await app.request(
        `/w/acme/metrics/${m.id}/measurements`,
        form({ period: '2026-W47', value: 'x' }, htmx),
      )
    ).text();
    expect(html.match(/autofocus/g)).toHaveLength(1);
    expect(html).toMatch(/<input id="f-value"[^>]*autofocus=""/);
    html = await (
      await app.request(`/w/acme/metrics/${m.id}/measurements`, form({ period: 'soon', value: 'x' }, htmx))
    ).text();
    expect(html.match(/autofocus/g)).toHaveLength(1);
    expect(html).toMatch(/<input id="f-period"[^>]*autofocus=""/);

    // A delete takes its row and button away: focus goes to the notice, with and without htmx.
    html = await (
      await app.request(`/w/acme/metrics/${m.id}/measurements/2026-W47/delete`, form({}, htmx))
    ).text();
    expect(html).toMatch(/<p class="alert ok" role="status" tabindex="-1" autofocus="">Deleted the value/);
    const res = await app.request(`/w/acme/metrics/${m.id}/measurements/2026-W46/delete`, form({}));
    html = await (await app.request(res.headers.get('location') ?? '')).text();
    expect(html).toMatch(/<p class="alert ok" role="status" tabindex="-1" autofocus="">Deleted the value/);
  });

  it('records each save in the trail: "Recorded 2 values of …"', async () => {
    const { app, db, ws, m } = await setup();
    await recordMeasurements(
      db,
      ws,
      [
        {
          metric: m,
          items: [
            { period: '2026-W46', value: 0.41 },
            { period: '2026-W47', value: 0.43 },
          ],
        },
      ],
      'api',
    );
    await app.request(`/w/acme/metrics/${m.id}/measurements/2026-W47/delete`, form({}));
    const text = visible(await (await app.request('/w/acme/activity')).text());
    expect(text).toContain('Recorded 2 values of Activation rate (2026-W46 to 2026-W47) through the API');
    expect(text).toContain('Deleted the value of Activation rate for 2026-W47 (was 0.43)');
  });
});

describe('measurements: quick grid', () => {
  async function gridSetup() {
    const s = await setup();
    const daily = await makeInput(s.db, s.ws, { name: 'Signups', unit: 'teams', cadence: 'day' });
    const nsm = await getNorthStar(s.db, s.ws);
    if (!nsm) throw new Error('no North Star');
    const week = periodOf(Date.now(), 'week', 'UTC');
    const today = periodOf(Date.now(), 'day', 'UTC');
    return { ...s, daily, nsm, week, today };
  }

  it('shows this period for every active metric, North Star first, prefilled, with the previous value', async () => {
    const { app, db, ws, m, daily, nsm, week, today } = await gridSetup();
    await measure(db, ws, nsm, { [addWeeks(week, -1)]: 118, [week]: 120 });
    await measure(db, ws, m, { [addWeeks(week, -1)]: 0.41 });
    await measure(db, ws, daily, { [addPeriods(today, 'day', -1)]: 7 });
    const res = await app.request('/w/acme/measurements');
    expect(res.status).toBe(200);
    const html = await res.text();
    const text = visible(html);
    expect(text).toContain(`Values for ${periodLabel(week, 'week')}`);
    expect(text.indexOf('Weekly active teams')).toBeLessThan(text.indexOf('Activation rate'));
    expect(text.indexOf('Activation rate')).toBeLessThan(text.indexOf('Signups'));
    expect(html).toMatch(new RegExp(`name="value_${nsm.id}"[^>]* value="120"`));
    expect(html).toMatch(new RegExp(`name="value_${m.id}"[^>]* value=""`));
    expect(html).toContain(`name="period_${daily.id}" value="${today}"`);
    expect(html).not.toContain('Nothing was saved');
    expect(text).toContain('118 teams');
    expect(text).toContain('0.41 %');
    expect(text).toContain('7 teams');
    expect(html).toContain(`href="/w/acme/measurements?week=${addWeeks(week, -1)}"`);
  });

  it('saves every filled value in one go (blank leaves a metric as it is) and says how many', async () => {
    const { app, db, ws, m, daily, nsm, week, today } = await gridSetup();
    await measure(db, ws, nsm, { [week]: 120 });
    let res = await app.request(
      '/w/acme/measurements',
      form({
        week,
        [`period_${nsm.id}`]: week,
        [`value_${nsm.id}`]: '120',
        [`period_${m.id}`]: week,
        [`value_${m.id}`]: '0.43',
        [`period_${daily.id}`]: today,
        [`value_${daily.id}`]: '',
      }),
    );
    expect(res.status).toBe(303);
    res = await app.request(res.headers.get('location') ?? '');
    expect(visible(await res.text())).toContain('Saved 1 value; 1 unchanged.');
    expect(await values(db, ws, m.id)).toEqual([[week, 0.43]]);
    expect(await values(db, ws, nsm.id)).toEqual([[week, 120]]);
    expect(await values(db, ws, daily.id)).toEqual([]);
  });

  it('switches to another week (daily metrics to its Sunday) and saves there', async () => {
    const { app, db, ws, m, daily, week } = await gridSetup();
    const earlier = addWeeks(week, -3);
    // The Sunday of that week: the day before the Monday of the week after.
    const sunday = addPeriods(
      new Date(periodBounds(addWeeks(earlier, 1), 'week').start).toISOString().slice(0, 10),
      'day',
      -1,
    );
    const res = await app.request(`/w/acme/measurements?week=${earlier}`);
    const html = await res.text();
    expect(visible(html)).toContain(`Values for ${periodLabel(earlier, 'week')}`);
    expect(html).toContain(`name="period_${m.id}" value="${earlier}"`);
    expect(html).toContain(`name="period_${daily.id}" value="${sunday}"`);
    expect(html).toContain(`href="/w/acme/measurements?week=${addWeeks(earlier, -1)}"`);
    expect(html).toContain(`href="/w/acme/measurements?week=${addWeeks(earlier, 1)}"`);
    // A date picks its week; the current week needs no parameter and offers no next week.
    const byDate = await app.request(`/w/acme/measurements?week=${sunday}`);
    expect(visible(await byDate.text())).toContain(`Values for ${periodLabel(earlier, 'week')}`);
    const current = await (await app.request('/w/acme/measurements')).text();
    expect(current).not.toContain(`?week=${addWeeks(week, 1)}`);
    const post = await app.request(
      '/w/acme/measurements',
      form({
        week: earlier,
        [`period_${m.id}`]: earlier,
        [`value_${m.id}`]: '0.4',
        [`period_${daily.id}`]: sunday,
        [`value_${daily.id}`]: '9',
      }),
    );
    expect(post.status).toBe(303);
    expect(post.headers.get('location')).toBe(`/w/acme/measurements?week=${earlier}&saved=2&same=0`);
    expect(await values(db, ws, daily.id)).toEqual([[sunday, 9]]);
    expect(await values(db, ws, m.id)).toEqual([[earlier, 0.4]]);
    const bad = await app.request('/w/acme/measurements?week=W46');
    expect(bad.status).toBe(422);
    expect(visible(await bad.text())).toContain('“W46” is not a period');
    // A week that has not begun has nothing to measure (and 9999-W52 once took a daily metric to a 500).
    for (const future of [addWeeks(week, 1), '9999-W52']) {
      const ahead = await app.request(`/w/acme/measurements?week=${future}`);
      expect(ahead.status, future).toBe(422);
      const text = visible(await ahead.text());
      expect(text).toContain(`${periodLabel(future, 'week')} has not begun yet`);
      expect(text).toContain(`Values for ${periodLabel(week, 'week')}`);
      const saved = await app.request(
        '/w/acme/measurements',
        form({ week: future, [`period_${m.id}`]: future, [`value_${m.id}`]: '0.5' }),
      );
      expect(saved.status, future).toBe(422);
    }
    expect(await values(db, ws, m.id)).toEqual([[earlier, 0.4]]);
  });

  it('refuses the whole form when one value is wrong, with the message beside it, and writes nothing', async () => {
    const { app, db, m, daily, nsm, week, today } = await gridSetup();
    const res = await app.request(
      '/w/acme/measurements',
      form({
        week,
        [`period_${nsm.id}`]: week,
        [`value_${nsm.id}`]: '121',
        [`period_${m.id}`]: week,
        [`value_${m.id}`]: 'forty',
        [`period_${daily.id}`]: today,
        [`value_${daily.id}`]: '12',
      }),
    );
    expect(res.status).toBe(422);
    const html = await res.text();
    expect(visible(html)).toContain('Nothing was saved');
    expect(html).toMatch(
      new RegExp(
        `id="f-value_${m.id}"[^>]*value="forty"[^>]*aria-invalid="true"[\\s\\S]*?“forty” is not a number.`,
      ),
    );
    // What was typed elsewhere is kept.
    expect(html).toContain(`value="121"`);
    expect(await db.orm.select().from(measurements)).toEqual([]);
  });

  it('tabs from value to value, and after a refusal focuses the first value to fix, naming its metric', async () => {
    const { app, db, ws, m, daily, nsm, week, today } = await gridSetup();
    const page = await (await app.request('/w/acme/measurements')).text();
    // The metric names between the inputs are not tab stops on the form (as in a spreadsheet)…
    for (const id of [nsm.id, m.id, daily.id])
      expect(page).toContain(`<a href="/w/acme/metrics/${id}" tabindex="-1">`);
    expect(page).not.toContain('autofocus');
    // …but they are for viewers, who have no inputs.
    const viewer = as(appFor(db), await signIn(db, await makeMember(db, ws, 'viewer')));
    const read = await (await viewer.request('/w/acme/measurements')).text();
    expect(read).toContain(`<a href="/w/acme/metrics/${m.id}">`);
    expect(read).not.toContain('tabindex');

    const res = await app.request(
      '/w/acme/measurements',
      form({
        week,
        [`period_${nsm.id}`]: week,
        [`value_${nsm.id}`]: '121',
        [`period_${m.id}`]: week,
        [`value_${m.id}`]: 'forty',
        [`period_${daily.id}`]: today,
        [`value_${daily.id}`]: '1,5',
      }),
    );
    expect(res.status).toBe(422);
    const html = await res.text();
    expect(html.match(/autofocus/g)).toHaveLength(1);
    expect(html).toMatch(new RegExp(`id="f-value_${m.id}"[^>]*autofocus=""`));
    // The summary above the table lists the problems without their rows: each names its metric.
    const text = visible(html);
    expect(text).toContain('Activation rate: “forty” is not a number.');
    expect(text).toContain('Signups: “1,5” is not a number: write decimals with a point (1.5).');
    expect(await db.orm.select().from(measurements)).toEqual([]);
  });

  it('refuses a value for a metric archived since the page was loaded, and writes nothing', async () => {
    const { app, db, ws, m, nsm, week } = await gridSetup();
    await archiveMetric(db, ws, m.id);
    const res = await app.request(
      '/w/acme/measurements',
      form({ week, [`period_${nsm.id}`]: week, [`value_${nsm.id}`]: '120', [`value_${m.id}`]: '0.43' }),
    );
    expect(res.status).toBe(422);
    expect(visible(await res.text())).toContain('no longer active');
    expect(await db.orm.select().from(measurements)).toEqual([]);
  });

  it('gives viewers a read-only table and editors nothing to save without metrics', async () => {
    const { db, ws, m, week } = await gridSetup();
    await measure(db, ws, m, { [week]: 0.43 });
    const viewer = as(appFor(db), await signIn(db, await makeMember(db, ws, 'viewer')));
    const res = await viewer.request('/w/acme/measurements');
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).not.toContain('<input');
    expect(visible(html)).toContain('0.43 %');
    expect((await viewer.request('/w/acme/measurements', form({ week }))).status).toBe(403);

    const { app: ownerApp, db: db2 } = await testApp();
    await makeWorkspace(db2, { slug: 'bare', northStar: false });
    const empty = visible(await (await ownerApp.request('/w/bare/measurements')).text());
    expect(empty).toContain('No metrics to measure yet.');
    expect(empty).toContain('Name the North Star');
  });
});

describe('measurements: metrics page', () => {
  it('links each metric to its page, shows the latest value, and adds a daily metric', async () => {
    const { app, db, ws, m } = await setup();
    await measure(db, ws, m, { '2026-W47': 0.43 });
    let html = await (await app.request('/w/acme/metrics')).text();
    expect(html).toContain(`href="/w/acme/metrics/${m.id}"`);
    expect(html).toContain('href="/w/acme/measurements"');
    expect(html).toContain('name="cadence"');
    expect(visible(html)).toContain('0.43 %');
    const res = await app.request(
      '/w/acme/metrics',
      form({ name: 'Daily signups', direction: 'up', cadence: 'day' }),
    );
    expect(res.status).toBe(303);
    html = await (await app.request('/w/acme/metrics')).text();
    const nsm = await getNorthStar(db, ws);
    expect(nsm?.cadence).toBe('week');
    const added = (
      await db.orm.query.metrics.findFirst({ where: (t, { eq }) => eq(t.name, 'Daily signups') })
    )?.cadence;
    expect(added).toBe('day');
  });

  it('keeps the cadence of a measured metric: the edit form disables it, and a change is refused', async () => {
    const { app, db, ws, m } = await setup();
    const measured = await measure(db, ws, m, { '2026-W47': 0.43 });
    const page = String(
      await MetricEditPage({
        ws,
        metric: measured,
        form: { values: metricValues(measured), errors: {} },
        measured: true,
      }).toString(),
    );
    expect(page).toMatch(/<select id="f-cadence" disabled/);
    expect(page).toContain('<input type="hidden" name="cadence" value="week"/>');
    expect(visible(page)).toContain('cannot change');
    expect(page).toMatch(/name="currentValue"[^>]*readonly/);
    const res = await app.request(
      `/w/acme/metrics/${m.id}`,
      form({ ...metricValues(measured), cadence: 'day' }),
    );
    expect(res.status).toBe(422);
    expect(visible(await res.text())).toContain('its cadence cannot change');
    expect((await requireMetric(db, ws, m.id)).cadence).toBe('week');
  });
});
