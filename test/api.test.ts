import { and, eq } from 'drizzle-orm';
import { describe, expect, it, vi } from 'vitest';
import type { Db } from '../db/client';
import {
  closeAs,
  makeHypothesis,
  makeInput,
  makeLearning,
  makeMember,
  makeWorkspace,
  moveTo,
  scoreAs,
} from '../db/factories';
import { auditEvents, memberScores } from '../db/schema';
import { LONG_TEXT_MAX, TITLE_MAX } from '../src/hypotheses/schemas';
import { json, testApp } from './helpers';

// JSON bodies are checked field by field by the assertions below.
// biome-ignore lint/suspicious/noExplicitAny: a parsed JSON body
type Body = any;
type App = Awaited<ReturnType<typeof testApp>>['app'];

const API = '/api/v1';

async function call(app: App, method: string, path: string, body?: unknown) {
  const res = await app.request(`${API}${path}`, body === undefined ? { method } : json(method, body));
  const type = res.headers.get('content-type') ?? '';
  return { status: res.status, type, body: (await res.json()) as Body };
}

/** A refusal: the status, a JSON content type, and exactly the error shape. */
function expectError(res: Awaited<ReturnType<typeof call>>, status: number, code: string) {
  expect(res.status).toBe(status);
  expect(res.type).toMatch(/^application\/json/);
  expect(Object.keys(res.body)).toEqual(['error']);
  expect(res.body.error.code).toBe(code);
  expect(res.body.error.message).toEqual(expect.any(String));
  expect(res.body.error.message.length).toBeGreaterThan(5);
  return res.body.error as { code: string; message: string; fields?: Record<string, string>; current?: Body };
}

const TABLES = [
  'workspaces',
  'metrics',
  'hypotheses',
  'hypothesis_tags',
  'learnings',
  'hypothesis_learnings',
  'member_scores',
  'batches',
  'audit_events',
];

/** Every row of every table: equal before and after a refused request means nothing was written. */
async function snapshot(db: Db): Promise<string> {
  const out: Record<string, unknown[]> = {};
  for (const t of TABLES) {
    const rs = await db.client.execute(`select * from ${t} order by rowid`);
    out[t] = rs.rows.map((r) => rs.columns.map((_, i) => r[i]));
  }
  return JSON.stringify(out);
}

/** Sends a request that must be refused and asserts that the database did not change. */
async function refused(db: Db, request: () => ReturnType<typeof call>) {
  const before = await snapshot(db);
  const res = await request();
  expect(await snapshot(db)).toBe(before);
  return res;
}

async function setup() {
  const { app, db, me } = await testApp();
  const ws = await makeWorkspace(db, { name: 'Acme growth', slug: 'acme' });
  const activation = await makeInput(db, ws, { name: 'Activation rate' });
  const invites = await makeInput(db, ws, { name: 'Invite conversion' });
  return { app, db, me, ws, activation, invites };
}

const hypothesisBody = (metricId: number, overrides: Record<string, unknown> = {}) => ({
  title: 'Setup checklist on the first board',
  change: 'show a three-step setup checklist on a new team’s first board',
  outcome: 'rise as more new teams finish setup in their first session',
  expectedLift: 8,
  rationale: 'teams that finish setup in session one come back in week two',
  metricId,
  tags: ['onboarding', 'Checklist'],
  impact: 7,
  confidence: 5,
  ease: 6,
  estimatedDays: 4,
  ...overrides,
});

