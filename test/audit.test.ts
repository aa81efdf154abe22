import { and, eq, gt, sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import type { Db } from '../db/client';
import {
  closeAs,
  makeHypothesis,
  makeInput,
  makeLearning,
  makeMember,
  makeWorkspace,
  moveTo,
} from '../db/factories';
import { type AuditEvent, auditEvents, hypotheses, learnings, metrics } from '../db/schema';
import { recordChange, workspaceTrail } from '../src/audit/audit';
import { describeEvent } from '../src/audit/describe';
import { fieldLabel, fmtDateTime, formatValue, shorten } from '../src/audit/format';
import { requireHypothesis } from '../src/hypotheses/hypotheses';
import { getNorthStar, requireMetric } from '../src/metrics/metrics';
import { NSM_CHECKS } from '../src/metrics/north-star';
import { hypothesisValues } from '../views/hypotheses/form';
import { metricValues } from '../views/metrics/page';
import { appFor, as, form, freshDb, htmx, json, person, signIn, testApp } from './helpers';

/** The id of the newest event so far: what a request records comes after it. */
async function mark(db: Db): Promise<number> {
  const [row] = await db.orm
    .select({ id: sql<number>`coalesce(max(${auditEvents.id}), 0)` })
    .from(auditEvents);
  return Number(row?.id ?? 0);
}

async function eventsSince(db: Db, since: number): Promise<AuditEvent[]> {
  return db.orm.select().from(auditEvents).where(gt(auditEvents.id, since)).orderBy(auditEvents.id);
}

/** The page's visible text, tags dropped and whitespace collapsed, so assertions read like the page. */
const textOf = (html: string) =>
  html
    .replace(/<[^>]+>/g, ' ')
    .replace(/&gt;/g, '>')
    .replace(/&lt;/g, '<')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, '&')
    .replace(/\s+/g, ' ')
    .replace(/ ([:.,])/g, '$1');

async function setup() {
  const t = await testApp();
  const ws = await makeWorkspace(t.db, { slug: 'acme' });
  const m = await makeInput(t.db, ws, { name: 'Activation rate' });
  return { ...t, ws, m };
}

