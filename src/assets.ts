import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { Hono } from 'hono';
import { etag } from 'hono/etag';

const require = createRequire(import.meta.url);

// Served from memory: a handful of small files read once at start. htmx comes from node_modules, never
// from a CDN, so Lodestar works on a network with no way out.
const TYPES: Record<string, string> = {
  js: 'text/javascript; charset=utf-8',
  css: 'text/css; charset=utf-8',
  svg: 'image/svg+xml',
};

/** An asset by its name: Lodestar's own from views/assets, or a file of an installed package. */
const asset = (path: string) => ({
  path,
  type: TYPES[path.slice(path.lastIndexOf('.') + 1)] ?? 'text/plain',
});
const own = (name: string) => asset(fileURLToPath(new URL(`../views/assets/${name}`, import.meta.url)));

const OWN = [
  'app.js',
  'meeting.js',
  'app.css',
  'meeting.css',
  'insights.css',
  'tiles.css',
  'measurements.css',
  'data.css',
  'webhooks.css',
  'drafts.css',
  'icon.svg',
];

const files: Record<string, { path: string; type: string }> = {
  'htmx.min.js': asset(require.resolve('htmx.org/dist/htmx.min.js')),
  // htmx's own SSE extension: the meeting page's live updates.
  'hx-sse.js': asset(require.resolve('htmx.org/dist/ext/hx-sse.min.js')),
  ...Object.fromEntries(OWN.map((name) => [name, own(name)])),
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
