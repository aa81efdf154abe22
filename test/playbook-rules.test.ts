import { describe, expect, it } from 'vitest';
import { draftFromPlaybook } from '../src/drafts/playbook';
import { history } from '../src/drafts/playbook/history';
import { leverTypeOf } from '../src/drafts/playbook/lever-types';
import { opposite, oppositeOfContradicted } from '../src/drafts/playbook/opposite';
import { extendWin, followLostLearning, retestBolder } from '../src/drafts/playbook/rules';
import { DraftProposal } from '../src/drafts/types';
import {
  ACTIVATION,
  CHURN,
  context,
  experiment,
  INVITES,
  learning,
  metric,
  SESSIONS,
  UPGRADES,
} from './playbook-fixtures';

const won = experiment(21, ACTIVATION.id, {
  title: 'Checklist on the empty board',
  change: 'show a three-step checklist on the empty board',
  result: 'won',
  lift: 7.9,
  expectedLift: 5,
  actualDays: 4,
  impact: 7,
  ease: 6,
  tags: ['onboarding', 'checklist'],
});
const supportsWin = learning(31, ACTIVATION.id, 'New teams want a next step, not a blank board', [
  { id: 21, title: won.title, result: 'won', relation: 'supports' },
]);
const unrelated = learning(32, ACTIVATION.id, 'Admins read the welcome email', []);

const rulesOf = (ctx = context()) => history(ctx, new Set(ctx.existingTitles.map((t) => t.toLowerCase())));

describe('playbook rules: lever types', () => {
  it('classifies a metric by keywords in its name, unit and description', () => {
    const table: [Parameters<typeof leverTypeOf>[0], string][] = [
      // The description names a neighbouring lever ("invite a teammate"), but the name decides.
      [ACTIVATION, 'activation'],
      [INVITES, 'referral'],
      [SESSIONS, 'frequency'],
      [UPGRADES, 'monetisation'],
      [CHURN, 'retention'],
      [metric(1, 'Week-4 retention of new teams'), 'retention'],
      [metric(1, 'Revenue per team', { unit: 'EUR' }), 'monetisation'],
      [metric(1, 'Invites sent per user'), 'referral'],
      [metric(1, 'MRR', { unit: '$' }), 'monetisation'],
      [metric(1, 'Average order value', { unit: '€' }), 'monetisation'],
      [metric(1, 'Teams onboarded in week one'), 'activation'],
      [metric(1, 'DAU/MAU'), 'frequency'],
      [
        metric(1, 'Viral coefficient', { description: 'New sign-ups per existing user via referrals' }),
        'referral',
      ],
      // Nothing matches: activation, the usual first lever.
      [metric(1, 'Happy customers', { unit: 'people' }), 'activation'],
    ];
    for (const [m, type] of table) expect([m.name, leverTypeOf(m)]).toEqual([m.name, type]);
  });
});

describe('playbook rules: extend-win', () => {
  it('extends a won experiment to another segment or surface, building on it and its learnings', () => {
    const ctx = context({ experiments: [won], learnings: [unrelated, supportsWin] });
    const c = extendWin(rulesOf(ctx), won);
    expect(c).toBeDefined();
    const p = DraftProposal.parse(c?.proposal);
    expect(p.rule).toBe('extend-win');
    // 21 % 5 = 1: the rotation starts at "on mobile" for this experiment.
    expect(p.title).toBe('Checklist on the empty board, on mobile');
    expect(p.experimentIds).toEqual([21]);
    expect(p.learningIds).toEqual([31]);
    expect(p.metricId).toBe(ACTIVATION.id);
    // Half the observed lift (a new segment responds less), half the effort (it reuses what was built).
    expect(p.expectedLift).toBe(4);
    expect(p.estimatedDays).toBe(2);
    expect([p.impact, p.confidence, p.ease]).toEqual([6, 7, 8]);
    expect(p.reasons.impact).toBe(
      'Extends a win: “Checklist on the empty board” lifted Activation rate +7.9%.',
    );
    expect(p.rationale).toContain('New teams want a next step, not a blank board');
    expect(p.tags).toEqual(['onboarding', 'checklist', 'follow-up', 'mobile']);
    expect(c?.at).toBe(won.closedAt);
  });

  it('skips surfaces the experiment already covered, and titles that already exist', () => {
    const mobileWin = { ...won, title: 'Checklist on the mobile empty board' };
    const ctx = context({
      experiments: [mobileWin],
      existingTitles: ['Checklist on the mobile empty board, for existing accounts'],
    });
    // Rotation from "on mobile": mobile is mentioned, existing accounts is taken → the lifecycle emails.
    expect(extendWin(rulesOf(ctx), mobileWin)?.proposal.title).toBe(
      'Checklist on the mobile empty board, in the lifecycle emails',
    );
  });

  it('expects the metric to fall when falling is good', () => {
    const churnWin = experiment(22, CHURN.id, { result: 'won', lift: -6 });
    const p = extendWin(rulesOf(context({ metrics: [CHURN], experiments: [churnWin] })), churnWin)?.proposal;
    expect(p?.expectedLift).toBe(-3);
    expect(p?.outcome).toMatch(/^fall among/);
  });

  it('ignores experiments that did not win or are on another metric', () => {
    const h = rulesOf(context({ experiments: [won] }));
    expect(extendWin(h, { ...won, result: 'lost' })).toBeUndefined();
    expect(extendWin(h, { ...won, metricId: 999 })).toBeUndefined();
  });
});

