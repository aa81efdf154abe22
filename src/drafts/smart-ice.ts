import type { LeverStats } from '../scoring/calibration';
import { ICE_MAX, ICE_MIN } from '../scoring/scores';

// Smart ICE (issue 6): a draft's suggested Confidence and Ease are adjusted by its lever's calibration, and
// the reason says so. Pure. Confidence takes the lever's suggested Confidence (the Laplace-smoothed win rate)
// once the lever has history; Ease and the estimate follow the lever's effort ratio (how much longer its
// experiments took than estimated).

/** Below this many closed experiments a lever says too little to move a draft's scores. */
export const MIN_HISTORY = 2;

const clampScore = (n: number) => Math.min(ICE_MAX, Math.max(ICE_MIN, Math.round(n)));
const oneDecimal = (n: number) => Math.round(n * 10) / 10;

export type Scored = {
  confidence: number;
  ease: number;
  estimatedDays: number;
  reasons: { impact: string; confidence: string; ease: string };
};

/** The draft's scores and reasons, adjusted by the lever's stats (unchanged when it has too little history). */
export function smartIce<T extends Scored>(draft: T, lever: LeverStats & { name: string }): T {
  if (lever.closed < MIN_HISTORY) return draft;
  const confidence = clampScore(lever.suggestedConfidence);
  const out: T = {
    ...draft,
    confidence,
    reasons: {
      ...draft.reasons,
      confidence: `${lever.wins} of ${lever.closed} experiments on ${lever.name} won: Confidence ${confidence}.`,
    },
  };
  const ratio = lever.effortRatio;
  // Only a clear miss moves the estimate: a lever within 15% of its estimates is estimated well enough.
  if (ratio != null && Math.abs(ratio - 1) >= 0.15) {
    const days = Math.max(0.5, oneDecimal(draft.estimatedDays * ratio));
    const ease = clampScore(draft.ease / ratio);
    out.estimatedDays = days;
    out.ease = ease;
    out.reasons = {
      ...out.reasons,
      ease: `Experiments on ${lever.name} took ${ratio}× their estimates: ${days} person-days, Ease ${ease}.`,
    };
  }
  return out;
}
