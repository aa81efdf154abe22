import type { IceMode, Outcome } from '../../db/schema';

// The score formulas of DESIGN.md, as pure functions. Everything that shows or stores a score calls
// these, so the backlog, the API and the close form can never disagree.

export const ICE_MIN = 1;
export const ICE_MAX = 10;
export const RETURN_MIN = 0;
export const RETURN_MAX = 10;

export type IceScores = { impact: number; confidence: number; ease: number };

const round = (value: number, digits: number) => {
  const f = 10 ** digits;
  return Math.round((value + Number.EPSILON) * f) / f;
};

/** ICE: the mean of the three scores rounded to one decimal, or their product in `product` mode. */
export function ice({ impact, confidence, ease }: IceScores, mode: IceMode = 'mean'): number {
  // Team scores are means with one decimal, so a product is rounded like the mean is.
  if (mode === 'product') return round(impact * confidence * ease, 1);
  return round((impact + confidence + ease) / 3, 1);
}

/** Expected return per person-day: (Impact × Confidence / 10) ÷ estimated days; null without an estimate. */
export function expectedRoti(
  { impact, confidence }: Pick<IceScores, 'impact' | 'confidence'>,
  estimatedDays: number | null | undefined,
): number | null {
  if (estimatedDays == null || !(estimatedDays > 0)) return null;
  return round((impact * confidence) / 10 / estimatedDays, 3);
}

/** ROTI at close: return (0–10) ÷ actual person-days. */
export function roti(returnScore: number, actualDays: number): number | null {
  if (!(actualDays > 0)) return null;
  return round(returnScore / actualDays, 3);
}

/** Relative change from baseline to observed, in percent; null when it cannot be computed. */
export function lift(
  baseline: number | null | undefined,
  observed: number | null | undefined,
): number | null {
  if (baseline == null || observed == null || baseline === 0) return null;
  const value = ((observed - baseline) / Math.abs(baseline)) * 100;
  // A near-zero baseline can overflow to Infinity, which has no meaning as a lift (nor a place in SQL).
  return Number.isFinite(value) ? round(value, 2) : null;
}

/**
 * The return suggested at close (always overridable):
 * a win is worth its Impact scaled by observed ÷ expected lift, capped to 0–10 (Impact alone when either
 * lift is unknown); invalid is worth 0; for lost, inconclusive and stopped the team judges what was
 * learned, so there is no suggestion (null).
 */
export function suggestedReturn(input: {
  outcome: Outcome;
  impact: number;
  expectedLift?: number | null;
  observedLift?: number | null;
}): number | null {
  const { outcome, impact, expectedLift, observedLift } = input;
  if (outcome === 'invalid') return 0;
  if (outcome !== 'won') return null;
  if (expectedLift == null || observedLift == null || expectedLift === 0) return impact;
  const scaled = impact * (observedLift / expectedLift);
  return round(Math.min(RETURN_MAX, Math.max(RETURN_MIN, scaled)), 1);
}
