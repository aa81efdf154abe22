import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { eq } from 'drizzle-orm';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createDb, type Db } from '../db/client';
import { closeAs, makeBatch, makeHypothesis, makeWorkspace, moveTo } from '../db/factories';
import { migrateDb } from '../db/migrate';
import { type WebhookDelivery, type WebhookEvent, type Workspace, webhookDeliveries } from '../db/schema';
import { addToBatch } from '../src/batches/selection';
import type { Deps } from '../src/env';
import { parse } from '../src/validation';
import { dispatcherFor } from '../src/webhooks/dispatcher';
import { WebhookInput } from '../src/webhooks/schemas';
import { createWebhook, updateWebhook } from '../src/webhooks/webhooks';
import { appFor, form, testApp } from './helpers';
import { deadUrl, type Step, startReceiver } from './webhooks-receiver';

// Webhooks against a real HTTP receiver on 127.0.0.1: success, slow, failing, retried, a hanging endpoint
// that must not hold up the action that triggered it, workspaces kept apart, and a restart.

const ALL: WebhookEvent[] = ['experiment.closed', 'batch.started', 'meeting.summary'];
const FAST: Deps['webhooks'] = { timeoutMs: 2000, retryDelaysMs: [20, 20, 20] };
const wait = { timeout: 8000, interval: 20 };

async function hook(db: Db, ws: Workspace, url: string, events: WebhookEvent[] = ALL, active = true) {
  return createWebhook(db, ws, parse(WebhookInput, { url, events, active, label: 'Growth channel' }));
}

async function deliveries(db: Db, webhookId?: number): Promise<WebhookDelivery[]> {
  const rows = await db.orm.select().from(webhookDeliveries).orderBy(webhookDeliveries.id);
  return webhookId == null ? rows : rows.filter((r) => r.webhookId === webhookId);
}

async function setup(deps: Partial<Deps> = {}, script?: Step[]) {
  const t = await testApp({ webhooks: FAST, ...deps });
  const ws = await makeWorkspace(t.db, { name: 'Acme growth', slug: 'acme' });
  const receiver = await startReceiver(script);
  return { ...t, ws, receiver };
}

/** Closes a running experiment through the close form, as a team member does. */
async function closeThroughApp(
  app: { request: (p: string, i?: RequestInit) => Promise<Response> },
  id: number,
) {
  return app.request(
    `/w/acme/hypotheses/${id}/close`,
    form({ outcome: 'won', actualDays: 2, return: 6, newStatement: 'A checklist beats a tour' }),
  );
}

