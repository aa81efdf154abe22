import { and, desc, eq, inArray } from 'drizzle-orm';
import type { Db } from '../../db/client';
import {
  type DraftRun,
  draftRuns,
  type Hypothesis,
  hypotheses,
  type LearningStatus,
  learnings,
  metrics,
  type Outcome,
  type Status,
  type Workspace,
} from '../../db/schema';
import { attachTags } from '../hypotheses/hypotheses';

// What a drafted hypothesis built on, loaded for many at once (a run's drafts, the triage list) with one
// query per kind of thing. Ids that no longer resolve (a deleted learning) are simply left out.

export type ProvenanceLearning = { id: number; statement: string; status: LearningStatus };
export type ProvenanceExperiment = { id: number; title: string; result: Outcome | null };
export type ProvenanceTwin = { id: number; title: string; status: Status };

export type Provenance = {
  learnings: ProvenanceLearning[];
  experiments: ProvenanceExperiment[];
  twin?: ProvenanceTwin;
};

/** A draft as the triage views show it: the row, its tags, its metric's name and what it built on. */
export type DraftView = Hypothesis & { tags: string[]; metricName: string } & Provenance;

export async function loadProvenance(
  db: Db,
  ws: Workspace,
  rows: Pick<Hypothesis, 'id' | 'draftLearningIds' | 'draftExperimentIds' | 'duplicateOfId'>[],
): Promise<Map<number, Provenance>> {
  const learningIds = [...new Set(rows.flatMap((r) => r.draftLearningIds ?? []))];
  const hypothesisIds = [
    ...new Set(
      rows.flatMap((r) => [...(r.draftExperimentIds ?? []), ...(r.duplicateOfId ? [r.duplicateOfId] : [])]),
    ),
  ];
  const [ls, hs] = await Promise.all([
    learningIds.length
      ? db.orm
          .select({ id: learnings.id, statement: learnings.statement, status: learnings.status })
          .from(learnings)
          .where(and(eq(learnings.workspaceId, ws.id), inArray(learnings.id, learningIds)))
      : [],
    hypothesisIds.length
      ? db.orm
          .select({
            id: hypotheses.id,
            title: hypotheses.title,
            result: hypotheses.result,
            status: hypotheses.status,
          })
          .from(hypotheses)
          .where(and(eq(hypotheses.workspaceId, ws.id), inArray(hypotheses.id, hypothesisIds)))
      : [],
  ]);
  const lById = new Map(ls.map((l) => [l.id, l]));
  const hById = new Map(hs.map((h) => [h.id, h]));
  const out = new Map<number, Provenance>();
  for (const r of rows) {
    const twin = r.duplicateOfId ? hById.get(r.duplicateOfId) : undefined;
    out.set(r.id, {
      learnings: (r.draftLearningIds ?? []).flatMap((id) => {
        const l = lById.get(id);
        return l ? [l] : [];
      }),
      experiments: (r.draftExperimentIds ?? []).flatMap((id) => {
        const h = hById.get(id);
        return h ? [{ id: h.id, title: h.title, result: h.result }] : [];
      }),
      ...(twin ? { twin: { id: twin.id, title: twin.title, status: twin.status } } : {}),
    });
  }
  return out;
}

/** Hypothesis rows with tags, metric names and provenance, in the order given. */
export async function draftViews(db: Db, ws: Workspace, rows: Hypothesis[]): Promise<DraftView[]> {
  if (!rows.length) return [];
  const [withTags, prov, names] = await Promise.all([
    attachTags(db, ws, rows),
    loadProvenance(db, ws, rows),
    db.orm.select({ id: metrics.id, name: metrics.name }).from(metrics).where(eq(metrics.workspaceId, ws.id)),
  ]);
  const metricName = new Map(names.map((m) => [m.id, m.name]));
  return withTags.map((h) => ({
    ...h,
    metricName: metricName.get(h.metricId) ?? `metric #${h.metricId}`,
    ...(prov.get(h.id) ?? { learnings: [], experiments: [] }),
  }));
}

/** The provenance of one hypothesis (for its page), or undefined when a person wrote it. */
export async function provenanceOf(
  db: Db,
  ws: Workspace,
  h: Pick<Hypothesis, 'id' | 'draftSource' | 'draftLearningIds' | 'draftExperimentIds' | 'duplicateOfId'>,
): Promise<Provenance | undefined> {
  if (h.draftSource == null) return undefined;
  return (await loadProvenance(db, ws, [h])).get(h.id);
}

export const TRIAGE_LIMIT = 50;

/** Drafts awaiting triage, newest first (follow-ups included: they are drafts too). */
export async function draftsToTriage(db: Db, ws: Workspace): Promise<DraftView[]> {
  const rows = await db.orm
    .select()
    .from(hypotheses)
    .where(and(eq(hypotheses.workspaceId, ws.id), eq(hypotheses.status, 'draft')))
    .orderBy(desc(hypotheses.createdAt), desc(hypotheses.id))
    .limit(TRIAGE_LIMIT);
  return draftViews(db, ws, rows);
}

export const RUNS_LIMIT = 10;

export async function latestRuns(db: Db, ws: Workspace): Promise<DraftRun[]> {
  return db.orm
    .select()
    .from(draftRuns)
    .where(eq(draftRuns.workspaceId, ws.id))
    .orderBy(desc(draftRuns.createdAt), desc(draftRuns.id))
    .limit(RUNS_LIMIT);
}
