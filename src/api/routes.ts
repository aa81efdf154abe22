import { Hono } from 'hono';
import { HTTPException } from 'hono/http-exception';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import type { Workspace } from '../../db/schema';
import { assertRole, loadMemberWorkspace, requireRole, signedIn } from '../accounts/auth';
import { workspacesOf } from '../accounts/members';
import { backupApiRoutes } from '../backup/api';
import { draftApiRoutes } from '../drafts/api';
import type { AppEnv, Deps } from '../env';
import { ConflictError, ForbiddenError, logBug, NotFoundError, ValidationError } from '../errors';
import { closeHypothesis } from '../hypotheses/close';
import {
  createHypothesis,
  type HypothesisWithTags,
  requireHypothesis,
  transitionHypothesis,
  updateHypothesis,
} from '../hypotheses/hypotheses';
import { listHypotheses, rankOf } from '../hypotheses/ranking';
import {
  CloseInput,
  HypothesisInput,
  HypothesisPatch,
  ListQuery,
  TransitionInput,
} from '../hypotheses/schemas';
import { learningsOfHypothesis, listLearnings } from '../learnings/learnings';
import { LearningQuery } from '../learnings/schemas';
import { measurementApiRoutes } from '../measurements/api';
import { createMetric, listMetrics } from '../metrics/metrics';
import { MetricInput } from '../metrics/schemas';
import { idParam, parse } from '../validation';
import { WorkspaceInput } from '../workspaces/schemas';
import { createWorkspace } from '../workspaces/workspaces';
import { BadRequestError, errorJson, readJson } from './json';
import { meetingApi } from './meeting';

// The JSON API: the same domain functions as the pages, and one error shape for every refusal,
// {"error":{"code","message","fields"?,"current"?}}. This sub-app has its own onError (it takes precedence
// over the parent's for these routes) so that a 409 carries the current record and a 500 is still JSON.