describe('api', () => {
  describe('workspaces', () => {
    it('lists workspaces', async () => {
      const { app } = await setup();
      const res = await call(app, 'GET', '/workspaces');
      expect(res.status).toBe(200);
      expect(res.type).toMatch(/^application\/json/);
      expect(res.body.items).toEqual([
        expect.objectContaining({
          id: expect.any(Number),
          slug: 'acme',
          name: 'Acme growth',
          iceMode: 'mean',
        }),
      ]);
    });

    it('creates a workspace (201), deriving the slug from the name', async () => {
      const { app } = await setup();
      const res = await call(app, 'POST', '/workspaces', { name: 'Checkout Squad' });
      expect(res.status).toBe(201);
      expect(res.type).toMatch(/^application\/json/);
      expect(res.body).toMatchObject({ slug: 'checkout-squad', name: 'Checkout Squad', iceMode: 'mean' });
      const explicit = await call(app, 'POST', '/workspaces', { name: 'Retention', slug: 'keep-them' });
      expect(explicit.status).toBe(201);
      expect(explicit.body.slug).toBe('keep-them');
      const list = await call(app, 'GET', '/workspaces');
      expect(list.body.items.map((w: Body) => w.slug)).toEqual(['acme', 'checkout-squad', 'keep-them']);
      const one = await call(app, 'GET', '/workspaces/keep-them');
      expect(one.status).toBe(200);
      expect(one.body.name).toBe('Retention');
    });

    it('refuses a duplicate slug with 422 on the slug field, writing nothing', async () => {
      const { app, db } = await setup();
      const res = await refused(db, () =>
        call(app, 'POST', '/workspaces', { name: 'Another', slug: 'acme' }),
      );
      const error = expectError(res, 422, 'invalid');
      expect(error.fields?.slug).toMatch(/taken/);
    });

    it('refuses an empty name and a bad slug with 422 beside each field', async () => {
      const { app, db } = await setup();
      const res = await refused(db, () =>
        call(app, 'POST', '/workspaces', { name: '  ', slug: 'Not A Slug!' }),
      );
      const error = expectError(res, 422, 'invalid');
      expect(error.fields).toEqual({
        name: 'Workspace name is required.',
        slug: expect.stringMatching(/lower-case/),
      });
    });

    it('answers malformed JSON, a non-JSON body and a non-object body with 400 bad_json, writing nothing', async () => {
      const { app, db } = await setup();
      const raw = (body: string, type: string) => async () => {
        const res = await app.request(`${API}/workspaces`, {
          method: 'POST',
          body,
          headers: { 'Content-Type': type },
        });
        return {
          status: res.status,
          type: res.headers.get('content-type') ?? '',
          body: (await res.json()) as Body,
        };
      };
      expect(
        expectError(await refused(db, raw('{"name": "Oops",', 'application/json')), 400, 'bad_json').message,
      ).toMatch(/not valid JSON/);
      expect(expectError(await refused(db, raw('', 'application/json')), 400, 'bad_json').message).toMatch(
        /not valid JSON/,
      );
      expect(
        expectError(await refused(db, raw('name=Oops', 'application/x-www-form-urlencoded')), 400, 'bad_json')
          .message,
      ).toMatch(/Content-Type: application\/json/);
      expect(
        expectError(await refused(db, raw('["Oops"]', 'application/json')), 400, 'bad_json').message,
      ).toMatch(/JSON object/);
      expect(
        expectError(await refused(db, raw('null', 'application/json; charset=utf-8')), 400, 'bad_json')
          .message,
      ).toMatch(/JSON object/);
    });

    it('answers an unknown slug with a JSON 404 on every workspace route, writing nothing', async () => {
      const { app, db, activation } = await setup();
      for (const [method, path, body] of [
        ['GET', '/workspaces/nope', undefined],
        ['GET', '/workspaces/nope/metrics', undefined],
        ['POST', '/workspaces/nope/metrics', { kind: 'input', name: 'Retention' }],
        ['GET', '/workspaces/nope/hypotheses', undefined],
        ['POST', '/workspaces/nope/hypotheses', hypothesisBody(activation.id)],
        ['GET', '/workspaces/nope/hypotheses/1', undefined],
        ['GET', '/workspaces/nope/learnings', undefined],
      ] as const) {
        const res = await refused(db, () => call(app, method, path, body));
        expect(expectError(res, 404, 'not_found').message).toMatch(/no workspace/);
      }
    });

    it('answers malformed JSON with 400 on every route that takes a body, writing nothing', async () => {
      const { app, db, ws } = await setup();
      const h = await moveTo(db, ws, await makeHypothesis(db, ws), 'running');
      for (const [method, path] of [
        ['POST', '/workspaces'],
        ['POST', '/workspaces/acme/metrics'],
        ['POST', '/workspaces/acme/hypotheses'],
        ['PATCH', `/workspaces/acme/hypotheses/${h.id}`],
        ['POST', `/workspaces/acme/hypotheses/${h.id}/transition`],
        ['POST', `/workspaces/acme/hypotheses/${h.id}/close`],
      ]) {
        const res = await refused(db, async () => {
          const r = await app.request(`${API}${path}`, {
            method,
            body: "{'to': 'selected'}",
            headers: { 'Content-Type': 'application/json' },
          });
          return {
            status: r.status,
            type: r.headers.get('content-type') ?? '',
            body: (await r.json()) as Body,
          };
        });
        expect(expectError(res, 400, 'bad_json').fields, `${method} ${path}`).toBeUndefined();
      }
    });

    it('answers an unexpected failure with a JSON 500, not an HTML page', async () => {
      const { app, db, ws } = await setup();
      const h = await makeHypothesis(db, ws);
      await db.client.execute('drop table hypothesis_learnings');
      const logged = vi.spyOn(console, 'error').mockImplementation(() => {});
      try {
        const res = await call(app, 'GET', `/workspaces/acme/hypotheses/${h.id}`);
        expect(expectError(res, 500, 'internal').message).toBe('Something went wrong on our side.');
        expect(logged).toHaveBeenCalledOnce();
      } finally {
        logged.mockRestore();
      }
    });

    it('answers an unknown API address with a JSON 404', async () => {
      const { app } = await setup();
      expectError(await call(app, 'GET', '/nothing-here'), 404, 'not_found');
      expectError(await call(app, 'DELETE', '/workspaces/acme/hypotheses'), 404, 'not_found');
    });
  });

  describe('metrics', () => {
    it('lists the North Star first, then the input metrics', async () => {
      const { app } = await setup();
      const res = await call(app, 'GET', '/workspaces/acme/metrics');
      expect(res.status).toBe(200);
      expect(res.type).toMatch(/^application\/json/);
      expect(res.body.items.map((m: Body) => [m.kind, m.name])).toEqual([
        ['north_star', 'Weekly active teams'],
        ['input', 'Activation rate'],
        ['input', 'Invite conversion'],
      ]);
    });

    it('creates an input metric (201) with defaults', async () => {
      const { app } = await setup();
      const res = await call(app, 'POST', '/workspaces/acme/metrics', {
        kind: 'input',
        name: 'Week-2 retention',
        unit: '%',
      });
      expect(res.status).toBe(201);
      expect(res.type).toMatch(/^application\/json/);
      expect(res.body).toMatchObject({
        id: expect.any(Number),
        kind: 'input',
        name: 'Week-2 retention',
        unit: '%',
        direction: 'up',
        description: '',
        archivedAt: null,
        version: 1,
      });
      const list = await call(app, 'GET', '/workspaces/acme/metrics');
      expect(list.body.items).toHaveLength(4);
    });

    it('creates the North Star of a workspace that has none, and refuses a second with 409', async () => {
      const { app, db } = await setup();
      expect((await call(app, 'POST', '/workspaces', { name: 'Bare', slug: 'bare' })).status).toBe(201);
      const first = await call(app, 'POST', '/workspaces/bare/metrics', {
        kind: 'north_star',
        name: 'Weekly paying teams',
        direction: 'up',
        description: 'Teams that paid and collaborated this week.',
      });
      expect(first.status).toBe(201);
      expect(first.body).toMatchObject({ kind: 'north_star', name: 'Weekly paying teams' });

      const second = await refused(db, () =>
        call(app, 'POST', '/workspaces/bare/metrics', { kind: 'north_star', name: 'Revenue' }),
      );
      expect(expectError(second, 409, 'conflict').message).toMatch(/already has its North Star/);
    });

    it('refuses invalid metrics with 422 beside each field, writing nothing', async () => {
      const { app, db } = await setup();
      const res = await refused(db, () =>
        call(app, 'POST', '/workspaces/acme/metrics', {
          kind: 'output',
          name: '',
          direction: 'sideways',
          unit: 'x'.repeat(25),
        }),
      );
      const error = expectError(res, 422, 'invalid');
      expect(Object.keys(error.fields ?? {}).sort()).toEqual(['direction', 'kind', 'name', 'unit']);
      expect(error.fields?.name).toBe('Name is required.');
      expect(error.fields?.unit).toBe('Unit must be at most 24 characters.');
    });
  });

  describe('hypotheses', () => {
    it('creates a hypothesis in the backlog (201) with its scores, rank and version', async () => {
      const { app, activation } = await setup();
      const res = await call(app, 'POST', '/workspaces/acme/hypotheses', hypothesisBody(activation.id));
      expect(res.status).toBe(201);
      expect(res.type).toMatch(/^application\/json/);
      expect(res.body).toMatchObject({
        id: expect.any(Number),
        title: 'Setup checklist on the first board',
        metricId: activation.id,
        status: 'backlog',
        tags: ['checklist', 'onboarding'],
        impact: 7,
        confidence: 5,
        ease: 6,
        ice: 6,
        expectedRoti: 0.875,
        expectedLift: 8,
        estimatedDays: 4,
        rank: 1,
        version: 1,
        learnings: [],
      });
    });

    it('creates a draft when asked, which has no rank', async () => {
      const { app, activation } = await setup();
      const res = await call(
        app,
        'POST',
        '/workspaces/acme/hypotheses',
        hypothesisBody(activation.id, { status: 'draft' }),
      );
      expect(res.status).toBe(201);
      expect(res.body).toMatchObject({ status: 'draft', rank: null });
      const bad = await call(
        app,
        'POST',
        '/workspaces/acme/hypotheses',
        hypothesisBody(activation.id, { status: 'running' }),
      );
      expect(expectError(bad, 422, 'invalid').fields?.status).toMatch(/draft or backlog/);
    });

    it('refuses bad input with 422 and a readable message per field, writing nothing', async () => {
      const { app, db, activation } = await setup();
      const other = await makeWorkspace(db, { slug: 'other' });
      const foreign = await makeInput(db, other, { name: 'Their metric' });
      const [northStar] = (await call(app, 'GET', '/workspaces/acme/metrics')).body.items;
      const cases: [Record<string, unknown>, string, RegExp][] = [
        [{ impact: 11 }, 'impact', /Impact must be a whole number from 1 to 10/],
        [{ confidence: 0 }, 'confidence', /Confidence must be a whole number from 1 to 10/],
        [{ ease: 3.5 }, 'ease', /Ease must be a whole number from 1 to 10/],
        [{ title: '   ' }, 'title', /Title is required/],
        [{ title: undefined }, 'title', /Title is required/],
        [{ metricId: 999_999 }, 'metricId', /input metrics/],
        [{ metricId: foreign.id }, 'metricId', /input metrics/],
        [{ metricId: northStar.id }, 'metricId', /not the North Star/],
        [{ metricId: 'activation' }, 'metricId', /Choose the input metric/],
        [{ title: 'x'.repeat(TITLE_MAX + 1) }, 'title', new RegExp(`at most ${TITLE_MAX} characters`)],
        [
          { rationale: 'y'.repeat(LONG_TEXT_MAX + 1) },
          'rationale',
          new RegExp(`at most ${LONG_TEXT_MAX} characters`),
        ],
        [{ tags: Array.from({ length: 11 }, (_, i) => `t${i}`) }, 'tags', /At most 10 tags/],
        [{ estimatedDays: -2 }, 'estimatedDays', /at least 0.1/],
        [{ expectedLift: 'lots' }, 'expectedLift', /percentage/],
      ];
      for (const [overrides, field, message] of cases) {
        const res = await refused(db, () =>
          call(app, 'POST', '/workspaces/acme/hypotheses', hypothesisBody(activation.id, overrides)),
        );
        const error = expectError(res, 422, 'invalid');
        expect(error.fields?.[field], field).toMatch(message);
      }
      expect((await call(app, 'GET', '/workspaces/acme/hypotheses')).body.total).toBe(0);
    });

    it('lists the backlog ranked by ICE with rank, ice, expectedRoti and version', async () => {
      const { app, activation, invites } = await setup();
      const post = (title: string, metricId: number, s: Record<string, unknown>) =>
        call(app, 'POST', '/workspaces/acme/hypotheses', hypothesisBody(metricId, { title, ...s }));
      await post('Middle', activation.id, { impact: 5, confidence: 5, ease: 5, estimatedDays: 5, tags: [] });
      await post('Top', invites.id, {
        impact: 9,
        confidence: 8,
        ease: 7,
        estimatedDays: 10,
        tags: ['email'],
      });
      await post('Tie, cheaper', activation.id, {
        impact: 5,
        confidence: 5,
        ease: 5,
        estimatedDays: 1,
        tags: [],
      });
      await post('A draft', activation.id, { status: 'draft' });

      const res = await call(app, 'GET', '/workspaces/acme/hypotheses?status=backlog');
      expect(res.status).toBe(200);
      expect(res.type).toMatch(/^application\/json/);
      expect(res.body.total).toBe(3);
      expect(res.body.items.map((h: Body) => [h.rank, h.title, h.ice, h.expectedRoti, h.version])).toEqual([
        [1, 'Top', 8, 0.72, 1],
        [2, 'Tie, cheaper', 5, 2.5, 1],
        [3, 'Middle', 5, 0.5, 1],
      ]);

      const byRoti = await call(app, 'GET', '/workspaces/acme/hypotheses?status=backlog&sort=roti');
      expect(byRoti.body.items.map((h: Body) => [h.rank, h.title])).toEqual([
        [1, 'Tie, cheaper'],
        [2, 'Top'],
        [3, 'Middle'],
      ]);

      // Rank stays the item's place in the whole backlog when the list is filtered or paged.
      const filtered = await call(
        app,
        'GET',
        `/workspaces/acme/hypotheses?metricId=${activation.id}&status=backlog`,
      );
      expect(filtered.body.items.map((h: Body) => [h.rank, h.title])).toEqual([
        [2, 'Tie, cheaper'],
        [3, 'Middle'],
      ]);
      const paged = await call(app, 'GET', '/workspaces/acme/hypotheses?status=backlog&limit=1&offset=1');
      expect(paged.body).toMatchObject({ total: 3, limit: 1, offset: 1 });
      expect(paged.body.items.map((h: Body) => [h.rank, h.title])).toEqual([[2, 'Tie, cheaper']]);
      const tagged = await call(app, 'GET', '/workspaces/acme/hypotheses?tag=email');
      expect(tagged.body.items.map((h: Body) => h.title)).toEqual(['Top']);
      const searched = await call(app, 'GET', '/workspaces/acme/hypotheses?q=cheaper');
      expect(searched.body.items.map((h: Body) => h.title)).toEqual(['Tie, cheaper']);

      const all = await call(app, 'GET', '/workspaces/acme/hypotheses');
      expect(all.body.total).toBe(4);
      expect(all.body.items.find((h: Body) => h.title === 'A draft')).toMatchObject({
        status: 'draft',
        rank: null,
      });
    });

    it('refuses a bad list query with 422', async () => {
      const { app } = await setup();
      const res = await call(app, 'GET', '/workspaces/acme/hypotheses?sort=newest&limit=1000&status=doing');
      const error = expectError(res, 422, 'invalid');
      expect(Object.keys(error.fields ?? {}).sort()).toEqual(['limit', 'sort', 'status']);
    });

    it('shows one hypothesis with its tags, rank and learnings', async () => {
      const { app, db, ws } = await setup();
      const h = await makeHypothesis(db, ws, { tags: ['pricing'] });
      const res = await call(app, 'GET', `/workspaces/acme/hypotheses/${h.id}`);
      expect(res.status).toBe(200);
      expect(res.type).toMatch(/^application\/json/);
      expect(res.body).toMatchObject({
        id: h.id,
        title: h.title,
        tags: ['pricing'],
        rank: 1,
        learnings: [],
        version: 1,
      });
    });

    it('answers unknown, non-numeric and other workspaces’ ids with 404 on every hypothesis route', async () => {
      const { app, db } = await setup();
      const other = await makeWorkspace(db, { slug: 'other' });
      const theirs = await makeHypothesis(db, other);
      const running = await moveTo(db, other, await makeHypothesis(db, other), 'running');
      for (const id of ['999999', 'abc', '0', '-1', '1.5', String(theirs.id), String(running.id)]) {
        const path = `/workspaces/acme/hypotheses/${id}`;
        for (const [method, suffix, body] of [
          ['GET', '', undefined],
          ['PATCH', '', { title: 'Hijacked', version: 1 }],
          ['POST', '/transition', { to: 'selected' }],
          ['POST', '/close', { outcome: 'won', actualDays: 1, return: 5, learnings: [{ statement: 'x' }] }],
        ] as const) {
          const res = await refused(db, () => call(app, method, `${path}${suffix}`, body));
          expectError(res, 404, 'not_found');
        }
      }
    });

    it('updates a hypothesis with its version, recomputing ICE and rank', async () => {
      const { app, db, ws, me } = await setup();
      const top = await makeHypothesis(db, ws, { impact: 8, confidence: 8, ease: 8 });
      const h = await makeHypothesis(db, ws, {
        impact: 5,
        confidence: 5,
        ease: 5,
        owner: 'Ana',
        tags: ['a'],
      });
      expect((await call(app, 'GET', `/workspaces/acme/hypotheses/${h.id}`)).body.rank).toBe(2);

      const res = await call(app, 'PATCH', `/workspaces/acme/hypotheses/${h.id}`, {
        impact: 10,
        confidence: 9,
        ease: 9,
        title: 'Sharper title',
        expectedLift: null,
        version: 1,
      });
      expect(res.status).toBe(200);
      expect(res.type).toMatch(/^application\/json/);
      // The scores are the caller's own (everyone scores): nobody had scored it, so the team's means are the
      // caller's. Only the other fields move the version (a member's score overwrites nobody's).
      expect(res.body).toMatchObject({
        id: h.id,
        title: 'Sharper title',
        impact: 10,
        confidence: 9,
        ease: 9,
        ice: 9.3,
        expectedLift: null,
        owner: 'Ana',
        tags: ['a'],
        rank: 1,
        version: 2,
      });
      expect((await call(app, 'GET', `/workspaces/acme/hypotheses/${top.id}`)).body.rank).toBe(2);
      const scores = await db.orm.select().from(memberScores).where(eq(memberScores.hypothesisId, h.id));
      expect(scores).toEqual([
        expect.objectContaining({ userId: me.user.id, impact: 10, confidence: 9, ease: 9 }),
      ]);
      const events = await db.orm
        .select()
        .from(auditEvents)
        .where(and(eq(auditEvents.entity, 'hypothesis'), eq(auditEvents.entityId, h.id)))
        .orderBy(auditEvents.id);
      expect(events.map((e) => e.action)).toEqual(['create', 'score', 'update']);
      expect(events[1]?.after).toMatchObject({ mine: { impact: 10, confidence: 9, ease: 9 }, ice: 9.3 });
      expect(Object.keys(events[2]?.after ?? {}).sort()).toEqual(['expectedLift', 'title']);

      // The same scores again change nothing.
      const res2 = await call(app, 'PATCH', `/workspaces/acme/hypotheses/${h.id}`, {
        impact: 10,
        confidence: 9,
        ease: 9,
        version: 2,
      });
      expect(res2.status).toBe(200);
      expect(res2.body.version).toBe(2);
      // A second member's score moves the means, which are no longer whole numbers, and leaves the version:
      // a client holding version 2 can still save its edit.
      const other = await makeMember(db, ws, 'editor');
      await scoreAs(db, ws, h, other, { impact: 7, confidence: 8, ease: 9 });
      expect((await call(app, 'GET', `/workspaces/acme/hypotheses/${h.id}`)).body).toMatchObject({
        impact: 8.5,
        confidence: 8.5,
        ease: 9,
        ice: 8.7,
        version: 2,
      });
    });

    it('refuses a stale version with 409 and the current record, writing nothing', async () => {
      const { app, db, ws } = await setup();
      const h = await makeHypothesis(db, ws, { title: 'Original' });
      const first = await call(app, 'PATCH', `/workspaces/acme/hypotheses/${h.id}`, {
        title: 'First save',
        version: 1,
      });
      expect(first.status).toBe(200);

      const second = await refused(db, () =>
        call(app, 'PATCH', `/workspaces/acme/hypotheses/${h.id}`, { title: 'Second save', version: 1 }),
      );
      const error = expectError(second, 409, 'stale_version');
      expect(error.message).toMatch(/Someone else saved/);
      expect(error.current).toMatchObject({ id: h.id, title: 'First save', version: 2, tags: h.tags });
    });

    it('lets only one of two simultaneous saves of the same version through', async () => {
      const { app, db, ws } = await setup();
      const h = await makeHypothesis(db, ws);
      const path = `/workspaces/acme/hypotheses/${h.id}`;
      const [a, b] = await Promise.all([
        call(app, 'PATCH', path, { title: 'Save A', version: 1 }),
        call(app, 'PATCH', path, { title: 'Save B', version: 1 }),
      ]);
      const [won, lost] = a.status === 200 ? [a, b] : [b, a];
      expect(won.status).toBe(200);
      expect(expectError(lost, 409, 'stale_version').current).toMatchObject({
        title: won.body.title,
        version: 2,
      });
      expect((await call(app, 'GET', path)).body).toMatchObject({ title: won.body.title, version: 2 });
    });

    it('refuses an invalid patch with 422, writing nothing', async () => {
      const { app, db, ws } = await setup();
      const h = await makeHypothesis(db, ws);
      const other = await makeWorkspace(db, { slug: 'other' });
      const foreign = await makeInput(db, other);
      const path = `/workspaces/acme/hypotheses/${h.id}`;
      const cases: [Record<string, unknown>, string, RegExp][] = [
        [{ title: 'No version' }, 'version', /version/],
        [{ title: '', version: 1 }, 'title', /Title is required/],
        [{ impact: 0, version: 1 }, 'impact', /from 1 to 10/],
        [{ metricId: foreign.id, version: 1 }, 'metricId', /input metrics/],
        [{ status: 'running', version: 1 }, 'status', /transition/],
      ];
      for (const [body, field, message] of cases) {
        const res = await refused(db, () => call(app, 'PATCH', path, body));
        expect(expectError(res, 422, 'invalid').fields?.[field], field).toMatch(message);
      }
      // Sending back the record as read, status unchanged, is an ordinary edit. The scores it carries are the
      // team's as read, so they are "unchanged": they do not become the caller's own score.
      const read = (await call(app, 'GET', path)).body;
      const ok = await call(app, 'PATCH', path, { ...read, owner: 'Ben' });
      expect(ok.status).toBe(200);
      expect(ok.body).toMatchObject({ owner: 'Ben', status: 'backlog', impact: 5, ice: 5, version: 2 });
      // Once the team's means have decimals, the record as read still goes back without a 422.
      // (Made without a signed-in author, it had no member scores: these two are the team.)
      const teammate = await makeMember(db, ws, 'editor');
      await scoreAs(db, ws, h, teammate, { impact: 6, confidence: 5, ease: 5 });
      const second = await makeMember(db, ws, 'editor');
      await scoreAs(db, ws, h, second, { impact: 5, confidence: 5, ease: 5 });
      const fractional = (await call(app, 'GET', path)).body;
      expect(fractional.impact).toBe(5.5);
      const again = await call(app, 'PATCH', path, { ...fractional, owner: 'Cleo' });
      expect(again.status).toBe(200);
      expect(again.body).toMatchObject({ owner: 'Cleo', impact: 5.5, version: 3 });
      const scored = await db.orm
        .select()
        .from(auditEvents)
        .where(and(eq(auditEvents.entityId, h.id), eq(auditEvents.action, 'score')));
      expect(scored.map((e) => e.actorUserId)).toEqual([teammate.id, second.id]);
    });

    it('moves a hypothesis through the lifecycle with transitions', async () => {
      const { app, activation } = await setup();
      const created = await call(
        app,
        'POST',
        '/workspaces/acme/hypotheses',
        hypothesisBody(activation.id, { status: 'draft' }),
      );
      const path = `/workspaces/acme/hypotheses/${created.body.id}/transition`;
      let version = 1;
      for (const to of ['backlog', 'selected', 'running']) {
        const res = await call(app, 'POST', path, { to, version });
        expect(res.status).toBe(200);
        expect(res.type).toMatch(/^application\/json/);
        expect(res.body).toMatchObject({
          status: to,
          version: version + 1,
          rank: to === 'backlog' ? 1 : null,
        });
        version = res.body.version;
      }
      expect(
        (await call(app, 'GET', `/workspaces/acme/hypotheses/${created.body.id}`)).body.startedAt,
      ).toEqual(expect.any(Number));
    });

    it('refuses an illegal transition with 409 naming the allowed moves, writing nothing', async () => {
      const { app, db, ws } = await setup();
      const h = await makeHypothesis(db, ws);
      const path = `/workspaces/acme/hypotheses/${h.id}/transition`;
      const illegal = await refused(db, () => call(app, 'POST', path, { to: 'running' }));
      const error = expectError(illegal, 409, 'illegal_transition');
      expect(error.message).toBe(
        'Cannot move a backlog hypothesis to running. Allowed from backlog: select → selected, park → parked.',
      );
      expect(error.current).toMatchObject({ id: h.id, status: 'backlog', version: 1 });

      const running = await moveTo(db, ws, await makeHypothesis(db, ws), 'running');
      const toDone = await refused(db, () =>
        call(app, 'POST', `/workspaces/acme/hypotheses/${running.id}/transition`, { to: 'done' }),
      );
      expect(expectError(toDone, 409, 'illegal_transition').message).toMatch(/use Close/);

      const stale = await refused(db, () => call(app, 'POST', path, { to: 'selected', version: 7 }));
      expectError(stale, 409, 'stale_version');

      const unknown = await refused(db, () => call(app, 'POST', path, { to: 'shipped' }));
      expect(expectError(unknown, 422, 'invalid').fields?.to).toMatch(/"to" must be one of/);
      expectError(await refused(db, () => call(app, 'POST', path, {})), 422, 'invalid');
    });
  });

  describe('close', () => {
    it('closes a running experiment with a result, ROTI and a new learning (200)', async () => {
      const { app, db, ws, activation } = await setup();
      const h = await moveTo(
        db,
        ws,
        await makeHypothesis(db, ws, { metricId: activation.id, impact: 8, expectedLift: 10 }),
        'running',
      );
      const res = await call(app, 'POST', `/workspaces/acme/hypotheses/${h.id}/close`, {
        outcome: 'won',
        actualDays: 4,
        baseline: 20,
        observed: 22,
        learnings: [{ statement: 'A checklist on the first board lifts activation.', status: 'supported' }],
      });
      expect(res.status).toBe(200);
      expect(res.type).toMatch(/^application\/json/);
      // Suggested return: Impact 8 × observed lift 10% ÷ expected 10% = 8; ROTI = 8 ÷ 4 days.
      expect(res.body).toMatchObject({
        id: h.id,
        status: 'done',
        result: 'won',
        lift: 10,
        actualDays: 4,
        returnScore: 8,
        roti: 2,
        rank: null,
        closedAt: expect.any(Number),
        learnings: [
          {
            id: expect.any(Number),
            statement: 'A checklist on the first board lifts activation.',
            status: 'supported',
            relation: 'supports',
          },
        ],
      });

      const shown = await call(app, 'GET', `/workspaces/acme/hypotheses/${h.id}`);
      expect(shown.body.learnings).toEqual(res.body.learnings);
      const lib = await call(app, 'GET', `/workspaces/acme/learnings?metricId=${activation.id}`);
      expect(lib.body.items).toEqual([
        expect.objectContaining({
          statement: 'A checklist on the first board lifts activation.',
          metricId: activation.id,
          experiments: [expect.objectContaining({ id: h.id, result: 'won', roti: 2, relation: 'supports' })],
        }),
      ]);
    });

    it('links an existing learning as contradicted, with the given return', async () => {
      const { app, db, ws } = await setup();
      const learning = await makeLearning(db, ws, { statement: 'Longer trials convert better.' });
      const h = await moveTo(db, ws, await makeHypothesis(db, ws), 'running');
      const res = await call(app, 'POST', `/workspaces/acme/hypotheses/${h.id}/close`, {
        outcome: 'lost',
        actualDays: 2,
        return: 3,
        learnings: [{ learningId: learning.id, relation: 'contradicts' }],
      });
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ result: 'lost', returnScore: 3, roti: 1.5 });
      expect(res.body.learnings).toEqual([
        {
          id: learning.id,
          statement: 'Longer trials convert better.',
          status: 'emerging',
          relation: 'contradicts',
        },
      ]);
    });

    it('refuses a close without learnings or with bad values with 422, writing nothing', async () => {
      const { app, db, ws } = await setup();
      const other = await makeWorkspace(db, { slug: 'other' });
      const theirs = await makeLearning(db, other);
      const h = await moveTo(db, ws, await makeHypothesis(db, ws), 'running');
      const path = `/workspaces/acme/hypotheses/${h.id}/close`;
      const base = {
        outcome: 'won',
        actualDays: 3,
        return: 5,
        learnings: [{ statement: 'We learned something.' }],
      };
      const cases: [Record<string, unknown>, string, RegExp][] = [
        [{ learnings: [] }, 'learnings', /at least one learning/],
        [{ learnings: undefined }, 'learnings', /at least one learning/],
        [{ outcome: 'great' }, 'outcome', /Outcome must be one of/],
        [{ actualDays: 0 }, 'actualDays', /at least 0.1/],
        [{ return: 11 }, 'return', /from 0 to 10/],
        [{ learnings: [{ statement: '' }] }, 'learnings.0.statement', /required/],
        [{ learnings: [{ statement: 'z'.repeat(1001) }] }, 'learnings.0.statement', /at most 1000/],
        [{ learnings: [{ learningId: theirs.id, relation: 'supports' }] }, 'learnings', /does not exist/],
        [{ outcome: 'inconclusive', return: undefined }, 'return', /Give a return/],
      ];
      for (const [overrides, field, message] of cases) {
        const res = await refused(db, () => call(app, 'POST', path, { ...base, ...overrides }));
        expect(expectError(res, 422, 'invalid').fields?.[field], field).toMatch(message);
      }
      expect((await call(app, 'GET', `/workspaces/acme/hypotheses/${h.id}`)).body).toMatchObject({
        status: 'running',
        roti: null,
      });
    });

    it('refuses to close an experiment that is not running with 409', async () => {
      const { app, db, ws } = await setup();
      const h = await makeHypothesis(db, ws);
      const res = await refused(db, () =>
        call(app, 'POST', `/workspaces/acme/hypotheses/${h.id}/close`, {
          outcome: 'won',
          actualDays: 1,
          return: 5,
          learnings: [{ statement: 'Too early.' }],
        }),
      );
      const error = expectError(res, 409, 'illegal_transition');
      expect(error.message).toMatch(/Allowed from backlog/);
      expect(error.current).toMatchObject({ id: h.id, status: 'backlog' });
    });
  });

  describe('learnings', () => {
    it('lists learnings filtered by metric, status and text', async () => {
      const { app, db, ws, activation, invites } = await setup();
      await closeAs(db, ws, await makeHypothesis(db, ws, { metricId: activation.id }), {
        outcome: 'won',
        learnings: [{ statement: 'Checklists lift activation.', status: 'confirmed' }],
      });
      await makeLearning(db, ws, { statement: 'Invites sent from the board convert.', metricId: invites.id });

      const all = await call(app, 'GET', '/workspaces/acme/learnings');
      expect(all.status).toBe(200);
      expect(all.type).toMatch(/^application\/json/);
      expect(all.body.items.map((l: Body) => l.statement).sort()).toEqual([
        'Checklists lift activation.',
        'Invites sent from the board convert.',
      ]);
      const byMetric = await call(app, 'GET', `/workspaces/acme/learnings?metricId=${invites.id}`);
      expect(byMetric.body.items.map((l: Body) => l.statement)).toEqual([
        'Invites sent from the board convert.',
      ]);
      const byStatus = await call(app, 'GET', '/workspaces/acme/learnings?status=confirmed');
      expect(byStatus.body.items).toEqual([
        expect.objectContaining({
          statement: 'Checklists lift activation.',
          metricName: 'Activation rate',
          experiments: [expect.objectContaining({ result: 'won', relation: 'supports' })],
        }),
      ]);
      const byText = await call(app, 'GET', '/workspaces/acme/learnings?q=board');
      expect(byText.body.items.map((l: Body) => l.statement)).toEqual([
        'Invites sent from the board convert.',
      ]);

      // Another workspace's learnings never show.
      const other = await makeWorkspace(db, { slug: 'other' });
      await makeLearning(db, other, { statement: 'Theirs.' });
      expect((await call(app, 'GET', '/workspaces/acme/learnings')).body.items).toHaveLength(2);
    });

    it('refuses a bad learnings query with 422', async () => {
      const { app } = await setup();
      const error = expectError(
        await call(app, 'GET', '/workspaces/acme/learnings?status=maybe&metricId=x'),
        422,
        'invalid',
      );
      expect(Object.keys(error.fields ?? {}).sort()).toEqual(['metricId', 'status']);
    });
  });
});
