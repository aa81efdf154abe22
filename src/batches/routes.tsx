import { Hono } from 'hono';
import { BatchDetail, BatchDetailPage } from '../../views/batches/detail';
import { BatchesPage, BatchList } from '../../views/batches/list';
import { SummaryPage, SummaryView } from '../../views/batches/summary';
import type { AppEnv, Deps } from '../env';
import { respond } from '../htmx';
import { idParam } from '../validation';
import { batchItems, batchLoad, requireBatch } from './batches';
import { batchOutcomes, batchOverviews } from './history';
import { summaryMarkdown } from './markdown';
import { meetingSummary } from './summary';

// Past and planned batches, and each meeting's summary (a page, and Markdown to paste into chat). Read-only:
// batches are built and started on the meeting page.

export function batchRoutes({ db, origin }: Deps) {
  const app = new Hono<AppEnv>();

  app.get('/w/:slug/batches', async (c) => {
    const ws = c.get('workspace');
    const props = { ws, batches: await batchOverviews(db, ws) };
    return respond(c, { page: () => <BatchesPage {...props} />, fragment: () => <BatchList {...props} /> });
  });

  app.get('/w/:slug/batches/:id', async (c) => {
    const ws = c.get('workspace');
    const batch = await requireBatch(db, ws, idParam(c.req.param('id')));
    const items = await batchItems(db, ws, batch.id);
    const props = { ws, batch, items, load: batchLoad(batch, items), results: batchOutcomes(items) };
    return respond(c, {
      page: () => <BatchDetailPage {...props} />,
      fragment: () => <BatchDetail {...props} />,
    });
  });

  app.get('/w/:slug/batches/:id/summary', async (c) => {
    const ws = c.get('workspace');
    const batch = await requireBatch(db, ws, idParam(c.req.param('id')));
    const summary = await meetingSummary(db, ws, batch);
    const props = { ws, summary, markdown: summaryMarkdown(summary, { ws, origin }) };
    return respond(c, { page: () => <SummaryPage {...props} />, fragment: () => <SummaryView {...props} /> });
  });

  app.get('/w/:slug/batches/:id/summary.md', async (c) => {
    const ws = c.get('workspace');
    const batch = await requireBatch(db, ws, idParam(c.req.param('id')));
    const summary = await meetingSummary(db, ws, batch);
    c.header('Content-Type', 'text/markdown; charset=utf-8');
    // Inline: opened in the browser to copy from, not saved as a file.
    c.header('Content-Disposition', `inline; filename="meeting-${batch.week}.md"`);
    return c.body(summaryMarkdown(summary, { ws, origin }));
  });

  return app;
}
