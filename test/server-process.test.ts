import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createClient } from '@libsql/client';
import { afterEach, describe, expect, it } from 'vitest';

// The real server in a child process (`tsx src/server.ts`), as a deploy runs it: signals and sockets are
// what these tests are about, and app.request() has neither.

const root = fileURLToPath(new URL('..', import.meta.url));
const started: { child: ChildProcess; dir: string }[] = [];
afterEach(() => {
  for (const { child, dir } of started.splice(0)) {
    if (child.exitCode === null) child.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  }
});

const freePort = () =>
  new Promise<number>((done) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => done(port));
    });
  });

async function startServer(env: Record<string, string> = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'lodestar-proc-'));
  const port = await freePort();
  const path = join(dir, 'live.db');
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/server.ts'], {
    cwd: root,
    env: {
      ...process.env,
      DATABASE_URL: `file:${path}`,
      PORT: String(port),
      LODESTAR_DEMO: '0',
      LOG_LEVEL: 'info',
      ...env,
    },
  });
  started.push({ child, dir });
  let log = '';
  child.stdout?.on('data', (d) => {
    log += d;
  });
  child.stderr?.on('data', (d) => {
    log += d;
  });
  const exited = new Promise<number | null>((done) => child.on('exit', (code) => done(code)));
  while (!log.includes('Lodestar is running')) {
    if (child.exitCode !== null) throw new Error(`The server did not start:\n${log}`);
    await new Promise((r) => setTimeout(r, 25));
  }
  return { child, port, path, exited, log: () => log };
}

type Answer = { status: number; body: string; sentWhenAnswered: number } | { error: string };

/**
 * A request whose body goes out in `chunks` pieces, `pauseMs` apart; resolves with the answer, noting how
 * much of the body had been sent when the answer's head arrived. `release` (if given) holds the last piece
 * back until it resolves.
 */
function slowRequest(
  port: number,
  opts: {
    method?: string;
    path: string;
    headers?: Record<string, string | number>;
    body: Buffer;
    chunks: number;
    pauseMs: number;
    release?: Promise<void>;
  },
): Promise<Answer> {
  return new Promise((done) => {
    let sent = 0;
    let answered = false;
    const req = httpRequest(
      {
        host: '127.0.0.1',
        port,
        method: opts.method ?? 'POST',
        path: opts.path,
        headers: opts.headers,
        agent: false,
      },
      (res) => {
        answered = true;
        const sentWhenAnswered = sent;
        let body = '';
        res.on('data', (d) => {
          body += d;
        });
        res.on('end', () => done({ status: res.statusCode ?? 0, body, sentWhenAnswered }));
        res.on('error', (e) => done({ error: String(e) }));
      },
    );
    req.on('error', (e) => {
      if (!answered) done({ error: (e as NodeJS.ErrnoException).code ?? String(e) });
    });
    const size = Math.ceil(opts.body.length / opts.chunks);
    (async () => {
      for (let i = 0; i < opts.chunks && !answered; i++) {
        if (i === opts.chunks - 1 && opts.release) await opts.release;
        const piece = opts.body.subarray(i * size, (i + 1) * size);
        const ok = req.write(piece);
        sent += piece.length;
        if (!ok) await new Promise((r) => req.once('drain', r));
        await new Promise((r) => setTimeout(r, opts.pauseMs));
      }
      if (answered) req.destroy();
      else req.end();
    })().catch(() => undefined);
  });
}

const get = (port: number, path: string) =>
  slowRequest(port, { method: 'GET', path, body: Buffer.alloc(0), chunks: 0, pauseMs: 0 });

async function dbState(path: string) {
  const client = createClient({ url: `file:${path}` });
  try {
    return {
      integrity: (await client.execute('PRAGMA integrity_check')).rows[0]?.[0],
      users: Number((await client.execute('select count(*) from users')).rows[0]?.[0]),
    };
  } finally {
    client.close();
  }
}

describe('server process: shutdown', () => {
  it('on SIGTERM finishes the request in flight, refuses new ones, closes the database and exits 0', async () => {
    const server = await startServer();
    expect(await get(server.port, '/healthz')).toMatchObject({ status: 200 });
    expect(existsSync(`${server.path}.server.pid`)).toBe(true);

    // The first owner's sign-up, its body still arriving when the signal comes: the write it makes must land.
    const body = Buffer.from(
      new URLSearchParams({
        name: 'Ada',
        email: 'ada@example.com',
        password: 'a long enough password',
        confirm: 'a long enough password',
      }).toString(),
    );
    let release = () => {};
    const held = new Promise<void>((r) => {
      release = r;
    });
    const inFlight = slowRequest(server.port, {
      path: '/setup',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        'content-length': body.length,
        origin: `http://127.0.0.1:${server.port}`,
      },
      body,
      chunks: 4,
      pauseMs: 50,
      release: held,
    });
    await new Promise((r) => setTimeout(r, 300));
    server.child.kill('SIGTERM');
    while (!server.log().includes('"shutdown":"SIGTERM"')) await new Promise((r) => setTimeout(r, 10));
    expect(server.log()).toContain('"inFlight":1');

    // Draining: the listener stays open while a request is in flight, so a new request gets a complete 503.
    expect(await get(server.port, '/healthz')).toMatchObject({ status: 503 });

    release();
    const answer = await inFlight;
    expect(answer).toMatchObject({ status: 303 });
    expect(await server.exited).toBe(0);
    expect(server.log()).toContain('"shutdown":"done","cut":0');
    expect(await dbState(server.path)).toEqual({ integrity: 'ok', users: 1 });
    expect(existsSync(`${server.path}.server.pid`)).toBe(false);
  });
});

describe('server process: body limits', () => {
  it('answers 413 to an over-size body before it has been sent, declared or streamed', async () => {
    const server = await startServer();
    const tenMb = Buffer.alloc(10 * 1024 * 1024, 'a');
    const declared = await slowRequest(server.port, {
      path: '/login',
      headers: { 'content-type': 'application/x-www-form-urlencoded', 'content-length': tenMb.length },
      body: tenMb,
      chunks: 160,
      pauseMs: 5,
    });
    expect(declared).toMatchObject({ status: 413 });
    if ('status' in declared) expect(declared.sentWhenAnswered).toBeLessThan(tenMb.length / 2);

    // No Content-Length at all (chunked): the limit counts the bytes as they come.
    const streamed = await slowRequest(server.port, {
      path: '/login',
      headers: { 'content-type': 'application/x-www-form-urlencoded', 'transfer-encoding': 'chunked' },
      body: tenMb,
      chunks: 160,
      pauseMs: 5,
    });
    expect(streamed).toMatchObject({ status: 413 });
    if ('status' in streamed) {
      expect(streamed.sentWhenAnswered).toBeLessThan(tenMb.length / 2);
      expect(streamed.body).toContain('over 262144 bytes');
    }

    // A Content-Length that lies low: the server reads what was declared and no more, and stays up.
    const lying = await slowRequest(server.port, {
      path: '/login',
      headers: { 'content-type': 'application/x-www-form-urlencoded', 'content-length': 100 },
      body: tenMb,
      chunks: 160,
      pauseMs: 5,
    });
    if ('status' in lying) expect(lying.status).toBeLessThan(500);
    expect(await get(server.port, '/healthz')).toMatchObject({ status: 200 });
    server.child.kill('SIGTERM');
    expect(await server.exited).toBe(0);
    expect(server.log()).not.toContain('"status":500');
  });
});
