import { z } from 'zod';
import { LEARNING_STATUSES, OUTCOMES, RELATIONS, STATUSES } from '../../db/schema';
import { ICE_MAX, ICE_MIN, RETURN_MAX, RETURN_MIN } from '../scoring/scores';
import { blank, optionalNumber, optionalText, text } from '../validation';

export const TITLE_MAX = 140;
export const STATEMENT_MAX = 1000;
export const LONG_TEXT_MAX = 2000;
export const OWNER_MAX = 80;
export const TAG_MAX = 30;
export const TAGS_MAX = 10;
export const LIFT_LIMIT = 10_000;
export const DAYS_MAX = 365;
/** Metric values beyond a trillion are typos, and would overflow the lift. */
export const VALUE_LIMIT = 1e12;
/** Below a tenth of a day, ROTI explodes into meaningless numbers and tops every ranking. */
export const DAYS_MIN = 0.1;
export const LEARNINGS_PER_CLOSE_MAX = 10;

const score = (label: string) =>
  z.preprocess(
    blank,
    z.coerce
      .number({ error: `${label} must be a whole number from ${ICE_MIN} to ${ICE_MAX}.` })
      .int({ error: `${label} must be a whole number from ${ICE_MIN} to ${ICE_MAX}.` })
      .min(ICE_MIN, { error: `${label} must be a whole number from ${ICE_MIN} to ${ICE_MAX}.` })
      .max(ICE_MAX, { error: `${label} must be a whole number from ${ICE_MIN} to ${ICE_MAX}.` }),
  );

const id = (message: string) =>
  z.preprocess(
    blank,
    z.coerce.number({ error: message }).int({ error: message }).positive({ error: message }),
  );

/** Tags from a form ("onboarding, email") or JSON (["onboarding", "email"]): trimmed, lower-cased, unique. */
export const Tags = z.preprocess(
  (v) => {
    if (v == null) return [];
    const list = typeof v === 'string' ? v.split(',') : v;
    if (!Array.isArray(list)) return list;
    const cleaned = list.map((t) =>
      typeof t === 'string' ? t.trim().toLowerCase().replace(/\s+/g, '-') : t,
    );
    return [...new Set(cleaned.filter((t) => t !== ''))];
  },
  z
    .array(z.string({ error: 'Each tag must be text.' }), { error: 'Tags must be a list of words.' })
    .max(TAGS_MAX, { error: `At most ${TAGS_MAX} tags.` })
    // Checked here rather than per item so the message names the tag and sits beside the Tags field.
    .superRefine((tags, ctx) => {
      const long = tags.find((t) => t.length > TAG_MAX);
      if (long)
        ctx.addIssue({
          code: 'custom',
          message: `The tag "${long.slice(0, 20)}…" is over ${TAG_MAX} characters.`,
        });
      const odd = tags.find((t) => t.length <= TAG_MAX && !/^[\p{L}\p{N}_-]+$/u.test(t));
      if (odd)
        ctx.addIssue({
          code: 'custom',
          message: `The tag "${odd}" has other characters than letters, numbers, - and _.`,
        });
    }),
);

const days = (label: string) =>
  optionalNumber(
    `${label} must be a number of person-days.`,
    z
      .number()
      .min(DAYS_MIN, { error: `${label} must be at least ${DAYS_MIN} (about an hour).` })
      .max(DAYS_MAX, { error: `${label} must be at most ${DAYS_MAX}.` }),
  );

export const HypothesisFields = {
  title: text('Title', TITLE_MAX),
  change: text('"If we …" (the change)', LONG_TEXT_MAX),
  outcome: text('"then … will" (the expected outcome)', LONG_TEXT_MAX),
  expectedLift: optionalNumber(
    'Expected lift must be a percentage, e.g. 5 or -3.',
    z
      .number()
      .min(-LIFT_LIMIT, { error: `Expected lift must be between -${LIFT_LIMIT}% and ${LIFT_LIMIT}%.` })
      .max(LIFT_LIMIT, { error: `Expected lift must be between -${LIFT_LIMIT}% and ${LIFT_LIMIT}%.` }),
  ),
  rationale: text('"because …" (the rationale)', LONG_TEXT_MAX),
  metricId: id('Choose the input metric this hypothesis moves.'),
  tags: Tags,
  owner: optionalText('Owner', OWNER_MAX),
  impact: score('Impact'),
  confidence: score('Confidence'),
  ease: score('Ease'),
  estimatedDays: days('Estimated person-days'),
};

export const HypothesisInput = z.object({
  ...HypothesisFields,
  status: z.preprocess(
    blank,
    z.enum(['draft', 'backlog'], { error: 'A new hypothesis starts as draft or backlog.' }).optional(),
  ),
  parentId: z.preprocess(blank, id('parentId must be the id of an experiment in this workspace.').optional()),
  sourceLearningId: z.preprocess(
    blank,
    id('sourceLearningId must be the id of a learning in this workspace.').optional(),
  ),
});
export type HypothesisInput = z.output<typeof HypothesisInput>;

const Version = z.preprocess(
  blank,
  z.coerce
    .number({ error: 'The version you edited is required (reload the page).' })
    .int({ error: 'The version must be a whole number.' })
    .positive({ error: 'The version must be a whole number.' }),
);

