import { describe, expect, it } from 'vitest';
import type { Db } from '../db/client';
import {
  closeAs,
  makeBatch,
  makeHypothesis,
  makeInput,
  makeMember,
  makeWorkspace,
  moveTo,
} from '../db/factories';
import { addToBatch, startBatch } from '../src/batches/selection';
import { isoWeek } from '../src/batches/weeks';
import { requireHypothesis } from '../src/hypotheses/hypotheses';
import { as, type Client, json, signIn, testApp } from './helpers';

// The weekly meeting through the JSON API: levers, batches, and each member's own scores.

// biome-ignore lint/suspicious/noExplicitAny: a parsed JSON body
type Body = any;

const API = '/api/v1/workspaces';

async function call(client: Client, method: string, path: string, body?: unknown) {
  const res = await client.request(`${API}${path}`, body === undefined ? { method } : json(method, body));
  return {
    status: res.status,
    type: res.headers.get('content-type') ?? '',
    body: (await res.json()) as Body,
  };
}

function expectError(res: Awaited<ReturnType<typeof call>>, status: number, code: string) {
  expect(res.status).toBe(status);
  expect(res.type).toMatch(/^application\/json/);
  expect(Object.keys(res.body)).toEqual(['error']);
  expect(res.body.error.code).toBe(code);
  expect(res.body.error.message.length).toBeGreaterThan(5);
  return res.body.error as { code: string; message: string; fields?: Record<string, string> };
}

/** Every row of the tables these routes write: equal before and after means nothing was written. */
async function snapshot(db: Db): Promise<string> {
  const out: Record<string, unknown[]> = {};
  for (const t of ['batches', 'hypotheses', 'member_scores', 'audit_events']) {
    const rs = await db.client.execute(`select * from ${t} order by rowid`);
    out[t] = rs.rows.map((r) => rs.columns.map((_, i) => r[i]));
  }
  return JSON.stringify(out);
}

async function refused(db: Db, request: () => ReturnType<typeof call>) {
  const before = await snapshot(db);
  const res = await request();
  expect(await snapshot(db)).toBe(before);
  return res;
}

async function setup() {
  const { app, db, raw, me } = await testApp();
  const ws = await makeWorkspace(db, { name: 'Acme growth', slug: 'acme' });
  const activation = await makeInput(db, ws, { name: 'Activation rate' });
  const editorUser = await makeMember(db, ws, 'editor', { name: 'Edda Editor' });
  const editor2User = await makeMember(db, ws, 'editor', { name: 'Finn Editor' });
  const viewerUser = await makeMember(db, ws, 'viewer', { name: 'Vera Viewer' });
  return {
    app,
    raw,
    db,
    ws,
    me,
    activation,
    editor: as(raw, await signIn(db, editorUser)),
    editor2: as(raw, await signIn(db, editor2User)),
    viewer: as(raw, await signIn(db, viewerUser)),
    anonymous: as(raw, 'anonymous'),
    users: { editor: editorUser, editor2: editor2User },
  };
}

