import { and, asc, desc, eq, inArray, isNull, or, type SQL, sql } from 'drizzle-orm';
import type { Db } from '../../db/client';
import {
  hypotheses,
  hypothesisLearnings,
  type Learning,
  type LearningStatus,
  learnings,
  metrics,
  type Relation,
  type Workspace,
} from '../../db/schema';
import { recordChange, snapshot } from '../audit/audit';
import { ConflictError, NotFoundError, ValidationError } from '../errors';
import type { LearningInput, LearningQuery } from './schemas';

export type LinkedExperiment = {
  id: number;
  title: string;
  result: string | null;
  lift: number | null;
  roti: number | null;
  relation: 'supports' | 'contradicts';
};
export type LearningWithExperiments = Learning & {
  metricName: string | null;
  experiments: LinkedExperiment[];
};

export const LEARNINGS_PAGE = 100;

async function withExperiments(
  db: Db,
  ws: Workspace,
  rows: (Learning & { metricName: string | null })[],
): Promise<LearningWithExperiments[]> {
  if (rows.length === 0) return [];
  const links = await db.orm
    .select({
      learningId: hypothesisLearnings.learningId,
      relation: hypothesisLearnings.relation,
      id: hypotheses.id,
      title: hypotheses.title,
      result: hypotheses.result,
      lift: hypotheses.lift,
      roti: hypotheses.roti,
    })
    .from(hypothesisLearnings)
    .innerJoin(hypotheses, eq(hypotheses.id, hypothesisLearnings.hypothesisId))
    .where(
      and(
        eq(hypothesisLearnings.workspaceId, ws.id),
        inArray(
          hypothesisLearnings.learningId,
          rows.map((r) => r.id),
        ),
      ),
    )
    .orderBy(desc(hypotheses.closedAt));
  const byLearning = new Map<number, LinkedExperiment[]>();
  for (const { learningId, ...exp } of links)
    byLearning.set(learningId, [...(byLearning.get(learningId) ?? []), exp]);
  return rows.map((r) => ({ ...r, experiments: byLearning.get(r.id) ?? [] }));
}

const columns = {
  id: learnings.id,
  workspaceId: learnings.workspaceId,
  metricId: learnings.metricId,
  statement: learnings.statement,
  status: learnings.status,
  version: learnings.version,
  createdAt: learnings.createdAt,
  updatedAt: learnings.updatedAt,
  metricName: metrics.name,
};

