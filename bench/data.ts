import { randomBytes } from 'node:crypto';
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { InStatement } from '@libsql/client';
import { createDb } from '../db/client';
import { FACTORY_SCRYPT } from '../db/factories';
import { migrateDb } from '../db/migrate';
import { hashPassword } from '../src/accounts/passwords';
import { sha256 } from '../src/accounts/sessions';
import { expectedRoti, ice, roti } from '../src/scoring/scores';
import { teamScores } from '../src/scoring/team';
import { mulberry32 } from './learning/random';

// Big databases for the performance benchmarks, built with raw SQL in big transactions. The factories in
// db/factories.ts go through the domain functions one hypothesis at a time (validation, a transaction and an
// audit row each): a few milliseconds apiece, so an hour for a million rows. Here the rows are written in
// multi-row INSERTs, 10,000 to a transaction, but with the values the app itself would store: ICE and
// expected ROTI come from src/scoring, closed experiments carry a result, ROTI and a learning, scored
// hypotheses carry member scores whose mean is the stored score. What is left out on purpose: the audit
// trail of these rows (nothing on the backlog reads it) and measurements.
//
// A built database is kept under bench/.data/ (gitignored), named by its shape and DATA_VERSION: bump the
// version whenever the schema or the rows written here change, and the next run builds afresh.

export const DATA_VERSION = 1;
const here = dirname(fileURLToPath(import.meta.url));
export const DATA_DIR = join(here, '.data');

export type Shape = {
  /** Workspaces in the database, the measured one included. */
  workspaces: number;
  /** Hypotheses in the database, over all workspaces. */
  hypotheses: number;
  /** Hypotheses of the measured workspace (the first one); the rest are spread evenly over the others. */
  measured: number;
};

/** What a benchmark needs to act as the measured workspace's owner. */
export type BenchDb = {
  file: string;
  slug: string;
  cookie: string;
  token: string;
  /** Ids of backlog hypotheses in the measured workspace, for rescoring. */
  backlogIds: number[];
};

const STATUS_MIX: [string, number][] = [
  ['backlog', 0.8],
  ['parked', 0.08],
  ['rejected', 0.04],
  ['done', 0.08],
];
const statusFor = (r: number) => {
  let acc = 0;
  for (const [status, p] of STATUS_MIX) {
    acc += p;
    if (r < acc) return status;
  }
  return 'backlog';
};
const RESULTS = ['won', 'lost', 'inconclusive'] as const;
const TAGS = ['onboarding', 'email', 'pricing', 'referral', 'mobile', 'seo'];
const WORDS = 'activation invite checklist trial pricing email onboarding referral banner tour nudge'.split(
  ' ',
);

/** The cached database for a shape, built on first use. */
export async function benchDb(name: string, shape: Shape, log = console.log): Promise<BenchDb> {
  mkdirSync(DATA_DIR, { recursive: true });
  const base = join(
    DATA_DIR,
    `${name}-v${DATA_VERSION}-${shape.workspaces}w-${shape.hypotheses}h-${shape.measured}m`,
  );
  const file = `${base}.db`;
  const meta = `${base}.json`;
  if (existsSync(file) && existsSync(meta)) {
    const info = JSON.parse(readFileSync(meta, 'utf8')) as BenchDb;
    await refreshSession(file, info);
    return { ...info, file };
  }
  const started = performance.now();
  log(`building ${file} (${shape.hypotheses} hypotheses in ${shape.workspaces} workspaces)…`);
  const partial = `${base}.building.db`;
  for (const f of [partial, `${partial}-wal`, `${partial}-shm`]) rmSync(f, { force: true });
  const info = await build(partial, shape);
  renameSync(partial, file);
  // Checkpointed (TRUNCATE) and closed: what is left of the WAL is empty and named after the old file.
  for (const f of [`${partial}-wal`, `${partial}-shm`]) rmSync(f, { force: true });
  writeFileSync(meta, JSON.stringify(info, null, 1));
  log(`built in ${((performance.now() - started) / 1000).toFixed(1)} s`);
  return { ...info, file };
}

/** A working copy of a cached database (a benchmark that writes must not change the cache). */
export function workingCopy(source: string, name: string): string {
  const file = join(DATA_DIR, `${name}.work.db`);
  for (const f of [file, `${file}-wal`, `${file}-shm`]) rmSync(f, { force: true });
  copyFileSync(source, file);
  return file;
}

