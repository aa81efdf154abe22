import { z } from 'zod';
import { CADENCES, DIRECTIONS, METRIC_KINDS } from '../../db/schema';
import { blank, optionalNumber, optionalText, text } from '../validation';
import { NSM_CHECKS } from './north-star';

export const METRIC_NAME_MAX = 80;
export const METRIC_TEXT_MAX = 1000;
export const UNIT_MAX = 24;
export const ACTIVE_INPUTS_ADVISED = 4;

const direction = z.preprocess(
  blank,
  z.enum(DIRECTIONS, { error: 'Direction is "up" (up is good) or "down" (down is good).' }).default('up'),
);

const cadence = z.preprocess(
  blank,
  // Optional: a form without the field (older pages, the API's PATCH) keeps the metric's cadence; new ones are weekly.
  z.enum(CADENCES, { error: 'Measured is "week" (one value per ISO week) or "day".' }).optional(),
);

export const MetricFields = {
  name: text('Name', METRIC_NAME_MAX),
  description: optionalText('Definition', METRIC_TEXT_MAX),
  unit: optionalText('Unit', UNIT_MAX),
  direction,
  cadence,
  owner: optionalText('Owner', 80),
  currentValue: optionalNumber('Current value must be a number.'),
  target: optionalNumber('Target must be a number.'),
};

export const MetricInput = z.object({
  kind: z.preprocess(
    blank,
    z.enum(METRIC_KINDS, { error: 'kind is "north_star" or "input".' }).default('input'),
  ),
  ...MetricFields,
});
export type MetricInput = z.output<typeof MetricInput>;

export const MetricUpdate = z.object({
  ...MetricFields,
  version: z.preprocess(
    blank,
    z.coerce.number({ error: 'The version you edited is required (reload the page).' }).int().positive(),
  ),
});
export type MetricUpdate = z.output<typeof MetricUpdate>;

const answer = z.preprocess(
  blank,
  z.enum(['pass', 'fail'], { error: 'Answer with passes, fails or leave it unanswered.' }).optional(),
);

/** The North Star form: the metric's fields… */
export const NorthStarInput = z.object({
  ...MetricFields,
  version: MetricUpdate.shape.version.optional(),
});

/** …plus one answer and one note per checklist item (check_<key>, note_<key>). */
export const ChecklistInput = z.object(
  Object.fromEntries(
    NSM_CHECKS.flatMap((c) => [
      [`check_${c.key}`, answer],
      [`note_${c.key}`, optionalText('Note', 500)],
    ]),
  ) as Record<string, z.ZodType<string | undefined>>,
);
