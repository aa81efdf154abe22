import { describe, expect, it } from 'vitest';
import { makeWorkspace } from '../db/factories';
import { BENCH_LIMIT_PATH } from '../src/bench-limit';
import { appFor, freshDb, person } from './helpers';

// The benchmark's "limit" route (npm run bench:meeting) must not exist unless LODESTAR_BENCH_LIMIT=1.

describe('bench limit route', () => {
  it('is not there without LODESTAR_BENCH_LIMIT=1', async () => {
    const db = await freshDb();
    const me = await person(db);
    const ws = await makeWorkspace(db, { ownerId: me.user.id });
    const res = await appFor(db).request(`${BENCH_LIMIT_PATH}?from=/w/${ws.slug}/backlog`, {
      headers: { cookie: me.cookie },
    });
    expect(res.status).toBe(404);
  });

  it('answers the page it rendered once, byte for byte, without asking the database again', async () => {
    const db = await freshDb();
    const me = await person(db);
    const ws = await makeWorkspace(db, { ownerId: me.user.id });
    const app = appFor(db, { benchLimit: true });
    const headers = { cookie: me.cookie };
    const page = await (await app.request(`/w/${ws.slug}/backlog`, { headers })).text();
    const first = await app.request(`${BENCH_LIMIT_PATH}?from=/w/${ws.slug}/backlog`, { headers });
    expect(first.status).toBe(200);
    expect(first.headers.get('content-type')).toContain('text/html');
    expect(await first.text()).toBe(page);
    db.close();
    const again = await app.request(`${BENCH_LIMIT_PATH}?from=/w/${ws.slug}/backlog`, { headers });
    expect(await again.text()).toBe(page);
  });

  it('refuses anything but a workspace page', async () => {
    const db = await freshDb();
    const res = await appFor(db, { benchLimit: true }).request(
      `${BENCH_LIMIT_PATH}?from=https://example.com/`,
    );
    expect(res.status).toBe(400);
  });
});
