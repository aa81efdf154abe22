import { and, desc, eq, inArray, lt, lte, min, notInArray, sql } from 'drizzle-orm';
import type { Db } from '../../db/client';
import { type Webhook, type WebhookDelivery, type Workspace, webhookDeliveries } from '../../db/schema';
import { ConflictError, NotFoundError } from '../errors';

// The delivery log: one row per event per webhook, updated by each attempt. Rows are written by the
// dispatcher (not by a person), so they are a log of their own rather than audit records.

/** The waits before each retry unless the server is told otherwise: 10 s, 1 min, 5 min, 30 min. */
export const DEFAULT_RETRY_DELAYS_MS = [10_000, 60_000, 5 * 60_000, 30 * 60_000];
export const DEFAULT_TIMEOUT_MS = 5000;
/** A Retry-After longer than this is not waited for (the next scheduled retry is used instead). */
export const RETRY_AFTER_MAX_MS = 60 * 60_000;
export const ERROR_TEXT_MAX = 300;
export const LOG_PAGE = 50;
// How many due rows one claim looks through to find each webhook's oldest.
const CLAIM_SCAN = 200;

export type AttemptResult = {
  /** The receiver's status code; null when no answer came (timeout, refused connection, DNS). */
  statusCode: number | null;
  /** Why the attempt failed, in words; null when it succeeded. */
  error: string | null;
  durationMs: number;
  /** What the receiver asked for in Retry-After (429, 503), in ms. */
  retryAfterMs?: number;
};

export const succeeded = (r: Pick<AttemptResult, 'statusCode' | 'error'>) =>
  r.error == null && r.statusCode != null && r.statusCode >= 200 && r.statusCode < 300;

/**
 * A 4xx says the request itself is wrong (Slack: 400 invalid_payload, 403 action_prohibited, 404 a removed
 * webhook): sending the same body again cannot help, so it fails at once. 408 (timeout) and 429 (slow
 * down) are the exceptions that say "try later".
 */
export const permanentFailure = (statusCode: number | null) =>
  statusCode != null && statusCode >= 400 && statusCode < 500 && statusCode !== 408 && statusCode !== 429;

export type Plan =
  | { status: 'delivered'; nextAttemptAt: null }
  | { status: 'failed'; nextAttemptAt: null }
  | { status: 'pending'; nextAttemptAt: number };

/**
 * What happens after an attempt (`attempts` counts it): delivered on a 2xx; failed on a permanent error or
 * once every retry is used (1 + retries attempts in all); otherwise pending until the next wait is over.
 */
export function planAfter(attempts: number, result: AttemptResult, delaysMs: number[], now: number): Plan {
  if (succeeded(result)) return { status: 'delivered', nextAttemptAt: null };
  if (permanentFailure(result.statusCode)) return { status: 'failed', nextAttemptAt: null };
  const wait = delaysMs[attempts - 1];
  if (wait == null) return { status: 'failed', nextAttemptAt: null };
  const asked =
    result.retryAfterMs != null && result.retryAfterMs <= RETRY_AFTER_MAX_MS ? result.retryAfterMs : 0;
  return { status: 'pending', nextAttemptAt: now + Math.max(wait, asked) };
}

