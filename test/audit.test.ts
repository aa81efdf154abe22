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
import { runAs, userActor } from '../src/audit/actor';
import { recordChange, workspaceTrail } from '../src/audit/audit';
import { describeEvent, entityWord } from '../src/audit/describe';
import { fieldLabel, fmtDateTime, formatValue, shorten } from '../src/audit/format';
import { createBatch, DEFAULT_CAPACITY_DAYS, listBatches, setCapacity } from '../src/batches/batches';
import { addToBatch, startBatch } from '../src/batches/selection';
import { isoWeek, weekLabel } from '../src/batches/weeks';
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

  it('words a member’s score: what they gave, what they had given, and the team’s ICE it moved', () => {
    const first = describeEvent(
      {
        entity: 'hypothesis',
        entityId: 12,
        action: 'score',
        before: { mine: null, ice: 5 },
        after: {
          mine: { impact: 7, confidence: 6, ease: 8 },
          ice: 6.3,
          impact: 6,
          confidence: 5.5,
          ease: 7.5,
        },
      },
      { iceMode: 'mean' },
    );
    expect(first.summary).toBe('Scored Impact 7, Confidence 6, Ease 8 (first score) — team ICE 5.0 → 6.3');
    expect(first.rows).toEqual([
      { field: 'mine.impact', label: 'Impact (own)', before: '—', after: '7' },
      { field: 'mine.confidence', label: 'Confidence (own)', before: '—', after: '6' },
      { field: 'mine.ease', label: 'Ease (own)', before: '—', after: '8' },
      { field: 'ice', label: 'Team ICE', before: '5.0', after: '6.3' },
    ]);
    const again = describeEvent({
      entity: 'hypothesis',
      entityId: 12,
      action: 'score',
      before: { mine: { impact: 5, confidence: 5, ease: 5 }, ice: 6.3 },
      after: { mine: { impact: 7, confidence: 5, ease: 5 }, ice: 6.8, impact: 7, confidence: 6, ease: 7.5 },
    });
    expect(again.summary).toBe('Scored Impact 7, Confidence 5, Ease 5 (was 5/5/5) — team ICE 6.3 → 6.8');
    expect(again.rows).toEqual([
      { field: 'mine.impact', label: 'Impact (own)', before: '5', after: '7' },
      { field: 'ice', label: 'Team ICE', before: '6.3', after: '6.8' },
    ]);
    // A score that leaves the team's ICE where it was (in product mode, a whole number) says so.
    expect(
      describeEvent(
        {
          entity: 'hypothesis',
          entityId: 12,
          action: 'score',
          before: { mine: { impact: 4, confidence: 5, ease: 5 }, ice: 125 },
          after: {
            mine: { impact: 6, confidence: 5, ease: 5 },
            ice: 125.2,
            impact: 5,
            confidence: 5,
            ease: 5,
          },
        },
        { iceMode: 'product' },
      ).summary,
    ).toBe('Scored Impact 6, Confidence 5, Ease 5 (was 4/5/5) — team ICE stays 125');
  });

  it('words moves into, out of and through a weekly batch, and links the batch they name', () => {
    const week = '2026-W47';
    const selected = describeEvent(
      {
        entity: 'hypothesis',
        entityId: 12,
        action: 'transition',
        before: { status: 'backlog', estimatedDays: null },
        after: {
          status: 'selected',
          selectedAt: Date.UTC(2026, 10, 16, 10),
          batchId: 4,
          week,
          estimatedDays: 3,
        },
      },
      { timeZone: 'UTC' },
    );
    expect(selected.summary).toBe(
      'Selected into the batch for Week 47 · 16–22 Nov 2026 (estimate set to 3 days)',
    );
    expect(selected.link).toEqual({ text: 'the batch for Week 47 · 16–22 Nov 2026', batchId: 4 });
    expect(selected.rows).toEqual([
      { field: 'status', label: 'Status', before: 'Backlog', after: 'Selected' },
      { field: 'estimatedDays', label: 'Estimated person-days', before: '—', after: '3' },
      { field: 'selectedAt', label: 'Selected', before: '—', after: '2026-11-16 10:00 UTC' },
      { field: 'week', label: 'Batch', before: '—', after: 'Week 47 · 16–22 Nov 2026' },
    ]);
    const reestimated = describeEvent({
      entity: 'hypothesis',
      entityId: 12,
      action: 'transition',
      before: { status: 'backlog', estimatedDays: 2 },
      after: { status: 'selected', batchId: 4, week, estimatedDays: 1 },
    });
    expect(reestimated.summary).toBe(
      'Selected into the batch for Week 47 · 16–22 Nov 2026 (estimate changed from 2 days to 1 day)',
    );
    const removed = describeEvent({
      entity: 'hypothesis',
      entityId: 12,
      action: 'transition',
      before: { status: 'selected', batchId: 4, week },
      after: { status: 'backlog' },
    });
    expect(removed.summary).toBe('Taken out of the batch for Week 47 · 16–22 Nov 2026, back to the backlog');
    expect(removed.link?.batchId).toBe(4);
    expect(removed.rows).toContainEqual({
      field: 'week',
      label: 'Batch',
      before: 'Week 47 · 16–22 Nov 2026',
      after: '—',
    });
    const parked = describeEvent({
      entity: 'hypothesis',
      entityId: 12,
      action: 'transition',
      before: { status: 'selected', batchId: 4 },
      after: { status: 'parked' },
    });
    expect(parked.summary).toBe('Taken out of batch #4, now parked');
    const started = describeEvent(
      {
        entity: 'hypothesis',
        entityId: 12,
        action: 'transition',
        before: { status: 'selected' },
        after: { status: 'running', startedAt: Date.UTC(2026, 10, 16, 11), batchId: 4, week },
      },
      { timeZone: 'UTC' },
    );
    expect(started.summary).toBe('Started with the batch for Week 47 · 16–22 Nov 2026');
    // It was in that batch all along: no "Batch" row.
    expect(started.rows.map((r) => r.field)).toEqual(['status', 'startedAt']);
    // A move that names no batch (recorded before batches existed) keeps the plain words.
    expect(
      describeEvent({
        entity: 'hypothesis',
        entityId: 12,
        action: 'transition',
        before: { status: 'selected' },
        after: { status: 'backlog' },
      }),
    ).toEqual({
      summary: 'Moved from Selected to Backlog',
      rows: [{ field: 'status', label: 'Status', before: 'Selected', after: 'Backlog' }],
    });
  });

  it('words a batch planned, resized and started', () => {
    const ev = (action: string, before: object | null, after: object | null) =>
      describeEvent({ entity: 'batch', entityId: 4, action, before: before as never, after: after as never });
    const created = ev('create', null, { week: '2026-W47', capacityDays: 10 });
    expect(created.summary).toBe(
      'Planned the batch for Week 47 · 16–22 Nov 2026 with a capacity of 10 person-days',
    );
    expect(created.rows).toEqual([]);
    expect(created.link).toEqual({ text: 'the batch for Week 47 · 16–22 Nov 2026', batchId: 4 });
    const resized = ev('update', { capacityDays: 10 }, { capacityDays: 12.5 });
    expect(resized.summary).toBe('Changed the capacity from 10 person-days to 12.5 person-days');
    expect(resized.rows).toEqual([
      { field: 'capacityDays', label: 'Capacity (person-days)', before: '10', after: '12.5' },
    ]);
    const started = ev('start', null, {
      week: '2026-W47',
      startedAt: 1,
      items: 3,
      plannedDays: 12,
      capacityDays: 10,
    });
    expect(started.summary).toBe(
      'Started the batch for Week 47 · 16–22 Nov 2026: 3 experiments now running, 12 of 10 person-days planned (2 over capacity)',
    );
    expect(started.rows).toEqual([]);
    expect(ev('start', null, { week: '2026-W47', items: 1, plannedDays: 3, capacityDays: 10 }).summary).toBe(
      'Started the batch for Week 47 · 16–22 Nov 2026: 1 experiment now running, 3 of 10 person-days planned',
    );
    expect(entityWord('batch')).toBe('Batch');
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

  it('records inline rescoring as the member’s own score and the team’s ICE — and shows it on the page', async () => {
    const { app, raw, db, me, ws } = await setup();
    const h = await makeHypothesis(db, ws, { impact: 5, confidence: 5, ease: 5, estimatedDays: 3 });
    const score = async (
      who: { request: (path: string, init: RequestInit) => Response | Promise<Response> },
      values: { impact: number; confidence: number; ease: number },
    ) => {
      // The version is sent as the backlog's form sends it; "my score" needs none (members never collide).
      const current = await requireHypothesis(db, ws, h.id);
      return who.request(`/w/acme/hypotheses/${h.id}/score`, form({ ...values, version: current.version }));
    };
    const since = await mark(db);
    expect((await score(app, { impact: 8, confidence: 5, ease: 5 })).status).toBe(303);
    const events = await eventsSince(db, since);
    expect(events).toHaveLength(1);
    const [e] = events;
    expect(e).toMatchObject({
      entity: 'hypothesis',
      entityId: h.id,
      action: 'score',
      actorName: 'Test Owner',
    });
    expect(e?.actorUserId).toBe(me.user.id);
    // Nobody had scored it (the factory has no signed-in author): the owner's score is the first, and the
    // team's means are the owner's alone.
    expect(e?.before).toEqual({ mine: null, ice: 5 });
    expect(e?.after).toEqual({
      mine: { impact: 8, confidence: 5, ease: 5 },
      ice: 6,
      impact: 8,
      confidence: 5,
      ease: 5,
    });

    // A second member's score moves the team's means (to one decimal), not the owner's own score.
    const editor = await signIn(db, await makeMember(db, ws, 'editor', { name: 'Eddie Editor' }));
    const second = await mark(db);
    expect((await score(as(raw, editor), { impact: 5, confidence: 6, ease: 5 })).status).toBe(303);
    const [theirs] = await eventsSince(db, second);
    expect(theirs).toMatchObject({ action: 'score', actorName: 'Eddie Editor' });
    expect(theirs?.after).toEqual({
      mine: { impact: 5, confidence: 6, ease: 5 },
      ice: 5.7,
      impact: 6.5,
      confidence: 5.5,
      ease: 5,
    });
    expect(await requireHypothesis(db, ws, h.id)).toMatchObject({ impact: 6.5, confidence: 5.5, ice: 5.7 });

    // The owner changes their mind: the event says what they had given before.
    const third = await mark(db);
    expect((await score(app, { impact: 9, confidence: 5, ease: 5 })).status).toBe(303);
    const [again] = await eventsSince(db, third);
    expect(again?.before).toEqual({ mine: { impact: 8, confidence: 5, ease: 5 }, ice: 5.7 });
    expect(again?.after).toMatchObject({ mine: { impact: 9, confidence: 5, ease: 5 }, ice: 5.8, impact: 7 });

    const page = textOf(await (await app.request(`/w/acme/hypotheses/${h.id}`)).text());
    expect(page).toContain('History');
    expect(page).toContain('Test Owner');
    expect(page).toContain('Scored Impact 8, Confidence 5, Ease 5 (first score) — team ICE 5.0 → 6.0.');
    expect(page).toContain('Scored Impact 5, Confidence 6, Ease 5 (first score) — team ICE 6.0 → 5.7.');
    expect(page).toContain('Scored Impact 9, Confidence 5, Ease 5 (was 8/5/5) — team ICE 5.7 → 5.8.');
    expect(page).toContain('Impact (own): — → 8');
    expect(page).toContain('Impact (own): 8 → 9');
    expect(page).toContain('Team ICE: 5.0 → 6.0');
    expect(page).toMatch(/\d{4}-\d{2}-\d{2} \d{2}:\d{2} UTC/);
    // Newest first: the latest score, then the earlier ones, then the creation.
    expect(page.indexOf('(was 8/5/5)')).toBeLessThan(page.indexOf('Impact 8, Confidence 5, Ease 5 (first'));
    expect(page.indexOf('Impact 8, Confidence 5, Ease 5 (first')).toBeLessThan(
      page.indexOf('Created in Backlog'),
    );
  });

  it('records nothing for a refused or identical score', async () => {
    const { app, raw, db, ws } = await setup();
    const h = await makeHypothesis(db, ws, { impact: 5 });
    const post = async (values: { impact: number; confidence: number; ease: number }) => {
      const current = await requireHypothesis(db, ws, h.id);
      return app.request(`/w/acme/hypotheses/${h.id}/score`, form({ ...values, version: current.version }));
    };
    const viewer = await signIn(db, await makeMember(db, ws, 'viewer'));
    const since = await mark(db);
    expect((await post({ impact: 11, confidence: 5, ease: 5 })).status).toBe(422);
    // A viewer has no score to give.
    const refused = await as(raw, viewer).request(
      `/w/acme/hypotheses/${h.id}/score`,
      form({ impact: 9, confidence: 5, ease: 5, version: h.version }),
    );
    expect(refused.status).toBe(403);
    // A closed experiment keeps the scores it closed with.
    const closed = await closeAs(db, ws, await makeHypothesis(db, ws), { outcome: 'won' });
    const afterClose = await mark(db);
    const late = await app.request(
      `/w/acme/hypotheses/${closed.id}/score`,
      form({ impact: 9, confidence: 9, ease: 9, version: closed.version }),
    );
    expect(late.status).toBe(409);
    expect(await eventsSince(db, afterClose)).toEqual([]);
    expect(
      (await eventsSince(db, since)).filter((e) => e.entity === 'hypothesis' && e.action === 'score'),
    ).toEqual([]);

    // A member's first score is recorded, even when it equals the scores the hypothesis was written with…
    const before = await mark(db);
    expect((await post({ impact: 5, confidence: 5, ease: 5 })).status).toBe(303);
    const first = await eventsSince(db, before);
    expect(first.map((e) => e.action)).toEqual(['score']);
    expect(first[0]?.before).toMatchObject({ mine: null });
    // …but giving the same score again records nothing.
    const after = await mark(db);
    expect((await post({ impact: 5, confidence: 5, ease: 5 })).status).toBe(303);
    expect(await eventsSince(db, after)).toEqual([]);
  });

  it('records an edit as only the changed fields (tags included); an identical save records nothing', async () => {
    const { app, db, me, ws } = await setup();
    // Written by the owner, whose scores are the first: saving the form unchanged scores nothing new.
    const h = await runAs(userActor(me.user, 'session'), () =>
      makeHypothesis(db, ws, { title: 'Old title', tags: ['onboarding'] }),
    );
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

    // An edit that also changes the editor's scores is two events: their score, and the other fields.
    const v2 = await requireHypothesis(db, ws, h.id);
    const both = await mark(db);
    expect(
      (
        await app.request(
          `/w/acme/hypotheses/${h.id}`,
          form({ ...hypothesisValues(v2), owner: 'Ana', ease: 8 }),
        )
      ).status,
    ).toBe(303);
    const twoEvents = await eventsSince(db, both);
    expect(twoEvents.map((e) => e.action)).toEqual(['score', 'update']);
    expect(twoEvents[0]).toMatchObject({
      before: { mine: { impact: 5, confidence: 5, ease: 5 }, ice: 5 },
      after: { mine: { impact: 5, confidence: 5, ease: 8 }, ease: 8, ice: 6 },
    });
    expect(twoEvents[1]).toMatchObject({ before: { owner: '' }, after: { owner: 'Ana' } });
    expect(Object.keys(twoEvents[1]?.after ?? {})).toEqual(['owner']);

    // Refused edits (a bad value, a stale version) record nothing.
    const latest = await requireHypothesis(db, ws, h.id);
    const after = await mark(db);
    const invalid = await app.request(
      `/w/acme/hypotheses/${h.id}`,
      form({ ...hypothesisValues(latest), title: '', version: latest.version }),
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

  it('records a selection into the week’s batch, naming the batch; an illegal move records nothing', async () => {
    const { app, db, ws } = await setup();
    const h = await makeHypothesis(db, ws);
    const since = await mark(db);
    const res = await app.request(
      `/w/acme/hypotheses/${h.id}/transition`,
      form({ to: 'selected', version: h.version }),
    );
    expect(res.status).toBe(303);
    const events = await eventsSince(db, since);
    // No batch was open: selecting planned this week's, with the default capacity.
    expect(events.map((e) => [e.entity, e.action])).toEqual([
      ['batch', 'create'],
      ['hypothesis', 'transition'],
    ]);
    const [batch] = await listBatches(db, ws);
    const week = isoWeek(Date.now(), ws.timeZone);
    expect(batch).toMatchObject({ week, capacityDays: DEFAULT_CAPACITY_DAYS });
    expect(events[0]).toMatchObject({
      entityId: batch?.id,
      after: { week, capacityDays: DEFAULT_CAPACITY_DAYS },
    });
    expect(events[1]).toMatchObject({ before: { status: 'backlog' } });
    expect(events[1]?.after).toMatchObject({
      status: 'selected',
      selectedAt: expect.any(Number),
      batchId: batch?.id,
      week,
    });

    const after = await mark(db);
    const illegal = await app.request(`/w/acme/hypotheses/${h.id}/transition`, form({ to: 'done' }));
    expect(illegal.status).toBe(409);
    expect(await eventsSince(db, after)).toEqual([]);
    const html = await (await app.request(`/w/acme/hypotheses/${h.id}`)).text();
    const page = textOf(html);
    expect(page).toContain(`Selected into the batch for ${weekLabel(week)}.`);
    expect(page).toContain('Status: Backlog → Selected');
    expect(page).toContain(`Batch: — → ${weekLabel(week)}`);
    // The batch is linked from the sentence that names it.
    expect(html).toContain(`href="/w/acme/batches/${batch?.id}"`);
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
    expect(text).toContain(
      'Hypothesis “Checklist on empty board”: Scored Impact 9, Confidence 5, Ease 5 (first score) — team ICE 5.0 → 6.3.',
    );
    expect(text).toContain('Impact (own): — → 9');
    expect(text).toContain('Team ICE: 5.0 → 6.3');
    expect(text).toContain('Learning “Admins skim”: Recorded as emerging.');
    expect(text).toContain('Metric “Activation rate”: Added as an input metric.');
    // Newest first.
    expect(text.indexOf('Admins skim')).toBeLessThan(text.indexOf('Scored Impact 9'));
    expect(text.indexOf('Scored Impact 9')).toBeLessThan(text.indexOf('Activation rate'));

    // htmx gets the list alone.
    const fragment = await app.request('/w/acme/activity?entity=learning', { headers: htmx });
    expect(fragment.status).toBe(200);
    const part = await fragment.text();
    expect(part).toContain('id="activity-results"');
    expect(part).not.toContain('<html');
    expect(part).toContain('Admins skim');
    expect(part).not.toContain('Scored Impact');
  });

  it('lists batches planned, resized and started, linked to their page, and filters by batch', async () => {
    const { app, db, ws } = await setup();
    const h = await makeHypothesis(db, ws, { title: 'Checklist on empty board' });
    const batch = await createBatch(db, ws, { week: '2026-W47', capacityDays: 8 });
    await setCapacity(db, ws, batch.id, 6);
    await addToBatch(db, ws, batch.id, h.id);
    await startBatch(db, ws, batch.id);
    const res = await app.request('/w/acme/activity?entity=batch');
    expect(res.status).toBe(200);
    const html = await res.text();
    const text = textOf(html);
    expect(text).toContain('Show changes to');
    expect(html).toMatch(/<option value="batch"[^>]*selected[^>]*>Batches<\/option>/);
    expect(text).toContain(
      'Batch “Week 47 · 16–22 Nov 2026”: Started the batch for Week 47 · 16–22 Nov 2026: 1 experiment now running, 3 of 6 person-days planned.',
    );
    // A capacity change does not record the week: the entry is named by the batch as it is now.
    expect(text).toContain(
      'Batch “Week 47 · 16–22 Nov 2026”: Changed the capacity from 8 person-days to 6 person-days.',
    );
    expect(text).toContain(
      'Batch “Week 47 · 16–22 Nov 2026”: Planned the batch for Week 47 · 16–22 Nov 2026 with a capacity of 8 person-days.',
    );
    expect(html.match(new RegExp(`href="/w/acme/batches/${batch.id}"`, 'g'))).toHaveLength(3);
    expect(text).not.toContain('Checklist on empty board');

    // The experiment's own history names the batch it went through, linked.
    const page = await (await app.request(`/w/acme/hypotheses/${h.id}`)).text();
    expect(textOf(page)).toContain('Started with the batch for Week 47 · 16–22 Nov 2026.');
    expect(textOf(page)).toContain('Selected into the batch for Week 47 · 16–22 Nov 2026.');
    expect(page).toContain(`href="/w/acme/batches/${batch.id}"`);
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
    expect(metricsOnly).not.toContain('Scored Impact');
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
    // Scores sent through the API are the token's user's own score.
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({
      actorUserId: owner.user.id,
      actorName: 'Olive Owner',
      action: 'score',
      before: { mine: null, ice: 5 },
      after: { mine: { impact: 7, confidence: 5, ease: 5 }, impact: 7 },
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
    // Selecting planned the week's batch too: the editor did both.
    expect(events.map((e) => [e.entity, e.action, e.actorName, e.actorUserId])).toEqual([
      ['metric', 'create', 'Eddie Editor', editor.user.id],
      ['batch', 'create', 'Eddie Editor', editor.user.id],
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
    expect(page).toContain('Scored Impact 7, Confidence 5, Ease 5 (first score) — team ICE 5.0 → 5.7');
  });
});
