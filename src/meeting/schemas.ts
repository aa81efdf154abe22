import { z } from 'zod';
import type { FieldErrors } from '../errors';
import { SORTS } from '../hypotheses/schemas';
import { blank } from '../validation';

// The meeting's own inputs. Scores, batches and selections share their schemas with the API
// (src/batches/schemas.ts), so both refuse the same input with the same messages.

/** Triage of a draft: into the backlog or rejected, from the version the member saw. */
export const TriageInput = z.object({
  to: z.enum(['backlog', 'rejected'], { error: 'Triage a draft into the backlog or reject it.' }),
  version: z.preprocess(
    blank,
    z.coerce
      .number({ error: 'The version you saw is required (reload the page).' })
      .int({ error: 'The version must be a whole number.' })
      .positive({ error: 'The version must be a whole number.' }),
  ),
});

/** How the page is looked at, from its query string (or a form's `back` field); anything odd is the default. */
export const MeetingViewQuery = z.object({
  sort: z.preprocess(blank, z.enum(SORTS).catch('ice').default('ice')),
  view: z.preprocess(blank, z.enum(['projector']).optional().catch(undefined)),
});

export function meetingView(raw: Record<string, string | undefined>) {
  const q = MeetingViewQuery.parse(raw);
  return { sort: q.sort, projector: q.view === 'projector' };
}

type Body = Record<string, string | File | (string | File)[]>;
const field = (body: Body, key: string) => (typeof body[key] === 'string' ? (body[key] as string) : '');

/**
 * The meeting's close form as the domain's CloseInput: a new statement, and/or one existing learning of the
 * metric that this result supports or contradicts.
 */
export function closeInputFrom(body: Body): unknown {
  const learnings: unknown[] = [];
  const statement = field(body, 'newStatement').trim();
  if (statement) learnings.push({ statement, status: field(body, 'newStatus') });
  const linked = field(body, 'linkLearningId');
  if (linked) learnings.push({ learningId: linked, relation: field(body, 'linkRelation') || 'supports' });
  return {
    outcome: body.outcome,
    actualDays: body.actualDays,
    return: body.return,
    baseline: body.baseline,
    observed: body.observed,
    version: body.version,
    learnings,
  };
}

/** Close errors keyed by the meeting's close form fields (learnings.0.statement → newStatement). */
export function closeFieldErrors(fields: FieldErrors, body: Body): FieldErrors {
  const out: FieldErrors = {};
  const hasStatement = field(body, 'newStatement').trim() !== '';
  const hasLink = field(body, 'linkLearningId') !== '';
  for (const [k, v] of Object.entries(fields)) {
    // The learnings list holds the new statement first (when given), then the linked learning.
    const m = /^learnings\.(\d+)/.exec(k);
    const key =
      k === 'learnings'
        ? hasLink
          ? 'linkLearningId'
          : 'newStatement'
        : m
          ? hasStatement && m[1] === '0'
            ? 'newStatement'
            : 'linkLearningId'
          : k;
    out[key] ??= v;
  }
  return out;
}
