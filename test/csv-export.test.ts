import { parse } from 'csv-parse/sync';
import { asc, eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import type { Db } from '../db/client';
import {
  closeAs,
  DAY_MS,
  makeHypothesis,
  makeInput,
  makeLearning,
  makeMember,
  makeWorkspace,
  measure,
  moveTo,
} from '../db/factories';
import { hypotheses, measurements, type Workspace } from '../db/schema';
import { closeHypothesis } from '../src/hypotheses/close';
import { attachTags, transitionHypothesis } from '../src/hypotheses/hypotheses';
import { CloseInput } from '../src/hypotheses/schemas';
import { learningsOfHypothesis } from '../src/learnings/learnings';
import { parse as zparse } from '../src/validation';
import { appFor, as, signIn, testApp } from './helpers';

const NOW = Date.UTC(2026, 10, 22, 15, 0); // Sunday 22 Nov 2026, week 47

/** A CSV response as rows of cells (the byte-order mark checked and dropped). */
async function rowsOf(res: Response): Promise<string[][]> {
  const bytes = new Uint8Array(await res.arrayBuffer());
  expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
  return parse(new TextDecoder().decode(bytes.subarray(3)));
}

/** Each column by header, for one row. */
const byHeader = (rows: string[][], i: number) =>
  Object.fromEntries((rows[0] ?? []).map((h, j) => [h, rows[i]?.[j]]));

/** The downloaded file uploaded as it is (bytes, byte-order mark included). */
function upload(file: Uint8Array<ArrayBuffer>, name = 'export.csv') {
  const body = new FormData();
  body.append('file', new File([file], name, { type: 'text/csv' }));
  return { method: 'POST', body, headers: { Origin: 'http://localhost' } };
}

/** What must survive an export and an import: everything a person wrote or decided about each hypothesis. */
async function comparable(db: Db, ws: Workspace) {
  const rows = await attachTags(
    db,
    ws,
    await db.orm
      .select()
      .from(hypotheses)
      .where(eq(hypotheses.workspaceId, ws.id))
      .orderBy(asc(hypotheses.id)),
  );
  const metricNames = new Map(
    (await db.orm.query.metrics.findMany({ where: (m, { eq }) => eq(m.workspaceId, ws.id) })).map((m) => [
      m.id,
      m.name,
    ]),
  );
  return Promise.all(
    rows.map(async (h) => ({
      title: h.title,
      metric: metricNames.get(h.metricId),
      status: h.status,
      change: h.change,
      outcome: h.outcome,
      rationale: h.rationale,
      scores: [h.impact, h.confidence, h.ease, h.ice, h.expectedRoti],
      estimatedDays: h.estimatedDays,
      expectedLift: h.expectedLift,
      owner: h.owner,
      tags: h.tags,
      closed: [h.result, h.actualDays, h.returnScore, h.roti, h.baseline, h.observed, h.lift],
      started: h.startedAt == null ? null : new Date(h.startedAt).toISOString().slice(0, 10),
      closedOn: h.closedAt == null ? null : new Date(h.closedAt).toISOString().slice(0, 10),
      learnings: (await learningsOfHypothesis(db, ws, h.id)).map((l) => l.statement),
    })),
  );
}

describe('csv exports', () => {
  it('downloads hypotheses as UTF-8 CSV with a byte-order mark, dated and named after the workspace', async () => {
    const { app, db } = await testApp();
    const ws = await makeWorkspace(db, { slug: 'acme' });
    await makeHypothesis(db, ws, { title: 'Café crème onboarding', owner: 'Zoë' });
    const res = await app.request('/w/acme/export/hypotheses.csv');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    const today = new Date().toISOString().slice(0, 10);
    expect(res.headers.get('content-disposition')).toBe(
      `attachment; filename="acme-hypotheses-${today}.csv"`,
    );
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    const rows = await rowsOf(res);
    expect(rows[0]?.slice(0, 6)).toEqual([
      'Title',
      'Metric',
      'Status',
      'Change',
      'Expected outcome',
      'Rationale',
    ]);
    expect(byHeader(rows, 1)).toMatchObject({
      Title: 'Café crème onboarding',
      Owner: 'Zoë',
      Status: 'backlog',
    });
  });

  it('neutralises formula injection in every export while numbers stay numbers', async () => {
    const { app, db } = await testApp();
    const ws = await makeWorkspace(db, { slug: 'acme' });
    const m = await makeInput(db, ws, { name: '=cmd|calc' });
    const h = await makeHypothesis(db, ws, {
      metricId: m.id,
      title: '=HYPERLINK("http://evil.example","click")',
      owner: '@ops',
      change: '+1 step',
      expectedLift: -3,
    });
    await closeAs(db, ws, h, {
      outcome: 'lost',
      baseline: 10,
      observed: 9,
      learnings: [{ statement: '-Less is more' }],
    });
    await measure(db, ws, m, { '2026-W45': -2.5 });
    const text = async (path: string) =>
      new TextDecoder().decode(await (await app.request(path)).arrayBuffer());
    const hyp = await text('/w/acme/export/hypotheses.csv');
    expect(hyp).toContain(`"'=HYPERLINK(""http://evil.example"",""click"")"`);
    expect(hyp).toContain("'=cmd|calc");
    expect(hyp).toContain("'@ops");
    expect(hyp).toContain("'+1 step");
    expect(hyp).toContain(',-3,'); // the expected lift: a number, not text
    expect(hyp).toContain(',-10,'); // the lift: (9 − 10) ÷ 10
    expect(hyp).toContain("'-Less is more");
    expect(await text('/w/acme/export/results.csv')).toContain("'-Less is more");
    expect(await text('/w/acme/export/learnings.csv')).toContain("'-Less is more");
    const values = await text('/w/acme/export/measurements.csv');
    expect(values).toContain("'=cmd|calc,week,2026-W45,-2.5,manual,");
    for (const body of [hyp, values]) expect(body).not.toMatch(/(^|\n|,)[=+@]/);
  });

  it('exports closed experiments with their numbers, batch week and learnings', async () => {
    const { app, db } = await testApp();
    const ws = await makeWorkspace(db, { slug: 'acme' });
    const m = await makeInput(db, ws, { name: 'Activation rate' });
    await makeHypothesis(db, ws, { metricId: m.id, title: 'Still in the backlog' });
    const h = await makeHypothesis(db, ws, {
      metricId: m.id,
      title: 'Checklist',
      impact: 8,
      expectedLift: 10,
      estimatedDays: 2,
    });
    const started = NOW - 10 * DAY_MS;
    await moveTo(db, ws, h, 'running', started);
    const closed = await closeHypothesis(
      db,
      ws,
      h.id,
      zparse(CloseInput, {
        outcome: 'won',
        actualDays: 3,
        baseline: 0.4,
        observed: 0.42,
        learnings: [{ statement: 'Checklists help new teams' }],
      }),
      NOW,
    );
    const rows = await rowsOf(await app.request('/w/acme/export/results.csv'));
    expect(rows).toHaveLength(2);
    expect(byHeader(rows, 1)).toEqual({
      ID: String(closed.id),
      Title: 'Checklist',
      Metric: 'Activation rate',
      Result: 'won',
      Baseline: '0.4',
      Observed: '0.42',
      'Lift (%)': '5',
      'Expected lift (%)': '10',
      'Estimated days': '2',
      'Actual days': '3',
      // Suggested: 8 × 5 ÷ 10 = 4; ROTI 4 ÷ 3 person-days.
      Return: '4',
      ROTI: '1.333',
      Started: '2026-11-12',
      Closed: '2026-11-22',
      'Batch week': '2026-W46',
      Learnings: 'Checklists help new teams',
    });
  });

  it('exports learnings with the experiments that support or contradict them', async () => {
    const { app, db } = await testApp();
    const ws = await makeWorkspace(db, { slug: 'acme' });
    const m = await makeInput(db, ws, { name: 'Activation rate' });
    const standing = await makeLearning(db, ws, { statement: 'Teams copy what they see', metricId: m.id });
    const a = await makeHypothesis(db, ws, { metricId: m.id, title: 'Templates' });
    const b = await makeHypothesis(db, ws, { metricId: m.id, title: 'Blank start' });
    await closeAs(db, ws, a, {
      outcome: 'won',
      learnings: [{ learningId: standing.id, relation: 'supports' }],
    });
    await closeAs(db, ws, b, {
      outcome: 'lost',
      learnings: [{ learningId: standing.id, relation: 'contradicts' }],
    });
    const rows = await rowsOf(await app.request('/w/acme/export/learnings.csv'));
    expect(rows[0]).toEqual([
      'ID',
      'Statement',
      'Status',
      'Metric',
      'Supported by',
      'Contradicted by',
      'Created',
    ]);
    expect(byHeader(rows, 1)).toMatchObject({
      Statement: 'Teams copy what they see',
      Status: 'emerging',
      Metric: 'Activation rate',
      'Supported by': `#${a.id} Templates`,
      'Contradicted by': `#${b.id} Blank start`,
    });
  });

  it('round-trips hypotheses: export, then import into another workspace, gives the same hypotheses', async () => {
    const { app, db } = await testApp();
    // Relative to the real clock: the importer refuses dates in the future.
    const now = Date.now();
    const source = await makeWorkspace(db, { slug: 'source' });
    const target = await makeWorkspace(db, { slug: 'target' });
    const act = await makeInput(db, source, { name: 'Activation rate' });
    const inv = await makeInput(db, source, { name: 'Invite conversion', direction: 'down' });
    // The same input metrics by name (in another order: they are matched by name, not by id).
    await makeInput(db, target, { name: 'Invite conversion', direction: 'down' });
    await makeInput(db, target, { name: 'Activation rate' });
    await makeHypothesis(db, source, {
      metricId: act.id,
      title: 'Checklist, on the "empty" board',
      change: 'show a checklist\nwith three steps',
      tags: ['onboarding', 'quick-win'],
      owner: 'Zoë',
      impact: 7,
      confidence: 6,
      ease: 8,
      estimatedDays: 2.5,
      expectedLift: -3,
    });
    await makeHypothesis(db, source, {
      metricId: inv.id,
      title: 'Draft idea',
      status: 'draft',
      expectedLift: undefined,
      estimatedDays: undefined,
      tags: [],
    });
    const parked = await makeHypothesis(db, source, { metricId: inv.id, title: '=Parked one' });
    await moveTo(db, source, parked, 'parked');
    const rejected = await makeHypothesis(db, source, {
      metricId: act.id,
      title: 'Rejected',
      status: 'draft',
    });
    await transitionHypothesis(db, source, rejected.id, 'rejected');
    const running = await makeHypothesis(db, source, { metricId: act.id, title: 'Running' });
    await moveTo(db, source, running, 'running', now - 3 * DAY_MS);
    const won = await makeHypothesis(db, source, {
      metricId: act.id,
      title: 'Won',
      impact: 9,
      expectedLift: 5,
    });
    await closeAs(
      db,
      source,
      won,
      {
        outcome: 'won',
        baseline: 100,
        observed: 104,
        actualDays: 4,
        learnings: [{ statement: 'Nudges work' }, { statement: 'Timing matters' }],
        startedAt: now - 20 * DAY_MS,
      },
      now - 6 * DAY_MS,
    );
    const lost = await makeHypothesis(db, source, { metricId: inv.id, title: 'Lost' });
    await closeAs(db, source, lost, { outcome: 'lost', return: 2, actualDays: 1 }, now - 2 * DAY_MS);

    const exported = await app.request('/w/source/export/hypotheses.csv');
    const csv = new Uint8Array(await exported.arrayBuffer());
    const preview = await app.request('/w/target/import/hypotheses/preview', upload(csv));
    const html = await preview.text();
    expect(html).toContain('Import 7 hypotheses');
    expect(html).toContain('UTF-8 (its byte-order mark was dropped)');
    expect(html).not.toContain('not read and will be ignored');
    const res = await app.request('/w/target/import/hypotheses', upload(csv));
    expect(res.status).toBe(303);
    expect(await comparable(db, target)).toEqual(await comparable(db, source));
  });

  it('round-trips measurements: the export imports into another workspace as the same values', async () => {
    const { app, db } = await testApp();
    const source = await makeWorkspace(db, { slug: 'source' });
    const target = await makeWorkspace(db, { slug: 'target' });
    for (const ws of [source, target]) {
      await makeInput(db, ws, { name: 'Activation rate' });
      await makeInput(db, ws, { name: 'Daily signups', cadence: 'day' });
    }
    const metricsOf = (ws: Workspace) =>
      db.orm.query.metrics.findMany({ where: (m, { eq }) => eq(m.workspaceId, ws.id), orderBy: (m) => m.id });
    const [nsm, act, daily] = await metricsOf(source);
    if (!nsm || !act || !daily) throw new Error('metrics missing');
    await measure(db, source, nsm, { '2026-W46': 1200, '2026-W47': 1250.5 });
    await measure(db, source, act, { '2026-W47': 0.43 });
    await measure(db, source, daily, { '2026-11-20': 12, '2026-11-21': 1234567 });
    const res = await app.request('/w/source/export/measurements.csv');
    const rows = await rowsOf(res.clone());
    expect(rows[0]).toEqual(['Metric', 'Cadence', 'Period', 'Value', 'Source', 'Updated']);
    expect(rows.slice(1).map((r) => r.slice(0, 5))).toEqual([
      ['Weekly active teams', 'week', '2026-W46', '1200', 'manual'],
      ['Weekly active teams', 'week', '2026-W47', '1250.5', 'manual'],
      ['Activation rate', 'week', '2026-W47', '0.43', 'manual'],
      ['Daily signups', 'day', '2026-11-20', '12', 'manual'],
      ['Daily signups', 'day', '2026-11-21', '1234567', 'manual'],
    ]);
    const csv = new Uint8Array(await res.arrayBuffer());
    const html = await (await app.request('/w/target/import/measurements/preview', upload(csv))).text();
    expect(html).toContain('is not read: Lodestar’s export writes it');
    expect((await app.request('/w/target/import/measurements', upload(csv))).status).toBe(303);
    const values = async (ws: Workspace) => {
      const names = new Map((await metricsOf(ws)).map((m) => [m.id, m.name]));
      const all = await db.orm
        .select()
        .from(measurements)
        .where(eq(measurements.workspaceId, ws.id))
        .orderBy(asc(measurements.metricId), asc(measurements.period));
      return all.map((v) => [names.get(v.metricId), v.period, v.value]);
    };
    expect(await values(target)).toEqual(await values(source));
  });

  it('lets viewers download, and answers a non-member with 404', async () => {
    const { db } = await testApp();
    const ws = await makeWorkspace(db, { slug: 'acme' });
    const viewer = await signIn(db, await makeMember(db, ws, 'viewer'));
    const app = appFor(db);
    for (const kind of ['hypotheses', 'results', 'learnings', 'measurements']) {
      const res = await as(app, viewer).request(`/w/acme/export/${kind}.csv`);
      expect(res.status, kind).toBe(200);
      expect(res.headers.get('content-disposition')).toContain(`acme-${kind}-`);
    }
    const stranger = await signIn(db, await makeMember(db, await makeWorkspace(db), 'owner'));
    expect((await as(app, stranger).request('/w/acme/export/hypotheses.csv')).status).toBe(404);
  });
});
