import { and, eq, inArray, isNull } from 'drizzle-orm';
import type { Db, Tx } from '../../db/client';
import {
  type Hypothesis,
  hypotheses,
  hypothesisLearnings,
  hypothesisTags,
  learnings,
  metrics,
  type Workspace,
} from '../../db/schema';
import { type Change, recordChange, recordChanges, snapshot } from '../audit/audit';
import { ValidationError } from '../errors';
import { expectedRoti, ice, roti } from '../scoring/scores';
import type { ImportedHypothesis } from './hypothesis-columns';

/** Rows per insert statement: well under SQLite's limit on bound parameters (about 30 columns a row). */
const CHUNK = 100;

/** A checked row as the hypotheses table stores it (derived scores computed as the form's save does). */
function rowValues(ws: Workspace, r: ImportedHypothesis, now: number) {
  const { input, closed } = r;
  const estimatedDays = input.estimatedDays ?? null;
  const started = r.status === 'running' || r.status === 'done';
  return {
    workspaceId: ws.id,
    metricId: input.metricId,
    title: input.title,
    change: input.change,
    outcome: input.outcome,
    expectedLift: input.expectedLift ?? null,
    rationale: input.rationale,
    owner: input.owner,
    impact: input.impact,
    confidence: input.confidence,
    ease: input.ease,
    ice: ice(input, ws.iceMode),
    estimatedDays,
    expectedRoti: expectedRoti(input, estimatedDays),
    status: r.status,
    startedAt: started ? (r.startedAt ?? r.closedAt ?? now) : null,
    ...(closed
      ? {
          result: closed.result,
          baseline: closed.baseline,
          observed: closed.observed,
          lift: closed.lift,
          actualDays: closed.actualDays,
          returnScore: closed.returnScore,
          roti: roti(closed.returnScore, closed.actualDays),
          closedAt: r.closedAt ?? now,
        }
      : {}),
    createdAt: now,
    updatedAt: now,
  };
}

/** A done row's learning, linked as one the experiment supports, with its own 'create' record. */
async function addLearning(tx: Tx, ws: Workspace, h: Hypothesis, statement: string, now: number) {
  const [learning] = await tx
    .insert(learnings)
    .values({ workspaceId: ws.id, metricId: h.metricId, statement, createdAt: now, updatedAt: now })
    .returning();
  if (!learning) throw new Error('insert returned no row');
  await tx.insert(hypothesisLearnings).values({
    hypothesisId: h.id,
    learningId: learning.id,
    workspaceId: ws.id,
    relation: 'supports',
    createdAt: now,
  });
  await recordChange(
    tx,
    {
      workspaceId: ws.id,
      entity: 'learning',
      entityId: learning.id,
      action: 'create',
      after: {
        ...snapshot(learning),
        hypothesisId: h.id,
        hypothesisTitle: h.title,
        relation: 'supports',
        source: 'csv',
      },
    },
    now,
  );
}

/**
 * Stores checked rows in one transaction: every hypothesis (with its tags, and a done one's result and
 * learnings) or, if anything fails, none. Each hypothesis and learning gets its own 'create' record (its
 * history starts there, marked `source: 'csv'`), and the workspace one 'import' record that says how many
 * came in at once. Imported scores are nobody's own scores (no member scored them yet), as for seeded rows.
 * Returns how many hypotheses were created.
 */
export async function commitHypotheses(
  db: Db,
  ws: Workspace,
  rows: ImportedHypothesis[],
  now = Date.now(),
): Promise<number> {
  if (new Set(rows.map((r) => r.input.title)).size !== rows.length)
    throw new Error('commitHypotheses needs distinct titles (checkHypothesesCsv refuses repeats)');
  return db.write(async (tx) => {
    // A metric archived since the preview would otherwise receive new hypotheses.
    const metricIds = [...new Set(rows.map((r) => r.input.metricId))];
    const active = new Set<number>();
    for (let i = 0; i < metricIds.length; i += 500) {
      const found = await tx
        .select({ id: metrics.id })
        .from(metrics)
        .where(
          and(
            eq(metrics.workspaceId, ws.id),
            eq(metrics.kind, 'input'),
            isNull(metrics.archivedAt),
            inArray(metrics.id, metricIds.slice(i, i + 500)),
          ),
        );
      for (const f of found) active.add(f.id);
    }
    const gone = rows.filter((r) => !active.has(r.input.metricId)).map((r) => r.line);
    if (gone.length)
      throw new ValidationError(
        {
          _: `The metric of row ${gone[0]} was archived or removed since the preview: check the file again.`,
        },
        'A metric changed since the preview; nothing was imported.',
      );

    // Many rows at once: one statement per chunk, not per row (a 5,000-row file would otherwise hold the
    // write queue for seconds). SQLite does not promise RETURNING's order, so rows are matched back by
    // title, which the check made unique within the file.
    for (let i = 0; i < rows.length; i += CHUNK) {
      const chunk = rows.slice(i, i + CHUNK);
      const inserted = await tx
        .insert(hypotheses)
        .values(chunk.map((r) => rowValues(ws, r, now)))
        .returning();
      const byTitle = new Map(inserted.map((h) => [h.title, h]));
      const tags = chunk.flatMap((r) => {
        const id = byTitle.get(r.input.title)?.id as number;
        return r.input.tags.map((tag) => ({ hypothesisId: id, workspaceId: ws.id, tag }));
      });
      for (let j = 0; j < tags.length; j += CHUNK * 5)
        await tx.insert(hypothesisTags).values(tags.slice(j, j + CHUNK * 5));
      const created: Change[] = [];
      for (const r of chunk) {
        const row = byTitle.get(r.input.title);
        if (!row) throw new Error('an imported row was not returned');
        created.push({
          workspaceId: ws.id,
          entity: 'hypothesis',
          entityId: row.id,
          action: 'create',
          after: { ...snapshot(row), tags: r.input.tags, source: 'csv' },
        });
      }
      // The hypotheses' records first, then their learnings': a history reads creation before close.
      await recordChanges(tx, created, now);
      for (const r of chunk) {
        const row = byTitle.get(r.input.title);
        if (row) for (const statement of r.learnings) await addLearning(tx, ws, row, statement, now);
      }
    }
    await recordChange(
      tx,
      {
        workspaceId: ws.id,
        entity: 'workspace',
        entityId: ws.id,
        action: 'import',
        after: { kind: 'hypotheses', count: rows.length, source: 'csv' },
      },
      now,
    );
    return rows.length;
  });
}
