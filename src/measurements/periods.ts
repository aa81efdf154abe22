import type { Cadence } from '../../db/schema';
import {
  addWeeks,
  isoWeek,
  localDate,
  parseWeek,
  weekBounds,
  weekLabel,
  zonedInstant,
} from '../batches/weeks';

// A measurement's period is text that sorts in time order: an ISO week ("2026-W47") for a weekly metric, a
// calendar date ("2026-11-22") for a daily one, both in the workspace's time zone. Pure functions.

const DAY_MS = 86_400_000;
const DAY_PATTERN = /^(\d{4})-(\d{2})-(\d{2})$/;
const LOOSE_WEEK = /^(\d{4})-?[Ww](\d{1,2})$/;
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

const pad = (n: number, width = 2) => String(n).padStart(width, '0');

/** "2026-11-22" → the UTC midnight of that date, or undefined when it is not a real date. */
function parseDay(value: string): number | undefined {
  const m = DAY_PATTERN.exec(value);
  if (!m) return undefined;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  if (y < 1970 || y > 9999) return undefined;
  const ms = Date.UTC(y, mo - 1, d);
  const back = new Date(ms);
  if (back.getUTCFullYear() !== y || back.getUTCMonth() !== mo - 1 || back.getUTCDate() !== d)
    return undefined;
  return ms;
}

const dayOfUtc = (ms: number) => {
  const d = new Date(ms);
  return `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}`;
};

/** The period an instant falls in, for a cadence, in the workspace's time zone. */
export function periodOf(ms: number, cadence: Cadence, timeZone = 'UTC'): string {
  if (cadence === 'week') return isoWeek(ms, timeZone);
  const { y, m, d } = localDate(ms, timeZone);
  return `${y}-${pad(m)}-${pad(d)}`;
}

/** What a period should look like, for messages. */
export function periodHint(cadence: Cadence): string {
  return cadence === 'week' ? 'an ISO week like 2026-W47 (or any date in it)' : 'a date like 2026-11-22';
}

/**
 * A period as typed (a form, a CSV cell, an API body) → the stored form, or an error a person understands.
 * A weekly metric also takes any date of the week (pipelines often label a week by its Monday) and "2026w47";
 * a daily one takes only a real date.
 */
export function parsePeriod(raw: string, cadence: Cadence): { period: string } | { error: string } {
  const value = raw.trim();
  if (value === '') return { error: `The period is missing: use ${periodHint(cadence)}.` };
  if (cadence === 'day') {
    if (parseDay(value) !== undefined) return { period: value };
    if (LOOSE_WEEK.test(value))
      return {
        error: `“${value}” is a week, but this metric is measured daily: use a date like 2026-11-22.`,
      };
    return { error: `“${value}” is not a date: use ${periodHint(cadence)}.` };
  }
  const week = LOOSE_WEEK.exec(value);
  if (week) {
    const normal = `${week[1]}-W${pad(Number(week[2]))}`;
    if (parseWeek(normal)) return { period: normal };
    return { error: `“${value}” is not a week of ${week[1]}: use ${periodHint(cadence)}.` };
  }
  const day = parseDay(value);
  if (day !== undefined) return { period: isoWeek(day + DAY_MS / 2, 'UTC') };
  return { error: `“${value}” is not a period: use ${periodHint(cadence)}.` };
}

/** The period `n` periods after (negative: before) the given one. */
export function addPeriods(period: string, cadence: Cadence, n: number): string {
  if (cadence === 'week') return addWeeks(period, n);
  const day = parseDay(period);
  if (day === undefined) throw new Error(`not a day: ${period}`);
  return dayOfUtc(day + n * DAY_MS);
}

/** Every period from `from` to `to` inclusive, oldest first (at most `max`, counting back from `to`). */
export function periodsBetween(from: string, to: string, cadence: Cadence, max = 1000): string[] {
  const out: string[] = [];
  for (let p = to; p >= from && out.length < max; p = addPeriods(p, cadence, -1)) out.push(p);
  return out.reverse();
}

/** The instants a period starts and ends (exclusive) in the workspace's time zone. */
export function periodBounds(
  period: string,
  cadence: Cadence,
  timeZone = 'UTC',
): { start: number; end: number } {
  if (cadence === 'week') return weekBounds(period, timeZone);
  const next = addPeriods(period, 'day', 1);
  return { start: localMidnight(period, timeZone), end: localMidnight(next, timeZone) };
}

function localMidnight(day: string, timeZone: string): number {
  const utc = parseDay(day);
  if (utc === undefined) throw new Error(`not a day: ${day}`);
  const d = new Date(utc);
  return zonedInstant(d.getUTCFullYear(), d.getUTCMonth() + 1, d.getUTCDate(), timeZone);
}

/** The ISO week a daily period belongs to (to compare a daily metric with a weekly one). */
export function weekOfDay(day: string): string {
  const utc = parseDay(day);
  if (utc === undefined) throw new Error(`not a day: ${day}`);
  return isoWeek(utc + DAY_MS / 2, 'UTC');
}

/** "Week 47 · 16–22 Nov 2026" or "22 Nov 2026": a period as a page names it. */
export function periodLabel(period: string, cadence: Cadence): string {
  if (cadence === 'week') return weekLabel(period);
  const utc = parseDay(period);
  if (utc === undefined) return period;
  const d = new Date(utc);
  return `${d.getUTCDate()} ${MONTHS[d.getUTCMonth()]} ${d.getUTCFullYear()}`;
}

/** "W47" or "22 Nov": a period on a chart's axis. */
export function shortPeriodLabel(period: string, cadence: Cadence): string {
  if (cadence === 'week') return period.slice(5);
  const utc = parseDay(period);
  if (utc === undefined) return period;
  const d = new Date(utc);
  return `${d.getUTCDate()} ${MONTHS[d.getUTCMonth()]}`;
}

/** "week" / "day": the period's name in sentences ("change against the previous week"). */
export const periodWord = (cadence: Cadence) => (cadence === 'week' ? 'week' : 'day');