export async function listLearnings(
  db: Db,
  ws: Workspace,
  q: LearningQuery,
  limit = LEARNINGS_PAGE,
): Promise<LearningWithExperiments[]> {
  const where: SQL[] = [eq(learnings.workspaceId, ws.id)];
  if (q.metricId) where.push(eq(learnings.metricId, q.metricId));
  if (q.status) where.push(eq(learnings.status, q.status));
  if (q.q)
    where.push(
      sql`${learnings.statement} like ${`%${q.q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`} escape '\\'`,
    );
  const rows = await db.orm
    .select(columns)
    .from(learnings)
    .leftJoin(metrics, eq(metrics.id, learnings.metricId))
    .where(and(...where))
    .orderBy(desc(learnings.createdAt), desc(learnings.id))
    .limit(limit);
  return withExperiments(db, ws, rows);
}

/** The learnings of one input metric with the closed experiments behind them (shown while writing). */
export function learningsForMetric(db: Db, ws: Workspace, metricId: number, limit = 10) {
  return listLearnings(db, ws, { metricId }, limit);
}

/**
 * The learnings a close can support or contradict: those on the experiment's metric and the
 * workspace-wide ones (no metric), newest first.
 */
export async function learningsForClose(db: Db, ws: Workspace, metricId: number, limit = 50) {
  const rows = await db.orm
    .select(columns)
    .from(learnings)
    .leftJoin(metrics, eq(metrics.id, learnings.metricId))
    .where(
      and(eq(learnings.workspaceId, ws.id), or(eq(learnings.metricId, metricId), isNull(learnings.metricId))),
    )
    .orderBy(desc(learnings.createdAt), desc(learnings.id))
    .limit(limit);
  return withExperiments(db, ws, rows);
}

export async function getLearning(
  db: Db,
  ws: Workspace,
  id: number,
): Promise<LearningWithExperiments | undefined> {
  const rows = await db.orm
    .select(columns)
    .from(learnings)
    .leftJoin(metrics, eq(metrics.id, learnings.metricId))
    .where(and(eq(learnings.workspaceId, ws.id), eq(learnings.id, id)));
  const [one] = await withExperiments(db, ws, rows);
  return one;
}

/** The learnings an experiment produced, supports or contradicts. */
/** The learnings each of these experiments produced or bore on, by experiment, oldest learning first. */
export async function learningLinksOf(
  db: Db,
  ws: Workspace,
  hypothesisIds: number[],
): Promise<Map<number, { id: number; statement: string; relation: Relation }[]>> {
  const out = new Map<number, { id: number; statement: string; relation: Relation }[]>();
  if (!hypothesisIds.length) return out;
  const links = await db.orm
    .select({
      hypothesisId: hypothesisLearnings.hypothesisId,
      id: learnings.id,
      statement: learnings.statement,
      relation: hypothesisLearnings.relation,
    })
    .from(hypothesisLearnings)
    .innerJoin(learnings, eq(learnings.id, hypothesisLearnings.learningId))
    .where(
      and(
        eq(hypothesisLearnings.workspaceId, ws.id),
        inArray(hypothesisLearnings.hypothesisId, hypothesisIds),
      ),
    )
    .orderBy(asc(learnings.id));
  for (const { hypothesisId, ...link } of links)
    out.set(hypothesisId, [...(out.get(hypothesisId) ?? []), link]);
  return out;
}

export async function learningsOfHypothesis(db: Db, ws: Workspace, hypothesisId: number) {
  return db.orm
    .select({
      id: learnings.id,
      statement: learnings.statement,
      status: learnings.status,
      relation: hypothesisLearnings.relation,
    })
    .from(hypothesisLearnings)
    .innerJoin(learnings, eq(learnings.id, hypothesisLearnings.learningId))
    .where(
      and(eq(hypothesisLearnings.workspaceId, ws.id), eq(hypothesisLearnings.hypothesisId, hypothesisId)),
    )
    .orderBy(learnings.id);
}

/** A learning recorded outside an experiment (research, a competitor's result…). */
export async function createLearning(db: Db, ws: Workspace, input: LearningInput, now = Date.now()) {
  const id = await db.write(async (tx) => {
    if (input.metricId != null) {
      const [m] = await tx
        .select({ id: metrics.id })
        .from(metrics)
        .where(and(eq(metrics.workspaceId, ws.id), eq(metrics.id, input.metricId)));
      if (!m) throw new ValidationError({ metricId: 'Choose one of this workspace’s metrics.' });
    }
    const [row] = await tx
      .insert(learnings)
      .values({
        workspaceId: ws.id,
        metricId: input.metricId ?? null,
        statement: input.statement,
        status: input.status,
        createdAt: now,
        updatedAt: now,
      })
      .returning();
    if (!row) throw new Error('insert returned no row');
    await recordChange(
      tx,
      { workspaceId: ws.id, entity: 'learning', entityId: row.id, action: 'create', after: snapshot(row) },
      now,
    );
    return row.id;
  });
  return (await getLearning(db, ws, id)) as LearningWithExperiments;
}

export async function setLearningStatus(
  db: Db,
  ws: Workspace,
  id: number,
  status: LearningStatus,
  version: number,
  now = Date.now(),
) {
  const outcome = await db.write(async (tx) => {
    const [current] = await tx
      .select({ version: learnings.version, status: learnings.status, statement: learnings.statement })
      .from(learnings)
      .where(and(eq(learnings.workspaceId, ws.id), eq(learnings.id, id)));
    if (!current) return 'missing';
    if (current.version !== version) return 'stale';
    await tx
      .update(learnings)
      .set({ status, version: current.version + 1, updatedAt: now })
      .where(and(eq(learnings.id, id), eq(learnings.version, version)));
    // The statement rides along on both sides (unchanged) so the trail can say which learning moved.
    if (current.status !== status)
      await recordChange(
        tx,
        {
          workspaceId: ws.id,
          entity: 'learning',
          entityId: id,
          action: 'status',
          before: { status: current.status, statement: current.statement },
          after: { status, statement: current.statement },
        },
        now,
      );
    return 'ok';
  });
  if (outcome === 'missing') throw new NotFoundError(`No learning #${id} in this workspace.`);
  const fresh = (await getLearning(db, ws, id)) as LearningWithExperiments;
  if (outcome === 'stale')
    throw new ConflictError(
      'Someone else changed this learning first; its current status is shown.',
      'stale_version',
      fresh,
    );
  return fresh;
}
