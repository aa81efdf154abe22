import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import type { Http2Bindings, HttpBindings } from '@hono/node-server';

export const SHUTDOWN_DEADLINE_MS = 10_000;
/** How long a connection accepted before the signal may take to send its request. */
export const UNREAD_GRACE_MS = 2_000;
/** Ordinary serving after the signal, for connections still in the accept queue. */
export const ACCEPT_GRACE_MS = 100;

type Fetch = (request: Request, env: HttpBindings | Http2Bindings) => Response | Promise<Response>;

/**
 * The server's side of a clean stop. `fetch` wraps the app: it counts the requests in flight, answers
 * 503 with `Connection: close` once draining starts (a browser's kept-alive connection may still send
 * one), and remembers live streams (SSE), which never end by themselves. `drain` stops accepting, waits
 * for the ordinary requests in flight (up to the deadline), then ends the live streams and whatever is
 * left, so that the database can be closed with nobody writing.
 */
export function createDrain(app: { fetch: Fetch }, lifecycle: { draining: boolean }) {
  const inFlight = new Set<ServerResponse>();
  const streams = new Set<ServerResponse>();
  // Connections accepted but whose first request the server has not read yet. A request a client sent just
  // before the signal is in flight for that client, even if a busy server had not parsed it: such
  // connections are admitted when draining starts, and waited for, instead of being cut or answered 503.
  const unread = new Set<Socket>();
  let admitted = new Set<Socket>();
  const fetch: Fetch = async (request, env) => {
    const socket = (env.incoming as IncomingMessage).socket;
    const first = unread.delete(socket);
    if (lifecycle.draining && !(first && admitted.delete(socket))) {
      const json = new URL(request.url).pathname === '/healthz';
      return new Response(
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
          },
        },
      );
    }
    // Lodestar serves HTTP/1.1 (serve() without createServer), so the response is node's ServerResponse.
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

  /**
   * A busy server may not have accepted, or read, requests clients sent just before the signal: a moment of
   * ordinary serving takes them in (they are in flight for their clients) before draining starts.
   */
  const settle = () => new Promise((r) => setTimeout(r, ACCEPT_GRACE_MS));

  /** Starts noting connections as they are accepted (call once, with the server serve() returned). */
  function watch(server: Server) {
    server.on('connection', (socket: Socket) => {
      unread.add(socket);
      socket.once('close', () => {
        unread.delete(socket);
        admitted.delete(socket);
      });
    });
  }

  async function drain(server: Server, deadlineMs = SHUTDOWN_DEADLINE_MS): Promise<{ cut: number }> {
    lifecycle.draining = true;
    admitted = new Set(unread);
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    const until = Date.now() + deadlineMs;
    // A connection that sends nothing (a browser's preconnect) is waited for a moment, not the whole deadline.
    const unreadUntil = Math.min(until, Date.now() + UNREAD_GRACE_MS);
    const waiting = () => inFlight.size > 0 || (admitted.size > 0 && Date.now() < unreadUntil);
    // Idle kept-alive connections are let go only once no admitted request is still arriving on one
    // (node cannot tell an idle connection from one whose request it has not read yet).
    while (waiting() && Date.now() < until) {
      if (admitted.size === 0 || Date.now() >= unreadUntil) server.closeIdleConnections();
      await new Promise((r) => setTimeout(r, 20));
    }
    server.closeIdleConnections();
    const cut = inFlight.size;
    // Live pages reconnect to the next server by themselves; requests past the deadline are cut short.
    server.closeAllConnections();
    await closed;
    return { cut };
  }

  return { fetch, watch, settle, drain, inFlight: () => inFlight.size, streams: () => streams.size };
}
