import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { migrate } from 'drizzle-orm/libsql/migrator';
import { afterEach, describe, expect, it } from 'vitest';
import { createDb, type Db } from '../db/client';
import { migrateDb } from '../db/migrate';

// Migration 0002 rebuilds the hypotheses table (its scores become the team's means, REAL). SQLite cannot
// change a column's type in place, so drizzle-kit copies the table; these tests pin that nothing referring
// to a hypothesis (tags, learning links) is lost on a database made before it, and that scores survive.

const MIGRATIONS = fileURLToPath(new URL('../db/migrations', import.meta.url));

const dirs: string[] = [];
const dbs: Db[] = [];
afterEach(() => {
  for (const db of dbs.splice(0)) db.close();
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

/** A database migrated only up to the given number of migrations (a server from before an upgrade). */
async function databaseAt(count: number): Promise<{ db: Db; url: string }> {
  const dir = mkdtempSync(join(tmpdir(), 'lodestar-migration-'));
  dirs.push(dir);
  const folder = join(dir, 'migrations');
  cpSync(MIGRATIONS, folder, { recursive: true });
  const journalPath = join(folder, 'meta', '_journal.json');
  const journal = JSON.parse(readFileSync(journalPath, 'utf8'));
  journal.entries = journal.entries.slice(0, count);
  writeFileSync(journalPath, JSON.stringify(journal));
  const url = `file:${join(dir, 'old.db')}`;
  const db = createDb(url);
  dbs.push(db);
  await migrate(db.orm, { migrationsFolder: folder });
  return { db, url };
}

describe('migrations', () => {
  it('0002 keeps every hypothesis with its scores, tags and learning links, and leaves it out of any batch', async () => {
    const { db } = await databaseAt(2);
    const run = (sql: string, args: (string | number | null)[] = []) => db.client.execute({ sql, args });
    await run("insert into workspaces (slug, name, created_at) values ('old', 'Old team', 1)");
    await run(
      "insert into metrics (workspace_id, kind, name, created_at, updated_at) values (1, 'input', 'Activation', 1, 1)",
    );
    for (const [title, i, c, e] of [
      ['First', 7, 6, 8],
      ['Second', 3, 4, 5],
    ] as const) {
      await run(
        `insert into hypotheses (workspace_id, metric_id, title, change, outcome, rationale, impact, confidence, ease, ice, estimated_days, expected_roti, status, created_at, updated_at)
         values (1, 1, ?, 'c', 'o', 'r', ?, ?, ?, ?, 2, 2.1, 'backlog', 1, 1)`,
        [title, i, c, e, Math.round(((i + c + e) / 3) * 10) / 10],
      );
    }
    await run(
      "insert into hypothesis_tags (hypothesis_id, workspace_id, tag) values (1, 1, 'onboarding'), (2, 1, 'email')",
    );
    await run(
      "insert into learnings (workspace_id, metric_id, statement, created_at, updated_at) values (1, 1, 'Tips help', 1, 1)",
    );
    await run(
      "insert into hypothesis_learnings (hypothesis_id, learning_id, workspace_id, relation, created_at) values (1, 1, 1, 'supports', 1)",
    );

    await migrateDb(db);

    const rows = (
      await run('select id, title, impact, confidence, ease, ice, batch_id from hypotheses order by id')
    ).rows;
    expect(rows.map((r) => ({ ...r }))).toEqual([
      { id: 1, title: 'First', impact: 7, confidence: 6, ease: 8, ice: 7, batch_id: null },
      { id: 2, title: 'Second', impact: 3, confidence: 4, ease: 5, ice: 4, batch_id: null },
    ]);
    expect((await run('select count(*) as n from hypothesis_tags')).rows[0]?.n).toBe(2);
    expect((await run('select count(*) as n from hypothesis_learnings')).rows[0]?.n).toBe(1);
    expect((await run('pragma foreign_key_check')).rows).toEqual([]);
    expect((await run('pragma integrity_check')).rows[0]?.integrity_check).toBe('ok');
    // The ranking indexes are back, with their descending keys.
    const indexes = (
      await run("select name from sqlite_master where type = 'index' and tbl_name = 'hypotheses'")
    ).rows.map((r) => r.name);
    expect(indexes).toEqual(
      expect.arrayContaining(['hypotheses_rank_ice_idx', 'hypotheses_rank_roti_idx', 'hypotheses_batch_idx']),
    );
    // Means with a decimal now fit.
    await run('update hypotheses set impact = 6.5 where id = 1');
    expect((await run('select impact from hypotheses where id = 1')).rows[0]?.impact).toBe(6.5);
  });

  it('0003 makes every existing metric weekly, keeps its current value, and allows one value per period', async () => {
    const { db } = await databaseAt(3);
    const run = (sql: string, args: (string | number | null)[] = []) => db.client.execute({ sql, args });
    await run("insert into workspaces (slug, name, created_at) values ('old', 'Old team', 1)");
    await run(
      "insert into metrics (workspace_id, kind, name, current_value, created_at, updated_at) values (1, 'input', 'Activation', 0.4, 1, 1)",
    );

    await migrateDb(db);

    expect((await run('select cadence, current_value from metrics')).rows.map((r) => ({ ...r }))).toEqual([
      { cadence: 'week', current_value: 0.4 },
    ]);
    await run(
      "insert into measurements (workspace_id, metric_id, period, value, created_at, updated_at) values (1, 1, '2026-W47', 1, 1, 1)",
    );
    await expect(
      run(
        "insert into measurements (workspace_id, metric_id, period, value, created_at, updated_at) values (1, 1, '2026-W47', 2, 1, 1)",
      ),
    ).rejects.toThrow(/UNIQUE/);
    // Deleting a metric takes its values with it.
    await run('pragma foreign_keys = on');
    await run('delete from metrics where id = 1');
    expect((await run('select count(*) as n from measurements')).rows[0]?.n).toBe(0);
  });

  it('0004 leaves every existing hypothesis without draft provenance (a person wrote it)', async () => {
    const { db } = await databaseAt(4);
    const run = (sql: string, args: (string | number | null)[] = []) => db.client.execute({ sql, args });
    await run("insert into workspaces (slug, name, created_at) values ('old', 'Old team', 1)");
    await run(
      "insert into metrics (workspace_id, kind, name, created_at, updated_at) values (1, 'input', 'Activation', 1, 1)",
    );
    await run(
      `insert into hypotheses (workspace_id, metric_id, title, change, outcome, rationale, impact, confidence, ease, ice, status, created_at, updated_at)
       values (1, 1, 'Old idea', 'c', 'o', 'r', 5, 5, 5, 5, 'draft', 1, 1)`,
    );

    await migrateDb(db);

    const [row] = (
      await run(
        'select title, draft_source, draft_rule, draft_learning_ids, score_reasons, duplicate_of_id, draft_run_id from hypotheses',
      )
    ).rows;
    expect({ ...row }).toEqual({
      title: 'Old idea',
      draft_source: null,
      draft_rule: null,
      draft_learning_ids: null,
      score_reasons: null,
      duplicate_of_id: null,
      draft_run_id: null,
    });
    expect((await run('select count(*) as n from draft_runs')).rows[0]?.n).toBe(0);
  });
  it('0005 adds the closed-experiments and audit indexes to an existing database, and its queries use them', async () => {
    const { db } = await databaseAt(5);
    const run = (sql: string, args: (string | number | null)[] = []) => db.client.execute({ sql, args });
    await run("insert into workspaces (slug, name, created_at) values ('old', 'Old team', 1)");
    await run(
      "insert into metrics (workspace_id, kind, name, created_at, updated_at) values (1, 'input', 'Activation', 1, 1)",
    );
    for (const [status, result, roti] of [
      ['backlog', null, null],
      ['done', 'won', 2.5],
      ['done', 'lost', 0.5],
    ] as const)
      await run(
        `insert into hypotheses (workspace_id, metric_id, title, change, outcome, rationale, impact, confidence, ease, ice, status, result, roti, actual_days, estimated_days, created_at, updated_at)
         values (1, 1, 't', 'c', 'o', 'r', 5, 5, 5, 5, ?, ?, ?, 2, 2, 1, 1)`,
        [status, result, roti],
      );
    for (let i = 0; i < 3; i++)
      await run(
        "insert into audit_events (workspace_id, actor_name, entity, entity_id, action, created_at) values (1, 'x', 'hypothesis', 1, 'create', ?)",
        [10 - i],
      );

    await migrateDb(db);

    const indexes = (await run("select name, sql from sqlite_master where type = 'index'")).rows;
    const byName = new Map(indexes.map((r) => [String(r.name), String(r.sql)]));
    expect(byName.get('hypotheses_closed_idx')).toMatch(/WHERE status = 'done'$/);
    expect(byName.get('audit_workspace_id_idx')).toContain('(`workspace_id`,`id`)');
    expect((await run('select count(*) as n from hypotheses')).rows[0]?.n).toBe(3);
    expect((await run('pragma integrity_check')).rows[0]?.integrity_check).toBe('ok');
    // Only the two closed experiments are in the partial index, with everything the levers sum.
    const sums =
      "select metric_id, count(*) as n, sum(roti) as roti from hypotheses where workspace_id = 1 and status = 'done' and result is not null group by metric_id";
    expect((await run(`EXPLAIN QUERY PLAN ${sums}`)).rows.map((r) => r.detail).join()).toContain(
      'USING COVERING INDEX hypotheses_closed_idx',
    );
    expect({ ...(await run(sums)).rows[0] }).toEqual({ metric_id: 1, n: 2, roti: 3 });
    const newest = 'select max(id) as id from audit_events where workspace_id = 1';
    expect((await run(`EXPLAIN QUERY PLAN ${newest}`)).rows.map((r) => r.detail).join()).toContain(
      'audit_workspace_id_idx',
    );
    expect((await run(newest)).rows[0]?.id).toBe(3);
  });
});
