import { and, asc, type Column, eq, gt, isNotNull, lt, lte, ne, sql } from 'drizzle-orm';
import type { Db } from '../../db/client';
import {
  auditEvents,
  type Batch,
  batches,
  type Hypothesis,
  hypotheses,
  type LearningStatus,
  learnings,
  metrics,
  type Outcome,
  type Relation,
  type Workspace,
} from '../../db/schema';
import { learningLinksOf } from '../learnings/learnings';
import { type BatchLoad, batchItems, batchLoad } from './batches';

// The meeting summary: what a week's meeting covered, to read afterwards or paste into the team's chat.
// It belongs to a batch and covers the window (previous batch's start, this batch's start] — or up to now
// while the batch has not started, so the page reads "so far" during the meeting itself. Queries gather
// the window's facts here; the Markdown (markdown.ts) is a pure function of them.

export type SummaryWindow = {
  /** Exclusive start: when the previous batch started; null when no batch started before this one. */
  from: number | null;
  /** Inclusive end: when this batch started, or now while it has not. */
  to: number;
  /** The batch whose start opens the window. */
  previous: Pick<Batch, 'id' | 'week'> | null;
  /** False while this batch has not started: the summary is "so far". */
  final: boolean;
};

export type SummaryLearningLink = { id: number; statement: string; relation: Relation };

export type ClosedItem = {
  id: number;
  title: string;
  result: Outcome;
  lift: number | null;
  roti: number | null;
  actualDays: number | null;
  returnScore: number | null;
  closedAt: number;
  learnings: SummaryLearningLink[];
};

export type LearnedItem = {
  id: number;
  statement: string;
  status: LearningStatus;
  metricName: string | null;
  createdAt: number;
};

export type TriagedItem = { id: number; title: string; decision: 'accepted' | 'rejected'; at: number };

export type MeetingSummary = {
  batch: Batch;
  window: SummaryWindow;
  closed: ClosedItem[];
  learned: LearnedItem[];
  triaged: { accepted: TriagedItem[]; rejected: TriagedItem[] };
  selected: {
    items: Pick<Hypothesis, 'id' | 'title' | 'status' | 'estimatedDays' | 'ice'>[];
    load: BatchLoad;
    /** Planned ÷ capacity, in whole percent. */
    usedPercent: number;
  };
};

/** The window a batch's summary covers (see the file comment). */
export async function summaryWindow(db: Db, ws: Workspace, batch: Batch, now = Date.now()) {
  const to = batch.startedAt ?? now;
  const [previous] = await db.orm
    .select({ id: batches.id, week: batches.week, startedAt: batches.startedAt })
    .from(batches)
    .where(
      and(
        eq(batches.workspaceId, ws.id),
        ne(batches.id, batch.id),
        isNotNull(batches.startedAt),
        lt(batches.startedAt, to),
      ),
    )
    .orderBy(sql`${batches.startedAt} desc`, sql`${batches.id} desc`)
    .limit(1);
  return {
    from: previous?.startedAt ?? null,
    to,
    previous: previous ? { id: previous.id, week: previous.week } : null,
    final: batch.startedAt != null,
  } satisfies SummaryWindow;
}

/** `column` in (from, to]. */
const within = (column: Column, w: SummaryWindow) =>
  and(w.from == null ? undefined : gt(column, w.from), lte(column, w.to));

async function closedIn(db: Db, ws: Workspace, w: SummaryWindow): Promise<ClosedItem[]> {
  const rows = await db.orm
    .select({
      id: hypotheses.id,
      title: hypotheses.title,
      result: hypotheses.result,
      lift: hypotheses.lift,
      roti: hypotheses.roti,
      actualDays: hypotheses.actualDays,
      returnScore: hypotheses.returnScore,
      closedAt: hypotheses.closedAt,
    })
    .from(hypotheses)
    .where(
      and(
        eq(hypotheses.workspaceId, ws.id),
        eq(hypotheses.status, 'done'),
        isNotNull(hypotheses.result),
        within(hypotheses.closedAt, w),
      ),
    )
    .orderBy(asc(hypotheses.closedAt), asc(hypotheses.id));
  if (rows.length === 0) return [];
  const byHypothesis = await learningLinksOf(
    db,
    ws,
    rows.map((r) => r.id),
  );
  return rows.map((r) => ({
    ...r,
    result: r.result as Outcome,
    closedAt: r.closedAt ?? 0,
    learnings: byHypothesis.get(r.id) ?? [],
  }));
}

