import type { Outcome } from '../../db/schema';
import type { IceScores } from '../../src/scoring/scores';
import { clamp, logNormal, mulberry32, normal, pick, type Rng, round, uniform } from './random';

// The synthetic workspace of the learning benchmark. Everything a seed decides is drawn here, up front:
// the levers' hidden truth, the team's biases, every hypothesis of every week with the members' scores,
// and each experiment's fate (would it win, what would it return, how long would it really take). The
// strategies then only choose; they never draw. So all strategies face the very same hypotheses with the
// very same fates (common random numbers), and the comparison measures the choosing, not the luck.

export type WorldParams = {
  /** Weeks simulated (the issue asks for 12: one quarter of weekly meetings). */
  weeks: number;
  /** Person-days per week: the app's default capacity (DEFAULT_CAPACITY_DAYS), two people's week. */
  capacityDays: number;
  /** New hypotheses per week: more ideas than capacity, so ranking matters and the backlog grows. */
  newPerWeek: number;
  /** Members scoring each hypothesis. */
  scorers: number;
  /**
   * Hidden win probability per lever, uniform in this range. Published win rates of product experiments
   * run from 10–20 % (Bing, Google) to about a third (Microsoft, Booking): some levers are nearly tapped
   * out, fresh ones win more often.
   */
  leverWinRate: [number, number];
  /** Spread of one hypothesis's win probability around its lever's, on the logit scale. */
  hypothesisLogitSd: number;
  /** Hidden return (0–10) of a win, per lever: uniform in this range; hypotheses spread around it. */
  leverWinValue: [number, number];
  hypothesisValueSd: number;
  /** Spread of the realised return of a win around the hypothesis's value (log scale). */
  realisedValueSdLog: number;
  /**
   * Hidden effort multiplier (actual ÷ estimated days) per lever: log-normal around a median overrun,
   * clamped. The planning fallacy: work overruns its estimate by about a third in the median, and some
   * kinds of work (billing, anything with a dependency on another team) by twice.
   */
  effortMedian: number;
  effortSdLog: number;
  effortRange: [number, number];
  /** One experiment's overrun around its lever's (log scale): not every task on a lever is alike. */
  experimentEffortSdLog: number;
  /** The team's estimate in person-days: log-normal around a median, clamped, in half days. */
  estimateMedian: number;
  estimateSdLog: number;
  estimateRange: [number, number];
  /**
   * How much of a hypothesis's true win probability the members perceive: 1 = all of it (before their
   * biases and noise), 0 = none (they only know the typical win rate). 1 is generous to the team's own
   * Confidence, and so to plain ICE: experimenters report that people are poor at telling winners apart.
   */
  confidenceSignal: number;
  /** Confidence points the whole team adds to every bet: teams state 5–6 where a third of ideas win. */
  optimism: number;
  /** The team's shared Confidence bias per lever (pet levers, scars): not averaged away by more scorers. */
  leverConfidenceBiasSd: number;
  /** The team's shared Impact bias per lever: Lodestar's calibration does not correct it (honest handicap). */
  leverImpactBiasSd: number;
  /** One member's own bias per lever and score. */
  scorerBiasSd: number;
  /** Noise of one member's one score. */
  scoreNoiseSd: number;
};

export const DEFAULT_PARAMS: WorldParams = {
  weeks: 12,
  capacityDays: 10,
  newPerWeek: 8,
  scorers: 4,
  leverWinRate: [0.1, 0.55],
  hypothesisLogitSd: 0.5,
  leverWinValue: [3, 8],
  hypothesisValueSd: 1.5,
  realisedValueSdLog: 0.25,
  effortMedian: 1.3,
  effortSdLog: 0.3,
  effortRange: [0.8, 2.5],
  experimentEffortSdLog: 0.25,
  estimateMedian: 3,
  estimateSdLog: 0.6,
  estimateRange: [0.5, 10],
  confidenceSignal: 1,
  optimism: 1.5,
  leverConfidenceBiasSd: 1.5,
  leverImpactBiasSd: 1,
  scorerBiasSd: 0.7,
  scoreNoiseSd: 1.2,
};

/** Three input metrics, each narrowed by two tags: six levers, as a workspace's lever view would list. */
export const LEVER_NAMES = [
  'activation · onboarding',
  'activation · emails',
  'invites · prompts',
  'invites · rewards',
  'retention · notifications',
  'retention · pricing page',
] as const;

export type Lever = {
  id: number;
  name: string;
  /** Hidden truth. */
  winRate: number;
  winValue: number;
  effort: number;
  /** The team's shared biases on this lever (hidden too: nobody knows their own bias). */
  confidenceBias: number;
  impactBias: number;
};

/** A non-win's outcome and the return the team judges it worth (what was learned): invalid is worth 0. */
export const NON_WIN_OUTCOMES: readonly (readonly [Exclude<Outcome, 'won'>, number])[] = [
  ['lost', 0.5],
  ['inconclusive', 0.3],
  ['stopped', 0.1],
  ['invalid', 0.1],
];
/** The highest judged return of a non-win (uniform whole numbers from 0): a little learning, no payback. */
export const NON_WIN_RETURN_MAX: Record<Exclude<Outcome, 'won'>, number> = {
  lost: 2,
  inconclusive: 2,
  stopped: 1,
  invalid: 0,
};
/** Expected judged return of a non-win, for the oracle. */
export const EXPECTED_NON_WIN_RETURN = NON_WIN_OUTCOMES.reduce(
  (acc, [outcome, weight]) => acc + (weight * NON_WIN_RETURN_MAX[outcome]) / 2,
  0,
);