describe('audit: describing events', () => {
  it('words a rescoring with friendly labels and formatted numbers', () => {
    const d = describeEvent(
      {
        entity: 'hypothesis',
        entityId: 1,
        action: 'update',
        before: { impact: 5, ice: 5, expectedRoti: 0.8333333 },
        after: { impact: 8, ice: 6, expectedRoti: 1.3333333 },
      },
      { iceMode: 'mean' },
    );
    expect(d.summary).toBe('Rescored');
    expect(d.rows).toEqual([
      { field: 'impact', label: 'Impact', before: '5', after: '8' },
      { field: 'ice', label: 'ICE', before: '5.0', after: '6.0' },
      { field: 'expectedRoti', label: 'Expected ROTI', before: '0.83', after: '1.33' },
    ]);
    const product = describeEvent(
      { entity: 'hypothesis', entityId: 1, action: 'update', before: { ice: 125 }, after: { ice: 200 } },
      { iceMode: 'product' },
    );
    expect(product.rows[0]).toMatchObject({ before: '125', after: '200' });
  });

  it('names edited fields, shortens long texts and shows empty values as a dash', () => {
    const long = 'x'.repeat(300);
    const d = describeEvent({
      entity: 'hypothesis',
      entityId: 1,
      action: 'update',
      before: { title: 'Old', rationale: 'short', expectedLift: null, tags: ['a'] },
      after: { title: 'New', rationale: long, expectedLift: 5, tags: [] },
    });
    expect(d.summary).toBe('Edited title, rationale, expected lift and tags');
    const byField = Object.fromEntries(d.rows.map((r) => [r.field, r]));
    expect(byField.rationale?.after.length).toBeLessThanOrEqual(80);
    expect(byField.rationale?.after.endsWith('…')).toBe(true);
    expect(byField.expectedLift).toMatchObject({ label: 'Expected lift', before: '—', after: '+5%' });
    expect(byField.tags).toMatchObject({ before: 'a', after: 'none' });
  });

  it('words transitions, closes, creations and follow-ups', () => {
    const move = describeEvent(
      {
        entity: 'hypothesis',
        entityId: 1,
        action: 'transition',
        before: { status: 'backlog' },
        after: { status: 'selected', selectedAt: Date.UTC(2025, 2, 14, 9, 5) },
      },
      { timeZone: 'UTC' },
    );
    expect(move.summary).toBe('Moved from Backlog to Selected');
    expect(move.rows).toEqual([
      { field: 'status', label: 'Status', before: 'Backlog', after: 'Selected' },
      { field: 'selectedAt', label: 'Selected', before: '—', after: '2025-03-14 09:05 UTC' },
    ]);
    const close = describeEvent({
      entity: 'hypothesis',
      entityId: 1,
      action: 'close',
      before: { status: 'running' },
      after: {
        status: 'done',
        result: 'won',
        roti: 1.5,
        lift: 12.345,
        learnings: [{ learningId: 3, statement: 'People love checklists', relation: 'supports' }],
      },
    });
    expect(close.summary).toBe('Closed as won, ROTI 1.50 per person-day');
    expect(close.rows.find((r) => r.field === 'lift')?.after).toBe('+12.35%');
    expect(close.rows.find((r) => r.field === 'learnings')?.after).toBe(
      '“People love checklists” (supports)',
    );
    const created = describeEvent({
      entity: 'hypothesis',
      entityId: 2,
      action: 'create',
      before: null,
      after: { status: 'draft', parentId: 1, impact: 5, confidence: 6, ease: 7, ice: 6 },
    });
    expect(created.summary).toBe(
      'Drafted as a follow-up of #1, scored Impact 5 · Confidence 6 · Ease 7 (ICE 6.0)',
    );
    expect(created.rows).toEqual([]);
    expect(
      describeEvent({
        entity: 'learning',
        entityId: 4,
        action: 'status',
        before: { status: 'emerging', statement: 'S' },
        after: { status: 'supported', statement: 'S' },
      }),
    ).toEqual({
      summary: 'Status changed from emerging to supported',
      rows: [{ field: 'status', label: 'Status', before: 'emerging', after: 'supported' }],
    });
  });

  it('lists North Star checklist answers one by one, and names metrics by id when it can', () => {
    const [first] = NSM_CHECKS;
    if (!first) throw new Error('no checks');
    const d = describeEvent({
      entity: 'metric',
      entityId: 1,
      action: 'update',
      before: { checklist: { [first.key]: { pass: null, note: '' } } },
      after: { checklist: { [first.key]: { pass: true, note: 'Teams are the value' } } },
    });
    expect(d.summary).toBe('Edited North Star checklist');
    expect(d.rows).toEqual([
      {
        field: `checklist.${first.key}`,
        label: first.label,
        before: 'not answered',
        after: 'passes (“Teams are the value”)',
      },
    ]);
    expect(
      formatValue('metricId', 3, { metricName: (id) => (id === 3 ? 'Activation rate' : undefined) }),
    ).toBe('Activation rate');
    expect(formatValue('metricId', 4)).toBe('#4');
    expect(formatValue('currentValue', 1234567.891)).toBe('1,234,567.89');
    expect(fieldLabel('someNewField')).toBe('Some new field');
    expect(shorten('a  b\n c')).toBe('a b c');
    expect(fmtDateTime(Date.UTC(2025, 0, 1, 23, 30), 'Europe/Paris')).toBe('2025-01-02 00:30 GMT+1');
    expect(fmtDateTime(0, 'Not/AZone')).toBe('1970-01-01 00:00 UTC');
  });

  it('words account changes', () => {
    const ev = (entity: string, action: string, before: object | null, after: object | null) =>
      describeEvent({ entity, entityId: 9, action, before: before as never, after: after as never }).summary;
    expect(ev('membership', 'add', null, { email: 'a@x.io', role: 'editor' })).toBe('Added a@x.io as editor');
    expect(
      ev('membership', 'role', { email: 'a@x.io', role: 'editor' }, { email: 'a@x.io', role: 'owner' }),
    ).toBe('Changed a@x.io’s role from editor to owner');
    expect(ev('membership', 'remove', { email: 'a@x.io', role: 'viewer' }, null)).toBe(
      'Removed a@x.io (was viewer)',
    );
    expect(ev('workspace', 'settings', { iceMode: 'mean' }, { iceMode: 'product' })).toBe(
      'Changed ICE mode (every stored ICE was recomputed)',
    );
    expect(ev('token', 'revoke', { label: 'CI', revokedAt: null }, { revokedAt: 1 })).toBe(
      'Revoked the API token “CI”',
    );
  });
});

