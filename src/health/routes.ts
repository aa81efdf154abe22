import { Hono } from 'hono';
import type { AppEnv, Deps } from '../env';

/** Set by the server when it starts draining: load balancers then take the instance out of rotation. */
export type Lifecycle = { draining: boolean };

/**
 * GET /healthz for load balancers and uptime checks: no session, no auth (it says nothing about anyone's
 * data). 200 once the database answers a query; 503 when it does not, or while the server shuts down.
 */
export function healthRoutes(deps: Deps, lifecycle: Lifecycle = { draining: false }) {
  const app = new Hono<AppEnv>();
  app.get('/healthz', async (c) => {
    c.header('Cache-Control', 'no-store');
    if (lifecycle.draining) return c.json({ status: 'unavailable', db: 'shutting down' }, 503);
    try {
      await deps.db.client.execute('select 1');
      const row = (await deps.db.client.execute('select count(*) as n from __drizzle_migrations')).rows[0];
      return c.json({ status: 'ok', db: 'ok', migrations: Number(row?.n ?? 0) });
    } catch (e) {
      return c.json({ status: 'unavailable', db: e instanceof Error ? e.message : String(e) }, 503);
    }
  });
  return app;
}
