import { and, asc, eq, gte, inArray, isNotNull, lt, min } from 'drizzle-orm';
import type { Db } from '../../db/client';
import {
  auditEvents,
  batches,
  hypotheses,
  type LearningStatus,
  learnings,
  metrics,
  type Outcome,
  type Relation,
  type Workspace,
} from '../../db/schema';
import { isoWeek, weekBounds } from '../batches/weeks';
import { learningLinksOf } from '../learnings/learnings';
import type { Tile } from '../measurements/tiles';
import { type DigestInput, treeAsOf } from './tree';
import { type DigestWeek, defaultWeek, neighbours } from './weeks';

// The stakeholder digest: what a read-only share link shows for one ISO week. Stakeholders see outcomes,
// not the team's workings: the North Star tree with its figures, the experiments closed in the week with
// their results and learnings, the learnings recorded or re-judged in the week, and the titles of what is
// running and selected. Not shown: drafts, the backlog, rejected or parked ideas, ICE scores, rationales,
// owners, member names and anything from the audit trail beyond learning statuses.

/** At most this many titles per "now" list (a digest is read in an email, not scrolled through). */
export const DIGEST_TITLES_MAX = 30;

export type DigestResult = {
  id: number;
  title: string;
  metricName: string;
  result: Outcome;
  lift: number | null;
  roti: number | null;
  closedAt: number;
  learnings: { statement: string; relation: Relation }[];
};

export type DigestLearning = {
  id: number;
  statement: string;
  metricName: string | null;
  /** Its status at the end of the week (or now, for the current week). */
  status: LearningStatus;
  /** Recorded during the week. */
  isNew: boolean;
  /** Its status when the week began, when it was re-judged during the week (not set for a new one). */
  was?: LearningStatus;
};

export type { DigestInput };

export type Digest = {
  workspace: Pick<Workspace, 'name' | 'timeZone'>;
  week: DigestWeek;
  /** The week's instants in the workspace's time zone: [start, end). */
  bounds: { start: number; end: number };
  northStar?: Tile;
  inputs: DigestInput[];
  results: DigestResult[];
  learnings: DigestLearning[];
  /** Titles of what runs now and what is selected for a coming batch (by that batch's week). */
  running: { titles: string[]; more: number };
  selected: { week: string; titles: string[] }[];
  selectedMore: number;
};

/** The first week the digest can show: when the workspace began, or its oldest result or learning if older. */
export async function earliestWeek(db: Db, ws: Workspace): Promise<string> {
  const [[closed], [learned]] = await Promise.all([
    db.orm
      .select({ at: min(hypotheses.closedAt) })
      .from(hypotheses)
      .where(and(eq(hypotheses.workspaceId, ws.id), isNotNull(hypotheses.closedAt))),
    db.orm
      .select({ at: min(learnings.createdAt) })
      .from(learnings)
      .where(eq(learnings.workspaceId, ws.id)),
  ]);
  const first = Math.min(
    ws.createdAt,
    closed?.at ?? Number.POSITIVE_INFINITY,
    learned?.at ?? Number.POSITIVE_INFINITY,
  );
  return isoWeek(first, ws.timeZone);
}

/** Experiments closed in [start, end), oldest first, with the learnings they produced or bore on. */
async function resultsIn(db: Db, ws: Workspace, start: number, end: number): Promise<DigestResult[]> {
  const rows = await db.orm
    .select({
      id: hypotheses.id,
      title: hypotheses.title,
      metricName: metrics.name,
      result: hypotheses.result,
      lift: hypotheses.lift,
      roti: hypotheses.roti,
      closedAt: hypotheses.closedAt,
    })
    .from(hypotheses)
    .innerJoin(metrics, eq(metrics.id, hypotheses.metricId))
    .where(
      and(
        eq(hypotheses.workspaceId, ws.id),
        eq(hypotheses.status, 'done'),
        isNotNull(hypotheses.result),
        gte(hypotheses.closedAt, start),
        lt(hypotheses.closedAt, end),
      ),
    )
    .orderBy(asc(hypotheses.closedAt), asc(hypotheses.id));
  if (!rows.length) return [];
  const byHypothesis = await learningLinksOf(
    db,
    ws,
    rows.map((r) => r.id),
  );
  return rows.map((r) => ({
    ...r,
    result: r.result as Outcome,
    closedAt: r.closedAt ?? start,
    learnings: byHypothesis.get(r.id) ?? [],
  }));
}

type StatusEvent = { learningId: number; at: number; before: unknown; after: unknown };

const statusOf = (row: unknown): LearningStatus | undefined => {
  const s =
    row && typeof row === 'object' && 'status' in row ? (row as { status: unknown }).status : undefined;
  return s === 'emerging' || s === 'supported' || s === 'confirmed' || s === 'rejected' ? s : undefined;
};

/**
 * Learnings recorded in [start, end) or whose status changed then, each with its status as it stood at
 * the end of the week: the trail's status changes after the week are rolled back, so an old digest reads
 * the same next month.
 */
