import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Db } from '../db/client';
import { closeAs, makeHypothesis, makeInput, makeWorkspace } from '../db/factories';
import { draftRuns, hypotheses, type Metric, type Workspace } from '../db/schema';
import { draftNow } from '../src/drafts/drafts';
import { modelDrafter } from '../src/drafts/model';
import { freshDb } from './helpers';
import { deadBaseUrl, type OpenAiStub, startOpenAiStub } from './openai-stub';

// The model drafter against a local OpenAI-compatible server (test/openai-stub.ts), through the real pipeline.

let stub: OpenAiStub;
beforeAll(async () => {
  stub = await startOpenAiStub();
});
afterAll(() => stub.close());
beforeEach(() => {
  stub.requests.length = 0;
});

const KEY = 'sk-test-secret-1234';
const drafter = (over: { timeoutMs?: number; apiKey?: string; baseUrl?: string } = {}) =>
  modelDrafter({ baseUrl: stub.baseUrl, model: 'stub-model', timeoutMs: 2000, apiKey: KEY, ...over });

type World = { db: Db; ws: Workspace; activation: Metric; learningId: number; experimentId: number };

async function world(): Promise<World> {
  const db = await freshDb();
  const ws = await makeWorkspace(db, { northStar: { name: 'Weekly active teams' } });
  const activation = await makeInput(db, ws, {
    name: 'Activation rate',
    description: 'New teams that share a board in week one.',
  });
  const won = await makeHypothesis(db, ws, {
    metricId: activation.id,
    title: 'Checklist on the first board',
  });
  const closed = await closeAs(db, ws, won, {
    outcome: 'won',
    learnings: [{ statement: 'A visible next step doubles first-week sharing' }],
  });
  await makeHypothesis(db, ws, { metricId: activation.id, title: 'Invite teammates from the empty state' });
  const learningId = closed.learnings[0]?.id;
  if (!learningId) throw new Error('closeAs made no learning');
  return { db, ws, activation, learningId, experimentId: closed.id };
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
    impact: 'Invited members are half of new users.',
    confidence: 'It won once.',
    ease: 'Reuses the component.',
  },
  estimatedDays: 2,
  learningIds: [],
  experimentIds: [],
  rule: 'extend-win',
  ...over,
});

async function rows(w: World) {
  return w.db.orm.select().from(hypotheses).where(eq(hypotheses.workspaceId, w.ws.id));
}
async function drafts(w: World) {
  return w.db.orm
    .select()
    .from(hypotheses)
    .where(and(eq(hypotheses.workspaceId, w.ws.id), eq(hypotheses.status, 'draft')));
}

