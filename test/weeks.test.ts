import { describe, expect, it } from 'vitest';
import {
  addWeeks,
  dayLabel,
  isoWeek,
  parseWeek,
  weekBounds,
  weekLabel,
  weeksInYear,
} from '../src/batches/weeks';

// ISO weeks in a workspace's time zone: year boundaries, 53-week years, midnight in other zones, DST.

const at = (iso: string) => Date.parse(iso);
const HOUR = 3_600_000;

describe('weeks', () => {
  describe('isoWeek at year boundaries (UTC)', () => {
    it.each([
      ['2026-01-01T12:00:00Z', '2026-W01', 'a Thursday 1 January opens week 1'],
      ['2020-12-31T12:00:00Z', '2020-W53', 'a 53-week year'],
      ['2021-01-03T12:00:00Z', '2020-W53', 'early January in the previous year’s week 53'],
      ['2021-01-04T00:00:00Z', '2021-W01', 'the Monday after starts week 1'],
      ['2026-12-31T12:00:00Z', '2026-W53', '2026 has 53 weeks'],
      ['2027-01-03T23:59:59Z', '2026-W53', 'the last second of 2026-W53'],
      ['2027-01-04T00:00:00Z', '2027-W01', 'the first second of 2027-W01'],
      ['2024-12-30T00:00:00Z', '2025-W01', 'late December in the next year’s week 1'],
      ['2024-12-29T23:59:00Z', '2024-W52', 'the Sunday before'],
      ['2016-01-01T12:00:00Z', '2015-W53', 'a Friday 1 January'],
      ['2008-12-29T12:00:00Z', '2009-W01', 'a Monday 29 December'],
      ['2010-01-03T12:00:00Z', '2009-W53', '2009 has 53 weeks'],
    ])('%s → %s (%s)', (instant, week) => {
      expect(isoWeek(at(instant))).toBe(week);
    });

    it('uses UTC when no zone is given', () => {
      expect(isoWeek(at('2026-11-22T23:30:00Z'))).toBe(isoWeek(at('2026-11-22T23:30:00Z'), 'UTC'));
    });
  });

  describe('isoWeek around midnight in other zones', () => {
    it.each([
      ['2026-11-22T23:30:00Z', 'UTC', '2026-W47', 'Sunday 23:30'],
      ['2026-11-22T23:30:00Z', 'Europe/Berlin', '2026-W48', 'already Monday 00:30 in Berlin'],
      ['2026-11-22T23:30:00Z', 'America/New_York', '2026-W47', 'Sunday 18:30 in New York'],
      ['2026-11-23T03:00:00Z', 'UTC', '2026-W48', 'Monday 03:00'],
      ['2026-11-23T03:00:00Z', 'America/New_York', '2026-W47', 'still Sunday 22:00 in New York'],
      ['2027-01-03T23:30:00Z', 'Asia/Tokyo', '2027-W01', 'Tokyo is in the new year’s week 1'],
      ['2021-01-04T05:00:00Z', 'America/Los_Angeles', '2020-W53', 'Los Angeles is still in week 53'],
      ['2021-01-03T22:59:59Z', 'Europe/Berlin', '2020-W53', 'a second before Berlin’s Monday'],
      ['2021-01-03T23:00:00Z', 'Europe/Berlin', '2021-W01', 'Berlin’s Monday midnight'],
    ])('%s in %s → %s (%s)', (instant, zone, week) => {
      expect(isoWeek(at(instant), zone)).toBe(week);
    });
  });

  describe('weeksInYear', () => {
    it.each([
      [2004, 53],
      [2009, 53],
      [2015, 53],
      [2020, 53],
      [2021, 52],
      [2024, 52],
      [2025, 52],
      [2026, 53],
      [2032, 53],
    ])('%i has %i weeks', (year, weeks) => {
      expect(weeksInYear(year)).toBe(weeks);
    });
  });

  describe('parseWeek', () => {
    it.each([
      ['2026-W47', { year: 2026, week: 47 }],
      ['2026-W01', { year: 2026, week: 1 }],
      ['2020-W53', { year: 2020, week: 53 }],
      ['2026-W53', { year: 2026, week: 53 }],
    ])('reads %s', (value, expected) => {
      expect(parseWeek(value)).toEqual(expected);
    });

    it.each([
      ['2021-W53', 'week 53 of a 52-week year'],
      ['2026-W00', 'week 0'],
      ['2026-W54', 'week 54'],
      ['2026-W7', 'a one-digit week'],
      ['2026W47', 'no dash'],
      ['2026-w47', 'a lower-case w'],
      [' 2026-W47', 'a leading space'],
      ['2026-W47x', 'trailing text'],
      ['26-W47', 'a two-digit year'],
      ['12026-W01', 'a five-digit year'],
      ['1969-W10', 'a year before 1970'],
      ['', 'nothing'],
      ['2026-11-16', 'a date'],
    ])('refuses %j (%s)', (value) => {
      expect(parseWeek(value)).toBeUndefined();
    });
  });

  describe('addWeeks', () => {
    it.each([
      ['2026-W47', 0, '2026-W47'],
      ['2026-W52', 1, '2026-W53'],
      ['2026-W53', 1, '2027-W01'],
      ['2027-W01', -1, '2026-W53'],
      ['2025-W52', 1, '2026-W01'],
      ['2026-W01', -1, '2025-W52'],
      ['2020-W53', 1, '2021-W01'],
      ['2026-W47', 52, '2027-W46'],
      ['2026-W10', -104, '2024-W10'],
    ])('%s + %i → %s', (week, n, expected) => {
      expect(addWeeks(week, n)).toBe(expected);
    });

    it('refuses something that is not a week', () => {
      expect(() => addWeeks('2021-W53', 1)).toThrow();
    });
  });

  describe('weekBounds: Monday 00:00 local to the next Monday 00:00 local', () => {
    it.each([
      ['2026-W47', 'UTC', '2026-11-16T00:00:00Z', '2026-11-23T00:00:00Z', 168],
      ['2026-W47', 'Europe/Berlin', '2026-11-15T23:00:00Z', '2026-11-22T23:00:00Z', 168],
      ['2026-W43', 'Europe/Berlin', '2026-10-18T22:00:00Z', '2026-10-25T23:00:00Z', 169],
      ['2026-W13', 'Europe/Berlin', '2026-03-22T23:00:00Z', '2026-03-29T22:00:00Z', 167],
      ['2026-W10', 'America/New_York', '2026-03-02T05:00:00Z', '2026-03-09T04:00:00Z', 167],
      ['2026-W44', 'America/New_York', '2026-10-26T04:00:00Z', '2026-11-02T05:00:00Z', 169],
      ['2026-W53', 'Asia/Tokyo', '2026-12-27T15:00:00Z', '2027-01-03T15:00:00Z', 168],
    ])('%s in %s: %s to %s (%i hours)', (week, zone, start, end, hours) => {
      const bounds = weekBounds(week, zone);
      expect(bounds).toEqual({ start: at(start), end: at(end) });
      expect((bounds.end - bounds.start) / HOUR).toBe(hours);
    });

    it.each([
      ['2026-W43', 'Europe/Berlin'],
      ['2026-W13', 'Europe/Berlin'],
      ['2026-W10', 'America/New_York'],
      ['2026-W53', 'Pacific/Auckland'],
      ['2020-W53', 'America/Los_Angeles'],
    ])('%s in %s holds exactly the instants isoWeek puts in it', (week, zone) => {
      const { start, end } = weekBounds(week, zone);
      expect(isoWeek(start - 1, zone)).toBe(addWeeks(week, -1));
      expect(isoWeek(start, zone)).toBe(week);
      expect(isoWeek(end - 1, zone)).toBe(week);
      expect(isoWeek(end, zone)).toBe(addWeeks(week, 1));
    });
  });

  describe('weekLabel', () => {
    it.each([
      ['2026-W47', 'Week 47 · 16–22 Nov 2026'],
      ['2026-W48', 'Week 48 · 23–29 Nov 2026'],
      ['2026-W49', 'Week 49 · 30 Nov–6 Dec 2026'],
      ['2026-W53', 'Week 53 · 28 Dec 2026–3 Jan 2027'],
      ['2025-W01', 'Week 1 · 30 Dec 2024–5 Jan 2025'],
      ['nonsense', 'nonsense'],
      ['2021-W53', '2021-W53'],
    ])('%s → %s', (week, label) => {
      expect(weekLabel(week)).toBe(label);
    });
  });

  describe('dayLabel: the date in the zone, with the months weekLabel uses', () => {
    it.each([
      ['2026-09-28T12:00:00Z', 'UTC', '28 Sep 2026', 'not Intl en-GB’s “Sept”'],
      ['2026-11-15T23:30:00Z', 'Pacific/Auckland', '16 Nov 2026', 'already Monday in Auckland'],
      ['2026-11-16T03:00:00Z', 'America/Los_Angeles', '15 Nov 2026', 'still Sunday in Los Angeles'],
      ['2027-01-01T00:00:00Z', 'UTC', '1 Jan 2027', 'no leading zero'],
    ])('%s in %s → %s (%s)', (iso, zone, label) => {
      expect(dayLabel(at(iso), zone)).toBe(label);
    });
  });
});
