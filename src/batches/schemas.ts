import { z } from 'zod';
import { HypothesisFields, ScoreInput } from '../hypotheses/schemas';
import { blank } from '../validation';
import { CAPACITY_MAX_DAYS } from './batches';
import { parseWeek, WEEK_PATTERN, weeksInYear } from './weeks';

/** Below half a person-day a batch holds nothing worth planning. */
export const CAPACITY_MIN_DAYS = 0.5;

/**
 * JSON can send a number as true, [7] or {}; z.coerce would read the first two as 1 and 7. Anything that is
 * neither a number nor text becomes NaN, which the field's own schema refuses with its readable message.
 * Form values are always text, so forms are unaffected.
 */
const strict = <T extends z.ZodType>(field: T) =>
  z.preprocess(
    (v) => (typeof v === 'boolean' || (typeof v === 'object' && v !== null) ? Number.NaN : v),
    field,
  );

const WEEK_FORMAT = 'Week must be an ISO week like 2026-W47.';

export const Week = z.preprocess(
  blank,
  z
    .string({ error: WEEK_FORMAT })
    .trim()
    .toUpperCase()
    .superRefine((value, ctx) => {
      const m = WEEK_PATTERN.exec(value);
      if (!m) {
        ctx.addIssue({ code: 'custom', message: WEEK_FORMAT });
        return;
      }
      if (parseWeek(value)) return;
      const year = Number(m[1]);
      ctx.addIssue({
        code: 'custom',
        message:
          year < 1970 || year > 9999
            ? `${value} is not a week Lodestar can plan.`
            : `${value} is not a real week: ${year} has weeks 01 to ${weeksInYear(year)}.`,
      });
    }),
);

const CAPACITY_MESSAGE = `Capacity must be a number of person-days from ${CAPACITY_MIN_DAYS} to ${CAPACITY_MAX_DAYS}.`;

export const CapacityDays = strict(
  z.preprocess(
    blank,
    z.coerce
      .number({ error: CAPACITY_MESSAGE })
      .min(CAPACITY_MIN_DAYS, { error: CAPACITY_MESSAGE })
      .max(CAPACITY_MAX_DAYS, { error: CAPACITY_MESSAGE }),
  ),
);

/** A new batch: both fields optional (the default week, the last batch's capacity). */
export const BatchInput = z.object(
  {
    week: Week.optional(),
    capacityDays: CapacityDays.optional(),
  },
  { error: 'Send the batch as an object: {"week": "2026-W47", "capacityDays": 10}.' },
);
export type BatchInput = z.output<typeof BatchInput>;

/** A batch's new capacity (the meeting's capacity form). */
export const CapacityInput = z.object({ capacityDays: CapacityDays });

const HYPOTHESIS_ID = 'Say which hypothesis: hypothesisId must be the id of a backlog hypothesis.';

export const HypothesisRef = strict(
  z.preprocess(
    blank,
    z.coerce
      .number({ error: HYPOTHESIS_ID })
      .int({ error: HYPOTHESIS_ID })
      .positive({ error: HYPOTHESIS_ID }),
  ),
);

/** Selecting into a batch: the hypothesis, and its estimate if it has none yet (or a new one). */
export const BatchItemInput = z.object({
  hypothesisId: HypothesisRef,
  estimatedDays: strict(HypothesisFields.estimatedDays),
});
export type BatchItemInput = z.output<typeof BatchItemInput>;

/** Taking an item out of a batch. */
export const BatchItemRef = z.object({ hypothesisId: HypothesisRef });

/** A member's own Impact, Confidence and Ease (no version: members never overwrite each other's). */
export const MyScoreInput = z.object({
  impact: strict(ScoreInput.shape.impact),
  confidence: strict(ScoreInput.shape.confidence),
  ease: strict(ScoreInput.shape.ease),
});
export type MyScoreInput = z.output<typeof MyScoreInput>;
