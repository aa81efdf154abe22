import { describe, expect, it } from 'vitest';
import { close, fillCapacity, runBench, runStrategy, summaryLine } from '../bench/learning/simulate';
import { lodestar, oracle, plainIce, STRATEGIES } from '../bench/learning/strategies';
import { DEFAULT_PARAMS, type Hypothesis, makeWorld } from '../bench/learning/world';
import { leverStats } from '../src/scoring/calibration';
import { teamScores } from '../src/scoring/team';

// The benchmark's invariants, not its figures: a model that breaks these would print numbers that mean
// nothing, whatever they are.

const SEEDS = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10];

const candidateOf = (h: Hypothesis) => {
  const team = teamScores(h.scores);
  if (!team) throw new Error('a hypothesis without scores');
  return { h, team };
};

describe('learning benchmark', () => {
  it('builds the same world from the same seed, and another from another seed', () => {
    expect(makeWorld(7)).toEqual(makeWorld(7));
    expect(makeWorld(7).hypotheses.map((h) => h.winProbability)).not.toEqual(
      makeWorld(8).hypotheses.map((h) => h.winProbability),
    );
  });

  it('gives the same figures for the same seeds', () => {
    const a = runBench([3, 4, 5]);
    const b = runBench([3, 4, 5]);
    expect(summaryLine(a)).toBe(summaryLine(b));
    expect(a.figures.map((f) => f.perDay)).toEqual(b.figures.map((f) => f.perDay));
  });

  it('never books more days than the week has left, for any strategy', () => {
    for (const seed of SEEDS) {
      const world = makeWorld(seed);
      for (const strategy of STRATEGIES) {
        const run = runStrategy(world, strategy);
        expect(run.weeks).toHaveLength(DEFAULT_PARAMS.weeks);
        for (const week of run.weeks) {
          expect(week.capacityDays).toBeLessThanOrEqual(DEFAULT_PARAMS.capacityDays);
          expect(week.plannedDays).toBeLessThanOrEqual(week.capacityDays + 1e-9);
        }
      }
    }
  });

  it('takes days an overrun used from the next week', () => {
    // Plain ICE books the written estimates, which the world's levers overrun: some week must start short.
    const run = runStrategy(makeWorld(1), plainIce);
    const short = run.weeks.filter((w) => w.capacityDays < DEFAULT_PARAMS.capacityDays);
    expect(short.length).toBeGreaterThan(0);
    // And the oracle, which books true days, never overruns.
    const exact = runStrategy(makeWorld(1), oracle);
    expect(exact.weeks.every((w) => w.capacityDays === DEFAULT_PARAMS.capacityDays)).toBe(true);
  });

  it('runs each hypothesis at most once, and only after it reached the backlog', () => {
    const world = makeWorld(2);
    const arrival = new Map(world.hypotheses.map((h) => [h.id, h.week]));
    for (const strategy of STRATEGIES) {
      const run = runStrategy(world, strategy);
      const ids = run.weeks.flatMap((w) => w.selected);
      expect(new Set(ids).size).toBe(ids.length);
      for (const w of run.weeks) {
        for (const id of w.selected) expect(arrival.get(id)).toBeLessThanOrEqual(w.week);
      }
      expect(run.perDay).toBeCloseTo(run.returnTotal / run.daysTotal, 10);
    }
  });

  it('puts the oracle ahead of plain ICE and Lodestar on average', () => {
    const result = runBench(SEEDS);
    const { plain, lodestar: b, oracle: c } = result.byName;
    expect(c?.mean).toBeGreaterThan(plain?.mean ?? Number.POSITIVE_INFINITY);
    expect(c?.mean).toBeGreaterThan(b?.mean ?? Number.POSITIVE_INFINITY);
    for (const f of result.figures) expect(f.perDay).toHaveLength(SEEDS.length);
  });

  it('lets Lodestar see only what the app shows, never the hidden truth', () => {
    const world = makeWorld(4);
    const h = world.hypotheses[0] as Hypothesis;
    const lever = leverStats([
      { result: 'won', confidence: 7, estimatedDays: 2, actualDays: 4, roti: 2 },
      { result: 'lost', confidence: 7, estimatedDays: 3, actualDays: 5, roti: 0.2 },
    ]);
    const seen = lodestar.choose(candidateOf(h), lever);
    const otherTruth: Hypothesis = {
      ...h,
      winProbability: 1 - h.winProbability,
      winValue: 10 - h.winValue,
      trueDays: h.trueDays * 3,
      outcome: h.outcome === 'won' ? 'lost' : 'won',
      realisedWinValue: 1,
      judgedReturn: 2,
    };
    expect(lodestar.choose(candidateOf(otherTruth), lever)).toEqual(seen);
    // …while it does follow the lever's history: an effort ratio of 1.8 books 1.8 × the estimate.
    expect(seen.plannedDays).toBeCloseTo(Math.round(h.estimatedDays * 1.8 * 10) / 10, 10);
  });

  it('prices a close with the app functions: a win returns its realised value (capped at 10), invalid 0', () => {
    const world = makeWorld(5);
    const won = world.hypotheses.find((h) => h.outcome === 'won') as Hypothesis;
    const closedWin = close(candidateOf(won));
    expect(closedWin.returnScore).toBeCloseTo(Math.min(10, won.realisedWinValue), 0);
    expect(closedWin.record.result).toBe('won');
    expect(closedWin.record.estimatedDays).toBe(won.estimatedDays);
    expect(closedWin.actualDays).toBe(won.trueDays);
    const invalid = world.hypotheses.find((h) => h.outcome === 'invalid') as Hypothesis;
    expect(close(candidateOf(invalid)).returnScore).toBe(0);
  });

  it('fills capacity greedily down the ranking, skipping what no longer fits', () => {
    const item = (plannedDays: number) => ({ plannedDays, key: [0], confidence: 5 });
    const ranked = [6, 5, 3, 1.5, 1].map((d) => ({ choice: item(d), c: {} as never }));
    expect(fillCapacity(ranked, 10).map((r) => r.choice.plannedDays)).toEqual([6, 3, 1]);
  });

  it('ends with the one summary line', () => {
    expect(summaryLine(runBench([1, 2]))).toMatch(
      /^learning-bench: plain=\d+\.\d{3} lodestar=\d+\.\d{3} oracle=\d+\.\d{3} b\/a=\d+\.\d{3} b\/c=\d+\.\d{3}$/,
    );
  });
});