export function apiRoutes(deps: Deps) {
  const { db } = deps;
  const api = new Hono<AppEnv>();

  api.onError((err, c) => {
    if (err instanceof ValidationError)
      return errorJson(c, err.status, { code: err.code, message: err.message, fields: err.fields });
    if (err instanceof ConflictError)
      return errorJson(c, err.status, {
        code: err.code,
        message: err.message,
        ...(err.current === undefined ? {} : { current: err.current }),
      });
    if (err instanceof NotFoundError || err instanceof BadRequestError || err instanceof ForbiddenError)
      return errorJson(c, err.status, { code: err.code, message: err.message });
    if (err instanceof HTTPException && err.status < 500)
      return errorJson(c, err.status as ContentfulStatusCode, { code: 'http_error', message: err.message });
    logBug(c.get('requestId'), err);
    return errorJson(c, 500, { code: 'internal', message: 'Something went wrong on our side.' });
  });

  /** A hypothesis as the API shows one: with its tags, backlog rank (null outside the backlog) and learnings. */
  const hypothesisJson = async (ws: Workspace, h: HypothesisWithTags) => {
    const [rank, learnings] = await Promise.all([rankOf(db, ws, h.id), learningsOfHypothesis(db, ws, h.id)]);
    return { ...h, rank, learnings };
  };

  // The token's user sees only the workspaces they are a member of, each with their role.
  api.get('/workspaces', async (c) => c.json({ items: await workspacesOf(db, signedIn(c).id) }));

  api.post('/workspaces', async (c) => {
    const user = signedIn(c);
    if (!user.isServerOwner)
      throw new ForbiddenError(
        'Only server owners can create workspaces. Ask the person who set up Lodestar.',
      );
    const input = parse(WorkspaceInput, await readJson(c));
    const ws = await createWorkspace(db, input, { ownerId: user.id });
    return c.json({ ...ws, role: 'owner' }, 201);
  });

  // Every /workspaces/:slug/* route works inside the workspace named by the slug, as the token user's
  // membership sees it: unknown and not-a-member are the same JSON 404; changes need an editor.
  const loadWorkspace = loadMemberWorkspace(deps);
  api.use('/workspaces/:slug', loadWorkspace);
  api.use('/workspaces/:slug/*', loadWorkspace);
  api.on(
    ['POST', 'PUT', 'PATCH', 'DELETE'],
    ['/workspaces/:slug', '/workspaces/:slug/*'],
    requireRole('editor'),
  );

  // Features with API routes of their own, inside this app so that the workspace, role guard and error
  // shape above apply to them too (a sub-app without its own onError reports through this one).
  api.route('/', measurementApiRoutes(deps));
  api.route('/', backupApiRoutes(deps));
  api.route('/', draftApiRoutes(deps));

  api.get('/workspaces/:slug', (c) => c.json(c.get('workspace')));

  api.get('/workspaces/:slug/metrics', async (c) =>
    c.json({ items: await listMetrics(db, c.get('workspace'), { includeArchived: true }) }),
  );

  api.post('/workspaces/:slug/metrics', async (c) => {
    const ws = c.get('workspace');
    const input = parse(MetricInput, await readJson(c));
    // Naming the North Star is for owners, as on its page; input metrics are editors' work.
    if (input.kind === 'north_star') assertRole(ws, 'owner');
    return c.json(await createMetric(db, ws, input), 201);
  });

  api.get('/workspaces/:slug/hypotheses', async (c) => {
    const query = parse(ListQuery, c.req.query());
    const { items, total } = await listHypotheses(db, c.get('workspace'), query);
    return c.json({ items, total, limit: query.limit, offset: query.offset });
  });

  api.post('/workspaces/:slug/hypotheses', async (c) => {
    const ws = c.get('workspace');
    const input = parse(HypothesisInput, await readJson(c));
    return c.json(await hypothesisJson(ws, await createHypothesis(db, ws, input)), 201);
  });

  api.get('/workspaces/:slug/hypotheses/:id', async (c) => {
    const ws = c.get('workspace');
    return c.json(await hypothesisJson(ws, await requireHypothesis(db, ws, idParam(c.req.param('id')))));
  });

  api.patch('/workspaces/:slug/hypotheses/:id', async (c) => {
    const ws = c.get('workspace');
    const id = idParam(c.req.param('id'));
    // An id outside the workspace is a 404 whatever the body holds (checked before the body is judged).
    const before = await requireHypothesis(db, ws, id);
    const body = await readJson(c);
    // A client may send back the record it read, whose scores are the team's means (6.5 is not a score a
    // member can give): a score equal to the team's is "unchanged", not the caller's own score. Your own
    // scores go through PUT …/my-score, or here as whole numbers that differ from the means.
    for (const k of ['impact', 'confidence', 'ease'] as const)
      if (typeof body[k] === 'number' && body[k] === before[k]) delete body[k];
    const patch = parse(HypothesisPatch, body);
    // A client may send back the whole record it read; a changed status, though, is a transition.
    if (body.status !== undefined) {
      const current = await requireHypothesis(db, ws, id);
      if (current.version === patch.version && body.status !== current.status)
        throw new ValidationError({
          status: 'The status changes through POST …/transition (or …/close), not through an edit.',
        });
    }
    return c.json(await hypothesisJson(ws, await updateHypothesis(db, ws, id, patch)));
  });

  api.post('/workspaces/:slug/hypotheses/:id/transition', async (c) => {
    const ws = c.get('workspace');
    const id = idParam(c.req.param('id'));
    await requireHypothesis(db, ws, id);
    const { to, version } = parse(TransitionInput, await readJson(c));
    return c.json(await hypothesisJson(ws, await transitionHypothesis(db, ws, id, to, version)));
  });

  api.post('/workspaces/:slug/hypotheses/:id/close', async (c) => {
    const ws = c.get('workspace');
    const id = idParam(c.req.param('id'));
    await requireHypothesis(db, ws, id);
    const input = parse(CloseInput, await readJson(c));
    return c.json(await hypothesisJson(ws, await closeHypothesis(db, ws, id, input)));
  });

  api.get('/workspaces/:slug/learnings', async (c) => {
    const query = parse(LearningQuery, c.req.query());
    return c.json({ items: await listLearnings(db, c.get('workspace'), query) });
  });

  // The weekly meeting: levers, batches and everyone's own scores.
  meetingApi(api, deps, hypothesisJson);

  // Unknown API addresses answer in the API's shape, not with the HTML 404 page.
  api.all('*', (c) =>
    errorJson(c, 404, { code: 'not_found', message: 'There is no API route at this address.' }),
  );

  return api;
}
