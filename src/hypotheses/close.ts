import { and, desc, eq, inArray, isNull } from 'drizzle-orm';
import type { Db } from '../../db/client';
import { hypotheses, hypothesisLearnings, learnings, metrics, type Workspace } from '../../db/schema';
import { recordChange, snapshot } from '../audit/audit';
import { ConflictError, NotFoundError, ValidationError } from '../errors';
import { lift, roti, suggestedReturn } from '../scoring/scores';
import { type HypothesisWithTags, requireHypothesis } from './hypotheses';
import { allowedMovesMessage } from './lifecycle';
import type { CloseInput, HypothesisInput } from './schemas';

/**
 * Closes a running experiment: result, values, effort, return (the suggestion when not given), ROTI,
 * and at least one learning — new statements are created for the experiment's input metric, existing
 * ones are linked as supported or contradicted. All in one transaction: nothing is half-closed.
 */
export async function closeHypothesis(
  db: Db,
  ws: Workspace,
  id: number,
  input: CloseInput,
  now = Date.now(),
): Promise<HypothesisWithTags> {
  const outcome = await db.write(async (tx) => {
    const [current] = await tx
      .select()
      .from(hypotheses)
      .where(and(eq(hypotheses.workspaceId, ws.id), eq(hypotheses.id, id)));
    if (!current) return { kind: 'missing' as const };
    if (input.version != null && input.version !== current.version) return { kind: 'stale' as const };
    if (current.status !== 'running') return { kind: 'illegal' as const, from: current.status };

    const existingIds = input.learnings.flatMap((l) => ('learningId' in l ? [l.learningId] : []));
    if (new Set(existingIds).size !== existingIds.length)
      throw new ValidationError({ learnings: 'The same learning is listed twice.' });
    // Their statements go into the close's record, so the trail still reads well if one is edited later.
    const statements = new Map<number, string>();
    if (existingIds.length) {
      const found = await tx
        .select({ id: learnings.id, statement: learnings.statement })
        .from(learnings)
        .where(and(eq(learnings.workspaceId, ws.id), inArray(learnings.id, existingIds)));
      for (const f of found) statements.set(f.id, f.statement);
      if (found.length !== existingIds.length)
        throw new ValidationError({
          learnings: 'One of the chosen learnings does not exist in this workspace.',
        });
    }

    const observedLift = lift(input.baseline, input.observed);
    const returnScore =
      input.return ??
      suggestedReturn({
        outcome: input.outcome,
        impact: current.impact,
        expectedLift: current.expectedLift,
        observedLift,
      });
    if (returnScore == null)
      throw new ValidationError({
        return: `Give a return from 0 to 10 for a ${input.outcome} experiment: how much was what you learned worth?`,
      });

    const closed = {
      status: 'done' as const,
      result: input.outcome,
      baseline: input.baseline ?? null,
      observed: input.observed ?? null,
      lift: observedLift,
      actualDays: input.actualDays,
      returnScore,
      roti: roti(returnScore, input.actualDays),
      closedAt: now,
    };
    await tx
      .update(hypotheses)
      .set({ ...closed, version: current.version + 1, updatedAt: now })
      .where(and(eq(hypotheses.id, id), eq(hypotheses.version, current.version)));

    const linked: { learningId: number; statement: string; relation: 'supports' | 'contradicts' }[] = [];
    // Each learning's own history says which experiment supported or contradicted it: a new one is
    // recorded as created from this experiment, an existing one as linked to it.
    const experiment = { hypothesisId: id, hypothesisTitle: current.title };
    for (const l of input.learnings) {
      if ('learningId' in l) {
        await tx.insert(hypothesisLearnings).values({
          hypothesisId: id,
          learningId: l.learningId,
          workspaceId: ws.id,
          relation: l.relation,
          createdAt: now,
        });
        const statement = statements.get(l.learningId) ?? '';
        linked.push({ learningId: l.learningId, statement, relation: l.relation });
        await recordChange(
          tx,
          {
            workspaceId: ws.id,
            entity: 'learning',
            entityId: l.learningId,
            action: 'link',
            after: { ...experiment, relation: l.relation, statement },
          },
          now,
        );
      } else {
        const [created] = await tx
          .insert(learnings)
          .values({
            workspaceId: ws.id,
            metricId: current.metricId,
            statement: l.statement,
            status: l.status ?? 'emerging',
            createdAt: now,
            updatedAt: now,
          })
          .returning();
        if (!created) throw new Error('insert returned no row');
        await tx.insert(hypothesisLearnings).values({
          hypothesisId: id,
          learningId: created.id,
          workspaceId: ws.id,
          relation: 'supports',
          createdAt: now,
        });
        linked.push({ learningId: created.id, statement: created.statement, relation: 'supports' });
        await recordChange(
          tx,
          {
            workspaceId: ws.id,
            entity: 'learning',
            entityId: created.id,
            action: 'create',
            after: { ...snapshot(created), ...experiment, relation: 'supports' },
          },
          now,
        );
      }
    }
    await recordChange(
      tx,
      {
        workspaceId: ws.id,
        entity: 'hypothesis',
        entityId: id,
        action: 'close',
        before: { status: current.status },
        after: { ...closed, learnings: linked },
      },
      now,
    );
    return { kind: 'ok' as const };
  });
  if (outcome.kind === 'missing') throw new NotFoundError(`No hypothesis #${id} in this workspace.`);
  const fresh = await requireHypothesis(db, ws, id);
  if (outcome.kind === 'stale')
    throw new ConflictError(
      'Someone else changed this experiment first; review its current state.',
      'stale_version',
      fresh,
    );
  if (outcome.kind === 'illegal')
    throw new ConflictError(allowedMovesMessage(outcome.from, 'done'), 'illegal_transition', fresh);
  return fresh;
}

