import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { Hono } from 'hono';
import { etag } from 'hono/etag';

const require = createRequire(import.meta.url);

// Served from memory: a handful of small files read once at start. htmx comes from node_modules, never
// from a CDN, so Lodestar works on a network with no way out.
const files: Record<string, { path: string; type: string }> = {
  'htmx.min.js': {
    path: require.resolve('htmx.org/dist/htmx.min.js'),
    type: 'text/javascript; charset=utf-8',
  },
  'app.js': {
    path: fileURLToPath(new URL('../views/assets/app.js', import.meta.url)),
    type: 'text/javascript; charset=utf-8',
  },
  // htmx's own SSE extension: the meeting page's live updates.
  'hx-sse.js': {
    path: require.resolve('htmx.org/dist/ext/hx-sse.min.js'),
    type: 'text/javascript; charset=utf-8',
  },
  'meeting.js': {
    path: fileURLToPath(new URL('../views/assets/meeting.js', import.meta.url)),
    type: 'text/javascript; charset=utf-8',
  },
  'meeting.css': {
    path: fileURLToPath(new URL('../views/assets/meeting.css', import.meta.url)),
    type: 'text/css; charset=utf-8',
  },
  'insights.css': {
    path: fileURLToPath(new URL('../views/assets/insights.css', import.meta.url)),
    type: 'text/css; charset=utf-8',
  },
  'tiles.css': {
    path: fileURLToPath(new URL('../views/assets/tiles.css', import.meta.url)),
    type: 'text/css; charset=utf-8',
  },
  'measurements.css': {
    path: fileURLToPath(new URL('../views/assets/measurements.css', import.meta.url)),
    type: 'text/css; charset=utf-8',
  },
  'data.css': {
    path: fileURLToPath(new URL('../views/assets/data.css', import.meta.url)),
    type: 'text/css; charset=utf-8',
  },
  'webhooks.css': {
    path: fileURLToPath(new URL('../views/assets/webhooks.css', import.meta.url)),
    type: 'text/css; charset=utf-8',
  },
  'drafts.css': {
    path: fileURLToPath(new URL('../views/assets/drafts.css', import.meta.url)),
    type: 'text/css; charset=utf-8',
  },
  'icon.svg': {
    path: fileURLToPath(new URL('../views/assets/icon.svg', import.meta.url)),
    type: 'image/svg+xml',
  },
  'app.css': {
    path: fileURLToPath(new URL('../views/assets/app.css', import.meta.url)),
    type: 'text/css; charset=utf-8',
  },
};

export function assetRoutes() {
  const loaded = new Map(
    Object.entries(files).map(([name, f]) => [name, { body: readFileSync(f.path), type: f.type }]),
  );
  const app = new Hono();
  app.use('/assets/*', etag());
  // Browsers ask for /favicon.ico whatever the page says; answer with the same icon.
  app.get('/favicon.ico', (c) => c.redirect('/assets/icon.svg', 301));
  app.get('/assets/:name', (c) => {
    const file = loaded.get(c.req.param('name'));
    if (!file) return c.text('Not found', 404);
    c.header('Content-Type', file.type);
    c.header('Cache-Control', 'public, max-age=300');
    return c.body(new Uint8Array(file.body));
  });
  return app;
}
