import { and, eq, inArray } from 'drizzle-orm';
import { z } from 'zod';
import type { Db } from '../../db/client';
import { type DraftRun, draftRuns, type Hypothesis, hypotheses, type Workspace } from '../../db/schema';
import { recordChange, snapshot } from '../audit/audit';
import type { Deps } from '../env';
import { isDomainError, logBug, NotFoundError, ValidationError } from '../errors';
import { derivedScores, replaceTags } from '../hypotheses/hypotheses';
import { calibrationFor } from '../levers/levers';
import { blank } from '../validation';
import { loadDraftContext, targetMetrics } from './context';
import { modelDrafter } from './model';
import { playbookDrafter } from './playbook';
import { type Comparable, twinOf } from './similarity';
import { smartIce } from './smart-ice';
import { type DraftContext, type Drafter, DraftProposal } from './types';

// "Draft hypotheses" (issue 6): a run asks the configured drafter (the model, or the playbook by default) for
// proposals, keeps those the hypothesis form's own schema accepts, adjusts their Confidence and Ease by the
// lever's calibration, flags look-alikes, and stores them as drafts in one transaction — or, when nothing
// survives, stores nothing and says why. A run is a row of its own, so the page can show its progress while
// the drafter works in the background (a model can take a minute; no request waits for it).

export const DRAFT_COUNT_DEFAULT = 5;
export const DRAFT_COUNT_MAX = 10;

export const DraftRequest = z.object({
  metricId: z.preprocess(
    blank,
    z.coerce
      .number({ error: 'Choose an input metric, or leave it blank to draft for every input.' })
      .int({ error: 'Choose an input metric, or leave it blank to draft for every input.' })
      .positive({ error: 'Choose an input metric, or leave it blank to draft for every input.' })
      .optional(),
  ),
  count: z.preprocess(
    blank,
    z.coerce
      .number({ error: `Ask for 1 to ${DRAFT_COUNT_MAX} drafts.` })
      .int({ error: `Ask for 1 to ${DRAFT_COUNT_MAX} drafts.` })
      .min(1, { error: `Ask for 1 to ${DRAFT_COUNT_MAX} drafts.` })
      .max(DRAFT_COUNT_MAX, { error: `Ask for 1 to ${DRAFT_COUNT_MAX} drafts.` })
      .default(DRAFT_COUNT_DEFAULT),
  ),
});
export type DraftRequest = z.output<typeof DraftRequest>;

/** The drafter this app uses: a test's, else the model when one is configured, else the playbook. */
export function drafterFor(deps: Pick<Deps, 'drafter' | 'llm'>): Drafter {
  return deps.drafter ?? (deps.llm ? modelDrafter(deps.llm) : playbookDrafter());
}

const shorten = (s: string, n = 60) => (s.length > n ? `${s.slice(0, n - 1)}…` : s);

/**
 * The proposals that may be stored, and a sentence for each one dropped: checked by the form's schema, aimed
 * at one of the run's metrics, not a repeat of an existing title; at most `count` of them.
 */
export function checkProposals(
  raw: unknown[],
  ctx: Pick<DraftContext, 'metrics' | 'existingTitles' | 'learnings' | 'experiments' | 'count'>,
  /** Metrics of the run archived while the drafter worked (id → name): their drafts are dropped. */
  archived: ReadonlyMap<number, string> = new Map(),
): { ok: DraftProposal[]; problems: string[] } {
  const ok: DraftProposal[] = [];
  const problems: string[] = [];
  // A model may answer with dozens: one sentence for all those beyond the count, not one each.
  const leftOut: string[] = [];
  const metricIds = new Set(ctx.metrics.map((m) => m.id));
  const titles = new Set(ctx.existingTitles.map((t) => t.trim().toLowerCase()));
  const learningIds = new Set(ctx.learnings.map((l) => l.id));
  const experimentIds = new Set(ctx.experiments.map((e) => e.id));
  raw.forEach((item, i) => {
    const title =
      item && typeof item === 'object' && 'title' in item && typeof item.title === 'string' ? item.title : '';
    const name = `Draft ${i + 1}${title ? ` (“${shorten(title)}”)` : ''}`;
    const parsed = DraftProposal.safeParse(item);
    if (!parsed.success) {
      const why = [
        ...new Set(
          parsed.error.issues.map((x) => `${x.path.join('.') || 'draft'}: ${x.message.replace(/\.$/, '')}`),
        ),
      ];
      problems.push(`${name} was dropped: ${why.slice(0, 3).join('; ')}.`);
      return;
    }
    const p = parsed.data;
    const gone = archived.get(p.metricId);
    if (gone != null) {
      problems.push(`${name} was dropped: ${gone} was archived while the drafts were being written.`);
      return;
    }
    if (!metricIds.has(p.metricId)) {
      problems.push(`${name} was dropped: it targets a metric this request was not about (#${p.metricId}).`);
      return;
    }
    const key = p.title.trim().toLowerCase();
    if (titles.has(key)) {
      problems.push(`${name} was dropped: a hypothesis with that title already exists.`);
      return;
    }
    if (ok.length >= ctx.count) {
      leftOut.push(name);
      return;
    }
    titles.add(key);
    // Provenance must point at things that exist here: unknown ids are dropped from it, not trusted.
    ok.push({
      ...p,
      learningIds: [...new Set(p.learningIds.filter((id) => learningIds.has(id)))],
      experimentIds: [...new Set(p.experimentIds.filter((id) => experimentIds.has(id)))],
    });
  });
  const asked = `${ctx.count} ${ctx.count === 1 ? 'draft was' : 'drafts were'} asked for`;
  if (leftOut.length === 1) problems.push(`${leftOut[0]} was left out: ${asked}.`);
  else if (leftOut.length) problems.push(`${leftOut.length} more drafts were left out: ${asked}.`);
  return { ok, problems };
}

