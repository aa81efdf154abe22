import type { CloseLearning, HypothesisInput } from '../../src/hypotheses/schemas';
import type { CloseOverrides } from '../factories';
import type { LearningStatus, Relation, Status } from '../schema';

// The shape of the demo's content. The content names the metrics, learnings and hypotheses it refers to;
// db/seed.ts walks it in order and turns those names into the ids the app gave them. Days count back from
// the Monday that starts the seed's current ISO week (so every weekly batch falls on the same weekday
// whatever day the demo is seeded), and weeks count back from that week.

/** The workspace's input metrics. */
export type MetricKey = 'activation' | 'invites' | 'sessions';
/** Learnings that later experiments build on, support, contradict or settle. */
export type LearningKey = 'nextStep' | 'inviterChannel' | 'interviews' | 'copyLink' | 'preview';
/** Hypotheses that later steps refer to. */
export type HypothesisKey = 'digest' | 'slack';

/** A hypothesis as the team wrote it, without the ids the seed fills in. */
export type Idea = Omit<HypothesisInput, 'metricId' | 'tags' | 'status' | 'parentId' | 'sourceLearningId'> & {
  tags: string[];
  status?: 'draft';
};

/** A learning recorded at a close: a new statement (named when later steps refer to it), or a named one. */
export type DemoCloseLearning =
  | (Extract<CloseLearning, { statement: string }> & { key?: LearningKey })
  | { learning: LearningKey; relation: Relation };

/** The result the team recorded at the close. */
export type DemoResult = Omit<CloseOverrides, 'learnings' | 'startedAt'> & { learnings: DemoCloseLearning[] };

/** A hypothesis and how it moved along the lifecycle after it was created. */
export type DemoHypothesis = {
  kind: 'hypothesis';
  key?: HypothesisKey;
  metric: MetricKey;
  /** The learning this hypothesis was drafted from. */
  source?: LearningKey;
  createdDaysAgo: number;
  /** Lifecycle moves after creation, oldest first: [status, days ago]. */
  moves?: [Status, number][];
  idea: Idea;
};

/** How an experiment ended: closed this many days ago with this result. */
export type DemoClose = {
  daysAgo: number;
  result: DemoResult;
  /** Learnings whose status the team changed on the day of the close, in order. */
  settles?: [LearningKey, LearningStatus][];
};

/** A hypothesis the team selected into a weekly batch: it runs from the batch's start until it is closed. */
export type DemoBatchItem = Omit<DemoHypothesis, 'kind' | 'moves'> & {
  /** The estimate given when selecting it, for an idea written without one. */
  estimateAtSelection?: number;
  /** Without a close, it is still running (or, in this week's batch, still selected). */
  close?: DemoClose;
};

/**
 * One week's batch, picked at that week's prioritisation meeting (Monday morning) and started at its end.
 * This week's batch (`weeksAgo: 0`) is still being planned: its items stay selected.
 */
export type DemoBatch = {
  kind: 'batch';
  weeksAgo: number;
  capacityDays: number;
  /** The capacity the team changed it to before starting it (a holiday, a conference). */
  resizedTo?: number;
  items: DemoBatchItem[];
};

/** A learning recorded outside an experiment (research, interviews). */
export type DemoLearning = {
  kind: 'learning';
  key: LearningKey;
  metric: MetricKey;
  statement: string;
  daysAgo: number;
};

/** A follow-up drafted from a closed experiment: its prefill, with these fields rewritten. */
export type DemoFollowUp = {
  kind: 'follow-up';
  parent: HypothesisKey;
  createdDaysAgo: number;
  fields: Partial<Omit<Idea, 'rationale'>> & { rationale: (parentId: number) => string };
};

/** One step of the demo's history; the seed takes them in order, so ids follow this order. */
export type DemoStep = DemoHypothesis | DemoBatch | DemoLearning | DemoFollowUp;
