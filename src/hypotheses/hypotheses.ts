import { and, asc, eq, inArray, sql } from 'drizzle-orm';
import type { Db, Tx } from '../../db/client';
import {
  batches,
  type Hypothesis,
  hypotheses,
  hypothesisTags,
  learnings,
  memberScores,
  metrics,
  type Status,
  type Workspace,
} from '../../db/schema';
import { currentUser } from '../audit/actor';
import { recordChange, recordUpdate, snapshot } from '../audit/audit';
import { openOrNewBatch } from '../batches/batches';
import { selectInto } from '../batches/selection';
import { ConflictError, NotFoundError, ValidationError } from '../errors';
import { expectedRoti, ice } from '../scoring/scores';
import { allowedMovesMessage, findMove } from './lifecycle';
import { closedScores, putMemberScore } from './member-scores';
import type { HypothesisInput, HypothesisPatch } from './schemas';

export type HypothesisWithTags = Hypothesis & { tags: string[] };

/** A hypothesis of this workspace, or undefined (another workspace's id is an unknown id). */
export async function getHypothesis(
  db: Db,
  ws: Workspace,
  id: number,
): Promise<HypothesisWithTags | undefined> {
  const row = await db.orm.query.hypotheses.findFirst({
    where: and(eq(hypotheses.workspaceId, ws.id), eq(hypotheses.id, id)),
  });
  if (!row) return undefined;
  const [withTags] = await attachTags(db, ws, [row]);
  return withTags;
}

export async function requireHypothesis(db: Db, ws: Workspace, id: number): Promise<HypothesisWithTags> {
  const h = await getHypothesis(db, ws, id);
  if (!h) throw new NotFoundError(`No hypothesis #${id} in this workspace.`);
  return h;
}

export async function attachTags<T extends { id: number }>(
  db: Db,
  ws: Workspace,
  rows: T[],
): Promise<(T & { tags: string[] })[]> {
  if (rows.length === 0) return [];
  const tagRows = await db.orm
    .select({ hypothesisId: hypothesisTags.hypothesisId, tag: hypothesisTags.tag })
    .from(hypothesisTags)
    .where(
      and(
        // The unary + keeps SQLite (which has no statistics) off the (workspace, tag) index: it would read
        // every tag of the workspace, where the primary key finds the listed hypotheses' tags directly.
        sql`+${hypothesisTags.workspaceId} = ${ws.id}`,
        inArray(
          hypothesisTags.hypothesisId,
          rows.map((r) => r.id),
        ),
      ),
    )
    .orderBy(asc(hypothesisTags.tag));
  const byId = new Map<number, string[]>();
  for (const t of tagRows) {
    const list = byId.get(t.hypothesisId);
    if (list) list.push(t.tag);
    else byId.set(t.hypothesisId, [t.tag]);
  }
  return rows.map((r) => ({ ...r, tags: byId.get(r.id) ?? [] }));
}

/** The metric must be an active input metric of this workspace; otherwise a field error, never a 500. */
async function checkTargetMetric(tx: Tx | Db['orm'], ws: Workspace, metricId: number): Promise<void> {
  const [m] = await tx
    .select({ kind: metrics.kind, archivedAt: metrics.archivedAt })
    .from(metrics)
    .where(and(eq(metrics.workspaceId, ws.id), eq(metrics.id, metricId)));
  if (!m) throw new ValidationError({ metricId: 'Choose one of this workspace’s input metrics.' });
  if (m.kind !== 'input')
    throw new ValidationError({
      metricId: 'A hypothesis targets an input metric, not the North Star itself.',
    });
  if (m.archivedAt != null)
    throw new ValidationError({ metricId: 'That input metric is archived; choose an active one.' });
}

export async function replaceTags(tx: Tx, ws: Workspace, hypothesisId: number, tags: string[]) {
  await tx.delete(hypothesisTags).where(eq(hypothesisTags.hypothesisId, hypothesisId));
  if (tags.length) {
    await tx.insert(hypothesisTags).values(tags.map((tag) => ({ hypothesisId, workspaceId: ws.id, tag })));
  }
}

