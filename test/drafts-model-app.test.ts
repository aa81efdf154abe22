import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Db } from '../db/client';
import { makeHypothesis, makeInput, makeWorkspace } from '../db/factories';
import { hypotheses } from '../db/schema';
import { DONE as MEETING_DONE } from '../src/meeting/answer';
import { appFor, as, type Client, form, freshDb, person } from './helpers';
import { type OpenAiStub, startOpenAiStub } from './openai-stub';

// The model drafter through the whole app, as a team uses it: the Drafts form starts a run against a local
// OpenAI-compatible server (test/openai-stub.ts), the run page follows it to the end and says what happened.

let stub: OpenAiStub;
beforeAll(async () => {
  stub = await startOpenAiStub();
});
afterAll(() => stub.close());
beforeEach(() => {
  stub.requests.length = 0;
});

async function setup() {
  const db = await freshDb();
  const me = await person(db, { name: 'Test Owner' });
  const ws = await makeWorkspace(db, { slug: 'acme', ownerId: me.user.id });
  const metric = await makeInput(db, ws, { name: 'Activation rate' });
  const raw = appFor(db, { llm: { baseUrl: stub.baseUrl, model: 'stub-model', timeoutMs: 1000 } });
  return { app: as(raw, me), db, ws, metric };
}

const draft = (metricId: number, over: Record<string, unknown> = {}) => ({
  title: 'Checklist for invited members',
  change: 'show the setup checklist to invited members too',
  outcome: 'rise as invited members reach their first shared board sooner',
  expectedLift: 4,
  rationale: 'the checklist won for creators',
  metricId,
  tags: ['onboarding'],
  impact: 6,
  confidence: 6,
  ease: 7,
  reasons: {
    impact: 'Invited members are half of sign-ups.',
    confidence: 'It won once.',
    ease: 'Reuses it.',
  },
  estimatedDays: 2,
  learningIds: [],
  experimentIds: [],
  rule: 'stub-model',
  ...over,
});

/** Starts a run from the Drafts form and follows its page, as the browser does, until the run is over. */
async function draftAndFollow(app: Client, metricId: number) {
  const res = await app.request('/w/acme/drafts', form({ metricId: String(metricId), count: '3' }));
  expect(res.status).toBe(303);
  const url = res.headers.get('location') ?? '';
  expect(url).toMatch(/^\/w\/acme\/drafts\/runs\/\d+$/);
  for (let i = 0; i < 400; i++) {
    const page = await app.request(url);
    expect(page.status).toBe(200);
    const html = await page.text();
    if (!html.includes('Drafting…')) return { url, html };
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`${url} never finished`);
}

const storedDrafts = (db: Db) => db.orm.select().from(hypotheses).where(eq(hypotheses.status, 'draft'));

describe('drafting with a model, through the app', () => {
  it('follows a run to done: the page names the model, shows the drafts and why the others were dropped', async () => {
    const { app, db, metric } = await setup();
    stub.reply({
      drafts: [
        draft(metric.id),
        draft(metric.id, { title: 'Bold impact', impact: 42 }),
        draft(metric.id, { title: 'Somewhere else', metricId: 99999 }),
      ],
    });
    const { html } = await draftAndFollow(app, metric.id);
    expect(stub.requests).toHaveLength(1);
    expect(html).toContain('3 drafts asked of model stub-model for Activation rate.');
    expect(html).toContain('1 draft ready for triage.');
    expect(html).toContain('Checklist for invited members');
    expect(html).toContain('Drafted by <strong>model stub-model</strong>');
    expect(html).toContain('2 drafts were dropped or left out:');
    expect(html).toContain(
      'Draft 2 (“Bold impact”) was dropped: impact: Impact must be a whole number from 1 to 10.',
    );
    expect(html).toContain(
      'Draft 3 (“Somewhere else”) was dropped: it targets a metric this request was not about',
    );
    const stored = await storedDrafts(db);
    expect(stored.map((h) => [h.title, h.draftSource, h.draftRule])).toEqual([
      ['Checklist for invited members', 'model', 'stub-model'],
    ]);

    // The Drafts page names the model as the drafter; the hypothesis page keeps the provenance.
    const page = await (await app.request('/w/acme/drafts')).text();
    expect(page).toContain('Drafted by <strong>model stub-model</strong>, from this workspace’s learnings');
    const h = await (await app.request(`/w/acme/hypotheses/${stored[0]?.id}`)).text();
    expect(h).toContain('Drafted by <strong>model stub-model</strong>');
    expect(h).toContain('Invited members are half of sign-ups.');
  });

  it('a failing model: the run fails, nothing is stored, and the page says why once', async () => {
    const { app, db, metric } = await setup();
    stub.reply({ status: 500, body: { error: { message: 'upstream exploded' } } });
    const { html } = await draftAndFollow(app, metric.id);
    expect(stub.requests).toHaveLength(2);
    expect(html).toContain('Drafting failed.');
    expect(html).toContain('answered 500 (“upstream exploded”) (tried twice). Nothing was stored.');
    // The message already quotes the problem: not listed a second time underneath.
    expect(html.split('upstream exploded').length - 1).toBe(1);
    expect(html).not.toContain('1 problem');
    expect(await storedDrafts(db)).toEqual([]);
  });

  it('merging a look-alike from the meeting page lands back on its drafts section with a notice', async () => {
    const { app, db, ws, metric } = await setup();
    const twin = await makeHypothesis(db, ws, {
      metricId: metric.id,
      title: 'Checklist for invited team members',
      change: 'show the setup checklist to invited members too',
      rationale: 'the checklist won for creators',
    });
    stub.reply({ drafts: [draft(metric.id)] });
    await draftAndFollow(app, metric.id);
    const [d] = await storedDrafts(db);
    expect(d?.duplicateOfId).toBe(twin.id);
    const meeting = await (await app.request('/w/acme/meeting')).text();
    expect(meeting).toContain(`Merge into #${twin.id}`);

    const res = await app.request(
      `/w/acme/drafts/${d?.id}/merge`,
      form({ version: String(d?.version), back: '/w/acme/meeting' }),
    );
    expect(res.status).toBe(303);
    const location = res.headers.get('location') ?? '';
    const done = /^\/w\/acme\/meeting\?done=(\w+)#m-drafts$/.exec(location)?.[1];
    expect(done && MEETING_DONE[done]).toBeTruthy();
    const back = await (await app.request(location.replace(/#.*$/, ''))).text();
    expect(back).toContain(MEETING_DONE[done ?? ''] ?? 'never');
    const after = await db.orm.select().from(hypotheses).where(eq(hypotheses.id, twin.id));
    expect(after[0]?.rationale).toContain(
      'the checklist won for creators.\n\nAlso proposed by model stub-model',
    );
  });
});
