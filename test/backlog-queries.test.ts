import { and, asc, desc, eq, inArray, isNull } from 'drizzle-orm';
import { blob, sqliteTable } from 'drizzle-orm/sqlite-core';
import { describe, expect, it } from 'vitest';
import type { Db } from '../db/client';
import {
  closeAs,
  makeHypothesis,
  makeInput,
  makeMember,
  makeWorkspace,
  measure,
  scoreAs,
} from '../db/factories';
import { packedExpr, packRows } from '../db/packed';
import { hypotheses, hypothesisTags, memberScores, metrics, users, type Workspace } from '../db/schema';
import { attachTags } from '../src/hypotheses/hypotheses';
import { scoresOf } from '../src/hypotheses/member-scores';
import { listHypotheses, rankOf } from '../src/hypotheses/ranking';
import { ListQuery } from '../src/hypotheses/schemas';
import { tagsInUse } from '../src/hypotheses/tags-in-use';
import { leverRotiByMetric } from '../src/levers/levers';
import { activeInputs, archiveMetric } from '../src/metrics/metrics';
import { freshDb } from './helpers';

// The backlog's reads were rewritten for speed (issue 7): one packed cell per row, primary-key lookups, a
// covering partial index for the levers, range counts for ranks. These tests hold them to the plain drizzle
// queries they replaced, value for value and key for key, and hold their plans to index seeks.

const h = hypotheses;
const run = (db: Db, sql: string, args: (string | number | null)[] = []) => db.client.execute({ sql, args });

/** The ranked list as the plain drizzle query (with tags from a second query) returned it before. */
async function plainList(db: Db, ws: Workspace, sort: 'ice' | 'roti') {
  const rows = await db.orm
    .select({
      id: h.id,
      title: h.title,
      status: h.status,
      metricId: h.metricId,
      metricName: metrics.name,
      owner: h.owner,
      impact: h.impact,
      confidence: h.confidence,
      ease: h.ease,
      ice: h.ice,
      estimatedDays: h.estimatedDays,
      expectedRoti: h.expectedRoti,
      expectedLift: h.expectedLift,
      result: h.result,
      roti: h.roti,
      version: h.version,
      createdAt: h.createdAt,
      updatedAt: h.updatedAt,
    })
    .from(h)
    .innerJoin(metrics, eq(metrics.id, h.metricId))
    .where(and(eq(h.workspaceId, ws.id), eq(h.status, 'backlog')))
    .orderBy(
      ...(sort === 'roti'
        ? [desc(h.expectedRoti), desc(h.ice), asc(h.createdAt), asc(h.id)]
        : [desc(h.ice), desc(h.expectedRoti), asc(h.createdAt), asc(h.id)]),
    );
  const tags = await db.orm
    .select({ id: hypothesisTags.hypothesisId, tag: hypothesisTags.tag })
    .from(hypothesisTags)
    .where(eq(hypothesisTags.workspaceId, ws.id))
    .orderBy(asc(hypothesisTags.tag));
  return rows.map((r, i) => ({
    ...r,
    tags: tags.filter((t) => t.id === r.id).map((t) => t.tag),
    rank: i + 1,
  }));
}

/** Every statement the given reads send, with its query plan. */
async function plansOf(db: Db, reads: () => Promise<unknown>) {
  const sent: { sql: string; args: unknown[] }[] = [];
  const execute = db.client.execute.bind(db.client);
  const spy = ((stmt: { sql: string; args: unknown[] }) => {
    sent.push(stmt);
    return execute(stmt as never);
  }) as typeof db.client.execute;
  db.client.execute = spy;
  try {
    await reads();
  } finally {
    db.client.execute = execute;
  }
  return Promise.all(
    sent.map(async (s) => ({
      sql: s.sql,
      plan: (await execute({ sql: `EXPLAIN QUERY PLAN ${s.sql}`, args: s.args as never[] })).rows
        .map((r) => String(r.detail))
        .join('\n'),
    })),
  );
}

