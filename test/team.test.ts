import { describe, expect, it } from 'vitest';
import { ice } from '../src/scoring/scores';
import { DISAGREEMENT_SPREAD, memberIce, spread, teamScores } from '../src/scoring/team';

// Everyone scores: the team's scores are the members' means to one decimal; the spread flags disagreement.

const s = (impact: number, confidence: number, ease: number) => ({ impact, confidence, ease });

describe('team scores', () => {
  describe("teamScores: each score the members' mean, to one decimal", () => {
    it('is undefined when nobody scored', () => {
      expect(teamScores([])).toBeUndefined();
    });

    it.each([
      ['one member', [s(7, 6, 8)], s(7, 6, 8)],
      ['thirds round to the nearest tenth', [s(7, 5, 8), s(8, 6, 8), s(6, 6, 9)], s(7, 5.7, 8.3)],
      ['halves stay', [s(1, 1, 1), s(2, 2, 2)], s(1.5, 1.5, 1.5)],
      ['two thirds up', [s(7, 7, 7), s(8, 8, 8), s(8, 8, 8)], s(7.7, 7.7, 7.7)],
      ['a quarter rounds half up', [s(1, 5, 10), s(1, 6, 10), s(1, 6, 10), s(2, 6, 9)], s(1.3, 5.8, 9.8)],
      ['the extremes', [s(1, 10, 1), s(10, 1, 10)], s(5.5, 5.5, 5.5)],
    ])('%s', (_label, scores, expected) => {
      expect(teamScores(scores)).toEqual(expected);
    });
  });

  describe("ice of the team's means", () => {
    it.each([
      [[s(7, 5, 8), s(8, 6, 8), s(6, 6, 9)], 7, 331.2],
      [[s(1, 1, 1), s(2, 2, 2)], 1.5, 3.4],
      [[s(7, 7, 7), s(8, 8, 8), s(8, 8, 8)], 7.7, 456.5],
      [[s(10, 10, 10), s(10, 10, 10)], 10, 1000],
    ])('%j → mean %d, product %d (one decimal)', (scores, mean, product) => {
      const team = teamScores(scores);
      if (!team) throw new Error('no team scores');
      expect(ice(team, 'mean')).toBe(mean);
      expect(ice(team, 'product')).toBe(product);
    });
  });

  describe('spread: max − min of each score', () => {
    it('is all zero with nobody, and nobody disagrees', () => {
      expect(spread([])).toEqual({
        n: 0,
        impact: 0,
        confidence: 0,
        ease: 0,
        max: 0,
        disagree: false,
        widest: null,
      });
    });

    it('has no widest score with one member, however extreme', () => {
      expect(spread([s(1, 10, 1)])).toMatchObject({ n: 1, max: 0, disagree: false, widest: null });
    });

    it.each([
      ['a close team', [s(7, 5, 8), s(8, 6, 8), s(6, 6, 9)], [2, 1, 1], 2, false, 'impact'],
      ['one below the threshold', [s(5, 5, 2), s(5, 5, 5), s(6, 5, 4)], [1, 0, 3], 3, false, 'ease'],
      ['at the threshold, tie → impact first', [s(3, 8, 5), s(7, 4, 5)], [4, 4, 0], 4, true, 'impact'],
      ['confidence apart', [s(5, 2, 5), s(5, 9, 6)], [0, 7, 1], 7, true, 'confidence'],
      ['tie of confidence and ease → confidence', [s(5, 2, 2), s(5, 8, 8)], [0, 6, 6], 6, true, 'confidence'],
      ['everyone agrees', [s(6, 6, 6), s(6, 6, 6)], [0, 0, 0], 0, false, null],
    ] as const)('%s', (_label, scores, [impact, confidence, ease], max, disagree, widest) => {
      expect(spread([...scores])).toEqual({
        n: scores.length,
        impact,
        confidence,
        ease,
        max,
        disagree,
        widest,
      });
    });

    it(`flags disagreement from a spread of ${DISAGREEMENT_SPREAD}`, () => {
      expect(DISAGREEMENT_SPREAD).toBe(4);
      expect(spread([s(5, 5, 5), s(8, 5, 5)]).disagree).toBe(false);
      expect(spread([s(5, 5, 5), s(9, 5, 5)]).disagree).toBe(true);
    });
  });

  describe("memberIce: one member's own ICE in the workspace's mode", () => {
    it.each([
      [s(7, 6, 8), 'mean', 7],
      [s(1, 2, 2), 'mean', 1.7],
      [s(7, 6, 8), 'product', 336],
      [s(9, 7, 5), 'product', 315],
    ] as const)('%j in %s mode → %d', (scores, mode, expected) => {
      expect(memberIce(scores, mode)).toBe(expected);
    });
  });
});
