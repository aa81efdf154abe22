import type { Server, ServerResponse } from 'node:http';
import { Server as NetServer } from 'node:net';
import type { Http2Bindings, HttpBindings } from '@hono/node-server';

/** The longest a shutdown waits for requests in flight before cutting them. */
export const SHUTDOWN_DEADLINE_MS = 10_000;
/** Once nothing is in flight, the listener stays open until nothing new has arrived for this long… */
export const QUIET_MS = 100;
/** …but no longer than this: clients that keep arriving do not hold the shutdown up. */
export const LINGER_MS = 1_000;
const POLL_MS = 10;
const netClose = NetServer.prototype.close;

type Fetch = (request: Request, env: HttpBindings | Http2Bindings) => Response | Promise<Response>;

export type DrainTimings = { deadlineMs?: number; quietMs?: number; lingerMs?: number };

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * The server's side of a clean stop. `fetch` wraps the app: it counts the requests in flight and, once
 * draining starts, answers everything else with a complete 503 (`Connection: close`, `Retry-After`).
 * `drain` keeps the listener open while requests are in flight, so that nobody who reaches the server
 * meanwhile is reset or refused: connections still in the kernel's accept queue at the signal, new ones,
 * and requests on kept-alive connections all get their 503. When nothing is in flight any more, it closes
 * the listener at a quiet moment (see below), then ends the live streams (SSE, which never end by
 * themselves), so that the database can be closed with nobody writing.
 *
 * A request is in flight when the server had begun reading it before it noticed the signal. One sent
 * earlier but not read yet (a busy server, or a connection still in the accept queue) gets the 503: it
 * changed nothing, and the client can send it again to the next server.
 */
export function createDrain(app: { fetch: Fetch }, lifecycle: { draining: boolean }) {
  const inFlight = new Set<ServerResponse>();
  const streams = new Set<ServerResponse>();
  let lastArrival = 0;
  let refused = 0;
  // In the drain's last moment, 503s wait here until the listener has closed (see drain).
  let held: Promise<void> | undefined;

  const fetch: Fetch = async (request, env) => {
    if (lifecycle.draining) return refuse(request);
    // Lodestar serves HTTP/1.1 (serve() without createServer), so this is node's ServerResponse.
    const res = env.outgoing as ServerResponse;
    inFlight.add(res);
    res.once('close', () => {
      inFlight.delete(res);
      streams.delete(res);
    });
    const response = await app.fetch(request, env);
    if (response.headers.get('content-type')?.startsWith('text/event-stream')) {
      inFlight.delete(res);
      streams.add(res);
    }
    return response;
  };

  function refuse(request: Request): Response | Promise<Response> {
    refused++;
    lastArrival = Date.now();
    const json = new URL(request.url).pathname === '/healthz';
    const response = new Response(
      json
        ? JSON.stringify({ status: 'unavailable', db: 'shutting down' })
        : 'Lodestar is restarting: try again in a few seconds.',
      {
        status: 503,
        headers: {
          'content-type': json ? 'application/json' : 'text/plain; charset=utf-8',
          connection: 'close',
          'retry-after': '5',
          'cache-control': 'no-store',
          'x-content-type-options': 'nosniff',
        },
      },
    );
    return held ? held.then(() => response) : response;
  }

  /** Waits until nothing new has arrived for `ms`, or until `limit`. */
  async function quiet(ms: number, limit: number) {
    lastArrival = Date.now();
    while (Date.now() - lastArrival < ms && Date.now() < limit) await sleep(POLL_MS);
  }

  /** Notes connections as they are accepted (call once, with the server serve() returned). */
  function watch(server: Server) {
    server.on('connection', () => {
      lastArrival = Date.now();
    });
  }

  async function drain(
    server: Server,
    timings: DrainTimings = {},
  ): Promise<{ cut: number; refused: number }> {
    const { deadlineMs = SHUTDOWN_DEADLINE_MS, quietMs = QUIET_MS, lingerMs = LINGER_MS } = timings;
    lifecycle.draining = true;
    const until = Date.now() + deadlineMs;
    // Answers still to come say Connection: close, so that their clients do not send the next one here.
    for (const res of inFlight) if (!res.headersSent) res.shouldKeepAlive = false;
    while (inFlight.size > 0 && Date.now() < until) await sleep(POLL_MS);

    // The listener closes last. Closing it resets the connections still in the kernel's accept queue, and
    // a client that sends its next request as soon as it has a 503 always has one there. So for this last
    // moment the 503s are held: such clients wait for their answer instead of connecting again, the
    // queue empties, and a moment with nothing new arriving (bounded by lingerMs) means it is empty.
    let release = () => {};
    held = new Promise((r) => {
      release = r;
    });
    await quiet(quietMs, Math.min(until, Date.now() + lingerMs));
    // net.Server's close, not http.Server's: since node 19 that one also closes the idle connections at
    // once, and to node a connection accepted a moment ago whose request it has not read yet is idle.
    const closed = new Promise<void>((resolve) => netClose.call(server, () => resolve()));
    // The held 503s go out; their clients' next connection is refused, cleanly. Requests already sent
    // on connections accepted before the close are read and answered during one more quiet moment, then
    // the idle connections (kept-alive ones between requests) are let go.
    held = undefined;
    release();
    await quiet(quietMs, Math.min(until, Date.now() + lingerMs));
    server.closeIdleConnections();
    const cut = inFlight.size;
    // Live pages reconnect by themselves, now to a closed port, and so on to the next server.
    for (const res of streams) res.destroy();
    // What is left is 503s being written and, past the deadline, requests cut short.
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      closed,
      new Promise((r) => (timer = setTimeout(r, Math.max(0, until - Date.now())))),
    ]);
    clearTimeout(timer);
    server.closeAllConnections();
    await closed;
    return { cut, refused };
  }

  return {
    fetch,
    watch,
    drain,
    inFlight: () => inFlight.size,
    streams: () => streams.size,
    refused: () => refused,
  };
}
