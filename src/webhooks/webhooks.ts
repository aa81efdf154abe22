import { and, asc, eq } from 'drizzle-orm';
import type { Db } from '../../db/client';
import {
  type Webhook,
  type WebhookEvent,
  type Workspace,
  webhookDeliveries,
  webhooks,
} from '../../db/schema';
import { recordChange, recordUpdate } from '../audit/audit';
import { ConflictError, NotFoundError } from '../errors';
import type { WebhookInput, WebhookUpdate } from './schemas';
import { urlForTrail } from './urls';

type Ws = Pick<Workspace, 'id'>;

/** A webhook as the audit trail keeps it: never the URL itself (see urls.ts). */
function trailView(h: Pick<Webhook, 'label' | 'url' | 'events' | 'active'>) {
  return { label: h.label, url: urlForTrail(h.url), events: h.events, active: h.active };
}

export async function listWebhooks(db: Db, ws: Ws): Promise<Webhook[]> {
  return db.orm.select().from(webhooks).where(eq(webhooks.workspaceId, ws.id)).orderBy(asc(webhooks.id));
}

export async function getWebhook(db: Db, ws: Ws, id: number): Promise<Webhook | undefined> {
  const [row] = await db.orm
    .select()
    .from(webhooks)
    .where(and(eq(webhooks.workspaceId, ws.id), eq(webhooks.id, id)));
  return row;
}

export async function requireWebhook(db: Db, ws: Ws, id: number): Promise<Webhook> {
  const row = await getWebhook(db, ws, id);
  if (!row) throw new NotFoundError(`No webhook #${id} in this workspace.`);
  return row;
}

/** The workspace's switched-on webhooks that want this event. */
export async function subscribers(db: Db, workspaceId: number, event: WebhookEvent): Promise<Webhook[]> {
  const rows = await db.orm
    .select()
    .from(webhooks)
    .where(and(eq(webhooks.workspaceId, workspaceId), eq(webhooks.active, true)))
    .orderBy(asc(webhooks.id));
  return rows.filter((h) => h.events.includes(event));
}

export async function createWebhook(
  db: Db,
  ws: Ws,
  input: WebhookInput,
  opts: { createdBy?: number | null; now?: number } = {},
): Promise<Webhook> {
  const now = opts.now ?? Date.now();
  return db.write(async (tx) => {
    const [created] = await tx
      .insert(webhooks)
      .values({
        workspaceId: ws.id,
        url: input.url,
        label: input.label,
        events: input.events,
        active: input.active,
        createdBy: opts.createdBy ?? null,
        createdAt: now,
        updatedAt: now,
      })
      .returning();
    if (!created) throw new Error('insert returned no row');
    await recordChange(
      tx,
      {
        workspaceId: ws.id,
        entity: 'webhook',
        entityId: created.id,
        action: 'create',
        after: trailView(created),
      },
      now,
    );
    return created;
  });
}

/** Saves the form over the version the owner edited; someone else's newer save is a 409 with the current row. */
export async function updateWebhook(
  db: Db,
  ws: Ws,
  id: number,
  input: WebhookUpdate,
  now = Date.now(),
): Promise<Webhook> {
  const result = await db.write(async (tx) => {
    const [current] = await tx
      .select()
      .from(webhooks)
      .where(and(eq(webhooks.workspaceId, ws.id), eq(webhooks.id, id)));
    if (!current) return { kind: 'missing' as const };
    if (current.version !== input.version) return { kind: 'stale' as const, current };
    const changes = {
      url: input.url ?? current.url,
      label: input.label,
      events: input.events,
      active: input.active,
    };
    const changed = await recordUpdate(
      tx,
      { workspaceId: ws.id, entity: 'webhook', entityId: id, action: 'update' },
      trailView(current),
      trailView(changes),
      now,
    );
    if (!changed) return { kind: 'ok' as const, row: current };
    const [row] = await tx
      .update(webhooks)
      .set({ ...changes, version: current.version + 1, updatedAt: now })
      .where(and(eq(webhooks.workspaceId, ws.id), eq(webhooks.id, id)))
      .returning();
    if (!row) throw new Error('webhook vanished inside its own transaction');
    return { kind: 'ok' as const, row };
  });
  if (result.kind === 'missing') throw new NotFoundError(`No webhook #${id} in this workspace.`);
  if (result.kind === 'stale')
    throw new ConflictError(
      'Someone else changed this webhook first. Here it is as it is now; make your change again.',
      'stale_version',
      result.current,
    );
  return result.row;
}

/** Removes the webhook and its delivery log; deliveries still waiting are dropped with it. */
export async function deleteWebhook(db: Db, ws: Ws, id: number, now = Date.now()): Promise<Webhook> {
  const removed = await db.write(async (tx) => {
    const [current] = await tx
      .select()
      .from(webhooks)
      .where(and(eq(webhooks.workspaceId, ws.id), eq(webhooks.id, id)));
    if (!current) return undefined;
    await tx
      .delete(webhookDeliveries)
      .where(and(eq(webhookDeliveries.workspaceId, ws.id), eq(webhookDeliveries.webhookId, id)));
    await tx.delete(webhooks).where(and(eq(webhooks.workspaceId, ws.id), eq(webhooks.id, id)));
    await recordChange(
      tx,
      { workspaceId: ws.id, entity: 'webhook', entityId: id, action: 'delete', before: trailView(current) },
      now,
    );
    return current;
  });
  if (!removed) throw new NotFoundError(`No webhook #${id} in this workspace.`);
  return removed;
}