describe('playbook rules: retest-bolder', () => {
  const flat = experiment(23, INVITES.id, {
    title: 'Invite reminder after two days',
    change: 'Re-send the invite after two days.',
    result: 'inconclusive',
    lift: 1.2,
    expectedLift: 6,
    actualDays: 2,
    confidence: 7,
    ease: 8,
  });
  const taught = learning(33, INVITES.id, 'A reminder alone is too weak to notice', [
    { id: 23, title: flat.title, result: 'inconclusive', relation: 'supports' },
  ]);

  it('retests an inconclusive experiment with a bolder change and a bigger expected lift', () => {
    const ctx = context({ metrics: [INVITES], experiments: [flat], learnings: [taught] });
    const p = DraftProposal.parse(retestBolder(rulesOf(ctx), flat)?.proposal);
    expect(p.rule).toBe('retest-bolder');
    expect(p.title).toBe('Bolder retest: Invite reminder after two days');
    expect(p.experimentIds).toEqual([23]);
    expect(p.learningIds).toEqual([33]);
    // 1.5 × the 6% expected (more than twice the 1.2% seen); 1.5 × the 2 days it took.
    expect(p.expectedLift).toBe(9);
    expect(p.estimatedDays).toBe(3);
    expect([p.confidence, p.ease]).toEqual([5, 7]);
    // 23 % 4 = 3: the "double the dose" variant.
    expect(p.change).toContain('double the dose');
    expect(p.rationale).toContain('the first version was to re-send the invite after two days.');
    expect(p.reasons.impact).toBe(
      'Retests an inconclusive idea: “Invite reminder after two days” moved Invite conversion +1.2% against +6% expected.',
    );
  });

  it('does not retest a retest under a doubled prefix, nor what is not inconclusive', () => {
    const again = { ...flat, title: 'Bolder retest: Invite reminder after two days' };
    const ctx = context({ metrics: [INVITES], existingTitles: [again.title] });
    expect(retestBolder(rulesOf(ctx), again)).toBeUndefined();
    expect(retestBolder(rulesOf(ctx), { ...flat, result: 'won' })).toBeUndefined();
  });
});

