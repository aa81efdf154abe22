import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { inject } from 'vitest';
import { mulberry32 } from '../../bench/learning/random';
import { createDb, type Db } from '../../db/client';
import { makeInput, makeMember, makeUser, makeWorkspace } from '../../db/factories';
import { migrateDb } from '../../db/migrate';
import type { Metric, User, Workspace } from '../../db/schema';
import { createSession } from '../../src/accounts/sessions';
import { createToken } from '../../src/accounts/tokens';

// The reliability suite's kit: a database prepared on disk, the real server started on it as a child
// process (node on the bundle, or node --import tsx src/server.ts: one process either way, so that a signal
// reaches the server itself and not a wrapper), its log captured, and a small HTTP client for many
// concurrent connections.

export const ROOT = resolve(import.meta.dirname, '../..');

/** A seeded random number generator (mulberry32): the same seed gives the same run. */
export const rng = mulberry32;

export function seedFromEnv(name = 'RELIABILITY_SEED'): number {
  const raw = process.env[name];
  return raw ? Number(raw) : Math.floor(Math.random() * 2 ** 31);
}

export async function freePort(): Promise<number> {
  return new Promise((ok, fail) => {
    const srv = createServer();
    srv.once('error', fail);
    srv.listen(0, '127.0.0.1', () => {
      const address = srv.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      srv.close(() => ok(port));
    });
  });
}

export type Client = { user: User; token: string; cookie: string };

/** A temp directory with a migrated database: one workspace, an input metric and `clients` editors. */
export async function prepare(clients: number) {
  const dir = mkdtempSync(join(tmpdir(), 'lodestar-rel-'));
  const file = join(dir, 'lodestar.db');
  const db = createDb(`file:${file}`);
  await migrateDb(db);
  const owner = await makeUser(db, { name: 'Load Owner', email: 'owner@load.test', serverOwner: true });
  const ws = await makeWorkspace(db, { slug: 'load', name: 'Load', ownerId: owner.id });
  const metric = await makeInput(db, ws, { name: 'Activation rate' });
  const people: Client[] = [];
  for (let i = 0; i < clients; i++) {
    const user = await makeMember(db, ws, 'editor', { email: `c${i}@load.test`, name: `Client ${i}` });
    people.push(await credentials(db, user));
  }
  const ownerCreds = await credentials(db, owner);
  db.close();
  return {
    dir,
    file,
    ws: ws as Workspace,
    metric: metric as Metric,
    owner: ownerCreds,
    clients: people,
    dispose: () => rmSync(dir, { recursive: true, force: true }),
  };
}

async function credentials(db: Db, user: User): Promise<Client> {
  const sid = await createSession(db, user.id);
  const { token } = await createToken(db, user.id, 'reliability');
  return { user, token, cookie: `lodestar_session=${sid}` };
}

export type Server = {
  port: number;
  base: string;
  child: ChildProcess;
  /** Everything the server printed (stdout and stderr), in order. */
  log: () => string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  stop: () => Promise<void>;
};

/** node's arguments for the server (global-setup.ts decides: the bundle, or the source through tsx). */
function serverArgs(): string[] {
  try {
    return inject('serverArgs');
  } catch {
    // Outside vitest (a script importing this kit): the source.
    return ['--import', 'tsx', 'src/server.ts'];
  }
}

