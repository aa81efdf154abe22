import type { Hono } from 'hono';
import type { Batch, Workspace } from '../../db/schema';
import { signedIn } from '../accounts/auth';
import { batchItems, batchLoad, createBatch, requireBatch } from '../batches/batches';
import { batchOverviews } from '../batches/history';
import { BatchInput, BatchItemInput, BatchItemRef, MyScoreInput } from '../batches/schemas';
import { addToBatch, removeFromBatch, startBatch } from '../batches/selection';
import type { AppEnv, Deps } from '../env';
import { attachTags, type HypothesisWithTags, requireHypothesis } from '../hypotheses/hypotheses';
import { scoresOf, setMyScore } from '../hypotheses/member-scores';
import { leversOf } from '../levers/levers';
import { spread } from '../scoring/team';
import { idParam, parse } from '../validation';
import { readJson } from './json';

// The weekly meeting through the API: lever figures, batches (create, select into, take out, start) and a
// member's own scores. Same domain functions as the meeting page; the workspace and the editor guard come
// from apiRoutes. Ids in the path are checked before the body, so another workspace's id is a 404 whatever
// the body holds.

type HypothesisJson = (ws: Workspace, h: HypothesisWithTags) => Promise<unknown>;

export function meetingApi(api: Hono<AppEnv>, { db }: Deps, hypothesisJson: HypothesisJson) {
  /** A batch with its load (planned person-days against capacity) and its items, best ICE first. */
  const batchJson = async (ws: Workspace, batch: Batch) => {
    const items = await attachTags(db, ws, await batchItems(db, ws, batch.id));
    return { ...batch, load: batchLoad(batch, items), items };
  };

  api.get('/workspaces/:slug/levers', async (c) => {
    const levers = await leversOf(db, c.get('workspace'));
    return c.json({
      items: levers.map((l) => ({
        metricId: l.metricId,
        metricName: l.metricName,
        tag: l.tag,
        closed: l.closed,
        wins: l.wins,
        winRate: l.winRate,
        meanRoti: l.meanRoti,
        effortRatio: l.effortRatio,
        suggestedConfidence: l.suggestedConfidence,
      })),
    });
  });

  api.get('/workspaces/:slug/batches', async (c) => {
    const overviews = await batchOverviews(db, c.get('workspace'));
    return c.json({ items: overviews });
  });

  api.post('/workspaces/:slug/batches', async (c) => {
    const ws = c.get('workspace');
    const input = parse(BatchInput, await readJson(c));
    const batch = await createBatch(db, ws, input);
    return c.json({ ...batch, load: batchLoad(batch, []) }, 201);
  });

  api.get('/workspaces/:slug/batches/:id', async (c) => {
    const ws = c.get('workspace');
    return c.json(await batchJson(ws, await requireBatch(db, ws, idParam(c.req.param('id')))));
  });

  api.post('/workspaces/:slug/batches/:id/items', async (c) => {
    const ws = c.get('workspace');
    const batch = await requireBatch(db, ws, idParam(c.req.param('id')));
    const { hypothesisId, estimatedDays } = parse(BatchItemInput, await readJson(c));
    return c.json(
      await hypothesisJson(ws, await addToBatch(db, ws, batch.id, hypothesisId, estimatedDays)),
      201,
    );
  });

  api.delete('/workspaces/:slug/batches/:id/items', async (c) => {
    const ws = c.get('workspace');
    const batch = await requireBatch(db, ws, idParam(c.req.param('id')));
    const { hypothesisId } = parse(BatchItemRef, await readJson(c));
    return c.json(await hypothesisJson(ws, await removeFromBatch(db, ws, batch.id, hypothesisId)));
  });

  api.delete('/workspaces/:slug/batches/:id/items/:hypothesisId', async (c) => {
    const ws = c.get('workspace');
    const batch = await requireBatch(db, ws, idParam(c.req.param('id')));
    const hypothesisId = idParam(c.req.param('hypothesisId'));
    return c.json(await hypothesisJson(ws, await removeFromBatch(db, ws, batch.id, hypothesisId)));
  });

  api.post('/workspaces/:slug/batches/:id/start', async (c) => {
    const ws = c.get('workspace');
    const batch = await requireBatch(db, ws, idParam(c.req.param('id')));
    return c.json(await batchJson(ws, await startBatch(db, ws, batch.id)));
  });

  api.put('/workspaces/:slug/hypotheses/:id/my-score', async (c) => {
    const ws = c.get('workspace');
    const id = idParam(c.req.param('id'));
    await requireHypothesis(db, ws, id);
    const mine = parse(MyScoreInput, await readJson(c));
    const user = signedIn(c);
    const h = await setMyScore(db, ws, id, user.id, mine);
    const rows = (await scoresOf(db, ws, [id])).get(id) ?? [];
    const scores = rows.map(({ userId, name, impact, confidence, ease }) => ({
      userId,
      name,
      impact,
      confidence,
      ease,
    }));
    return c.json({ hypothesis: await hypothesisJson(ws, h), mine, scores, spread: spread(scores) });
  });
}
