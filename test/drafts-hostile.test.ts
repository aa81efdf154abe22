import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { closeAs, makeHypothesis, makeInput, makeLearning, makeWorkspace } from '../db/factories';
import { hypotheses, metrics } from '../db/schema';
import { draftNow } from '../src/drafts/drafts';
import { twinOf } from '../src/drafts/similarity';
import type { Drafter } from '../src/drafts/types';
import { fixedDrafter, gatedDrafter, proposal, settled } from './drafts-kit';
import { appFor, as, form, freshDb, json, person } from './helpers';

// What a careless or hostile drafter (a model, usually) can hand in, and what the team must never see: markup
// run as code, another workspace's data, a wall of problems, drafts for a metric archived meanwhile.

async function setup(make: (metricId: number, foreignLearningId: number) => Drafter) {
  const db = await freshDb();
  const me = await person(db, { name: 'Test Owner' });
  const ws = await makeWorkspace(db, { slug: 'acme', ownerId: me.user.id });
  const metric = await makeInput(db, ws, { name: 'Activation rate' });
  const other = await makeWorkspace(db, { slug: 'other', ownerId: me.user.id });
  const otherMetric = await makeInput(db, other, { name: 'Their metric' });
  const foreign = await makeLearning(db, other, { metricId: otherMetric.id });
  const raw = appFor(db, { drafter: make(metric.id, foreign.id) });
  return { app: as(raw, me), db, ws, metric, otherMetric };
}

const runIdOf = (res: Response) =>
  Number(/\/drafts\/runs\/(\d+)$/.exec(res.headers.get('location') ?? '')?.[1]);
const XSS = '<script>alert(1)</script><img src=x onerror=alert(2)>';

describe('drafts from a hostile drafter', () => {
  it('escapes markup everywhere it shows, and drops another workspace’s learnings from provenance', async () => {
    const { app, db, ws, metric } = await setup((m, foreign) =>
      fixedDrafter(
        [
          proposal(m, {
            title: `Checklist ${XSS}`,
            change: XSS,
            rationale: XSS,
            reasons: { impact: XSS, confidence: XSS, ease: XSS },
            learningIds: [foreign],
            rule: XSS,
          }),
        ],
        [XSS],
      ),
    );
    const id = runIdOf(
      await app.request('/w/acme/drafts', form({ metricId: String(metric.id), count: '1' })),
    );
    expect((await settled(db, ws, id)).status).toBe('done');
    const [row] = await db.orm.select().from(hypotheses).where(eq(hypotheses.workspaceId, ws.id));
    expect(row?.draftLearningIds).toEqual([]);
    expect(row?.sourceLearningId).toBeNull();
    for (const path of [
      `/w/acme/drafts/runs/${id}`,
      '/w/acme/drafts',
      `/w/acme/hypotheses/${row?.id}`,
      '/w/acme/activity',
      '/w/acme/meeting',
    ]) {
      const res = await app.request(path);
      expect(res.status, path).toBe(200);
      const html = await res.text();
      expect(html, path).not.toContain('<script>alert');
      expect(html, path).not.toContain('<img src=x');
    }
    expect(await (await app.request(`/w/acme/drafts/runs/${id}`)).text()).toContain('&lt;script&gt;alert(1)');
  });

  it('sums up the drafts beyond the count in one sentence, and never ends a reason with two full stops', async () => {
    const { app, db, ws, metric } = await setup((m) =>
      fixedDrafter([
        proposal(m, { title: 'x'.repeat(500) }),
        ...Array.from({ length: 100 }, () => proposal(m)),
      ]),
    );
    const id = runIdOf(
      await app.request('/w/acme/drafts', form({ metricId: String(metric.id), count: '10' })),
    );
    const run = await settled(db, ws, id);
    expect(run.status).toBe('done');
    expect(run.createdIds).toHaveLength(10);
    expect(run.problems).toEqual([
      expect.stringMatching(/^Draft 1 \(“x+…”\) was dropped: title: Title must be at most 140 characters\.$/),
      '90 more drafts were left out: 10 drafts were asked for.',
    ]);
  });

  it('refuses another workspace’s metric with 422 on the page and the API, starting nothing', async () => {
    const { app, otherMetric } = await setup(() => fixedDrafter([]));
    expect((await app.request('/w/acme/drafts', form({ metricId: String(otherMetric.id) }))).status).toBe(
      422,
    );
    const api = await app.request(
      '/api/v1/workspaces/acme/drafts',
      json('POST', { metricId: otherMetric.id }),
    );
    expect(api.status).toBe(422);
    expect(await api.json()).toMatchObject({
      error: { code: 'invalid', fields: { metricId: expect.any(String) } },
    });
  });

  it('stores nothing for a metric archived while the drafter worked, and says so', async () => {
    let gate: ReturnType<typeof gatedDrafter> | undefined;
    const { app, db, ws, metric } = await setup((m) => {
      gate = gatedDrafter([proposal(m)]);
      return gate.drafter;
    });
    const id = runIdOf(
      await app.request('/w/acme/drafts', form({ metricId: String(metric.id), count: '1' })),
    );
    await gate?.begun;
    await db.write((tx) =>
      tx.update(metrics).set({ archivedAt: Date.now() }).where(eq(metrics.id, metric.id)),
    );
    gate?.release();
    const run = await settled(db, ws, id);
    expect(run.status).toBe('failed');
    expect(run.message).toContain('Activation rate is archived');
    expect(await db.orm.select().from(hypotheses).where(eq(hypotheses.workspaceId, ws.id))).toEqual([]);
    const page = await app.request(`/w/acme/drafts/runs/${id}`);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('Nothing was stored.');
  });

  it('drops the drafts of an input archived mid-run when drafting for every input, keeping the others', async () => {
    const db = await freshDb();
    const ws = await makeWorkspace(db, { slug: 'acme' });
    const a = await makeInput(db, ws, { name: 'Activation rate' });
    const b = await makeInput(db, ws, { name: 'Invite conversion' });
    const drafter: Drafter = {
      kind: 'playbook',
      source: 'playbook',
      draft: async () => {
        await db.write((tx) =>
          tx.update(metrics).set({ archivedAt: Date.now() }).where(eq(metrics.id, b.id)),
        );
        return {
          proposals: [proposal(a.id), proposal(b.id, { title: 'Invite reminder' })],
          problems: [],
          source: 'playbook',
        };
      },
    };
    const out = await draftNow(db, ws, { count: 5 }, drafter, null);
    expect(out.items.map((i) => i.metricId)).toEqual([a.id]);
    expect(out.problems).toEqual([
      'Draft 2 (“Invite reminder”) was dropped: Invite conversion was archived while the drafts were being written.',
    ]);
  });
});

