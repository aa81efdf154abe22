import { asc, eq, sql } from 'drizzle-orm';
import { adoptOrphanWorkspaces } from '../src/accounts/users';
import { createBatch, setCapacity } from '../src/batches/batches';
import { addToBatch, startBatch } from '../src/batches/selection';
import { addWeeks, isoWeek, weekBounds } from '../src/batches/weeks';
import { draftNow } from '../src/drafts/drafts';
import { playbookDrafter } from '../src/drafts/playbook';
import { followUpFromHypothesis } from '../src/hypotheses/close';
import type { HypothesisWithTags } from '../src/hypotheses/hypotheses';
import type { CloseLearning } from '../src/hypotheses/schemas';
import { getLearning, setLearningStatus } from '../src/learnings/learnings';
import { recordMeasurements } from '../src/measurements/measurements';
import { getNorthStar } from '../src/metrics/metrics';
import type { Db } from './client';
import { BACKLOG } from './demo/backlog';
import { HISTORY } from './demo/history';
import { PIPELINE } from './demo/pipeline';
import type {
  DemoBatch,
  DemoBatchItem,
  DemoClose,
  DemoCloseLearning,
  DemoFollowUp,
  DemoHypothesis,
  DemoLearning,
  DemoStep,
  HypothesisKey,
  LearningKey,
  MetricKey,
} from './demo/types';
import { EARLIER_HISTORY, INPUTS, STARTED_DAYS_AGO, VALUE_HISTORY, WORKSPACE } from './demo/workspace';
import { closeAs, DAY_MS, makeHypothesis, makeInput, makeLearning, makeWorkspace, moveTo } from './factories';
import { type LearningStatus, type Metric, users, type Workspace, workspaces } from './schema';

// The demo workspace: a B2B SaaS growth team two months into running experiments, so that every page
// has something true-looking to show. Its content lives in db/demo/; this walks it through the factories
// (and so the domain functions): the demo can only contain what the app itself could have made. Dates
// count back from the Monday that starts the current ISO week (the demo workspace keeps the default time
// zone), so each past batch was picked and started at its own week's Monday meeting, everything else
// happened in the days around them, and all of it lies before `now`.

/** Everything after the workspace and its metrics, oldest first: ids follow this order. */
const STEPS: DemoStep[] = [...HISTORY, ...PIPELINE, ...BACKLOG];

const MINUTE_MS = 60_000;
/** The weekly prioritisation meeting is on Monday at 10:00; "Start batch" ends it an hour later. */
const MEETING_STARTS_H = 10;
const MEETING_MINUTES = 60;
/** The metrics' current values were brought up to date at 09:00 on Mondays, before the meeting. */
const VALUES_REFRESHED_H = 9;
/** This week's batch was opened on the Friday before its meeting, to collect candidates. */
const OPEN_BATCH_PLANNED_DAYS_AGO = 3;
const OPEN_BATCH_PLANNED_HOUR = 16;

/**
 * Seeds the demo workspace into a database without workspaces; does nothing (undefined) when any exists.
 * When people already have accounts (added on the command line before the first start), the first server
 * owner gets the demo: a workspace without members would be invisible to everyone.
 */
export async function seedDemoIfEmpty(db: Db, now = Date.now()): Promise<Workspace | undefined> {
  const [row] = await db.orm.select({ n: sql<number>`count(*)` }).from(workspaces);
  if (Number(row?.n ?? 0) > 0) return undefined;
  const ws = await seedDemo(db, now);
  const [owner] = await db.orm
    .select()
    .from(users)
    .where(eq(users.isServerOwner, true))
    .orderBy(asc(users.id))
    .limit(1);
  if (owner) await db.write((tx) => adoptOrphanWorkspaces(tx, owner.id, now));
  return ws;
}

