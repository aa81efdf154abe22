import { describe, expect, it } from 'vitest';
import { askedWeek, defaultWeek, neighbours } from '../src/share/weeks';

describe('digest weeks', () => {
  it('reads ?week= as an ISO week, a loose week or a date, within the first and current weeks', () => {
    const table: [string, string | number][] = [
      ['2026-W46', '2026-W46'],
      ['2026w46', '2026-W46'],
      ['2026-11-12', '2026-W46'], // a Thursday of week 46
      ['2026-W47', '2026-W47'], // the current week itself
      ['2026-W40', '2026-W40'], // the first week itself
      ['2026-W48', 404], // not begun yet
      ['2026-W39', 404], // before the first week
      ['2026-W54', 422],
      ['next week', 422],
      ['', 422],
    ];
    for (const [raw, expected] of table) {
      const got = askedWeek(raw, '2026-W47', '2026-W40');
      expect([raw, 'week' in got ? got.week : got.status]).toEqual([raw, expected]);
    }
  });

  it('says why a week cannot be shown in words', () => {
    expect(askedWeek('2026-W48', '2026-W47', '2026-W40')).toEqual({
      status: 404,
      message:
        'Week 48 · 23–29 Nov 2026 has not begun yet: the latest digest is for Week 47 · 16–22 Nov 2026.',
    });
    expect(askedWeek('soon', '2026-W47', '2026-W40')).toEqual({
      status: 422,
      message:
        '“soon” is not a week. Use an ISO week like 2026-W46, or pick one with the previous and next links.',
    });
  });

  it('defaults to the current week, or last week while the current one is empty', () => {
    const table: [string, string, boolean, string, string][] = [
      // current, earliest, current has news → week, reason
      ['2026-W47', '2026-W40', true, '2026-W47', 'current'],
      ['2026-W47', '2026-W40', false, '2026-W46', 'last'],
      ['2026-W47', '2026-W47', false, '2026-W47', 'current'], // a workspace begun this week has no last week
      ['2027-W01', '2026-W40', false, '2026-W53', 'last'], // 2026 has 53 ISO weeks
    ];
    for (const [current, earliest, news, week, reason] of table)
      expect(defaultWeek(current, earliest, news)).toEqual({ week, reason });
  });

  it('links to the previous and next weeks only within range', () => {
    expect(neighbours('2026-W46', '2026-W47', '2026-W40')).toEqual({
      previous: '2026-W45',
      next: '2026-W47',
    });
    expect(neighbours('2026-W47', '2026-W47', '2026-W40')).toEqual({ previous: '2026-W46', next: undefined });
    expect(neighbours('2026-W40', '2026-W47', '2026-W40')).toEqual({ previous: undefined, next: '2026-W41' });
  });
});
