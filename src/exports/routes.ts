import { Hono } from 'hono';
import type { AppEnv, Deps } from '../env';
import { csvDownload } from './csv';
import { learningsTable, resultsTable } from './history';
import { hypothesesTable } from './hypotheses';
import { measurementsTable } from './measurements';

// CSV downloads for any member (viewers included: they may read everything). GETs, so nothing is written.
export function exportRoutes({ db }: Deps) {
  const app = new Hono<AppEnv>();

  app.get('/w/:slug/export/hypotheses.csv', async (c) => {
    const ws = c.get('workspace');
    return csvDownload(c, ws, 'hypotheses', await hypothesesTable(db, ws));
  });

  app.get('/w/:slug/export/results.csv', async (c) => {
    const ws = c.get('workspace');
    return csvDownload(c, ws, 'results', await resultsTable(db, ws));
  });

  app.get('/w/:slug/export/learnings.csv', async (c) => {
    const ws = c.get('workspace');
    return csvDownload(c, ws, 'learnings', await learningsTable(db, ws));
  });

  app.get('/w/:slug/export/measurements.csv', async (c) => {
    const ws = c.get('workspace');
    return csvDownload(c, ws, 'measurements', await measurementsTable(db, ws));
  });

  return app;
}
