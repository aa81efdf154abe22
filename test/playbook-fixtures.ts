import type { Metric, Workspace } from '../db/schema';
import type { DraftContext, KnownLearning, PastExperiment } from '../src/drafts/types';

// Plain DraftContext fixtures for the playbook's tests: no database, every value visible in the test.

export const NOW = Date.UTC(2026, 10, 23);
export const DAY = 24 * 60 * 60 * 1000;

export const WS: Workspace = {
  id: 1,
  slug: 'acme',
  name: 'Acme Growth',
  iceMode: 'mean',
  timeZone: 'UTC',
  createdAt: NOW - 400 * DAY,
};

export function metric(id: number, name: string, more: Partial<Metric> = {}): Metric {
  return {
    id,
    workspaceId: WS.id,
    kind: 'input',
    name,
    description: '',
    unit: '%',
    direction: 'up',
    cadence: 'week',
    owner: '',
    currentValue: null,
    target: null,
    checklist: null,
    archivedAt: null,
    version: 1,
    createdAt: NOW - 300 * DAY,
    updatedAt: NOW - 300 * DAY,
    ...more,
  };
}

export function experiment(id: number, metricId: number, more: Partial<PastExperiment> = {}): PastExperiment {
  return {
    id,
    title: `Experiment ${id}`,
    change: `change number ${id}`,
    outcome: 'rise',
    rationale: 'a reason',
    metricId,
    tags: [],
    result: 'won',
    expectedLift: 5,
    lift: 6,
    estimatedDays: 4,
    actualDays: 4,
    roti: 1,
    impact: 6,
    confidence: 6,
    ease: 6,
    closedAt: NOW - id * DAY,
    ...more,
  };
}

export function learning(
  id: number,
  metricId: number | null,
  statement: string,
  experiments: KnownLearning['experiments'] = [],
  more: Partial<KnownLearning> = {},
): KnownLearning {
  return {
    id,
    statement,
    metricId,
    createdAt: NOW - id * DAY,
    status: 'supported',
    experiments,
    ...more,
  };
}

export const ACTIVATION = metric(11, 'Activation rate', {
  description: 'Share of new teams that create a board and invite a teammate within 7 days.',
});
export const INVITES = metric(12, 'Invite conversion', { description: 'Share of invites accepted.' });
export const SESSIONS = metric(13, 'Weekly sessions per team', { unit: 'sessions' });
export const UPGRADES = metric(14, 'Trial-to-paid upgrade rate');
export const CHURN = metric(15, 'Monthly churn', { direction: 'down' });

export function context(more: Partial<DraftContext> = {}): DraftContext {
  return {
    ws: WS,
    northStar: metric(10, 'Weekly active teams', { kind: 'north_star', unit: 'teams' }),
    metrics: [ACTIVATION],
    learnings: [],
    experiments: [],
    existingTitles: [],
    rejectedTitles: [],
    count: 5,
    now: NOW,
    ...more,
  };
}
