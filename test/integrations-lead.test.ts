import { describe, expect, it } from 'vitest';
import { makeInput, makeWorkspace, measure } from '../db/factories';
import { workspaceTrail } from '../src/audit/audit';
import { describeEvent } from '../src/audit/describe';
import { listMeasurements } from '../src/measurements/measurements';
import { requireMetric, updateMetric } from '../src/metrics/metrics';
import { createShareLink } from '../src/share/links';
import { testApp } from './helpers';

// The seams between issue 5's features and what was there before: import notices, the trail's words for
// imported rows, files bigger than one API call, and metric edits that must not undo measurements.

const pasted = (text: string) => {
  const body = new FormData();
  body.append('text', text);
  return { method: 'POST', body, headers: { Origin: 'http://localhost' } };
};

async function setup() {
  const t = await testApp();
  const ws = await makeWorkspace(t.db, { slug: 'acme' });
  const activation = await makeInput(t.db, ws, { name: 'Activation rate' });
  return { ...t, ws, activation };
}

describe('issue 5 seams', () => {
  it('a committed hypotheses import lands on the backlog with a notice, and the trail says where they came from', async () => {
    const { app, db, ws } = await setup();
    const csv =
      'Idea,Metric,Impact,Confidence,Ease\nChecklist,Activation rate,7,6,8\nTour,Activation rate,5,5,5\n';
    const res = await app.request('/w/acme/import/hypotheses', pasted(csv));
    expect(res.status).toBe(303);
    const backlog = await app.request(res.headers.get('location') ?? '');
    expect(await backlog.text()).toContain('Imported 2 hypotheses.');
    // A count that is not a plain number is never echoed.
    const forged = await app.request('/w/acme/backlog?done=imported&count=%3Cb%3E');
    expect(await forged.text()).not.toContain('Imported');
    const trail = await workspaceTrail(db, ws.id, { entity: 'hypothesis', limit: 10 });
    const sentences = trail.events.map((e) => describeEvent(e).summary);
    expect(sentences.filter((s) => s.startsWith('Imported from a CSV file in Backlog'))).toHaveLength(2);
  });

  it('a measurements file may carry more values than one API call (1,200 here), all or nothing', async () => {
    const { app, db, ws, activation } = await setup();
    const daily = await makeInput(db, ws, { name: 'Signups', cadence: 'day' });
    const lines = ['Metric,Period,Value'];
    const start = Date.UTC(2023, 0, 1);
    for (let i = 0; i < 1200; i++)
      lines.push(`Signups,${new Date(start + i * 86_400_000).toISOString().slice(0, 10)},${i}`);
    const res = await app.request('/w/acme/import/measurements', pasted(`${lines.join('\n')}\n`));
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toContain('count=1200');
    expect(await (await app.request(res.headers.get('location') ?? '')).text()).toContain(
      'Imported 1200 values.',
    );
    expect(await listMeasurements(db, ws, daily.id)).toHaveLength(1200);
    expect(await listMeasurements(db, ws, activation.id)).toHaveLength(0);
  });

  it('editing a measured metric without a cadence keeps it, and a stale current value does not overwrite the latest period', async () => {
    const { db, ws } = await setup();
    const daily = await measure(db, ws, await makeInput(db, ws, { name: 'Signups', cadence: 'day' }), {
      '2026-11-20': 40,
      '2026-11-21': 42,
    });
    const { name, description, unit, direction, owner, version } = daily;
    const saved = await updateMetric(db, ws, daily.id, {
      name,
      description,
      unit,
      direction,
      owner,
      version,
      currentValue: 7,
      target: 50,
    });
    expect(saved.cadence).toBe('day');
    expect(saved.currentValue).toBe(42);
    expect(saved.target).toBe(50);
    await expect(
      updateMetric(db, ws, daily.id, {
        name,
        description,
        unit,
        direction,
        owner,
        cadence: 'week',
        version: saved.version,
      }),
    ).rejects.toMatchObject({ fields: { cadence: expect.stringContaining('cannot change') } });
    expect((await requireMetric(db, ws, daily.id)).cadence).toBe('day');
  });
});

describe('issue 5 edges', () => {
  it('refuses a period that has not begun (a year off), everywhere values come in, and explains a decimal comma', async () => {
    const { app, db, ws, activation, me } = await setup();
    const token = me.token;
    const res = await app.request(`/api/v1/workspaces/acme/metrics/${activation.id}/measurements`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({
        items: [
          { period: '2027-W47', value: 1 },
          { period: '2026-W46', value: '1,5' },
        ],
      }),
    });
    expect(res.status).toBe(422);
    const body = (await res.json()) as { error: { fields: Record<string, string> } };
    expect(body.error.fields['items.0.period']).toMatch(/has not begun yet: check the year/);
    expect(body.error.fields['items.1.value']).toMatch(/write decimals with a point \(1\.5\)/);
    expect(await listMeasurements(db, ws, activation.id)).toHaveLength(0);
    // Next week's values are accepted a day early (pipelines ahead of UTC), and this week's of course.
    const now = Date.UTC(2026, 10, 22, 12);
    await expect(measure(db, ws, activation, { '2026-W47': 1 }, 'api', now)).resolves.toBeDefined();
    await expect(measure(db, ws, activation, { '2026-W48': 2 }, 'api', now)).resolves.toBeDefined();
    await expect(measure(db, ws, activation, { '2026-W49': 3 }, 'api', now)).rejects.toMatchObject({
      fields: { 'items.0.period': expect.stringContaining('2026-W47') },
    });
  });

  it('a share link pasted with a trailing slash opens the digest, not the sign-in page', async () => {
    const { app, db, ws } = await setup();
    const { token } = await createShareLink(db, ws.id, { label: 'Execs', createdBy: null });
    const res = await app.request(`/share/${token}/?week=2026-W46`, { headers: { cookie: '' } });
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe(`/share/${token}?week=2026-W46`);
  });
});
