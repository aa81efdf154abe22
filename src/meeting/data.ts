import { and, asc, count, desc, eq, gt, inArray, max } from 'drizzle-orm';
import type { Db } from '../../db/client';
import {
  auditEvents,
  type Batch,
  batches,
  type Hypothesis,
  hypotheses,
  hypothesisLearnings,
  learnings,
  metrics,
  type Workspace,
} from '../../db/schema';
import {
  type BatchLoad,
  batchItems,
  batchLoad,
  lastStartedBatch,
  newBatchDefaults,
  openBatch,
} from '../batches/batches';
import { type MemberScoreRow, scoresOf } from '../hypotheses/member-scores';
import { listHypotheses, type RankedItem } from '../hypotheses/ranking';
import { ListQuery, type Sort } from '../hypotheses/schemas';
import { type LearningWithExperiments, learningsForClose } from '../learnings/learnings';
import { type Lever, leverRotiByMetric } from '../levers/levers';
import { type NorthStarData, northStarSection } from './north-star';

// What each section of the meeting page shows, loaded per section so a live update or an action re-reads
// only the sections it may have changed. Nothing here depends on who looks: roles and "your score" are
// applied when rendering, so one load serves every open page of the workspace.

export const SECTIONS = ['north-star', 'review', 'learnings', 'drafts', 'backlog', 'batch'] as const;
export type SectionKey = (typeof SECTIONS)[number];

/** How many items the backlog and draft sections list (the backlog page has the rest). */
export const MEETING_LIST_LIMIT = 50;

export type ReviewItem = Hypothesis & { metricName: string; metricUnit: string; week: string | null };
export type ReviewData = {
  groups: { week: string | null; items: ReviewItem[] }[];
  /** The learnings each metric's close form can link, by metric id. */
  closeLearnings: Map<number, LearningWithExperiments[]>;
};
export type LearningsData = { since?: Batch; items: LearningWithExperiments[] };
export type DraftItem = Hypothesis & { metricName: string };
export type DraftsData = { items: DraftItem[]; total: number };
export type BacklogData = {
  sort: Sort;
  items: RankedItem[];
  total: number;
  scores: Map<number, MemberScoreRow[]>;
  levers: Map<number, Lever>;
  open?: Batch;
};
export type BatchData = {
  open?: Batch;
  items: Hypothesis[];
  load?: BatchLoad;
  defaults: { week: string; capacityDays: number };
  lastStarted?: Batch;
};

export type MeetingData = {
  northStar?: NorthStarData;
  review?: ReviewData;
  learnings?: LearningsData;
  drafts?: DraftsData;
  backlog?: BacklogData;
  batch?: BatchData;
};

async function review(db: Db, ws: Workspace): Promise<ReviewData> {
  const rows = await db.orm
    .select({ h: hypotheses, metricName: metrics.name, metricUnit: metrics.unit, week: batches.week })
    .from(hypotheses)
    .innerJoin(metrics, eq(metrics.id, hypotheses.metricId))
    .leftJoin(batches, eq(batches.id, hypotheses.batchId))
    .where(and(eq(hypotheses.workspaceId, ws.id), eq(hypotheses.status, 'running')))
    .orderBy(desc(batches.week), desc(hypotheses.ice), asc(hypotheses.id));
  const groups: ReviewData['groups'] = [];
  for (const r of rows) {
    const item = { ...r.h, metricName: r.metricName, metricUnit: r.metricUnit, week: r.week };
    const last = groups.at(-1);
    if (last && last.week === r.week) last.items.push(item);
    else groups.push({ week: r.week, items: [item] });
  }
  const metricIds = [...new Set(rows.map((r) => r.h.metricId))];
  const lists = await Promise.all(metricIds.map((id) => learningsForClose(db, ws, id)));
  return { groups, closeLearnings: new Map(metricIds.map((id, i) => [id, lists[i] ?? []])) };
}