// Sessions end after a week without a request: a database built last month gets its session revived.
async function refreshSession(file: string, info: BenchDb) {
  const db = createDb(`file:${file}`);
  // A database built before a migration gets it now (new indexes), as the server would at start: the
  // in-process benchmarks open the file directly and must measure what a migrated server runs.
  await migrateDb(db);
  const sid = info.cookie.split('=')[1] ?? '';
  const now = Date.now();
  await db.client.execute({
    sql: 'update sessions set created_at = ?, last_seen_at = ? where id_hash = ?',
    args: [now, now, sha256(sid)],
  });
  await db.client.execute('PRAGMA wal_checkpoint(TRUNCATE)');
  db.close();
}

type Row = (string | number | null)[];

/** Multi-row INSERTs of at most `per` rows each (SQLite allows 32,766 parameters a statement). */
function inserts(table: string, columns: string[], rows: Row[], per = 400): InStatement[] {
  const out: InStatement[] = [];
  const one = `(${columns.map(() => '?').join(',')})`;
  for (let i = 0; i < rows.length; i += per) {
    const chunk = rows.slice(i, i + per);
    out.push({
      sql: `insert into ${table} (${columns.join(',')}) values ${chunk.map(() => one).join(',')}`,
      args: chunk.flat(),
    });
  }
  return out;
}

