import { describe, expect, it } from 'vitest';
import { closeAs, makeHypothesis, makeInput, makeWorkspace } from '../db/factories';
import { draftNow } from '../src/drafts/drafts';
import { draftFromPlaybook, playbookDrafter } from '../src/drafts/playbook';
import { LEVER_TYPES } from '../src/drafts/playbook/lever-types';
import { isTried, TACTICS, tacticProposal } from '../src/drafts/playbook/tactics';
import { DraftProposal } from '../src/drafts/types';
import { requireHypothesis } from '../src/hypotheses/hypotheses';
import { freshDb } from './helpers';
import {
  ACTIVATION,
  CHURN,
  context,
  experiment,
  INVITES,
  learning,
  SESSIONS,
  UPGRADES,
} from './playbook-fixtures';

const ALL = [ACTIVATION, INVITES, SESSIONS, UPGRADES, CHURN];

/** A history with something for every rule, over all five lever types. */
function rich() {
  return context({
    metrics: ALL,
    count: 10,
    experiments: [
      experiment(1, ACTIVATION.id, { title: 'Checklist on the empty board', result: 'won', lift: 7.9 }),
      experiment(2, INVITES.id, {
        title: 'Invite reminder after two days',
        result: 'inconclusive',
        lift: 0.4,
      }),
      experiment(3, SESSIONS.id, { title: 'Daily summary email', result: 'lost', lift: -1 }),
      experiment(4, UPGRADES.id, { title: 'Discount banner', result: 'lost' }),
    ],
    learnings: [
      learning(5, SESSIONS.id, 'Members ignore summaries', [
        { id: 3, title: 'Daily summary email', result: 'lost', relation: 'supports' },
      ]),
      learning(6, UPGRADES.id, 'Discounts drive upgrades', [
        { id: 4, title: 'Discount banner', result: 'lost', relation: 'contradicts' },
      ]),
    ],
  });
}

