import { z } from 'zod';
import { LEARNING_STATUSES } from '../../db/schema';
import { STATEMENT_MAX } from '../hypotheses/schemas';
import { blank, text } from '../validation';

export const LearningQuery = z.object({
  metricId: z.preprocess(
    blank,
    z.coerce.number({ error: 'metricId must be a number.' }).int().positive().optional(),
  ),
  status: z.preprocess(
    blank,
    z
      .enum(LEARNING_STATUSES, { error: `status must be one of: ${LEARNING_STATUSES.join(', ')}.` })
      .optional(),
  ),
  q: z.preprocess(
    blank,
    z.string().trim().max(200, { error: 'Search text is at most 200 characters.' }).optional(),
  ),
});
export type LearningQuery = z.output<typeof LearningQuery>;

export const LearningInput = z.object({
  statement: text('The learning', STATEMENT_MAX),
  status: z.preprocess(blank, z.enum(LEARNING_STATUSES, { error: 'Choose a status.' }).default('emerging')),
  metricId: z.preprocess(
    blank,
    z.coerce.number({ error: 'Choose an input metric.' }).int().positive().optional(),
  ),
});
export type LearningInput = z.output<typeof LearningInput>;

export const LearningStatusInput = z.object({
  status: z.enum(LEARNING_STATUSES, { error: 'Choose a status.' }),
  version: z.coerce
    .number({ error: 'The version you edited is required (reload the page).' })
    .int()
    .positive(),
});