describe('audit: hypotheses', () => {
  it('records a created hypothesis with its actor and a snapshot', async () => {
    const { app, db, me, m } = await setup();
    const since = await mark(db);
    const res = await app.request(
      '/w/acme/hypotheses',
      form({
        title: 'Checklist on empty board',
        change: 'show a checklist',
        outcome: 'rise',
        rationale: 'people need a next step',
        metricId: m.id,
        tags: 'onboarding, email',
        impact: 6,
        confidence: 5,
        ease: 4,
      }),
    );
    expect(res.status).toBe(303);
    const events = await eventsSince(db, since);
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({
      entity: 'hypothesis',
      action: 'create',
      actorUserId: me.user.id,
      actorName: 'Test Owner',
      before: null,
    });
    expect(events[0]?.after).toMatchObject({
      title: 'Checklist on empty board',
      impact: 6,
      ice: 5,
      status: 'backlog',
      tags: ['onboarding', 'email'],
    });
    expect(events[0]?.after).not.toHaveProperty('version');
  });

  it('records inline rescoring as the changed score, ICE and expected ROTI — and shows it on the page', async () => {
    const { app, db, me, ws } = await setup();
    const h = await makeHypothesis(db, ws, { impact: 5, confidence: 5, ease: 5, estimatedDays: 3 });
    const since = await mark(db);
    const res = await app.request(
      `/w/acme/hypotheses/${h.id}/score`,
      form({ impact: 8, confidence: 5, ease: 5, version: h.version }),
    );
    expect(res.status).toBe(303);
    const events = await eventsSince(db, since);
    expect(events).toHaveLength(1);
    const [e] = events;
    expect(e).toMatchObject({
      entity: 'hypothesis',
      entityId: h.id,
      action: 'update',
      actorName: 'Test Owner',
    });
    expect(e?.actorUserId).toBe(me.user.id);
    expect(e?.before).toEqual({ impact: 5, ice: 5, expectedRoti: h.expectedRoti });
    expect(e?.after).toMatchObject({ impact: 8, ice: 6 });
    expect(Object.keys(e?.after ?? {}).sort()).toEqual(['expectedRoti', 'ice', 'impact']);

    const page = textOf(await (await app.request(`/w/acme/hypotheses/${h.id}`)).text());
    expect(page).toContain('History');
    expect(page).toContain('Test Owner');
    expect(page).toContain('Rescored.');
    expect(page).toContain('Impact: 5 → 8');
    expect(page).toContain('ICE: 5.0 → 6.0');
    expect(page).toMatch(/\d{4}-\d{2}-\d{2} \d{2}:\d{2} UTC/);
    // Newest first: the rescoring comes before the creation.
    expect(page.indexOf('Rescored')).toBeLessThan(page.indexOf('Created in Backlog'));
  });

  it('records nothing for a refused or identical score', async () => {
    const { app, db, ws } = await setup();
    const h = await makeHypothesis(db, ws, { impact: 5 });
    const since = await mark(db);
    const bad = await app.request(
      `/w/acme/hypotheses/${h.id}/score`,
      form({ impact: 11, confidence: 5, ease: 5, version: h.version }),
    );
    expect(bad.status).toBe(422);
    const stale = await app.request(
      `/w/acme/hypotheses/${h.id}/score`,
      form({ impact: 9, confidence: 5, ease: 5, version: h.version + 7 }),
    );
    expect(stale.status).toBe(409);
    const same = await app.request(
      `/w/acme/hypotheses/${h.id}/score`,
      form({ impact: 5, confidence: 5, ease: 5, version: h.version }),
    );
    expect(same.status).toBe(303);
    expect(await eventsSince(db, since)).toEqual([]);
  });

  it('records an edit as only the changed fields (tags included); an identical save records nothing', async () => {
    const { app, db, ws } = await setup();
    const h = await makeHypothesis(db, ws, { title: 'Old title', tags: ['onboarding'] });
    const since = await mark(db);
    const same = await app.request(`/w/acme/hypotheses/${h.id}`, form(hypothesisValues(h)));
    expect(same.status).toBe(303);
    expect(await eventsSince(db, since)).toEqual([]);

    const current = await requireHypothesis(db, ws, h.id);
    const res = await app.request(
      `/w/acme/hypotheses/${h.id}`,
      form({ ...hypothesisValues(current), title: 'New title', tags: 'email, onboarding' }),
    );
    expect(res.status).toBe(303);
    const events = await eventsSince(db, since);
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({
      action: 'update',
      before: { title: 'Old title', tags: ['onboarding'] },
      after: { title: 'New title', tags: ['email', 'onboarding'] },
    });

    // Refused edits (a bad value, a stale version) record nothing.
    const after = await mark(db);
    const invalid = await app.request(
      `/w/acme/hypotheses/${h.id}`,
      form({ ...hypothesisValues(current), title: '', version: current.version + 1 }),
    );
    expect(invalid.status).toBe(422);
    const stale = await app.request(
      `/w/acme/hypotheses/${h.id}`,
      form({ ...hypothesisValues(current), title: 'Someone else' }),
    );
    expect(stale.status).toBe(409);
    expect(await eventsSince(db, after)).toEqual([]);
    expect((await requireHypothesis(db, ws, h.id)).title).toBe('New title');
  });

  it('records transitions with the status before and after; an illegal move records nothing', async () => {
    const { app, db, ws } = await setup();
    const h = await makeHypothesis(db, ws);
    const since = await mark(db);
    const res = await app.request(
      `/w/acme/hypotheses/${h.id}/transition`,
      form({ to: 'selected', version: h.version }),
    );
    expect(res.status).toBe(303);
    const events = await eventsSince(db, since);
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ action: 'transition', before: { status: 'backlog' } });
    expect(events[0]?.after).toMatchObject({ status: 'selected', selectedAt: expect.any(Number) });

    const after = await mark(db);
    const illegal = await app.request(`/w/acme/hypotheses/${h.id}/transition`, form({ to: 'done' }));
    expect(illegal.status).toBe(409);
    expect(await eventsSince(db, after)).toEqual([]);
    const page = textOf(await (await app.request(`/w/acme/hypotheses/${h.id}`)).text());
    expect(page).toContain('Moved from Backlog to Selected');
    expect(page).toContain('Status: Backlog → Selected');
  });

  it('records a close, the learning it creates and the learning it links; a refused close records nothing', async () => {
    const { app, db, ws, m } = await setup();
    const existing = await makeLearning(db, ws, { statement: 'Admins skim', metricId: m.id });
    const h = await moveTo(db, ws, await makeHypothesis(db, ws, { metricId: m.id }), 'running');
    const since = await mark(db);
    const refused = await app.request(
      `/w/acme/hypotheses/${h.id}/close`,
      form({ outcome: 'won', actualDays: 2, return: 5, version: h.version }),
    );
    expect(refused.status).toBe(422);
    expect(await eventsSince(db, since)).toEqual([]);

    const res = await app.request(
      `/w/acme/hypotheses/${h.id}/close`,
      form({
        outcome: 'won',
        actualDays: 2,
        return: 6,
        baseline: 10,
        observed: 12,
        newStatement: 'Checklists work',
        newStatus: 'emerging',
        [`link_${existing.id}`]: 'contradicts',
        version: h.version,
      }),
    );
    expect(res.status).toBe(303);
    const events = await eventsSince(db, since);
    const closes = events.filter((e) => e.entity === 'hypothesis');
    expect(closes).toHaveLength(1);
    expect(closes[0]).toMatchObject({ action: 'close', entityId: h.id, before: { status: 'running' } });
    expect(closes[0]?.after).toMatchObject({
      status: 'done',
      result: 'won',
      returnScore: 6,
      roti: 3,
      lift: 20,
    });
    const linked = (closes[0]?.after?.learnings ?? []) as { statement: string; relation: string }[];
    expect(linked.map((l) => l.relation).sort()).toEqual(['contradicts', 'supports']);
    const learningEvents = events.filter((e) => e.entity === 'learning');
    expect(learningEvents).toHaveLength(2);
    const link = learningEvents.find((e) => e.action === 'link');
    expect(link).toMatchObject({
      entityId: existing.id,
      after: { hypothesisId: h.id, relation: 'contradicts' },
    });
    const created = learningEvents.find((e) => e.action === 'create');
    expect(created?.after).toMatchObject({
      statement: 'Checklists work',
      hypothesisId: h.id,
      relation: 'supports',
    });

    const page = textOf(await (await app.request(`/w/acme/hypotheses/${h.id}`)).text());
    expect(page).toContain('Closed as won, ROTI 3.00 per person-day');
  });

  it('records follow-ups as creates that say where they came from', async () => {
    const { app, db, ws } = await setup();
    const closed = await closeAs(db, ws, await makeHypothesis(db, ws), { outcome: 'won' });
    const since = await mark(db);
    const res = await app.request(`/w/acme/hypotheses/${closed.id}/follow-up`, form({}));
    expect(res.status).toBe(303);
    const fromLearning = await app.request(
      `/w/acme/learnings/${closed.learnings[0]?.id}/follow-up`,
      form({}),
    );
    expect(fromLearning.status).toBe(303);
    const events = await eventsSince(db, since);
    expect(events.map((e) => [e.entity, e.action])).toEqual([
      ['hypothesis', 'create'],
      ['hypothesis', 'create'],
    ]);
    expect(events[0]?.after).toMatchObject({ status: 'draft', parentId: closed.id });
    expect(events[1]?.after).toMatchObject({ status: 'draft', sourceLearningId: closed.learnings[0]?.id });
    const draftId = events[0]?.entityId;
    const page = textOf(await (await app.request(`/w/acme/hypotheses/${draftId}`)).text());
    expect(page).toContain(`Drafted as a follow-up of #${closed.id}`);
  });

  it('records switching the ICE mode once, as a settings change, not on every hypothesis', async () => {
    const { app, db, ws } = await setup();
    const h = await makeHypothesis(db, ws);
    await makeHypothesis(db, ws);
    const since = await mark(db);
    const res = await app.request('/w/acme/settings', form({ name: ws.name, iceMode: 'product' }));
    expect(res.status).toBe(303);
    const events = await eventsSince(db, since);
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({
      entity: 'workspace',
      action: 'settings',
      before: { iceMode: 'mean' },
      after: { iceMode: 'product' },
    });
    const [row] = await db.orm.select({ ice: hypotheses.ice }).from(hypotheses).limit(1);
    expect(row?.ice).toBe(125);
    // Each hypothesis's history shows the switch that moved its ICE, although it has no event of its own.
    const page = await (await app.request(`/w/acme/hypotheses/${h.id}`)).text();
    const history = page.slice(page.indexOf('History'));
    expect(history).toContain('every stored ICE was recomputed');
    // A rename alone does not appear in hypothesis histories.
    await app.request('/w/acme/settings', form({ name: 'Renamed team', iceMode: 'product' }));
    const after = await (await app.request(`/w/acme/hypotheses/${h.id}`)).text();
    expect(after.slice(after.indexOf('History'))).not.toContain('Renamed team');
  });
});

