import type { Server } from 'node:http';
import { Agent, request } from 'node:http';
import { connect } from 'node:net';
import { serve } from '@hono/node-server';
import { Hono } from 'hono';
import { streamSSE } from 'hono/streaming';
import { afterEach, describe, expect, it } from 'vitest';
import { createDrain } from '../src/operations/shutdown';
import { requestOnce } from './http-once';

// The drain on a real node server (serve() from @hono/node-server, as src/server.ts) with a tiny app:
// sockets, keep-alive and the listener are what it is about. Requests are held open by the test, not by
// timers, so nothing here depends on speed; the only timings are the drain's own, kept short.

function send(port: number, path: string, opts: { method?: string; agent?: Agent | false } = {}) {
  return requestOnce(`http://127.0.0.1:${port}${path}`, opts);
}

const failure = (p: Promise<unknown>) =>
  p.then(
    () => 'answered',
    (e: NodeJS.ErrnoException) => e.code ?? String(e),
  );

async function until(check: () => boolean) {
  for (let i = 0; i < 500 && !check(); i++) await new Promise((r) => setTimeout(r, 10));
  if (!check()) throw new Error('gave up waiting');
}

const running: Server[] = [];
afterEach(() => {
  for (const s of running.splice(0)) {
    s.closeAllConnections();
    s.close();
  }
});

/** A server whose /held requests stay in flight until `release()`; /live is an endless event stream. */
async function start() {
  let release = () => {};
  const held = new Promise<void>((r) => {
    release = r;
  });
  const app = new Hono();
  app.get('/ok', (c) => c.text('ok'));
  app.get('/held', async (c) => {
    await held;
    return c.text('finished');
  });
  app.get('/live', (c) =>
    streamSSE(c, async (stream) => {
      await stream.writeSSE({ data: 'hello' });
      await new Promise(() => {});
    }),
  );
  const lifecycle = { draining: false };
  const drain = createDrain(app, lifecycle);
  const server = await new Promise<Server>((ok) => {
    const s = serve({ fetch: drain.fetch, port: 0, hostname: '127.0.0.1' }, () => ok(s as Server)) as Server;
  });
  running.push(server);
  drain.watch(server);
  const port = (server.address() as { port: number }).port;
  return { server, port, drain, lifecycle, release };
}

const quick = { quietMs: 20, lingerMs: 200, deadlineMs: 5_000 };