/** A Retry-After header (seconds, or an HTTP date) in ms from now; undefined when absent or unreadable. */
export function parseRetryAfter(value: string | null, now = Date.now()): number | undefined {
  if (!value) return undefined;
  if (/^\d+$/.test(value.trim())) return Number(value.trim()) * 1000;
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

/** Queues one delivery per webhook for an event, due at once. Returns the new rows' ids. */
export async function queueDeliveries(
  db: Db,
  workspaceId: number,
  hooks: Pick<Webhook, 'id'>[],
  event: string,
  payload: Record<string, unknown>,
  now = Date.now(),
): Promise<number[]> {
  if (hooks.length === 0) return [];
  const rows = await db.write((tx) =>
    tx
      .insert(webhookDeliveries)
      .values(
        hooks.map((h) => ({
          workspaceId,
          webhookId: h.id,
          event,
          payload,
          status: 'pending' as const,
          nextAttemptAt: now,
          createdAt: now,
        })),
      )
      .returning({ id: webhookDeliveries.id }),
  );
  return rows.map((r) => r.id);
}

/**
 * Takes up to `limit` due deliveries for sending, across all workspaces (the dispatcher serves the whole
 * server): the oldest due one of each webhook that has nothing on its way (`busy`), so a webhook's messages
 * arrive one at a time and in order ("batch started" before its meeting summary). Each is leased: its next
 * attempt moves past the attempt's own timeout, so another dispatcher on the same database (a restart
 * racing the old process) does not send it twice, and a crash mid-attempt leaves it to be tried again
 * once the lease is over.
 */
export async function claimDue(
  db: Db,
  opts: { now: number; limit: number; leaseMs: number; busy: Iterable<number> },
): Promise<WebhookDelivery[]> {
  if (opts.limit <= 0) return [];
  const busy = [...opts.busy];
  return db.write(async (tx) => {
    const due = await tx
      .select({ id: webhookDeliveries.id, webhookId: webhookDeliveries.webhookId })
      .from(webhookDeliveries)
      .where(
        and(
          eq(webhookDeliveries.status, 'pending'),
          lte(webhookDeliveries.nextAttemptAt, opts.now),
          busy.length ? notInArray(webhookDeliveries.webhookId, busy) : undefined,
        ),
      )
      .orderBy(webhookDeliveries.nextAttemptAt, webhookDeliveries.id)
      .limit(CLAIM_SCAN);
    const firstOfEach = new Map<number, number>();
    for (const d of due) if (!firstOfEach.has(d.webhookId)) firstOfEach.set(d.webhookId, d.id);
    const ids = [...firstOfEach.values()].slice(0, opts.limit);
    if (ids.length === 0) return [];
    return tx
      .update(webhookDeliveries)
      .set({ nextAttemptAt: opts.now + opts.leaseMs })
      .where(and(inArray(webhookDeliveries.id, ids), eq(webhookDeliveries.status, 'pending')))
      .returning();
  });
}

/** When the next pending delivery is due (a lease's end included), or undefined when none waits. */
export async function nextDueAt(db: Db): Promise<number | undefined> {
  const [row] = await db.orm
    .select({ at: min(webhookDeliveries.nextAttemptAt) })
    .from(webhookDeliveries)
    .where(eq(webhookDeliveries.status, 'pending'));
  return row?.at ?? undefined;
}

/** Records how an attempt went and what happens next. */
export async function recordAttempt(
  db: Db,
  delivery: Pick<WebhookDelivery, 'id' | 'attempts'>,
  result: AttemptResult,
  plan: Plan,
  now = Date.now(),
): Promise<void> {
  await db.write((tx) =>
    tx
      .update(webhookDeliveries)
      .set({
        status: plan.status,
        attempts: delivery.attempts + 1,
        nextAttemptAt: plan.nextAttemptAt,
        lastStatusCode: result.statusCode,
        lastError: result.error == null ? null : truncate(result.error, ERROR_TEXT_MAX),
        lastDurationMs: Math.round(result.durationMs),
        deliveredAt: plan.status === 'delivered' ? now : null,
      })
      .where(and(eq(webhookDeliveries.id, delivery.id), eq(webhookDeliveries.status, 'pending'))),
  );
}

/** Gives up on a delivery without an attempt (its webhook was switched off or removed meanwhile). */
export async function abandon(db: Db, id: number, reason: string): Promise<void> {
  await db.write((tx) =>
    tx
      .update(webhookDeliveries)
      .set({ status: 'failed', nextAttemptAt: null, lastError: reason })
      .where(and(eq(webhookDeliveries.id, id), eq(webhookDeliveries.status, 'pending'))),
  );
}

const truncate = (s: string, n: number) => (s.length <= n ? s : `${s.slice(0, n - 1)}…`);

/** A webhook's log, newest first; `before` is the id of the last row already shown. */
export async function listDeliveries(
  db: Db,
  ws: Pick<Workspace, 'id'>,
  webhookId: number,
  opts: { before?: number; limit?: number } = {},
): Promise<{ rows: WebhookDelivery[]; more: boolean }> {
  const limit = opts.limit ?? LOG_PAGE;
  const rows = await db.orm
    .select()
    .from(webhookDeliveries)
    .where(
      and(
        eq(webhookDeliveries.workspaceId, ws.id),
        eq(webhookDeliveries.webhookId, webhookId),
        opts.before ? lt(webhookDeliveries.id, opts.before) : undefined,
      ),
    )
    .orderBy(desc(webhookDeliveries.id))
    .limit(limit + 1);
  return { rows: rows.slice(0, limit), more: rows.length > limit };
}

/** Each webhook's newest delivery (for the list page), in one query. */
export async function lastDeliveries(
  db: Db,
  ws: Pick<Workspace, 'id'>,
): Promise<Map<number, WebhookDelivery>> {
  const newest = db.orm
    .select({ id: sql<number>`max(${webhookDeliveries.id})` })
    .from(webhookDeliveries)
    .where(eq(webhookDeliveries.workspaceId, ws.id))
    .groupBy(webhookDeliveries.webhookId);
  const rows = await db.orm
    .select()
    .from(webhookDeliveries)
    .where(and(eq(webhookDeliveries.workspaceId, ws.id), inArray(webhookDeliveries.id, newest)));
  return new Map(rows.map((r) => [r.webhookId, r]));
}

/**
 * Sends a failed delivery again, with the same body to the webhook's current URL (fixed since, perhaps)
 * and a fresh round of retries: its attempts count from zero again.
 */
export async function retryDelivery(
  db: Db,
  ws: Pick<Workspace, 'id'>,
  webhookId: number,
  deliveryId: number,
  now = Date.now(),
): Promise<void> {
  const outcome = await db.write(async (tx) => {
    const [row] = await tx
      .select({ status: webhookDeliveries.status })
      .from(webhookDeliveries)
      .where(
        and(
          eq(webhookDeliveries.workspaceId, ws.id),
          eq(webhookDeliveries.webhookId, webhookId),
          eq(webhookDeliveries.id, deliveryId),
        ),
      );
    if (!row) return 'missing';
    if (row.status !== 'failed') return row.status;
    await tx
      .update(webhookDeliveries)
      .set({ status: 'pending', attempts: 0, nextAttemptAt: now, deliveredAt: null })
      .where(and(eq(webhookDeliveries.workspaceId, ws.id), eq(webhookDeliveries.id, deliveryId)));
    return 'queued';
  });
  if (outcome === 'missing') throw new NotFoundError(`No delivery #${deliveryId} for this webhook.`);
  if (outcome === 'pending')
    throw new ConflictError('This delivery is still being sent; it needs no retry.', 'conflict');
  if (outcome === 'delivered')
    throw new ConflictError('This delivery already arrived; there is nothing to retry.', 'conflict');
}
