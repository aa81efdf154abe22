import { and, eq, inArray } from 'drizzle-orm';
import { Hono } from 'hono';
import { z } from 'zod';
import { type AuditEvent, batches, hypotheses, learnings, metrics, type Workspace } from '../../db/schema';
import {
  type ActivityEntry,
  ActivityPage,
  ActivityResults,
  TRAIL_ENTITIES,
} from '../../views/audit/activity';
import { requireRole } from '../accounts/auth';
import { weekLabel } from '../batches/weeks';
import type { AppEnv, Deps } from '../env';
import { respond } from '../htmx';
import { listMetrics } from '../metrics/metrics';
import { blank } from '../validation';
import { workspaceTrail } from './audit';
import { recordedName } from './describe';

export const TRAIL_PAGE = 50;

export const ActivityQuery = z.object({
  entity: z.preprocess(
    blank,
    z.enum(TRAIL_ENTITIES, { error: `"entity" must be one of: ${TRAIL_ENTITIES.join(', ')}.` }).optional(),
  ),
  before: z.preprocess(
    blank,
    z.coerce
      .number({ error: '"before" must be the number of an entry.' })
      .int({ error: '"before" must be the number of an entry.' })
      .positive({ error: '"before" must be the number of an entry.' })
      .max(Number.MAX_SAFE_INTEGER, { error: '"before" must be the number of an entry.' })
      .optional(),
  ),
});
export type ActivityQuery = z.output<typeof ActivityQuery>;

/**
 * The trail's query. A part that is not understood (a hand-edited address, an old bookmark) is left out
 * and named in a message, so the page still shows the trail instead of an error.
 */
export function activityQuery(raw: Record<string, string>): { q: ActivityQuery; problem?: string } {
  const parsed = ActivityQuery.safeParse(raw);
  if (parsed.success) return { q: parsed.data };
  const bad = new Set(parsed.error.issues.map((i) => String(i.path[0])));
  const rest = ActivityQuery.safeParse(Object.fromEntries(Object.entries(raw).filter(([k]) => !bad.has(k))));
  const messages = [...new Set(parsed.error.issues.map((i) => i.message))].join(' ');
  return { q: rest.success ? rest.data : {}, problem: `Ignored part of the address: ${messages}` };
}

/** What each event is about: its current name and page while it exists, else the name it was recorded with. */
async function withSubjects(deps: Deps, ws: Workspace, events: AuditEvent[]): Promise<ActivityEntry[]> {
  const { db } = deps;
  const ids = (entity: string) => [
    ...new Set(events.filter((e) => e.entity === entity).map((e) => e.entityId)),
  ];
  const [hs, ms, ls, bs] = [ids('hypothesis'), ids('metric'), ids('learning'), ids('batch')];
  const [hRows, mRows, lRows, bRows] = await Promise.all([
    hs.length
      ? db.orm
          .select({ id: hypotheses.id, title: hypotheses.title })
          .from(hypotheses)
          .where(and(eq(hypotheses.workspaceId, ws.id), inArray(hypotheses.id, hs)))
      : [],
    ms.length
      ? db.orm
          .select({ id: metrics.id, name: metrics.name, kind: metrics.kind })
          .from(metrics)
          .where(and(eq(metrics.workspaceId, ws.id), inArray(metrics.id, ms)))
      : [],
    ls.length
      ? db.orm
          .select({ id: learnings.id, statement: learnings.statement })
          .from(learnings)
          .where(and(eq(learnings.workspaceId, ws.id), inArray(learnings.id, ls)))
      : [],
    // A batch is named by its week (a capacity change records only the capacity).
    bs.length
      ? db.orm
          .select({ id: batches.id, week: batches.week })
          .from(batches)
          .where(and(eq(batches.workspaceId, ws.id), inArray(batches.id, bs)))
      : [],
  ]);
  const base = `/w/${ws.slug}`;
  const live = new Map<string, { name: string; href: string }>();
  for (const h of hRows)
    live.set(`hypothesis:${h.id}`, { name: h.title, href: `${base}/hypotheses/${h.id}` });
  for (const m of mRows)
    live.set(`metric:${m.id}`, {
      name: m.name,
      href: m.kind === 'north_star' ? `${base}/north-star` : `${base}/metrics/${m.id}/edit`,
    });
  // Learnings have no page of their own: the list, searched for the statement, with the item in view.
  for (const l of lRows)
    live.set(`learning:${l.id}`, {
      name: l.statement,
      href: `${base}/learnings?q=${encodeURIComponent(l.statement.slice(0, 60))}#l-${l.id}`,
    });
  for (const b of bRows)
    live.set(`batch:${b.id}`, { name: weekLabel(b.week), href: `${base}/batches/${b.id}` });
  return events.map((event) => {
    const found = live.get(`${event.entity}:${event.entityId}`);
    if (found) return { event, ...found };
    const name = event.entity === 'workspace' ? ws.name : recordedName(event);
    return { event, name };
  });
}

export function auditRoutes(deps: Deps) {
  const { db } = deps;
  const app = new Hono<AppEnv>();

  // The workspace's whole trail, for its owners (members see each hypothesis's history on its page).
  app.get('/w/:slug/activity', requireRole('owner'), async (c) => {
    const ws = c.get('workspace');
    const { q, problem } = activityQuery(c.req.query());
    const [{ events, more }, metricList] = await Promise.all([
      workspaceTrail(db, ws.id, { entity: q.entity, before: q.before, limit: TRAIL_PAGE }),
      listMetrics(db, ws, { includeArchived: true }),
    ]);
    const props = {
      ws,
      entries: await withSubjects(deps, ws, events),
      more,
      entity: q.entity,
      before: q.before,
      metrics: metricList,
      problem,
    };
    return respond(c, {
      page: () => <ActivityPage {...props} />,
      fragment: () => <ActivityResults {...props} />,
    });
  });

  return app;
}