/** A hypothesis's tags in a stable order, so that reordering them is not taken for a change. */
async function tagsOf(tx: Tx, hypothesisId: number): Promise<string[]> {
  const rows = await tx
    .select({ tag: hypothesisTags.tag })
    .from(hypothesisTags)
    .where(eq(hypothesisTags.hypothesisId, hypothesisId))
    .orderBy(asc(hypothesisTags.tag));
  return rows.map((r) => r.tag);
}

export function derivedScores(
  ws: Workspace,
  s: { impact: number; confidence: number; ease: number; estimatedDays: number | null },
) {
  return { ice: ice(s, ws.iceMode), expectedRoti: expectedRoti(s, s.estimatedDays) };
}

export async function createHypothesis(
  db: Db,
  ws: Workspace,
  input: HypothesisInput,
  now = Date.now(),
): Promise<HypothesisWithTags> {
  const id = await db.write(async (tx) => {
    await checkTargetMetric(tx, ws, input.metricId);
    if (input.parentId != null) {
      const [parent] = await tx
        .select({ id: hypotheses.id })
        .from(hypotheses)
        .where(and(eq(hypotheses.workspaceId, ws.id), eq(hypotheses.id, input.parentId)));
      if (!parent) throw new ValidationError({ parentId: 'The parent experiment is not in this workspace.' });
    }
    if (input.sourceLearningId != null) {
      const [source] = await tx
        .select({ id: learnings.id })
        .from(learnings)
        .where(and(eq(learnings.workspaceId, ws.id), eq(learnings.id, input.sourceLearningId)));
      if (!source)
        throw new ValidationError({ sourceLearningId: 'The source learning is not in this workspace.' });
    }
    const estimatedDays = input.estimatedDays ?? null;
    const [row] = await tx
      .insert(hypotheses)
      .values({
        workspaceId: ws.id,
        metricId: input.metricId,
        parentId: input.parentId ?? null,
        sourceLearningId: input.sourceLearningId ?? null,
        title: input.title,
        change: input.change,
        outcome: input.outcome,
        expectedLift: input.expectedLift ?? null,
        rationale: input.rationale,
        owner: input.owner,
        impact: input.impact,
        confidence: input.confidence,
        ease: input.ease,
        estimatedDays,
        ...derivedScores(ws, { ...input, estimatedDays }),
        status: input.status ?? 'backlog',
        createdAt: now,
        updatedAt: now,
      })
      .returning();
    if (!row) throw new Error('insert returned no row');
    await replaceTags(tx, ws, row.id, input.tags);
    // The author's scores are their own first scores: the team's means start from them.
    const author = currentUser();
    if (author) {
      await tx.insert(memberScores).values({
        hypothesisId: row.id,
        userId: author.userId,
        workspaceId: ws.id,
        impact: input.impact,
        confidence: input.confidence,
        ease: input.ease,
        createdAt: now,
        updatedAt: now,
      });
    }
    // A follow-up is recorded as a create like any other: its parentId / sourceLearningId say where it
    // came from.
    await recordChange(
      tx,
      {
        workspaceId: ws.id,
        entity: 'hypothesis',
        entityId: row.id,
        action: 'create',
        after: { ...snapshot(row), tags: input.tags },
      },
      now,
    );
    return row.id;
  });
  return requireHypothesis(db, ws, id);
}

function staleVersion(current: HypothesisWithTags): ConflictError<HypothesisWithTags> {
  return new ConflictError(
    `Someone else saved this hypothesis first (it is now at version ${current.version}). ` +
      'Their values are shown; apply your change again if it still makes sense.',
    'stale_version',
    current,
  );
}

/**
 * Updates the given fields if `version` is still current. A stale version is refused with the current
 * record (409), never silently overwritten.
 */