describe('model drafter', () => {
  it('stores a valid answer as drafts with the model as source and each draft’s provenance', async () => {
    const w = await world();
    stub.reply({
      drafts: [
        draft(w.activation.id, { learningIds: [w.learningId, 9999], experimentIds: [w.experimentId] }),
        draft(w.activation.id, {
          title: 'Weekly digest of unfinished boards',
          rule: 'tactic:activation/digest',
        }),
      ],
    });
    const out = await draftNow(w.db, w.ws, { count: 2 }, drafter(), null);
    expect(out.source).toBe('stub-model');
    expect(out.problems).toEqual([]);
    expect(out.run.status).toBe('done');
    expect(out.run.source).toBe('stub-model');
    const stored = await drafts(w);
    expect(stored.map((h) => h.title).sort()).toEqual([
      'Checklist for invited members',
      'Weekly digest of unfinished boards',
    ]);
    for (const h of stored) {
      expect(h.draftSource).toBe('model');
      expect(h.draftRunId).toBe(out.run.id);
    }
    const first = stored.find((h) => h.title === 'Checklist for invited members');
    // A model's drafts are credited to the model (its own labels are free text: see src/drafts/drafts.ts).
    expect(stored.map((h) => h.draftRule)).toEqual(['stub-model', 'stub-model']);
    // Unknown ids are filtered by the pipeline; known ones are kept as provenance.
    expect(first?.draftLearningIds).toEqual([w.learningId]);
    expect(first?.draftExperimentIds).toEqual([w.experimentId]);
    expect(first?.scoreReasons?.impact).toBe('Invited members are half of new users.');
    expect(stub.requests).toHaveLength(1);
  });

  it('keeps the valid drafts of a partly invalid answer and reports each dropped one', async () => {
    const w = await world();
    const { title: _, ...untitled } = draft(w.activation.id, { change: 'a different change entirely' });
    stub.reply({
      drafts: [
        draft(w.activation.id),
        draft(w.activation.id, { title: 'Huge impact idea', impact: 11 }),
        untitled,
        draft(w.activation.id, { title: 'Aimed elsewhere', metricId: 9999 }),
        'not even an object',
      ],
    });
    const before = (await rows(w)).length;
    const out = await draftNow(w.db, w.ws, { count: 5 }, drafter(), null);
    expect(out.items.map((i) => i.title)).toEqual(['Checklist for invited members']);
    expect((await rows(w)).length).toBe(before + 1);
    expect(out.problems).toHaveLength(4);
    expect(out.problems.join('\n')).toMatch(/Huge impact idea.*Impact must be a whole number from 1 to 10/);
    expect(out.problems.join('\n')).toMatch(/Draft 3 was dropped: title/);
    expect(out.problems.join('\n')).toMatch(/Aimed elsewhere.*#9999/);
    const titles = (await rows(w)).map((h) => h.title);
    expect(titles).not.toContain('Huge impact idea');
    expect(titles).not.toContain('Aimed elsewhere');
  });

  it('keeps a draft that names no rule, credited to the model', async () => {
    const w = await world();
    stub.reply({
      drafts: [
        draft(w.activation.id, { rule: undefined }),
        draft(w.activation.id, { title: 'Blank rule', rule: ' ' }),
      ],
    });
    const out = await draftNow(w.db, w.ws, { count: 2 }, drafter(), null);
    expect(out.problems).toEqual([]);
    expect(out.items.map((i) => i.draftRule)).toEqual(['stub-model', 'stub-model']);
  });

  it('retries a slow model once, then reports the timeout and stores nothing', async () => {
    const w = await world();
    stub.reply({ drafts: [draft(w.activation.id)], delayMs: 1500 });
    const before = (await rows(w)).length;
    const out = await draftNow(w.db, w.ws, { count: 1 }, drafter({ timeoutMs: 200 }), null);
    expect(stub.requests).toHaveLength(2);
    expect(out.problems).toEqual([
      `The model at ${stub.baseUrl} did not answer within 0.2 s (tried twice). A local model may need a longer LODESTAR_LLM_TIMEOUT_MS.`,
    ]);
    expect(out.run.status).toBe('failed');
    expect(out.run.message).toContain('Nothing was stored');
    expect(out.items).toEqual([]);
    expect((await rows(w)).length).toBe(before);
  });

  it('reports a server error after one retry and stores nothing', async () => {
    const w = await world();
    stub.reply({ status: 500, body: { error: { message: 'CUDA out of memory' } } });
    const before = (await rows(w)).length;
    const out = await draftNow(w.db, w.ws, { count: 3 }, drafter(), null);
    expect(stub.requests).toHaveLength(2);
    expect(out.problems).toEqual([
      `The model at ${stub.baseUrl} answered 500 (“CUDA out of memory”) (tried twice).`,
    ]);
    expect((await rows(w)).length).toBe(before);
    const [run] = await w.db.orm.select().from(draftRuns).where(eq(draftRuns.id, out.run.id));
    expect(run?.status).toBe('failed');
    expect(run?.problems).toEqual(out.problems);
  });

  it('does not retry a 401 and never shows the key, even when the server echoes it', async () => {
    const w = await world();
    stub.reply({ status: 401, body: { error: { message: `Incorrect API key provided: ${KEY}` } } });
    const out = await draftNow(w.db, w.ws, { count: 3 }, drafter(), null);
    expect(stub.requests).toHaveLength(1);
    expect(out.problems[0]).toMatch(
      new RegExp(`^The model at ${stub.baseUrl} answered 401: check LODESTAR_LLM_API_KEY\\.`),
    );
    expect(JSON.stringify(out)).not.toContain(KEY);
    expect(out.run.message).not.toContain(KEY);
    expect(await drafts(w)).toEqual([]);
  });

  it('explains a 404 by the base URL and the model name', async () => {
    const w = await world();
    stub.reply({
      status: 404,
      body: { error: { message: 'model "stub-model" not found, try pulling it first' } },
    });
    const out = await draftNow(w.db, w.ws, { count: 3 }, drafter(), null);
    expect(stub.requests).toHaveLength(1);
    expect(out.problems[0]).toContain('answered 404');
    expect(out.problems[0]).toContain('LODESTAR_LLM_MODEL “stub-model”');
  });

  it('stores the answer of the retry when the first attempt failed', async () => {
    const w = await world();
    stub.reply(
      { status: 503, body: { error: { message: 'loading model' } } },
      { drafts: [draft(w.activation.id)] },
    );
    const out = await draftNow(w.db, w.ws, { count: 1 }, drafter(), null);
    expect(stub.requests).toHaveLength(2);
    expect(out.problems).toEqual([]);
    expect((await drafts(w)).map((h) => h.title)).toEqual(['Checklist for invited members']);
  });

  it('retries prose, then reports that no usable JSON came back', async () => {
    const w = await world();
    stub.reply({ content: 'Sure! Here are some great ideas for your team.' });
    const out = await draftNow(w.db, w.ws, { count: 2 }, drafter(), null);
    expect(stub.requests).toHaveLength(2);
    expect(out.problems).toEqual([
      `The model at ${stub.baseUrl} answered with no usable JSON (tried twice).`,
    ]);
    expect(await drafts(w)).toEqual([]);
  });

  it('reads JSON wrapped in a code fence without asking again', async () => {
    const w = await world();
    const body = JSON.stringify({ drafts: [draft(w.activation.id)] });
    stub.reply({ content: `<think>planning</think>Here you go:\n\`\`\`json\n${body}\n\`\`\`` });
    const out = await draftNow(w.db, w.ws, { count: 1 }, drafter(), null);
    expect(stub.requests).toHaveLength(1);
    expect(out.items.map((i) => i.title)).toEqual(['Checklist for invited members']);
  });

  it('reports an answer with no drafts without storing anything', async () => {
    const w = await world();
    stub.reply({ drafts: [] });
    const out = await draftNow(w.db, w.ws, { count: 2 }, drafter(), null);
    expect(out.problems).toEqual([`The model at ${stub.baseUrl} answered with no drafts.`]);
    expect(await drafts(w)).toEqual([]);
  });

  it('reports a server that cannot be reached', async () => {
    const w = await world();
    const baseUrl = await deadBaseUrl();
    const out = await draftNow(w.db, w.ws, { count: 2 }, drafter({ baseUrl }), null);
    expect(out.problems[0]).toMatch(
      new RegExp(
        `^The model at ${baseUrl} could not be reached \\(.+\\) \\(tried twice\\): check LODESTAR_LLM_BASE_URL`,
      ),
    );
    expect(await drafts(w)).toEqual([]);
  });

  it('never shows a password written into the base URL', async () => {
    const w = await world();
    const baseUrl = stub.baseUrl.replace('http://', 'http://bob:hunter2@');
    const out = await draftNow(w.db, w.ws, { count: 1 }, drafter({ baseUrl }), null);
    expect(out.problems).toHaveLength(1);
    expect(out.problems[0]).toMatch(/^The model at http:\/\/127\.0\.0\.1:\d+\/v1 could not be reached/);
    expect(JSON.stringify(out)).not.toContain('hunter2');
  });

  it('stops without retrying when the caller cancels', async () => {
    const w = await world();
    stub.reply({ drafts: [], delayMs: 1500 });
    const { loadDraftContext } = await import('../src/drafts/context');
    const ctx = await loadDraftContext(w.db, w.ws, { count: 1 });
    const controller = new AbortController();
    const pending = drafter().draft(ctx, controller.signal);
    setTimeout(() => controller.abort(), 50);
    const answer = await pending;
    expect(answer.problems).toEqual(['Drafting was cancelled before the model answered.']);
    expect(stub.requests).toHaveLength(1);
  });

  it('sends the North Star, the metric, the learnings and the backlog titles, with the key and a JSON schema', async () => {
    const w = await world();
    stub.reply({ drafts: [draft(w.activation.id)] });
    await draftNow(w.db, w.ws, { metricId: w.activation.id, count: 3 }, drafter(), null);
    const [req] = stub.requests;
    if (!req) throw new Error('the model was not asked');
    expect(req.path).toBe('/v1/chat/completions');
    expect(req.headers.authorization).toBe(`Bearer ${KEY}`);
    expect(req.body.model).toBe('stub-model');
    expect(req.body.response_format?.type).toBe('json_schema');
    expect(req.body.response_format?.json_schema?.strict).toBe(false);
    expect(req.body.response_format?.json_schema?.schema.properties?.drafts?.type).toBe('array');
    const messages = req.body.messages ?? [];
    expect(messages.map((m) => m.role)).toEqual(['system', 'user']);
    const text = messages.map((m) => m.content).join('\n');
    expect(text).toContain('Weekly active teams');
    expect(text).toContain('Activation rate');
    expect(text).toContain('New teams that share a board in week one.');
    expect(text).toContain('A visible next step doubles first-week sharing');
    expect(text).toContain('Invite teammates from the empty state');
    expect(text).toContain('Checklist on the first board');
    expect(text).toContain('exactly 3 drafts');
  });

  it('sends no Authorization header when no key is configured', async () => {
    const w = await world();
    stub.reply({ drafts: [draft(w.activation.id)] });
    await draftNow(w.db, w.ws, { count: 1 }, drafter({ apiKey: undefined }), null);
    expect(stub.requests[0]?.headers.authorization).toBeUndefined();
  });
});
