import { addMember } from '../src/accounts/members';
import { createUser } from '../src/accounts/users';
import { runAs, userActor } from '../src/audit/actor';
import { createBatch } from '../src/batches/batches';
import { closeHypothesis } from '../src/hypotheses/close';
import {
  createHypothesis,
  type HypothesisWithTags,
  requireHypothesis,
  transitionHypothesis,
} from '../src/hypotheses/hypotheses';
import { MOVES } from '../src/hypotheses/lifecycle';
import { setMyScore } from '../src/hypotheses/member-scores';
import { CloseInput, HypothesisInput } from '../src/hypotheses/schemas';
import { createLearning, learningsOfHypothesis } from '../src/learnings/learnings';
import { LearningInput } from '../src/learnings/schemas';
import { recordMeasurements } from '../src/measurements/measurements';
import {
  activeInputs,
  createMetric,
  getNorthStar,
  requireMetric,
  updateMetric,
} from '../src/metrics/metrics';
import { MetricInput } from '../src/metrics/schemas';
import { suggestedReturn } from '../src/scoring/scores';
import { parse } from '../src/validation';
import { createWorkspace } from '../src/workspaces/workspaces';
import type { Db } from './client';
import type { Checklist, MeasurementSource, Metric, Outcome, Role, Status, User, Workspace } from './schema';

// Test data built only through the domain functions and their zod schemas, so a factory can never make a
// row the app itself could not make. Shared by the tests and the demo seed. Every factory takes `now`
// last, like the domain functions, to date things in the past.

export const DAY_MS = 24 * 60 * 60 * 1000;

let counter = 0;
/** A number unique within this process: enough for unique names on a test's fresh database. */
const next = () => ++counter;

export type NorthStarOverrides = {
  name?: string;
  description?: string;
  unit?: string;
  owner?: string;
  currentValue?: number;
  target?: number;
  checklist?: Checklist;
};

/**
 * A workspace with its North Star (pass `northStar: false` for one without, as the API can create).
 * Owner, values or a checklist for the North Star are set through updateMetric, as the North Star form does.
 */
export async function makeWorkspace(
  db: Db,
  overrides: { name?: string; slug?: string; northStar?: NorthStarOverrides | false; ownerId?: number } = {},
  now = Date.now(),
): Promise<Workspace> {
  const n = next();
  const { name = `Growth team ${n}`, slug = `growth-team-${n}`, northStar = {} } = overrides;
  const { ownerId } = overrides;
  if (northStar === false) return createWorkspace(db, { name, slug }, { ownerId, now });
  const ws = await createWorkspace(
    db,
    { name, slug },
    {
      northStar: {
        name: northStar.name ?? 'Weekly active teams',
        description: northStar.description ?? 'Teams where at least three members collaborated this week.',
        unit: northStar.unit ?? 'teams',
      },
      ownerId,
      now,
    },
  );
  const { owner, currentValue, target, checklist } = northStar;
  if (owner !== undefined || currentValue !== undefined || target !== undefined || checklist !== undefined) {
    const nsm = await getNorthStar(db, ws);
    if (!nsm) throw new Error('createWorkspace made no North Star');
    await updateMetric(
      db,
      ws,
      nsm.id,
      {
        name: nsm.name,
        description: nsm.description,
        unit: nsm.unit,
        direction: nsm.direction,
        owner: owner ?? nsm.owner,
        currentValue: currentValue ?? nsm.currentValue ?? undefined,
        target: target ?? nsm.target ?? undefined,
        checklist,
        version: nsm.version,
      },
      now,
    );
  }
  return ws;
}

/** An input metric (a lever of the North Star). */
export async function makeInput(
  db: Db,
  ws: Workspace,
  overrides: Partial<Omit<MetricInput, 'kind'>> = {},
  now = Date.now(),
): Promise<Metric> {
  const input = parse(MetricInput, {
    kind: 'input',
    name: `Input metric ${next()}`,
    unit: '%',
    direction: 'up',
    ...overrides,
  });
  return createMetric(db, ws, input, now);
}

/**
 * A hypothesis (backlog unless `status: 'draft'`) with a unique title and middling scores. Without a
 * `metricId` it targets the workspace's first active input metric, creating one if there is none.
 */
export async function makeHypothesis(
  db: Db,
  ws: Workspace,
  overrides: Partial<HypothesisInput> = {},
  now = Date.now(),
): Promise<HypothesisWithTags> {
  const n = next();
  const metricId = overrides.metricId ?? (await firstInput(db, ws, now)).id;
  const input = parse(HypothesisInput, {
    title: `Hypothesis ${n}`,
    change: `show new teams setup tip ${n} on their first board`,
    outcome: 'rise as more new teams reach their first shared board',
    expectedLift: 5,
    rationale: 'new teams who see a next step are more likely to reach the value moment',
    tags: ['onboarding'],
    owner: '',
    impact: 5,
    confidence: 5,
    ease: 5,
    estimatedDays: 3,
    ...overrides,
    metricId,
  });
  return createHypothesis(db, ws, input, now);
}

async function firstInput(db: Db, ws: Workspace, now: number): Promise<Metric> {
  const [input] = await activeInputs(db, ws);
  return input ?? makeInput(db, ws, { name: 'Activation rate' }, now);
}

/** The shortest walk of lifecycle moves from one status to another (close included), or undefined. */
export function lifecyclePath(from: Status, to: Status): Status[] | undefined {
  const previous = new Map<Status, Status>();
  const queue: Status[] = [from];
  const seen = new Set<Status>([from]);
  while (queue.length) {
    const at = queue.shift() as Status;
    if (at === to) {
      const path: Status[] = [];
      for (let s = to; s !== from; s = previous.get(s) as Status) path.unshift(s);
      return path;
    }
    for (const move of MOVES[at]) {
      if (seen.has(move.to)) continue;
      seen.add(move.to);
      previous.set(move.to, at);
      queue.push(move.to);
    }
  }
  return undefined;
}