async function learnedIn(db: Db, ws: Workspace, w: SummaryWindow): Promise<LearnedItem[]> {
  return db.orm
    .select({
      id: learnings.id,
      statement: learnings.statement,
      status: learnings.status,
      metricName: metrics.name,
      createdAt: learnings.createdAt,
    })
    .from(learnings)
    .leftJoin(metrics, eq(metrics.id, learnings.metricId))
    .where(and(eq(learnings.workspaceId, ws.id), within(learnings.createdAt, w)))
    .orderBy(asc(learnings.createdAt), asc(learnings.id));
}

/** Drafts the team accepted to the backlog or rejected in the window, from the audit trail. */
async function triagedIn(db: Db, ws: Workspace, w: SummaryWindow) {
  const rows = await db.orm
    .select({
      id: hypotheses.id,
      title: hypotheses.title,
      to: sql<string>`json_extract(${auditEvents.after}, '$.status')`,
      at: auditEvents.createdAt,
    })
    .from(auditEvents)
    .innerJoin(
      hypotheses,
      and(eq(hypotheses.id, auditEvents.entityId), eq(hypotheses.workspaceId, auditEvents.workspaceId)),
    )
    .where(
      and(
        eq(auditEvents.workspaceId, ws.id),
        eq(auditEvents.entity, 'hypothesis'),
        eq(auditEvents.action, 'transition'),
        sql`json_extract(${auditEvents.before}, '$.status') = 'draft'`,
        sql`json_extract(${auditEvents.after}, '$.status') in ('backlog', 'rejected')`,
        within(auditEvents.createdAt, w),
      ),
    )
    .orderBy(asc(auditEvents.createdAt), asc(auditEvents.id));
  // A draft leaves draft only once, but imported trails may repeat it: the last decision stands.
  const last = new Map<number, TriagedItem>();
  for (const r of rows) {
    last.delete(r.id);
    last.set(r.id, {
      id: r.id,
      title: r.title,
      decision: r.to === 'backlog' ? 'accepted' : 'rejected',
      at: r.at,
    });
  }
  const all = [...last.values()];
  return {
    accepted: all.filter((t) => t.decision === 'accepted'),
    rejected: all.filter((t) => t.decision === 'rejected'),
  };
}

/** Planned ÷ capacity in whole percent (0 for a batch without capacity). */
export function usedPercent(load: Pick<BatchLoad, 'plannedDays' | 'capacityDays'>): number {
  return load.capacityDays > 0 ? Math.round((load.plannedDays / load.capacityDays) * 100) : 0;
}

/** Everything the summary page and its Markdown show for one batch. */
export async function meetingSummary(
  db: Db,
  ws: Workspace,
  batch: Batch,
  now = Date.now(),
): Promise<MeetingSummary> {
  const window = await summaryWindow(db, ws, batch, now);
  const [closed, learned, triaged, items] = await Promise.all([
    closedIn(db, ws, window),
    learnedIn(db, ws, window),
    triagedIn(db, ws, window),
    batchItems(db, ws, batch.id),
  ]);
  const load = batchLoad(batch, items);
  return {
    batch,
    window,
    closed,
    learned,
    triaged,
    selected: {
      items: items.map(({ id, title, status, estimatedDays, ice }) => ({
        id,
        title,
        status,
        estimatedDays,
        ice,
      })),
      load,
      usedPercent: usedPercent(load),
    },
  };
}
