import { sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import type { Db } from '../db/client';
import { makeUser, makeWorkspace } from '../db/factories';
import {
  hypotheses,
  hypothesisLearnings,
  learnings,
  memberships,
  metrics,
  OUTCOMES,
  STATUSES,
  workspaces,
} from '../db/schema';
import { seedDemoIfEmpty } from '../db/seed';
import { memberWorkspace } from '../src/accounts/members';
import { workspaceTrail } from '../src/audit/audit';
import { batchItems, batchLoad, lastStartedBatch, listBatches, openBatch } from '../src/batches/batches';
import { addWeeks, isoWeek, weekBounds } from '../src/batches/weeks';
import { listHypotheses } from '../src/hypotheses/ranking';
import { ListQuery } from '../src/hypotheses/schemas';
import { listLearnings } from '../src/learnings/learnings';
import { leversOf } from '../src/levers/levers';
import { recentSeries } from '../src/measurements/measurements';
import { checklistScore } from '../src/metrics/north-star';
import { freshDb } from './helpers';

const DAY = 24 * 60 * 60 * 1000;

describe('demo seed', () => {
  it('creates the Acme Growth demo on a fresh database', async () => {
    const db = await freshDb();
    const now = Date.now();
    const ws = await seedDemoIfEmpty(db, now);
    expect(ws).toMatchObject({ name: 'Acme Growth', slug: 'demo' });
    if (!ws) return;

    const ms = await db.orm.select().from(metrics).where(sql`${metrics.workspaceId} = ${ws.id}`);
    const northStars = ms.filter((m) => m.kind === 'north_star');
    expect(northStars).toHaveLength(1);
    expect(northStars[0]).toMatchObject({ name: 'Weekly active teams', unit: 'teams' });
    const score = checklistScore(northStars[0]?.checklist);
    expect(score.answered).toBe(score.total);
    expect(score.passed).toBe(score.total - 1);

    const inputs = ms.filter((m) => m.kind === 'input');
    expect(inputs.map((m) => m.name)).toEqual([
      'Activation rate',
      'Invite conversion',
      'Weekly sessions per team',
    ]);
    for (const m of inputs) {
      expect(m.owner).not.toBe('');
      expect(m.currentValue).not.toBeNull();
      expect(m.target).not.toBeNull();
    }

    const hs = await db.orm.select().from(hypotheses).where(sql`${hypotheses.workspaceId} = ${ws.id}`);
    expect(hs.length).toBeGreaterThanOrEqual(18);
    expect(new Set(hs.map((h) => h.status))).toEqual(new Set(STATUSES));
    expect(new Set(hs.map((h) => h.title)).size).toBe(hs.length);

    const closed = hs.filter((h) => h.status === 'done');
    expect(closed.length).toBeGreaterThanOrEqual(6);
    expect(new Set(closed.map((h) => h.result))).toEqual(new Set(OUTCOMES));
    const links = await db.orm.select().from(hypothesisLearnings);
    for (const h of closed) {
      expect(h.roti, h.title).not.toBeNull();
      expect(h.actualDays, h.title).toBeGreaterThan(0);
      expect(h.returnScore, h.title).not.toBeNull();
      expect(
        links.some((l) => l.hypothesisId === h.id),
        h.title,
      ).toBe(true);
      // Closed over the past ~8 weeks, and never before they started.
      expect(h.closedAt).toBeGreaterThan(now - 9 * 7 * DAY);
      expect(h.closedAt).toBeLessThan(now);
      expect(h.startedAt).toBeLessThan(h.closedAt ?? 0);
    }
    expect(
      closed.filter((h) => h.baseline != null && h.observed != null && h.lift != null).length,
    ).toBeGreaterThan(4);

    const all = await listLearnings(db, ws, {});
    expect(all.some((l) => l.experiments.filter((e) => e.relation === 'supports').length >= 2)).toBe(true);
    expect(all.some((l) => l.experiments.some((e) => e.relation === 'contradicts'))).toBe(true);
    const [learningCount] = await db.orm.select({ n: sql<number>`count(*)` }).from(learnings);
    expect(Number(learningCount?.n)).toBe(all.length);

    const followUp = hs.find((h) => h.parentId != null);
    expect(followUp).toMatchObject({ status: 'draft' });
    expect(hs.find((h) => h.id === followUp?.parentId)).toMatchObject({ status: 'done' });
  });

  it('puts the demo’s history in weekly batches, each started at its own week’s meeting', async () => {
    const db = await freshDb();
    const now = Date.now();
    const ws = await seedDemoIfEmpty(db, now);
    if (!ws) throw new Error('not seeded');
    const thisWeek = isoWeek(now, ws.timeZone);
    const all = await listBatches(db, ws);
    // One batch a week, from this week back to the team's first.
    expect(all.map((b) => b.week)).toEqual(Array.from({ length: 10 }, (_, k) => addWeeks(thisWeek, -k)));
    const [open, last, ...older] = all;
    if (!open || !last) throw new Error('no batches');

    // This week's is being planned: one or two backlog items selected, with estimates, within capacity.
    expect(open).toMatchObject({ week: thisWeek, startedAt: null });
    expect((await openBatch(db, ws))?.id).toBe(open.id);
    const planned = await batchItems(db, ws, open.id);
    expect(planned.length).toBeGreaterThanOrEqual(1);
    expect(planned.length).toBeLessThanOrEqual(2);
    for (const h of planned) {
      expect(h.status, h.title).toBe('selected');
      expect(h.estimatedDays, h.title).toBeGreaterThan(0);
    }
    expect(batchLoad(open, planned).over).toBe(false);

    // The past batches started at their week's meeting, with the experiments that started that week.
    expect((await lastStartedBatch(db, ws))?.id).toBe(last.id);
    for (const b of [last, ...older]) {
      const { start, end } = weekBounds(b.week, ws.timeZone);
      expect(b.startedAt, b.week).toBeGreaterThanOrEqual(start);
      expect(b.startedAt, b.week).toBeLessThan(Math.min(end, now));
      const items = await batchItems(db, ws, b.id);
      expect(items.length, b.week).toBeGreaterThanOrEqual(1);
      const load = batchLoad(b, items);
      expect(load.over, b.week).toBe(false);
      expect(b.capacityDays, b.week).toBeGreaterThanOrEqual(4);
      expect(b.capacityDays, b.week).toBeLessThanOrEqual(12);
      for (const h of items) {
        expect(h.startedAt, h.title).toBe(b.startedAt);
        expect(h.createdAt, h.title).toBeLessThan(h.selectedAt ?? 0);
        expect(h.selectedAt, h.title).toBeLessThan(b.startedAt ?? 0);
        // Last week's batch is running; every older batch's experiments have closed since.
        if (b.id === last.id) expect(h.status, h.title).toBe('running');
        else {
          expect(h.status, h.title).toBe('done');
          expect(h.closedAt, h.title).toBeGreaterThan(b.startedAt ?? 0);
        }
      }
    }
    // Each batch was recorded as planned and (but this week's) started, by the same domain functions.
    const trail = await workspaceTrail(db, ws.id, { entity: 'batch', limit: 100 });
    const actions = trail.events.map((e) => e.action);
    expect(actions.filter((a) => a === 'create')).toHaveLength(10);
    expect(actions.filter((a) => a === 'start')).toHaveLength(9);
    expect(actions).toContain('update');

    const hs = await db.orm.select().from(hypotheses).where(sql`${hypotheses.workspaceId} = ${ws.id}`);
    const closed = hs.filter((h) => h.status === 'done');
    // Every experiment went through a batch; no one is selected outside this week's.
    expect(closed.every((h) => h.batchId != null)).toBe(true);
    expect(hs.filter((h) => h.status === 'selected').every((h) => h.batchId === open.id)).toBe(true);
    // The next meeting has something to review: results and drafts since the last one.
    const since = last.startedAt ?? 0;
    expect(closed.filter((h) => (h.closedAt ?? 0) > since).length).toBeGreaterThanOrEqual(1);
    expect(hs.filter((h) => h.status === 'draft' && h.createdAt > since).length).toBeGreaterThanOrEqual(1);
    // The playbook's drafts wait for triage with their provenance: a rule, reasons, what they build on.
    const drafted = hs.filter((h) => h.status === 'draft' && h.draftSource === 'playbook');
    expect(drafted).toHaveLength(3);
    for (const d of drafted) {
      expect(d.draftRule, d.title).toBeTruthy();
      expect(d.scoreReasons?.confidence, d.title).toBeTruthy();
    }
    expect(drafted.some((d) => (d.draftExperimentIds ?? []).length > 0)).toBe(true);
    // Closes spread over the weeks, so the insights charts have a series to draw.
    const closeWeeks = new Set(closed.map((h) => isoWeek(h.closedAt ?? 0, ws.timeZone)));
    expect(closeWeeks.size).toBeGreaterThanOrEqual(6);

    // Each metric has half a year of weekly measurements, this week's entered after Monday began: the tiles
    // show how it moved since last week, and its current value is this week's.
    const { start: monday } = weekBounds(thisWeek, ws.timeZone);
    const ms = await db.orm.select().from(metrics).where(sql`${metrics.workspaceId} = ${ws.id}`);
    const series = await recentSeries(
      db,
      ws,
      ms.map((m) => m.id),
      100,
    );
    for (const m of ms) {
      const points = series.get(m.id) ?? [];
      expect(points.length, m.name).toBe(27);
      expect(points.at(-1)?.period, m.name).toBe(thisWeek);
      expect(points.at(-1)?.value, m.name).toBe(m.currentValue);
      expect(points.at(-2)?.value, m.name).not.toBe(m.currentValue);
      // Consecutive weeks, no gaps.
      points.forEach((p, i) => {
        if (i > 0) expect(p.period, m.name).toBe(addWeeks(points[i - 1]?.period ?? '', 1));
      });
    }
    const records = await workspaceTrail(db, ws.id, { entity: 'measurement', limit: 200 });
    const thisWeeks = records.events.filter((e) => e.createdAt >= monday);
    expect(thisWeeks.length).toBe(ms.length);
    expect(thisWeeks.every((e) => e.createdAt <= now)).toBe(true);

    // Every input metric is a lever with closed experiments, wins and a mean ROTI behind it.
    const levers = (await leversOf(db, ws)).filter((l) => l.tag === null);
    expect(levers.map((l) => l.metricName)).toEqual([
      'Activation rate',
      'Invite conversion',
      'Weekly sessions per team',
    ]);
    for (const l of levers) {
      expect(l.closed, l.metricName).toBeGreaterThanOrEqual(3);
      expect(l.wins, l.metricName).toBeGreaterThanOrEqual(1);
      expect(l.meanRoti, l.metricName).not.toBeNull();
      expect(l.effortRatio, l.metricName).not.toBeNull();
    }
  });

  it('ranks the demo backlog with a tie on ICE broken by expected ROTI', async () => {
    const db = await freshDb();
    const ws = await seedDemoIfEmpty(db);
    if (!ws) throw new Error('not seeded');
    const { items } = await listHypotheses(db, ws, ListQuery.parse({ status: 'backlog' }));
    expect(items.length).toBeGreaterThanOrEqual(5);
    expect(items.map((h) => h.rank)).toEqual(items.map((_, i) => i + 1));
    const [first, second] = items;
    expect(first?.ice).toBe(second?.ice);
    expect(first?.expectedRoti).toBeGreaterThan(second?.expectedRoti ?? Number.POSITIVE_INFINITY);
    // The tie is not just age: the winner of the tie is the newer of the two.
    expect(first?.createdAt).toBeGreaterThan(second?.createdAt ?? 0);
  });

  it.each([
    ['the demo was seeded before', (db: Db) => seedDemoIfEmpty(db)],
    ['a team made its own workspace', (db: Db) => makeWorkspace(db, { name: 'Our team', slug: 'our-team' })],
  ])('does nothing when %s', async (_label, setUp) => {
    const db = await freshDb();
    await setUp(db);
    const count = async () => {
      const [w] = await db.orm.select({ n: sql<number>`count(*)` }).from(workspaces);
      const [h] = await db.orm.select({ n: sql<number>`count(*)` }).from(hypotheses);
      const [m] = await db.orm.select({ n: sql<number>`count(*)` }).from(metrics);
      return [Number(w?.n), Number(h?.n), Number(m?.n)];
    };
    const before = await count();
    expect(await seedDemoIfEmpty(db)).toBeUndefined();
    expect(await count()).toEqual(before);
  });

  it('gives the demo to the first server owner when accounts exist already (added before the first start)', async () => {
    const db = await freshDb();
    const reader = await makeUser(db, { serverOwner: false });
    const owner = await makeUser(db, { serverOwner: true });
    const ws = await seedDemoIfEmpty(db);
    if (!ws) throw new Error('not seeded');
    expect(await memberWorkspace(db, owner.id, ws.slug)).toMatchObject({ role: 'owner' });
    expect(await memberWorkspace(db, reader.id, ws.slug)).toBeUndefined();
  });

  it('leaves the demo without members on a database without accounts (the first owner takes it at /setup)', async () => {
    const db = await freshDb();
    const ws = await seedDemoIfEmpty(db);
    if (!ws) throw new Error('not seeded');
    const [m] = await db.orm.select({ n: sql<number>`count(*)` }).from(memberships);
    expect(Number(m?.n)).toBe(0);
  });
});