export async function updateHypothesis(
  db: Db,
  ws: Workspace,
  id: number,
  patch: HypothesisPatch,
  now = Date.now(),
): Promise<HypothesisWithTags> {
  const outcome = await db.write(async (tx) => {
    const [current] = await tx
      .select()
      .from(hypotheses)
      .where(and(eq(hypotheses.workspaceId, ws.id), eq(hypotheses.id, id)));
    if (!current) return { kind: 'missing' as const };
    const user = currentUser();
    const scored = patch.impact !== undefined || patch.confidence !== undefined || patch.ease !== undefined;
    // A signed-in member's scores are compared with their own, not with the team's means.
    const [mine] =
      scored && user
        ? await tx
            .select()
            .from(memberScores)
            .where(
              and(
                eq(memberScores.workspaceId, ws.id),
                eq(memberScores.hypothesisId, id),
                eq(memberScores.userId, user.userId),
              ),
            )
        : [];
    if (current.version !== patch.version) {
      // A repeat of a save that already happened (a double submit, a retried request) changes nothing, so
      // it is not a conflict: only a stale save that would overwrite someone else's values is refused.
      return sameValues(
        user && mine ? { ...current, ...scoresOnly(mine) } : current,
        await tagsOf(tx, id),
        patch,
      )
        ? { kind: 'ok' as const }
        : { kind: 'stale' as const };
    }
    if (scored && user && current.status === 'done') return { kind: 'closed' as const };
    // An identical save (the record sent back as it is) writes nothing and keeps the version.
    if (sameValues(user && mine ? { ...current, ...scoresOnly(mine) } : current, await tagsOf(tx, id), patch))
      return { kind: 'ok' as const };
    if (patch.metricId != null && patch.metricId !== current.metricId)
      await checkTargetMetric(tx, ws, patch.metricId);
    const { version: _v, tags, impact, confidence, ease, ...fields } = patch;
    let base = current;
    // Scores in an edit are the editor's own scores (everyone scores): they move the team's means, which the
    // row then holds. Without a signed-in user (the command line, the seed) they are the row's scores.
    const changes = stripUndefined(scored && !user ? { ...fields, impact, confidence, ease } : fields);
    const moreToSave = tags !== undefined || Object.keys(changes).length > 0;
    if (scored && user) {
      const start = mine ?? {
        impact: Math.round(current.impact),
        confidence: Math.round(current.confidence),
        ease: Math.round(current.ease),
      };
      base = await putMemberScore(
        tx,
        ws,
        current,
        user.userId,
        {
          impact: impact ?? start.impact,
          confidence: confidence ?? start.confidence,
          ease: ease ?? start.ease,
        },
        now,
      );
    }
    // A save that only rescored is complete once the member's score is in.
    if (!moreToSave && scored && user) return { kind: 'ok' as const };
    const merged = { ...base, ...changes };
    const [updated] = await tx
      .update(hypotheses)
      .set({ ...changes, ...derivedScores(ws, merged), version: base.version + 1, updatedAt: now })
      .where(and(eq(hypotheses.id, id), eq(hypotheses.version, base.version)))
      .returning();
    if (!updated) throw new Error('hypothesis vanished inside its own transaction');
    const tagsBefore = tags ? await tagsOf(tx, id) : undefined;
    if (tags) await replaceTags(tx, ws, id, tags);
    // Edits and the backlog's inline rescoring alike: only the fields that really changed are recorded
    // (with the ICE and expected ROTI they moved), and an identical save records nothing.
    await recordUpdate(
      tx,
      { workspaceId: ws.id, entity: 'hypothesis', entityId: id, action: 'update' },
      tags ? { ...base, tags: tagsBefore } : base,
      tags ? { ...updated, tags: [...tags].sort() } : updated,
      now,
    );
    return { kind: 'ok' as const };
  });
  if (outcome.kind === 'missing') throw new NotFoundError(`No hypothesis #${id} in this workspace.`);
  const fresh = await requireHypothesis(db, ws, id);
  if (outcome.kind === 'stale') throw staleVersion(fresh);
  if (outcome.kind === 'closed') throw closedScores(fresh);
  return fresh;
}

const scoresOnly = (s: { impact: number; confidence: number; ease: number }) => ({
  impact: s.impact,
  confidence: s.confidence,
  ease: s.ease,
});