export type DraftedItem = Hypothesis & {
  tags: string[];
  twin?: { id: number; title: string; score: number };
};
export type RunOutcome = { run: DraftRun; items: DraftedItem[]; source: string; problems: string[] };

async function finishRun(db: Db, run: DraftRun, fields: Partial<DraftRun>): Promise<DraftRun> {
  const [row] = await db.write((tx) =>
    tx
      .update(draftRuns)
      .set({ ...fields, finishedAt: Date.now() })
      .where(and(eq(draftRuns.workspaceId, run.workspaceId), eq(draftRuns.id, run.id)))
      .returning(),
  );
  return row ?? run;
}

/** Stores checked proposals as drafts with their provenance, adjusted by calibration, look-alikes flagged. */
async function storeDrafts(
  db: Db,
  ws: Workspace,
  run: DraftRun,
  kind: Drafter['kind'],
  source: string,
  proposals: DraftProposal[],
  existing: Comparable[],
  ctx: DraftContext,
): Promise<DraftedItem[]> {
  const levers = new Map(
    await Promise.all(
      [...new Set(proposals.map((p) => p.metricId))].map(
        async (id) => [id, await calibrationFor(db, ws, id)] as const,
      ),
    ),
  );
  const names = new Map(ctx.metrics.map((m) => [m.id, m.name]));
  return db.write(async (tx) => {
    const now = Date.now();
    const items: DraftedItem[] = [];
    const seen: Comparable[] = [...existing];
    for (const proposal of proposals) {
      const lever = levers.get(proposal.metricId);
      const p = lever
        ? smartIce(proposal, { ...lever, name: names.get(proposal.metricId) ?? 'this lever' })
        : proposal;
      // The experiments a draft builds on are its sources, not its twins (a follow-up names what it extends).
      const twin = twinOf(
        p,
        seen.filter((o) => !p.experimentIds.includes(o.id)),
      );
      const estimatedDays = p.estimatedDays ?? null;
      const [row] = await tx
        .insert(hypotheses)
        .values({
          workspaceId: ws.id,
          metricId: p.metricId,
          title: p.title,
          change: p.change,
          outcome: p.outcome,
          expectedLift: p.expectedLift ?? null,
          rationale: p.rationale,
          owner: p.owner,
          impact: p.impact,
          confidence: p.confidence,
          ease: p.ease,
          estimatedDays,
          ...derivedScores(ws, { ...p, estimatedDays }),
          status: 'draft',
          draftSource: kind,
          // The source a team compares later: the playbook's rule or tactic, or the model's name (a model's own
          // label for its idea is free text, and would split one model's record into a hundred).
          draftRule: kind === 'model' ? source : p.rule,
          draftLearningIds: p.learningIds,
          draftExperimentIds: p.experimentIds,
          scoreReasons: p.reasons,
          duplicateOfId: twin?.twin.id ?? null,
          draftRunId: run.id,
          // The first learning it builds on doubles as the classic "drafted from learning" link.
          sourceLearningId: p.learningIds[0] ?? null,
          createdAt: now,
          updatedAt: now,
        })
        .returning();
      if (!row) throw new Error('insert returned no row');
      await replaceTags(tx, ws, row.id, p.tags);
      await recordChange(
        tx,
        {
          workspaceId: ws.id,
          entity: 'hypothesis',
          entityId: row.id,
          action: 'create',
          after: { ...snapshot(row), tags: p.tags },
        },
        now,
      );
      seen.push({ id: row.id, title: row.title, change: row.change });
      items.push({
        ...row,
        tags: p.tags,
        ...(twin ? { twin: { id: twin.twin.id, title: twin.twin.title, score: twin.score } } : {}),
      });
    }
    await tx
      .update(draftRuns)
      .set({
        status: 'done',
        message: `${items.length} ${items.length === 1 ? 'draft' : 'drafts'} ready for triage.`,
        createdIds: items.map((i) => i.id),
        finishedAt: now,
      })
      .where(and(eq(draftRuns.workspaceId, ws.id), eq(draftRuns.id, run.id)));
    return items;
  });
}

