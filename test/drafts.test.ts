import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import type { Db } from '../db/client';
import { closeAs, makeHypothesis, makeInput, makeMember, makeWorkspace } from '../db/factories';
import { auditEvents, draftRuns, hypotheses, type Workspace } from '../db/schema';
import type { Drafter } from '../src/drafts/types';
import { requireHypothesis } from '../src/hypotheses/hypotheses';
import { fixedDrafter, gatedDrafter, proposal, settled } from './drafts-kit';
import { appFor, as, type Client, form, freshDb, htmx, person, signIn } from './helpers';

async function setup(drafter: Drafter | ((metricId: number) => Drafter)) {
  const db = await freshDb();
  const me = await person(db, { name: 'Test Owner' });
  const ws = await makeWorkspace(db, { slug: 'acme', ownerId: me.user.id });
  const metric = await makeInput(db, ws, { name: 'Activation rate' });
  const d = typeof drafter === 'function' ? drafter(metric.id) : drafter;
  const raw = appFor(db, { drafter: d });
  return { app: as(raw, me), raw, db, ws, metric, me, drafter: d };
}

const runIdOf = (res: Response) => {
  const m = /\/drafts\/runs\/(\d+)$/.exec(res.headers.get('location') ?? '');
  if (!m) throw new Error(`no run in ${res.headers.get('location')}`);
  return Number(m[1]);
};

const count = async (db: Db, ws: Workspace) =>
  (await db.orm.select().from(hypotheses).where(eq(hypotheses.workspaceId, ws.id))).length;

describe('drafts page', () => {
  it('offers the form with every input metric, the count and the configured drafter', async () => {
    const { app } = await setup(fixedDrafter([], [], 'model', 'llama3'));
    const res = await app.request('/w/acme/drafts');
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toContain('Draft hypotheses');
    expect(html).toContain('Every input metric');
    expect(html).toContain('Activation rate');
    expect(html).toContain('model llama3');
    expect(html).toContain('No drafts waiting.');
  });

  it('names the built-in playbook when no model is configured', async () => {
    const db = await freshDb();
    const me = await person(db);
    const ws = await makeWorkspace(db, { slug: 'plain', ownerId: me.user.id });
    await makeInput(db, ws);
    const html = await (await as(appFor(db), me).request('/w/plain/drafts')).text();
    expect(html).toContain('the built-in playbook');
  });

  it('refuses a bad count or metric with 422, messages beside the fields, and starts nothing', async () => {
    const { app, db, ws } = await setup(fixedDrafter([]));
    const nsm = (await db.orm.select().from(draftRuns)).length;
    const bad = await app.request('/w/acme/drafts', form({ metricId: '', count: '11' }));
    expect(bad.status).toBe(422);
    const html = await bad.text();
    expect(html).toContain('Ask for 1 to 10 drafts.');
    expect(html).toContain('f-count-error');
    const unknown = await app.request('/w/acme/drafts', form({ metricId: '9999', count: '3' }));
    expect(unknown.status).toBe(422);
    expect(await unknown.text()).toContain('Choose one of this workspace’s input metrics.');
    const north = (await db.orm.select().from(hypotheses)).length;
    expect(north).toBe(0);
    expect((await db.orm.select().from(draftRuns)).length).toBe(nsm);
    expect(await count(db, ws)).toBe(0);
  });

  it('refuses the North Star as a target (422)', async () => {
    const { app, db, ws } = await setup(fixedDrafter([]));
    const [nsm] = await db.orm.select().from((await import('../db/schema')).metrics);
    const res = await app.request('/w/acme/drafts', form({ metricId: String(nsm?.id), count: '2' }));
    expect(res.status).toBe(422);
    expect(await res.text()).toContain('the North Star moves through its inputs');
    expect(await count(db, ws)).toBe(0);
  });
});

