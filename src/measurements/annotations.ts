import { and, asc, eq, isNotNull } from 'drizzle-orm';
import type { Db } from '../../db/client';
import { hypotheses, type Outcome, type Status, type Workspace } from '../../db/schema';

// The experiments a metric chart is annotated with: those that targeted the metric and started.

export type ChartExperiment = {
  id: number;
  title: string;
  status: Status;
  /** The outcome once closed (null while running). */
  result: Outcome | null;
  startedAt: number;
  /** null while it runs. */
  closedAt: number | null;
  /** Observed lift in % (recorded at close, when known). */
  lift: number | null;
  /** The lift the hypothesis predicted, in %. */
  expectedLift: number | null;
  baseline: number | null;
  observed: number | null;
};

/** Experiments that ran or are running on a metric, oldest start first. */
export async function experimentsForMetric(
  db: Db,
  ws: Workspace,
  metricId: number,
): Promise<ChartExperiment[]> {
  const rows = await db.orm
    .select({
      id: hypotheses.id,
      title: hypotheses.title,
      status: hypotheses.status,
      result: hypotheses.result,
      startedAt: hypotheses.startedAt,
      closedAt: hypotheses.closedAt,
      lift: hypotheses.lift,
      expectedLift: hypotheses.expectedLift,
      baseline: hypotheses.baseline,
      observed: hypotheses.observed,
    })
    .from(hypotheses)
    .where(
      and(
        eq(hypotheses.workspaceId, ws.id),
        eq(hypotheses.metricId, metricId),
        isNotNull(hypotheses.startedAt),
      ),
    )
    .orderBy(asc(hypotheses.startedAt), asc(hypotheses.id));
  return rows.map((r) => ({ ...r, startedAt: r.startedAt ?? 0 }));
}