function sameValues(current: Hypothesis, tags: string[], patch: HypothesisPatch): boolean {
  const { version: _v, tags: newTags, ...fields } = patch;
  const same = Object.entries(fields).every(
    ([k, v]) => v === undefined || (current as Record<string, unknown>)[k] === v,
  );
  return same && (newTags === undefined || [...newTags].sort().join(',') === [...tags].sort().join(','));
}

function stripUndefined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}

const TIMESTAMP_ON_ENTRY: Partial<Record<Status, 'selectedAt' | 'startedAt'>> = {
  selected: 'selectedAt',
  running: 'startedAt',
};

/** Moves a hypothesis along the lifecycle; an illegal move is a 409 naming the moves allowed. */
export async function transitionHypothesis(
  db: Db,
  ws: Workspace,
  id: number,
  to: Status,
  version?: number,
  now = Date.now(),
): Promise<HypothesisWithTags> {
  const outcome = await db.write(async (tx) => {
    const [current] = await tx
      .select()
      .from(hypotheses)
      .where(and(eq(hypotheses.workspaceId, ws.id), eq(hypotheses.id, id)));
    if (!current) return { kind: 'missing' as const };
    if (version != null && current.version !== version) return { kind: 'stale' as const };
    const move = findMove(current.status, to);
    if (!move) return { kind: 'illegal' as const, from: current.status };
    // Selecting puts it into the open batch (created for the week if there is none), which needs an estimate.
    if (to === 'selected') {
      await selectInto(tx, ws, await openOrNewBatch(tx, ws, now), current, undefined, now);
      return { kind: 'ok' as const };
    }
    const stamp = TIMESTAMP_ON_ENTRY[to];
    const entered = stamp ? { [stamp]: now } : {};
    // Leaving a batch before it runs (deselect, park) frees its place in that batch; the trail names the
    // batch it left, or the one it started with.
    const leaves = current.status === 'selected' && to !== 'running' ? { batchId: null } : {};
    const [batch] =
      current.status === 'selected' && current.batchId != null
        ? await tx
            .select({ id: batches.id, week: batches.week })
            .from(batches)
            .where(and(eq(batches.workspaceId, ws.id), eq(batches.id, current.batchId)))
        : [];
    const inBatch = batch ? { batchId: batch.id, week: batch.week } : {};
    await tx
      .update(hypotheses)
      .set({ status: to, ...entered, ...leaves, version: current.version + 1, updatedAt: now })
      .where(and(eq(hypotheses.id, id), eq(hypotheses.version, current.version)));
    await recordChange(
      tx,
      {
        workspaceId: ws.id,
        entity: 'hypothesis',
        entityId: id,
        action: 'transition',
        before: { status: current.status, ...(to !== 'running' ? inBatch : {}) },
        after: { status: to, ...entered, ...(to === 'running' ? inBatch : {}) },
      },
      now,
    );
    return { kind: 'ok' as const };
  });
  if (outcome.kind === 'missing') throw new NotFoundError(`No hypothesis #${id} in this workspace.`);
  const fresh = await requireHypothesis(db, ws, id);
  if (outcome.kind === 'stale') throw staleVersion(fresh);
  if (outcome.kind === 'illegal')
    throw new ConflictError(allowedMovesMessage(outcome.from, to), 'illegal_transition', fresh);
  return fresh;
}

/**
 * Recomputes every stored ICE after the workspace switches between mean and product. Deliberately not
 * recorded per hypothesis: the caller records the switch once as the workspace's 'settings' event (in the
 * same transaction), which says why every ICE moved; one event per row would grow the trail by the size of
 * the backlog at each switch. A hypothesis's history shows that one event among its own (hypothesisHistory).
 */
export async function recomputeIce(tx: Tx, ws: Workspace): Promise<void> {
  const expr =
    ws.iceMode === 'product'
      ? sql`round(${hypotheses.impact} * ${hypotheses.confidence} * ${hypotheses.ease}, 1)`
      : sql`round((${hypotheses.impact} + ${hypotheses.confidence} + ${hypotheses.ease}) / 3.0, 1)`;
  await tx.update(hypotheses).set({ ice: expr }).where(eq(hypotheses.workspaceId, ws.id));
}
