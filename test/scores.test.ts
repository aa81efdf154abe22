import { describe, expect, it } from 'vitest';
import type { Outcome } from '../db/schema';
import { expectedRoti, ice, lift, roti, suggestedReturn } from '../src/scoring/scores';

describe('scores', () => {
  describe('ice in mean mode: the mean of I, C and E rounded to one decimal', () => {
    it.each([
      [1, 1, 1, 1],
      [10, 10, 10, 10],
      [7, 6, 8, 7],
      [1, 1, 2, 1.3],
      [1, 2, 2, 1.7],
      [2, 2, 3, 2.3],
      [10, 10, 9, 9.7],
      [9, 7, 5, 7],
      [5, 4, 8, 5.7],
      [8, 8, 7, 7.7],
    ])('I=%i C=%i E=%i → %d', (impact, confidence, ease, expected) => {
      expect(ice({ impact, confidence, ease }, 'mean')).toBe(expected);
    });

    it('is the default mode', () => {
      expect(ice({ impact: 1, confidence: 2, ease: 2 })).toBe(1.7);
    });
  });

  describe('ice in product mode: I × C × E', () => {
    it.each([
      [1, 1, 1, 1],
      [10, 10, 10, 1000],
      [7, 6, 8, 336],
      [1, 2, 2, 4],
      [9, 7, 5, 315],
    ])('I=%i C=%i E=%i → %i', (impact, confidence, ease, expected) => {
      expect(ice({ impact, confidence, ease }, 'product')).toBe(expected);
    });
  });

  describe('expectedRoti: (I × C / 10) ÷ estimated days', () => {
    it.each([
      [7, 6, 3, 1.4],
      [9, 7, 8, 0.788],
      [8, 7, 6, 0.933],
      [10, 10, 1, 10],
      [1, 1, 10, 0.01],
      [5, 5, 0.5, 5],
    ])('I=%i C=%i over %d days → %d', (impact, confidence, days, expected) => {
      expect(expectedRoti({ impact, confidence }, days)).toBe(expected);
    });

    it.each([
      ['missing (undefined)', undefined],
      ['missing (null)', null],
      ['zero', 0],
      ['negative', -2],
      ['not a number', Number.NaN],
    ])('is null when the estimate is %s', (_label, days) => {
      expect(expectedRoti({ impact: 8, confidence: 6 }, days)).toBeNull();
    });
  });

  describe('roti: return ÷ actual days', () => {
    it.each([
      [10, 2, 5],
      [7.9, 5, 1.58],
      [8.5, 6, 1.417],
      [3, 4, 0.75],
      [1, 3, 0.333],
      [0, 2.5, 0],
      [10, 0.5, 20],
    ])('return %d over %d days → %d', (returnScore, days, expected) => {
      expect(roti(returnScore, days)).toBe(expected);
    });

    it.each([
      ['zero', 0],
      ['negative', -1],
      ['not a number', Number.NaN],
    ])('is null when actual days are %s', (_label, days) => {
      expect(roti(5, days)).toBeNull();
    });
  });

  describe('lift: relative change from baseline to observed, in percent', () => {
    it.each([
      [28, 30.2, 7.86],
      [30.2, 32.4, 7.28],
      [100, 150, 50],
      [10, 10, 0],
      [25, 20, -20],
      [21.5, 21.1, -1.86],
      [10, 0, -100],
      // A negative baseline still gives the sign of the change, not of the ratio.
      [-10, -5, 50],
      [-10, -15, -50],
    ])('baseline %d, observed %d → %d%', (baseline, observed, expected) => {
      expect(lift(baseline, observed)).toBe(expected);
    });

    it.each([
      ['the baseline is 0', 0, 5],
      ['the baseline is unknown', undefined, 5],
      ['the baseline is null', null, 5],
      ['the observed value is unknown', 5, undefined],
      ['the observed value is null', 5, null],
      ['both are unknown', undefined, undefined],
    ])('is null when %s', (_label, baseline, observed) => {
      expect(lift(baseline, observed)).toBeNull();
    });
  });

  describe('suggestedReturn at close', () => {
    it.each([
      ['as expected → Impact', 8, 10, 10, 8],
      ['half the expected lift → half the Impact', 8, 10, 5, 4],
      ['more than expected → scaled up', 6, 10, 15, 9],
      ['far more than expected → capped at 10', 8, 10, 30, 10],
      ['scaled and rounded to one decimal', 8, 8, 7.86, 7.9],
      ['a negative observed lift → floored at 0', 8, 10, -5, 0],
      ['a down-is-good metric (both lifts negative)', 6, -10, -5, 3],
      ['moved the wrong way on a down-is-good metric → 0', 6, -10, 5, 0],
    ])('a win %s', (_label, impact, expectedLift, observedLift, expected) => {
      expect(suggestedReturn({ outcome: 'won', impact, expectedLift, observedLift })).toBe(expected);
    });

    it.each([
      ['no expected lift', undefined, 12],
      ['a null expected lift', null, 12],
      ['no observed lift', 10, undefined],
      ['a null observed lift', 10, null],
      ['an expected lift of 0', 0, 12],
    ])('a win with %s → Impact', (_label, expectedLift, observedLift) => {
      expect(suggestedReturn({ outcome: 'won', impact: 7, expectedLift, observedLift })).toBe(7);
    });

    it.each([
      [8, 10, 12],
      [3, undefined, undefined],
    ])('invalid → 0 (Impact %i, expected %s, observed %s)', (impact, expectedLift, observedLift) => {
      expect(suggestedReturn({ outcome: 'invalid', impact, expectedLift, observedLift })).toBe(0);
    });

    it.each<Outcome>(['lost', 'inconclusive', 'stopped'])(
      '%s → null: the team judges what was learned',
      (outcome) => {
        expect(suggestedReturn({ outcome, impact: 8, expectedLift: 10, observedLift: 12 })).toBeNull();
        expect(suggestedReturn({ outcome, impact: 8 })).toBeNull();
      },
    );
  });
});
