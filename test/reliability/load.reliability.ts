import { afterAll, describe, expect, it } from 'vitest';
import {
  type Answer,
  apiHeaders,
  type Client,
  formHeaders,
  httpClient,
  openDb,
  prepare,
  rng,
  type Server,
  seedFromEnv,
  startServer,
} from './kit';

// 200 people at once for 30 s over loopback, half through the API with tokens, half through the pages'
// forms with sessions and htmx, creating hypotheses and rescoring them. Every 2xx/3xx goes into a ledger;
// afterwards every ledger entry must be in the database with its last acknowledged value, no answer may be
// a 5xx, and the server's log must not mention SQLITE_BUSY.

const CLIENTS = Number(process.env.RELIABILITY_CLIENTS ?? 200);
const SECONDS = Number(process.env.RELIABILITY_SECONDS ?? 30);

type Scores = { impact: number; confidence: number; ease: number };

describe('reliability: 200 concurrent clients creating and rescoring', () => {
  const cleanups: (() => Promise<void> | void)[] = [];
  afterAll(async () => {
    for (const fn of cleanups.reverse()) await fn();
  });

  it(`keeps every acknowledged write, answers no 5xx and never reports SQLITE_BUSY (${SECONDS} s)`, async () => {
    const seed = seedFromEnv();
    console.log(`load: seed=${seed} clients=${CLIENTS} seconds=${SECONDS}`);
    const setup = await prepare(CLIENTS);
    cleanups.push(setup.dispose);
    const server: Server = await startServer(setup.file);
    cleanups.push(server.stop);
    const http = httpClient(CLIENTS + 10);
    cleanups.push(http.close);

    // The ledger: hypotheses acknowledged as created (id → title), and each person's last acknowledged
    // score per hypothesis. A client waits for each answer before its next request, so "last" is exact.
    const created = new Map<number, string>();
    const scored = new Map<string, Scores>();
    const statuses = new Map<number, number>();
    const failures: string[] = [];
    let requests = 0;
    const note = (res: Answer, what: string) => {
      requests++;
      statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
      if (res.status >= 500 && failures.length < 20)
        failures.push(`${what}: ${res.status} ${res.text.slice(0, 200)}`);
    };
    const { slug } = setup.ws;
    const deadline = Date.now() + SECONDS * 1000;

    async function person(c: Client, i: number) {
      const random = rng(seed + i);
      const api = i % 2 === 0;
      const score = (): Scores => ({
        impact: 1 + Math.floor(random() * 10),
        confidence: 1 + Math.floor(random() * 10),
        ease: 1 + Math.floor(random() * 10),
      });
      let n = 0;
      while (Date.now() < deadline) {
        n++;
        const ids = [...created.keys()];
        if (ids.length < 20 || random() < 0.25) {
          const title = `c${i} #${n} ${seed}`;
          const fields = {
            title,
            change: 'add a checklist to the empty state',
            outcome: 'activation will rise',
            rationale: 'new teams do not know where to start',
            metricId: String(setup.metric.id),
            ...Object.fromEntries(Object.entries(score()).map(([k, v]) => [k, String(v)])),
          };
          if (api) {
            const res = await http.send(`${server.base}/api/v1/workspaces/${slug}/hypotheses`, {
              method: 'POST',
              headers: apiHeaders(c),
              body: JSON.stringify({ ...fields, metricId: setup.metric.id }),
            });
            note(res, 'API create');
            if (res.status === 201) created.set((JSON.parse(res.text) as { id: number }).id, title);
          } else {
            const res = await http.send(`${server.base}/w/${slug}/hypotheses`, {
              method: 'POST',
              headers: formHeaders(c, server.base),
              body: new URLSearchParams(fields).toString(),
            });
            note(res, 'form create');
            const location = String(res.headers.location ?? '');
            const id = Number(location.match(/\/hypotheses\/(\d+)/)?.[1]);
            if (res.status === 303 && id) created.set(id, title);
            else if (res.status < 500) failures.push(`form create: ${res.status} ${location}`);
          }
        } else {
          const id = ids[Math.floor(random() * ids.length)] ?? 0;
          const mine = score();
          const res = api
            ? await http.send(`${server.base}/api/v1/workspaces/${slug}/hypotheses/${id}/my-score`, {
                method: 'PUT',
                headers: apiHeaders(c),
                body: JSON.stringify(mine),
              })
            : await http.send(`${server.base}/w/${slug}/hypotheses/${id}/score`, {
                method: 'POST',
                headers: formHeaders(c, server.base, true),
                body: new URLSearchParams(
                  Object.fromEntries(Object.entries(mine).map(([k, v]) => [k, String(v)])),
                ).toString(),
              });
          note(res, api ? 'API rescore' : 'htmx rescore');
          if (res.status === 200) scored.set(`${c.user.id}:${id}`, mine);
        }
      }
    }

    const started = Date.now();
    await Promise.all(setup.clients.map((c, i) => person(c, i)));
    const seconds = (Date.now() - started) / 1000;
    const rps = Math.round(requests / seconds);
    console.log(
      `load: ${requests} requests in ${seconds.toFixed(1)} s = ${rps} req/s; statuses ${JSON.stringify(Object.fromEntries(statuses))}; ${created.size} created, ${scored.size} scores acknowledged`,
    );

    await server.stop();
    const log = server.log();
    expect(failures, 'no 5xx and no unexpected refusal').toEqual([]);
    expect([...statuses.keys()].filter((s) => s >= 500)).toEqual([]);
    expect(log).not.toMatch(/SQLITE_BUSY|database is locked/);
    expect(created.size).toBeGreaterThan(CLIENTS);

    const db = openDb(setup.file);
    try {
      const rows = await db.client.execute({
        sql: 'select id, title from hypotheses where workspace_id = ?',
        args: [setup.ws.id],
      });
      const inDb = new Map(rows.rows.map((r) => [Number(r.id), String(r.title)]));
      const missing = [...created].filter(([id, title]) => inDb.get(id) !== title);
      expect(missing, 'acknowledged hypotheses missing from the database').toEqual([]);
      const scoreRows = await db.client.execute({
        sql: 'select hypothesis_id, user_id, impact, confidence, ease from member_scores where workspace_id = ?',
        args: [setup.ws.id],
      });
      const scoresInDb = new Map(
        scoreRows.rows.map((r) => [
          `${r.user_id}:${r.hypothesis_id}`,
          { impact: Number(r.impact), confidence: Number(r.confidence), ease: Number(r.ease) },
        ]),
      );
      const wrong = [...scored].filter(
        ([key, s]) => JSON.stringify(scoresInDb.get(key)) !== JSON.stringify(s),
      );
      expect(wrong, 'acknowledged scores not in the database as last acknowledged').toEqual([]);
      const integrity = await db.client.execute('PRAGMA integrity_check');
      expect(Object.values(integrity.rows[0] ?? {})[0]).toBe('ok');
    } finally {
      db.close();
    }
  });
});