export async function seedDemo(db: Db, now = Date.now()): Promise<Workspace> {
  const thisWeek = isoWeek(now);
  const monday = weekBounds(thisWeek).start;
  // A working hour of that day (09:00–16:59), the same for the same day, so the trail reads like real work
  // rather than everything happening at midnight. Days ago are at least 1, so all of it is before `now`.
  const ago = (days: number) =>
    monday - days * DAY_MS + ((9 + ((days * 7) % 8)) * 60 + ((days * 13) % 60)) * MINUTE_MS;

  const started = ago(STARTED_DAYS_AGO);
  const first = (key: MetricKey | 'northStar') => VALUE_HISTORY[key][0];
  const ws = await makeWorkspace(
    db,
    { ...WORKSPACE, northStar: { ...WORKSPACE.northStar, currentValue: first('northStar') } },
    started,
  );
  const input = (key: MetricKey) => makeInput(db, ws, { ...INPUTS[key], currentValue: first(key) }, started);
  const metrics: Record<MetricKey, Metric> = {
    activation: await input('activation'),
    invites: await input('invites'),
    sessions: await input('sessions'),
  };
  const northStar = await getNorthStar(db, ws);
  if (!northStar) throw new Error('the demo workspace has no North Star');

  // The ids behind the names the content uses, filled in as the steps create them.
  const learnings = new Map<LearningKey, number>();
  const hypotheses = new Map<HypothesisKey, number>();
  const learningId = (key: LearningKey) => {
    const id = learnings.get(key);
    if (id === undefined) throw new Error(`the demo refers to learning "${key}" before recording it`);
    return id;
  };
  const hypothesisId = (key: HypothesisKey) => {
    const id = hypotheses.get(key);
    if (id === undefined) throw new Error(`the demo refers to hypothesis "${key}" before creating it`);
    return id;
  };

  const create = async (step: DemoHypothesis | DemoBatchItem, createdDaysAgo: number) => {
    const { idea, metric, source, key } = step;
    const h = await makeHypothesis(
      db,
      ws,
      {
        // An idea written without an estimate has none (the factory would otherwise give it one).
        estimatedDays: undefined,
        ...idea,
        metricId: metrics[metric].id,
        ...(source === undefined ? {} : { sourceLearningId: learningId(source) }),
      },
      ago(createdDaysAgo),
    );
    if (key) hypotheses.set(key, h.id);
    return h;
  };

  const setStatus = async (key: LearningKey, status: LearningStatus, daysAgo: number) => {
    const id = learningId(key);
    const current = await getLearning(db, ws, id);
    if (!current) throw new Error(`learning #${id} vanished`);
    await setLearningStatus(db, ws, id, status, current.version, ago(daysAgo));
  };

  const toCloseLearning = (l: DemoCloseLearning): CloseLearning => {
    if ('learning' in l) return { learningId: learningId(l.learning), relation: l.relation };
    return l.status === undefined ? { statement: l.statement } : { statement: l.statement, status: l.status };
  };

  const hypothesis = async (step: DemoHypothesis) => {
    const h = await create(step, step.createdDaysAgo);
    for (const [status, daysAgo] of step.moves ?? []) await moveTo(db, ws, h, status, ago(daysAgo));
  };

  /** Closes a running experiment with its result, then settles the learnings its result moved. */
  const close = async (h: HypothesisWithTags, step: DemoClose, startedAt: number) => {
    const closedAt = ago(step.daysAgo);
    if (closedAt <= startedAt || closedAt > now)
      throw new Error(`the demo closes "${h.title}" before it started or after now`);
    const { learnings: recorded, ...fields } = step.result;
    const closed = await closeAs(
      db,
      ws,
      h,
      { ...fields, learnings: recorded.map(toCloseLearning) },
      closedAt,
    );
    for (const l of recorded) {
      if ('learning' in l || !l.key) continue;
      const made = closed.learnings.find((c) => c.statement === l.statement);
      if (!made) throw new Error(`the close of #${h.id} did not record "${l.statement}"`);
      learnings.set(l.key, made.id);
    }
    for (const [key, status] of step.settles ?? []) await setStatus(key, status, step.daysAgo);
  };

  /**
   * A week's batch: opened at the start of that week's meeting (resized if the team had less time), its
   * items selected during the meeting and started at its end, then each closed when its result came in.
   * This week's batch was opened ahead of its meeting, which has not happened yet: its items stay selected.
   */
  const batch = async (step: DemoBatch) => {
    const week = addWeeks(thisWeek, -step.weeksAgo);
    const meeting = weekBounds(week).start + MEETING_STARTS_H * 60 * MINUTE_MS;
    const planned =
      step.weeksAgo === 0
        ? monday - OPEN_BATCH_PLANNED_DAYS_AGO * DAY_MS + OPEN_BATCH_PLANNED_HOUR * 60 * MINUTE_MS
        : meeting;
    const made = await createBatch(db, ws, { week, capacityDays: step.capacityDays }, planned);
    if (step.resizedTo !== undefined) await setCapacity(db, ws, made.id, step.resizedTo, planned + MINUTE_MS);
    const items: [HypothesisWithTags, DemoBatchItem][] = [];
    for (const [i, item] of step.items.entries()) {
      const h = await create(item, item.createdDaysAgo);
      const selectedAt = planned + (5 + 10 * i) * MINUTE_MS;
      if (h.createdAt >= selectedAt) throw new Error(`the demo selects "${h.title}" before writing it`);
      items.push([await addToBatch(db, ws, made.id, h.id, item.estimateAtSelection, selectedAt), item]);
    }
    if (step.weeksAgo === 0) return;
    const startedAt = meeting + MEETING_MINUTES * MINUTE_MS;
    await startBatch(db, ws, made.id, startedAt);
    for (const [h, item] of items) if (item.close) await close(h, item.close, startedAt);
  };

  const learning = async (step: DemoLearning) => {
    const made = await makeLearning(
      db,
      ws,
      { statement: step.statement, metricId: metrics[step.metric].id },
      ago(step.daysAgo),
    );
    learnings.set(step.key, made.id);
  };

  /** Drafted with the app's follow-up prefill, then rewritten by the team. */
  const followUp = async (step: DemoFollowUp) => {
    const parentId = hypothesisId(step.parent);
    const prefill = await followUpFromHypothesis(db, ws, parentId);
    const { rationale, ...fields } = step.fields;
    await makeHypothesis(
      db,
      ws,
      { ...prefill, ...fields, rationale: rationale(parentId) },
      ago(step.createdDaysAgo),
    );
  };

  for (const step of STEPS) {
    if (step.kind === 'hypothesis') await hypothesis(step);
    else if (step.kind === 'batch') await batch(step);
    else if (step.kind === 'learning') await learning(step);
    else await followUp(step);
  }

  // When the team set Lodestar up it imported half a year of weekly values from its analytics (a CSV), so
  // the tiles have a history and the tree can say which inputs move with the North Star. Afterwards the
  // numbers were entered before each Monday's meeting; this week's (today's values) as soon as the week began.
  const all = [northStar, metrics.activation, metrics.invites, metrics.sessions];
  const keys = ['northStar', 'activation', 'invites', 'sessions'] as const;
  const setupWeek = addWeeks(thisWeek, -VALUE_HISTORY.northStar.length);
  await recordMeasurements(
    db,
    ws,
    all.map((metric, i) => ({
      metric,
      items: EARLIER_HISTORY[keys[i] as (typeof keys)[number]].map((value, w, list) => ({
        period: addWeeks(setupWeek, w - list.length),
        value,
      })),
    })),
    'csv',
    { now: started },
  );
  // VALUE_HISTORY holds the value at setup, then one per week from nine weeks ago to last week.
  const length = VALUE_HISTORY.northStar.length;
  for (let k = length; k >= 0; k--) {
    const at =
      k === 0
        ? monday + Math.min(VALUES_REFRESHED_H * 60 * MINUTE_MS, Math.floor((now - monday) / 2))
        : k === length
          ? started
          : weekBounds(addWeeks(thisWeek, -k)).start + VALUES_REFRESHED_H * 60 * MINUTE_MS;
    const value = (key: MetricKey | 'northStar') =>
      k === 0
        ? key === 'northStar'
          ? WORKSPACE.northStar.currentValue
          : INPUTS[key].currentValue
        : VALUE_HISTORY[key][length - k];
    const period = addWeeks(thisWeek, -k);
    await recordMeasurements(
      db,
      ws,
      all.map((metric, i) => ({
        metric,
        items: [{ period, value: value(keys[i] as (typeof keys)[number]) }],
      })),
      'manual',
      { now: at },
    );
  }
  // This week the playbook proposed a few drafts from the team's own history (a win to extend, an
  // inconclusive test to retest) and its tactics, waiting for triage with where each came from.
  await draftNow(db, ws, { metricId: metrics.activation.id, count: 3 }, playbookDrafter(), null);
  return ws;
}
