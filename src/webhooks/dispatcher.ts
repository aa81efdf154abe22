import type { CommittedChange, Db } from '../../db/client';
import type { WebhookEvent } from '../../db/schema';
import type { Deps } from '../env';
import {
  abandon,
  claimDue,
  DEFAULT_RETRY_DELAYS_MS,
  DEFAULT_TIMEOUT_MS,
  nextDueAt,
  planAfter,
  queueDeliveries,
  recordAttempt,
  succeeded,
} from './deliveries';
import { eventBody, eventsOf, workspaceById } from './events';
import { postJson } from './send';
import { getWebhook, subscribers } from './webhooks';

// Sends webhooks in the background. It hears committed changes (db.onCommit) and queues a delivery per
// subscribed webhook in a write of its own, after the triggering transaction — the person who closed an
// experiment or started a batch never waits for a receiver, and a receiver's failure never reaches them.
// Deliveries live in the database, so those still waiting when the server stops are sent after it starts
// again: a poll picks up whatever is due.

/** Deliveries sent at the same time, at most. */
export const CONCURRENCY = 4;
/** How often the queue is looked at when nothing is due sooner. */
export const POLL_MS = 5000;
// A claimed delivery is leased for its attempt's timeout plus this margin (see claimDue).
const LEASE_MARGIN_MS = 5000;
// The shortest wait armed for a retry that falls due in a moment.
const MIN_WAIT_MS = 10;

export type Dispatcher = {
  /** Looks at the queue now (after a delivery was queued or retried by hand). */
  kick(): void;
  stop(): void;
};

type Options = {
  timeoutMs: number;
  retryDelaysMs: number[];
  origin?: string;
  log: boolean;
};

// One dispatcher per database handle: a second app on the same handle (tests build several) takes over
// from the first instead of sending everything twice.
const running = new WeakMap<Db, Dispatcher>();

/** The dispatcher serving this database, if one runs (routes kick it after queuing by hand). */
export function dispatcherFor(db: Db): Dispatcher | undefined {
  return running.get(db);
}

/**
 * Starts sending webhooks for this app's database. A stand-in database without onCommit (the route-table
 * tests build the app on `{}`) gets no dispatcher.
 */
export function startDispatcher(deps: Deps): Dispatcher | undefined {
  const db = deps.db as Partial<Db> | undefined;
  if (!db || typeof db.onCommit !== 'function') return undefined;
  running.get(deps.db)?.stop();
  const dispatcher = createDispatcher(deps.db, {
    timeoutMs: deps.webhooks?.timeoutMs ?? DEFAULT_TIMEOUT_MS,
    retryDelaysMs: deps.webhooks?.retryDelaysMs ?? DEFAULT_RETRY_DELAYS_MS,
    origin: deps.origin,
    log: deps.logLevel !== 'silent',
  });
  running.set(deps.db, dispatcher);
  dispatcher.kick();
  return dispatcher;
}

function createDispatcher(db: Db, o: Options): Dispatcher {
  let stopped = false;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let pumping = false;
  let again = false;
  // Deliveries on their way, by id, with their webhook (a webhook sends one at a time).
  const inFlight = new Map<number, number>();

  const closed = () => db.client.closed;

  const stop = () => {
    if (stopped) return;
    stopped = true;
    if (timer) clearTimeout(timer);
    timer = undefined;
    unsubscribe();
    if (running.get(db) === self) running.delete(db);
  };

  /** Background work with its own catch: a closed database ends the dispatcher quietly; anything else is logged. */
  const guard = async (work: () => Promise<void>) => {
    try {
      await work();
    } catch (e) {
      if (closed() || isClosedError(e)) return stop();
      console.error(
        JSON.stringify({ t: new Date().toISOString(), webhooks: 'dispatcher', error: String(e) }),
      );
    }
  };

  const kick = () => {
    if (stopped) return;
    if (pumping) {
      again = true;
      return;
    }
    void guard(pump);
  };

  const arm = (next: number | undefined) => {
    if (stopped) return;
    const now = Date.now();
    // Something due that could not be claimed waits for a delivery on its way (its webhook's, or a free
    // slot): that delivery's end looks again, so only the poll is armed.
    const wait = next == null || next <= now ? POLL_MS : Math.min(POLL_MS, Math.max(MIN_WAIT_MS, next - now));
    if (timer) clearTimeout(timer);
    timer = setTimeout(() => {
      timer = undefined;
      kick();
    }, wait);
    // Waiting deliveries must not keep the process (or a test run) alive.
    timer.unref?.();
  };

  async function pump() {
    pumping = true;
    try {
      do {
        again = false;
        if (closed()) return stop();
        let next = await nextDueAt(db);
        const room = CONCURRENCY - inFlight.size;
        if (next != null && next <= Date.now() && room > 0) {
          const claimed = await claimDue(db, {
            now: Date.now(),
            limit: room,
            leaseMs: o.timeoutMs + LEASE_MARGIN_MS,
            busy: inFlight.values(),
          });
          for (const delivery of claimed) {
            inFlight.set(delivery.id, delivery.webhookId);
            void guard(() => attempt(delivery)).finally(() => {
              inFlight.delete(delivery.id);
              kick();
            });
          }
          next = await nextDueAt(db);
        }
        arm(next);
      } while (again && !stopped);
    } finally {
      pumping = false;
    }
  }

  async function attempt(d: Awaited<ReturnType<typeof claimDue>>[number]) {
    const hook = await getWebhook(db, { id: d.workspaceId }, d.webhookId);
    if (!hook) return abandon(db, d.id, 'Not sent: the webhook was removed.');
    if (!hook.active) return abandon(db, d.id, 'Not sent: the webhook was switched off before it went out.');
    const result = await postJson(hook.url, JSON.stringify(d.payload), {
      timeoutMs: o.timeoutMs,
      event: d.event,
      deliveryId: d.id,
    });
    const now = Date.now();
    const plan = planAfter(d.attempts + 1, result, o.retryDelaysMs, now);
    await recordAttempt(db, d, result, plan, now);
    if (o.log && !succeeded(result))
      console.log(
        JSON.stringify({
          t: new Date(now).toISOString(),
          webhook: hook.id,
          delivery: d.id,
          event: d.event,
          attempt: d.attempts + 1,
          status: plan.status,
          code: result.statusCode,
          error: result.error,
        }),
      );
  }

  async function queueFor(change: CommittedChange, events: WebhookEvent[]) {
    if (change.workspaceId == null) return;
    const ws = await workspaceById(db, change.workspaceId);
    if (!ws) return;
    const now = Date.now();
    let queued = 0;
    for (const event of events) {
      const hooks = await subscribers(db, ws.id, event);
      if (hooks.length === 0) continue;
      const body = await eventBody(db, ws, event, change, o.origin, now);
      if (!body) continue;
      queued += (await queueDeliveries(db, ws.id, hooks, event, body, now)).length;
    }
    if (queued > 0) kick();
  }

  const unsubscribe = db.onCommit((change) => {
    if (stopped) return;
    const events = eventsOf(change);
    // Returns at once: the work goes on by itself, and its failures stay in guard().
    if (events.length > 0) void guard(() => queueFor(change, events));
  });

  const self: Dispatcher = { kick, stop };
  return self;
}

/** libSQL's "the client is closed" (drizzle wraps it in an error whose cause it is). */
function isClosedError(e: unknown): boolean {
  for (let err = e as { code?: string; cause?: unknown } | undefined, depth = 0; err && depth < 5; depth++) {
    if (err.code === 'CLIENT_CLOSED') return true;
    err = err.cause as typeof err;
  }
  return false;
}