describe('backlog queries', () => {
  it('read every ranked row exactly as the plain query did: reals to the last digit, tags, nulls, key order', async () => {
    const db = await freshDb();
    const ws = await makeWorkspace(db);
    const a = await makeInput(db, ws, { name: 'Activation “β”' });
    const t = Date.now() - 10_000;
    const made: { id: number }[] = [];
    for (let i = 0; i < 12; i++)
      made.push(
        await makeHypothesis(
          db,
          ws,
          {
            metricId: a.id,
            title: i % 3 ? `Idea ${i} <b>"quoted"</b> & ünïcode 🚀` : `Idea ${i}`,
            impact: 1 + (i % 10),
            confidence: 10 - (i % 7),
            ease: 3 + (i % 5),
            estimatedDays: i % 4 === 0 ? undefined : [0.5, 3, 7][i % 3],
            tags: i % 2 ? ['zeta', 'alpha', 'ünï', 'm-1'] : [],
          },
          t + (i % 3),
        ),
      );
    // Team means with thirds, and stored values SQLite's JSON would print with 15 digits only.
    const [x, y] = [await makeMember(db, ws, 'editor'), await makeMember(db, ws, 'editor')];
    for (const [who, s] of [
      [x, { impact: 1, confidence: 2, ease: 2 }],
      [y, { impact: 2, confidence: 2, ease: 3 }],
    ] as const)
      await scoreAs(db, ws, made[1] as { id: number }, who, s);
    await run(db, 'update hypotheses set expected_lift = ?, roti = ? where id = ?', [
      0.1 + 0.2,
      1 / 3,
      made[2]?.id ?? 0,
    ]);
    await run(db, 'update hypotheses set expected_lift = ?, expected_roti = ? where id = ?', [
      123456789.12345679,
      6.666666666666667,
      made[3]?.id ?? 0,
    ]);
    await run(db, 'update hypotheses set expected_lift = ? where id = ?', [5e-324, made[5]?.id ?? 0]);
    for (const sort of ['ice', 'roti'] as const) {
      const q = ListQuery.parse({ status: 'backlog', sort, limit: 100 });
      const { items, total } = await listHypotheses(db, ws, q);
      const plain = await plainList(db, ws, sort);
      expect(items).toEqual(plain);
      // Key order too: the API serialises these objects as they are.
      expect(JSON.stringify(items)).toBe(JSON.stringify(plain));
      expect(total).toBe(12);
    }
    // The total, whether counted (a full page, a page past the end) or read off a last page.
    for (const [limit, offset, n] of [
      [5, 0, 5],
      [5, 10, 2],
      [6, 6, 6],
      [5, 12, 0],
      [5, 100, 0],
    ] as const) {
      const page = await listHypotheses(db, ws, ListQuery.parse({ status: 'backlog', limit, offset }));
      expect([page.items.length, page.total], `limit ${limit} offset ${offset}`).toEqual([n, 12]);
    }
    expect(
      (await listHypotheses(db, ws, ListQuery.parse({ status: 'backlog', q: 'nothing like it' }))).total,
    ).toBe(0);
    const { items } = await listHypotheses(db, ws, ListQuery.parse({ status: 'backlog', limit: 100 }));
    expect(items.find((i) => i.id === made[2]?.id)).toMatchObject({ expectedLift: 0.1 + 0.2, roti: 1 / 3 });
    expect(items.find((i) => i.id === made[5]?.id)?.expectedLift).toBe(5e-324);
  });

  it('packs any column type the way drizzle maps it (JSON text parsed, booleans, nulls)', async () => {
    const db = await freshDb();
    const ws = await makeWorkspace(db, {
      northStar: { checklist: { clear: { pass: true, note: 'ok "yes"' } } },
    });
    const packed = packRows({
      id: metrics.id,
      checklist: metrics.checklist,
      target: metrics.target,
      two: packedExpr<number>('1.5 + 1', { real: true }),
      list: packedExpr<number[]>('json_array(1, 2)', { json: true }),
    });
    const [row] = await db.orm
      .select({ row: packed.cell })
      .from(metrics)
      .where(eq(metrics.workspaceId, ws.id));
    const [plain] = await db.orm
      .select({ id: metrics.id, checklist: metrics.checklist, target: metrics.target })
      .from(metrics)
      .where(eq(metrics.workspaceId, ws.id));
    expect(packed.read(row?.row ?? '')).toEqual({ ...plain, two: 2.5, list: [1, 2] });
    const files = sqliteTable('files', { data: blob('data') });
    expect(() => packRows({ data: files.data })).toThrow(/blob/);
  });

  it('ranks ties exactly like a full sort, in both orders, for filtered lists and for one row', async () => {
    const db = await freshDb();
    const ws = await makeWorkspace(db);
    const [a, b] = [await makeInput(db, ws), await makeInput(db, ws)];
    const t = Date.now() - 100_000;
    // Many equal ICEs, equal expected ROTIs, missing estimates and equal creation times.
    for (let i = 0; i < 36; i++)
      await makeHypothesis(
        db,
        ws,
        {
          metricId: i % 2 ? a.id : b.id,
          impact: 4 + (i % 3),
          confidence: 6,
          ease: 4 + ((i >> 1) % 3),
          estimatedDays: i % 5 === 0 ? undefined : 1 + (i % 3),
          tags: i % 3 ? ['odd'] : ['even'],
        },
        t + (i % 4),
      );
    const rows = await db.orm
      .select({ id: h.id, ice: h.ice, roti: h.expectedRoti, createdAt: h.createdAt })
      .from(h)
      .where(eq(h.workspaceId, ws.id));
    const desc0 = (x: number | null, y: number | null) =>
      x === y ? 0 : x == null ? 1 : y == null ? -1 : y - x;
    for (const sort of ['ice', 'roti'] as const) {
      const full = [...rows].sort(
        (p, q) =>
          (sort === 'ice'
            ? desc0(p.ice, q.ice) || desc0(p.roti, q.roti)
            : desc0(p.roti, q.roti) || desc0(p.ice, q.ice)) ||
          p.createdAt - q.createdAt ||
          p.id - q.id,
      );
      const rankById = new Map(full.map((r, i) => [r.id, i + 1]));
      for (const r of rows)
        expect(await rankOf(db, ws, r.id, sort), `#${r.id} by ${sort}`).toBe(rankById.get(r.id));
      for (const filter of [{ tag: 'odd' }, { metricId: String(a.id) }, { q: 'tip' }]) {
        const { items } = await listHypotheses(
          db,
          ws,
          ListQuery.parse({ status: 'backlog', sort, ...filter }),
        );
        expect(items.length).toBeGreaterThan(0);
        for (const item of items) expect(item.rank, `#${item.id} by ${sort}`).toBe(rankById.get(item.id));
      }
      const unfiltered = await listHypotheses(db, ws, ListQuery.parse({ status: 'backlog', sort }));
      expect(unfiltered.items.map((i) => i.id)).toEqual(full.map((r) => r.id));
    }
  });

  it('read scores, inputs, tags and levers as the plain queries do', async () => {
    const db = await freshDb();
    const ws = await makeWorkspace(db);
    const other = await makeWorkspace(db);
    const [a, b] = [await makeInput(db, ws, { name: 'Zeta' }), await makeInput(db, ws, { name: 'Alpha' })];
    await measure(db, ws, a, { '2026-W45': 0.1 + 0.2, '2026-W46': 1 / 3 });
    const gone = await makeInput(db, ws, { name: 'Gone' });
    await archiveMetric(db, ws, gone.id);
    await makeInput(db, other);
    const list = [];
    for (const [i, tags] of [['b', 'a'], ['é', 'z'], [], ['a']].entries())
      list.push(await makeHypothesis(db, ws, { metricId: i % 2 ? a.id : b.id, tags }));
    await makeHypothesis(db, other, { tags: ['other-only'] });
    const members = [await makeMember(db, ws, 'editor'), await makeMember(db, ws, 'owner')];
    for (const [i, hyp] of list.entries())
      for (const m of members.slice(0, 1 + (i % 2)))
        await scoreAs(db, ws, hyp, m, { impact: 2 + i, confidence: 9, ease: 3 });
    await closeAs(db, ws, list[3] as { id: number }, { outcome: 'won', actualDays: 2.5 });
    const ids = list.map((x) => x.id);

    const plainScores = await db.orm
      .select({
        hypothesisId: memberScores.hypothesisId,
        userId: memberScores.userId,
        name: users.name,
        impact: memberScores.impact,
        confidence: memberScores.confidence,
        ease: memberScores.ease,
        updatedAt: memberScores.updatedAt,
      })
      .from(memberScores)
      .innerJoin(users, eq(users.id, memberScores.userId))
      .where(and(eq(memberScores.workspaceId, ws.id), inArray(memberScores.hypothesisId, ids)))
      .orderBy(asc(memberScores.createdAt), asc(memberScores.userId));
    const scores = await scoresOf(db, ws, ids);
    expect(JSON.stringify([...scores.values()].flat())).toBe(
      JSON.stringify(ids.flatMap((id) => plainScores.filter((s) => s.hypothesisId === id))),
    );
    expect(await scoresOf(db, other, ids)).toEqual(new Map());

    const plainInputs = await db.orm
      .select()
      .from(metrics)
      .where(and(eq(metrics.workspaceId, ws.id), eq(metrics.kind, 'input'), isNull(metrics.archivedAt)))
      .orderBy(asc(metrics.id));
    expect(JSON.stringify(await activeInputs(db, ws))).toBe(JSON.stringify(plainInputs));
    expect((await activeInputs(db, ws)).find((m) => m.id === a.id)?.currentValue).toBe(1 / 3);

    const tagged = await attachTags(db, ws, list);
    expect(tagged.map((x) => x.tags)).toEqual([['a', 'b'], ['z', 'é'], [], ['a']]);
    expect((await attachTags(db, other, list)).map((x) => x.tags)).toEqual([[], [], [], []]);
    expect(await tagsInUse(db, ws)).toEqual(['a', 'b', 'z', 'é']);
    expect(await tagsInUse(db, ws, 2)).toEqual(['a', 'b']);
    expect(await tagsInUse(db, await makeWorkspace(db))).toEqual([]);

    const levers = await leverRotiByMetric(db, ws);
    expect([...levers.keys()]).toEqual([a.id, b.id]);
    expect(levers.get(a.id)).toMatchObject({ closed: 1, wins: 1, metricName: 'Zeta', tag: null });
  });

  it('seek their rows through indexes: no read of a whole workspace', async () => {
    const db = await freshDb();
    const ws = await makeWorkspace(db);
    const list = [await makeHypothesis(db, ws, { tags: ['a'] }), await makeHypothesis(db, ws)];
    const ids = list.map((x) => x.id);
    const plans = await plansOf(db, async () => {
      await listHypotheses(db, ws, ListQuery.parse({ status: 'backlog' }));
      await listHypotheses(db, ws, ListQuery.parse({ status: 'backlog', tag: 'a', sort: 'roti' }));
      await rankOf(db, ws, ids[0] ?? 0, 'roti');
      await scoresOf(db, ws, ids);
      await attachTags(db, ws, list);
      await activeInputs(db, ws);
      await tagsInUse(db, ws);
      await leverRotiByMetric(db, ws);
    });
    const all = plans.map((p) => p.plan).join('\n');
    expect(all).not.toMatch(/SCAN (hypotheses|hypothesis_tags|member_scores|metrics|users)\b/);
    const planOf = (re: RegExp) => plans.find((p) => re.test(p.sql))?.plan ?? '';
    expect(planOf(/from "member_scores"/)).toContain(
      'USING INDEX sqlite_autoindex_member_scores_1 (hypothesis_id=?)',
    );
    expect(planOf(/^select "hypothesis_id", "tag"/)).toContain(
      'USING INDEX sqlite_autoindex_hypothesis_tags_1 (hypothesis_id=?)',
    );
    expect(planOf(/group by metric_id/)).toContain(
      'USING COVERING INDEX hypotheses_closed_idx (workspace_id=?)',
    );
    expect(planOf(/with recursive next_tag/)).toContain(
      'USING COVERING INDEX hypothesis_tags_tag_idx (workspace_id=? AND tag>?)',
    );
    // A rank counts ranges of the ranking index (entries ahead of the row), not the whole backlog.
    expect(planOf(/^select "status", \(\(select count/)).toContain(
      'USING COVERING INDEX hypotheses_rank_roti_idx (workspace_id=? AND status=? AND expected_roti>?)',
    );
    // The ranked page: an index walk with a LIMIT, its tags from the tags' primary key, no sorting.
    const ranked = planOf(/^select json_array\("hypotheses"."id"/);
    expect(ranked).toContain('USING INDEX hypotheses_rank_ice_idx (workspace_id=? AND status=?)');
    expect(ranked).toContain('sqlite_autoindex_hypothesis_tags_1 (hypothesis_id=?)');
    expect(ranked).not.toContain('TEMP B-TREE');
  });

  it("finds a workspace's newest audit event in one index seek", async () => {
    const db = await freshDb();
    const ws = await makeWorkspace(db);
    await makeHypothesis(db, ws);
    const sql = 'select max(id) from audit_events where workspace_id = ?';
    const plan = (await run(db, `EXPLAIN QUERY PLAN ${sql}`, [ws.id])).rows.map((r) => String(r.detail));
    expect(plan.join('\n')).toContain('USING COVERING INDEX audit_workspace_id_idx (workspace_id=?)');
    // SQLite's min/max shortcut: seek to the workspace's last entry, take it, stop (no loop over entries).
    const ops = (await run(db, `EXPLAIN ${sql}`, [ws.id])).rows.map((r) => String(r.opcode));
    expect(ops).toContain('SeekLE');
    expect(ops[ops.indexOf('AggStep') + 1]).toBe('Goto');
    expect((await run(db, sql, [ws.id])).rows[0]?.[0]).toBeGreaterThan(0);
  });
});