describe('audit: metrics', () => {
  it('records create, update, archive, restore and delete; refusals and identical saves record nothing', async () => {
    const { app, db, ws } = await setup();
    let since = await mark(db);
    expect(
      (await app.request('/w/acme/metrics', form({ name: 'Invite conversion', unit: '%', direction: 'up' })))
        .status,
    ).toBe(303);
    expect(
      (await app.request('/w/acme/metrics', form({ name: 'invite CONVERSION', direction: 'up' }))).status,
    ).toBe(422);
    let events = await eventsSince(db, since);
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ entity: 'metric', action: 'create', actorName: 'Test Owner' });
    expect(events[0]?.after).toMatchObject({ name: 'Invite conversion', kind: 'input' });
    const id = events[0]?.entityId as number;

    since = await mark(db);
    const metric = await requireMetric(db, ws, id);
    expect((await app.request(`/w/acme/metrics/${id}`, form(metricValues(metric)))).status).toBe(303);
    expect(await eventsSince(db, since)).toEqual([]);
    const v2 = await requireMetric(db, ws, id);
    expect(
      (await app.request(`/w/acme/metrics/${id}`, form({ ...metricValues(v2), target: '30' }))).status,
    ).toBe(303);
    expect(
      (await app.request(`/w/acme/metrics/${id}`, form({ ...metricValues(v2), target: '40' }))).status,
    ).toBe(409);
    events = await eventsSince(db, since);
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ action: 'update', before: { target: null }, after: { target: 30 } });

    since = await mark(db);
    // Deleting an active metric is refused; archive, restore, archive again and delete are each recorded.
    expect((await app.request(`/w/acme/metrics/${id}/delete`, form({}))).status).toBe(409);
    expect((await app.request(`/w/acme/metrics/${id}/restore`, form({}))).status).toBe(303);
    expect(await eventsSince(db, since)).toEqual([]);
    for (const step of ['archive', 'archive', 'restore', 'archive', 'delete'])
      expect((await app.request(`/w/acme/metrics/${id}/${step}`, form({}))).status, step).toBe(303);
    events = await eventsSince(db, since);
    expect(events.map((e) => e.action)).toEqual(['archive', 'restore', 'archive', 'delete']);
    expect(events[0]).toMatchObject({
      before: { archivedAt: null },
      after: { archivedAt: expect.any(Number) },
    });
    expect(events[3]).toMatchObject({ before: { name: 'Invite conversion' }, after: null });
    expect(await db.orm.select().from(metrics).where(eq(metrics.id, id))).toEqual([]);
  });

  it('records the North Star checklist answers with the other fields', async () => {
    const { app, db, ws } = await setup();
    const nsm = await getNorthStar(db, ws);
    if (!nsm) throw new Error('no North Star');
    const [first] = NSM_CHECKS;
    const since = await mark(db);
    const res = await app.request(
      '/w/acme/north-star',
      form({
        ...metricValues(nsm),
        [`check_${first?.key}`]: 'pass',
        [`note_${first?.key}`]: 'Teams are the value',
      }),
    );
    expect(res.status).toBe(303);
    const events = await eventsSince(db, since);
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ entity: 'metric', entityId: nsm.id, action: 'update' });
    expect(Object.keys(events[0]?.after ?? {})).toEqual(['checklist']);
    const row = describeEvent(events[0] as AuditEvent).rows[0];
    expect(row).toMatchObject({ before: 'not answered', after: 'passes (“Teams are the value”)' });
  });
});

