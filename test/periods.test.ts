import { describe, expect, it } from 'vitest';
import {
  addPeriods,
  parsePeriod,
  periodBounds,
  periodLabel,
  periodOf,
  periodsBetween,
  shortPeriodLabel,
  weekOfDay,
} from '../src/measurements/periods';

const HOUR = 3_600_000;

describe('periods', () => {
  it('parses weekly periods: ISO weeks in several spellings, or any date of the week', () => {
    const table: [string, string][] = [
      ['2026-W47', '2026-W47'],
      ['2026w47', '2026-W47'],
      ['2026-w47', '2026-W47'],
      ['2026-W5', '2026-W05'],
      ['  2026-W47 ', '2026-W47'],
      ['2026-11-16', '2026-W47'], // its Monday
      ['2026-11-22', '2026-W47'], // its Sunday
      ['2026-11-23', '2026-W48'],
      // ISO years do not follow calendar years at the edges.
      ['2026-12-31', '2026-W53'],
      ['2027-01-01', '2026-W53'],
      ['2027-01-03', '2026-W53'],
      ['2027-01-04', '2027-W01'],
      ['2021-01-03', '2020-W53'],
      ['2024-12-30', '2025-W01'],
      ['2026-W53', '2026-W53'],
    ];
    for (const [raw, period] of table) expect(parsePeriod(raw, 'week'), raw).toEqual({ period });
  });

  it('refuses weekly periods that are not weeks, with a message naming the format', () => {
    for (const raw of [
      '2025-W53',
      '2026-W54',
      '2026-W00',
      '2026-02-30',
      '47',
      'week 47',
      '2026/11/22',
      'W47',
    ]) {
      const r = parsePeriod(raw, 'week');
      expect(r, raw).toHaveProperty('error');
      expect('error' in r && r.error, raw).toContain('2026-W47');
    }
    expect(parsePeriod('', 'week')).toEqual({ error: expect.stringContaining('missing') });
    expect(parsePeriod('2025-W53', 'week')).toEqual({ error: expect.stringContaining('not a week of 2025') });
  });

  it('parses daily periods as real calendar dates only', () => {
    for (const raw of ['2026-11-22', '2024-02-29', '2027-01-01', ' 2026-01-05 '])
      expect(parsePeriod(raw, 'day'), raw).toEqual({ period: raw.trim() });
    for (const raw of [
      '2026-02-29',
      '2026-13-01',
      '2026-11-31',
      '2026-2-3',
      '22/11/2026',
      '1969-12-31',
      'today',
    ])
      expect(parsePeriod(raw, 'day'), raw).toEqual({ error: expect.stringContaining('2026-11-22') });
    // A week for a daily metric says what went wrong, not just "not a date".
    expect(parsePeriod('2026-W47', 'day')).toEqual({
      error: expect.stringContaining('is a week, but this metric is measured daily'),
    });
    expect(parsePeriod('', 'day')).toEqual({ error: expect.stringContaining('missing') });
  });

  it('adds periods across year ends, 53-week years and leap days', () => {
    const table: [string, 'week' | 'day', number, string][] = [
      ['2026-W47', 'week', 1, '2026-W48'],
      ['2026-W52', 'week', 1, '2026-W53'],
      ['2026-W53', 'week', 1, '2027-W01'],
      ['2027-W01', 'week', -1, '2026-W53'],
      ['2026-W47', 'week', -47, '2025-W52'],
      ['2026-W47', 'week', 0, '2026-W47'],
      ['2026-12-31', 'day', 1, '2027-01-01'],
      ['2024-03-01', 'day', -1, '2024-02-29'],
      ['2026-03-01', 'day', -1, '2026-02-28'],
      ['2026-11-22', 'day', -11, '2026-11-11'],
    ];
    for (const [period, cadence, n, expected] of table)
      expect(addPeriods(period, cadence, n), `${period} ${n}`).toBe(expected);
  });

  it('lists the periods between two, inclusive, oldest first, capped from the latest', () => {
    expect(periodsBetween('2026-W52', '2027-W02', 'week')).toEqual([
      '2026-W52',
      '2026-W53',
      '2027-W01',
      '2027-W02',
    ]);
    expect(periodsBetween('2024-02-27', '2024-03-01', 'day')).toEqual([
      '2024-02-27',
      '2024-02-28',
      '2024-02-29',
      '2024-03-01',
    ]);
    expect(periodsBetween('2026-W40', '2026-W47', 'week', 3)).toEqual(['2026-W45', '2026-W46', '2026-W47']);
    expect(periodsBetween('2026-W47', '2026-W40', 'week')).toEqual([]);
  });

  it('finds the period of an instant in the workspace time zone', () => {
    const lateSundayUtc = Date.UTC(2026, 10, 22, 23, 30); // Sunday 23:30 UTC = Monday 00:30 in Berlin
    expect(periodOf(lateSundayUtc, 'day', 'UTC')).toBe('2026-11-22');
    expect(periodOf(lateSundayUtc, 'week', 'UTC')).toBe('2026-W47');
    expect(periodOf(lateSundayUtc, 'day', 'Europe/Berlin')).toBe('2026-11-23');
    expect(periodOf(lateSundayUtc, 'week', 'Europe/Berlin')).toBe('2026-W48');
    const newYearUtc = Date.UTC(2027, 0, 1, 5); // still 31 Dec in Los Angeles
    expect(periodOf(newYearUtc, 'day', 'America/Los_Angeles')).toBe('2026-12-31');
    expect(periodOf(newYearUtc, 'week', 'America/Los_Angeles')).toBe('2026-W53');
  });

  it('bounds a period by local midnights, so a day or week spanning a DST change is shorter or longer', () => {
    const zone = 'Europe/Berlin';
    // Clocks go forward on Sunday 29 March 2026: that day has 23 hours, its week 7 × 24 − 1.
    expect(periodBounds('2026-03-29', 'day', zone)).toEqual({
      start: Date.UTC(2026, 2, 28, 23),
      end: Date.UTC(2026, 2, 29, 22),
    });
    const spring = periodBounds('2026-W13', 'week', zone);
    expect(spring).toEqual({ start: Date.UTC(2026, 2, 22, 23), end: Date.UTC(2026, 2, 29, 22) });
    expect(spring.end - spring.start).toBe(7 * 24 * HOUR - HOUR);
    // Clocks go back on Sunday 25 October 2026: 25 hours.
    const autumn = periodBounds('2026-10-25', 'day', zone);
    expect(autumn).toEqual({ start: Date.UTC(2026, 9, 24, 22), end: Date.UTC(2026, 9, 25, 23) });
    expect(autumn.end - autumn.start).toBe(25 * HOUR);
    // In UTC every day is 24 hours and the instant at the start is in the period.
    const day = periodBounds('2026-11-22', 'day');
    expect(day.end - day.start).toBe(24 * HOUR);
    expect(periodOf(spring.start, 'week', zone)).toBe('2026-W13');
    expect(periodOf(spring.end - 1, 'week', zone)).toBe('2026-W13');
    expect(periodOf(spring.end, 'week', zone)).toBe('2026-W14');
  });

  it('names periods for pages and chart axes', () => {
    expect(periodLabel('2026-W47', 'week')).toBe('Week 47 · 16–22 Nov 2026');
    expect(periodLabel('2026-W53', 'week')).toBe('Week 53 · 28 Dec 2026–3 Jan 2027');
    expect(periodLabel('2026-11-22', 'day')).toBe('22 Nov 2026');
    expect(shortPeriodLabel('2026-W47', 'week')).toBe('W47');
    expect(shortPeriodLabel('2026-11-22', 'day')).toBe('22 Nov');
    expect(weekOfDay('2027-01-03')).toBe('2026-W53');
    expect(weekOfDay('2026-11-16')).toBe('2026-W47');
  });
});
