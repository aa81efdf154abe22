import type { Db } from '../db/client';
import { makeHypothesis, makeInput, makeLearning, measure, moveTo } from '../db/factories';
import { type Workspace, webhookDeliveries } from '../db/schema';
import { createInvite } from '../src/accounts/invites';
import { requireBatch } from '../src/batches/batches';
import { archiveMetric } from '../src/metrics/metrics';
import { createShareLink } from '../src/share/links';
import { parse } from '../src/validation';
import { WebhookInput } from '../src/webhooks/schemas';
import { createWebhook } from '../src/webhooks/webhooks';
import { appFor } from './helpers';

// What the access test and the fuzzing both walk: the app's own route table, one of everything a route can
// point at, and the tables whose rows a refused request must leave as they were.

export type Route = { method: string; path: string };

/** The app's own route table: handlers only (no middleware, no catch-alls), one entry per method+path. */
export function routeTable(): Route[] {
  const seen = new Set<string>();
  const routes: Route[] = [];
  for (const r of appFor({} as Db).routes) {
    if (r.method === 'ALL' || r.path.endsWith('*')) continue;
    // The guards registered with app.on for every method under a workspace end in :slug alone.
    if (/^\/(?:w|api\/v1\/workspaces)\/:slug$/.test(r.path) && r.method !== 'GET') continue;
    const key = `${r.method} ${r.path}`;
    if (seen.has(key)) continue;
    seen.add(key);
    routes.push({ method: r.method, path: r.path });
  }
  return routes;
}

/**
 * Tables whose every row must be identical after a refused request. Sessions and the last-used time of
 * tokens are left out: reading a page legitimately notes that the session was seen.
 */
export const TABLES = [
  'users',
  'workspaces',
  'memberships',
  'invites',
  'metrics',
  'hypotheses',
  'hypothesis_tags',
  'learnings',
  'hypothesis_learnings',
  'audit_events',
  'api_tokens',
  'batches',
  'member_scores',
  'measurements',
  'share_links',
  'webhooks',
  'webhook_deliveries',
  'draft_runs',
];

/** One of everything a workspace route can point at, in workspace `w`. */
export async function workspaceRecords(db: Db, w: Workspace) {
  const metric = await makeInput(db, w);
  const archived = await makeInput(db, w);
  await archiveMetric(db, w, archived.id);
  const h = await makeHypothesis(db, w, { metricId: metric.id });
  const running = await moveTo(db, w, await makeHypothesis(db, w, { metricId: metric.id }), 'running');
  const learning = await makeLearning(db, w, { metricId: metric.id });
  const invite = await createInvite(db, w.id, { role: 'viewer', note: '', createdBy: null });
  const draft = await makeHypothesis(db, w, { metricId: metric.id, status: 'draft' });
  // The running one went through a batch of its own; this one is the open batch, with one selected item.
  const selected = await moveTo(db, w, await makeHypothesis(db, w, { metricId: metric.id }), 'selected');
  const batch = await requireBatch(db, w, selected.batchId ?? 0);
  await measure(db, w, metric, { '2026-W45': 10 });
  const { link: shareLink } = await createShareLink(db, w.id, { label: 'Execs', createdBy: null });
  const webhook = await createWebhook(
    db,
    w,
    parse(WebhookInput, { url: 'http://127.0.0.1:9/hook', events: ['experiment.closed'], active: true }),
  );
  const [delivery] = await db.orm
    .insert(webhookDeliveries)
    .values({
      workspaceId: w.id,
      webhookId: webhook.id,
      event: 'test',
      payload: { text: 'x' },
      status: 'failed',
      attempts: 1,
      createdAt: Date.now(),
    })
    .returning();
  return {
    metric,
    archived,
    h,
    running,
    learning,
    invite,
    draft,
    selected,
    batch,
    shareLink,
    webhook,
    delivery,
  };
}