/** Learnings recorded since the last meeting ended (the last batch started), newest first. */
async function recentLearnings(db: Db, ws: Workspace): Promise<LearningsData> {
  const since = await lastStartedBatch(db, ws);
  const rows = await db.orm
    .select({ l: learnings, metricName: metrics.name })
    .from(learnings)
    .leftJoin(metrics, eq(metrics.id, learnings.metricId))
    .where(
      and(
        eq(learnings.workspaceId, ws.id),
        since?.startedAt != null ? gt(learnings.createdAt, since.startedAt) : undefined,
      ),
    )
    .orderBy(desc(learnings.createdAt), desc(learnings.id))
    .limit(MEETING_LIST_LIMIT);
  const ids = rows.map((r) => r.l.id);
  const links = ids.length
    ? await db.orm
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
        .where(and(eq(hypothesisLearnings.workspaceId, ws.id), inArray(hypothesisLearnings.learningId, ids)))
        .orderBy(desc(hypotheses.closedAt))
    : [];
  return {
    since,
    items: rows.map((r) => ({
      ...r.l,
      metricName: r.metricName,
      experiments: links.filter((x) => x.learningId === r.l.id).map(({ learningId: _, ...x }) => x),
    })),
  };
}

async function drafts(db: Db, ws: Workspace): Promise<DraftsData> {
  const where = and(eq(hypotheses.workspaceId, ws.id), eq(hypotheses.status, 'draft'));
  const [rows, [total]] = await Promise.all([
    db.orm
      .select({ h: hypotheses, metricName: metrics.name })
      .from(hypotheses)
      .innerJoin(metrics, eq(metrics.id, hypotheses.metricId))
      .where(where)
      .orderBy(asc(hypotheses.createdAt), asc(hypotheses.id))
      .limit(MEETING_LIST_LIMIT),
    db.orm.select({ n: count() }).from(hypotheses).where(where),
  ]);
  return { items: rows.map((r) => ({ ...r.h, metricName: r.metricName })), total: total?.n ?? 0 };
}

async function backlog(db: Db, ws: Workspace, sort: Sort): Promise<BacklogData> {
  const q = ListQuery.parse({ status: 'backlog', sort, limit: MEETING_LIST_LIMIT });
  const [{ items, total }, levers, open] = await Promise.all([
    listHypotheses(db, ws, q),
    leverRotiByMetric(db, ws),
    openBatch(db, ws),
  ]);
  const scores = await scoresOf(
    db,
    ws,
    items.map((i) => i.id),
  );
  return { sort, items, total, scores, levers, open };
}

async function batch(db: Db, ws: Workspace): Promise<BatchData> {
  const [open, defaults, lastStarted] = await Promise.all([
    openBatch(db, ws),
    newBatchDefaults(db, ws),
    lastStartedBatch(db, ws),
  ]);
  const items = open ? await batchItems(db, ws, open.id) : [];
  return { open, items, load: open ? batchLoad(open, items) : undefined, defaults, lastStarted };
}

/** Loads the data of these sections (all of them by default). */
export async function loadMeeting(
  db: Db,
  ws: Workspace,
  keys: readonly SectionKey[] = SECTIONS,
  opts: { sort?: Sort } = {},
): Promise<MeetingData> {
  const want = new Set(keys);
  const [northStar, rev, learned, draft, back, next] = await Promise.all([
    want.has('north-star') ? northStarSection(db, ws) : undefined,
    want.has('review') ? review(db, ws) : undefined,
    want.has('learnings') ? recentLearnings(db, ws) : undefined,
    want.has('drafts') ? drafts(db, ws) : undefined,
    want.has('backlog') ? backlog(db, ws, opts.sort ?? 'ice') : undefined,
    want.has('batch') ? batch(db, ws) : undefined,
  ]);
  return { northStar, review: rev, learnings: learned, drafts: draft, backlog: back, batch: next };
}

/**
 * The workspace's latest recorded change (0 when none): the page sends it as `since`, so its live stream
 * knows whether anything happened between rendering the page and connecting.
 */
export async function latestEventId(db: Db, workspaceId: number): Promise<number> {
  const [row] = await db.orm
    .select({ id: max(auditEvents.id) })
    .from(auditEvents)
    .where(eq(auditEvents.workspaceId, workspaceId));
  return row?.id ?? 0;
}