describe('drafting run', () => {
  it('shows progress while the drafter works, then the drafts with every field, reasons and source', async () => {
    let gated!: ReturnType<typeof gatedDrafter>;
    const { app, db, ws, metric } = await setup((id) => {
      gated = gatedDrafter([
        proposal(id, { title: 'Checklist on empty boards', owner: 'Ana', tags: ['onboarding', 'web'] }),
      ]);
      return gated.drafter;
    });
    const res = await app.request('/w/acme/drafts', form({ metricId: String(metric.id), count: '3' }));
    expect(res.status).toBe(303);
    const id = runIdOf(res);

    const running = await app.request(`/w/acme/drafts/runs/${id}`);
    const page = await running.text();
    expect(page).toContain('Drafting…');
    expect(page).toContain('Asking slow-model…');
    expect(page).toContain('hx-trigger="every 1s"');
    expect(page).toContain('<noscript><meta http-equiv="refresh" content="2"></noscript>');
    const fragment = await (await app.request(`/w/acme/drafts/runs/${id}`, { headers: htmx })).text();
    expect(fragment).not.toContain('<html');
    expect(fragment).toContain('hx-trigger="every 1s"');

    gated.release();
    await settled(db, ws, id);
    const done = await (await app.request(`/w/acme/drafts/runs/${id}`, { headers: htmx })).text();
    expect(done).not.toContain('every 1s');
    expect(done).toContain('1 draft ready for triage.');
    expect(done).toContain('Checklist on empty boards');
    expect(done).toContain('show a three-step checklist');
    expect(done).toContain('Ana');
    expect(done).toContain('web');
    expect(done).toContain('Activation drives weekly active teams directly.');
    expect(done).toContain('A front-end change only.');
    expect(done).toContain('model slow-model');
    expect(done).toContain('Accept to backlog');
    const full = await (await app.request(`/w/acme/drafts/runs/${id}`)).text();
    expect(full).not.toContain('http-equiv="refresh"');
  });

  it('never blocks other requests while the drafter is still working', async () => {
    let gated!: ReturnType<typeof gatedDrafter>;
    const { app, db, ws } = await setup((id) => {
      gated = gatedDrafter([proposal(id)]);
      return gated.drafter;
    });
    const res = await app.request('/w/acme/drafts', form({ count: '1' }));
    expect(res.status).toBe(303);
    await gated.begun;
    // The drafter is still waiting: other pages answer meanwhile.
    expect((await app.request('/w/acme/backlog')).status).toBe(200);
    const run = await app.request(`/w/acme/drafts/runs/${runIdOf(res)}`);
    expect(await run.text()).toContain('Drafting…');
    expect((await runRow(db, runIdOf(res))).status).toBe('running');
    gated.release();
    expect((await settled(db, ws, runIdOf(res))).status).toBe('done');
  });

  it('links the learnings and experiments a draft builds on', async () => {
    const db = await freshDb();
    const me = await person(db);
    const ws = await makeWorkspace(db, { slug: 'acme', ownerId: me.user.id });
    const metric = await makeInput(db, ws, { name: 'Activation rate' });
    const won = await makeHypothesis(db, ws, { metricId: metric.id, title: 'Templates gallery' });
    const closed = await closeAs(db, ws, won, { outcome: 'won' });
    const learningId = closed.learnings[0]?.id ?? 0;
    const app = as(
      appFor(db, {
        drafter: fixedDrafter([
          proposal(metric.id, {
            learningIds: [learningId],
            experimentIds: [won.id],
            title: 'Extend templates',
          }),
        ]),
      }),
      me,
    );
    const id = runIdOf(await app.request('/w/acme/drafts', form({ count: '1' })));
    await settled(db, ws, id);
    const html = await (await app.request(`/w/acme/drafts/runs/${id}`)).text();
    expect(html).toContain(`href="/w/acme/hypotheses/${won.id}"`);
    expect(html).toContain('Templates gallery');
    expect(html).toContain(`href="/w/acme/learnings#l-${learningId}"`);
    expect(html).toContain('Extend templates');
  });

  it('shows the problems of the drafts that were dropped', async () => {
    const { app, db, ws } = await setup((id) =>
      fixedDrafter([proposal(id, { title: 'Kept one' }), proposal(id, { impact: 42 })]),
    );
    const id = runIdOf(await app.request('/w/acme/drafts', form({ count: '5' })));
    await settled(db, ws, id);
    const html = await (await app.request(`/w/acme/drafts/runs/${id}`)).text();
    expect(html).toContain('1 draft was dropped or left out:');
    expect(html).toContain('Draft 2');
    expect(html).toContain('Kept one');
  });

  it('stores nothing when no proposal survives, and says why', async () => {
    const { app, db, ws } = await setup(
      fixedDrafter([{ title: 'broken' }], ['The model answered with something that is not JSON.'], 'model'),
    );
    const before = await count(db, ws);
    const events = (await db.orm.select().from(auditEvents)).length;
    const id = runIdOf(await app.request('/w/acme/drafts', form({ count: '3' })));
    const run = await settled(db, ws, id);
    expect(run.status).toBe('failed');
    expect(await count(db, ws)).toBe(before);
    expect((await db.orm.select().from(auditEvents)).length).toBe(events);
    const html = await (await app.request(`/w/acme/drafts/runs/${id}`)).text();
    expect(html).toContain('Drafting failed.');
    expect(html).toContain('Nothing was stored.');
    expect(html).toContain('The model answered with something that is not JSON.');
    expect(html).toContain('Draft 1 (“broken”) was dropped');
  });

  it('is a 404 for an unknown run or one of another workspace', async () => {
    const { app, db } = await setup(fixedDrafter([]));
    expect((await app.request('/w/acme/drafts/runs/999')).status).toBe(404);
    const other = await makeWorkspace(db, { slug: 'other' });
    const [run] = await db.orm
      .insert(draftRuns)
      .values({
        workspaceId: other.id,
        count: 1,
        drafter: 'playbook',
        source: 'playbook',
        problems: [],
        createdIds: [],
        createdAt: 1,
      })
      .returning();
    expect((await app.request(`/w/acme/drafts/runs/${run?.id}`)).status).toBe(404);
  });
});