export type Hypothesis = {
  id: number;
  /** The week (0-based) it reaches the backlog. */
  week: number;
  lever: number;
  // What the team writes and states:
  estimatedDays: number;
  /** Expected lift in %, as written on the hypothesis (only converts a win's lift into its return). */
  expectedLift: number;
  /** Each member's whole-number Impact, Confidence and Ease. */
  scores: IceScores[];
  // Hidden truth, for the oracle and the resolution only:
  winProbability: number;
  /** Expected return (0–10) if it wins. */
  winValue: number;
  /** Person-days it really takes. */
  trueDays: number;
  // Its fate, drawn now so that every strategy that runs it meets the same one:
  outcome: Outcome;
  /** Return of a win as it will be realised (before the app's 0–10 cap). */
  realisedWinValue: number;
  /** Return the team will judge a non-win worth. */
  judgedReturn: number;
};

export type World = {
  seed: number;
  params: WorldParams;
  levers: Lever[];
  /** Hypotheses in arrival order (ids ascending, so "oldest first" is "lowest id first"). */
  hypotheses: Hypothesis[];
};

const logit = (p: number) => Math.log(p / (1 - p));
const sigmoid = (x: number) => 1 / (1 + Math.exp(-x));
const wholeScore = (value: number) => clamp(Math.round(value), 1, 10);

function makeLevers(rng: Rng, p: WorldParams): Lever[] {
  return LEVER_NAMES.map((name, id) => ({
    id,
    name,
    winRate: uniform(rng, ...p.leverWinRate),
    winValue: uniform(rng, ...p.leverWinValue),
    effort: clamp(logNormal(rng, p.effortMedian, p.effortSdLog), ...p.effortRange),
    confidenceBias: normal(rng, 0, p.leverConfidenceBiasSd),
    impactBias: normal(rng, 0, p.leverImpactBiasSd),
  }));
}

/** Ease as a member reads it off the written estimate: 1 day ≈ 10, 2 ≈ 8, 4 ≈ 6, 8 ≈ 4. */
export const perceivedEase = (estimatedDays: number) => 10 - 2 * Math.log2(estimatedDays);

export function makeWorld(seed: number, params: WorldParams = DEFAULT_PARAMS): World {
  const p = params;
  const rng = mulberry32(seed);
  const levers = makeLevers(rng, p);
  // Each member's own bias per lever and score (rows: members; columns: levers).
  const memberBias = Array.from({ length: p.scorers }, () =>
    levers.map(() => ({
      impact: normal(rng, 0, p.scorerBiasSd),
      confidence: normal(rng, 0, p.scorerBiasSd),
      ease: normal(rng, 0, p.scorerBiasSd),
    })),
  );
  const typicalWinRate = (p.leverWinRate[0] + p.leverWinRate[1]) / 2;
  const hypotheses: Hypothesis[] = [];
  for (let week = 0; week < p.weeks; week++) {
    for (let i = 0; i < p.newPerWeek; i++) {
      const leverId = Math.floor(rng() * levers.length);
      const lever = levers[leverId] as Lever;
      const winProbability = sigmoid(logit(lever.winRate) + normal(rng, 0, p.hypothesisLogitSd));
      const winValue = clamp(normal(rng, lever.winValue, p.hypothesisValueSd), 1, 10);
      const estimatedDays =
        Math.round(clamp(logNormal(rng, p.estimateMedian, p.estimateSdLog), ...p.estimateRange) * 2) / 2;
      const trueDays = round(
        Math.max(0.1, estimatedDays * lever.effort * Math.exp(normal(rng, 0, p.experimentEffortSdLog))),
        1,
      );
      const scores = memberBias.map((bias) => {
        const b = bias[leverId] as { impact: number; confidence: number; ease: number };
        return {
          impact: wholeScore(winValue + lever.impactBias + b.impact + normal(rng, 0, p.scoreNoiseSd)),
          confidence: wholeScore(
            10 * (p.confidenceSignal * winProbability + (1 - p.confidenceSignal) * typicalWinRate) +
              p.optimism +
              lever.confidenceBias +
              b.confidence +
              normal(rng, 0, p.scoreNoiseSd),
          ),
          ease: wholeScore(perceivedEase(estimatedDays) + b.ease + normal(rng, 0, p.scoreNoiseSd)),
        };
      });
      const won = rng() < winProbability;
      const outcome: Outcome = won ? 'won' : pick(rng, NON_WIN_OUTCOMES);
      const realisedWinValue = winValue * Math.exp(normal(rng, 0, p.realisedValueSdLog));
      const judgedReturn = outcome === 'won' ? 0 : Math.floor(rng() * (NON_WIN_RETURN_MAX[outcome] + 1));
      hypotheses.push({
        id: hypotheses.length + 1,
        week,
        lever: leverId,
        estimatedDays,
        expectedLift: round(uniform(rng, 2, 10), 1),
        scores,
        winProbability,
        winValue,
        trueDays,
        outcome,
        realisedWinValue,
        judgedReturn,
      });
    }
  }
  return { seed, params: p, levers, hypotheses };
}
