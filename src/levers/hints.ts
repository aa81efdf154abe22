import type { Db } from '../../db/client';
import type { Workspace } from '../../db/schema';
import { type LeverStats, leverStats } from '../scoring/calibration';
import { type ClosedRow, closedExperiments } from './levers';

// What the lever's history says beside the Confidence and estimate inputs (DESIGN.md "Calibration"): the
// suggested Confidence with the closed experiments it came from, and the effort ratio with how many
// experiments it rests on.

/** How many of the lever's closed experiments the hint lists (newest first). */
export const HINT_EXPERIMENTS = 20;

export type LeverHint = LeverStats & {
  metricId: number;
  /** Closed experiments with both an estimate and actual days: what the effort ratio rests on. */
  effortClosed: number;
  experiments: Pick<ClosedRow, 'id' | 'title' | 'result' | 'estimatedDays' | 'actualDays' | 'roti'>[];
};

/** Pure: the hint for one lever from its closed experiments (oldest close first). */
export function leverHint(metricId: number, rows: ClosedRow[]): LeverHint {
  return {
    metricId,
    ...leverStats(rows),
    effortClosed: rows.filter((r) => r.estimatedDays != null && r.actualDays != null && r.estimatedDays > 0)
      .length,
    experiments: [...rows]
      .reverse()
      .slice(0, HINT_EXPERIMENTS)
      .map(({ id, title, result, estimatedDays, actualDays, roti }) => ({
        id,
        title,
        result,
        estimatedDays,
        actualDays,
        roti,
      })),
  };
}

/** The hint for the input metric a form has chosen (undefined when none is chosen). */
export async function hintFor(db: Db, ws: Workspace, metricId: number | undefined) {
  if (metricId == null) return undefined;
  return leverHint(metricId, await closedExperiments(db, ws, metricId, false));
}