const runRow = (db: Db, id: number) =>
  db.orm
    .select()
    .from(draftRuns)
    .where(eq(draftRuns.id, id))
    .then(([r]) => r ?? { status: 'missing' });

/** A run that stored a look-alike of `twin`, and the draft it stored. */
async function draftedTwin(app: Client, db: Db, ws: Workspace) {
  const id = runIdOf(await app.request('/w/acme/drafts', form({ count: '1' })));
  await settled(db, ws, id);
  const [draft] = await db.orm.select().from(hypotheses).where(eq(hypotheses.draftRunId, id));
  if (!draft) throw new Error('no draft stored');
  return { runId: id, draft };
}

describe('look-alikes and merge', () => {
  const twinProposal = (metricId: number) =>
    proposal(metricId, {
      title: 'Onboarding checklists for the new teams',
      change: 'show an onboarding checklist to new teams on their first board',
      tags: ['checklist', 'onboarding'],
      rule: 'extend-win',
    });

  async function withTwin() {
    const t = await setup((id) => fixedDrafter([twinProposal(id)]));
    const twin = await makeHypothesis(t.db, t.ws, {
      metricId: t.metric.id,
      title: 'Onboarding checklist for new teams',
      change: 'show an onboarding checklist to new teams on their first board',
      rationale: 'teams stall without a next step',
      tags: ['activation'],
    });
    const { runId, draft } = await draftedTwin(t.app, t.db, t.ws);
    return { ...t, twin, runId, draft };
  }

  it('flags a draft that looks like an existing hypothesis, with a link to it', async () => {
    const { app, twin, runId, draft } = await withTwin();
    expect(draft.duplicateOfId).toBe(twin.id);
    const html = await (await app.request(`/w/acme/drafts/runs/${runId}`)).text();
    expect(html).toContain(`Looks like <a href="/w/acme/hypotheses/${twin.id}">#${twin.id}</a>`);
    expect(html).toContain(`Merge into #${twin.id}`);
    const list = await (await app.request('/w/acme/drafts')).text();
    expect(list).toContain(`Merge into #${twin.id}`);
  });

  it('merges: the twin gains the idea and tags, its trail says so, the draft is rejected as merged', async () => {
    const { app, db, ws, twin, runId, draft } = await withTwin();
    const res = await app.request(
      `/w/acme/drafts/${draft.id}/merge`,
      form({ version: String(draft.version), back: `/w/acme/drafts/runs/${runId}` }),
    );
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe(`/w/acme/drafts/runs/${runId}?done=merged&into=${twin.id}`);
    const after = await requireHypothesis(db, ws, twin.id);
    expect(after.rationale).toBe(
      `teams stall without a next step.\n\nAlso proposed by the playbook rule “extend a win to another segment or surface” (draft #${draft.id}): show an onboarding checklist to new teams on their first board`,
    );
    expect(after.tags).toEqual(['activation', 'checklist', 'onboarding']);
    expect(after.version).toBe(twin.version + 1);
    const merged = await requireHypothesis(db, ws, draft.id);
    expect(merged.status).toBe('rejected');
    const trail = await db.orm.select().from(auditEvents).where(eq(auditEvents.entityId, twin.id));
    const update = trail.find((e) => e.action === 'update');
    expect(update?.after).toMatchObject({
      mergedFrom: draft.id,
      tags: ['activation', 'checklist', 'onboarding'],
    });
    const draftTrail = await db.orm.select().from(auditEvents).where(eq(auditEvents.entityId, draft.id));
    expect(draftTrail.find((e) => e.action === 'transition')?.after).toEqual({
      status: 'rejected',
      mergedInto: twin.id,
    });
    const page = await (await app.request(`/w/acme/drafts/runs/${runId}?done=merged&into=${twin.id}`)).text();
    expect(page).toContain(`Draft merged into #${twin.id}`);
  });

  it('refuses to merge twice, into a closed twin, or without a twin (409), changing nothing', async () => {
    const { app, db, ws, twin, draft } = await withTwin();
    await app.request(`/w/acme/drafts/${draft.id}/merge`, form({ version: String(draft.version) }));
    const again = await app.request(`/w/acme/drafts/${draft.id}/merge`, form({}));
    expect(again.status).toBe(409);
    expect(await again.text()).toContain('is no longer a draft (it is rejected)');

    const second = await withTwin();
    await closeAs(second.db, second.ws, second.twin, { outcome: 'lost' });
    const closed = await second.app.request(`/w/acme/drafts/${second.draft.id}/merge`, form({}));
    expect(closed.status).toBe(409);
    expect(await closed.text()).toContain(`#${second.twin.id} is closed`);
    expect((await requireHypothesis(second.db, second.ws, second.draft.id)).status).toBe('draft');

    const plain = await makeHypothesis(db, ws, { status: 'draft' });
    const none = await app.request(`/w/acme/drafts/${plain.id}/merge`, form({}));
    expect(none.status).toBe(409);
    expect(await none.text()).toContain('was not flagged as a look-alike');
    expect((await requireHypothesis(db, ws, twin.id)).version).toBe(twin.version + 1);
  });

  it('refuses a stale version (409) and shows where the draft stands', async () => {
    const { app, db, ws, draft } = await withTwin();
    const res = await app.request(
      `/w/acme/drafts/${draft.id}/merge`,
      form({ version: String(draft.version + 5) }),
    );
    expect(res.status).toBe(409);
    expect(await res.text()).toContain('Someone else changed this draft');
    expect((await requireHypothesis(db, ws, draft.id)).status).toBe('draft');
  });

  it('is a 404 for an unknown draft', async () => {
    const { app } = await withTwin();
    expect((await app.request('/w/acme/drafts/99999/merge', form({}))).status).toBe(404);
  });
});

