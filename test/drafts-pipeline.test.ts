import { and, eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import type { Db } from '../db/client';
import { closeAs, makeHypothesis, makeInput, makeWorkspace } from '../db/factories';
import { auditEvents, draftRuns, hypotheses, type Workspace } from '../db/schema';
import { describeEvent } from '../src/audit/describe';
import { checkProposals, draftNow } from '../src/drafts/drafts';
import type { DraftContext, Drafter } from '../src/drafts/types';
import { getNorthStar } from '../src/metrics/metrics';
import { freshDb } from './helpers';

// The pipeline between a drafter and the backlog: what it keeps, how it scores, what it flags, and that a
// failed run leaves nothing behind.

/** A drafter answering fixed proposals (or problems), recording the context it was given. */
function fake(answer: (ctx: DraftContext) => unknown[], problems: string[] = []) {
  const seen: DraftContext[] = [];
  const drafter: Drafter = {
    kind: 'playbook',
    source: 'playbook',
    draft: async (ctx) => {
      seen.push(ctx);
      return { proposals: answer(ctx), problems, source: 'playbook' };
    },
  };
  return { drafter, seen };
}

const proposal = (metricId: number, over: Record<string, unknown> = {}) => ({
  title: 'Progress bar on the setup checklist',
  change: 'show a progress bar on the setup checklist',
  outcome: 'more new teams finish setup in their first week',
  rationale: 'teams stop half way when they cannot see how far they are',
  metricId,
  tags: ['onboarding'],
  impact: 6,
  confidence: 5,
  ease: 8,
  estimatedDays: 2,
  reasons: { impact: 'Touches every new team', confidence: 'No history yet', ease: 'A front-end change' },
  learningIds: [],
  experimentIds: [],
  rule: 'tactic:activation/progress-bar',
  ...over,
});

async function setup() {
  const db = await freshDb();
  const ws = await makeWorkspace(db, { slug: 'acme' });
  const activation = await makeInput(db, ws, { name: 'Activation rate' });
  return { db, ws, activation };
}

const count = async (db: Db, ws: Workspace) =>
  (await db.orm.select({ id: hypotheses.id }).from(hypotheses).where(eq(hypotheses.workspaceId, ws.id)))
    .length;

describe('drafting pipeline', () => {
  it('checks every proposal with the form’s schema, the run’s metrics and the existing titles', () => {
    const ctx = {
      metrics: [{ id: 1 }] as DraftContext['metrics'],
      existingTitles: ['Welcome email'],
      learnings: [{ id: 7 }] as DraftContext['learnings'],
      experiments: [],
      count: 2,
    };
    const { ok, problems } = checkProposals(
      [
        proposal(1, { learningIds: [7, 99] }),
        proposal(1, { title: 'Bad score', impact: 11 }),
        proposal(2, { title: 'Other metric' }),
        proposal(1, { title: 'welcome email' }),
        { nonsense: true },
        proposal(1, { title: 'Second good one' }),
        proposal(1, { title: 'One too many' }),
      ],
      ctx,
    );
    expect(ok.map((p) => p.title)).toEqual(['Progress bar on the setup checklist', 'Second good one']);
    // Provenance keeps only what exists here.
    expect(ok[0]?.learningIds).toEqual([7]);
    expect(problems).toEqual([
      expect.stringMatching(
        /^Draft 2 \(“Bad score”\) was dropped: impact: Impact must be a whole number from 1 to 10/,
      ),
      'Draft 3 (“Other metric”) was dropped: it targets a metric this request was not about (#2).',
      'Draft 4 (“welcome email”) was dropped: a hypothesis with that title already exists.',
      expect.stringMatching(/^Draft 5 was dropped: title: /),
      'Draft 7 (“One too many”) was left out: 2 drafts were asked for.',
    ]);
  });

  it('stores drafts with their provenance, Confidence and Ease from the lever’s history, and look-alikes flagged', async () => {
    const { db, ws, activation } = await setup();
    // History: 3 of 4 won, and experiments took 1.5× their estimates (2 days planned, 3 taken).
    for (const outcome of ['won', 'won', 'won', 'lost'] as const)
      await closeAs(db, ws, await makeHypothesis(db, ws, { metricId: activation.id, estimatedDays: 2 }), {
        outcome,
        actualDays: 3,
      });
    const twin = await makeHypothesis(db, ws, {
      metricId: activation.id,
      title: 'Progress bar on the setup checklist for new teams',
      change: 'show a progress bar on the setup checklist',
    });
    const { drafter, seen } = fake((ctx) => [
      proposal(activation.id, { title: 'Progress bar on setup', experimentIds: [ctx.experiments[0]?.id] }),
      proposal(activation.id, { title: 'Sample board', change: 'prefill a sample board for new teams' }),
    ]);
    const out = await draftNow(db, ws, { metricId: activation.id, count: 5 }, drafter, null);
    expect(seen[0]?.metrics.map((m) => m.id)).toEqual([activation.id]);
    expect(seen[0]?.existingTitles).toContain(twin.title);
    expect(out.run.status).toBe('done');
    expect(out.items).toHaveLength(2);
    const [first, second] = out.items;
    expect(first).toMatchObject({
      status: 'draft',
      draftSource: 'playbook',
      draftRule: 'tactic:activation/progress-bar',
      draftRunId: out.run.id,
      // 10 × (3 + 1) / (4 + 2) = 6.7 → 7; Ease 8 ÷ 1.5 = 5.3 → 5; 2 days × 1.5 = 3.
      confidence: 7,
      ease: 5,
      estimatedDays: 3,
      duplicateOfId: twin.id,
      scoreReasons: {
        impact: 'Touches every new team',
        confidence: '3 of 4 experiments on Activation rate won: Confidence 7.',
        ease: 'Experiments on Activation rate took 1.5× their estimates: 3 person-days, Ease 5.',
      },
    });
    expect(first?.draftExperimentIds).toHaveLength(1);
    expect(first?.twin).toMatchObject({ id: twin.id });
    expect(second?.duplicateOfId).toBeNull();
    // Each draft starts its history with a create record naming the drafter.
    const creates = await db.orm
      .select()
      .from(auditEvents)
      .where(and(eq(auditEvents.entity, 'hypothesis'), eq(auditEvents.entityId, first?.id ?? 0)));
    expect(creates.map((e) => e.action)).toEqual(['create']);
  });

  it('stores nothing when no proposal survives, and keeps why on the run', async () => {
    const { db, ws, activation } = await setup();
    const before = await count(db, ws);
    const { drafter } = fake(
      () => [proposal(activation.id, { impact: 0 })],
      ['The model did not answer in time.'],
    );
    const out = await draftNow(db, ws, { count: 3 }, drafter, null);
    expect(out.items).toEqual([]);
    expect(out.run.status).toBe('failed');
    expect(out.run.message).toMatch(/^No draft could be made: The model did not answer in time\./);
    expect(out.problems).toHaveLength(2);
    expect(await count(db, ws)).toBe(before);
    const [run] = await db.orm.select().from(draftRuns).where(eq(draftRuns.id, out.run.id));
    expect(run?.problems).toHaveLength(2);
  });

  it('refuses the North Star as a target before anything starts', async () => {
    const { db, ws } = await setup();
    const { drafter, seen } = fake(() => []);
    const ns = await getNorthStar(db, ws);
    await expect(draftNow(db, ws, { metricId: ns?.id, count: 5 }, drafter, null)).rejects.toMatchObject({
      fields: { metricId: expect.stringContaining('North Star') },
    });
    expect(seen).toHaveLength(0);
    expect(await db.orm.select().from(draftRuns)).toHaveLength(0);
  });
});

describe('merges in the trail', () => {
  it('says a merge in one sentence on each side, without a raw "merged from" row', () => {
    const twin = describeEvent({
      entity: 'hypothesis',
      entityId: 23,
      action: 'update',
      before: { rationale: 'Teams stall.', tags: ['onboarding'], mergedFrom: null },
      after: { rationale: 'Teams stall.\n\nAlso proposed…', tags: ['onboarding', 'email'], mergedFrom: 41 },
    });
    expect(twin.summary).toBe('Merged draft #41 into it');
    expect(twin.rows.map((r) => r.field).sort()).toEqual(['rationale', 'tags']);
    const draft = describeEvent({
      entity: 'hypothesis',
      entityId: 41,
      action: 'transition',
      before: { status: 'draft' },
      after: { status: 'rejected', mergedInto: 23 },
    });
    expect(draft.summary).toBe('Merged into #23 (a look-alike) and dropped');
    expect(draft.rows.map((r) => r.field)).toEqual(['status']);
  });
});