async function learningsIn(db: Db, ws: Workspace, start: number, end: number): Promise<DigestLearning[]> {
  const [created, events] = await Promise.all([
    db.orm
      .select({ id: learnings.id })
      .from(learnings)
      .where(
        and(eq(learnings.workspaceId, ws.id), gte(learnings.createdAt, start), lt(learnings.createdAt, end)),
      ),
    db.orm
      .select({
        learningId: auditEvents.entityId,
        at: auditEvents.createdAt,
        before: auditEvents.before,
        after: auditEvents.after,
      })
      .from(auditEvents)
      .where(
        and(
          eq(auditEvents.workspaceId, ws.id),
          eq(auditEvents.entity, 'learning'),
          eq(auditEvents.action, 'status'),
          gte(auditEvents.createdAt, start),
        ),
      )
      .orderBy(asc(auditEvents.createdAt), asc(auditEvents.id)),
  ]);
  const during = (e: StatusEvent) => e.at < end;
  const newIds = new Set(created.map((r) => r.id));
  const ids = [...new Set([...newIds, ...events.filter(during).map((e) => e.learningId)])];
  if (!ids.length) return [];
  const rows = await db.orm
    .select({
      id: learnings.id,
      statement: learnings.statement,
      status: learnings.status,
      metricName: metrics.name,
      createdAt: learnings.createdAt,
    })
    .from(learnings)
    .leftJoin(metrics, eq(metrics.id, learnings.metricId))
    .where(and(eq(learnings.workspaceId, ws.id), inArray(learnings.id, ids)))
    .orderBy(asc(learnings.createdAt), asc(learnings.id));
  const byLearning = new Map<number, StatusEvent[]>();
  for (const e of events) byLearning.set(e.learningId, [...(byLearning.get(e.learningId) ?? []), e]);
  const out: DigestLearning[] = [];
  for (const r of rows) {
    const own = byLearning.get(r.id) ?? [];
    const inWeek = own.filter(during);
    const after = own.find((e) => !during(e));
    const status = statusOf(inWeek.at(-1)?.after) ?? statusOf(after?.before) ?? r.status;
    const isNew = newIds.has(r.id);
    const was = isNew ? undefined : statusOf(inWeek[0]?.before);
    // A status changed and changed back within the week is no news about this learning.
    if (!isNew && was === status) continue;
    out.push({
      id: r.id,
      statement: r.statement,
      metricName: r.metricName,
      status,
      isNew,
      ...(was ? { was } : {}),
    });
  }
  return out;
}

/** Titles of the running experiments and of the ones selected for a batch not started yet. */
async function now(db: Db, ws: Workspace) {
  const [running, selected] = await Promise.all([
    db.orm
      .select({ title: hypotheses.title })
      .from(hypotheses)
      .where(and(eq(hypotheses.workspaceId, ws.id), eq(hypotheses.status, 'running')))
      .orderBy(asc(hypotheses.startedAt), asc(hypotheses.id)),
    db.orm
      .select({ title: hypotheses.title, week: batches.week })
      .from(hypotheses)
      .innerJoin(batches, eq(batches.id, hypotheses.batchId))
      .where(and(eq(hypotheses.workspaceId, ws.id), eq(hypotheses.status, 'selected')))
      .orderBy(asc(batches.week), asc(hypotheses.selectedAt), asc(hypotheses.id)),
  ]);
  const weeks = new Map<string, string[]>();
  for (const s of selected.slice(0, DIGEST_TITLES_MAX))
    weeks.set(s.week, [...(weeks.get(s.week) ?? []), s.title]);
  return {
    running: {
      titles: running.slice(0, DIGEST_TITLES_MAX).map((r) => r.title),
      more: Math.max(0, running.length - DIGEST_TITLES_MAX),
    },
    selected: [...weeks].map(([week, titles]) => ({ week, titles })),
    selectedMore: Math.max(0, selected.length - DIGEST_TITLES_MAX),
  };
}

/** Everything the digest shows for a week (the default week when `asked` is undefined). */
export async function loadDigest(
  db: Db,
  ws: Workspace,
  opts: { asked?: string; earliest: string; now?: number },
): Promise<Digest> {
  const at = opts.now ?? Date.now();
  const current = isoWeek(at, ws.timeZone);
  let week: string;
  let reason: DigestWeek['reason'];
  let facts: { results: DigestResult[]; learnings: DigestLearning[] } | undefined;
  const factsOf = async (w: string) => {
    const b = weekBounds(w, ws.timeZone);
    const [results, learned] = await Promise.all([
      resultsIn(db, ws, b.start, b.end),
      learningsIn(db, ws, b.start, b.end),
    ]);
    return { results, learnings: learned };
  };
  if (opts.asked) {
    week = opts.asked;
    reason = 'asked';
  } else {
    const thisWeek = await factsOf(current);
    const chosen = defaultWeek(
      current,
      opts.earliest,
      thisWeek.results.length + thisWeek.learnings.length > 0,
    );
    week = chosen.week;
    reason = chosen.reason;
    if (week === current) facts = thisWeek;
  }
  const [shown, tree, whatNow] = await Promise.all([
    facts ?? factsOf(week),
    treeAsOf(db, ws, week, week === current),
    now(db, ws),
  ]);
  return {
    workspace: { name: ws.name, timeZone: ws.timeZone },
    week: { week, current, reason, ...neighbours(week, current, opts.earliest) },
    bounds: weekBounds(week, ws.timeZone),
    ...tree,
    ...shown,
    ...whatNow,
  };
}
