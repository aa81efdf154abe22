import { createDb } from '../db/client';
import { createApp } from '../src/app';
import { setWorkspaceMemo } from '../src/cache/workspace-memo';
import { rankedQuery } from '../src/hypotheses/ranking';
import { ListQuery } from '../src/hypotheses/schemas';
import { benchDb, type Shape } from './data';
import { option } from './options';
import { percentile } from './percentile';

// `npm run bench:growth [-- --requests 200]`: does the backlog page stay as fast when the database grows?
// p50 of GET /w/:slug/backlog (the full page, top 50 rows) with 1k, 10k, 100k and 1M hypotheses in the
// database. The database grows the way a server does, by teams: the measured workspace always holds 1,000
// hypotheses, and every other workspace as many (1, 10, 100, 1,000 workspaces). So the measured page's own
// work is the same at every size and any slowdown is the cost of everyone else's rows (a scan that is not
// scoped by the workspace's index prefix, a plan that goes wrong on a big table). How the page grows with
// one team's own backlog is the meeting benchmark's 10,000-hypothesis workspace.
// Requests go through app.request() in this process, one at a time: the app's work without the network.

const REQUESTS = option('requests', 200);
const WARMUP = 30;
const PER_WORKSPACE = 1000;
const SIZES = [1_000, 10_000, 100_000, 1_000_000];

type Level = { size: number; p50: number; p90: number; plan: string[] };
const levels: Level[] = [];

for (const size of SIZES) {
  const shape: Shape = { workspaces: size / PER_WORKSPACE, hypotheses: size, measured: PER_WORKSPACE };
  const info = await benchDb('growth', shape);
  const db = createDb(`file:${info.file}`);
  // Every request reads the database: no kept pages, no kept values (src/cache). What grows with the
  // database is the reading; a kept page would hide it. The row HTML memo stays on, as after a rescoring.
  setWorkspaceMemo(db, false);
  const app = createApp({ db, logLevel: 'silent', pageCacheBytes: 0 });
  const path = `/w/${info.slug}/backlog`;
  const headers = { cookie: info.cookie };
  const once = async () => {
    const t = performance.now();
    const res = await app.request(path, { headers });
    await res.text();
    if (res.status !== 200) throw new Error(`${path} answered ${res.status} with ${size} hypotheses`);
    return performance.now() - t;
  };
  for (let i = 0; i < WARMUP; i++) await once();
  const times: number[] = [];
  for (let i = 0; i < REQUESTS; i++) times.push(await once());

  // The plan of the ranking query the page runs, with the page's own query.
  const [ws] = (
    await db.client.execute({ sql: 'select * from workspaces where slug = ?', args: [info.slug] })
  ).rows;
  const q = ListQuery.parse({ status: 'backlog' });
  const query = rankedQuery(db, { id: Number(ws?.id), iceMode: 'mean' } as never, q).toSQL();
  const plan = await db.client.execute({
    sql: `explain query plan ${query.sql}`,
    args: query.params as never[],
  });
  levels.push({
    size,
    p50: percentile(times, 50),
    p90: percentile(times, 90),
    plan: plan.rows.map((r) => String(r.detail)),
  });
  const l = levels.at(-1) as Level;
  console.log(
    `${String(size).padStart(9)} hypotheses (${shape.workspaces} workspaces): p50 ${l.p50.toFixed(2)} ms, p90 ${l.p90.toFixed(2)} ms over ${REQUESTS} requests`,
  );
  db.close();
}

const first = levels[0] as Level;
const last = levels.at(-1) as Level;
console.log('');
console.log('EXPLAIN QUERY PLAN of the ranking query (default sort: ICE, status backlog, top 50):');
const plans = new Set(levels.map((l) => l.plan.join('\n')));
for (const l of levels)
  if (plans.has(l.plan.join('\n'))) {
    const same = levels.filter((m) => m.plan.join('\n') === l.plan.join('\n')).map((m) => m.size);
    console.log(`  with ${same.join(', ')} hypotheses:`);
    for (const line of l.plan) console.log(`    ${line}`);
    plans.delete(l.plan.join('\n'));
  }
console.log('');
console.log('target: 1M/1k ratio ≤ 1.5');
console.log(
  `growth-bench: p50_1k=${first.p50.toFixed(2)} p50_1m=${last.p50.toFixed(2)} ratio=${(last.p50 / first.p50).toFixed(3)}`,
);
