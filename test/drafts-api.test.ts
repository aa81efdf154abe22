import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { makeHypothesis, makeInput, makeMember, makeWorkspace } from '../db/factories';
import { draftRuns, hypotheses, metrics } from '../db/schema';
import type { Drafter } from '../src/drafts/types';
import { fixedDrafter, proposal } from './drafts-kit';
import { appFor, as, freshDb, json, person, signIn } from './helpers';

async function setup(drafter: (metricId: number) => Drafter) {
  const db = await freshDb();
  const me = await person(db);
  const ws = await makeWorkspace(db, { slug: 'acme', ownerId: me.user.id });
  const metric = await makeInput(db, ws, { name: 'Activation rate' });
  const raw = appFor(db, { drafter: drafter(metric.id) });
  return { api: as(raw, me), raw, db, ws, metric };
}

const URL = '/api/v1/workspaces/acme/drafts';

describe('drafts API', () => {
  it('drafts to the end and answers 201 with the stored items, their provenance, source and problems', async () => {
    const { api, db, ws, metric } = await setup((id) =>
      fixedDrafter(
        [proposal(id, { title: 'Stored one', rule: 'llama3' }), proposal(id, { ease: 0 })],
        ['One answer was cut short.'],
        'model',
        'llama3',
      ),
    );
    const twin = await makeHypothesis(db, ws, {
      metricId: metric.id,
      title: 'Checklist on the empty boards',
      change: 'show a three-step checklist on empty board variant',
    });
    const res = await api.request(URL, json('POST', { metricId: metric.id, count: 3 }));
    expect(res.status).toBe(201);
    const body = await res.json();
    expect(body.source).toBe('llama3');
    expect(body.items).toHaveLength(1);
    const [item] = body.items;
    expect(item).toMatchObject({
      title: 'Stored one',
      status: 'draft',
      draftSource: 'model',
      draftRule: 'llama3',
      tags: ['onboarding'],
      scoreReasons: { ease: 'A front-end change only.' },
      draftLearningIds: [],
      draftExperimentIds: [],
    });
    expect(item.twin?.id).toBe(twin.id);
    expect(item.duplicateOfId).toBe(twin.id);
    expect(body.problems[0]).toBe('One answer was cut short.');
    expect(body.problems[1]).toMatch(/^Draft 2 .* was dropped: ease/);
    const run = await api.request(`/api/v1/workspaces/acme/drafts/runs/${body.runId}`);
    expect(run.status).toBe(200);
    expect(await run.json()).toMatchObject({ status: 'done', createdIds: [item.id], source: 'llama3' });
  });

  it('answers 502 drafter_failed with the problems when nothing survives, storing nothing', async () => {
    const { api, db, ws } = await setup(() =>
      fixedDrafter([], ['The model did not answer within 60 seconds.'], 'model', 'llama3'),
    );
    const res = await api.request(URL, json('POST', {}));
    expect(res.status).toBe(502);
    const body = await res.json();
    expect(body.error.code).toBe('drafter_failed');
    expect(body.error.message).toContain('Nothing was stored.');
    expect(body.error.problems).toEqual(['The model did not answer within 60 seconds.']);
    expect(await db.orm.select().from(hypotheses).where(eq(hypotheses.workspaceId, ws.id))).toHaveLength(0);
    const [run] = await db.orm.select().from(draftRuns);
    expect(run?.status).toBe('failed');
  });

  it('answers 400 for bad JSON and 422 for a bad count or metric', async () => {
    const { api, db } = await setup((id) => fixedDrafter([proposal(id)]));
    const bad = await api.request(URL, {
      method: 'POST',
      body: '{nope',
      headers: { 'Content-Type': 'application/json' },
    });
    expect(bad.status).toBe(400);
    expect((await bad.json()).error.code).toBe('bad_json');
    const count = await api.request(URL, json('POST', { count: 0 }));
    expect(count.status).toBe(422);
    expect((await count.json()).error.fields.count).toBe('Ask for 1 to 10 drafts.');
    const unknown = await api.request(URL, json('POST', { metricId: 9999 }));
    expect(unknown.status).toBe(422);
    expect((await unknown.json()).error.fields.metricId).toContain('input metrics');
    const [nsm] = await db.orm.select().from(metrics).where(eq(metrics.kind, 'north_star'));
    const north = await api.request(URL, json('POST', { metricId: nsm?.id }));
    expect(north.status).toBe(422);
    expect(await db.orm.select().from(draftRuns)).toHaveLength(0);
  });

  it('refuses viewers (403) and is a 404 for an unknown run', async () => {
    const { raw, db, ws, api } = await setup((id) => fixedDrafter([proposal(id)]));
    const viewer = await signIn(db, await makeMember(db, ws, 'viewer'));
    const res = await as(raw, viewer).request(URL, json('POST', {}));
    expect(res.status).toBe(403);
    expect((await api.request('/api/v1/workspaces/acme/drafts/runs/77')).status).toBe(404);
  });
});
