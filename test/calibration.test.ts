import { describe, expect, it } from 'vitest';
import type { Outcome } from '../db/schema';
import {
  brierScore,
  type ClosedExperiment,
  calibratedConfidence,
  calibrationBuckets,
  effortRatio,
  leverStats,
  suggestedConfidence,
} from '../src/scoring/calibration';

// Hand-computed tables for the calibration figures of DESIGN.md ("Calibration").

const closed = (
  result: Outcome,
  confidence: number,
  estimatedDays: number | null,
  actualDays: number | null,
  roti: number | null,
): ClosedExperiment => ({ result, confidence, estimatedDays, actualDays, roti });

describe('calibration', () => {
  describe('suggestedConfidence: 10 × (wins + 1) ÷ (closed + 2), to one decimal', () => {
    it.each([
      [0, 0, 5],
      [1, 1, 6.7],
      [0, 1, 3.3],
      [2, 3, 6],
      [1, 4, 3.3],
      [5, 8, 6],
      [3, 10, 3.3],
      [10, 10, 9.2],
      [0, 10, 0.8],
      [30, 100, 3],
    ])('%i wins of %i → %d', (wins, n, expected) => {
      expect(suggestedConfidence(wins, n)).toBe(expected);
    });
  });

  describe('effortRatio: Σ actual ÷ Σ estimated days, to two decimals', () => {
    it.each<[string, Pick<ClosedExperiment, 'estimatedDays' | 'actualDays'>[], number | null]>([
      ['no experiments', [], null],
      ['one experiment', [{ estimatedDays: 2, actualDays: 3 }], 1.5],
      [
        'two experiments',
        [
          { estimatedDays: 2, actualDays: 3 },
          { estimatedDays: 4, actualDays: 5 },
        ],
        1.33,
      ],
      [
        'sums, not the mean of the ratios (which would be 2)',
        [
          { estimatedDays: 1, actualDays: 3 },
          { estimatedDays: 9, actualDays: 9 },
        ],
        1.2,
      ],
      ['faster than estimated', [{ estimatedDays: 3, actualDays: 1 }], 0.33],
      ['rounds half up', [{ estimatedDays: 3, actualDays: 2 }], 0.67],
      [
        'skips a missing estimate',
        [
          { estimatedDays: null, actualDays: 5 },
          { estimatedDays: 2, actualDays: 3 },
        ],
        1.5,
      ],
      [
        'skips missing actual days',
        [
          { estimatedDays: 2, actualDays: null },
          { estimatedDays: 4, actualDays: 2 },
        ],
        0.5,
      ],
      [
        'skips an estimate of 0',
        [
          { estimatedDays: 0, actualDays: 3 },
          { estimatedDays: 2, actualDays: 2 },
        ],
        1,
      ],
      [
        'null when no experiment has both',
        [
          { estimatedDays: null, actualDays: 5 },
          { estimatedDays: 2, actualDays: null },
        ],
        null,
      ],
    ])('%s', (_label, rows, expected) => {
      expect(effortRatio(rows)).toBe(expected);
    });
  });

  describe('leverStats', () => {
    it('has only the prior with no history', () => {
      expect(leverStats([])).toEqual({
        closed: 0,
        wins: 0,
        winRate: null,
        meanRoti: null,
        effortRatio: null,
        suggestedConfidence: 5,
      });
    });

    it('counts every closed outcome, invalid and stopped as not won, and skips what is missing', () => {
      const rows = [
        closed('won', 8, 2, 3, 2),
        closed('lost', 6, 3, 3, 0.333),
        closed('invalid', 7, 1, 2, 0),
        closed('stopped', 5, null, 1, 1),
        closed('inconclusive', 4, 2, null, null),
      ];
      expect(leverStats(rows)).toEqual({
        closed: 5,
        wins: 1,
        winRate: 0.2,
        // (2 + 0.333 + 0 + 1) ÷ 4: the row without a ROTI is left out.
        meanRoti: 0.833,
        // (3 + 3 + 2) ÷ (2 + 3 + 1): the rows missing an estimate or actual days are left out.
        effortRatio: 1.33,
        // 10 × (1 + 1) ÷ (5 + 2) = 2.857…
        suggestedConfidence: 2.9,
      });
    });

    it('gives a lever whose tests keep breaking no wins', () => {
      const rows = [
        closed('invalid', 7, 2, 2, 0),
        closed('stopped', 7, 2, 1, 0),
        closed('invalid', 7, 2, 3, 0),
      ];
      const stats = leverStats(rows);
      expect(stats.wins).toBe(0);
      expect(stats.winRate).toBe(0);
      expect(stats.suggestedConfidence).toBe(2);
      expect(stats.effortRatio).toBe(1);
    });

    it.each([
      [1, 3, 0.333, 4],
      [2, 3, 0.667, 6],
      [3, 3, 1, 8],
    ])('%i wins of %i: win rate %d, suggested Confidence %d', (wins, n, winRate, suggested) => {
      const rows = Array.from({ length: n }, (_, i) => closed(i < wins ? 'won' : 'lost', 6, 2, 2, 1));
      expect(leverStats(rows)).toMatchObject({ closed: n, wins, winRate, suggestedConfidence: suggested });
    });
  });

  describe('brierScore: mean of (Confidence ÷ 10 − won)², to three decimals', () => {
    it.each<[string, Pick<ClosedExperiment, 'result' | 'confidence'>[], number | null]>([
      ['no experiments', [], null],
      ['sure and right', [{ result: 'won', confidence: 10 }], 0],
      ['sure and wrong', [{ result: 'lost', confidence: 10 }], 1],
      [
        'always saying 5',
        [
          { result: 'won', confidence: 5 },
          { result: 'lost', confidence: 5 },
        ],
        0.25,
      ],
      [
        '(0.09 + 0.49 + 0.09) ÷ 3',
        [
          { result: 'won', confidence: 7 },
          { result: 'lost', confidence: 7 },
          { result: 'invalid', confidence: 3 },
        ],
        0.223,
      ],
      ['stopped is not a win', [{ result: 'stopped', confidence: 8 }], 0.64],
      ['invalid is not a win', [{ result: 'invalid', confidence: 8 }], 0.64],
      [
        '(0.04 + 0.16 + 0.04 + 0.16) ÷ 4',
        [
          { result: 'won', confidence: 8 },
          { result: 'won', confidence: 6 },
          { result: 'lost', confidence: 2 },
          { result: 'inconclusive', confidence: 4 },
        ],
        0.1,
      ],
      ["a team mean's decimal Confidence", [{ result: 'won', confidence: 6.4 }], 0.13],
    ])('%s', (_label, rows, expected) => {
      expect(brierScore(rows)).toBe(expected);
    });
  });

  describe('calibrationBuckets: stated Confidence (whole, 1–10) against the actual win rate', () => {
    it('is empty with no experiments', () => {
      expect(calibrationBuckets([])).toEqual([]);
    });

    it('buckets by rounded Confidence, clamps to 1–10 and sorts ascending', () => {
      const rows: Pick<ClosedExperiment, 'result' | 'confidence'>[] = [
        { result: 'won', confidence: 7 },
        { result: 'lost', confidence: 7 },
        { result: 'won', confidence: 6.5 },
        { result: 'lost', confidence: 3 },
        { result: 'stopped', confidence: 3 },
        { result: 'won', confidence: 3.4 },
        { result: 'invalid', confidence: 9.6 },
        { result: 'won', confidence: 0.4 },
      ];
      expect(calibrationBuckets(rows)).toEqual([
        { confidence: 1, n: 1, wins: 1, winRate: 1 },
        { confidence: 3, n: 3, wins: 1, winRate: 0.333 },
        { confidence: 7, n: 3, wins: 2, winRate: 0.667 },
        { confidence: 10, n: 1, wins: 0, winRate: 0 },
      ]);
    });
  });

  describe('calibratedConfidence: (1 − w) × stated + w × suggested, w = closed ÷ (closed + 2)', () => {
    it.each([
      ['no history keeps the stated Confidence', 7, 0, 5, 7],
      ["no history keeps a team mean's decimal", 6.3, 0, 5, 6.3],
      ['2 of 2 won: halfway to 7.5', 5, 2, 7.5, 6.3],
      ['1 of 8 won: mostly the lever', 8, 8, 2, 3.2],
      ['0 of 10 won', 9, 10, 0.8, 2.2],
      ['agreeing with the lever changes nothing', 6, 4, 6, 6],
    ])('%s', (_label, stated, n, suggested, expected) => {
      expect(calibratedConfidence(stated, { closed: n, suggestedConfidence: suggested })).toBe(expected);
    });

    it('takes the lever straight from leverStats', () => {
      // 1 win of 3 → suggested 10 × 2 ÷ 5 = 4; w = 3 ÷ 5 → 0.4 × 9 + 0.6 × 4 = 6.
      const lever = leverStats([
        closed('won', 9, 2, 2, 4),
        closed('lost', 9, 2, 2, 0),
        closed('lost', 9, 2, 2, 0),
      ]);
      expect(calibratedConfidence(9, lever)).toBe(6);
    });

    it('trusts the lever more as it closes more experiments', () => {
      const at = (n: number) => calibratedConfidence(9, { closed: n, suggestedConfidence: 3 });
      expect(at(0)).toBe(9);
      expect(at(2)).toBe(6);
      expect(at(10)).toBe(4);
      expect(at(198)).toBe(3.1);
    });
  });
});
