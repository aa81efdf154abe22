import { existsSync, statSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { afterAll, describe, expect, it } from 'vitest';
import { type OnceAnswer, requestOnce } from '../http-once';
import {
  type Answer,
  apiHeaders,
  apiWriters,
  type Client,
  checkFile,
  httpClient,
  Ledger,
  prepare,
  seedFromEnv,
  sleep,
  startServer,
} from './kit';

// SIGTERM under load (15 people writing as fast as the server answers, which saturates it):
// - requests in flight finish: uploads whose head the server has read (it said `100 Continue`) and that
//   are still sending their body when the signal comes get their 201, and the rows are stored;
// - everything new gets a complete 503 with `Connection: close` and `Retry-After`, never a reset, and
//   never a refused connection while requests are still in flight: a new connection, a request on a
//   connection kept alive from before the signal, /healthz, the writers' next requests; requests sent on
//   new connections just before the signal (on this busy server, still in the accept queue or unread
//   when the signal is handled) get an answer too, 200 or 503;
// - the process exits 0, cuts nothing, and closes the database cleanly (the write-ahead log is
//   checkpointed and removed), with every acknowledged write in it.
// Ten writers honour Retry-After (they stop at their first 503): none of their requests may go
// unanswered. Five ignore it and send again at once, through the listener's close: they may find the
// port closed afterwards (ECONNREFUSED), but never a reset connection.

/** One request, on a new connection (`agent: false`) or on `agent`'s kept-alive one. */
function send(url: string, headers: Record<string, string>, agent: Agent | false = false) {
  return requestOnce(url, { headers, agent });
}

/**
 * A create whose head is sent first: `started` resolves once the server has read it (its `100 Continue`,
 * which node sends as it hands the request to the app), after which half the body follows. The rest
 * waits for `sendRest()`. So it is in flight, for certain, from `started` until its answer.
 */
function slowCreate(base: string, c: Client, title: string, metricId: number) {
  const body = JSON.stringify({
    title,
    change: 'send the slow request',
    outcome: 'it finishes',
    rationale: 'in-flight requests must finish on shutdown',
    metricId,
    impact: 5,
    confidence: 5,
    ease: 5,
  });
  const half = Math.floor(body.length / 2);
  let req: ReturnType<typeof request> | undefined;
  let started: () => void = () => {};
  const startedP = new Promise<void>((r) => {
    started = r;
  });
  const answer = new Promise<Answer>((ok, fail) => {
    req = request(
      `${base}/api/v1/workspaces/load/hypotheses`,
      {
        method: 'POST',
        agent: false,
        headers: {
          ...apiHeaders(c),
          'content-length': String(Buffer.byteLength(body)),
          expect: '100-continue',
        },
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8').on('data', (d: string) => {
          text += d;
        });
        res.on('end', () => ok({ status: res.statusCode ?? 0, headers: res.headers, text }));
        res.on('error', fail);
      },
    );
    req.on('error', fail);
    req.on('continue', () => {
      req?.write(body.slice(0, half));
      started();
    });
    req.flushHeaders();
  });
  // An answer before `started` (an error) must not leave the test waiting for a 100 Continue.
  answer.catch(() => started());
  return { started: startedP, answer, sendRest: () => req?.end(body.slice(half)) };
}

const settled = <T>(p: Promise<T>) =>
  p.then(
    (v) => ({ ok: true as const, v }),
    (e: NodeJS.ErrnoException) => ({ ok: false as const, error: e.code ?? String(e) }),
  );

async function within<T>(ms: number, what: string, check: () => T | undefined): Promise<T> {
  const until = Date.now() + ms;
  for (;;) {
    const v = check();
    if (v) return v;
    if (Date.now() > until) throw new Error(`gave up waiting for ${what}`);
    await sleep(10);
  }
}

