import type { Outcome } from '../../db/schema';

// Learning compounds (DESIGN.md "Calibration"): per lever, from its closed experiments, the suggested
// Confidence (a Laplace-smoothed win rate), the effort ratio (actual ÷ estimated days), the mean ROTI; and
// for the team, the Brier score of its stated Confidence against what happened. Pure functions over plain
// rows, shared by the app and the learning benchmark.

/** What calibration needs of one closed experiment. */
export type ClosedExperiment = {
  result: Outcome;
  /** The team's Confidence (1–10) when it closed. */
  confidence: number;
  estimatedDays: number | null;
  actualDays: number | null;
  roti: number | null;
};

export type LeverStats = {
  closed: number;
  wins: number;
  /** wins ÷ closed; null with nothing closed. */
  winRate: number | null;
  /** Mean ROTI of the closed experiments that have one; null when none has. */
  meanRoti: number | null;
  /** Σ actual ÷ Σ estimated days over experiments with both; null when there are none. */
  effortRatio: number | null;
  /** 10 × (wins + 1) ÷ (closed + 2), to one decimal: 5 with no history, moving toward the win rate. */
  suggestedConfidence: number;
};

const round = (value: number, digits: number) => {
  const f = 10 ** digits;
  return Math.round((value + Number.EPSILON) * f) / f;
};

// Every closed experiment counts, "invalid" and "stopped" included: they are bets on the lever that did not
// pay, and leaving them out would flatter a lever whose tests keep breaking.
export const isWin = (result: Outcome) => result === 'won';

/** Suggested Confidence for a lever with `wins` of `closed` experiments won (DESIGN.md). */
export function suggestedConfidence(wins: number, closed: number): number {
  return round((10 * (wins + 1)) / (closed + 2), 1);
}

/** Effort ratio: Σ actual ÷ Σ estimated days over the experiments that have both. */
export function effortRatio(rows: Pick<ClosedExperiment, 'estimatedDays' | 'actualDays'>[]): number | null {
  let actual = 0;
  let estimated = 0;
  for (const r of rows) {
    if (r.estimatedDays == null || r.actualDays == null || !(r.estimatedDays > 0)) continue;
    actual += r.actualDays;
    estimated += r.estimatedDays;
  }
  return estimated > 0 ? round(actual / estimated, 2) : null;
}

export function leverStats(rows: ClosedExperiment[]): LeverStats {
  const closed = rows.length;
  const wins = rows.filter((r) => isWin(r.result)).length;
  const rotis = rows.map((r) => r.roti).filter((r): r is number => r != null);
  return {
    closed,
    wins,
    winRate: closed ? round(wins / closed, 3) : null,
    meanRoti: rotis.length ? round(rotis.reduce((a, b) => a + b, 0) / rotis.length, 3) : null,
    effortRatio: effortRatio(rows),
    suggestedConfidence: suggestedConfidence(wins, closed),
  };
}

/** The same figures as leverStats from sums a database can compute (closed, wins, Σ ROTI, Σ days). */
export function statsFromSums(s: {
  closed: number;
  wins: number;
  rotiSum: number;
  rotiCount: number;
  actual: number;
  estimated: number;
}): LeverStats {
  return {
    closed: s.closed,
    wins: s.wins,
    winRate: s.closed ? round(s.wins / s.closed, 3) : null,
    meanRoti: s.rotiCount ? round(s.rotiSum / s.rotiCount, 3) : null,
    effortRatio: s.estimated > 0 ? round(s.actual / s.estimated, 2) : null,
    suggestedConfidence: suggestedConfidence(s.wins, s.closed),
  };
}

/**
 * Brier score of the stated Confidence (as a probability, Confidence ÷ 10) against win (1) / not-win (0):
 * 0 is perfect, 0.25 is what always saying 5 scores, 1 is always sure and always wrong. Null with no rows.
 */
export function brierScore(rows: Pick<ClosedExperiment, 'result' | 'confidence'>[]): number | null {
  if (rows.length === 0) return null;
  const sum = rows.reduce((acc, r) => acc + (r.confidence / 10 - (isWin(r.result) ? 1 : 0)) ** 2, 0);
  return round(sum / rows.length, 3);
}

export type CalibrationBucket = {
  /** Stated Confidence, rounded to a whole number (1–10). */
  confidence: number;
  n: number;
  wins: number;
  /** Actual win rate of the experiments stated at this Confidence. */
  winRate: number;
};

/** Stated Confidence against the actual win rate, one bucket per whole Confidence with experiments. */
export function calibrationBuckets(
  rows: Pick<ClosedExperiment, 'result' | 'confidence'>[],
): CalibrationBucket[] {
  const buckets = new Map<number, { n: number; wins: number }>();
  for (const r of rows) {
    const c = Math.min(10, Math.max(1, Math.round(r.confidence)));
    const b = buckets.get(c) ?? { n: 0, wins: 0 };
    b.n += 1;
    if (isWin(r.result)) b.wins += 1;
    buckets.set(c, b);
  }
  return [...buckets.entries()]
    .sort(([a], [b]) => a - b)
    .map(([confidence, b]) => ({ confidence, ...b, winRate: round(b.wins / b.n, 3) }));
}

/**
 * The expected ROTI the lever view ranks by when the team asks Lodestar to use what it learned: the
 * hypothesis's Impact × (calibrated Confidence) ÷ 10, over its estimate scaled by the lever's effort ratio.
 * Calibrated Confidence blends the team's own with the lever's suggestion, trusting the lever more as it
 * closes more experiments (weight n ÷ (n + 2), the same prior as the suggestion itself).
 */
export function calibratedConfidence(
  stated: number,
  lever: Pick<LeverStats, 'closed' | 'suggestedConfidence'>,
) {
  const w = lever.closed / (lever.closed + 2);
  return round((1 - w) * stated + w * lever.suggestedConfidence, 1);
}
