// ISO weeks ("2026-W47") in a workspace's time zone: batches are per week, the insights chart per week.
// Pure functions on epoch milliseconds, so tests can pin any instant and any zone.

const DAY_MS = 86_400_000;
export const WEEK_PATTERN = /^(\d{4})-W(\d{2})$/;

type YMD = { y: number; m: number; d: number };

const formatters = new Map<string, Intl.DateTimeFormat>();
function formatter(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-CA', {
      timeZone,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
      hourCycle: 'h23',
    });
    formatters.set(timeZone, f);
  }
  return f;
}

/** The wall-clock parts of an instant in a time zone. */
function wallClock(ms: number, timeZone: string) {
  const parts: Record<string, number> = {};
  for (const p of formatter(timeZone).formatToParts(new Date(ms))) {
    if (p.type !== 'literal') parts[p.type] = Number(p.value);
  }
  return parts as { year: number; month: number; day: number; hour: number; minute: number; second: number };
}

/** The calendar date of an instant in a time zone. */
export function localDate(ms: number, timeZone: string): YMD {
  const w = wallClock(ms, timeZone);
  return { y: w.year, m: w.month, d: w.day };
}

/** ISO week of a calendar date: weeks start on Monday; week 1 holds the year's first Thursday. */
function isoWeekOfDate({ y, m, d }: YMD): { year: number; week: number } {
  const date = Date.UTC(y, m - 1, d);
  const weekday = (new Date(date).getUTCDay() + 6) % 7; // Monday = 0
  const thursday = date + (3 - weekday) * DAY_MS;
  const year = new Date(thursday).getUTCFullYear();
  const jan4 = Date.UTC(year, 0, 4);
  const firstThursday = jan4 + (3 - ((new Date(jan4).getUTCDay() + 6) % 7)) * DAY_MS;
  return { year, week: 1 + Math.round((thursday - firstThursday) / (7 * DAY_MS)) };
}

const format = (year: number, week: number) => `${year}-W${String(week).padStart(2, '0')}`;

/** The ISO week ("2026-W47") an instant falls in, in the given time zone. */
export function isoWeek(ms: number, timeZone = 'UTC'): string {
  const { year, week } = isoWeekOfDate(localDate(ms, timeZone));
  return format(year, week);
}

/** Number of ISO weeks in a year (52 or 53). */
export function weeksInYear(year: number): number {
  return isoWeekOfDate({ y: year, m: 12, d: 28 }).week;
}

/** "2026-W47" → {year, week}, or undefined when it is not a real ISO week. */
export function parseWeek(value: string): { year: number; week: number } | undefined {
  const m = WEEK_PATTERN.exec(value);
  if (!m) return undefined;
  const year = Number(m[1]);
  const week = Number(m[2]);
  if (year < 1970 || year > 9999 || week < 1 || week > weeksInYear(year)) return undefined;
  return { year, week };
}

/** The Monday (as a UTC calendar date) of an ISO week. */
function mondayOf(week: string): number {
  const parsed = parseWeek(week);
  if (!parsed) throw new Error(`not an ISO week: ${week}`);
  const jan4 = Date.UTC(parsed.year, 0, 4);
  const week1Monday = jan4 - ((new Date(jan4).getUTCDay() + 6) % 7) * DAY_MS;
  return week1Monday + (parsed.week - 1) * 7 * DAY_MS;
}

/** The week `n` weeks after (or before, when negative) the given one. */
export function addWeeks(week: string, n: number): string {
  const monday = mondayOf(week) + n * 7 * DAY_MS;
  const d = new Date(monday);
  return isoWeek(Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate(), 12), 'UTC');
}

/** The instant a local wall-clock time happens in a time zone (DST-aware, by correcting the offset). */
export function zonedInstant(y: number, m: number, d: number, timeZone: string): number {
  let guess = Date.UTC(y, m - 1, d);
  for (let i = 0; i < 3; i++) {
    const w = wallClock(guess, timeZone);
    const asUtc = Date.UTC(w.year, w.month - 1, w.day, w.hour, w.minute, w.second);
    const diff = asUtc - Date.UTC(y, m - 1, d);
    if (diff === 0) break;
    guess -= diff;
  }
  return guess;
}

/** The instants a week starts (Monday 00:00 local) and ends (the next Monday 00:00 local). */
export function weekBounds(week: string, timeZone = 'UTC'): { start: number; end: number } {
  const monday = new Date(mondayOf(week));
  const next = new Date(mondayOf(week) + 7 * DAY_MS);
  return {
    start: zonedInstant(monday.getUTCFullYear(), monday.getUTCMonth() + 1, monday.getUTCDate(), timeZone),
    end: zonedInstant(next.getUTCFullYear(), next.getUTCMonth() + 1, next.getUTCDate(), timeZone),
  };
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/**
 * "16 Nov 2026": an instant's date in the time zone, with the month names weekLabel uses (not Intl's,
 * whose en-GB "Sept" depends on the ICU version Node was built with).
 */
export function dayLabel(ms: number, timeZone: string): string {
  const { y, m, d } = localDate(ms, timeZone);
  return `${d} ${MONTHS[m - 1]} ${y}`;
}

/** "Week 47 · 16–22 Nov 2026": how a week is named on the page. */
export function weekLabel(week: string): string {
  const parsed = parseWeek(week);
  if (!parsed) return week;
  const monday = new Date(mondayOf(week));
  const sunday = new Date(mondayOf(week) + 6 * DAY_MS);
  // Only what differs from the Sunday is repeated: "16–22 Nov 2026", "26 Oct–1 Nov 2026",
  // "28 Dec 2026–3 Jan 2027".
  const from =
    monday.getUTCFullYear() !== sunday.getUTCFullYear()
      ? `${monday.getUTCDate()} ${MONTHS[monday.getUTCMonth()]} ${monday.getUTCFullYear()}`
      : monday.getUTCMonth() !== sunday.getUTCMonth()
        ? `${monday.getUTCDate()} ${MONTHS[monday.getUTCMonth()]}`
        : `${monday.getUTCDate()}`;
  return `Week ${parsed.week} · ${from}–${sunday.getUTCDate()} ${MONTHS[sunday.getUTCMonth()]} ${sunday.getUTCFullYear()}`;
}
