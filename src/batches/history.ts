import { and, eq, inArray } from 'drizzle-orm';
import type { Db } from '../../db/client';
import { type Batch, hypotheses, OUTCOMES, type Outcome, type Status, type Workspace } from '../../db/schema';
import { type BatchLoad, batchLoad, listBatches } from './batches';

// Past batches stay browsable: what each planned against its capacity, and once started, how its experiments
// came out (outcomes, actual person-days, mean ROTI). Pure figures over a batch's items, plus the queries.

export type BatchItemFigures = {
  status: Status;
  result: Outcome | null;
  estimatedDays: number | null;
  actualDays: number | null;
  roti: number | null;
};

export type BatchOutcomes = {
  /** Items closed with a result. */
  closed: number;
  /** Closed items by outcome (every outcome present, zero when none). */
  outcomes: Record<Outcome, number>;
  /** Items still running (started, not closed yet). */
  running: number;
  /** Σ actual person-days of the closed items; null with nothing closed. */
  actualDays: number | null;
  /** Mean ROTI of the closed items that have one; null when none has. */
  meanRoti: number | null;
};

const round = (value: number, digits: number) => {
  const f = 10 ** digits;
  return Math.round((value + Number.EPSILON) * f) / f;
};

/** How a batch's experiments came out so far. */
export function batchOutcomes(items: BatchItemFigures[]): BatchOutcomes {
  const outcomes = Object.fromEntries(OUTCOMES.map((o) => [o, 0])) as Record<Outcome, number>;
  let closed = 0;
  let running = 0;
  let actual = 0;
  const rotis: number[] = [];
  for (const h of items) {
    if (h.status === 'running') running++;
    if (h.status !== 'done' || h.result == null) continue;
    closed++;
    outcomes[h.result]++;
    actual += h.actualDays ?? 0;
    if (h.roti != null) rotis.push(h.roti);
  }
  return {
    closed,
    outcomes,
    running,
    actualDays: closed ? round(actual, 1) : null,
    meanRoti: rotis.length ? round(rotis.reduce((a, b) => a + b, 0) / rotis.length, 3) : null,
  };
}

/** "2 won · 1 lost · 1 running": the outcomes that occurred, in the lifecycle's order. */
export function outcomesText(o: BatchOutcomes): string {
  const parts = OUTCOMES.filter((k) => o.outcomes[k] > 0).map((k) => `${o.outcomes[k]} ${k}`);
  if (o.running) parts.push(`${o.running} running`);
  return parts.join(' · ');
}

export type BatchOverview = Batch & { load: BatchLoad; results: BatchOutcomes };

/** Every batch, newest week first, each with its load and outcomes (one query for all their items). */
export async function batchOverviews(db: Db, ws: Workspace, limit = 100): Promise<BatchOverview[]> {
  const list = await listBatches(db, ws, limit);
  if (list.length === 0) return [];
  const rows = await db.orm
    .select({
      batchId: hypotheses.batchId,
      status: hypotheses.status,
      result: hypotheses.result,
      estimatedDays: hypotheses.estimatedDays,
      actualDays: hypotheses.actualDays,
      roti: hypotheses.roti,
    })
    .from(hypotheses)
    .where(
      and(
        eq(hypotheses.workspaceId, ws.id),
        inArray(
          hypotheses.batchId,
          list.map((b) => b.id),
        ),
      ),
    );
  const byBatch = new Map<number, BatchItemFigures[]>();
  for (const r of rows) {
    if (r.batchId == null) continue;
    byBatch.set(r.batchId, [...(byBatch.get(r.batchId) ?? []), r]);
  }
  return list.map((b) => {
    const items = byBatch.get(b.id) ?? [];
    return { ...b, load: batchLoad(b, items), results: batchOutcomes(items) };
  });
}