describe('audit: learnings', () => {
  it('records a new learning and a status change; the same status or a stale one records nothing', async () => {
    const { app, db, ws } = await setup();
    let since = await mark(db);
    expect(
      (await app.request('/w/acme/learnings', form({ statement: 'Admins skim', status: 'emerging' }))).status,
    ).toBe(303);
    expect((await app.request('/w/acme/learnings', form({ statement: '' }))).status).toBe(422);
    let events = await eventsSince(db, since);
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({
      entity: 'learning',
      action: 'create',
      after: { statement: 'Admins skim', status: 'emerging' },
    });
    const id = events[0]?.entityId as number;

    since = await mark(db);
    const [l] = await db.orm.select().from(learnings).where(eq(learnings.id, id));
    expect(
      (
        await app.request(
          `/w/acme/learnings/${id}/status`,
          form({ status: 'emerging', version: l?.version ?? 1 }),
        )
      ).status,
    ).toBe(303);
    expect(
      (await app.request(`/w/acme/learnings/${id}/status`, form({ status: 'supported', version: 1 }))).status,
    ).toBe(409);
    expect(await eventsSince(db, since)).toEqual([]);
    const [l2] = await db.orm.select().from(learnings).where(eq(learnings.id, id));
    const res = await app.request(
      `/w/acme/learnings/${id}/status`,
      form({ status: 'supported', version: l2?.version ?? 0 }, htmx),
    );
    expect(res.status).toBe(200);
    events = await eventsSince(db, since);
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({
      action: 'status',
      before: { status: 'emerging' },
      after: { status: 'supported' },
    });
    void ws;
  });
});

