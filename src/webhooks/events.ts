import { and, eq, inArray } from 'drizzle-orm';
import type { CommittedChange, Db } from '../../db/client';
import { hypotheses, metrics, users, type WebhookEvent, type Workspace, workspaces } from '../../db/schema';
import { batchItems, batchLoad, getBatch } from '../batches/batches';
import { meetingSummary } from '../batches/summary';
import { learningsOfHypothesis } from '../learnings/learnings';
import {
  batchStartedBody,
  experimentClosedBody,
  meetingSummaryBody,
  type PayloadContext,
  type WebhookBody,
} from './payloads';

// Which committed changes are webhook events, and the facts each body is built from. Runs after the
// change committed (never inside its transaction), reading what was just written.

/** The events a committed change stands for (most changes stand for none). */
export function eventsOf(change: Pick<CommittedChange, 'entity' | 'action'>): WebhookEvent[] {
  if (change.entity === 'hypothesis' && change.action === 'close') return ['experiment.closed'];
  if (change.entity === 'batch' && change.action === 'start') return ['batch.started', 'meeting.summary'];
  return [];
}

export async function workspaceById(db: Db, id: number): Promise<Workspace | undefined> {
  const [row] = await db.orm.select().from(workspaces).where(eq(workspaces.id, id));
  return row;
}

async function nameOf(db: Db, userId: number | null): Promise<string | null> {
  if (userId == null) return null;
  const [row] = await db.orm.select({ name: users.name }).from(users).where(eq(users.id, userId));
  return row?.name ?? null;
}

/** The body of one event, or undefined when what it is about no longer exists (deleted meanwhile). */
export async function eventBody(
  db: Db,
  ws: Workspace,
  event: WebhookEvent,
  change: Pick<CommittedChange, 'entityId' | 'actorUserId'>,
  origin: string | undefined,
  now = Date.now(),
): Promise<WebhookBody | undefined> {
  const ctx: PayloadContext = { ws, origin };
  if (event === 'experiment.closed') {
    const [h] = await db.orm
      .select()
      .from(hypotheses)
      .where(and(eq(hypotheses.workspaceId, ws.id), eq(hypotheses.id, change.entityId)));
    if (h?.status !== 'done' || h.result == null) return undefined;
    const [metric] = await db.orm
      .select({ id: metrics.id, name: metrics.name })
      .from(metrics)
      .where(and(eq(metrics.workspaceId, ws.id), eq(metrics.id, h.metricId)));
    return experimentClosedBody(
      {
        id: h.id,
        title: h.title,
        metric: metric ?? null,
        outcome: h.result,
        expectedLift: h.expectedLift,
        baseline: h.baseline,
        observed: h.observed,
        lift: h.lift,
        actualDays: h.actualDays,
        returnScore: h.returnScore,
        roti: h.roti,
        closedAt: h.closedAt ?? now,
        learnings: await learningsOfHypothesis(db, ws, h.id),
        closedBy: await nameOf(db, change.actorUserId),
      },
      ctx,
    );
  }
  const batch = await getBatch(db, ws, change.entityId);
  if (!batch) return undefined;
  if (event === 'meeting.summary') return meetingSummaryBody(await meetingSummary(db, ws, batch, now), ctx);
  const items = await batchItems(db, ws, batch.id);
  const metricIds = [...new Set(items.map((h) => h.metricId))];
  const names = metricIds.length
    ? await db.orm
        .select({ id: metrics.id, name: metrics.name })
        .from(metrics)
        .where(and(eq(metrics.workspaceId, ws.id), inArray(metrics.id, metricIds)))
    : [];
  const metricName = new Map(names.map((m) => [m.id, m.name]));
  return batchStartedBody(
    {
      id: batch.id,
      week: batch.week,
      startedAt: batch.startedAt ?? now,
      capacityDays: batch.capacityDays,
      plannedDays: batchLoad(batch, items).plannedDays,
      items: items.map((h) => ({
        id: h.id,
        title: h.title,
        estimatedDays: h.estimatedDays,
        ice: h.ice,
        metricName: metricName.get(h.metricId) ?? null,
      })),
      startedBy: await nameOf(db, change.actorUserId),
    },
    ctx,
  );
}
