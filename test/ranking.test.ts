import { describe, expect, it } from 'vitest';
import { makeHypothesis, makeInput, makeWorkspace } from '../db/factories';
import { listHypotheses, rankedQuery, rankOf } from '../src/hypotheses/ranking';
import { ListQuery } from '../src/hypotheses/schemas';
import { freshDb } from './helpers';

async function plan(
  db: Awaited<ReturnType<typeof freshDb>>,
  query: { toSQL(): { sql: string; params: unknown[] } },
) {
  const { sql, params } = query.toSQL();
  const rows = await db.client.execute({ sql: `EXPLAIN QUERY PLAN ${sql}`, args: params as never[] });
  return rows.rows.map((r) => String(r.detail)).join('\n');
}

describe('ranking', () => {
  it('walks the ranking index with a LIMIT instead of sorting the backlog', async () => {
    const db = await freshDb();
    const ws = await makeWorkspace(db);
    await makeHypothesis(db, ws);
    for (const sort of ['ice', 'roti'] as const) {
      const q = ListQuery.parse({ status: 'backlog', sort, limit: 50 });
      const text = await plan(db, rankedQuery(db, ws, q));
      expect(text, sort).toContain(`USING INDEX hypotheses_rank_${sort}_idx`);
      expect(text, sort).not.toContain('TEMP B-TREE');
      expect(rankedQuery(db, ws, q).toSQL().sql).toMatch(/limit \?/i);
    }
  });

  it('gives filtered rows their rank in the whole backlog, in both orders', async () => {
    const db = await freshDb();
    const ws = await makeWorkspace(db);
    const a = await makeInput(db, ws);
    const b = await makeInput(db, ws);
    const t = Date.now() - 1000;
    // ICE 8, 6 (fast), 6 (slow), 6 (no estimate), 3.
    const top = await makeHypothesis(
      db,
      ws,
      { metricId: a.id, impact: 8, confidence: 8, ease: 8, estimatedDays: 8 },
      t,
    );
    const fast = await makeHypothesis(
      db,
      ws,
      { metricId: b.id, impact: 6, confidence: 6, ease: 6, estimatedDays: 1 },
      t + 1,
    );
    const slow = await makeHypothesis(
      db,
      ws,
      { metricId: a.id, impact: 6, confidence: 6, ease: 6, estimatedDays: 5 },
      t + 2,
    );
    const none = await makeHypothesis(
      db,
      ws,
      { metricId: b.id, impact: 6, confidence: 6, ease: 6, estimatedDays: undefined },
      t + 3,
    );
    const low = await makeHypothesis(
      db,
      ws,
      { metricId: a.id, impact: 3, confidence: 3, ease: 3, estimatedDays: 1 },
      t + 4,
    );
    const ranks = async (raw: Record<string, unknown>) =>
      Object.fromEntries(
        (await listHypotheses(db, ws, ListQuery.parse({ status: 'backlog', ...raw }))).items.map((i) => [
          i.id,
          i.rank,
        ]),
      );
    const full = { [top.id]: 1, [fast.id]: 2, [slow.id]: 3, [none.id]: 4, [low.id]: 5 };
    expect(await ranks({})).toEqual(full);
    expect(await ranks({ metricId: a.id })).toEqual({ [top.id]: 1, [slow.id]: 3, [low.id]: 5 });
    expect(await ranks({ metricId: b.id })).toEqual({ [fast.id]: 2, [none.id]: 4 });
    // Expected ROTI: fast 3.6, low 0.9, slow 0.72, top 0.8 → fast, low, top, slow; no estimate last.
    const roti = { [fast.id]: 1, [low.id]: 2, [top.id]: 3, [slow.id]: 4, [none.id]: 5 };
    expect(await ranks({ sort: 'roti' })).toEqual(roti);
    expect(await ranks({ sort: 'roti', metricId: a.id })).toEqual({ [low.id]: 2, [top.id]: 3, [slow.id]: 4 });
    // One hypothesis's rank counts its own workspace only, however busy the others are.
    const other = await makeWorkspace(db);
    for (let i = 0; i < 3; i++) await makeHypothesis(db, other, { impact: 10, confidence: 10, ease: 10 });
    expect(await rankOf(db, ws, slow.id)).toBe(3);
    expect(await rankOf(db, ws, slow.id, 'roti')).toBe(4);
    expect(await ranks({ metricId: a.id })).toEqual({ [top.id]: 1, [slow.id]: 3, [low.id]: 5 });
    // Pages continue the numbering.
    const page2 = await listHypotheses(db, ws, ListQuery.parse({ status: 'backlog', limit: 2, offset: 2 }));
    expect(page2.items.map((i) => i.rank)).toEqual([3, 4]);
    expect(page2.total).toBe(5);
  });
});
