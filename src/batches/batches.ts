import { and, asc, desc, eq, isNull, sql } from 'drizzle-orm';
import type { Db, Tx } from '../../db/client';
import { type Batch, batches, type Hypothesis, hypotheses, type Workspace } from '../../db/schema';
import { recordChange, recordUpdate } from '../audit/audit';
import { ConflictError, NotFoundError, ValidationError } from '../errors';
import { type HypothesisWithTags, requireHypothesis } from '../hypotheses/hypotheses';
import { expectedRoti } from '../scoring/scores';
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

export const NEEDS_ESTIMATE =
  'Estimate its person-days before selecting it: the batch counts them against its capacity.';

/**
 * Selects a backlog hypothesis into a batch, inside the caller's transaction: it must have an estimate
 * (or be given one) and the batch must not have started. Used by the batch builder and by the plain
 * "select" move (which picks the open batch).
 */
export async function selectInto(
  tx: Tx,
  ws: Workspace,
  batch: Batch,
  current: Hypothesis,
  estimatedDays: number | undefined,
  now: number,
): Promise<void> {
  if (batch.startedAt != null)
    throw new ConflictError(
      `The batch for ${batch.week} has started; plan the next batch instead.`,
      'conflict',
    );
  if (current.status !== 'backlog')
    throw new ConflictError(
      current.status === 'selected'
        ? `#${current.id} is already selected${current.batchId === batch.id ? ' in this batch' : ''}.`
        : `Only backlog hypotheses can be selected; #${current.id} is ${current.status}.`,
      'illegal_transition',
    );
  const days = estimatedDays ?? current.estimatedDays;
  if (days == null) throw new ValidationError({ estimatedDays: NEEDS_ESTIMATE });
  const estimate =
    days !== current.estimatedDays ? { estimatedDays: days, expectedRoti: expectedRoti(current, days) } : {};
  await tx
    .update(hypotheses)
    .set({
      status: 'selected',
      batchId: batch.id,
      selectedAt: now,
      ...estimate,
      version: current.version + 1,
      updatedAt: now,
    })
    .where(
      and(
        eq(hypotheses.workspaceId, ws.id),
        eq(hypotheses.id, current.id),
        eq(hypotheses.version, current.version),
      ),
    );
  await recordChange(
    tx,
    {
      workspaceId: ws.id,
      entity: 'hypothesis',
      entityId: current.id,
      action: 'transition',
      before: {
        status: current.status,
        ...(estimate.estimatedDays != null ? { estimatedDays: current.estimatedDays } : {}),
      },
      after: {
        status: 'selected',
        selectedAt: now,
        batchId: batch.id,
        week: batch.week,
        ...('estimatedDays' in estimate ? { estimatedDays: days } : {}),
      },
    },
    now,
  );
}

async function lockHypothesis(tx: Tx, ws: Workspace, id: number): Promise<Hypothesis> {
  const [row] = await tx
    .select()
    .from(hypotheses)
    .where(and(eq(hypotheses.workspaceId, ws.id), eq(hypotheses.id, id)));
  if (!row) throw new NotFoundError(`No hypothesis #${id} in this workspace.`);
  return row;
}

/** Adds a backlog hypothesis to a batch (with an estimate, if it had none). */
export async function addToBatch(
  db: Db,
  ws: Workspace,
  batchId: number,
  hypothesisId: number,
  estimatedDays?: number,
  now = Date.now(),
): Promise<HypothesisWithTags> {
  await db.write(async (tx) => {
    const batch = await requireBatch(tx, ws, batchId);
    const current = await lockHypothesis(tx, ws, hypothesisId);
    await selectInto(tx, ws, batch, current, estimatedDays, now);
  });
  return requireHypothesis(db, ws, hypothesisId);
}

/** Takes a selected hypothesis out of a batch that has not started: back to the backlog. */
export async function removeFromBatch(
  db: Db,
  ws: Workspace,
  batchId: number,
  hypothesisId: number,
  now = Date.now(),
): Promise<HypothesisWithTags> {
  await db.write(async (tx) => {
    const batch = await requireBatch(tx, ws, batchId);
    const current = await lockHypothesis(tx, ws, hypothesisId);
    if (current.batchId !== batch.id || current.status !== 'selected')
      throw new ConflictError(
        current.batchId === batch.id
          ? `#${current.id} is ${current.status}, no longer just selected: close or stop it instead.`
          : `#${current.id} is not in the batch for ${batch.week}.`,
        'conflict',
      );
    await tx
      .update(hypotheses)
      .set({ status: 'backlog', batchId: null, version: current.version + 1, updatedAt: now })
      .where(and(eq(hypotheses.workspaceId, ws.id), eq(hypotheses.id, current.id)));
    await recordChange(
      tx,
      {
        workspaceId: ws.id,
        entity: 'hypothesis',
        entityId: current.id,
        action: 'transition',
        before: { status: 'selected', batchId: batch.id, week: batch.week },
        after: { status: 'backlog' },
      },
      now,
    );
  });
  return requireHypothesis(db, ws, hypothesisId);
}

/**
 * Starts a batch: every selected hypothesis in it moves to running, and the batch is marked started (the
 * end of that week's meeting). An empty batch cannot start.
 */
export async function startBatch(db: Db, ws: Workspace, batchId: number, now = Date.now()): Promise<Batch> {
  return db.write(async (tx) => {
    const batch = await requireBatch(tx, ws, batchId);
    if (batch.startedAt != null)
      throw new ConflictError(`The batch for ${batch.week} has already started.`, 'conflict');
    const selected = await tx
      .select()
      .from(hypotheses)
      .where(
        and(
          eq(hypotheses.workspaceId, ws.id),
          eq(hypotheses.batchId, batchId),
          eq(hypotheses.status, 'selected'),
        ),
      );
    if (selected.length === 0)
      throw new ConflictError(
        'Select at least one hypothesis into the batch before starting it.',
        'conflict',
      );
    for (const h of selected) {
      await tx
        .update(hypotheses)
        .set({ status: 'running', startedAt: now, version: h.version + 1, updatedAt: now })
        .where(and(eq(hypotheses.workspaceId, ws.id), eq(hypotheses.id, h.id)));
      await recordChange(
        tx,
        {
          workspaceId: ws.id,
          entity: 'hypothesis',
          entityId: h.id,
          action: 'transition',
          before: { status: 'selected' },
          after: { status: 'running', startedAt: now, batchId, week: batch.week },
        },
        now,
      );
    }
    const [started] = await tx
      .update(batches)
      .set({ startedAt: now, version: batch.version + 1, updatedAt: now })
      .where(and(eq(batches.workspaceId, ws.id), eq(batches.id, batchId)))
      .returning();
    if (!started) throw new Error('batch vanished inside its own transaction');
    const plannedDays = selected.reduce((sum, h) => sum + (h.estimatedDays ?? 0), 0);
    await recordChange(
      tx,
      {
        workspaceId: ws.id,
        entity: 'batch',
        entityId: batchId,
        action: 'start',
        after: {
          week: batch.week,
          startedAt: now,
          items: selected.length,
          plannedDays,
          capacityDays: batch.capacityDays,
        },
      },
      now,
    );
    return started;
  });
}
