import type { Hono } from 'hono';
import type { AppEnv } from './env';

// `npm run bench` (bench/meeting.ts) measures the backlog page against "the limit for this stack": the same
// server process answering the same page bytes, precomputed. Enabled only by LODESTAR_BENCH_LIMIT=1, never
// in production: the stored page is served to anyone who asks, signed in or not.
//
// GET /__bench/limit?from=/w/<slug>/backlog renders `from` once, through the whole app with the caller's own
// headers (so with their session), keeps the bytes, and from then on answers them without touching the
// database. It is mounted after the request log and the security headers, so both sides pay for those.

export const BENCH_LIMIT_PATH = '/__bench/limit';

export function mountBenchLimit(app: Hono<AppEnv>): void {
  const stored = new Map<string, { body: ArrayBuffer; type: string }>();
  app.get(BENCH_LIMIT_PATH, async (c) => {
    const from = c.req.query('from') ?? '';
    if (!from.startsWith('/w/')) return c.text('from must be a /w/ path', 400);
    let page = stored.get(from);
    if (!page) {
      const res = await app.fetch(new Request(new URL(from, c.req.url), { headers: c.req.raw.headers }));
      if (res.status !== 200) return c.text(`rendering ${from} answered ${res.status}`, 502);
      page = {
        body: await res.arrayBuffer(),
        type: res.headers.get('content-type') ?? 'text/html',
      };
      stored.set(from, page);
    }
    return c.body(page.body, 200, { 'content-type': page.type });
  });
}
