import { z } from 'zod';
import type { Learning, LearningStatus, Metric, Outcome, Relation, Workspace } from '../../db/schema';
import { HypothesisFields } from '../hypotheses/schemas';

// What every drafter receives and what it must answer. A drafter proposes; src/drafts/drafts.ts checks each
// proposal with the form's own schema, adjusts its scores by the lever's calibration, flags look-alikes and
// stores the survivors as drafts — so no drafter can store what the form would refuse.

/** A closed experiment as drafters see it. */
export type PastExperiment = {
  id: number;
  title: string;
  change: string;
  outcome: string;
  rationale: string;
  metricId: number;
  tags: string[];
  result: Outcome;
  expectedLift: number | null;
  lift: number | null;
  estimatedDays: number | null;
  actualDays: number | null;
  roti: number | null;
  impact: number;
  confidence: number;
  ease: number;
  closedAt: number;
};

/** A learning with the experiments behind it (how each bore on it). */
export type KnownLearning = Pick<Learning, 'id' | 'statement' | 'metricId' | 'createdAt'> & {
  status: LearningStatus;
  experiments: { id: number; title: string; result: Outcome | null; relation: Relation }[];
};

export type DraftContext = {
  ws: Workspace;
  northStar: Metric | undefined;
  /** The input metrics to draft for: the one asked for, or every active input. */
  metrics: Metric[];
  /** Learnings on those metrics, newest first (at most 50). */
  learnings: KnownLearning[];
  /** Closed experiments on those metrics, newest close first (at most 100). */
  experiments: PastExperiment[];
  /** Titles of every hypothesis not rejected (backlog, drafts, running…): drafts must not repeat them. */
  existingTitles: string[];
  /** Titles the team rejected (newest first, at most 500): a drafter should not propose them again. */
  rejectedTitles: string[];
  /** How many drafts were asked for. */
  count: number;
  now: number;
};

/** The one-line reason behind each suggested score. */
export const ScoreReasonsSchema = z.object({
  impact: z.string().trim().min(1).max(300),
  confidence: z.string().trim().min(1).max(300),
  ease: z.string().trim().min(1).max(300),
});

/**
 * A proposal as a drafter hands it in: every field of the hypothesis form (validated by the form's own
 * schema), an estimate, a reason per score, what it built on, and the rule, tactic or model it came from.
 */
export const DraftProposal = z.object({
  ...HypothesisFields,
  estimatedDays: HypothesisFields.estimatedDays.pipe(
    z.number({ error: 'Estimated person-days is required for a draft.' }),
  ),
  reasons: ScoreReasonsSchema,
  learningIds: z.array(z.number().int().positive()).max(20).default([]),
  experimentIds: z.array(z.number().int().positive()).max(20).default([]),
  /** e.g. "extend-win", "retest-bolder", "tactic:activation/empty-state", or the model's name. */
  rule: z.string().trim().min(1).max(120),
});
export type DraftProposal = z.output<typeof DraftProposal>;

export type DrafterAnswer = {
  /** Raw proposals: each is checked with DraftProposal, and dropped (with a problem) if it fails. */
  proposals: unknown[];
  /** What went wrong on the drafter's side, in words a team member understands. */
  problems: string[];
  /** "playbook" or the model's name. */
  source: string;
};

export interface Drafter {
  readonly kind: 'playbook' | 'model';
  /** The name shown as the source ("playbook", or the model's name). */
  readonly source: string;
  /** Never throws for a failure of its own (a model down, a timeout): it answers with problems instead. */
  draft(ctx: DraftContext, signal?: AbortSignal): Promise<DrafterAnswer>;
}
