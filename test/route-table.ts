import type { Db } from '../db/client';
import { appFor } from './helpers';

// What the access test and the fuzzing both walk: the app's own route table, and the tables whose rows a
// refused request must leave as they were.

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