/**
 * Walks a hypothesis along the lifecycle to `status` (to running from a draft: accept, select, start),
 * each move made at `now`. Reaching done closes it as won through closeAs with its defaults.
 */
export async function moveTo(
  db: Db,
  ws: Workspace,
  h: { id: number },
  status: Status,
  now = Date.now(),
): Promise<HypothesisWithTags> {
  let current = await requireHypothesis(db, ws, h.id);
  const path = lifecyclePath(current.status, status);
  if (!path)
    throw new Error(`No lifecycle path from ${current.status} to ${status} for hypothesis #${h.id}.`);
  for (const step of path) {
    current =
      step === 'done'
        ? await closeAs(db, ws, current, { outcome: 'won' }, now)
        : await transitionHypothesis(db, ws, current.id, step, undefined, now);
  }
  return current;
}

/** The return a team gives a lost, inconclusive or stopped experiment when the test does not say. */
const DEFAULT_JUDGED_RETURN = 2;

export type CloseOverrides = Partial<Omit<CloseInput, 'outcome'>> & {
  outcome: Outcome;
  /** When the hypothesis is not running yet, it is walked to running at this time (default: a week before `now`). */
  startedAt?: number;
};

/**
 * Closes a hypothesis with a result, walking it to running first if needed. Defaults: actual days =
 * the estimate, the suggested return (or 2 when the team has to judge it), one new learning. Returns
 * the closed hypothesis with the learnings it produced, supports or contradicts.
 */
export async function closeAs(
  db: Db,
  ws: Workspace,
  h: { id: number },
  overrides: CloseOverrides,
  now = Date.now(),
) {
  const { startedAt = now - 7 * DAY_MS, ...fields } = overrides;
  let current = await requireHypothesis(db, ws, h.id);
  if (current.status !== 'running') current = await moveTo(db, ws, current, 'running', startedAt);
  // Lost, inconclusive and stopped have no suggested return (the team judges it), so one is given here.
  const judged = suggestedReturn({ outcome: fields.outcome, impact: current.impact }) == null;
  const input = parse(CloseInput, {
    actualDays: current.estimatedDays ?? 3,
    return: judged ? DEFAULT_JUDGED_RETURN : undefined,
    learnings: [{ statement: `What "${current.title}" taught us` }],
    ...fields,
  });
  const closed = await closeHypothesis(db, ws, current.id, input, now);
  return { ...closed, learnings: await learningsOfHypothesis(db, ws, closed.id) };
}

/** A learning recorded outside an experiment (research, interviews, a competitor's result). */
export async function makeLearning(
  db: Db,
  ws: Workspace,
  overrides: Partial<LearningInput> = {},
  now = Date.now(),
) {
  const input = parse(LearningInput, { statement: `Learning ${next()}`, ...overrides });
  return createLearning(db, ws, input, now);
}

// ---- People

/** A cheap scrypt cost for test users: the stored hash records it, so verification works the same way. */
export const FACTORY_SCRYPT = { logN: 10, r: 8, p: 1 };

export type UserOverrides = { email?: string; name?: string; password?: string; serverOwner?: boolean };

export const FACTORY_PASSWORD = 'correct horse battery staple';

export async function makeUser(db: Db, overrides: UserOverrides = {}, now = Date.now()): Promise<User> {
  const n = next();
  return createUser(
    db,
    {
      email: overrides.email ?? `person${n}@example.com`,
      name: overrides.name ?? `Person ${n}`,
      password: overrides.password ?? FACTORY_PASSWORD,
      isServerOwner: overrides.serverOwner ?? false,
    },
    FACTORY_SCRYPT,
    now,
  );
}

/** A user who is a member of the workspace with this role. */
export async function makeMember(
  db: Db,
  ws: Workspace,
  role: Role,
  overrides: UserOverrides = {},
): Promise<User> {
  const user = await makeUser(db, overrides);
  await addMember(db, ws.id, user, role);
  return user;
}

// ---- Meetings: batches and everyone's scores

/** A batch for a week (default: the next free week) with a capacity (default: the last batch's, or 10). */
export async function makeBatch(
  db: Db,
  ws: Workspace,
  overrides: { week?: string; capacityDays?: number } = {},
  now = Date.now(),
) {
  return createBatch(db, ws, overrides, now);
}

/** One member's own Impact, Confidence and Ease for a hypothesis, given as that member would. */
export async function scoreAs(
  db: Db,
  ws: Workspace,
  h: { id: number },
  user: Pick<User, 'id' | 'name' | 'email'>,
  scores: { impact: number; confidence: number; ease: number },
  now = Date.now(),
) {
  return runAs(userActor(user, 'session'), () => setMyScore(db, ws, h.id, user.id, scores, now));
}

/**
 * Values for a metric, period by period ([["2026-W45", 10], …] or {"2026-W45": 10}), as if entered by hand;
 * the metric is re-read so that its current value reflects them.
 */
export async function measure(
  db: Db,
  ws: Workspace,
  metric: Metric,
  values: [string, number][] | Record<string, number>,
  source: MeasurementSource = 'manual',
  now = Date.now(),
): Promise<Metric> {
  const items = (Array.isArray(values) ? values : Object.entries(values)).map(([period, value]) => ({
    period,
    value,
  }));
  await recordMeasurements(db, ws, [{ metric, items }], source, { now });
  return requireMetric(db, ws, metric.id);
}
