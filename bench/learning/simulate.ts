import {
  brierScore,
  type ClosedExperiment,
  type LeverStats,
  leverStats,
} from '../../src/scoring/calibration';
import { lift, roti, suggestedReturn } from '../../src/scoring/scores';
import { teamScores } from '../../src/scoring/team';
import { mean, sd } from './random';
import { type Candidate, type Choice, STRATEGIES, type Strategy } from './strategies';
import { DEFAULT_PARAMS, makeWorld, type World, type WorldParams } from './world';

// One team, one strategy, one world: twelve weekly meetings. At each meeting the team ranks its backlog
// its way and fills the week's capacity greedily (down the ranking, taking every item whose booked days
// still fit); the batch runs that week and every experiment in it closes before the next meeting, with
// the outcome the world drew for it. Closed experiments become the lever history the next meeting sees.
//
// People are the constraint, not the plan: days a batch overruns its capacity are taken from the next
// week's (the work is finished first), so a team that books at optimistic estimates does not get more
// person-days than one that books honestly, and every strategy spends about the same days in a quarter.
// What differs is which experiments those days buy. (Days a batch leaves unused are not given back: the
// batch was chosen at the meeting, and the time goes to other work, outside the benchmark.)

export type WeekLog = {
  week: number;
  /** The week's capacity left for new experiments after last week's overrun. */
  capacityDays: number;
  /** Σ days booked against the capacity (the strategy's own plan). */
  plannedDays: number;
  selected: number[];
  /** Σ days the batch really took. */
  actualDays: number;
  returnTotal: number;
};

export type ClosedLog = { lever: number; won: boolean; statedConfidence: number; actedConfidence: number };

export type Run = {
  strategy: string;
  returnTotal: number;
  daysTotal: number;
  /** Cumulative return per person-day: Σ return ÷ Σ actual days over all weeks. */
  perDay: number;
  weeks: WeekLog[];
  closed: ClosedLog[];
};

/** A baseline for turning a lift into an observed value (any positive number: the lift is relative). */
const BASELINE = 100;

/** How an experiment closes: its drawn fate, priced by the app's own suggestedReturn and roti. */
export function close(c: Candidate): { returnScore: number; actualDays: number; record: ClosedExperiment } {
  const { h, team } = c;
  // A win's observed lift is what the world realised; the app turns it back into a return by scaling the
  // team's Impact by observed ÷ expected lift (so the return is the realised value, capped at 10).
  const observedLift =
    h.outcome === 'won'
      ? lift(BASELINE, BASELINE * (1 + (h.expectedLift * h.realisedWinValue) / team.impact / 100))
      : null;
  const returnScore =
    suggestedReturn({
      outcome: h.outcome,
      impact: team.impact,
      expectedLift: h.expectedLift,
      observedLift,
    }) ?? h.judgedReturn;
  const actualDays = h.trueDays;
  return {
    returnScore,
    actualDays,
    record: {
      result: h.outcome,
      // The app stores the team's Confidence on the hypothesis: the stated one, never the calibrated hint.
      confidence: team.confidence,
      // The team's own estimate as written: the effort ratio must keep measuring it, not a rescaled one.
      estimatedDays: h.estimatedDays,
      actualDays,
      roti: roti(returnScore, actualDays),
    },
  };
}

function compareKeys(a: number[], b: number[]): number {
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    const x = a[i] ?? Number.NEGATIVE_INFINITY;
    const y = b[i] ?? Number.NEGATIVE_INFINITY;
    if (x !== y) return y > x ? 1 : -1;
  }
  return 0;
}

/** Greedy fill: down the ranking, take every item whose booked days still fit the remaining capacity. */
export function fillCapacity<T extends { choice: Choice; c: Candidate }>(
  ranked: T[],
  capacityDays: number,
): T[] {
  const picked: T[] = [];
  let remaining = capacityDays;
  for (const item of ranked) {
    // Booked days carry one decimal; the epsilon keeps 3.3 + 6.7 from failing to fit 10.
    if (item.choice.plannedDays <= remaining + 1e-9) {
      picked.push(item);
      remaining -= item.choice.plannedDays;
    }
  }
  return picked;
}