describe('playbook drafter', () => {
  it('is deterministic: the same context gives deep-equal proposals in the same order', async () => {
    const drafter = playbookDrafter();
    const first = await drafter.draft(rich());
    const second = await drafter.draft(structuredClone(rich()));
    expect(second).toEqual(first);
    expect(first.source).toBe('playbook');
    expect(drafter.kind).toBe('playbook');
  });

  it('exercises every history rule and a tactic per lever type, each proposal passing DraftProposal', () => {
    const { proposals, problems } = draftFromPlaybook(rich());
    expect(problems).toEqual([]);
    expect(proposals.length).toBe(20);
    for (const p of proposals) expect(DraftProposal.safeParse(p).success).toBe(true);
    const rules = proposals.map((p) => p.rule);
    for (const rule of ['extend-win', 'retest-bolder', 'follow-lost-learning', 'opposite-of-contradicted'])
      expect(rules).toContain(rule);
    for (const type of LEVER_TYPES) expect(rules.some((r) => r.startsWith(`tactic:${type}/`))).toBe(true);
    // History first: the four history drafts precede every tactic.
    expect(rules.slice(0, 4).every((r) => !r.startsWith('tactic:'))).toBe(true);
    // Tactics are for the lever type of their metric.
    const typeOf = new Map([
      [ACTIVATION.id, 'activation'],
      [INVITES.id, 'referral'],
      [SESSIONS.id, 'frequency'],
      [UPGRADES.id, 'monetisation'],
      [CHURN.id, 'retention'],
    ]);
    for (const p of proposals.filter((x) => x.rule.startsWith('tactic:')))
      expect(p.rule.split('/')[0]).toBe(`tactic:${typeOf.get(p.metricId)}`);
  });

  it('points provenance at the experiments and learnings each draft builds on', () => {
    const { proposals } = draftFromPlaybook(rich());
    const byRule = new Map(proposals.map((p) => [p.rule, p]));
    expect(byRule.get('extend-win')).toMatchObject({
      experimentIds: [1],
      learningIds: [],
      metricId: ACTIVATION.id,
    });
    expect(byRule.get('retest-bolder')).toMatchObject({ experimentIds: [2], metricId: INVITES.id });
    expect(byRule.get('follow-lost-learning')).toMatchObject({ experimentIds: [3], learningIds: [5] });
    expect(byRule.get('opposite-of-contradicted')).toMatchObject({
      experimentIds: [4],
      learningIds: [6],
      metricId: UPGRADES.id,
      title: 'Test the opposite: It is not true that discounts drive upgrades',
    });
    for (const p of proposals.filter((x) => x.rule.startsWith('tactic:')))
      expect([p.experimentIds, p.learningIds]).toEqual([[], []]);
  });

  it('keeps every draft within the form’s limits when history holds the longest texts', () => {
    const long = 'x'.repeat(140);
    const ctx = context({
      count: 10,
      experiments: [
        experiment(1, ACTIVATION.id, { title: long, change: 'y '.repeat(1000), result: 'won', lift: 123456 }),
        experiment(2, ACTIVATION.id, {
          title: `${long.slice(0, 139)}.`,
          result: 'inconclusive',
          lift: null,
          expectedLift: null,
        }),
        experiment(3, ACTIVATION.id, {
          title: 'Lost',
          result: 'lost',
          tags: ['Odd Tag', 'ok', 'a'.repeat(31)],
        }),
      ],
      learnings: [
        learning(4, ACTIVATION.id, 's'.repeat(1000), [
          { id: 3, title: 'Lost', result: 'lost', relation: 'supports' },
        ]),
        learning(5, ACTIVATION.id, 'z '.repeat(500), [], { status: 'rejected' }),
      ],
    });
    const { proposals } = draftFromPlaybook(ctx);
    expect(proposals.filter((p) => !p.rule.startsWith('tactic:')).map((p) => p.rule)).toEqual([
      'extend-win',
      'retest-bolder',
      'follow-lost-learning',
      'opposite-of-contradicted',
    ]);
    for (const p of proposals) {
      const parsed = DraftProposal.safeParse(p);
      expect([p.rule, parsed.success ? 'ok' : parsed.error.message]).toEqual([p.rule, 'ok']);
      expect(Object.values(p.reasons).every((r) => r.length <= 300 && !r.includes('\n'))).toBe(true);
    }
    expect(proposals[2]?.tags).toEqual(['odd-tag', 'ok', 'follow-up']);
  });

  it('drafts tactics for an empty workspace, at most twice the count asked for', () => {
    const { proposals, problems } = draftFromPlaybook(context({ count: 2 }));
    expect(problems).toEqual([]);
    expect(proposals.map((p) => p.rule)).toEqual([
      'tactic:activation/empty-state-templates',
      'tactic:activation/checklist-progress',
      'tactic:activation/first-value-shortcut',
      'tactic:activation/sample-data',
    ]);
    expect(proposals[0]).toMatchObject({
      title: 'Starter templates in the empty state',
      expectedLift: 8,
      impact: 6,
      confidence: 6,
      ease: 7,
      estimatedDays: 3,
      tags: ['onboarding', 'templates'],
    });
    expect(proposals[0]?.rationale).toContain('Activation rate');
  });

  it('skips tactics the team already has in its backlog or has tried', () => {
    const ctx = context({
      metrics: [ACTIVATION, INVITES],
      count: 10,
      existingTitles: ['Starter templates in the empty state', 'Onboarding checklist with progress'],
      experiments: [
        experiment(7, INVITES.id, { title: 'Invite reminder after 3 days', result: 'stopped' }),
        experiment(8, ACTIVATION.id, {
          title: 'Demo project',
          change: 'seed sample data in new accounts',
          result: 'stopped',
        }),
      ],
    });
    const rules = draftFromPlaybook(ctx).proposals.map((p) => p.rule);
    for (const gone of [
      'tactic:activation/empty-state-templates',
      'tactic:activation/checklist-progress',
      'tactic:activation/sample-data',
      'tactic:referral/pending-invite-reminder',
    ])
      expect(rules).not.toContain(gone);
    expect(rules).toContain('tactic:activation/first-value-shortcut');
    expect(rules).toContain('tactic:referral/invite-at-value-moment');
  });

  it('does not propose again a tactic the team rejected', () => {
    const before = draftFromPlaybook(context({ metrics: [ACTIVATION], count: 10 })).proposals;
    expect(before.map((p) => p.rule)).toContain('tactic:activation/first-value-shortcut');
    const rejected = before.find((p) => p.rule === 'tactic:activation/first-value-shortcut')?.title ?? '';
    const after = draftFromPlaybook(
      context({ metrics: [ACTIVATION], count: 10, rejectedTitles: [rejected] }),
    );
    expect(after.proposals.map((p) => p.rule)).not.toContain('tactic:activation/first-value-shortcut');
  });

  it('says so when every tactic for a metric has been tried', () => {
    const ctx = context({
      metrics: [ACTIVATION, INVITES],
      existingTitles: TACTICS.activation.map((t) => t.title),
    });
    const { proposals, problems } = draftFromPlaybook(ctx);
    expect(problems).toEqual([
      'The playbook has nothing new for Activation rate: all 7 activation tactics are already in the backlog or were tried. Write the next idea yourself, or draft again after more experiments close.',
    ]);
    expect(proposals.every((p) => p.metricId === INVITES.id)).toBe(true);
  });

  it('gives two metrics of the same lever type different tactics', () => {
    const other = { ...ACTIVATION, id: 99, name: 'Onboarding completion' };
    const { proposals } = draftFromPlaybook(context({ metrics: [ACTIVATION, other], count: 2 }));
    expect(proposals.map((p) => [p.metricId, p.rule])).toEqual([
      [ACTIVATION.id, 'tactic:activation/empty-state-templates'],
      [99, 'tactic:activation/checklist-progress'],
      [ACTIVATION.id, 'tactic:activation/first-value-shortcut'],
      [99, 'tactic:activation/sample-data'],
    ]);
  });
});

