import { asc, eq, sql } from 'drizzle-orm';
import { adoptOrphanWorkspaces } from '../src/accounts/users';
import { followUpFromHypothesis } from '../src/hypotheses/close';
import type { CloseLearning } from '../src/hypotheses/schemas';
import { getLearning, setLearningStatus } from '../src/learnings/learnings';
import type { Db } from './client';
import { BACKLOG } from './demo/backlog';
import { HISTORY } from './demo/history';
import { PIPELINE } from './demo/pipeline';
import type {
  DemoCloseLearning,
  DemoExperiment,
  DemoFollowUp,
  DemoHypothesis,
  DemoLearning,
  DemoStep,
  HypothesisKey,
  LearningKey,
  MetricKey,
} from './demo/types';
import { INPUTS, STARTED_DAYS_AGO, WORKSPACE } from './demo/workspace';
import { closeAs, DAY_MS, makeHypothesis, makeInput, makeLearning, makeWorkspace, moveTo } from './factories';
import { type LearningStatus, type Metric, users, type Workspace, workspaces } from './schema';

// The demo workspace: a B2B SaaS growth team two months into running experiments, so that every page
// has something true-looking to show. Its content lives in db/demo/; this walks it through the factories
// (and so the domain functions): the demo can only contain what the app itself could have made. Dates
// are relative to `now`.

/** Everything after the workspace and its metrics, oldest first: ids follow this order. */
const STEPS: DemoStep[] = [...HISTORY, ...PIPELINE, ...BACKLOG];

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
  const ago = (days: number) => now - days * DAY_MS;

  const ws = await makeWorkspace(db, WORKSPACE, ago(STARTED_DAYS_AGO));
  const metrics: Record<MetricKey, Metric> = {
    activation: await makeInput(db, ws, INPUTS.activation, ago(STARTED_DAYS_AGO)),
    invites: await makeInput(db, ws, INPUTS.invites, ago(STARTED_DAYS_AGO)),
    sessions: await makeInput(db, ws, INPUTS.sessions, ago(STARTED_DAYS_AGO)),
  };

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

  const create = async (step: DemoHypothesis | DemoExperiment, createdDaysAgo: number) => {
    const { idea, metric, source, key } = step;
    const h = await makeHypothesis(
      db,
      ws,
      {
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

  /** Selected at the prioritisation meeting, started a few days later, then closed with its result. */
  const experiment = async (step: DemoExperiment) => {
    const { days, result, settles = [] } = step;
    const h = await create(step, days.created);
    await moveTo(db, ws, h, 'selected', ago(days.selected));
    await moveTo(db, ws, h, 'running', ago(days.started));
    const { learnings: recorded, ...fields } = result;
    const closed = await closeAs(
      db,
      ws,
      h,
      { ...fields, learnings: recorded.map(toCloseLearning) },
      ago(days.closed),
    );
    for (const l of recorded) {
      if ('learning' in l || !l.key) continue;
      const made = closed.learnings.find((c) => c.statement === l.statement);
      if (!made) throw new Error(`the close of #${h.id} did not record "${l.statement}"`);
      learnings.set(l.key, made.id);
    }
    for (const [key, status] of settles) await setStatus(key, status, days.closed);
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
    else if (step.kind === 'experiment') await experiment(step);
    else if (step.kind === 'learning') await learning(step);
    else await followUp(step);
  }
  return ws;
}