describe('webhook delivery', () => {
  it('posts Slack-compatible JSON when an experiment closes and logs it as delivered', async () => {
    const { app, db, ws, receiver } = await setup();
    const h = await hook(db, ws, `${receiver.url}/slack`);
    const x = await moveTo(db, ws, await makeHypothesis(db, ws, { title: 'Setup checklist' }), 'running');
    const res = await closeThroughApp(app, x.id);
    expect(res.status).toBe(303);

    await vi.waitFor(async () => expect((await deliveries(db))[0]?.status).toBe('delivered'), wait);
    expect(receiver.received).toHaveLength(1);
    const got = receiver.received[0];
    expect(got?.path).toBe('/slack');
    expect(got?.headers['content-type']).toBe('application/json');
    expect(got?.headers['user-agent']).toBe('Lodestar-Webhooks/1');
    expect(got?.headers['x-lodestar-event']).toBe('experiment.closed');
    expect(got?.json.text).toContain(`*Experiment closed: #${x.id} Setup checklist* — *won*`);
    expect(got?.json.text).toContain('Learned: A checklist beats a tour');
    expect(got?.json).toMatchObject({
      event: 'experiment.closed',
      workspace: { slug: 'acme', name: 'Acme growth' },
      data: { id: x.id, title: 'Setup checklist', outcome: 'won', actualDays: 2, return: 6, roti: 3 },
    });
    expect(Array.isArray(got?.json.blocks)).toBe(true);

    const [row] = await deliveries(db, h.id);
    expect(row).toMatchObject({
      event: 'experiment.closed',
      status: 'delivered',
      attempts: 1,
      lastStatusCode: 200,
    });
    expect(row?.lastError).toBeNull();
    expect(row?.deliveredAt).toEqual(expect.any(Number));
    expect(row?.lastDurationMs).toEqual(expect.any(Number));
    expect(got?.headers['x-lodestar-delivery']).toBe(String(row?.id));

    const log = await (await app.request(`/w/acme/settings/webhooks/${h.id}`)).text();
    expect(log).toContain('delivered');
    expect(log).toContain('Experiment closed');
  });

  it('gives up on a slow endpoint after the timeout and retries it later', async () => {
    const { db, ws, receiver } = await setup({ webhooks: { timeoutMs: 150, retryDelaysMs: [60_000] } }, [
      { delayMs: 3000 },
      { status: 200 },
    ]);
    const h = await hook(db, ws, receiver.url);
    const x = await makeHypothesis(db, ws);
    await closeAs(db, ws, x, { outcome: 'lost' });

    await vi.waitFor(async () => expect((await deliveries(db))[0]?.attempts).toBe(1), wait);
    const [first] = await deliveries(db, h.id);
    expect(first).toMatchObject({ status: 'pending', lastStatusCode: null });
    expect(first?.lastError).toContain('Timed out: no answer within 150 ms');
    // The retry waits its configured delay from the failed attempt.
    expect(first?.nextAttemptAt).toBeGreaterThanOrEqual((first?.createdAt ?? 0) + 60_000);

    // As if a minute went by: the delivery falls due and the dispatcher sends it again.
    await db.orm
      .update(webhookDeliveries)
      .set({ nextAttemptAt: 0 })
      .where(eq(webhookDeliveries.id, first?.id ?? 0));
    dispatcherFor(db)?.kick();
    await vi.waitFor(async () => expect((await deliveries(db))[0]?.status).toBe('delivered'), wait);
    expect((await deliveries(db))[0]).toMatchObject({ attempts: 2, lastStatusCode: 200, lastError: null });
    expect(receiver.received).toHaveLength(2);
  });

  it('retries a failing endpoint with the configured delays, then marks the delivery failed', async () => {
    const { db, ws, receiver } = await setup({}, [{ status: 500, body: 'database down' }]);
    const h = await hook(db, ws, receiver.url);
    await closeAs(db, ws, await makeHypothesis(db, ws), { outcome: 'won' });

    await vi.waitFor(async () => expect((await deliveries(db))[0]?.status).toBe('failed'), wait);
    const [row] = await deliveries(db, h.id);
    // One attempt and three retries (FAST has three delays).
    expect(row).toMatchObject({ attempts: 4, lastStatusCode: 500, nextAttemptAt: null, deliveredAt: null });
    expect(row?.lastError).toBe('HTTP 500 Internal Server Error: database down');
    expect(receiver.received).toHaveLength(4);
    // Every attempt carries the same body.
    expect(new Set(receiver.received.map((r) => r.body)).size).toBe(1);
  });

  it('delivers on a later attempt after failures, and keeps the same delivery id', async () => {
    const { db, ws, receiver } = await setup({}, [{ status: 503 }, { status: 429 }, { status: 204 }]);
    await hook(db, ws, receiver.url);
    await closeAs(db, ws, await makeHypothesis(db, ws), { outcome: 'won' });

    await vi.waitFor(async () => expect((await deliveries(db))[0]?.status).toBe('delivered'), wait);
    expect((await deliveries(db))[0]).toMatchObject({ attempts: 3, lastStatusCode: 204, lastError: null });
    expect(new Set(receiver.received.map((r) => r.headers['x-lodestar-delivery'])).size).toBe(1);
  });

  it('does not retry a request the receiver refuses as wrong (a 4xx other than 408 and 429)', async () => {
    const { db, ws, receiver } = await setup({}, [{ status: 404, body: 'no_service' }]);
    await hook(db, ws, receiver.url);
    await closeAs(db, ws, await makeHypothesis(db, ws), { outcome: 'won' });

    await vi.waitFor(async () => expect((await deliveries(db))[0]?.status).toBe('failed'), wait);
    expect((await deliveries(db))[0]).toMatchObject({ attempts: 1, lastStatusCode: 404 });
    expect((await deliveries(db))[0]?.lastError).toBe('HTTP 404 Not Found: no_service');
    expect(receiver.received).toHaveLength(1);
  });

  it('answers the close at once while the endpoint hangs, then delivers when it answers', async () => {
    const { app, db, ws, receiver } = await setup({}, ['hold']);
    await hook(db, ws, receiver.url);
    const x = await moveTo(db, ws, await makeHypothesis(db, ws), 'running');

    const res = await closeThroughApp(app, x.id);
    // The close answered although the receiver has not answered anything (it holds every request).
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe(`/w/acme/hypotheses/${x.id}?done=closed`);
    expect(receiver.answered).toBe(0);
    // The delivery was on its way meanwhile: the receiver has the request and is still sitting on it.
    await vi.waitFor(() => expect(receiver.received).toHaveLength(1), wait);
    expect(receiver.answered).toBe(0);
    expect((await deliveries(db))[0]?.status).toBe('pending');

    receiver.release();
    await vi.waitFor(async () => expect((await deliveries(db))[0]?.status).toBe('delivered'), wait);
  });

  it('starts a batch at once while the endpoint hangs, then sends batch started and the meeting summary', async () => {
    const { app, db, ws, receiver } = await setup({}, ['hold']);
    await hook(db, ws, receiver.url);
    const batch = await makeBatch(db, ws, { capacityDays: 10 });
    const a = await makeHypothesis(db, ws, { title: 'Invite reminder', estimatedDays: 3 });
    const b = await makeHypothesis(db, ws, { title: 'Empty-board template', estimatedDays: 4 });
    await addToBatch(db, ws, batch.id, a.id);
    await addToBatch(db, ws, batch.id, b.id);

    const res = await app.request(`/w/acme/meeting/batches/${batch.id}/start`, form({}));
    expect(res.status).toBe(303);
    expect(receiver.answered).toBe(0);

    // One message at a time per webhook, in order: the summary waits for the batch's message to be answered.
    await vi.waitFor(() => expect(receiver.received).toHaveLength(1), wait);
    expect(receiver.received[0]?.json.event).toBe('batch.started');
    receiver.release();
    await vi.waitFor(async () => {
      const rows = await deliveries(db);
      expect(rows.map((r) => [r.event, r.status])).toEqual([
        ['batch.started', 'delivered'],
        ['meeting.summary', 'delivered'],
      ]);
    }, wait);
    expect(receiver.received.map((r) => r.json.event)).toEqual(['batch.started', 'meeting.summary']);
    const started = receiver.received.find((r) => r.json.event === 'batch.started');
    expect(started?.json.text).toContain('2 experiments: *7* of *10 person-days* planned (70%)');
    expect(started?.json.text).toContain(`• #${a.id} Invite reminder: 3 person-days`);
    expect(started?.json.data).toMatchObject({ week: batch.week, capacityDays: 10, plannedDays: 7 });
    const summary = receiver.received.find((r) => r.json.event === 'meeting.summary');
    expect(summary?.json.text).toContain('*Meeting summary: Week');
    expect(summary?.json.text).toContain('*Selected (2): 7 of 10 person-days (70%)*');
  });

  it('still closes the experiment when the endpoint cannot be reached, and logs why', async () => {
    const { app, db, ws } = await setup({ webhooks: { timeoutMs: 2000, retryDelaysMs: [] } });
    await hook(db, ws, await deadUrl());
    const x = await moveTo(db, ws, await makeHypothesis(db, ws), 'running');

    const res = await closeThroughApp(app, x.id);
    expect(res.status).toBe(303);
    await vi.waitFor(async () => expect((await deliveries(db))[0]?.status).toBe('failed'), wait);
    expect((await deliveries(db))[0]?.lastError).toBe(
      'Connection refused: nothing is listening at that address.',
    );
  });

  it('sends nothing to this workspace’s webhook when another workspace closes an experiment', async () => {
    const { db, ws, receiver } = await setup();
    const other = await makeWorkspace(db, { name: 'Other team', slug: 'other' });
    await hook(db, ws, receiver.url);
    await closeAs(db, other, await makeHypothesis(db, other, { title: 'Not ours' }), { outcome: 'won' });
    // Then one of ours: once it has arrived, anything of the other workspace would have too.
    await closeAs(db, ws, await makeHypothesis(db, ws, { title: 'Ours' }), { outcome: 'won' });

    await vi.waitFor(async () => expect((await deliveries(db))[0]?.status).toBe('delivered'), wait);
    expect(receiver.received.map((r) => r.json.data?.title)).toEqual(['Ours']);
    expect(await deliveries(db)).toHaveLength(1);
  });

  it('sends each webhook only the events it chose, and nothing to a switched-off one', async () => {
    const { db, ws, receiver } = await setup();
    const batches = await hook(db, ws, `${receiver.url}/batches`, ['batch.started']);
    const closes = await hook(db, ws, `${receiver.url}/closes`, ['experiment.closed']);
    const off = await hook(db, ws, `${receiver.url}/off`, ALL, false);

    const batch = await makeBatch(db, ws);
    const a = await makeHypothesis(db, ws, { estimatedDays: 2 });
    await addToBatch(db, ws, batch.id, a.id);
    const { startBatch } = await import('../src/batches/selection');
    await startBatch(db, ws, batch.id);
    await closeAs(db, ws, a, { outcome: 'won' });

    await vi.waitFor(async () => {
      const rows = await deliveries(db);
      expect(rows.filter((r) => r.status === 'delivered')).toHaveLength(2);
    }, wait);
    expect(receiver.received.map((r) => [r.path, r.json.event]).sort()).toEqual([
      ['/batches', 'batch.started'],
      ['/closes', 'experiment.closed'],
    ]);
    expect(await deliveries(db, batches.id)).toHaveLength(1);
    expect(await deliveries(db, closes.id)).toHaveLength(1);
    expect(await deliveries(db, off.id)).toHaveLength(0);
  });

  it('does not send a queued delivery once its webhook is switched off', async () => {
    const { db, ws, receiver } = await setup({ webhooks: { timeoutMs: 2000, retryDelaysMs: [60_000] } }, [
      { status: 500 },
    ]);
    const h = await hook(db, ws, receiver.url);
    await closeAs(db, ws, await makeHypothesis(db, ws), { outcome: 'won' });
    await vi.waitFor(async () => expect((await deliveries(db))[0]?.attempts).toBe(1), wait);

    await updateWebhook(db, ws, h.id, {
      url: undefined,
      label: h.label,
      events: h.events,
      active: false,
      version: h.version,
    });
    await db.orm.update(webhookDeliveries).set({ nextAttemptAt: 0 });
    dispatcherFor(db)?.kick();
    await vi.waitFor(async () => expect((await deliveries(db))[0]?.status).toBe('failed'), wait);
    expect((await deliveries(db))[0]?.lastError).toBe(
      'Not sent: the webhook was switched off before it went out.',
    );
    expect(receiver.received).toHaveLength(1);
  });

  it('sends a test message and retries a failed delivery from the log', async () => {
    const { app, db, ws, receiver } = await setup({}, [
      { status: 403, body: 'action_prohibited' },
      { status: 200 },
    ]);
    const h = await hook(db, ws, receiver.url);

    const res = await app.request(`/w/acme/settings/webhooks/${h.id}/test`, form({}));
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe(`/w/acme/settings/webhooks/${h.id}?done=test#log`);
    await vi.waitFor(async () => expect((await deliveries(db))[0]?.status).toBe('failed'), wait);
    expect(receiver.received[0]?.json.event).toBe('test');
    expect(receiver.received[0]?.json.text).toContain(
      '*Test from Lodestar:* the webhook “Growth channel” of Acme growth',
    );
    const [failed] = await deliveries(db);
    expect(await (await app.request(`/w/acme/settings/webhooks/${h.id}`)).text()).toContain(
      'HTTP 403 Forbidden: action_prohibited',
    );

    const retried = await app.request(
      `/w/acme/settings/webhooks/${h.id}/deliveries/${failed?.id}/retry`,
      form({}),
    );
    expect(retried.status).toBe(303);
    await vi.waitFor(async () => expect((await deliveries(db))[0]?.status).toBe('delivered'), wait);
    // A retry by hand starts a fresh round: its attempts count from zero.
    expect((await deliveries(db))[0]).toMatchObject({ attempts: 1, lastStatusCode: 200, lastError: null });
    expect(receiver.received).toHaveLength(2);

    // Only a failed delivery can be retried.
    const again = await app.request(
      `/w/acme/settings/webhooks/${h.id}/deliveries/${failed?.id}/retry`,
      form({}),
    );
    expect(again.status).toBe(409);
    expect(await again.text()).toContain('This delivery already arrived; there is nothing to retry.');
  });
});

