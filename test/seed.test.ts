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
import { listHypotheses } from '../src/hypotheses/ranking';
import { ListQuery } from '../src/hypotheses/schemas';
import { listLearnings } from '../src/learnings/learnings';
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
