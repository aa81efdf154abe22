import { and, count, eq, isNotNull, sql } from 'drizzle-orm';
import type { Db } from '../../db/client';
import { type DraftSource, hypotheses, type Outcome, type Status, type Workspace } from '../../db/schema';

// "Where winners come from" (issue 6, point 5): for each source — a playbook rule or tactic, a model, or the
// team writing by hand — how many hypotheses it proposed, how many the team kept, closed and won, and the
// mean ROTI of those closed. SQL groups the rows (never a whole backlog in memory); the sums are pure.

/** One group of hypotheses sharing source, rule, status and result, as SQL counts them. */
export type SourceGroup = {
  draftSource: DraftSource | null;
  draftRule: string | null;
  status: Status;
  result: Outcome | null;
  n: number;
  /** Sum and count of the ROTI of those with one (closed experiments). */
  rotiSum: number;
  rotiN: number;
};

export type SourceStats = {
  source: DraftSource | 'manual';
  rule: string | null;
  drafted: number;
  /** Left draft and not rejected: the team kept it (backlog, batch, running, done, parked). */
  accepted: number;
  closed: number;
  won: number;
  /** won ÷ closed; null before anything closed. */
  winRate: number | null;
  meanRoti: number | null;
};

const ORDER: Record<SourceStats['source'], number> = { playbook: 0, model: 1, manual: 2 };
const round2 = (n: number) => Math.round(n * 100) / 100;

/** Sums groups per source and rule: playbook first, then models, then manual; within, most drafted first. */
export function sourceStats(groups: SourceGroup[]): SourceStats[] {
  const acc = new Map<string, SourceStats & { rotiSum: number; rotiN: number }>();
  for (const g of groups) {
    const source = g.draftSource ?? 'manual';
    const rule = g.draftSource == null ? null : g.draftRule;
    const key = `${source}\u0000${rule ?? ''}`;
    const s = acc.get(key) ?? {
      source,
      rule,
      drafted: 0,
      accepted: 0,
      closed: 0,
      won: 0,
      winRate: null,
      meanRoti: null,
      rotiSum: 0,
      rotiN: 0,
    };
    s.drafted += g.n;
    if (g.status !== 'draft' && g.status !== 'rejected') s.accepted += g.n;
    if (g.status === 'done') {
      s.closed += g.n;
      if (g.result === 'won') s.won += g.n;
      s.rotiSum += g.rotiSum;
      s.rotiN += g.rotiN;
    }
    acc.set(key, s);
  }
  return [...acc.values()]
    .map(({ rotiSum, rotiN, ...s }) => ({
      ...s,
      winRate: s.closed ? round2(s.won / s.closed) : null,
      meanRoti: rotiN ? round2(rotiSum / rotiN) : null,
    }))
    .sort(
      (a, b) =>
        ORDER[a.source] - ORDER[b.source] ||
        b.drafted - a.drafted ||
        (a.rule ?? '').localeCompare(b.rule ?? ''),
    );
}

/** The workspace's hypotheses grouped for sourceStats (one grouped query). */
export async function sourceGroups(db: Db, ws: Workspace): Promise<SourceGroup[]> {
  const rows = await db.orm
    .select({
      draftSource: hypotheses.draftSource,
      draftRule: hypotheses.draftRule,
      status: hypotheses.status,
      result: hypotheses.result,
      n: count(),
      rotiSum: sql<number>`coalesce(sum(${hypotheses.roti}), 0)`,
      rotiN: count(hypotheses.roti),
    })
    .from(hypotheses)
    .where(eq(hypotheses.workspaceId, ws.id))
    .groupBy(hypotheses.draftSource, hypotheses.draftRule, hypotheses.status, hypotheses.result);
  return rows.map((r) => ({ ...r, rotiSum: Number(r.rotiSum), n: Number(r.n), rotiN: Number(r.rotiN) }));
}

export async function winnerSources(db: Db, ws: Workspace): Promise<SourceStats[]> {
  return sourceStats(await sourceGroups(db, ws));
}

/** Whether anything was ever drafted here (the table is shown once something was). */
export async function hasDrafted(db: Db, ws: Workspace): Promise<boolean> {
  const [row] = await db.orm
    .select({ n: count() })
    .from(hypotheses)
    .where(and(eq(hypotheses.workspaceId, ws.id), isNotNull(hypotheses.draftSource)));
  return (row?.n ?? 0) > 0;
}