/** Starts the real server on the database file and waits for its first listening line. */
export async function startServer(
  file: string,
  opts: { port?: number; logFile?: string } = {},
): Promise<Server> {
  const port = opts.port ?? (await freePort());
  const child = spawn(process.execPath, serverArgs(), {
    cwd: ROOT,
    env: {
      ...process.env,
      DATABASE_URL: `file:${file}`,
      PORT: String(port),
      LODESTAR_DEMO: '0',
      LOG_LEVEL: 'info',
      NODE_ENV: 'production',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const chunks: string[] = [];
  child.stdout?.setEncoding('utf8').on('data', (d: string) => chunks.push(d));
  child.stderr?.setEncoding('utf8').on('data', (d: string) => chunks.push(d));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((ok) =>
    child.once('exit', (code, signal) => {
      if (opts.logFile) writeFileSync(opts.logFile, chunks.join(''));
      ok({ code, signal });
    }),
  );
  const log = () => chunks.join('');
  const started = Date.now();
  while (!/Lodestar is running/.test(log())) {
    if (child.exitCode !== null || child.signalCode !== null)
      throw new Error(`The server exited before listening:\n${log()}`);
    if (Date.now() - started > 30_000) {
      child.kill('SIGKILL');
      throw new Error(`The server did not start within 30 s:\n${log()}`);
    }
    await new Promise((r) => setTimeout(r, 25));
  }
  return {
    port,
    base: `http://127.0.0.1:${port}`,
    child,
    log,
    exited,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
    },
  };
}

export type Answer = { status: number; headers: Record<string, string | string[] | undefined>; text: string };

/** An HTTP client (node:http, keep-alive) with enough connections for every simulated person. */
export function httpClient(connections: number) {
  const agent = new Agent({ keepAlive: true, maxSockets: connections });
  return {
    send(
      url: string,
      init: { method: string; headers?: Record<string, string>; body?: string },
    ): Promise<Answer> {
      return new Promise((ok, fail) => {
        const req = request(url, { method: init.method, headers: init.headers, agent }, (res) => {
          const parts: Buffer[] = [];
          res.on('data', (d: Buffer) => parts.push(d));
          res.on('end', () =>
            ok({
              status: res.statusCode ?? 0,
              headers: res.headers,
              text: Buffer.concat(parts).toString('utf8'),
            }),
          );
          res.on('error', fail);
        });
        req.on('error', fail);
        req.end(init.body);
      });
    },
    close: () => agent.destroy(),
  };
}

export const formHeaders = (c: Client, base: string, htmx = false): Record<string, string> => ({
  cookie: c.cookie,
  origin: base,
  'content-type': 'application/x-www-form-urlencoded',
  ...(htmx ? { 'hx-request': 'true' } : {}),
});

export const apiHeaders = (c: Client): Record<string, string> => ({
  authorization: `Bearer ${c.token}`,
  'content-type': 'application/json',
});

/** Opens the database file directly (after the server has stopped, or beside it: reads only). */
export function openDb(file: string): Db {
  return createDb(`file:${file}`);
}

/** PRAGMA integrity_check and foreign_key_check, as the file is now. */
export async function checkFile(file: string): Promise<{ integrity: string; foreignKeys: unknown[] }> {
  const db = openDb(file);
  try {
    const integrity = await db.client.execute('PRAGMA integrity_check');
    const fk = await db.client.execute('PRAGMA foreign_key_check');
    return {
      integrity: String(integrity.rows.map((r) => Object.values(r)[0]).join('; ')),
      foreignKeys: fk.rows,
    };
  } finally {
    db.close();
  }
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

type Scores = { impact: number; confidence: number; ease: number };

/** What the server acknowledged: hypotheses created (id → title) and each person's last score of one. */
export class Ledger {
  created = new Map<number, string>();
  scored = new Map<string, Scores>();
  /** Scores sent after the last acknowledged one whose answer never came (the server died meanwhile). */
  doubt = new Map<string, Scores[]>();
  statuses = new Map<number, number>();
  serverErrors: string[] = [];
  /** 503s that did not say `Connection: close` and `Retry-After` (a draining server must say both). */
  badRefusals: string[] = [];
  requests = 0;
  /** Requests that got no answer at all (refused or cut connections). */
  unanswered = 0;
  /** Why, by error code (ECONNREFUSED, ECONNRESET…). */
  errors = new Map<string, number>();

  note(status: number, what: string, text = '', headers: Answer['headers'] = {}) {
    this.requests++;
    this.statuses.set(status, (this.statuses.get(status) ?? 0) + 1);
    if (status >= 500 && this.serverErrors.length < 20)
      this.serverErrors.push(`${what}: ${status} ${text.slice(0, 200)}`);
    if (status === 503 && (headers.connection !== 'close' || !headers['retry-after']))
      this.badRefusals.push(`${what}: ${JSON.stringify(headers)}`);
  }

  summary() {
    const errors = this.errors.size ? ` ${JSON.stringify(Object.fromEntries(this.errors))}` : '';
    return `${this.requests} requests, statuses ${JSON.stringify(Object.fromEntries(this.statuses))}, ${this.created.size} created, ${this.scored.size} scores, ${this.unanswered} unanswered${errors}`;
  }

  /** The acknowledged writes the database file does not hold (empty when nothing was lost). */
  async missing(file: string, workspaceId: number): Promise<string[]> {
    const db = openDb(file);
    try {
      const rows = await db.client.execute({
        sql: 'select id, title from hypotheses where workspace_id = ?',
        args: [workspaceId],
      });
      const titles = new Map(rows.rows.map((r) => [Number(r.id), String(r.title)]));
      const lost = [...this.created]
        .filter(([id, title]) => titles.get(id) !== title)
        .map(([id, title]) => `hypothesis ${id} "${title}"`);
      const scoreRows = await db.client.execute({
        sql: 'select hypothesis_id, user_id, impact, confidence, ease from member_scores where workspace_id = ?',
        args: [workspaceId],
      });
      const scores = new Map(
        scoreRows.rows.map((r) => [
          `${r.user_id}:${r.hypothesis_id}`,
          JSON.stringify({
            impact: Number(r.impact),
            confidence: Number(r.confidence),
            ease: Number(r.ease),
          }),
        ]),
      );
      for (const [key, s] of this.scored) {
        const allowed = [s, ...(this.doubt.get(key) ?? [])].map((v) => JSON.stringify(v));
        if (!allowed.includes(scores.get(key) ?? ''))
          lost.push(`score ${key} ${JSON.stringify(s)} (found ${scores.get(key)})`);
      }
      return lost;
    } finally {
      db.close();
    }
  }
}

/**
 * People writing through the API until `until()` says stop: each creates hypotheses and rescores them,
 * waiting for each answer before the next request. Connection errors end nothing (a killed server refuses
 * them); only answers count, and only 2xx answers go into the ledger.
 */
export async function apiWriters(opts: {
  base: string;
  slug: string;
  metricId: number;
  clients: Client[];
  seed: number;
  ledger: Ledger;
  http: ReturnType<typeof httpClient>;
  until: () => boolean;
  pauseMs?: number;
  /** Stop at the first 503, as a client honouring its Retry-After would (the server is going away). */
  stopOnRefusal?: boolean;
}): Promise<void> {
  const { ledger, http } = opts;
  const one = async (c: Client, i: number) => {
    const random = rng(opts.seed + i);
    const score = () => ({
      impact: 1 + Math.floor(random() * 10),
      confidence: 1 + Math.floor(random() * 10),
      ease: 1 + Math.floor(random() * 10),
    });
    let n = 0;
    while (!opts.until()) {
      n++;
      const ids = [...ledger.created.keys()];
      const create = ids.length < 10 || random() < 0.3;
      const id = ids[Math.floor(random() * ids.length)] ?? 0;
      const key = `${c.user.id}:${id}`;
      const mine = score();
      try {
        if (create) {
          const title = `c${i} #${n} ${opts.seed}`;
          const res = await http.send(`${opts.base}/api/v1/workspaces/${opts.slug}/hypotheses`, {
            method: 'POST',
            headers: apiHeaders(c),
            body: JSON.stringify({
              title,
              change: 'add a checklist to the empty state',
              outcome: 'activation will rise',
              rationale: 'new teams do not know where to start',
              metricId: opts.metricId,
              ...mine,
            }),
          });
          ledger.note(res.status, 'create', res.text, res.headers);
          if (opts.stopOnRefusal && res.status === 503) return;
          if (res.status === 201) ledger.created.set((JSON.parse(res.text) as { id: number }).id, title);
        } else {
          const res = await http.send(
            `${opts.base}/api/v1/workspaces/${opts.slug}/hypotheses/${id}/my-score`,
            {
              method: 'PUT',
              headers: apiHeaders(c),
              body: JSON.stringify(mine),
            },
          );
          ledger.note(res.status, 'rescore', res.text, res.headers);
          if (opts.stopOnRefusal && res.status === 503) return;
          if (res.status === 200) {
            ledger.scored.set(key, mine);
            ledger.doubt.delete(key);
          }
        }
      } catch (e) {
        // Refused or cut connection: no answer, so nothing acknowledged (a score may still have landed).
        ledger.unanswered++;
        const code = (e as NodeJS.ErrnoException).code ?? String(e);
        ledger.errors.set(code, (ledger.errors.get(code) ?? 0) + 1);
        if (!create) ledger.doubt.set(key, [...(ledger.doubt.get(key) ?? []), mine]);
        await sleep(20);
      }
      if (opts.pauseMs) await sleep(opts.pauseMs);
    }
  };
  await Promise.all(opts.clients.map((c, i) => one(c, i)));
}
