import { and, desc, eq, gte, inArray, isNull, lt, or, sql } from 'drizzle-orm';
import { afterCommit, type Db, type Tx } from '../../db/client';
import { type AuditEntity, type AuditEvent, apiTokens, auditEvents } from '../../db/schema';
import { actorName, currentActor } from './actor';

type Row = Record<string, unknown>;

// Bookkeeping columns that change with every write and say nothing about what the person changed.
const IGNORED = new Set(['version', 'updatedAt', 'createdAt', 'workspaceId', 'id']);

/** The fields that differ between two versions of a row, as {before, after} holding only those fields. */
export function changedFields(before: Row, after: Row): { before: Row; after: Row } | undefined {
  const b: Row = {};
  const a: Row = {};
  for (const key of new Set([...Object.keys(before), ...Object.keys(after)])) {
    if (IGNORED.has(key)) continue;
    if (JSON.stringify(before[key] ?? null) === JSON.stringify(after[key] ?? null)) continue;
    b[key] = before[key] ?? null;
    a[key] = after[key] ?? null;
  }
  return Object.keys(a).length ? { before: b, after: a } : undefined;
}

/** A row as it goes into the trail: without the bookkeeping columns. */
export function snapshot(row: Row): Row {
  return Object.fromEntries(Object.entries(row).filter(([k]) => !IGNORED.has(k)));
}

export type Change = {
  workspaceId: number | null;
  entity: AuditEntity;
  entityId: number;
  action: string;
  before?: Row | null;
  after?: Row | null;
};

/**
 * Records one change inside the transaction that makes it, so that a change is never saved without its
 * record nor recorded without being saved. The actor is whoever the current request or command runs as.
 */
export async function recordChange(tx: Tx, change: Change, now = Date.now()): Promise<void> {
  const actor = currentActor();
  const [event] = await tx
    .insert(auditEvents)
    .values({
      workspaceId: change.workspaceId,
      actorUserId: actor.kind === 'user' ? actor.userId : null,
      actorName: actorName(actor),
      entity: change.entity,
      entityId: change.entityId,
      action: change.action,
      before: change.before ?? null,
      after: change.after ?? null,
      createdAt: now,
    })
    .returning({ id: auditEvents.id });
  // Every recorded change is also announced once committed: open meeting pages update from it (src/live).
  afterCommit(tx, {
    workspaceId: change.workspaceId,
    entity: change.entity,
    entityId: change.entityId,
    action: change.action,
    eventId: event?.id,
    actorUserId: actor.kind === 'user' ? actor.userId : null,
  });
}

/**
 * Records many changes made by one transaction (an import) with one statement per chunk instead of one per
 * change, each announced after commit like recordChange's.
 */
export async function recordChanges(tx: Tx, changes: Change[], now = Date.now()): Promise<void> {
  const actor = currentActor();
  const actorUserId = actor.kind === 'user' ? actor.userId : null;
  for (let i = 0; i < changes.length; i += 200) {
    const chunk = changes.slice(i, i + 200);
    const events = await tx
      .insert(auditEvents)
      .values(
        chunk.map((change) => ({
          workspaceId: change.workspaceId,
          actorUserId,
          actorName: actorName(actor),
          entity: change.entity,
          entityId: change.entityId,
          action: change.action,
          before: change.before ?? null,
          after: change.after ?? null,
          createdAt: now,
        })),
      )
      .returning({ id: auditEvents.id });
    const maxId = Math.max(0, ...events.map((e) => e.id));
    for (const change of chunk)
      afterCommit(tx, {
        workspaceId: change.workspaceId,
        entity: change.entity,
        entityId: change.entityId,
        action: change.action,
        eventId: maxId,
        actorUserId,
      });
  }
}

/** Records an update only when a field really changed; returns whether it did. */
export async function recordUpdate(
  tx: Tx,
  change: Omit<Change, 'before' | 'after'>,
  before: Row,
  after: Row,
  now = Date.now(),
): Promise<boolean> {
  const diff = changedFields(before, after);
  if (!diff) return false;
  await recordChange(tx, { ...change, ...diff }, now);
  return true;
}

/**
 * A page of the workspace's trail, newest first (by when it happened, then by insertion: imported or seeded
 * history can be recorded out of order); `before` is the id of the last event already shown.
 */
export async function workspaceTrail(
  db: Db,
  workspaceId: number,
  opts: { entity?: AuditEntity; before?: number; limit?: number } = {},
): Promise<{ events: AuditEvent[]; more: boolean }> {
  const limit = opts.limit ?? 50;
  const [cursor] = opts.before
    ? await db.orm
        .select({ id: auditEvents.id, createdAt: auditEvents.createdAt })
        .from(auditEvents)
        .where(and(eq(auditEvents.workspaceId, workspaceId), eq(auditEvents.id, opts.before)))
    : [];
  // An unknown cursor (another workspace's id, a stale link) starts from the newest rather than failing.
  const rows = await db.orm
    .select()
    .from(auditEvents)
    .where(
      and(
        eq(auditEvents.workspaceId, workspaceId),
        opts.entity ? eq(auditEvents.entity, opts.entity) : undefined,
        cursor
          ? or(
              lt(auditEvents.createdAt, cursor.createdAt),
              and(eq(auditEvents.createdAt, cursor.createdAt), lt(auditEvents.id, cursor.id)),
            )
          : undefined,
      ),
    )
    .orderBy(desc(auditEvents.createdAt), desc(auditEvents.id))
    .limit(limit + 1);
  return { events: rows.slice(0, limit), more: rows.length > limit };
}

/**
 * What happened to a user's API tokens, newest first: by them, or for them on the command line (those
 * events have no actor user, so they are found through the token's owner).
 */
export async function personalTrail(db: Db, userId: number, limit = 20): Promise<AuditEvent[]> {
  return db.orm
    .select()
    .from(auditEvents)
    .where(
      and(
        isNull(auditEvents.workspaceId),
        eq(auditEvents.entity, 'token'),
        inArray(
          auditEvents.entityId,
          db.orm.select({ id: apiTokens.id }).from(apiTokens).where(eq(apiTokens.userId, userId)),
        ),
      ),
    )
    .orderBy(desc(auditEvents.id))
    .limit(limit);
}

/**
 * A hypothesis's history: its own events, and the workspace's ICE-mode switches since it was written,
 * which recomputed its ICE without an event of its own (one settings event stands for every hypothesis).
 */
export async function hypothesisHistory(
  db: Db,
  workspaceId: number,
  hypothesis: { id: number; createdAt: number },
  limit = 100,
): Promise<AuditEvent[]> {
  return db.orm
    .select()
    .from(auditEvents)
    .where(
      and(
        eq(auditEvents.workspaceId, workspaceId),
        or(
          and(eq(auditEvents.entity, 'hypothesis'), eq(auditEvents.entityId, hypothesis.id)),
          and(
            eq(auditEvents.entity, 'workspace'),
            eq(auditEvents.action, 'settings'),
            gte(auditEvents.createdAt, hypothesis.createdAt),
            sql`json_extract(${auditEvents.after}, '$.iceMode') is not null`,
          ),
        ),
      ),
    )
    .orderBy(desc(auditEvents.createdAt), desc(auditEvents.id))
    .limit(limit);
}
