import { Hono } from 'hono';
import { readJson } from '../api/json';
import type { AppEnv, Deps } from '../env';
import { NotFoundError, ValidationError } from '../errors';
import { attachTags } from '../hypotheses/hypotheses';
import { activeInputs } from '../metrics/metrics';
import { idParam, parse } from '../validation';
import { DraftRequest, drafterFor, draftNow, requireRun, runItems } from './drafts';

// Drafting through the API (issue 6, point 6). Mounted inside src/api/routes.ts, so paths start at
// /workspaces/:slug and the workspace, the editor guard on POST and the JSON error shape apply. Unlike the
// page, the API waits for the run to finish: a script wants the drafts in the answer.

export function draftApiRoutes(deps: Deps) {
  const { db } = deps;
  const app = new Hono<AppEnv>();

  app.post('/workspaces/:slug/drafts', async (c) => {
    const ws = c.get('workspace');
    const req = parse(DraftRequest, await readJson(c));
    if (!(await activeInputs(db, ws)).length)
      throw new ValidationError(
        { metricId: 'This workspace has no active input metric to draft for: add one first.' },
        'Nothing to draft for.',
      );
    let outcome: Awaited<ReturnType<typeof draftNow>>;
    try {
      outcome = await draftNow(db, ws, req, drafterFor(deps), c.get('user')?.id ?? null);
    } catch (e) {
      // An unknown metric id in the body is bad input (422), not a missing resource.
      if (e instanceof NotFoundError)
        throw new ValidationError({ metricId: 'Choose one of this workspace’s input metrics.' });
      throw e;
    }
    const { run, items, source, problems } = outcome;
    // The built-in playbook with nothing new to offer is an answer, not a failure: the problems say why.
    if (!items.length && source === 'playbook')
      return c.json({ items, source, problems, runId: run.id }, 200);
    // Nothing survived: the model failed us, so the gateway-style 502 — nothing stored.
    if (!items.length)
      return c.json(
        { error: { code: 'drafter_failed', message: run.message, problems, source, runId: run.id } },
        502,
      );
    return c.json({ items, source, problems, runId: run.id }, 201);
  });

  app.get('/workspaces/:slug/drafts/runs/:id', async (c) => {
    const ws = c.get('workspace');
    const run = await requireRun(db, ws, idParam(c.req.param('id')));
    const items = await attachTags(db, ws, await runItems(db, ws, run));
    return c.json({ ...run, items });
  });

  return app;
}