describe('webhook delivery across a restart', () => {
  const dirs: string[] = [];
  const dbs: Db[] = [];
  afterEach(() => {
    for (const db of dbs.splice(0)) if (!db.client.closed) db.close();
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  });

  async function open(file: string) {
    const db = createDb(`file:${file}`);
    await migrateDb(db);
    dbs.push(db);
    return db;
  }

  it('sends deliveries still waiting when the server stopped once it starts again', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'lodestar-webhooks-'));
    dirs.push(dir);
    const file = join(dir, 'restart.db');
    const receiver = await startReceiver([{ status: 500 }, { status: 200 }]);

    // The first server: the endpoint fails, the retry is an hour away when the server stops.
    const before = await open(file);
    appFor(before, { webhooks: { timeoutMs: 2000, retryDelaysMs: [60 * 60_000] } });
    const ws = await makeWorkspace(before, { slug: 'acme' });
    await hook(before, ws, receiver.url);
    await closeAs(before, ws, await makeHypothesis(before, ws), { outcome: 'won' });
    await vi.waitFor(async () => expect((await deliveries(before))[0]?.attempts).toBe(1), wait);
    before.close();

    // The retry falls due while the server is down; a second one was queued but never attempted.
    const after = await open(file);
    await after.orm.update(webhookDeliveries).set({ nextAttemptAt: Date.now() - 1000 });
    const [queued] = await deliveries(after);
    await after.orm.insert(webhookDeliveries).values({
      workspaceId: ws.id,
      webhookId: queued?.webhookId ?? 0,
      event: 'test',
      payload: { text: 'queued before the restart' },
      status: 'pending',
      nextAttemptAt: Date.now() - 1000,
      createdAt: Date.now() - 1000,
    });

    appFor(after, { webhooks: { timeoutMs: 2000, retryDelaysMs: [60 * 60_000] } });
    await vi.waitFor(async () => {
      const rows = await deliveries(after);
      expect(rows.map((r) => [r.status, r.attempts])).toEqual([
        ['delivered', 2],
        ['delivered', 1],
      ]);
    }, wait);
    expect(receiver.received).toHaveLength(3);
    expect(receiver.received.map((r) => r.json.text)).toContain('queued before the restart');
  });
});