describe('playbook tactic library', () => {
  it('has at least six specific tactics per lever type, each a valid draft', () => {
    const keys = new Set<string>();
    for (const type of LEVER_TYPES) {
      expect(TACTICS[type].length).toBeGreaterThanOrEqual(6);
      for (const t of TACTICS[type]) {
        keys.add(`${type}/${t.key}`);
        const p = tacticProposal(t, type, ACTIVATION, 'Weekly active teams');
        const parsed = DraftProposal.safeParse(p);
        expect([t.key, parsed.success]).toEqual([t.key, true]);
        expect(p.rationale).toContain('Activation rate');
        expect(p.change).not.toMatch(/\{\w+\}/);
        // A tactic's own title counts as trying it, or it would be drafted again and again.
        expect(isTried(t, { existingTitles: [t.title.toUpperCase()], experiments: [] })).toBe(true);
        expect(isTried(t, { existingTitles: [], experiments: [] })).toBe(false);
      }
    }
    expect(keys.size).toBe(LEVER_TYPES.reduce((n, type) => n + TACTICS[type].length, 0));
  });

  it('no tactic counts as tried because of another tactic of its library', () => {
    for (const type of LEVER_TYPES)
      for (const t of TACTICS[type]) {
        const others = TACTICS[type].filter((o) => o !== t).map((o) => o.title);
        expect([t.key, isTried(t, { existingTitles: others, experiments: [] })]).toEqual([t.key, false]);
      }
  });
});

describe('playbook drafter through the pipeline', () => {
  it('stores drafts with their rule and provenance on a factory-built workspace', async () => {
    const db = await freshDb();
    const ws = await makeWorkspace(db);
    const activation = await makeInput(db, ws, { name: 'Activation rate' });
    const h = await makeHypothesis(db, ws, {
      metricId: activation.id,
      title: 'Checklist on the empty board',
      change: 'show a three-step checklist on the empty board',
      expectedLift: 5,
      estimatedDays: 4,
    });
    const closed = await closeAs(db, ws, h, { outcome: 'won', baseline: 30, observed: 32 });
    const learningId = closed.learnings[0]?.id;
    expect(learningId).toBeTypeOf('number');

    const out = await draftNow(db, ws, { count: 5 }, playbookDrafter(), null);
    expect(out.run.status).toBe('done');
    expect(out.source).toBe('playbook');
    expect(out.items).toHaveLength(5);
    const [first, ...rest] = out.items;
    expect(first).toMatchObject({
      status: 'draft',
      draftSource: 'playbook',
      draftRule: 'extend-win',
      draftExperimentIds: [h.id],
      draftLearningIds: [learningId],
      sourceLearningId: learningId,
      metricId: activation.id,
    });
    expect(first?.title).toMatch(/^Checklist on the empty board, /);
    // A follow-up names its source, but is not a look-alike of it.
    expect(first?.duplicateOfId).toBeNull();
    expect(rest.map((i) => i.draftRule)).toEqual([
      'tactic:activation/empty-state-templates',
      'tactic:activation/checklist-progress',
      'tactic:activation/first-value-shortcut',
      'tactic:activation/sample-data',
    ]);
    expect((await requireHypothesis(db, ws, rest[0]?.id ?? 0)).scoreReasons?.impact).toBe(
      'Every new account meets the empty state, so the change reaches all of Activation rate.',
    );

    // A second run does not repeat the first (those drafts are in the backlog now): the win goes to the next
    // segment, and the three activation tactics left follow.
    const again = await draftNow(db, ws, { count: 5 }, playbookDrafter(), null);
    expect(again.items.map((i) => [i.draftRule, i.title])).toEqual([
      ['extend-win', 'Checklist on the empty board, for existing accounts'],
      ['tactic:activation/day-one-nudge', 'Day-one nudge for accounts that stalled'],
      ['tactic:activation/guided-first-action', 'Guided first action instead of a product tour'],
      ['tactic:activation/use-case-question', 'One use-case question that tailors the first screen'],
    ]);
    expect(again.problems).toEqual([]);

    // A third finds the library spent for this metric, and says so beside the one draft it still has.
    const third = await draftNow(db, ws, { count: 5 }, playbookDrafter(), null);
    expect(third.items.map((i) => i.title)).toEqual([
      'Checklist on the empty board, in the lifecycle emails',
    ]);
    expect(third.problems).toEqual([
      'The playbook has nothing new for Activation rate: all 7 activation tactics are already in the backlog or were tried. Write the next idea yourself, or draft again after more experiments close.',
    ]);
    expect(third.run.problems).toEqual(third.problems);
  });
});
