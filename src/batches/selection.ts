import { and, eq } from 'drizzle-orm';
import type { Db, Tx } from '../../db/client';
import { type Batch, batches, type Hypothesis, hypotheses, type Workspace } from '../../db/schema';
import { recordChange } from '../audit/audit';
import { ConflictError, NotFoundError, ValidationError } from '../errors';
import { type HypothesisWithTags, requireHypothesis } from '../hypotheses/hypotheses';
import { expectedRoti } from '../scoring/scores';
import { requireBatch } from './batches';

// The moves into, out of and through a batch: select (with an estimate), remove before it starts, start.

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
