import type { Server, ServerResponse } from 'node:http';
import type { Http2Bindings, HttpBindings } from '@hono/node-server';

export const SHUTDOWN_DEADLINE_MS = 10_000;

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
  const fetch: Fetch = async (request, env) => {
    if (lifecycle.draining) {
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

  async function drain(server: Server, deadlineMs = SHUTDOWN_DEADLINE_MS): Promise<{ cut: number }> {
    lifecycle.draining = true;
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    server.closeIdleConnections();
    const until = Date.now() + deadlineMs;
    while (inFlight.size > 0 && Date.now() < until) {
      await new Promise((r) => setTimeout(r, 20));
      // A kept-alive connection that just finished its request is idle now: let it go.
      server.closeIdleConnections();
    }
    const cut = inFlight.size;
    // Live pages reconnect to the next server by themselves; requests past the deadline are cut short.
    server.closeAllConnections();
    await closed;
    return { cut };
  }

  return { fetch, drain, inFlight: () => inFlight.size, streams: () => streams.size };
}
