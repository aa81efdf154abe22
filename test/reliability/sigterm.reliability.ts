import { existsSync, statSync } from 'node:fs';
import { request } from 'node:http';
import { afterAll, describe, expect, it } from 'vitest';
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

// SIGTERM under load: requests already in flight finish (here: uploads still sending their body when the
// signal arrives), a new request gets a 503 or, once the server has stopped listening, a refused
// connection; the process exits 0 and closes the database cleanly (SQLite removes the write-ahead log when
// the last connection closes properly), with every acknowledged write in it.

/** A request whose body arrives in two halves, `gapMs` apart: in flight for at least that long. */
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
  let sendRest = () => {};
  const answer = new Promise<Answer>((ok, fail) => {
    const req = request(
      `${base}/api/v1/workspaces/load/hypotheses`,
      {
        method: 'POST',
        agent: false,
        headers: { ...apiHeaders(c), 'content-length': String(Buffer.byteLength(body)) },
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
    const half = Math.floor(body.length / 2);
    req.write(body.slice(0, half));
    sendRest = () => req.end(body.slice(half));
  });
  return { answer, sendRest: () => sendRest() };
}

describe('reliability: SIGTERM under load', () => {
  const cleanups: (() => Promise<void> | void)[] = [];
  afterAll(async () => {
    for (const fn of cleanups.reverse()) await fn();
  });

  it('finishes in-flight requests, refuses new ones with 503, exits 0 and closes the database', async () => {
    const seed = seedFromEnv();
    console.log(`sigterm: seed=${seed}`);
    const setup = await prepare(20);
    cleanups.push(setup.dispose);
    const server = await startServer(setup.file);
    cleanups.push(server.stop);
    const http = httpClient(30);
    cleanups.push(http.close);
    const ledger = new Ledger();
    let stop = false;
    const writers = apiWriters({
      base: server.base,
      slug: setup.ws.slug,
      metricId: setup.metric.id,
      clients: setup.clients.slice(5),
      seed,
      ledger,
      http,
      until: () => stop,
    });
    await sleep(1500);
    const [first] = setup.clients;
    if (!first) throw new Error('no client');
    const slow = setup.clients
      .slice(0, 5)
      .map((c, i) => slowCreate(server.base, c, `slow ${i} ${seed}`, setup.metric.id));
    await sleep(200);

    const signalled = Date.now();
    server.child.kill('SIGTERM');
    await sleep(300);
    // A new request while the in-flight ones are still sending: 503, or refused if no longer listening.
    let fresh: string;
    try {
      const res = await httpClient(1).send(`${server.base}/api/v1/workspaces/load`, {
        method: 'GET',
        headers: apiHeaders(first),
      });
      fresh = String(res.status);
    } catch (e) {
      fresh = (e as NodeJS.ErrnoException).code ?? String(e);
    }
    for (const s of slow) s.sendRest();
    const slowAnswers = await Promise.allSettled(slow.map((s) => s.answer));
    stop = true;
    const exit = await server.exited;
    const tookMs = Date.now() - signalled;
    await writers;

    const answered = slowAnswers.map((a) => (a.status === 'fulfilled' ? a.value.status : String(a.reason)));
    const walPath = `${setup.file}-wal`;
    const wal = existsSync(walPath) ? statSync(walPath).size : 0;
    console.log(
      `sigterm: exit ${exit.code ?? exit.signal} after ${tookMs} ms; in-flight answers ${answered.join(', ')}; new request → ${fresh}; load ${ledger.summary()}; wal ${wal} bytes`,
    );

    expect(answered, 'in-flight requests finish').toEqual(slow.map(() => 201));
    expect(['503', 'ECONNREFUSED'], 'a new request is refused').toContain(fresh);
    expect(exit.code, 'exit code').toBe(0);
    const unexpected = [...ledger.statuses.keys()].filter((s) => s >= 500 && s !== 503);
    expect(unexpected, 'no 5xx but 503').toEqual([]);
    expect(wal, 'the write-ahead log was checkpointed and removed (a clean close)').toBe(0);
    const check = await checkFile(setup.file);
    expect(check.integrity).toBe('ok');
    expect(check.foreignKeys).toEqual([]);
    expect(await ledger.missing(setup.file, setup.ws.id)).toEqual([]);
    for (const a of slowAnswers)
      if (a.status === 'fulfilled' && a.value.status === 201)
        ledger.created.set(
          (JSON.parse(a.value.text) as { id: number }).id,
          (JSON.parse(a.value.text) as { title: string }).title,
        );
    expect(await ledger.missing(setup.file, setup.ws.id), 'the slow creates are stored').toEqual([]);
  });
});
