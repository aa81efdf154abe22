import { asc, eq } from 'drizzle-orm';
import type { Db } from '../../db/client';
import { hypotheses, hypothesisLearnings, learnings, metrics, type Workspace } from '../../db/schema';
import { attachTags } from '../hypotheses/hypotheses';
import { HYPOTHESIS_COLUMNS } from '../imports/hypothesis-columns';
import { type Cell, dayOf, type Table } from './csv';

/** Each hypothesis's learnings, one statement per line (what the importer reads back as one learning each). */
export async function learningLines(db: Db, ws: Workspace): Promise<Map<number, string>> {
  const links = await db.orm
    .select({ hypothesisId: hypothesisLearnings.hypothesisId, statement: learnings.statement })
    .from(hypothesisLearnings)
    .innerJoin(learnings, eq(learnings.id, hypothesisLearnings.learningId))
    .where(eq(hypothesisLearnings.workspaceId, ws.id))
    .orderBy(asc(learnings.id));
  const out = new Map<number, string>();
  for (const l of links) {
    // A line break inside a statement would read back as two learnings.
    const line = l.statement.replace(/\s*\n\s*/g, ' ');
    out.set(l.hypothesisId, out.has(l.hypothesisId) ? `${out.get(l.hypothesisId)}\n${line}` : line);
  }
  return out;
}

/**
 * Every hypothesis in every status, oldest first, with exactly the columns the importer reads (its labels,
 * its order): importing this file into another workspace with the same input metrics recreates them.
 */
export async function hypothesesTable(db: Db, ws: Workspace): Promise<Table> {
  const rows = await db.orm
    .select({ h: hypotheses, metric: metrics.name })
    .from(hypotheses)
    .innerJoin(metrics, eq(metrics.id, hypotheses.metricId))
    .where(eq(hypotheses.workspaceId, ws.id))
    .orderBy(asc(hypotheses.createdAt), asc(hypotheses.id));
  const tagged = await attachTags(
    db,
    ws,
    rows.map((r) => ({ ...r.h, metricName: r.metric })),
  );
  const lines = await learningLines(db, ws);
  const header = HYPOTHESIS_COLUMNS.map((c) => c.label);
  return {
    header,
    rows: tagged.map((h) => {
      const done = h.status === 'done';
      const running = done || h.status === 'running';
      const byField: Record<(typeof HYPOTHESIS_COLUMNS)[number]['field'], Cell> = {
        title: h.title,
        metric: h.metricName,
        status: h.status,
        change: h.change,
        outcome: h.outcome,
        rationale: h.rationale,
        impact: h.impact,
        confidence: h.confidence,
        ease: h.ease,
        ice: h.ice,
        estimatedDays: h.estimatedDays,
        expectedLift: h.expectedLift,
        owner: h.owner,
        tags: h.tags.join(', '),
        result: done ? h.result : null,
        actualDays: done ? h.actualDays : null,
        return: done ? h.returnScore : null,
        baseline: done ? h.baseline : null,
        observed: done ? h.observed : null,
        lift: done ? h.lift : null,
        learning: done ? (lines.get(h.id) ?? '') : null,
        started: running ? dayOf(h.startedAt, ws) : null,
        closed: done ? dayOf(h.closedAt, ws) : null,
      };
      return HYPOTHESIS_COLUMNS.map((c) => byField[c.field]);
    }),
  };
}
