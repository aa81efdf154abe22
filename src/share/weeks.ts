import { addWeeks, weekLabel } from '../batches/weeks';
import { parsePeriod } from '../measurements/periods';

// Which week a digest shows, and where its previous/next links lead. Pure, so the rules are testable with
// plain tables: the digest never goes past the current week (nothing has happened there yet) nor before
// the workspace's first week (nothing had happened there either).

export type DigestWeek = {
  week: string;
  /** The current ISO week in the workspace's time zone. */
  current: string;
  /** Why this week: asked for with ?week=, the current one, or last week because this one is still empty. */
  reason: 'asked' | 'current' | 'last';
  previous?: string;
  next?: string;
};

export type WeekRefusal = { status: 404 | 422; message: string };

/** The weeks either side of `week` that a reader may go to (never past `current`, never before `earliest`). */
export function neighbours(
  week: string,
  current: string,
  earliest: string,
): Pick<DigestWeek, 'previous' | 'next'> {
  return {
    previous: week > earliest ? addWeeks(week, -1) : undefined,
    next: week < current ? addWeeks(week, 1) : undefined,
  };
}

/**
 * The week a reader asked for with ?week= (an ISO week like 2026-W46, "2026w46", or any date in the week),
 * or why it cannot be shown: unreadable → 422; after the current week or before the first → 404.
 */
export function askedWeek(raw: string, current: string, earliest: string): { week: string } | WeekRefusal {
  const parsed = parsePeriod(raw.slice(0, 40), 'week');
  if ('error' in parsed)
    return {
      status: 422,
      message: `“${raw.slice(0, 40)}” is not a week. Use an ISO week like ${addWeeks(current, -1)}, or pick one with the previous and next links.`,
    };
  const week = parsed.period;
  if (week > current)
    return {
      status: 404,
      message: `${weekLabel(week)} has not begun yet: the latest digest is for ${weekLabel(current)}.`,
    };
  if (week < earliest)
    return {
      status: 404,
      message: `There is nothing to show for ${weekLabel(week)}: the digest starts at ${weekLabel(earliest)}.`,
    };
  return { week };
}

/**
 * The week shown without ?week=: the current one, or last week while the current one has neither results
 * nor learnings yet (on a Monday morning last week's digest is the one worth reading).
 */
export function defaultWeek(
  current: string,
  earliest: string,
  currentHasNews: boolean,
): { week: string; reason: 'current' | 'last' } {
  const last = addWeeks(current, -1);
  if (currentHasNews || last < earliest) return { week: current, reason: 'current' };
  return { week: last, reason: 'last' };
}
