import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach } from 'vitest';

// A webhook receiver on 127.0.0.1 for one test: it records every request and answers each according to a
// script (in order; the last step repeats), so tests can make an endpoint succeed, fail, be slow or hang.

export type Step =
  | { status: number; body?: string; headers?: Record<string, string> }
  /** Answers 200 only after this long (longer than the sender's timeout: a slow endpoint). */
  | { delayMs: number }
  /** Holds the request until the test calls release() (an endpoint that hangs). */
  | 'hold';

export type Received = {
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
  json: Record<string, unknown> & { text?: string; event?: string; data?: Record<string, unknown> };
};

export type Receiver = {
  url: string;
  received: Received[];
  /** How many requests got their answer. */
  answered: number;
  script: Step[];
  release(): void;
  close(): Promise<void>;
};

const open: Receiver[] = [];
afterEach(async () => {
  for (const r of open.splice(0)) await r.close();
});

export async function startReceiver(script: Step[] = [{ status: 200, body: 'ok' }]): Promise<Receiver> {
  const held: (() => void)[] = [];
  let released = false;
  let server: Server;
  const receiver: Receiver = {
    url: '',
    received: [],
    answered: 0,
    script,
    release() {
      released = true;
      for (const go of held.splice(0)) go();
    },
    close: () =>
      new Promise<void>((resolve) => {
        receiver.release();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      let json: Received['json'] = {};
      try {
        json = JSON.parse(body);
      } catch {
        // Left empty: a test asserting on the body then fails visibly.
      }
      const index = receiver.received.length;
      receiver.received.push({ path: req.url ?? '/', headers: req.headers, body, json });
      const step = receiver.script[Math.min(index, receiver.script.length - 1)] ?? { status: 200 };
      const answer = (status: number, text = 'ok', headers: Record<string, string> = {}) => {
        if (res.destroyed) return;
        res.writeHead(status, { 'content-type': 'text/plain', ...headers });
        res.end(text);
        receiver.answered++;
      };
      if (step === 'hold') {
        if (released) answer(200);
        else held.push(() => answer(200));
      } else if ('delayMs' in step) setTimeout(() => answer(200), step.delayMs).unref();
      else answer(step.status, step.body, step.headers);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  receiver.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  open.push(receiver);
  return receiver;
}

/** An address where nothing listens (a port that was just freed). */
export async function deadUrl(): Promise<string> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return `http://127.0.0.1:${port}/hook`;
}
