import { and, asc, desc, eq, isNull, sql } from 'drizzle-orm';
import type { Db, Tx } from '../../db/client';
import { type Batch, batches, type Hypothesis, hypotheses, type Workspace } from '../../db/schema';
import { recordChange, recordUpdate } from '../audit/audit';
import { ConflictError, NotFoundError } from '../errors';
import { addWeeks, isoWeek } from './weeks';

// Batches: the hypotheses picked for one ISO week, with a capacity in person-days. A hypothesis is selected
// into the open batch (the latest one not started yet); "Start batch" moves its selected hypotheses to
// running. Items keep their batch when they run and close, so past batches show their outcomes.

/** Capacity of a workspace's first batch, in person-days (two people for a working week). */
export const DEFAULT_CAPACITY_DAYS = 10;
export const CAPACITY_MAX_DAYS = 1000;

export type BatchLoad = { plannedDays: number; capacityDays: number; items: number; over: boolean };

export async function listBatches(db: Db, ws: Workspace, limit = 100): Promise<Batch[]> {
  return db.orm
    .select()
    .from(batches)
    .where(eq(batches.workspaceId, ws.id))
    .orderBy(desc(batches.week))
    .limit(limit);
}

export async function getBatch(db: Db | Tx, ws: Workspace, id: number): Promise<Batch | undefined> {
  const orm = 'orm' in db ? db.orm : db;
  const [row] = await orm
    .select()
    .from(batches)
    .where(and(eq(batches.workspaceId, ws.id), eq(batches.id, id)));
  return row;
}

export async function requireBatch(db: Db | Tx, ws: Workspace, id: number): Promise<Batch> {
  const b = await getBatch(db, ws, id);
  if (!b) throw new NotFoundError(`No batch #${id} in this workspace.`);
  return b;
}

/** The batch being planned: the latest one that has not started, if any. */
export async function openBatch(db: Db | Tx, ws: Workspace): Promise<Batch | undefined> {
  const orm = 'orm' in db ? db.orm : db;
  const [row] = await orm
    .select()
    .from(batches)
    .where(and(eq(batches.workspaceId, ws.id), isNull(batches.startedAt)))
    .orderBy(desc(batches.week))
    .limit(1);
  return row;
}

/** The most recently started batch (whose experiments the next meeting reviews), if any. */
export async function lastStartedBatch(db: Db, ws: Workspace): Promise<Batch | undefined> {
  const [row] = await db.orm
    .select()
    .from(batches)
    .where(and(eq(batches.workspaceId, ws.id), sql`${batches.startedAt} is not null`))
    .orderBy(desc(batches.startedAt))
    .limit(1);
  return row;
}

/** The latest batch of any kind (its capacity is the next one's default). */
async function latestBatch(tx: Tx | Db['orm'], ws: Workspace): Promise<Batch | undefined> {
  const [row] = await tx
    .select()
    .from(batches)
    .where(eq(batches.workspaceId, ws.id))
    .orderBy(desc(batches.week))
    .limit(1);
  return row;
}

/** The week a new batch defaults to: this week, or the week after the latest batch if that is later. */
export async function defaultWeek(tx: Tx | Db['orm'], ws: Workspace, now = Date.now()): Promise<string> {
  const current = isoWeek(now, ws.timeZone);
  const latest = await latestBatch(tx, ws);
  if (!latest || latest.week < current) return current;
  return addWeeks(latest.week, 1);
}

/** What a new batch starts with when not told: the default week, the last batch's capacity. */
export async function newBatchDefaults(db: Db, ws: Workspace, now = Date.now()) {
  const latest = await latestBatch(db.orm, ws);
  return {
    week: await defaultWeek(db.orm, ws, now),
    capacityDays: latest?.capacityDays ?? DEFAULT_CAPACITY_DAYS,
  };
}

async function insertBatch(
  tx: Tx,
  ws: Workspace,
  input: { week?: string; capacityDays?: number },
  now: number,
): Promise<Batch> {
  const week = input.week ?? (await defaultWeek(tx, ws, now));
  const [taken] = await tx
    .select({ id: batches.id })
    .from(batches)
    .where(and(eq(batches.workspaceId, ws.id), eq(batches.week, week)));
  if (taken) throw new ConflictError(`There is already a batch for ${week}.`, 'conflict');
  const capacityDays =
    input.capacityDays ?? (await latestBatch(tx, ws))?.capacityDays ?? DEFAULT_CAPACITY_DAYS;
  const [row] = await tx
    .insert(batches)
    .values({ workspaceId: ws.id, week, capacityDays, createdAt: now, updatedAt: now })
    .returning();
  if (!row) throw new Error('insert returned no row');
  await recordChange(
    tx,
    {
      workspaceId: ws.id,
      entity: 'batch',
      entityId: row.id,
      action: 'create',
      after: { week, capacityDays },
    },
    now,
  );
  return row;
}

/** A new batch for a week (default: see defaultWeek) with a capacity (default: the last batch's). */
export async function createBatch(
  db: Db,
  ws: Workspace,
  input: { week?: string; capacityDays?: number } = {},
  now = Date.now(),
): Promise<Batch> {
  return db.write((tx) => insertBatch(tx, ws, input, now));
}

/** The open batch, created for the default week when there is none (selecting needs somewhere to go). */
export async function openOrNewBatch(tx: Tx, ws: Workspace, now: number): Promise<Batch> {
  const open = await openBatch(tx, ws);
  // A batch for a week already gone that was never started is left as it is: selecting plans this week's.
  if (open && open.week >= isoWeek(now, ws.timeZone)) return open;
  return insertBatch(tx, ws, {}, now);
}

export async function setCapacity(
  db: Db,
  ws: Workspace,
  batchId: number,
  capacityDays: number,
  now = Date.now(),
): Promise<Batch> {
  return db.write(async (tx) => {
    const current = await requireBatch(tx, ws, batchId);
    const [updated] = await tx
      .update(batches)
      .set({ capacityDays, version: current.version + 1, updatedAt: now })
      .where(and(eq(batches.workspaceId, ws.id), eq(batches.id, batchId)))
      .returning();
    if (!updated) throw new Error('batch vanished inside its own transaction');
    await recordUpdate(
      tx,
      { workspaceId: ws.id, entity: 'batch', entityId: batchId, action: 'update' },
      current,
      updated,
      now,
    );
    return updated;
  });
}

/** The hypotheses of a batch, best ICE first. */
export async function batchItems(db: Db, ws: Workspace, batchId: number): Promise<Hypothesis[]> {
  return db.orm
    .select()
    .from(hypotheses)
    .where(and(eq(hypotheses.workspaceId, ws.id), eq(hypotheses.batchId, batchId)))
    .orderBy(desc(hypotheses.ice), asc(hypotheses.id));
}

/** Planned person-days (the items' estimates) against capacity. */
export function batchLoad(
  batch: Pick<Batch, 'capacityDays'>,
  items: Pick<Hypothesis, 'estimatedDays'>[],
): BatchLoad {
  const plannedDays = Math.round(items.reduce((sum, h) => sum + (h.estimatedDays ?? 0), 0) * 10) / 10;
  return {
    plannedDays,
    capacityDays: batch.capacityDays,
    items: items.length,
    over: plannedDays > batch.capacityDays,
  };
}