describe('shutdown drain', () => {
  it('lets a request in flight finish, answering it with Connection: close, and answers new ones 503', async () => {
    const { server, port, drain, lifecycle, release } = await start();
    const keepAlive = new Agent({ keepAlive: true, maxSockets: 1 });
    const slow = send(port, '/held', { agent: keepAlive });
    await until(() => drain.inFlight() === 1);

    const drained = drain.drain(server, quick);
    expect(lifecycle.draining).toBe(true);
    // The listener is still open while a request is in flight: a new connection gets an answer.
    const fresh = await send(port, '/ok');
    expect(fresh.status).toBe(503);
    expect(fresh.headers.connection).toBe('close');
    expect(fresh.headers['retry-after']).toBe('5');
    expect(fresh.headers['content-type']).toBe('text/plain; charset=utf-8');
    expect(fresh.text).toBe('Lodestar is restarting: try again in a few seconds.');
    const health = await send(port, '/healthz');
    expect(health.status).toBe(503);
    expect(JSON.parse(health.text)).toEqual({ status: 'unavailable', db: 'shutting down' });
    expect(server.listening).toBe(true);

    release();
    const finished = await slow;
    expect(finished).toMatchObject({ status: 200, text: 'finished' });
    expect(finished.headers.connection).toBe('close');
    expect(await drained).toEqual({ cut: 0, refused: 2 });
    expect(server.listening).toBe(false);
    expect(await failure(send(port, '/ok'))).toBe('ECONNREFUSED');
    keepAlive.destroy();
  });

  it('answers 503 to a request on a kept-alive connection that was idle when draining started', async () => {
    const { server, port, drain, release } = await start();
    const keepAlive = new Agent({ keepAlive: true, maxSockets: 1 });
    expect(await send(port, '/ok', { agent: keepAlive })).toMatchObject({ status: 200, reused: false });
    const slow = send(port, '/held');
    await until(() => drain.inFlight() === 1);
    const drained = drain.drain(server, quick);

    const again = await send(port, '/ok', { agent: keepAlive });
    expect(again).toMatchObject({ status: 503, reused: true });
    expect(again.headers.connection).toBe('close');
    release();
    expect(await slow).toMatchObject({ status: 200 });
    expect(await drained).toEqual({ cut: 0, refused: 1 });
    keepAlive.destroy();
  });

  it('gives an upload started during the drain its whole 503, without a reset, even if it keeps sending', async () => {
    const { server, port, drain, release } = await start();
    const slow = send(port, '/held');
    await until(() => drain.inFlight() === 1);
    const drained = drain.drain(server, quick);

    const body = Buffer.alloc(256 * 1024, 'x');
    const socket = connect(port, '127.0.0.1');
    const events: string[] = [];
    let received = '';
    const closed = new Promise<void>((ok) => {
      socket.on('error', (e: NodeJS.ErrnoException) => events.push(e.code ?? String(e)));
      socket.on('end', () => events.push('end'));
      socket.on('close', () => ok());
    });
    socket.setEncoding('utf8').on('data', (d: string) => {
      received += d;
    });
    socket.write(
      `POST /upload HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/octet-stream\r\nContent-Length: ${body.length}\r\n\r\n`,
    );
    socket.write(body.subarray(0, 1024));
    await until(() => received.includes('try again'));
    expect(received).toMatch(/^HTTP\/1\.1 503 /);
    expect(received).toMatch(/connection: close/i);
    // A client that keeps sending after the answer (node's and curl stop; others may not) is not reset.
    socket.write(body.subarray(1024));
    await closed;
    expect(events).toEqual(['end']);

    release();
    await slow;
    expect(await drained).toEqual({ cut: 0, refused: 1 });
  });

  it('never resets a client that sends again as soon as it has its 503: it finds the port closed at the end', async () => {
    const { server, port, drain, release } = await start();
    const slow = send(port, '/held');
    await until(() => drain.inFlight() === 1);
    const drained = drain.drain(server, quick);
    const outcomes: (number | string)[] = [];
    const hammer = (async () => {
      for (;;) {
        const outcome = await send(port, '/ok').then(
          (a) => a.status,
          (e: NodeJS.ErrnoException) => e.code ?? String(e),
        );
        outcomes.push(outcome);
        if (typeof outcome === 'string') return;
      }
    })();
    await until(() => drain.refused() >= 5);
    release();
    await slow;
    await drained;
    await hammer;
    expect(new Set(outcomes)).toEqual(new Set([503, 'ECONNREFUSED']));
    expect(outcomes.at(-1)).toBe('ECONNREFUSED');
  });

  it('cuts a request still in flight at the deadline', async () => {
    const { server, port, drain } = await start();
    const slow = failure(send(port, '/held'));
    await until(() => drain.inFlight() === 1);
    expect(await drain.drain(server, { ...quick, deadlineMs: 100 })).toEqual({ cut: 1, refused: 0 });
    expect(await slow).toMatch(/ECONNRESET|socket hang up/);
  });

  it('does not wait for live streams, and ends them once it stops listening', async () => {
    const { server, port, drain } = await start();
    let streamText = '';
    const streamEnded = new Promise<void>((ok) => {
      const req = request({ port, host: '127.0.0.1', path: '/live', agent: false }, (res) => {
        res.setEncoding('utf8').on('data', (d: string) => {
          streamText += d;
        });
        res.on('close', () => ok());
      });
      req.on('error', () => ok());
      req.end();
    });
    await until(() => streamText.includes('hello'));
    expect(drain.streams()).toBe(1);
    expect(drain.inFlight()).toBe(0);
    expect(await drain.drain(server, quick)).toEqual({ cut: 0, refused: 0 });
    await streamEnded;
    await until(() => drain.streams() === 0);
  });
});