describe('playbook rules: opposite-of-contradicted', () => {
  const tour = experiment(24, ACTIVATION.id, {
    title: 'Video tour on first login',
    result: 'lost',
    tags: ['tour'],
  });
  const belief = learning(34, ACTIVATION.id, 'New teams do not want a guided start', [
    { id: 24, title: tour.title, result: 'lost', relation: 'contradicts' },
  ]);

  it('negates a statement without guessing antonyms', () => {
    const table: [string, string][] = [
      ['New teams do not want a blank board.', 'New teams do want a blank board'],
      ['Discounts don’t drive upgrades', 'Discounts do drive upgrades'],
      ["Invitees can't find the join button", 'Invitees can find the join button'],
      ['Price is the main blocker', 'Price is not the main blocker'],
      ['Users never read tooltips', 'Users sometimes read tooltips'],
      ['Teams prefer a video tour', 'It is not true that teams prefer a video tour'],
    ];
    for (const [statement, opp] of table) expect(opposite(statement)).toBe(opp);
  });

  it('tests the opposite of a learning an experiment contradicted, citing both', () => {
    const ctx = context({ experiments: [tour], learnings: [belief] });
    const c = oppositeOfContradicted(rulesOf(ctx), belief);
    const p = DraftProposal.parse(c?.proposal);
    expect(p.rule).toBe('opposite-of-contradicted');
    expect(p.title).toBe('Test the opposite: New teams do want a guided start');
    expect(p.learningIds).toEqual([34]);
    expect(p.experimentIds).toEqual([24]);
    expect(p.change).toContain('invert the approach of “Video tour on first login”');
    expect(p.rationale).toContain('“Video tour on first login” (lost) contradicted it');
    expect(p.reasons.confidence).toBe(
      '1 experiment contradicted it: the opposite has some evidence, not proof.',
    );
    expect(p.tags).toEqual(['tour', 'opposite']);
    // As fresh as the newest evidence: the experiment closed 24 days ago, after the learning (34 days ago).
    expect(c?.at).toBe(tour.closedAt);
  });

  it('also tests the opposite of a learning the team marked rejected', () => {
    const rejected = learning(35, ACTIVATION.id, 'Admins decide alone', [], { status: 'rejected' });
    const p = oppositeOfContradicted(rulesOf(context({ learnings: [rejected] })), rejected)?.proposal;
    expect(p?.title).toBe('Test the opposite: It is not true that admins decide alone');
    expect(p?.experimentIds).toEqual([]);
    expect(p?.reasons.confidence).toMatch(/^The team rejected it/);
  });

  it('leaves supported learnings alone', () => {
    expect(
      oppositeOfContradicted(rulesOf(context({ learnings: [supportsWin] })), supportsWin),
    ).toBeUndefined();
  });

  it('uses the contradicting experiment’s metric when the learning has none', () => {
    const loose = { ...belief, metricId: null };
    const ctx = context({ experiments: [tour], learnings: [loose] });
    expect(oppositeOfContradicted(rulesOf(ctx), loose)?.proposal.metricId).toBe(ACTIVATION.id);
  });
});

describe('playbook rules: follow-lost-learning', () => {
  it('acts on what a lost experiment taught instead of repeating it', () => {
    const lost = experiment(25, SESSIONS.id, { title: 'Daily summary email', result: 'lost', lift: -1 });
    const lesson = learning(36, SESSIONS.id, 'Members ignore summaries without anything to act on', [
      { id: 25, title: lost.title, result: 'lost', relation: 'supports' },
    ]);
    const ctx = context({ metrics: [SESSIONS], experiments: [lost], learnings: [lesson] });
    const p = DraftProposal.parse(followLostLearning(rulesOf(ctx), lost)?.proposal);
    expect(p.rule).toBe('follow-lost-learning');
    expect(p.title).toBe('Act on the lesson “Members ignore summaries without anything to act on”');
    expect(p.learningIds).toEqual([36]);
    expect(p.experimentIds).toEqual([25]);
    expect(p.rationale).toContain('it moved Weekly sessions per team -1%');
  });

  it('needs a learning: a loss that taught nothing recorded gives no draft', () => {
    const lost = experiment(26, SESSIONS.id, { result: 'lost' });
    expect(followLostLearning(rulesOf(context({ metrics: [SESSIONS] })), lost)).toBeUndefined();
  });
});

describe('playbook rules: order', () => {
  it('puts history first, freshest evidence first, spread across metrics, then tactics', () => {
    const older = experiment(40, ACTIVATION.id, { title: 'Older win', result: 'won' });
    const newer = experiment(2, ACTIVATION.id, { title: 'Newer win', result: 'won' });
    const invites = experiment(5, INVITES.id, { title: 'Invite flat', result: 'inconclusive' });
    const ctx = context({ metrics: [ACTIVATION, INVITES], experiments: [newer, invites, older], count: 3 });
    const { proposals } = draftFromPlaybook(ctx);
    expect(proposals.map((p) => [p.rule, p.experimentIds[0] ?? null])).toEqual([
      ['extend-win', 2],
      ['retest-bolder', 5],
      ['extend-win', 40],
      ['tactic:activation/empty-state-templates', null],
      ['tactic:referral/invite-at-value-moment', null],
      ['tactic:activation/checklist-progress', null],
    ]);
  });
});