async function build(file: string, shape: Shape): Promise<Omit<BenchDb, 'file'>> {
  const db = createDb(`file:${file}`);
  await migrateDb(db);
  const c = db.client;
  const rand = mulberry32(20260701);
  const pick = <T>(list: readonly T[]): T => list[Math.floor(rand() * list.length)] as T;
  const int = (lo: number, hi: number) => lo + Math.floor(rand() * (hi - lo + 1));
  const now = Date.now();
  const day = 24 * 60 * 60 * 1000;
  // One real scrypt hash (factory cost) shared by every user: valid, and a sign-in would work.
  const hash = await hashPassword('correct horse battery staple', FACTORY_SCRYPT);

  // Users: the bench owner (id 1, server owner) and one owner per other workspace.
  const users: Row[] = [];
  for (let w = 1; w <= shape.workspaces; w++)
    users.push([w, `owner${w}@bench.example`, `Owner ${w}`, hash, w === 1 ? 1 : 0, now, now]);
  const workspaces: Row[] = [];
  const memberships: Row[] = [];
  const metrics: Row[] = [];
  const learnings: Row[] = [];
  for (let w = 1; w <= shape.workspaces; w++) {
    workspaces.push([w, `team-${w}`, `Team ${w}`, 'mean', 'UTC', now - 400 * day]);
    memberships.push([w, w, 'owner', now - 400 * day]);
    // Metric ids: 4w-3 is the North Star, 4w-2 … 4w the three inputs; learning w concerns the first input.
    metrics.push([4 * w - 3, w, 'north_star', 'Weekly active teams', 'teams', now, now]);
    for (const [k, name] of ['Activation rate', 'Invite conversion', 'Week-4 retention'].entries())
      metrics.push([4 * w - 2 + k, w, 'input', name, '%', now, now]);
    learnings.push([
      w,
      w,
      4 * w - 2,
      'Shorter onboarding checklists activate more teams.',
      'supported',
      now,
      now,
    ]);
  }
  // One membership each: the bench owner's workspace switcher stays the size a real member sees.
  await c.batch(
    [
      ...inserts(
        'users',
        ['id', 'email', 'name', 'password_hash', 'is_server_owner', 'created_at', 'password_changed_at'],
        users,
      ),
      ...inserts('workspaces', ['id', 'slug', 'name', 'ice_mode', 'time_zone', 'created_at'], workspaces),
      ...inserts('memberships', ['workspace_id', 'user_id', 'role', 'created_at'], memberships),
      ...inserts(
        'metrics',
        ['id', 'workspace_id', 'kind', 'name', 'unit', 'created_at', 'updated_at'],
        metrics,
      ),
      ...inserts(
        'learnings',
        ['id', 'workspace_id', 'metric_id', 'statement', 'status', 'created_at', 'updated_at'],
        learnings,
      ),
    ],
    'write',
  );

  const rest = shape.hypotheses - shape.measured;
  const others = shape.workspaces - 1;
  const sizeOf = (w: number) =>
    w === 1 ? shape.measured : Math.floor(rest / others) + (w - 2 < rest % others ? 1 : 0);
  const hCols = [
    'id',
    'workspace_id',
    'metric_id',
    'title',
    'change',
    'outcome',
    'expected_lift',
    'rationale',
    'owner',
    'impact',
    'confidence',
    'ease',
    'ice',
    'estimated_days',
    'expected_roti',
    'status',
    'result',
    'actual_days',
    'return_score',
    'roti',
    'closed_at',
    'created_at',
    'updated_at',
  ];
  let id = 0;
  let hRows: Row[] = [];
  let side: InStatement[] = [];
  const backlogIds: number[] = [];
  const flush = async () => {
    await c.batch([...inserts('hypotheses', hCols, hRows, 200), ...side], 'write');
    hRows = [];
    side = [];
  };
  const scoreRows: Row[] = [];
  const tagRows: Row[] = [];
  const linkRows: Row[] = [];
  const flushSide = () => {
    side.push(
      ...inserts(
        'member_scores',
        [
          'hypothesis_id',
          'user_id',
          'workspace_id',
          'impact',
          'confidence',
          'ease',
          'created_at',
          'updated_at',
        ],
        scoreRows.splice(0),
      ),
      ...inserts('hypothesis_tags', ['hypothesis_id', 'workspace_id', 'tag'], tagRows.splice(0)),
      ...inserts(
        'hypothesis_learnings',
        ['hypothesis_id', 'learning_id', 'workspace_id', 'relation', 'created_at'],
        linkRows.splice(0),
      ),
    );
  };
  for (let w = 1; w <= shape.workspaces; w++) {
    const n = sizeOf(w);
    for (let i = 0; i < n; i++) {
      id++;
      const status = statusFor(rand());
      // The measured workspace's hypotheses are scored by its owner (half of them); the others keep the
      // scores they were created with, as imported ones do.
      const mine = { impact: int(1, 10), confidence: int(1, 10), ease: int(1, 10) };
      const scores = teamScores([mine]) ?? mine;
      const days = rand() < 0.85 ? pick([0.5, 1, 2, 3, 5, 8]) : null;
      const created = now - int(1, 365) * day - int(0, day);
      const metricId = 4 * w - 2 + int(0, 2);
      const word = pick(WORDS);
      const done = status === 'done';
      const result = done ? pick(RESULTS) : null;
      const actual = done ? (days ?? 2) * (0.5 + rand()) : null;
      const ret = done ? (result === 'won' ? int(4, 10) : int(0, 4)) : null;
      hRows.push([
        id,
        w,
        metricId,
        `${word[0]?.toUpperCase()}${word.slice(1)} experiment ${id}`,
        `change the ${word} step for new teams`,
        `${word} completion rises`,
        rand() < 0.7 ? int(1, 30) : null,
        `teams told us the ${word} step was confusing`,
        pick(['Ana', 'Ben', 'Chloé', '']),
        scores.impact,
        scores.confidence,
        scores.ease,
        ice(scores, 'mean'),
        days,
        expectedRoti(scores, days),
        status,
        result,
        actual,
        ret,
        done && actual ? roti(ret ?? 0, actual) : null,
        done ? created + 30 * day : null,
        created,
        created,
      ]);
      if (status === 'backlog' && w === 1) backlogIds.push(id);
      if (w === 1 && id % 2 === 0)
        scoreRows.push([id, 1, w, mine.impact, mine.confidence, mine.ease, created, created]);
      if (rand() < 0.3) tagRows.push([id, w, pick(TAGS)]);
      // A closed experiment always has a learning (DESIGN.md: close requires one).
      if (done) linkRows.push([id, w, w, result === 'won' ? 'supports' : 'contradicts', created + 30 * day]);
    }
    if (hRows.length >= 10_000) {
      flushSide();
      await flush();
    }
  }
  flushSide();
  await flush();

  // The bench owner's session (cookie) and API token: only their hashes are stored, as the app does.
  const sid = randomBytes(32).toString('base64url');
  const token = `lsk_${randomBytes(32).toString('base64url')}`;
  await c.batch(
    [
      {
        sql: 'insert into sessions (id_hash, user_id, created_at, last_seen_at) values (?, 1, ?, ?)',
        args: [sha256(sid), now, now],
      },
      {
        sql: 'insert into api_tokens (user_id, label, token_hash, prefix, created_at) values (1, ?, ?, ?, ?)',
        args: ['bench', sha256(token), token.slice(0, 10), now],
      },
    ],
    'write',
  );
  await c.execute('PRAGMA wal_checkpoint(TRUNCATE)');
  db.close();
  return { slug: 'team-1', cookie: `lodestar_session=${sid}`, token, backlogIds };
}
