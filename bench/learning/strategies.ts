import { calibratedConfidence, type LeverStats } from '../../src/scoring/calibration';
import { expectedRoti, type IceScores, ice } from '../../src/scoring/scores';
import { round } from './random';
import { EXPECTED_NON_WIN_RETURN, type Hypothesis } from './world';

// How each team chooses its batch. A strategy sees a backlog item and what the app would show about its
// lever this week, and returns the sort key it ranks by and the days it plans for the item. Only the
// oracle looks at the hidden truth; the others see exactly what Lodestar shows: the members' scores and
// their means, the estimate, and the lever's figures computed from the experiments this team closed.

export type Candidate = {
  h: Hypothesis;
  /** The team's Impact, Confidence and Ease: the members' means to one decimal (teamScores). */
  team: IceScores;
};

export type Choice = {
  /** Ranked descending, key by key; remaining ties go to the oldest hypothesis, as in the app. */
  key: number[];
  /** Person-days this team books against the week's capacity for the item. */
  plannedDays: number;
  /** The Confidence the choice was based on (for the Brier score of what the team acted on). */
  confidence: number;
};

export type Strategy = {
  name: string;
  label: string;
  choose(c: Candidate, lever: LeverStats): Choice;
};

const orLast = (value: number | null) => value ?? Number.NEGATIVE_INFINITY;

/** (a) Plain ICE: the app's default ranking (ICE descending, ties by expected ROTI), booked at the estimate. */
export const plainIce: Strategy = {
  name: 'plain',
  label: '(a) plain ICE',
  choose: ({ h, team }) => ({
    key: [ice(team, 'mean'), orLast(expectedRoti(team, h.estimatedDays))],
    plannedDays: h.estimatedDays,
    confidence: team.confidence,
  }),
};

/** ICE in product mode (the workspace setting), for reference: same scores, multiplied. */
export const productIce: Strategy = {
  name: 'product',
  label: '    ICE, product mode',
  choose: ({ h, team }) => ({
    key: [ice(team, 'product'), orLast(expectedRoti(team, h.estimatedDays))],
    plannedDays: h.estimatedDays,
    confidence: team.confidence,
  }),
};

/**
 * Expected ROTI from the team's own scores and estimate, without any calibration: the app's "sort by
 * expected ROTI" before the team has learned anything. Printed to separate what the ROTI ranking gains
 * from what the learning loop (calibration) adds on top.
 */
export const uncalibratedRoti: Strategy = {
  name: 'roti',
  label: '    expected ROTI, uncalibrated',
  choose: ({ h, team }) => ({
    key: [orLast(expectedRoti(team, h.estimatedDays))],
    plannedDays: h.estimatedDays,
    confidence: team.confidence,
  }),
};

/**
 * (b) Lodestar: what a team does with the hints the app shows beside the Confidence and the estimate.
 * Confidence becomes calibratedConfidence(stated, lever), the estimate is scaled by the lever's effort
 * ratio (1 while the lever has none), and the backlog is ranked by expected ROTI of those; ties go to the
 * lever with the better mean ROTI (the backlog shows each item's lever ROTI), then to the oldest.
 * The two switches exist to print what each hint contributes on its own.
 */
export function lodestarWith(use: { confidence: boolean; effort: boolean }): Strategy {
  const name =
    use.confidence && use.effort ? 'lodestar' : use.confidence ? 'lodestar-confidence' : 'lodestar-effort';
  const label =
    use.confidence && use.effort
      ? '(b) Lodestar'
      : use.confidence
        ? '    Lodestar, calibrated Confidence only'
        : '    Lodestar, effort ratio only';
  return {
    name,
    label,
    choose: ({ h, team }, lever) => {
      const confidence = use.confidence ? calibratedConfidence(team.confidence, lever) : team.confidence;
      const ratio = use.effort ? (lever.effortRatio ?? 1) : 1;
      const plannedDays = Math.max(0.1, round(h.estimatedDays * ratio, 1));
      return {
        key: [orLast(expectedRoti({ impact: team.impact, confidence }, plannedDays)), orLast(lever.meanRoti)],
        plannedDays,
        confidence,
      };
    },
  };
}

export const lodestar = lodestarWith({ confidence: true, effort: true });

/** (c) Oracle: ranks by true expected return per true person-day, and books the true days. */
export const oracle: Strategy = {
  name: 'oracle',
  label: '(c) oracle',
  choose: ({ h }) => {
    const p = h.winProbability;
    const expectedReturn = p * h.winValue + (1 - p) * EXPECTED_NON_WIN_RETURN;
    return { key: [expectedReturn / h.trueDays], plannedDays: h.trueDays, confidence: 10 * p };
  },
};

export const STRATEGIES = [
  plainIce,
  productIce,
  uncalibratedRoti,
  lodestarWith({ confidence: true, effort: false }),
  lodestarWith({ confidence: false, effort: true }),
  lodestar,
  oracle,
] as const;