describe('look-alikes of templated drafts', () => {
  it('does not call two follow-ups of different wins twins because they share a template', () => {
    const template = (x: string) =>
      `take the change that won in “${x}” further: adapt it for teams of ten or more, where more people and more content are involved`;
    const first = {
      id: 1,
      title: 'Board preview for invitees, for larger teams',
      change: template('Board preview for invitees'),
    };
    const second = {
      title: 'Inviter’s name in the invite subject line, for larger teams',
      change: template('Inviter’s name in the invite subject line'),
    };
    expect(twinOf(second, [first])).toBeUndefined();
  });

  it('does not flag a follow-up as a look-alike of the experiment it builds on', async () => {
    const db = await freshDb();
    const ws = await makeWorkspace(db, { slug: 'acme' });
    const m = await makeInput(db, ws, { name: 'Activation rate' });
    const source = await makeHypothesis(db, ws, {
      metricId: m.id,
      title: 'Checklist on the empty board',
      change: 'show a checklist on the empty board',
    });
    await closeAs(db, ws, source, { outcome: 'won' });
    const followUp = (title: string, experimentIds: number[]) =>
      fixedDrafter([
        proposal(m.id, { title, change: 'show a checklist on the empty board on mobile', experimentIds }),
      ]);
    // Naming nothing, it is a look-alike of the experiment; naming it as its source, it is a follow-up.
    const blind = await draftNow(
      db,
      ws,
      { count: 1 },
      followUp('Checklist on the empty board, on mobile', []),
      null,
    );
    expect(blind.items[0]?.duplicateOfId).toBe(source.id);
    const named = await draftNow(
      db,
      ws,
      { count: 1 },
      followUp('Checklist on the empty board, on phones', [source.id]),
      null,
    );
    expect(named.items[0]?.draftExperimentIds).toEqual([source.id]);
    // Its only other look-alike is the earlier draft, never its source.
    expect(named.items[0]?.duplicateOfId).toBe(blind.items[0]?.id);
  });
});
