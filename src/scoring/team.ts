import { type IceScores, ice } from './scores';

// Everyone scores: each member gives their own Impact, Confidence and Ease; the hypothesis carries the
// team's means. Pure functions, so the meeting page, the API and the tests agree on every figure.

/** Spread (max − min) on any one score at or above which the team is said to disagree. */
export const DISAGREEMENT_SPREAD = 4;

const mean1 = (values: number[]) =>
  Math.round((values.reduce((a, b) => a + b, 0) / values.length + Number.EPSILON) * 10) / 10;

/** The team's Impact, Confidence and Ease: each the mean of the members' scores, to one decimal. */
export function teamScores(scores: IceScores[]): IceScores | undefined {
  if (scores.length === 0) return undefined;
  return {
    impact: mean1(scores.map((s) => s.impact)),
    confidence: mean1(scores.map((s) => s.confidence)),
    ease: mean1(scores.map((s) => s.ease)),
  };
}

export type Spread = {
  /** How many members scored. */
  n: number;
  impact: number;
  confidence: number;
  ease: number;
  /** The widest of the three spreads. */
  max: number;
  /** Two or more members, and a spread of DISAGREEMENT_SPREAD or more on some score. */
  disagree: boolean;
  /** The score the team disagrees on most (ties: impact, then confidence, then ease). */
  widest: keyof IceScores | null;
};

/** How far apart the members' scores are: max − min for each of Impact, Confidence and Ease. */
export function spread(scores: IceScores[]): Spread {
  const range = (k: keyof IceScores) =>
    scores.length ? Math.max(...scores.map((s) => s[k])) - Math.min(...scores.map((s) => s[k])) : 0;
  const r = { impact: range('impact'), confidence: range('confidence'), ease: range('ease') };
  const max = Math.max(r.impact, r.confidence, r.ease);
  const widest =
    scores.length < 2 || max === 0
      ? null
      : ((['impact', 'confidence', 'ease'] as const).find((k) => r[k] === max) ?? null);
  return { n: scores.length, ...r, max, disagree: scores.length >= 2 && max >= DISAGREEMENT_SPREAD, widest };
}

/** Each member's own ICE, in the workspace's mode (for "who scored what"). */
export function memberIce(s: IceScores, mode: 'mean' | 'product'): number {
  return ice(s, mode);
}
