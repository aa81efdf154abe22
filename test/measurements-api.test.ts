import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { makeInput, makeMember, makeWorkspace, measure } from '../db/factories';
import { measurements } from '../db/schema';
import { listMeasurements } from '../src/measurements/measurements';
import { requireMetric } from '../src/metrics/metrics';
import { appFor, as, freshDb, json, signIn } from './helpers';

async function setup() {
  const db = await freshDb();
  const ws = await makeWorkspace(db, { slug: 'acme' });
  const weekly = await makeInput(db, ws, { name: 'Activation rate', unit: '%' });
  const daily = await makeInput(db, ws, { name: 'Signups', unit: 'teams', cadence: 'day' });
  const editor = await signIn(db, await makeMember(db, ws, 'editor', { name: 'Eddie Editor' }));
  const api = as(appFor(db), editor);
  const url = (id: number) => `/api/v1/workspaces/acme/metrics/${id}/measurements`;
  return { db, ws, weekly, daily, editor, api, url };
}

type ErrorBody = { error: { code: string; message: string; fields?: Record<string, string> } };

describe('measurements API', () => {
  it('records one value, replaces it with a new one, and a repeat of the same call writes nothing', async () => {
    const { db, ws, weekly, api, url } = await setup();
    let res = await api.request(url(weekly.id), json('POST', { period: '2026-W47', value: 0.41 }));
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ metricId: weekly.id, inserted: 1, updated: 0, unchanged: 0 });

    res = await api.request(url(weekly.id), json('POST', { period: '2026-W47', value: 0.41 }));
    expect(await res.json()).toEqual({ metricId: weekly.id, inserted: 0, updated: 0, unchanged: 1 });

    // A date of the week is the same week: the value is replaced, not duplicated.
    res = await api.request(url(weekly.id), json('POST', { period: '2026-11-18', value: 0.43 }));
    expect(await res.json()).toEqual({ metricId: weekly.id, inserted: 0, updated: 1, unchanged: 0 });

    const rows = await listMeasurements(db, ws, weekly.id);
    expect(rows.map((r) => [r.period, r.value, r.source])).toEqual([['2026-W47', 0.43, 'api']]);
    expect((await requireMetric(db, ws, weekly.id)).currentValue).toBe(0.43);
  });

  it('records a list in one call, idempotently, and the current value follows the latest period', async () => {
    const { db, ws, daily, api, url } = await setup();
    const items = [
      { period: '2026-11-21', value: 12 },
      { period: '2026-11-22', value: '1,204' },
      { period: '2026-11-20', value: 9 },
    ];
    let res = await api.request(url(daily.id), json('POST', { items }));
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ metricId: daily.id, inserted: 3, updated: 0, unchanged: 0 });
    res = await api.request(url(daily.id), json('POST', { items }));
    expect(await res.json()).toEqual({ metricId: daily.id, inserted: 0, updated: 0, unchanged: 3 });
    expect((await listMeasurements(db, ws, daily.id)).map((r) => r.value)).toEqual([9, 12, 1204]);
    // An older period changes history, not the current value.
    res = await api.request(url(daily.id), json('POST', { items: [{ period: '2026-11-01', value: 1 }] }));
    expect(await res.json()).toMatchObject({ inserted: 1 });
    expect((await requireMetric(db, ws, daily.id)).currentValue).toBe(1204);
  });

  it('refuses the whole call when one item is wrong, with a message per item, and writes nothing', async () => {
    const { db, weekly, api, url } = await setup();
    const res = await api.request(
      url(weekly.id),
      json('POST', {
        items: [
          { period: '2026-W45', value: 1 },
          { period: '2026-W46', value: 'n/a' },
          { period: '2026-W47', value: 3 },
        ],
      }),
    );
    expect(res.status).toBe(422);
    const body = (await res.json()) as ErrorBody;
    expect(body.error.code).toBe('invalid');
    expect(body.error.fields).toEqual({ 'items.1.value': '“n/a” is not a number.' });
    expect(await db.orm.select().from(measurements)).toEqual([]);
  });

  it('reports every kind of bad input on the field it concerns', async () => {
    const { db, weekly, daily, api, url } = await setup();
    const cases: [number, unknown, Record<string, string | RegExp>][] = [
      [weekly.id, { period: '2026-47', value: 1 }, { period: /not a period.*2026-W47/ }],
      [weekly.id, { period: '2026-W54', value: 1 }, { period: /not a week of 2026/ }],
      [
        daily.id,
        { period: '2026-W47', value: 1 },
        { period: /is a week, but this metric is measured daily/ },
      ],
      [daily.id, { period: '2026-02-30', value: 1 }, { period: /not a date/ }],
      [weekly.id, { period: '2026-W47', value: 'lots' }, { value: /not a number/ }],
      [weekly.id, { period: '2026-W47', value: true }, { value: /must be a number/ }],
      [weekly.id, { period: '2026-W47', value: null }, { value: /missing/ }],
      [weekly.id, { items: [{ period: '2026-W47', value: [1] }] }, { 'items.0.value': /must be a number/ }],
      [weekly.id, { period: '2026-W47' }, { value: /missing/ }],
      [weekly.id, { value: 1 }, { period: /missing/ }],
      [weekly.id, { period: 47, value: 1 }, { period: /must be a string/ }],
      [weekly.id, {}, { period: /missing/, value: /missing/ }],
      [weekly.id, { items: [] }, { items: /empty/ }],
      [weekly.id, { items: 'all of them' }, { items: /must be a list/ }],
      [weekly.id, { items: [1] }, { 'items.0': /object/ }],
      [weekly.id, { items: [{ value: 1 }] }, { 'items.0.period': /missing/ }],
      [
        weekly.id,
        { items: [{ period: '2026-W47', value: 1 }], period: '2026-W47', value: 1 },
        { items: /not both/ },
      ],
      [
        weekly.id,
        // The same week twice, once spelt as a date: which value is meant?
        {
          items: [
            { period: '2026-W47', value: 1 },
            { period: '2026-11-20', value: 2 },
          ],
        },
        { 'items.1.period': /2026-W47 is given twice.*also item 1/ },
      ],
      [
        weekly.id,
        { items: Array.from({ length: 1001 }, (_, i) => ({ period: `2026-W${(i % 52) + 1}`, value: i })) },
        { items: /At most 1000 values at once \(1001 given\)/ },
      ],
    ];
    for (const [id, body, fields] of cases) {
      const res = await api.request(url(id), json('POST', body));
      const label = JSON.stringify(body).slice(0, 80);
      expect(res.status, label).toBe(422);
      const got = ((await res.json()) as ErrorBody).error.fields ?? {};
      expect(Object.keys(got).sort(), label).toEqual(Object.keys(fields).sort());
      for (const [k, pattern] of Object.entries(fields)) expect(got[k], `${label} ${k}`).toMatch(pattern);
    }
    expect(await db.orm.select().from(measurements)).toEqual([]);
  });

  it('takes exactly 1000 values in one call', async () => {
    const { db, daily, api, url } = await setup();
    const start = Date.UTC(2023, 0, 1);
    const items = Array.from({ length: 1000 }, (_, i) => ({
      period: new Date(start + i * 86_400_000).toISOString().slice(0, 10),
      value: i,
    }));
    const res = await api.request(url(daily.id), json('POST', { items }));
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ inserted: 1000 });
    expect(await db.orm.select().from(measurements).where(eq(measurements.metricId, daily.id))).toHaveLength(
      1000,
    );
  });

  it('answers bad JSON with 400, an unknown or another workspace’s metric with 404, and writes nothing', async () => {
    const { db, weekly, api, url } = await setup();
    let res = await api.request(url(weekly.id), {
      method: 'POST',
      body: '{"period": "2026-W47", ',
      headers: { 'Content-Type': 'application/json' },
    });
    expect(res.status).toBe(400);
    expect(((await res.json()) as ErrorBody).error.code).toBe('bad_json');
    res = await api.request(url(weekly.id), {
      method: 'POST',
      body: 'period=2026-W47&value=1',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    });
    expect(res.status).toBe(400);
    res = await api.request(url(weekly.id), json('POST', [{ period: '2026-W47', value: 1 }]));
    expect(res.status).toBe(400);

    const other = await makeWorkspace(db, { slug: 'other' });
    const theirs = await makeInput(db, other, { name: 'Their metric' });
    for (const path of [url(999), url(theirs.id), '/api/v1/workspaces/acme/metrics/abc/measurements']) {
      res = await api.request(path, json('POST', { period: '2026-W47', value: 1 }));
      expect(res.status, path).toBe(404);
      expect(((await res.json()) as ErrorBody).error.code).toBe('not_found');
      expect((await api.request(path)).status, path).toBe(404);
    }
    expect(await db.orm.select().from(measurements)).toEqual([]);
  });

  it('lists values oldest first, from/to in the metric’s cadence, and refuses a bad range with 422', async () => {
    const { db, ws, weekly, daily, api, url } = await setup();
    await measure(db, ws, weekly, { '2026-W47': 0.43, '2026-W45': 0.4, '2026-W46': 0.41 });
    await measure(db, ws, daily, { '2026-11-20': 5, '2026-11-21': 6 }, 'api');

    let res = await api.request(url(weekly.id));
    expect(res.status).toBe(200);
    const body = (await res.json()) as { metric: unknown; items: { period: string; value: number }[] };
    expect(body.metric).toEqual({
      id: weekly.id,
      name: 'Activation rate',
      cadence: 'week',
      unit: '%',
      direction: 'up',
    });
    expect(body.items.map((i) => [i.period, i.value])).toEqual([
      ['2026-W45', 0.4],
      ['2026-W46', 0.41],
      ['2026-W47', 0.43],
    ]);
    expect(body.items[0]).toEqual({
      period: '2026-W45',
      value: 0.4,
      source: 'manual',
      updatedAt: expect.any(Number),
    });

    const periods = async (path: string) =>
      ((await (await api.request(path)).json()) as { items: { period: string }[] }).items.map(
        (i) => i.period,
      );
    expect(await periods(`${url(weekly.id)}?from=2026-W46`)).toEqual(['2026-W46', '2026-W47']);
    expect(await periods(`${url(weekly.id)}?to=2026-W46`)).toEqual(['2026-W45', '2026-W46']);
    // A date picks its week.
    expect(await periods(`${url(weekly.id)}?from=2026-11-12&to=2026-11-12`)).toEqual(['2026-W46']);
    expect(await periods(`${url(daily.id)}?from=2026-11-21`)).toEqual(['2026-11-21']);

    for (const [path, fields] of [
      [`${url(weekly.id)}?from=last-week`, ['from']],
      [`${url(daily.id)}?to=2026-W47`, ['to']],
      [`${url(weekly.id)}?from=2026-W47&to=2026-W45`, ['to']],
      [`${url(weekly.id)}?from=x&to=y`, ['from', 'to']],
    ] as const) {
      res = await api.request(path);
      expect(res.status, path).toBe(422);
      expect(Object.keys(((await res.json()) as ErrorBody).error.fields ?? {}), path).toEqual(fields);
    }
  });

  it('lets viewers read values but not push them, and needs a token', async () => {
    const { db, ws, weekly, url } = await setup();
    await measure(db, ws, weekly, { '2026-W47': 0.43 });
    const viewer = as(appFor(db), await signIn(db, await makeMember(db, ws, 'viewer')));
    expect((await viewer.request(url(weekly.id))).status).toBe(200);
    const res = await viewer.request(url(weekly.id), json('POST', { period: '2026-W47', value: 1 }));
    expect(res.status).toBe(403);
    const anonymous = as(appFor(db), 'anonymous');
    expect((await anonymous.request(url(weekly.id))).status).toBe(401);
    expect(
      (await anonymous.request(url(weekly.id), json('POST', { period: '2026-W47', value: 1 }))).status,
    ).toBe(401);
    expect((await listMeasurements(db, ws, weekly.id)).map((r) => r.value)).toEqual([0.43]);
  });
});