/** Runs the drafter for a started run and records how it ended. Never throws: failures end the run. */
async function execute(
  db: Db,
  ws: Workspace,
  run: DraftRun,
  drafter: Drafter,
  req: DraftRequest,
): Promise<RunOutcome> {
  try {
    const ctx = await loadDraftContext(db, ws, { metricId: req.metricId, count: req.count });
    const answer = await drafter.draft(ctx);
    // The drafter may have taken a minute: a metric archived meanwhile gets no drafts (asking for that one
    // metric alone fails the run with why, through targetMetrics' ValidationError).
    const live = new Set((await targetMetrics(db, ws, req.metricId)).map((m) => m.id));
    const archived = new Map(ctx.metrics.filter((m) => !live.has(m.id)).map((m) => [m.id, m.name]));
    const checked = checkProposals(answer.proposals, ctx, archived);
    const problems = [...answer.problems, ...checked.problems];
    if (!checked.ok.length) {
      const failed = await finishRun(db, run, {
        status: 'failed',
        source: answer.source,
        message: `No draft could be made${problems.length ? `: ${problems[0]}` : '.'} Nothing was stored.`,
        problems,
      });
      return { run: failed, items: [], source: answer.source, problems };
    }
    if (answer.source !== run.source)
      await db.write((tx) =>
        tx
          .update(draftRuns)
          .set({ source: answer.source })
          .where(and(eq(draftRuns.workspaceId, ws.id), eq(draftRuns.id, run.id))),
      );
    await db.write((tx) =>
      tx
        .update(draftRuns)
        .set({ problems })
        .where(and(eq(draftRuns.workspaceId, ws.id), eq(draftRuns.id, run.id))),
    );
    const items = await storeDrafts(db, ws, run, drafter.kind, answer.source, checked.ok, ctx.existing, ctx);
    return { run: await requireRun(db, ws, run.id), items, source: answer.source, problems };
  } catch (e) {
    // The server is shutting down (the database closed under the drafter): nothing to record or report.
    if (db.client.closed) return { run, items: [], source: run.source, problems: [] };
    // A metric archived (or the last input removed) while the drafter worked is the workspace's doing, not a bug.
    const ours = !isDomainError(e);
    if (ours) logBug(undefined, e as Error);
    const failed = await finishRun(db, run, {
      status: 'failed',
      message: ours
        ? 'Drafting failed on our side; nothing was stored. Try again, or write the hypothesis yourself.'
        : `${e instanceof ValidationError ? (Object.values(e.fields)[0] ?? e.message) : (e as Error).message} Nothing was stored.`,
    }).catch(() => run);
    return { run: failed, items: [], source: run.source, problems: [failed.message] };
  }
}

/** Records a new run (after checking the metric, so a bad request is a 422 before anything starts). */
async function createRun(db: Db, ws: Workspace, req: DraftRequest, drafter: Drafter, userId: number | null) {
  await targetMetrics(db, ws, req.metricId);
  const [run] = await db.write((tx) =>
    tx
      .insert(draftRuns)
      .values({
        workspaceId: ws.id,
        metricId: req.metricId ?? null,
        count: req.count,
        drafter: drafter.kind,
        source: drafter.source,
        status: 'running',
        message: drafter.kind === 'model' ? `Asking ${drafter.source}…` : 'Drafting from the playbook…',
        problems: [],
        createdIds: [],
        createdBy: userId,
        createdAt: Date.now(),
      })
      .returning(),
  );
  if (!run) throw new Error('insert returned no row');
  return run;
}

/** Starts a run in the background and answers at once with it (the page then follows its progress). */
export async function startDraftRun(
  db: Db,
  ws: Workspace,
  req: DraftRequest,
  drafter: Drafter,
  userId: number | null,
): Promise<{ run: DraftRun; done: Promise<RunOutcome> }> {
  const run = await createRun(db, ws, req, drafter, userId);
  return { run, done: execute(db, ws, run, drafter, req) };
}

/** Runs a draft to the end (the API answers with what was stored). */
export async function draftNow(
  db: Db,
  ws: Workspace,
  req: DraftRequest,
  drafter: Drafter,
  userId: number | null,
): Promise<RunOutcome> {
  const { done } = await startDraftRun(db, ws, req, drafter, userId);
  return done;
}

export async function requireRun(db: Db, ws: Workspace, id: number): Promise<DraftRun> {
  const [run] = await db.orm
    .select()
    .from(draftRuns)
    .where(and(eq(draftRuns.workspaceId, ws.id), eq(draftRuns.id, id)));
  if (!run) throw new NotFoundError(`No drafting run #${id} in this workspace.`);
  return run;
}

/** The drafts a run stored (as they are now: some may have been accepted, merged or dropped since). */
export async function runItems(db: Db, ws: Workspace, run: DraftRun): Promise<Hypothesis[]> {
  if (!run.createdIds.length) return [];
  return db.orm
    .select()
    .from(hypotheses)
    .where(and(eq(hypotheses.workspaceId, ws.id), inArray(hypotheses.id, run.createdIds)));
}
