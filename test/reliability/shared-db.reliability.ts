import { spawn } from 'node:child_process';
import { afterAll, describe, expect, it } from 'vitest';
import {
  apiWriters,
  checkFile,
  httpClient,
  Ledger,
  openDb,
  prepare,
  ROOT,
  seedFromEnv,
  startServer,
} from './kit';

// The server and the command line writing one database at the same time, from two processes: the server
// takes API writes from 50 people while a second process runs the CLI's commands in a loop (people, their
// membership, their tokens), and the real `src/cli.ts` is started a few times beside both. Nothing either
// acknowledged may be missing afterwards, and a busy database must never surface as a 5xx or a failed
// command.

const SECONDS = Number(process.env.RELIABILITY_SHARED_SECONDS ?? 20);

function runNode(args: string[], env: Record<string, string>): Promise<{ code: number | null; out: string }> {
  return new Promise((ok) => {
    const child = spawn(process.execPath, ['--import', 'tsx', ...args], {
      cwd: ROOT,
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => {
      out += d;
    });
    child.stderr.setEncoding('utf8').on('data', (d: string) => {
      out += d;
    });
    child.on('exit', (code) => ok({ code, out }));
  });
}

describe('reliability: the server and the CLI on one database', () => {
  const cleanups: (() => Promise<void> | void)[] = [];
  afterAll(async () => {
    for (const fn of cleanups.reverse()) await fn();
  });

  it(`loses nothing either process acknowledged (${SECONDS} s)`, async () => {
    const seed = seedFromEnv();
    console.log(`shared-db: seed=${seed} seconds=${SECONDS}`);
    const setup = await prepare(50);
    cleanups.push(setup.dispose);
    const server = await startServer(setup.file);
    cleanups.push(server.stop);
    const http = httpClient(60);
    cleanups.push(http.close);
    const ledger = new Ledger();
    const deadline = Date.now() + SECONDS * 1000;
    const env = { DATABASE_URL: `file:${setup.file}`, LODESTAR_DEMO: '0' };

    // The real command line, started again and again beside the loop (each start costs a second or so).
    const realCli = async () => {
      const acks: string[] = [];
      const fails: string[] = [];
      for (let n = 1; Date.now() < deadline - 2000; n++) {
        const email = `real-${n}@cli.test`;
        const res = await runNode(
          [
            'src/cli.ts',
            'user',
            'add',
            '--email',
            email,
            '--name',
            `Real ${n}`,
            '--password',
            'long enough pw',
          ],
          env,
        );
        if (res.code === 0) acks.push(email);
        else fails.push(`${email}: exit ${res.code}: ${res.out.slice(0, 300)}`);
      }
      return { acks, fails };
    };

    const [loop, real] = await Promise.all([
      runNode(['test/reliability/cli-loop.ts', setup.file, String(SECONDS), 'loop'], {}),
      realCli(),
      apiWriters({
        base: server.base,
        slug: setup.ws.slug,
        metricId: setup.metric.id,
        clients: setup.clients,
        seed,
        ledger,
        http,
        until: () => Date.now() > deadline,
      }),
    ]);
    await server.stop();

    const acked = loop.out.split('\n').filter((l) => l.startsWith('ACK '));
    const failedLines = loop.out.split('\n').filter((l) => l.startsWith('FAIL ') || /Error/.test(l));
    console.log(
      `shared-db: server ${ledger.summary()} (${Math.round(ledger.requests / SECONDS)} req/s); CLI loop ${acked.length} acknowledged commands, ${failedLines.length} failed; real CLI ${real.acks.length} runs, ${real.fails.length} failed`,
    );
    expect(failedLines, 'CLI loop: no command failed').toEqual([]);
    expect(loop.code).toBe(0);
    expect(real.fails, 'real CLI: no run failed').toEqual([]);
    expect(ledger.serverErrors, 'server: no 5xx').toEqual([]);
    expect(server.log()).not.toMatch(/SQLITE_BUSY|database is locked/);
    expect(acked.length).toBeGreaterThan(10);
    expect(ledger.created.size).toBeGreaterThan(50);

    expect(await ledger.missing(setup.file, setup.ws.id), 'server writes lost').toEqual([]);
    const db = openDb(setup.file);
    try {
      const q = async (sql: string) =>
        (await db.client.execute(sql)).rows.map((r) => String(Object.values(r)[0]));
      const users = new Set(await q('select email from users'));
      const members = new Set(
        await q(
          "select u.email from memberships m join users u on u.id = m.user_id join workspaces w on w.id = m.workspace_id where w.slug = 'load' and m.role = 'editor'",
        ),
      );
      const tokens = new Set(
        await q("select u.email from api_tokens t join users u on u.id = t.user_id where t.label = 'loop'"),
      );
      const lost: string[] = [];
      for (const line of acked) {
        const [, what, email = ''] = line.split(' ');
        const set = what === 'user' ? users : what === 'member' ? members : tokens;
        if (!set.has(email)) lost.push(line);
      }
      for (const email of real.acks) if (!users.has(email)) lost.push(`real CLI user ${email}`);
      expect(lost, 'CLI writes lost').toEqual([]);
    } finally {
      db.close();
    }
    const check = await checkFile(setup.file);
    expect(check.integrity).toBe('ok');
    expect(check.foreignKeys).toEqual([]);
  });
});