describe('triage on the drafts pages', () => {
  it('accepts into the backlog and drops, back to the page it came from', async () => {
    const { app, db, ws } = await setup((id) =>
      fixedDrafter([proposal(id, { title: 'Keep me' }), proposal(id, { title: 'Drop me' })]),
    );
    const runId = runIdOf(await app.request('/w/acme/drafts', form({ count: '2' })));
    await settled(db, ws, runId);
    const rows = await db.orm.select().from(hypotheses).where(eq(hypotheses.draftRunId, runId));
    const keep = rows.find((r) => r.title === 'Keep me');
    const drop = rows.find((r) => r.title === 'Drop me');
    const accepted = await app.request(
      `/w/acme/drafts/${keep?.id}/triage`,
      form({ to: 'backlog', version: String(keep?.version), back: `/w/acme/drafts/runs/${runId}` }),
    );
    expect(accepted.status).toBe(303);
    expect(accepted.headers.get('location')).toBe(`/w/acme/drafts/runs/${runId}?done=accepted`);
    const dropped = await app.request(
      `/w/acme/drafts/${drop?.id}/triage`,
      form({ to: 'rejected', version: String(drop?.version), back: 'https://evil.example/' }),
    );
    expect(dropped.headers.get('location')).toBe('/w/acme/drafts?done=dropped');
    expect((await requireHypothesis(db, ws, keep?.id ?? 0)).status).toBe('backlog');
    expect((await requireHypothesis(db, ws, drop?.id ?? 0)).status).toBe('rejected');
    // Accepted drafts keep their provenance.
    expect((await requireHypothesis(db, ws, keep?.id ?? 0)).draftRule).toBe('tactic:activation/empty-state');
    const again = await app.request(`/w/acme/drafts/${keep?.id}/triage`, form({ to: 'rejected' }));
    expect(again.status).toBe(409);
    expect(await again.text()).toContain('is no longer a draft');
  });

  it('lets viewers read drafts and runs but shows them no forms, and refuses their posts (403)', async () => {
    const db = await freshDb();
    const owner = await person(db);
    const ws = await makeWorkspace(db, { slug: 'acme', ownerId: owner.user.id });
    const metric = await makeInput(db, ws);
    const app = appFor(db, { drafter: fixedDrafter([proposal(metric.id)]) });
    const runId = runIdOf(await as(app, owner).request('/w/acme/drafts', form({ count: '1' })));
    await settled(db, ws, runId);
    const viewer = await signIn(db, await makeMember(db, ws, 'viewer'));
    const v = as(app, viewer);
    const page = await (await v.request('/w/acme/drafts')).text();
    expect(page).toContain('Checklist on the empty board');
    expect(page).not.toContain('<form method="post" action="/w/acme/drafts"');
    expect(page).not.toContain('Accept to backlog');
    const run = await (await v.request(`/w/acme/drafts/runs/${runId}`)).text();
    expect(run).not.toContain('Accept to backlog');
    expect(run).not.toContain('/merge');
    expect((await v.request('/w/acme/drafts', form({ count: '1' }))).status).toBe(403);
    const [draft] = await db.orm.select().from(hypotheses).where(eq(hypotheses.draftRunId, runId));
    expect((await v.request(`/w/acme/drafts/${draft?.id}/merge`, form({}))).status).toBe(403);
    expect((await v.request(`/w/acme/drafts/${draft?.id}/triage`, form({ to: 'backlog' }))).status).toBe(403);
  });
});