describe('reliability: SIGTERM under load', () => {
  const cleanups: (() => Promise<void> | void)[] = [];
  afterAll(async () => {
    for (const fn of cleanups.reverse()) await fn();
  });

  it('finishes in-flight requests, answers everything new with a whole 503, exits 0 and closes the database', async () => {
    const seed = seedFromEnv();
    console.log(`sigterm: seed=${seed}`);
    const setup = await prepare(20);
    cleanups.push(setup.dispose);
    const server = await startServer(setup.file);
    cleanups.push(server.stop);
    const http = httpClient(30);
    cleanups.push(http.close);
    const keptAlive = new Agent({ keepAlive: true, maxSockets: 1 });
    cleanups.push(() => keptAlive.destroy());
    const ledger = new Ledger();
    const impatient = new Ledger();
    let stop = false;
    const writers = Promise.all([
      apiWriters({
        base: server.base,
        slug: setup.ws.slug,
        metricId: setup.metric.id,
        clients: setup.clients.slice(5, 15),
        seed,
        ledger,
        http,
        until: () => stop,
        stopOnRefusal: true,
      }),
      apiWriters({
        base: server.base,
        slug: setup.ws.slug,
        metricId: setup.metric.id,
        clients: setup.clients.slice(15),
        seed: seed + 100,
        ledger: impatient,
        http,
        until: () => stop,
      }),
    ]);
    await sleep(1000);
    const [first] = setup.clients;
    if (!first) throw new Error('no client');
    const read = `${server.base}/api/v1/workspaces/load`;

    const slow = setup.clients
      .slice(0, 5)
      .map((c, i) => slowCreate(server.base, c, `slow ${i} ${seed}`, setup.metric.id));
    await Promise.race([Promise.all(slow.map((s) => s.started)), sleep(30_000)]);
    // A connection kept alive from before the signal (idle since: node's keep-alive timeout is 5 s).
    expect(await send(read, apiHeaders(first), keptAlive)).toMatchObject({ status: 200, reused: false });
    const idleSince = Date.now();
    const justBefore = setup.clients.slice(0, 5).map((c) => settled(send(read, apiHeaders(c))));

    const signalled = Date.now();
    server.child.kill('SIGTERM');
    // The server handles the signal when its busy event loop gets to it; "new" means after that.
    await within(10_000, 'the shutdown log line', () => server.log().includes('"shutdown":"SIGTERM"'));
    const fresh = await settled(send(read, apiHeaders(first)));
    const idleMs = Date.now() - idleSince;
    const again = await settled(send(read, apiHeaders(first), keptAlive));
    const health = await settled(send(`${server.base}/healthz`, {}));
    for (const s of slow) s.sendRest();
    const slowAnswers = await Promise.all(slow.map((s) => settled(s.answer)));
    const before = await Promise.all(justBefore);
    const exit = await server.exited;
    const tookMs = Date.now() - signalled;
    stop = true;
    await writers;

    const show = (a: Awaited<ReturnType<typeof settled<Answer>>>) => (a.ok ? a.v.status : a.error);
    const walPath = `${setup.file}-wal`;
    const wal = existsSync(walPath) ? statSync(walPath).size : 0;
    const done = server.log().match(/\{[^\n]*"shutdown":"done"[^\n]*\}/)?.[0] ?? '(no done line)';
    console.log(
      `sigterm: exit ${exit.code ?? exit.signal} after ${tookMs} ms; in flight → ${slowAnswers.map(show).join(', ')}; ` +
        `just before the signal → ${before.map(show).join(', ')}; new connection → ${show(fresh)}; ` +
        `kept-alive connection (idle ${idleMs} ms) → ${show(again)}; healthz → ${show(health)}; writers ${ledger.summary()}; ` +
        `impatient writers ${impatient.summary()}; ` +
        `wal ${wal} bytes; ${done}`,
    );

    expect(slowAnswers.map(show), 'in-flight requests finish').toEqual(slow.map(() => 201));
    for (const a of slowAnswers)
      if (a.ok) {
        const { id, title } = JSON.parse(a.v.text) as { id: number; title: string };
        ledger.created.set(id, title);
      }

    const refusal = (a: Awaited<ReturnType<typeof settled<OnceAnswer>>>) =>
      a.ok
        ? {
            status: a.v.status,
            connection: a.v.headers.connection,
            retryAfter: a.v.headers['retry-after'],
          }
        : a.error;
    const whole503 = { status: 503, connection: 'close', retryAfter: '5' };
    expect(refusal(fresh), 'a new connection during the drain').toEqual(whole503);
    if (fresh.ok) expect(fresh.v.text).toContain('restarting');
    expect(refusal(again), 'a request on a connection kept alive from before').toEqual(whole503);
    expect(again.ok && again.v.reused, 'it went on the kept-alive connection').toBe(true);
    expect(refusal(health), 'healthz during the drain').toEqual(whole503);
    if (health.ok) expect(JSON.parse(health.v.text)).toMatchObject({ status: 'unavailable' });
    for (const b of before) {
      expect(b.ok ? [200, 503] : [], 'a request sent just before the signal gets an answer').toContain(
        b.ok ? b.v.status : b.error,
      );
      if (b.ok && b.v.status === 503) expect(refusal(b)).toEqual(whole503);
    }

    for (const [who, l] of [
      ['writers', ledger],
      ['impatient writers', impatient],
    ] as const) {
      expect(l.statuses.get(503) ?? 0, `${who} got 503s during the drain`).toBeGreaterThan(0);
      const unexpected = [...l.statuses.keys()].filter((s) => s >= 300 && s !== 503);
      expect(unexpected, `${who}: nothing but 2xx and 503`).toEqual([]);
      expect(l.badRefusals, `${who}: every 503 says Connection: close and Retry-After`).toEqual([]);
    }
    expect(ledger.unanswered, 'writers honouring Retry-After: no request reset or refused').toBe(0);
    expect(
      [...impatient.errors.keys()],
      'impatient writers: a closed port at the end, never a reset',
    ).toEqual(impatient.errors.size ? ['ECONNREFUSED'] : []);

    expect(exit.code, 'exit code').toBe(0);
    expect(done, 'nothing was cut at the deadline').toContain('"cut":0');
    expect(wal, 'the write-ahead log was checkpointed and removed (a clean close)').toBe(0);
    const check = await checkFile(setup.file);
    expect(check.integrity).toBe('ok');
    expect(check.foreignKeys).toEqual([]);
    expect(await ledger.missing(setup.file, setup.ws.id), 'every acknowledged write is stored').toEqual([]);
    expect(await impatient.missing(setup.file, setup.ws.id), 'every acknowledged write is stored').toEqual(
      [],
    );
  });
});