export function runStrategy(world: World, strategy: Strategy): Run {
  const { params, levers, hypotheses } = world;
  const history: ClosedExperiment[][] = levers.map(() => []);
  const candidates = new Map<number, Candidate>();
  for (const h of hypotheses) {
    const team = teamScores(h.scores);
    if (team) candidates.set(h.id, { h, team });
  }
  const backlog = new Set<number>();
  const weeks: WeekLog[] = [];
  const closed: ClosedLog[] = [];
  let returnTotal = 0;
  let daysTotal = 0;
  let owed = 0; // overrun days still to be worked off
  for (let week = 0; week < params.weeks; week++) {
    const capacityDays = Math.max(0, params.capacityDays - owed);
    for (const h of hypotheses) if (h.week === week) backlog.add(h.id);
    const stats: LeverStats[] = history.map((rows) => leverStats(rows));
    const ranked = [...backlog]
      .map((id) => candidates.get(id) as Candidate)
      .map((c) => ({ c, choice: strategy.choose(c, stats[c.h.lever] as LeverStats) }))
      .sort((a, b) => compareKeys(a.choice.key, b.choice.key) || a.c.h.id - b.c.h.id);
    const batch = fillCapacity(ranked, capacityDays);
    const log: WeekLog = {
      week,
      capacityDays,
      plannedDays: 0,
      selected: [],
      actualDays: 0,
      returnTotal: 0,
    };
    for (const { c, choice } of batch) {
      backlog.delete(c.h.id);
      const { returnScore, actualDays, record } = close(c);
      history[c.h.lever]?.push(record);
      closed.push({
        lever: c.h.lever,
        won: c.h.outcome === 'won',
        statedConfidence: c.team.confidence,
        actedConfidence: choice.confidence,
      });
      log.selected.push(c.h.id);
      log.plannedDays += choice.plannedDays;
      log.actualDays += actualDays;
      log.returnTotal += returnScore;
    }
    owed = Math.max(0, owed + log.actualDays - params.capacityDays);
    returnTotal += log.returnTotal;
    daysTotal += log.actualDays;
    weeks.push(log);
  }
  return {
    strategy: strategy.name,
    returnTotal,
    daysTotal,
    perDay: daysTotal ? returnTotal / daysTotal : 0,
    weeks,
    closed,
  };
}

/** Weeks per block in the "does it compound" view: 12 weeks print as weeks 1–4, 5–8 and 9–12. */
export const BLOCK_WEEKS = 4;

export type Figure = {
  name: string;
  label: string;
  /** Each seed's cumulative return per person-day. */
  perDay: number[];
  mean: number;
  sd: number;
  /** Mean across seeds of the return per person-day within each block of BLOCK_WEEKS weeks. */
  blocks: number[];
};

export type BenchResult = {
  seeds: number[];
  figures: Figure[];
  byName: Record<string, Figure>;
  /** Share of seeds on which Lodestar's return per person-day beats plain ICE's. */
  lodestarBeatsPlain: number;
  /** Brier score of the Confidence stated vs the calibrated Confidence Lodestar acted on, pooled. */
  brier: { stated: number | null; calibrated: number | null };
};

/** Return per person-day within each block of BLOCK_WEEKS weeks (0 for a block with no days spent). */
export function blockFigures(weeks: WeekLog[]): number[] {
  const out: number[] = [];
  for (let i = 0; i < weeks.length; i += BLOCK_WEEKS) {
    const block = weeks.slice(i, i + BLOCK_WEEKS);
    const days = block.reduce((a, w) => a + w.actualDays, 0);
    out.push(days ? block.reduce((a, w) => a + w.returnTotal, 0) / days : 0);
  }
  return out;
}

/** Runs every strategy on every seed's world. */
export function runBench(
  seeds: number[],
  params: WorldParams = DEFAULT_PARAMS,
  strategies: readonly Strategy[] = STRATEGIES,
): BenchResult {
  const perDay = new Map<string, number[]>(strategies.map((s) => [s.name, []]));
  const blocks = new Map<string, number[][]>(strategies.map((s) => [s.name, []]));
  const stated: { result: 'won' | 'lost'; confidence: number }[] = [];
  const calibrated: { result: 'won' | 'lost'; confidence: number }[] = [];
  for (const seed of seeds) {
    const world = makeWorld(seed, params);
    for (const s of strategies) {
      const run = runStrategy(world, s);
      perDay.get(s.name)?.push(run.perDay);
      blocks.get(s.name)?.push(blockFigures(run.weeks));
      if (s.name !== 'lodestar') continue;
      for (const c of run.closed) {
        const result = c.won ? 'won' : 'lost';
        stated.push({ result, confidence: c.statedConfidence });
        calibrated.push({ result, confidence: c.actedConfidence });
      }
    }
  }
  const figures = strategies.map((s) => {
    const values = perDay.get(s.name) ?? [];
    const perSeed = blocks.get(s.name) ?? [];
    const blockMeans = (perSeed[0] ?? []).map((_, i) => mean(perSeed.map((b) => b[i] ?? 0)));
    return {
      name: s.name,
      label: s.label,
      perDay: values,
      mean: mean(values),
      sd: sd(values),
      blocks: blockMeans,
    };
  });
  const byName = Object.fromEntries(figures.map((f) => [f.name, f]));
  const plain = byName.plain?.perDay ?? [];
  const beats = (byName.lodestar?.perDay ?? []).filter((v, i) => v > (plain[i] ?? Number.POSITIVE_INFINITY));
  return {
    seeds,
    figures,
    byName,
    lodestarBeatsPlain: seeds.length ? beats.length / seeds.length : 0,
    brier: { stated: brierScore(stated), calibrated: brierScore(calibrated) },
  };
}

/** The one line the benchmark ends with (numbers to three decimals; ratios of the means across seeds). */
export function summaryLine(result: BenchResult): string {
  const a = result.byName.plain?.mean ?? Number.NaN;
  const b = result.byName.lodestar?.mean ?? Number.NaN;
  const c = result.byName.oracle?.mean ?? Number.NaN;
  const f = (x: number) => x.toFixed(3);
  return `learning-bench: plain=${f(a)} lodestar=${f(b)} oracle=${f(c)} b/a=${f(b / a)} b/c=${f(b / c)}`;
}
