import { Hono } from 'hono';
import { z } from 'zod';
import { InsightsPage } from '../../views/insights/page';
import { LEVER_SORTS, LeversPage } from '../../views/levers/page';
import type { AppEnv, Deps } from '../env';
import { insights } from './insights';
import { closedExperiments, leversOf } from './levers';

// An unknown sort falls back to the workspace's metric order rather than refusing the page.
const LeverQuery = z.object({ sort: z.enum(LEVER_SORTS).catch('metric') });

export function leverRoutes({ db }: Deps) {
  const app = new Hono<AppEnv>();

  app.get('/w/:slug/levers', async (c) => {
    const ws = c.get('workspace');
    const { sort } = LeverQuery.parse(c.req.query());
    return c.html(<LeversPage ws={ws} levers={await leversOf(db, ws)} sort={sort} />);
  });

  app.get('/w/:slug/insights', async (c) => {
    const ws = c.get('workspace');
    // The charts never look at tags.
    const rows = await closedExperiments(db, ws, undefined, false);
    return c.html(
      <InsightsPage ws={ws} insights={insights(rows, { now: Date.now(), timeZone: ws.timeZone })} />,
    );
  });

  return app;
}
