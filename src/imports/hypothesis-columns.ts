import type { IceMode, Outcome } from '../../db/schema';
import type { HypothesisInput } from '../hypotheses/schemas';
import { ICE_MAX, ICE_MIN, ice } from '../scoring/scores';
import type { ColumnSpec } from './headers';

// The columns of a hypotheses CSV: what the importer reads and the export writes (in this order, with these
// labels, so that an export imports as it is), and how the three ICE scores are settled when a file gives
// them partly, as decimals (a team's means) or as one ICE score.

export const HYPOTHESIS_COLUMNS = [
  {
    field: 'title',
    label: 'Title',
    synonyms: ['Idea', 'Name', 'Experiment', 'Hypothesis', 'Experiment name'],
  },
  { field: 'metric', label: 'Metric', synonyms: ['Input metric', 'Lever', 'KPI'] },
  { field: 'status', label: 'Status', synonyms: ['Stage', 'State'] },
  { field: 'change', label: 'Change', synonyms: ['What we change', 'If we'] },
  { field: 'outcome', label: 'Expected outcome', synonyms: ['Outcome', 'Then'] },
  { field: 'rationale', label: 'Rationale', synonyms: ['Why', 'Because', 'Reason'] },
  { field: 'impact', label: 'Impact', synonyms: [] },
  { field: 'confidence', label: 'Confidence', synonyms: [] },
  { field: 'ease', label: 'Ease', synonyms: [] },
  { field: 'ice', label: 'ICE', synonyms: ['ICE score', 'Score'] },
  {
    field: 'estimatedDays',
    label: 'Person-days',
    synonyms: [
      'Estimate',
      'Days',
      'Estimated days',
      'Estimated person-days',
      'Person-days (est.)',
      'Est. days',
      'Days (est.)',
      'Estimate (days)',
      'Effort',
      'Effort (days)',
      'Estimated effort',
    ],
  },
  { field: 'expectedLift', label: 'Expected lift', synonyms: ['Expected lift %', 'Target lift'] },
  { field: 'owner', label: 'Owner', synonyms: ['Assignee', 'DRI'] },
  { field: 'tags', label: 'Tags', synonyms: ['Tag', 'Labels'] },
  { field: 'result', label: 'Result', synonyms: [] },
  { field: 'actualDays', label: 'Actual days', synonyms: ['Actual person-days'] },
  { field: 'return', label: 'Return', synonyms: ['Return score'] },
  { field: 'baseline', label: 'Baseline', synonyms: [] },
  { field: 'observed', label: 'Observed', synonyms: ['Observed value'] },
  { field: 'lift', label: 'Lift', synonyms: ['Actual lift', 'Observed lift'] },
  { field: 'learning', label: 'Learning', synonyms: ['Learnings', 'What we learned'] },
  { field: 'started', label: 'Started', synonyms: ['Start date', 'Started on'] },
  { field: 'closed', label: 'Closed', synonyms: ['Close date', 'Closed on', 'End date'] },
] as const satisfies readonly ColumnSpec<string>[];

export type HypothesisField = (typeof HYPOTHESIS_COLUMNS)[number]['field'];
export const hypothesisSpecs = HYPOTHESIS_COLUMNS as unknown as ColumnSpec<HypothesisField>[];

/** What an import may create: every status but `selected`, which only the meeting's batch gives. */
export const IMPORT_STATUSES = ['draft', 'backlog', 'parked', 'rejected', 'running', 'done'] as const;
export type ImportStatus = (typeof IMPORT_STATUSES)[number];

/** One row, checked and ready to store. */
export type ImportedHypothesis = {
  line: number;
  input: Omit<HypothesisInput, 'status' | 'parentId' | 'sourceLearningId'>;
  status: ImportStatus;
  closed?: {
    result: Outcome;
    actualDays: number;
    returnScore: number;
    baseline: number | null;
    observed: number | null;
    lift: number | null;
  };
  /** New learnings the experiment supports (done rows). */
  learnings: string[];
  startedAt?: number;
  closedAt?: number;
};

/** When a file gives no scores at all: the middle of the scale, to be rescored in triage. */
export const DEFAULT_SCORE = 5;

type Scores = { impact: number; confidence: number; ease: number };
type Given = { impact?: number; confidence?: number; ease?: number; ice?: number };

const LABELS = { impact: 'Impact', confidence: 'Confidence', ease: 'Ease' } as const;
const KEYS = ['impact', 'confidence', 'ease'] as const;

/**
 * The three whole scores a row stores, from what its file gives:
 * - all three: kept (a decimal, such as a team's mean from an export, is rounded with a warning); an ICE
 *   column that disagrees with the ICE Lodestar computes is a warning (Lodestar's is kept);
 * - ICE alone: each score set to it (its cube root in product mode), rounded, with a warning;
 * - none: each set to 5, with a warning (the row becomes a draft unless its status says otherwise);
 * - some but not all: an error (guessing the missing one would move the ranking).
 * Range errors are left to the hypothesis schema, which words them as the form does.
 */
export function settleScores(
  given: Given,
  mode: IceMode,
): { scores?: Scores; none: boolean; warnings: string[]; error?: string } {
  const warnings: string[] = [];
  const present = KEYS.filter((k) => given[k] !== undefined);
  if (present.length === 0 && given.ice === undefined)
    return {
      scores: { impact: DEFAULT_SCORE, confidence: DEFAULT_SCORE, ease: DEFAULT_SCORE },
      none: true,
      warnings: [
        `No scores: Impact, Confidence and Ease are set to ${DEFAULT_SCORE} until the team scores it.`,
      ],
    };
  if (present.length === 0) {
    const raw = given.ice as number;
    const max = mode === 'product' ? ICE_MAX ** 3 : ICE_MAX;
    if (raw < ICE_MIN || raw > max)
      return {
        none: false,
        warnings,
        error: `ICE ${raw} is outside ${ICE_MIN}–${max}${mode === 'product' ? ' (this workspace multiplies the scores)' : ''}: give Impact, Confidence and Ease instead.`,
      };
    const each = Math.min(ICE_MAX, Math.max(ICE_MIN, Math.round(mode === 'product' ? Math.cbrt(raw) : raw)));
    warnings.push(
      `Only ICE given: Impact, Confidence and Ease are each set to ${each}; rescore to tell them apart.`,
    );
    return { scores: { impact: each, confidence: each, ease: each }, none: false, warnings };
  }
  if (present.length < 3) {
    const missing = KEYS.filter((k) => given[k] === undefined).map((k) => LABELS[k]);
    return {
      none: false,
      warnings,
      error: `Give Impact, Confidence and Ease together (missing: ${missing.join(', ')}), or ICE alone.`,
    };
  }
  const scores = {} as Scores;
  let whole = true;
  for (const k of KEYS) {
    const v = given[k] as number;
    scores[k] = Math.round(v);
    if (!Number.isInteger(v)) {
      whole = false;
      warnings.push(`${LABELS[k]} ${v} is rounded to ${scores[k]} (scores are whole numbers).`);
    }
  }
  if (whole && given.ice !== undefined) {
    const computed = ice(scores, mode);
    if (Math.abs(computed - given.ice) > 0.05)
      warnings.push(
        `ICE ${given.ice} differs from the ${computed} Lodestar computes from Impact, Confidence and Ease ` +
          `(${mode === 'product' ? 'their product' : 'their mean'}); Lodestar’s is kept.`,
      );
  }
  return { scores, none: false, warnings };
}