describe('audit: activity page', () => {
  it('lists the workspace trail for an owner, newest first, each entry linking to its record', async () => {
    const { app, db, ws, m } = await setup();
    const h = await makeHypothesis(db, ws, { title: 'Checklist on empty board', metricId: m.id });
    await app.request(
      `/w/acme/hypotheses/${h.id}/score`,
      form({ impact: 9, confidence: 5, ease: 5, version: h.version }),
    );
    await makeLearning(db, ws, { statement: 'Admins skim' });
    const res = await app.request('/w/acme/activity');
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toContain(`href="/w/acme/hypotheses/${h.id}"`);
    expect(html).toContain(`href="/w/acme/metrics/${m.id}/edit"`);
    expect(html).toContain('href="/w/acme/north-star"');
    const text = textOf(html);
    expect(text).toContain('Hypothesis “Checklist on empty board”: Rescored.');
    expect(text).toContain('Impact: 5 → 9');
    expect(text).toContain('Learning “Admins skim”: Recorded as emerging.');
    expect(text).toContain('Metric “Activation rate”: Added as an input metric.');
    // Newest first.
    expect(text.indexOf('Admins skim')).toBeLessThan(text.indexOf('Rescored'));
    expect(text.indexOf('Rescored')).toBeLessThan(text.indexOf('Activation rate'));

    // htmx gets the list alone.
    const fragment = await app.request('/w/acme/activity?entity=learning', { headers: htmx });
    expect(fragment.status).toBe(200);
    const part = await fragment.text();
    expect(part).toContain('id="activity-results"');
    expect(part).not.toContain('<html');
    expect(part).toContain('Admins skim');
    expect(part).not.toContain('Rescored');
  });

  it('explains what is recorded when there is nothing to show', async () => {
    const { app, db } = await setup();
    await makeWorkspace(db, { slug: 'quiet' });
    const res = await app.request('/w/quiet/activity?entity=learning');
    expect(res.status).toBe(200);
    const text = textOf(await res.text());
    expect(text).toContain('No changes to learnings to show.');
    expect(text).toContain('The trail records every change to this workspace');
  });

  it('orders the trail by when things happened, also when they were recorded out of order', async () => {
    const { db, ws } = await setup();
    const day = 24 * 60 * 60 * 1000;
    const base = Date.UTC(2026, 0, 10);
    // Recorded in this order (as an import or the demo seed might), happened on days 3, 1, 2.
    for (const [n, at] of [
      [3, base + 3 * day],
      [1, base + day],
      [2, base + 2 * day],
    ] as const)
      await db.write((tx) =>
        recordChange(
          tx,
          { workspaceId: ws.id, entity: 'learning', entityId: 1000 + n, action: 'create' },
          at,
        ),
      );
    const ids = (events: AuditEvent[]) => events.filter((e) => e.entityId > 1000).map((e) => e.entityId);
    const all = await workspaceTrail(db, ws.id, { entity: 'learning' });
    expect(ids(all.events)).toEqual([1003, 1002, 1001]);
    // Paging one at a time walks the same order.
    const page1 = await workspaceTrail(db, ws.id, { entity: 'learning', limit: 1 });
    const page2 = await workspaceTrail(db, ws.id, {
      entity: 'learning',
      limit: 1,
      before: page1.events[0]?.id,
    });
    const page3 = await workspaceTrail(db, ws.id, {
      entity: 'learning',
      limit: 1,
      before: page2.events[0]?.id,
    });
    expect([...ids(page1.events), ...ids(page2.events), ...ids(page3.events)]).toEqual([1003, 1002, 1001]);
  });

  it('paginates 50 at a time with an Older link, and filters by entity', async () => {
    const { app, db, ws } = await setup();
    const h = await makeHypothesis(db, ws);
    for (let i = 0; i < 55; i++) {
      const cur = await requireHypothesis(db, ws, h.id);
      const r = await app.request(
        `/w/acme/hypotheses/${h.id}/score`,
        form({
          impact: (i % 9) + 1 === cur.impact ? 10 : (i % 9) + 1,
          confidence: 5,
          ease: 5,
          version: cur.version,
        }),
      );
      expect(r.status).toBe(303);
    }
    const total = await db.orm
      .select({ n: sql<number>`count(*)` })
      .from(auditEvents)
      .where(and(eq(auditEvents.workspaceId, ws.id), eq(auditEvents.entity, 'hypothesis')));
    expect(Number(total[0]?.n)).toBe(56);

    const first = await (await app.request('/w/acme/activity?entity=hypothesis')).text();
    expect(first.match(/class="audit-entry"/g)).toHaveLength(50);
    const older = /href="(\/w\/acme\/activity\?entity=hypothesis&amp;before=(\d+))"/.exec(first);
    expect(older).not.toBeNull();
    const second = await (await app.request((older?.[1] ?? '').replace(/&amp;/g, '&'))).text();
    expect(second.match(/class="audit-entry"/g)).toHaveLength(6);
    expect(second).not.toMatch(/before=\d+"[^>]*>\s*Older/);
    expect(textOf(second)).toContain('Created in Backlog');
    // Only hypothesis events on those pages: the metrics created by the setup are filtered out.
    expect(second).not.toContain('Added as an input metric');

    const metricsOnly = textOf(await (await app.request('/w/acme/activity?entity=metric')).text());
    expect(metricsOnly).toContain('Added as an input metric');
    expect(metricsOnly).not.toContain('Rescored');
  });

  it('ignores a bad filter with a message instead of failing', async () => {
    const { app } = await setup();
    for (const q of ['entity=bogus', 'before=abc', 'before=-3', 'entity=token&before=1e400']) {
      const res = await app.request(`/w/acme/activity?${q}`);
      expect(res.status, q).toBe(200);
      const text = textOf(await res.text());
      expect(text, q).toContain('Ignored part of the address');
      expect(text, q).toContain('Added as an input metric');
    }
  });

  it('is for owners only: 403 for editors and viewers, 404 for non-members and anonymous goes to login', async () => {
    const db = await freshDb();
    const app = appFor(db);
    const owner = await person(db);
    const ws = await makeWorkspace(db, { slug: 'team', ownerId: owner.user.id });
    const editor = await signIn(db, await makeMember(db, ws, 'editor'));
    const viewer = await signIn(db, await makeMember(db, ws, 'viewer'));
    const stranger = await person(db);
    expect((await as(app, owner).request('/w/team/activity')).status).toBe(200);
    for (const who of [editor, viewer]) {
      const res = await as(app, who).request('/w/team/activity');
      expect(res.status).toBe(403);
      expect(await res.text()).not.toContain('audit-entry');
    }
    expect((await as(app, stranger).request('/w/team/activity')).status).toBe(404);
    expect((await as(app, 'anonymous').request('/w/team/activity')).status).toBe(303);
  });
});

describe('audit: actors', () => {
  it('records the token’s user for API changes, and the editor who made a web change', async () => {
    const db = await freshDb();
    const app = appFor(db);
    const owner = await person(db, { name: 'Olive Owner' });
    const ws = await makeWorkspace(db, { slug: 'team', ownerId: owner.user.id });
    const h = await makeHypothesis(db, ws, { impact: 5 });
    const editor = await signIn(db, await makeMember(db, ws, 'editor', { name: 'Eddie Editor' }));

    let since = await mark(db);
    const res = await as(app, owner).request(
      `/api/v1/workspaces/team/hypotheses/${h.id}`,
      json('PATCH', { impact: 7, version: h.version }),
    );
    expect(res.status).toBe(200);
    let events = await eventsSince(db, since);
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({
      actorUserId: owner.user.id,
      actorName: 'Olive Owner',
      action: 'update',
      before: { impact: 5 },
      after: { impact: 7 },
    });

    since = await mark(db);
    const created = await as(app, editor).request(
      '/api/v1/workspaces/team/metrics',
      json('POST', { name: 'Invite conversion' }),
    );
    expect(created.status).toBe(201);
    const moved = await as(app, editor).request(
      `/w/team/hypotheses/${h.id}/transition`,
      form({ to: 'selected' }),
    );
    expect(moved.status).toBe(303);
    events = await eventsSince(db, since);
    expect(events.map((e) => [e.entity, e.action, e.actorName, e.actorUserId])).toEqual([
      ['metric', 'create', 'Eddie Editor', editor.user.id],
      ['hypothesis', 'transition', 'Eddie Editor', editor.user.id],
    ]);

    // A viewer's refused change records nothing.
    const viewer = await signIn(db, await makeMember(db, ws, 'viewer'));
    since = await mark(db);
    const refused = await as(app, viewer).request(
      `/api/v1/workspaces/team/hypotheses/${h.id}/transition`,
      json('POST', { to: 'running' }),
    );
    expect(refused.status).toBe(403);
    expect(await eventsSince(db, since)).toEqual([]);
    // Viewers still read each hypothesis's history on its page.
    const page = textOf(await (await as(app, viewer).request(`/w/team/hypotheses/${h.id}`)).text());
    expect(page).toContain('Eddie Editor');
    expect(page).toContain('Olive Owner');
    expect(page).toContain('Impact: 5 → 7');
  });
});