/** For a patch, blank or null clears an optional number; leaving the key out keeps it. */
const clearable = <T extends z.ZodType<number | undefined>>(field: T) =>
  z.preprocess(
    (v) => (v === undefined ? undefined : v === null || blank(v) === undefined ? null : v),
    // nullable, not a union with z.null(): a union that fails says only "Invalid input", losing the message.
    field.nullable(),
  ) as unknown as z.ZodType<number | null | undefined>;

export const HypothesisPatch = z
  .object({
    ...HypothesisFields,
    expectedLift: clearable(HypothesisFields.expectedLift),
    estimatedDays: clearable(HypothesisFields.estimatedDays),
    version: Version,
  })
  .partial()
  // extend, not .required(): that would answer a missing version with zod's generic "expected nonoptional".
  .extend({ version: Version });
export type HypothesisPatch = z.output<typeof HypothesisPatch>;

export const ScoreInput = z.object({
  impact: HypothesisFields.impact,
  confidence: HypothesisFields.confidence,
  ease: HypothesisFields.ease,
  version: Version,
});

export const TransitionInput = z.object({
  to: z.enum(STATUSES, { error: `"to" must be one of: ${STATUSES.join(', ')}.` }),
  version: Version.optional(),
});

export const CloseLearning = z.union(
  [
    z.object({
      statement: text('The learning', STATEMENT_MAX),
      status: z.preprocess(
        blank,
        z
          .enum(LEARNING_STATUSES, { error: `Status must be one of: ${LEARNING_STATUSES.join(', ')}.` })
          .optional(),
      ),
    }),
    z.object({
      learningId: id('Choose an existing learning.'),
      relation: z.enum(RELATIONS, {
        error: 'Say whether this experiment supports or contradicts the learning.',
      }),
    }),
  ],
  { error: 'Each learning is either {statement, status?} or {learningId, relation}.' },
);
export type CloseLearning = z.output<typeof CloseLearning>;

export const CloseInput = z.object({
  outcome: z.enum(OUTCOMES, { error: `Outcome must be one of: ${OUTCOMES.join(', ')}.` }),
  actualDays: z.preprocess(
    blank,
    z.coerce
      .number({ error: 'Actual person-days are required.' })
      .min(DAYS_MIN, { error: `Actual person-days must be at least ${DAYS_MIN} (about an hour).` })
      .max(DAYS_MAX, { error: `Actual person-days must be at most ${DAYS_MAX}.` }),
  ),
  return: optionalNumber(
    `Return must be a number from ${RETURN_MIN} to ${RETURN_MAX}.`,
    z
      .number()
      .min(RETURN_MIN, { error: `Return must be a number from ${RETURN_MIN} to ${RETURN_MAX}.` })
      .max(RETURN_MAX, { error: `Return must be a number from ${RETURN_MIN} to ${RETURN_MAX}.` }),
  ),
  baseline: optionalNumber(
    'Baseline must be a number.',
    z
      .number()
      .min(-VALUE_LIMIT, { error: 'Baseline is out of range.' })
      .max(VALUE_LIMIT, { error: 'Baseline is out of range.' }),
  ),
  observed: optionalNumber(
    'Observed value must be a number.',
    z
      .number()
      .min(-VALUE_LIMIT, { error: 'Observed value is out of range.' })
      .max(VALUE_LIMIT, { error: 'Observed value is out of range.' }),
  ),
  learnings: z
    .array(CloseLearning, { error: 'Record at least one learning.' })
    .min(1, {
      error:
        'Record at least one learning: a new statement, or an existing one this supports or contradicts.',
    })
    .max(LEARNINGS_PER_CLOSE_MAX, { error: `At most ${LEARNINGS_PER_CLOSE_MAX} learnings per close.` }),
  version: Version.optional(),
});
export type CloseInput = z.output<typeof CloseInput>;

export const SORTS = ['ice', 'roti'] as const;
export type Sort = (typeof SORTS)[number];
export const PAGE_SIZE = 50;
export const PAGE_SIZE_MAX = 200;

export const ListQuery = z.object({
  status: z.preprocess(
    blank,
    z.enum(STATUSES, { error: `status must be one of: ${STATUSES.join(', ')}.` }).optional(),
  ),
  metricId: z.preprocess(
    blank,
    z.coerce.number({ error: 'metricId must be a number.' }).int().positive().optional(),
  ),
  tag: z.preprocess(blank, z.string().trim().toLowerCase().max(TAG_MAX).optional()),
  result: z.preprocess(
    blank,
    z.enum(OUTCOMES, { error: `result must be one of: ${OUTCOMES.join(', ')}.` }).optional(),
  ),
  q: z.preprocess(
    blank,
    z.string().trim().max(200, { error: 'Search text is at most 200 characters.' }).optional(),
  ),
  sort: z.preprocess(blank, z.enum(SORTS, { error: 'sort must be ice or roti.' }).default('ice')),
  limit: z.preprocess(
    blank,
    z.coerce
      .number({ error: 'limit must be a number.' })
      .int()
      .min(1, { error: 'limit is at least 1.' })
      .max(PAGE_SIZE_MAX, { error: `limit is at most ${PAGE_SIZE_MAX}.` })
      .default(PAGE_SIZE),
  ),
  offset: z.preprocess(
    blank,
    z.coerce
      .number({ error: 'offset must be a number.' })
      .int()
      .min(0, { error: 'offset cannot be negative.' })
      .default(0),
  ),
});
export type ListQuery = z.output<typeof ListQuery>;
