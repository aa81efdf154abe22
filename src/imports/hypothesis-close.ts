import { z } from 'zod';
import { OUTCOMES, type Outcome } from '../../db/schema';
import { zonedInstant } from '../batches/weeks';
import {
  CloseInput,
  type HypothesisInput,
  LEARNINGS_PER_CLOSE_MAX,
  LIFT_LIMIT,
  STATEMENT_MAX,
} from '../hypotheses/schemas';
import { lift as liftOf, suggestedReturn } from '../scoring/scores';
import { fieldErrors, text } from '../validation';
import type { HypothesisField, ImportedHypothesis } from './hypothesis-columns';

// The parts of a hypotheses CSV row only a closed experiment has: its result, effort, return, values,
// learnings and dates, checked with the close form's own schema pieces.

const CloseFields = CloseInput.pick({ actualDays: true, return: true, baseline: true, observed: true });
const Learning = text('The learning', STATEMENT_MAX);
const Lift = z
  .number()
  .min(-LIFT_LIMIT, { error: `Lift must be between -${LIFT_LIMIT}% and ${LIFT_LIMIT}%.` })
  .max(LIFT_LIMIT, { error: `Lift must be between -${LIFT_LIMIT}% and ${LIFT_LIMIT}%.` });

type DateContext = { timeZone: string; now: number };

export type RowTools = {
  num: (f: HypothesisField, label: string) => number | undefined;
  bad: Set<string>;
  errors: string[];
  warnings: string[];
};

/** A done row's result, effort, return and values, checked as the close form checks them. */
export function checkClose(
  resultRaw: string,
  { num, bad, errors }: RowTools,
  input: HypothesisInput | undefined,
): ImportedHypothesis['closed'] | undefined {
  const result = resultRaw.toLowerCase() as Outcome;
  if (resultRaw === '') errors.push(`A done row needs a Result: ${OUTCOMES.join(', ')}.`);
  else if (!OUTCOMES.includes(result))
    errors.push(`Result “${resultRaw}” is not one of: ${OUTCOMES.join(', ')}.`);
  const values = {
    actualDays: num('actualDays', 'Actual days'),
    return: num('return', 'Return'),
    baseline: num('baseline', 'Baseline'),
    observed: num('observed', 'Observed'),
  };
  const given = num('lift', 'Lift');
  const parsed = CloseFields.safeParse(values);
  if (!parsed.success)
    for (const [key, message] of Object.entries(fieldErrors(parsed.error)))
      if (!bad.has(key)) errors.push(message);
  const checkedLift = given === undefined ? undefined : Lift.safeParse(given);
  if (checkedLift && !checkedLift.success)
    errors.push(checkedLift.error.issues[0]?.message ?? 'Lift is out of range.');
  if (!parsed.success || !OUTCOMES.includes(result) || (checkedLift && !checkedLift.success))
    return undefined;
  const { baseline = null, observed = null } = parsed.data;
  const lift = given ?? liftOf(baseline, observed);
  const returnScore =
    parsed.data.return ??
    suggestedReturn({
      outcome: result,
      impact: input?.impact ?? 5,
      expectedLift: input?.expectedLift,
      observedLift: lift,
    });
  if (returnScore == null) {
    errors.push(`Return is required for a ${result} experiment: 0–10 for what it was worth.`);
    return undefined;
  }
  return { result, actualDays: parsed.data.actualDays, returnScore, baseline, observed, lift };
}

/** "2026-11-22" → that day's noon in the workspace's time zone (safely inside the right day and ISO week). */
function dayInstant(raw: string, label: string, ctx: DateContext, errors: string[]): number | undefined {
  if (raw === '') return undefined;
  const m = /^(\d{4})-(\d{2})-(\d{2})(?:[T ][\d:.]+Z?)?$/.exec(raw);
  const [y, mo, d] = m ? [Number(m[1]), Number(m[2]), Number(m[3])] : [0, 0, 0];
  const probe = new Date(Date.UTC(y, mo - 1, d));
  if (!m || y < 2000 || probe.getUTCMonth() !== mo - 1 || probe.getUTCDate() !== d) {
    errors.push(`${label} “${raw}” is not a date: use a date like 2026-11-22.`);
    return undefined;
  }
  const ms = zonedInstant(y, mo, d, ctx.timeZone) + 12 * 3_600_000;
  if (ms > ctx.now + 86_400_000) {
    errors.push(`${label} ${raw} is in the future.`);
    return undefined;
  }
  return Math.min(ms, ctx.now);
}

export function readDates(started: string, closed: string, ctx: DateContext, errors: string[]) {
  const startedAt = dayInstant(started, 'Started', ctx, errors);
  const closedAt = dayInstant(closed, 'Closed', ctx, errors);
  if (startedAt !== undefined && closedAt !== undefined && closedAt < startedAt)
    errors.push('Closed is before Started.');
  return { startedAt, closedAt };
}

/** A done row's learnings: one statement per line, each as the close form takes it. */
export function checkLearnings(raw: string, errors: string[], warnings: string[]): string[] {
  const learnings = raw
    .split('\n')
    .map((s) => s.trim())
    .filter(Boolean);
  for (const statement of learnings) {
    const ok = Learning.safeParse(statement);
    if (!ok.success) errors.push(`Learning: ${ok.error.issues[0]?.message}`);
  }
  if (learnings.length > LEARNINGS_PER_CLOSE_MAX)
    errors.push(`Learning: at most ${LEARNINGS_PER_CLOSE_MAX} learnings (one per line).`);
  if (!learnings.length)
    warnings.push('No Learning: a closed experiment usually records what it taught (one per line).');
  return learnings;
}
