import { Hono } from 'hono';
import { assertRole } from '../accounts/auth';
import { readJson } from '../api/json';
import type { AppEnv, Deps } from '../env';
import { exportWorkspace } from './export';
import { importWorkspace } from './import';
import { requireServerOwner } from './routes';

// Backups through the API (mounted inside src/api/routes.ts: its workspace loading, role guard and error
// shape apply). The import lives at /workspace-imports because /workspaces/import would read as a slug.

export function backupApiRoutes(deps: Deps) {
  const { db } = deps;
  const app = new Hono<AppEnv>();

  // The same file as the page's download; owners only (it holds every member's email address).
  app.get('/workspaces/:slug/export', async (c) => {
    const ws = c.get('workspace');
    assertRole(ws, 'owner');
    c.header('Cache-Control', 'no-store');
    return c.json(await exportWorkspace(db, ws));
  });

  // The body is the backup file itself; ?slug= and ?name= give the new workspace another address or name.
  app.post('/workspace-imports', async (c) => {
    const user = requireServerOwner(c);
    const body = await readJson(c);
    const { workspace, counts, createdUsers } = await importWorkspace(db, body, {
      owner: user,
      slug: c.req.query('slug'),
      name: c.req.query('name'),
      scrypt: deps.scrypt,
    });
    c.header('Location', `/api/v1/workspaces/${workspace.slug}`);
    return c.json({ workspace: { ...workspace, role: 'owner' }, counts, createdUsers }, 201);
  });

  return app;
}
