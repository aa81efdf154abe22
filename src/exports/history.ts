import { and, asc, eq } from 'drizzle-orm';
import type { Db } from '../../db/client';
import {
  batches,
  hypotheses,
  hypothesisLearnings,
  learnings,
  metrics,
  type Workspace,
} from '../../db/schema';
import { type Cell, dayOf, type Table } from './csv';
import { learningLines } from './hypotheses';

// What the team has learned, for reading and charting in a spreadsheet (not for importing back): the closed
// experiments with their numbers, and the learnings with the experiments behind them.

/** Closed experiments in the order they closed. */
export async function resultsTable(db: Db, ws: Workspace): Promise<Table> {
  const rows = await db.orm
    .select({ h: hypotheses, metric: metrics.name, week: batches.week })
    .from(hypotheses)
    .innerJoin(metrics, eq(metrics.id, hypotheses.metricId))
    .leftJoin(batches, eq(batches.id, hypotheses.batchId))
    .where(and(eq(hypotheses.workspaceId, ws.id), eq(hypotheses.status, 'done')))
    .orderBy(asc(hypotheses.closedAt), asc(hypotheses.id));
  const lines = await learningLines(db, ws);
  return {
    header: [
      'ID',
      'Title',
      'Metric',
      'Result',
      'Baseline',
      'Observed',
      'Lift (%)',
      'Expected lift (%)',
      'Estimated days',
      'Actual days',
      'Return',
      'ROTI',
      'Started',
      'Closed',
      'Batch week',
      'Learnings',
    ],
    rows: rows.map(({ h, metric, week }): Cell[] => [
      h.id,
      h.title,
      metric,
      h.result,
      h.baseline,
      h.observed,
      h.lift,
      h.expectedLift,
      h.estimatedDays,
      h.actualDays,
      h.returnScore,
      h.roti,
      dayOf(h.startedAt, ws),
      dayOf(h.closedAt, ws),
      week ?? '',
      lines.get(h.id) ?? '',
    ]),
  };
}

/** Every learning, oldest first, with the experiments that support or contradict it ("#12 Title; #15 …"). */
export async function learningsTable(db: Db, ws: Workspace): Promise<Table> {
  const [rows, links] = await Promise.all([
    db.orm
      .select({ l: learnings, metric: metrics.name })
      .from(learnings)
      .leftJoin(metrics, eq(metrics.id, learnings.metricId))
      .where(eq(learnings.workspaceId, ws.id))
      .orderBy(asc(learnings.createdAt), asc(learnings.id)),
    db.orm
      .select({
        learningId: hypothesisLearnings.learningId,
        relation: hypothesisLearnings.relation,
        id: hypotheses.id,
        title: hypotheses.title,
      })
      .from(hypothesisLearnings)
      .innerJoin(hypotheses, eq(hypotheses.id, hypothesisLearnings.hypothesisId))
      .where(eq(hypothesisLearnings.workspaceId, ws.id))
      .orderBy(asc(hypotheses.id)),
  ]);
  const byLearning = new Map<string, string[]>();
  for (const x of links) {
    const key = `${x.learningId}:${x.relation}`;
    const list = byLearning.get(key) ?? [];
    list.push(`#${x.id} ${x.title}`);
    byLearning.set(key, list);
  }
  const named = (learningId: number, relation: 'supports' | 'contradicts') =>
    (byLearning.get(`${learningId}:${relation}`) ?? []).join('; ');
  return {
    header: ['ID', 'Statement', 'Status', 'Metric', 'Supported by', 'Contradicted by', 'Created'],
    rows: rows.map(({ l, metric }): Cell[] => [
      l.id,
      l.statement,
      l.status,
      metric ?? '',
      named(l.id, 'supports'),
      named(l.id, 'contradicts'),
      dayOf(l.createdAt, ws),
    ]),
  };
}
