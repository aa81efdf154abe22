import type { Metric } from '../../../db/schema';
import { words } from '../similarity';
import type { DraftContext, KnownLearning, PastExperiment } from '../types';
import type { Proposal } from './tactic';

// What the history rules share: the metric a piece of history is about, the learnings behind an experiment,
// and a "candidate" (a proposal with the time of the evidence it stands on, for freshest-first ordering).

export type Candidate = {
  proposal: Proposal;
  /** When the evidence it builds on appeared (a close, or a learning): fresher evidence comes first. */
  at: number;
  /** The rule's position in RULES, to order candidates with equally fresh evidence. */
  order: number;
  /** The experiment or learning it came from, as the last tie-breaker. */
  sourceId: number;
};

export type History = {
  ctx: DraftContext;
  metrics: Map<number, Metric>;
  northStar: string;
  /** Lower-cased titles already taken (the workspace's and this run's): a rule tries another wording or skips. */
  taken: Set<string>;
};

export function history(ctx: DraftContext, taken: Set<string>): History {
  return {
    ctx,
    metrics: new Map(ctx.metrics.map((m) => [m.id, m])),
    northStar: ctx.northStar?.name ?? 'the North Star',
    taken,
  };
}

export const isTaken = (h: History, title: string) => h.taken.has(title.trim().toLowerCase());

/** Learnings an experiment bore on, newest first (as the context lists them). */
export const learningsOf = (h: History, e: PastExperiment, relation?: 'supports' | 'contradicts') =>
  h.ctx.learnings.filter((l) =>
    l.experiments.some((x) => x.id === e.id && (relation == null || x.relation === relation)),
  );

/** Experiments that contradicted a learning (its links with relation 'contradicts'). */
export const contradictorsOf = (l: KnownLearning) =>
  l.experiments.filter((x) => x.relation === 'contradicts');

/** Whether the experiment's text or tags already mention one of these words (so "on mobile" is not repeated). */
export function mentions(e: Pick<PastExperiment, 'title' | 'change' | 'tags'>, list: string[]): boolean {
  const have = new Set([...words(`${e.title} ${e.change}`), ...e.tags.flatMap((t) => words(t))]);
  return list.some((w) => have.has(w));
}

/** A person-day figure from history: what it took, else what was estimated, else a typical 3 days. */
export const tookDays = (e: Pick<PastExperiment, 'actualDays' | 'estimatedDays'>) =>
  e.actualDays ?? e.estimatedDays ?? 3;

/** "We learned: “…”; “…”." for a rationale, or nothing. */
export function learnedText(list: KnownLearning[], quote: (t: string) => string): string {
  if (!list.length) return '';
  return ` What the team learned: ${list
    .slice(0, 3)
    .map((l) => quote(l.statement))
    .join('; ')}.`;
}
