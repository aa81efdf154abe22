import { and, asc, desc, eq, inArray, isNotNull, ne } from 'drizzle-orm';
import type { Db } from '../../db/client';
import {
  hypotheses,
  hypothesisLearnings,
  hypothesisTags,
  learnings,
  type Metric,
  type Outcome,
  type Workspace,
} from '../../db/schema';
import { NotFoundError, ValidationError } from '../errors';
import { activeInputs, getMetric, getNorthStar } from '../metrics/metrics';
import type { Comparable } from './similarity';
import type { DraftContext, KnownLearning, PastExperiment } from './types';

/** How many closed experiments and learnings a drafter is shown (newest first). */
export const HISTORY_LIMIT = 100;
export const LEARNINGS_LIMIT = 50;
/** Look-alikes are searched among this many most recent hypotheses. */
const COMPARE_LIMIT = 5000;

/** The input metrics a run drafts for: the one asked for (active input of this workspace), or every active one. */
export async function targetMetrics(db: Db, ws: Workspace, metricId?: number): Promise<Metric[]> {
  if (metricId == null) return activeInputs(db, ws);
  const m = await getMetric(db, ws, metricId);
  if (!m)
    throw new ValidationError({
      metricId: 'Choose one of this workspace’s input metrics.',
    });
  if (m.kind !== 'input' || m.archivedAt != null)
    throw new ValidationError({
      metricId:
        m.kind !== 'input'
          ? 'Drafts target an input metric: the North Star moves through its inputs.'
          : `${m.name} is archived: restore it to draft for it.`,
    });
  return [m];
}

/** Everything a drafter may read, for the given metrics (one query per kind of thing). */
export async function loadDraftContext(
  db: Db,
  ws: Workspace,
  opts: { metricId?: number; count: number; now?: number },
): Promise<DraftContext & { existing: Comparable[] }> {
  const metrics = await targetMetrics(db, ws, opts.metricId);
  if (!metrics.length)
    throw new NotFoundError(
      'This workspace has no active input metric to draft for: add one on the Metrics page.',
    );
  const ids = metrics.map((m) => m.id);
  const [northStar, closed, known, existing, rejected] = await Promise.all([
    getNorthStar(db, ws),
    db.orm
      .select({
        id: hypotheses.id,
        title: hypotheses.title,
        change: hypotheses.change,
        outcome: hypotheses.outcome,
        rationale: hypotheses.rationale,
        metricId: hypotheses.metricId,
        result: hypotheses.result,
        expectedLift: hypotheses.expectedLift,
        lift: hypotheses.lift,
        estimatedDays: hypotheses.estimatedDays,
        actualDays: hypotheses.actualDays,
        roti: hypotheses.roti,
        impact: hypotheses.impact,
        confidence: hypotheses.confidence,
        ease: hypotheses.ease,
        closedAt: hypotheses.closedAt,
      })
      .from(hypotheses)
      .where(
        and(
          eq(hypotheses.workspaceId, ws.id),
          eq(hypotheses.status, 'done'),
          isNotNull(hypotheses.result),
          inArray(hypotheses.metricId, ids),
        ),
      )
      .orderBy(desc(hypotheses.closedAt), desc(hypotheses.id))
      .limit(HISTORY_LIMIT),
    db.orm
      .select()
      .from(learnings)
      .where(and(eq(learnings.workspaceId, ws.id), inArray(learnings.metricId, ids)))
      .orderBy(desc(learnings.createdAt), desc(learnings.id))
      .limit(LEARNINGS_LIMIT),
    db.orm
      .select({ id: hypotheses.id, title: hypotheses.title, change: hypotheses.change })
      .from(hypotheses)
      .where(and(eq(hypotheses.workspaceId, ws.id), ne(hypotheses.status, 'rejected')))
      .orderBy(desc(hypotheses.id))
      .limit(COMPARE_LIMIT),
    db.orm
      .select({ title: hypotheses.title })
      .from(hypotheses)
      .where(and(eq(hypotheses.workspaceId, ws.id), eq(hypotheses.status, 'rejected')))
      .orderBy(desc(hypotheses.id))
      .limit(500),
  ]);
  const closedIds = closed.map((c) => c.id);
  const [tagRows, links] = await Promise.all([
    closedIds.length
      ? db.orm
          .select({ hypothesisId: hypothesisTags.hypothesisId, tag: hypothesisTags.tag })
          .from(hypothesisTags)
          .where(and(eq(hypothesisTags.workspaceId, ws.id), inArray(hypothesisTags.hypothesisId, closedIds)))
          .orderBy(asc(hypothesisTags.tag))
      : [],
    known.length
      ? db.orm
          .select({
            learningId: hypothesisLearnings.learningId,
            id: hypotheses.id,
            title: hypotheses.title,
            result: hypotheses.result,
            relation: hypothesisLearnings.relation,
          })
          .from(hypothesisLearnings)
          .innerJoin(hypotheses, eq(hypotheses.id, hypothesisLearnings.hypothesisId))
          .where(
            and(
              eq(hypothesisLearnings.workspaceId, ws.id),
              inArray(
                hypothesisLearnings.learningId,
                known.map((l) => l.id),
              ),
            ),
          )
          .orderBy(asc(hypotheses.id))
      : [],
  ]);
  const tags = new Map<number, string[]>();
  for (const t of tagRows) tags.set(t.hypothesisId, [...(tags.get(t.hypothesisId) ?? []), t.tag]);
  const experiments: PastExperiment[] = closed.map((c) => ({
    ...c,
    result: c.result as Outcome,
    closedAt: c.closedAt ?? 0,
    tags: tags.get(c.id) ?? [],
  }));
  const byLearning = new Map<number, KnownLearning['experiments']>();
  for (const { learningId, ...e } of links)
    byLearning.set(learningId, [...(byLearning.get(learningId) ?? []), e]);
  const learningList: KnownLearning[] = known.map((l) => ({
    id: l.id,
    statement: l.statement,
    metricId: l.metricId,
    createdAt: l.createdAt,
    status: l.status,
    experiments: byLearning.get(l.id) ?? [],
  }));
  return {
    ws,
    northStar,
    metrics,
    learnings: learningList,
    experiments,
    existingTitles: existing.map((e) => e.title),
    rejectedTitles: rejected.map((r) => r.title),
    existing,
    count: opts.count,
    now: opts.now ?? Date.now(),
  };
}
