import { afterEach, describe, expect, it, vi } from 'vitest';
import { knownMigrations } from '../src/operations/snapshot';
import { appFor, freshDb } from './helpers';

afterEach(() => vi.restoreAllMocks());

describe('health check', () => {
  it('answers 200 with the database state to anyone, without a session, and is never cached', async () => {
    const app = appFor(await freshDb());
    const res = await app.request('/healthz');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('application/json');
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(res.headers.get('set-cookie')).toBeNull();
    expect(await res.json()).toEqual({ status: 'ok', db: 'ok', migrations: knownMigrations().count });
    expect((await app.request('/healthz', { method: 'HEAD' })).status).toBe(200);
  });

  it('answers 503 with the reason when the database fails', async () => {
    const db = await freshDb();
    const app = appFor(db);
    db.client.close();
    const res = await app.request('/healthz');
    expect(res.status).toBe(503);
    expect(res.headers.get('cache-control')).toBe('no-store');
    const body = (await res.json()) as { status: string; db: string };
    expect(body.status).toBe('unavailable');
    expect(body.db).toMatch(/closed/i);
  });

  it('answers 503 while the server shuts down', async () => {
    const lifecycle = { draining: false };
    const app = appFor(await freshDb(), { lifecycle });
    expect((await app.request('/healthz')).status).toBe(200);
    lifecycle.draining = true;
    const res = await app.request('/healthz');
    expect(res.status).toBe(503);
    expect(await res.json()).toEqual({ status: 'unavailable', db: 'shutting down' });
  });

  it('keeps passing checks out of the request log but logs failing ones', async () => {
    const lines: string[] = [];
    vi.spyOn(console, 'log').mockImplementation((line: string) => lines.push(line));
    const lifecycle = { draining: false };
    const app = appFor(await freshDb(), { logLevel: 'info', lifecycle });
    await app.request('/healthz');
    await app.request('/login');
    lifecycle.draining = true;
    await app.request('/healthz');
    const logged = lines.map((l) => JSON.parse(l) as { path: string; status: number });
    expect(logged.map((l) => l.path)).toEqual(['/login', '/healthz']);
    expect(logged[1]?.status).toBe(503);
  });
});