describe('api: the weekly meeting', () => {
  describe('batches', () => {
    it('creates batches with default week and capacity, and lists them newest week first', async () => {
      const { editor, viewer } = await setup();
      expect((await call(viewer, 'GET', '/acme/batches')).body).toEqual({ items: [] });
      const week = isoWeek(Date.now(), 'UTC');
      const first = await call(editor, 'POST', '/acme/batches', {});
      expect(first.status).toBe(201);
      expect(first.body).toMatchObject({
        week,
        capacityDays: 10,
        startedAt: null,
        load: { plannedDays: 0, capacityDays: 10, items: 0, over: false },
      });
      const chosen = await call(editor, 'POST', '/acme/batches', { week: '2030-W10', capacityDays: 6.5 });
      expect(chosen.status).toBe(201);
      expect(chosen.body).toMatchObject({ week: '2030-W10', capacityDays: 6.5 });
      const next = await call(editor, 'POST', '/acme/batches', {});
      expect(next.body).toMatchObject({ week: '2030-W11', capacityDays: 6.5 });
      const list = await call(viewer, 'GET', '/acme/batches');
      expect(list.status).toBe(200);
      expect(list.body.items.map((b: Body) => b.week)).toEqual(['2030-W11', '2030-W10', week]);
      expect(list.body.items[0].load).toEqual({ plannedDays: 0, capacityDays: 6.5, items: 0, over: false });
    });

    it('refuses a bad week or capacity with 422 beside the field, and a taken week with 409', async () => {
      const { db, editor } = await setup();
      await call(editor, 'POST', '/acme/batches', { week: '2030-W10' });
      for (const [body, field, message] of [
        [{ week: 'next week' }, 'week', /ISO week like 2026-W47/],
        [{ week: '2027-W53' }, 'week', /2027 has weeks 01 to 52/],
        [{ week: 2030 }, 'week', /ISO week/],
        [{ capacityDays: 0.4 }, 'capacityDays', /from 0.5 to 1000/],
        [{ capacityDays: 1001 }, 'capacityDays', /from 0.5 to 1000/],
        [{ capacityDays: 'ten' }, 'capacityDays', /person-days/],
        [{ capacityDays: true }, 'capacityDays', /person-days/],
        [{ capacityDays: [5] }, 'capacityDays', /person-days/],
      ] as const) {
        const res = await refused(db, () => call(editor, 'POST', '/acme/batches', body));
        expect(expectError(res, 422, 'invalid').fields?.[field], JSON.stringify(body)).toMatch(message);
      }
      const taken = await refused(db, () => call(editor, 'POST', '/acme/batches', { week: '2030-w10' }));
      expect(expectError(taken, 409, 'conflict').message).toBe('There is already a batch for 2030-W10.');
      const broken = await refused(db, async () => {
        const res = await editor.request(`${API}/acme/batches`, {
          method: 'POST',
          body: '{"week": ',
          headers: { 'Content-Type': 'application/json' },
        });
        return { status: res.status, type: res.headers.get('content-type') ?? '', body: await res.json() };
      });
      expectError(broken, 400, 'bad_json');
    });

    it('selects into a batch, shows it with its load, takes items out both ways, and starts it', async () => {
      const { db, ws, editor, viewer } = await setup();
      const batch = await makeBatch(db, ws, { week: '2030-W10', capacityDays: 5 });
      const a = await makeHypothesis(db, ws, { title: 'Setup checklist', estimatedDays: 3 });
      const b = await makeHypothesis(db, ws, { title: 'Invite reminder', estimatedDays: undefined });
      const c = await makeHypothesis(db, ws, { title: 'Pricing FAQ', estimatedDays: 1 });

      const added = await call(editor, 'POST', `/acme/batches/${batch.id}/items`, { hypothesisId: a.id });
      expect(added.status).toBe(201);
      expect(added.body).toMatchObject({ id: a.id, status: 'selected', batchId: batch.id, rank: null });
      const estimated = await call(editor, 'POST', `/acme/batches/${batch.id}/items`, {
        hypothesisId: b.id,
        estimatedDays: 4,
      });
      expect(estimated.body).toMatchObject({ status: 'selected', estimatedDays: 4 });
      await call(editor, 'POST', `/acme/batches/${batch.id}/items`, { hypothesisId: c.id });

      const shown = await call(viewer, 'GET', `/acme/batches/${batch.id}`);
      expect(shown.status).toBe(200);
      expect(shown.body).toMatchObject({
        id: batch.id,
        week: '2030-W10',
        load: { plannedDays: 8, capacityDays: 5, items: 3, over: true },
      });
      expect(shown.body.items.map((h: Body) => h.title).sort()).toEqual([
        'Invite reminder',
        'Pricing FAQ',
        'Setup checklist',
      ]);
      expect(shown.body.items[0].tags).toEqual(['onboarding']);

      const out = await call(editor, 'DELETE', `/acme/batches/${batch.id}/items`, { hypothesisId: b.id });
      expect(out.status).toBe(200);
      expect(out.body).toMatchObject({
        id: b.id,
        status: 'backlog',
        batchId: null,
        rank: expect.any(Number),
      });
      const out2 = await call(editor, 'DELETE', `/acme/batches/${batch.id}/items/${c.id}`);
      expect(out2.status).toBe(200);
      expect(out2.body).toMatchObject({ id: c.id, status: 'backlog', batchId: null });

      const started = await call(editor, 'POST', `/acme/batches/${batch.id}/start`);
      expect(started.status).toBe(200);
      expect(started.body.startedAt).toEqual(expect.any(Number));
      expect(started.body.load).toEqual({ plannedDays: 3, capacityDays: 5, items: 1, over: false });
      expect(started.body.items.map((h: Body) => [h.id, h.status])).toEqual([[a.id, 'running']]);
    });

    it('refuses changes to a started batch, an empty start and an item not in the batch with 409', async () => {
      const { db, ws, editor } = await setup();
      const empty = await makeBatch(db, ws, { week: '2030-W09' });
      const res = await refused(db, () => call(editor, 'POST', `/acme/batches/${empty.id}/start`));
      expect(expectError(res, 409, 'conflict').message).toMatch(/Select at least one hypothesis/);

      const batch = await makeBatch(db, ws, { week: '2030-W10' });
      const a = await makeHypothesis(db, ws, { estimatedDays: 2 });
      const late = await makeHypothesis(db, ws, { estimatedDays: 2 });
      const elsewhere = await makeHypothesis(db, ws, { estimatedDays: 2 });
      const notIn = await refused(db, () =>
        call(editor, 'DELETE', `/acme/batches/${batch.id}/items/${elsewhere.id}`),
      );
      expect(expectError(notIn, 409, 'conflict').message).toMatch(/is not in the batch for 2030-W10/);
      await addToBatch(db, ws, batch.id, a.id);
      await startBatch(db, ws, batch.id);
      for (const [method, path, body] of [
        ['POST', `/acme/batches/${batch.id}/items`, { hypothesisId: late.id }],
        ['DELETE', `/acme/batches/${batch.id}/items`, { hypothesisId: a.id }],
        ['DELETE', `/acme/batches/${batch.id}/items/${a.id}`, undefined],
        ['POST', `/acme/batches/${batch.id}/start`, undefined],
      ] as const) {
        const r = await refused(db, () => call(editor, method, path, body));
        expectError(r, 409, 'conflict');
      }
      const selectedTwice = await makeBatch(db, ws, { week: '2030-W11' });
      const x = await makeHypothesis(db, ws, { estimatedDays: 1 });
      await addToBatch(db, ws, selectedTwice.id, x.id);
      const again = await refused(db, () =>
        call(editor, 'POST', `/acme/batches/${selectedTwice.id}/items`, { hypothesisId: x.id }),
      );
      expect(expectError(again, 409, 'illegal_transition').message).toMatch(/already selected in this batch/);
    });

    it('refuses bad item bodies with 422 and unknown ids with 404', async () => {
      const { db, ws, editor } = await setup();
      const batch = await makeBatch(db, ws, { week: '2030-W10' });
      const h = await makeHypothesis(db, ws, { estimatedDays: 2 });
      for (const body of [{}, { hypothesisId: 'seven' }, { hypothesisId: -1 }, { hypothesisId: true }]) {
        const res = await refused(db, () => call(editor, 'POST', `/acme/batches/${batch.id}/items`, body));
        expect(expectError(res, 422, 'invalid').fields?.hypothesisId).toMatch(/Say which hypothesis/);
      }
      const days = await refused(db, () =>
        call(editor, 'POST', `/acme/batches/${batch.id}/items`, { hypothesisId: h.id, estimatedDays: 0 }),
      );
      expect(expectError(days, 422, 'invalid').fields?.estimatedDays).toMatch(/at least 0.1/);
      const noBody = await refused(db, () => call(editor, 'DELETE', `/acme/batches/${batch.id}/items`, {}));
      expect(expectError(noBody, 422, 'invalid').fields?.hypothesisId).toMatch(/Say which hypothesis/);
      expectError(await call(editor, 'GET', '/acme/batches/999'), 404, 'not_found');
      expectError(await call(editor, 'GET', '/acme/batches/abc'), 404, 'not_found');
      const missing = await refused(db, () =>
        call(editor, 'POST', `/acme/batches/${batch.id}/items`, { hypothesisId: 999 }),
      );
      expectError(missing, 404, 'not_found');
    });
  });

  describe('access', () => {
    it('answers every route with 401 without a token', async () => {
      const { db, ws, anonymous } = await setup();
      const batch = await makeBatch(db, ws, { week: '2030-W10' });
      const h = await makeHypothesis(db, ws);
      for (const [method, path] of [
        ['GET', '/acme/levers'],
        ['GET', '/acme/batches'],
        ['POST', '/acme/batches'],
        ['GET', `/acme/batches/${batch.id}`],
        ['POST', `/acme/batches/${batch.id}/items`],
        ['DELETE', `/acme/batches/${batch.id}/items`],
        ['DELETE', `/acme/batches/${batch.id}/items/${h.id}`],
        ['POST', `/acme/batches/${batch.id}/start`],
        ['PUT', `/acme/hypotheses/${h.id}/my-score`],
      ] as const) {
        const res = await refused(db, () => call(anonymous, method, path, method === 'GET' ? undefined : {}));
        expectError(res, 401, 'unauthorized');
      }
    });

    it('lets a viewer read but not change (403)', async () => {
      const { db, ws, viewer } = await setup();
      const batch = await makeBatch(db, ws, { week: '2030-W10' });
      const h = await makeHypothesis(db, ws, { estimatedDays: 2 });
      const selected = await makeHypothesis(db, ws, { estimatedDays: 2 });
      await addToBatch(db, ws, batch.id, selected.id);
      for (const path of ['/acme/levers', '/acme/batches', `/acme/batches/${batch.id}`])
        expect((await call(viewer, 'GET', path)).status, path).toBe(200);
      for (const [method, path, body] of [
        ['POST', '/acme/batches', { week: '2030-W11' }],
        ['POST', `/acme/batches/${batch.id}/items`, { hypothesisId: h.id }],
        ['DELETE', `/acme/batches/${batch.id}/items`, { hypothesisId: selected.id }],
        ['DELETE', `/acme/batches/${batch.id}/items/${selected.id}`, {}],
        ['POST', `/acme/batches/${batch.id}/start`, {}],
        ['PUT', `/acme/hypotheses/${h.id}/my-score`, { impact: 5, confidence: 5, ease: 5 }],
      ] as const) {
        const res = await refused(db, () => call(viewer, method, path, body));
        expectError(res, 403, 'forbidden');
      }
    });

    it("answers another workspace's ids and a workspace you are not in with 404", async () => {
      const { db, ws, editor } = await setup();
      const other = await makeWorkspace(db, { slug: 'other' });
      const theirs = await makeBatch(db, other, { week: '2030-W10' });
      const theirH = await makeHypothesis(db, other, { title: 'Their secret plan', estimatedDays: 2 });
      await addToBatch(db, other, theirs.id, theirH.id);
      const ours = await makeBatch(db, ws, { week: '2030-W10' });
      const ourH = await makeHypothesis(db, ws, { estimatedDays: 2 });
      for (const [method, path, body] of [
        ['GET', `/acme/batches/${theirs.id}`, undefined],
        ['POST', `/acme/batches/${theirs.id}/items`, { hypothesisId: ourH.id }],
        ['POST', `/acme/batches/${ours.id}/items`, { hypothesisId: theirH.id }],
        ['DELETE', `/acme/batches/${theirs.id}/items`, { hypothesisId: theirH.id }],
        ['DELETE', `/acme/batches/${theirs.id}/items/${theirH.id}`, {}],
        ['POST', `/acme/batches/${theirs.id}/start`, {}],
        // The id is judged before the body: an empty body is still a 404 here.
        ['PUT', `/acme/hypotheses/${theirH.id}/my-score`, {}],
        ['GET', '/other/levers', undefined],
        ['GET', '/other/batches', undefined],
        ['POST', '/other/batches', {}],
      ] as const) {
        const res = await refused(db, () => call(editor, method, path, body));
        expect(expectError(res, 404, 'not_found').message, `${method} ${path}`).not.toContain(
          'Their secret plan',
        );
      }
    });
  });

  describe('my score', () => {
    it("keeps each member's own scores; the hypothesis carries their means, with the spread", async () => {
      const { db, ws, editor, editor2, users } = await setup();
      const h = await makeHypothesis(db, ws, { impact: 5, confidence: 5, ease: 5 });
      const first = await call(editor, 'PUT', `/acme/hypotheses/${h.id}/my-score`, {
        impact: 8,
        confidence: 4,
        ease: 6,
      });
      expect(first.status).toBe(200);
      expect(first.body.mine).toEqual({ impact: 8, confidence: 4, ease: 6 });
      expect(first.body.hypothesis).toMatchObject({ impact: 8, confidence: 4, ease: 6, ice: 6 });
      expect(first.body.spread).toMatchObject({ n: 1, disagree: false });

      const second = await call(editor2, 'PUT', `/acme/hypotheses/${h.id}/my-score`, {
        impact: 4,
        confidence: 6,
        ease: '3',
      });
      expect(second.status).toBe(200);
      // Means: (8+4)/2 = 6, (4+6)/2 = 5, (6+3)/2 = 4.5; ICE = (6 + 5 + 4.5) / 3 = 5.17 → 5.2.
      expect(second.body.hypothesis).toMatchObject({
        id: h.id,
        impact: 6,
        confidence: 5,
        ease: 4.5,
        ice: 5.2,
        // Scores leave the version alone: members never overwrite each other.
        version: h.version,
      });
      expect(second.body.mine).toEqual({ impact: 4, confidence: 6, ease: 3 });
      expect(second.body.scores).toEqual([
        { userId: users.editor.id, name: 'Edda Editor', impact: 8, confidence: 4, ease: 6 },
        { userId: users.editor2.id, name: 'Finn Editor', impact: 4, confidence: 6, ease: 3 },
      ]);
      expect(second.body.spread).toEqual({
        n: 2,
        impact: 4,
        confidence: 2,
        ease: 3,
        max: 4,
        disagree: true,
        widest: 'impact',
      });
      // The first member changing their mind moves the means without touching the other's score.
      const changed = await call(editor, 'PUT', `/acme/hypotheses/${h.id}/my-score`, {
        impact: 6,
        confidence: 4,
        ease: 6,
      });
      expect(changed.body.hypothesis).toMatchObject({ impact: 5, confidence: 5, ease: 4.5 });
      expect(changed.body.scores[1]).toMatchObject({ name: 'Finn Editor', impact: 4 });
      expect((await requireHypothesis(db, ws, h.id)).ice).toBe(4.8);
    });

    it('refuses bad scores with 422 and a closed experiment with 409', async () => {
      const { db, ws, editor } = await setup();
      const h = await makeHypothesis(db, ws);
      for (const [body, field] of [
        [{ impact: 11, confidence: 5, ease: 5 }, 'impact'],
        [{ impact: 5, confidence: 'high', ease: 5 }, 'confidence'],
        [{ impact: 5, confidence: 5, ease: 4.5 }, 'ease'],
        [{ impact: 5, confidence: 5, ease: true }, 'ease'],
        [{ impact: 5, confidence: 5 }, 'ease'],
      ] as const) {
        const res = await refused(db, () => call(editor, 'PUT', `/acme/hypotheses/${h.id}/my-score`, body));
        const error = expectError(res, 422, 'invalid');
        expect(error.fields?.[field], JSON.stringify(body)).toMatch(/must be a whole number from 1 to 10/);
      }
      const closed = await closeAs(db, ws, await makeHypothesis(db, ws), { outcome: 'won' });
      const res = await refused(db, () =>
        call(editor, 'PUT', `/acme/hypotheses/${closed.id}/my-score`, { impact: 9, confidence: 9, ease: 9 }),
      );
      expect(expectError(res, 409, 'conflict').message).toMatch(/This experiment is closed/);
    });
  });

  describe('levers', () => {
    it('gives each lever its figures, matching a hand-computed table', async () => {
      const { db, ws, viewer, activation } = await setup();
      const retention = await makeInput(db, ws, { name: 'Week-2 retention' });
      const close = async (
        tags: string[],
        outcome: 'won' | 'lost' | 'inconclusive',
        estimatedDays: number,
        actualDays: number,
        ret: number,
      ) =>
        closeAs(db, ws, await makeHypothesis(db, ws, { metricId: activation.id, tags, estimatedDays }), {
          outcome,
          actualDays,
          return: ret,
        });
      // ROTI = return ÷ actual days: 6/3 = 2, 2/4 = 0.5, 1/1 = 1.
      await close(['onboarding'], 'won', 2, 3, 6);
      await close(['onboarding', 'email'], 'lost', 4, 4, 2);
      await close(['email'], 'inconclusive', 2, 1, 1);
      // Running experiments are not history yet.
      await moveTo(db, ws, await makeHypothesis(db, ws, { metricId: retention.id }), 'running');

      const res = await call(viewer, 'GET', '/acme/levers');
      expect(res.status).toBe(200);
      const row = (
        metricId: number,
        tag: string | null,
        closed: number,
        wins: number,
        winRate: number | null,
        meanRoti: number | null,
        effortRatio: number | null,
        suggestedConfidence: number,
      ) => ({ metricId, tag, closed, wins, winRate, meanRoti, effortRatio, suggestedConfidence });
      // suggested Confidence = 10 × (wins + 1) / (closed + 2); effort ratio = Σ actual / Σ estimated.
      expect(res.body.items.map(({ metricName: _n, ...rest }: Body) => rest)).toEqual([
        // all three: 1 win of 3; ROTI (2 + 0.5 + 1) / 3; days 8 / 8; 10 × 2 / 5
        row(activation.id, null, 3, 1, 0.333, 1.167, 1, 4),
        // email: 0 of 2; (0.5 + 1) / 2; 5 / 6; 10 × 1 / 4
        row(activation.id, 'email', 2, 0, 0, 0.75, 0.83, 2.5),
        // onboarding: 1 of 2; (2 + 0.5) / 2; 7 / 6; 10 × 2 / 4
        row(activation.id, 'onboarding', 2, 1, 0.5, 1.25, 1.17, 5),
        // no history: the prior, 10 × 1 / 2
        row(retention.id, null, 0, 0, null, null, null, 5),
      ]);
      expect(res.body.items[0].metricName).toBe('Activation rate');
    });
  });
});
