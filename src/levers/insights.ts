import { addWeeks, isoWeek } from '../batches/weeks';
import {
  brierScore,
  type CalibrationBucket,
  type ClosedExperiment,
  calibrationBuckets,
  isWin,
} from '../scoring/calibration';

// The insights page's series: how well the team predicts (Brier score), how its stated Confidence compares
// with what happened, and how much it closes and wins, per ISO week of the close in the workspace's time
// zone. Pure functions over plain rows, so a test can pin "now" and the zone.

/** How many weeks the weekly charts show, ending with the current week. */
export const INSIGHT_WEEKS = 12;

/** What the insights need of one closed experiment. */
export type InsightRow = Pick<ClosedExperiment, 'result' | 'confidence'> & { closedAt: number };

export type WeekPoint = {
  /** ISO week, "2026-W47". */
  week: string;
  /** Experiments closed in the week (velocity). */
  closed: number;
  wins: number;
  /** wins ÷ closed; null in a week that closed nothing (not 0: nothing was lost either). */
  winRate: number | null;
  /** Brier score of the week's closes; null in a week that closed nothing. */
  brier: number | null;
  /** Experiments closed up to the end of the week, all history included. */
  cumulativeClosed: number;
  /** Brier score of every close up to the end of the week; null before the first close. */
  cumulativeBrier: number | null;
};

const round3 = (value: number) => Math.round((value + Number.EPSILON) * 1000) / 1000;

/** The `n` ISO weeks ending with the week `now` falls in (oldest first). */
export function lastWeeks(now: number, timeZone: string, n = INSIGHT_WEEKS): string[] {
  const current = isoWeek(now, timeZone);
  return Array.from({ length: n }, (_, i) => addWeeks(current, i - (n - 1)));
}

/**
 * One point per week of the last `weeks` weeks, weeks without a close included (as zero closed), so that a
 * quiet week shows as a gap in the team's rhythm rather than disappearing from the axis.
 */
export function weeklySeries(
  rows: InsightRow[],
  opts: { now: number; timeZone: string; weeks?: number },
): WeekPoint[] {
  const window = lastWeeks(opts.now, opts.timeZone, opts.weeks ?? INSIGHT_WEEKS);
  const byWeek = new Map<string, InsightRow[]>();
  for (const r of rows) {
    const week = isoWeek(r.closedAt, opts.timeZone);
    byWeek.set(week, [...(byWeek.get(week) ?? []), r]);
  }
  // "YYYY-Www" is zero-padded, so weeks compare as strings in time order.
  const weeksSeen = [...byWeek.keys()].sort();
  return window.map((week) => {
    const mine = byWeek.get(week) ?? [];
    const upTo = weeksSeen.filter((w) => w <= week).flatMap((w) => byWeek.get(w) ?? []);
    const wins = mine.filter((r) => isWin(r.result)).length;
    return {
      week,
      closed: mine.length,
      wins,
      winRate: mine.length ? round3(wins / mine.length) : null,
      brier: brierScore(mine),
      cumulativeClosed: upTo.length,
      cumulativeBrier: brierScore(upTo),
    };
  });
}

export type Insights = {
  /** Every close, all time. */
  closed: number;
  wins: number;
  /** Brier score of every close, all time; null with none. */
  brier: number | null;
  /** Stated Confidence against the actual win rate, all time. */
  buckets: CalibrationBucket[];
  weeks: WeekPoint[];
};

export function insights(
  rows: InsightRow[],
  opts: { now: number; timeZone: string; weeks?: number },
): Insights {
  return {
    closed: rows.length,
    wins: rows.filter((r) => isWin(r.result)).length,
    brier: brierScore(rows),
    buckets: calibrationBuckets(rows),
    weeks: weeklySeries(rows, opts),
  };
}

/** How a Brier score reads to a team: what it is close to. */
export function brierVerdict(brier: number | null): string {
  if (brier == null) return 'no closes to judge yet';
  if (brier <= 0.1) return 'sharp: the team’s Confidence matches what happens';
  if (brier < 0.2) return 'better than always saying 5';
  if (brier <= 0.3) return 'about as good as always saying 5';
  return 'worse than always saying 5: the team’s Confidence points the wrong way';
}