const truncate = (s: string, n: number) => (s.length <= n ? s : `${s.slice(0, n - 1)}…`);

/**
 * The prefill of a follow-up draft from a closed experiment: same lever and scores, a rationale that
 * cites the result and what was learned. Returned as input so the caller stores it through the one
 * create path.
 */
export async function followUpFromHypothesis(db: Db, ws: Workspace, id: number): Promise<HypothesisInput> {
  const parent = await requireHypothesis(db, ws, id);
  if (parent.status !== 'done')
    throw new ConflictError(
      'Follow-ups are drafted from closed experiments; close this one first.',
      'conflict',
      parent,
    );
  const linked = await db.orm
    .select({ statement: learnings.statement, relation: hypothesisLearnings.relation })
    .from(hypothesisLearnings)
    .innerJoin(learnings, eq(learnings.id, hypothesisLearnings.learningId))
    .where(and(eq(hypothesisLearnings.workspaceId, ws.id), eq(hypothesisLearnings.hypothesisId, id)));
  const resultText = `#${parent.id} ${parent.result}${parent.lift != null ? ` (lift ${parent.lift}%)` : ''}`;
  const learned = linked.map(
    (l) => `${l.relation === 'contradicts' ? 'contradicted' : 'learned'}: ${l.statement}`,
  );
  return {
    title: truncate(`Follow-up: ${parent.title}`, 140),
    change: parent.change,
    outcome: parent.outcome,
    expectedLift: parent.expectedLift ?? undefined,
    rationale: truncate([`Builds on ${resultText}.`, ...learned].join(' '), 2000),
    metricId: parent.metricId,
    tags: parent.tags,
    owner: parent.owner,
    impact: parent.impact,
    confidence: parent.confidence,
    ease: parent.ease,
    estimatedDays: parent.estimatedDays ?? undefined,
    status: 'draft',
    parentId: parent.id,
  };
}

/** The prefill of a draft that tests or extends a learning, on the learning's input metric. */
export async function followUpFromLearning(
  db: Db,
  ws: Workspace,
  learningId: number,
): Promise<HypothesisInput> {
  const [learning] = await db.orm
    .select()
    .from(learnings)
    .where(and(eq(learnings.workspaceId, ws.id), eq(learnings.id, learningId)));
  if (!learning) throw new NotFoundError(`No learning #${learningId} in this workspace.`);
  let metricId = learning.metricId;
  const [metric] = metricId
    ? await db.orm
        .select()
        .from(metrics)
        .where(and(eq(metrics.workspaceId, ws.id), eq(metrics.id, metricId)))
    : [];
  if (!metric || metric.archivedAt != null || metric.kind !== 'input') {
    const [fallback] = await db.orm
      .select()
      .from(metrics)
      .where(and(eq(metrics.workspaceId, ws.id), eq(metrics.kind, 'input'), isNull(metrics.archivedAt)))
      .orderBy(metrics.id);
    if (!fallback)
      throw new ValidationError({ metricId: 'Add an input metric first: every hypothesis targets one.' });
    metricId = fallback.id;
  }
  const [latest] = await db.orm
    .select({
      id: hypotheses.id,
      impact: hypotheses.impact,
      confidence: hypotheses.confidence,
      ease: hypotheses.ease,
    })
    .from(hypothesisLearnings)
    .innerJoin(hypotheses, eq(hypotheses.id, hypothesisLearnings.hypothesisId))
    .where(and(eq(hypothesisLearnings.workspaceId, ws.id), eq(hypothesisLearnings.learningId, learningId)))
    .orderBy(desc(hypotheses.closedAt))
    .limit(1);
  return {
    title: truncate(`Build on: ${learning.statement}`, 140),
    // A draft: the team rewrites these in triage; they say where they came from rather than pretend.
    change: truncate(`(draft) act on what we learned: ${learning.statement}`, 2000),
    outcome: 'move the way this learning predicts (rewrite before accepting)',
    rationale: truncate(`Learning (${learning.status}): ${learning.statement}`, 2000),
    metricId: metricId as number,
    tags: [],
    owner: '',
    impact: latest?.impact ?? 5,
    confidence: latest?.confidence ?? 5,
    ease: latest?.ease ?? 5,
    status: 'draft',
    parentId: latest?.id,
    sourceLearningId: learning.id,
  };
}
