import type { PastExperiment } from '../types';
import {
  type Candidate,
  type History,
  isTaken,
  learnedText,
  learningsOf,
  mentions,
  tookDays,
} from './history';
import {
  bare,
  clampScore,
  cleanTags,
  clipLong,
  clipTitle,
  days,
  liftText,
  lowerFirst,
  moves,
  oneDecimal,
  quote,
  signedLift,
} from './text';

// The history rules: drafts that follow from the workspace's own closed experiments and learnings. Each is
// pure and deterministic (variants are picked by the source's id, never at random), and names itself in the
// draft's `rule`.

/** Where a won change can go next: another segment or another surface. */
export const EXTENSIONS = [
  {
    key: 'invited',
    title: 'for invited members too',
    change: 'show it to members who join through an invite too, not only to those who sign up themselves',
    audience: 'invited members',
    mentions: ['invite', 'invited', 'invitee'],
    tag: 'invited-members',
  },
  {
    key: 'mobile',
    title: 'on mobile',
    change: 'bring it to the mobile app and the mobile web, adapted to a small screen',
    audience: 'people on mobile',
    mentions: ['mobile', 'ios', 'android', 'phone'],
    tag: 'mobile',
  },
  {
    key: 'existing',
    title: 'for existing accounts',
    change: 'roll it out to accounts that signed up before the test, introduced with a short in-app note',
    audience: 'existing accounts',
    mentions: ['existing', 'returning'],
    tag: 'existing-accounts',
  },
  {
    key: 'email',
    title: 'in the lifecycle emails',
    change:
      'carry the same message into the lifecycle emails, for people who are not in the product that day',
    audience: 'people reached by email',
    mentions: ['email', 'mail', 'newsletter'],
    tag: 'email',
  },
  {
    key: 'large-teams',
    title: 'for larger teams',
    change: 'adapt it for teams of ten or more, where more people and more content are involved',
    audience: 'larger teams',
    mentions: ['large', 'larger', 'enterprise'],
    tag: 'large-teams',
  },
] as const;

/** How a retest is made bolder than the inconclusive original. */
export const BOLDER = [
  { key: 'default', change: 'make it the default for everyone rather than something people have to find' },
  {
    key: 'prominent',
    change:
      'give it the most prominent placement (full width, above the fold) with a direct, benefit-led headline',
  },
  {
    key: 'reinforced',
    change: 'back it with a second touchpoint at the moment of need: an in-app prompt and a follow-up email',
  },
  {
    key: 'double',
    change: 'double the dose: twice the incentive, reach or frequency the first version used',
  },
] as const;

/** A variant picked by the source's id: different experiments get different variants, the same one always the same. */
const rotate = <T>(list: readonly T[], id: number): T[] => {
  const start = id % list.length;
  return [...list.slice(start), ...list.slice(0, start)];
};

const resultOf = (e: PastExperiment, metric: string) =>
  e.lift != null ? `moved ${metric} ${liftText(e.lift)}` : `ended ${e.result} on ${metric}`;

/** `extend-win`: a won experiment taken to another segment or surface. */
export function extendWin(h: History, e: PastExperiment): Candidate | undefined {
  const metric = h.metrics.get(e.metricId);
  if (e.result !== 'won' || !metric) return undefined;
  for (const ext of rotate(EXTENSIONS, e.id)) {
    if (mentions(e, [...ext.mentions])) continue;
    const title = clipTitle(`${bare(e.title)}, ${ext.title}`);
    if (isTaken(h, title)) continue;
    const learned = learningsOf(h, e);
    const observed = e.lift ?? e.expectedLift;
    // A new segment usually responds less than the one the win was measured on: expect half.
    const lift = observed != null ? signedLift(metric, Math.max(0.5, Math.abs(observed) / 2)) : null;
    const estimate = days(tookDays(e) / 2);
    return {
      proposal: {
        title,
        change: clipLong(`take the change that won in ${quote(e.title)} further: ${ext.change}`),
        outcome: clipLong(
          `${moves(metric)} among ${ext.audience}, as it did where ${quote(e.title)} was tested`,
        ),
        rationale: clipLong(
          `${quote(e.title)} won: it ${resultOf(e, metric.name)}, and ${ext.audience} meet the same moment it improved.${learnedText(learned, quote)}`,
        ),
        expectedLift: lift,
        metricId: metric.id,
        tags: cleanTags([...e.tags, 'follow-up', ext.tag]),
        owner: '',
        impact: clampScore(e.impact - 1),
        confidence: 7,
        ease: clampScore(e.ease + 2),
        estimatedDays: estimate,
        reasons: {
          impact: `Extends a win: ${quote(e.title)} ${e.lift != null ? `lifted ${metric.name} ${liftText(e.lift)}` : `won on ${metric.name}`}.`,
          confidence: `It already won once on ${metric.name}; a new segment or surface is a smaller leap than a new idea.`,
          ease: `Reuses what ${quote(e.title)} built: about ${estimate} person-days.`,
        },
        learningIds: learned.map((l) => l.id).slice(0, 20),
        experimentIds: [e.id],
        rule: 'extend-win',
      },
      at: e.closedAt,
      order: 0,
      sourceId: e.id,
    };
  }
  return undefined;
}

/** `retest-bolder`: an inconclusive experiment retested with a bigger version of the change. */
export function retestBolder(h: History, e: PastExperiment): Candidate | undefined {
  const metric = h.metrics.get(e.metricId);
  if (e.result !== 'inconclusive' || !metric) return undefined;
  const title = clipTitle(`Bolder retest: ${bare(e.title).replace(/^bolder retest:\s*/i, '')}`);
  if (isTaken(h, title)) return undefined;
  const bold = rotate(BOLDER, e.id)[0] ?? BOLDER[0];
  const learned = learningsOf(h, e);
  const expected = Math.abs(e.expectedLift ?? 5);
  const size = oneDecimal(Math.max(expected * 1.5, Math.abs(e.lift ?? 0) * 2, 1));
  const estimate = days(tookDays(e) * 1.5);
  const against = e.expectedLift != null ? ` against ${liftText(e.expectedLift)} expected` : '';
  return {
    proposal: {
      title,
      change: clipLong(`retest ${quote(e.title)} with a bolder version: ${bold.change}`),
      outcome: clipLong(
        `${moves(metric)} by a margin the test can detect, settling whether the effect seen in ${quote(e.title)} is real`,
      ),
      rationale: clipLong(
        `${quote(e.title)} was inconclusive: it ${resultOf(e, metric.name)}${against}. A result too small to detect says the change was timid, not that the idea is wrong; the first version was to ${lowerFirst(bare(e.change))}.${learnedText(learned, quote)}`,
      ),
      expectedLift: signedLift(metric, size),
      metricId: metric.id,
      tags: cleanTags([...e.tags, 'retest']),
      owner: '',
      impact: clampScore(e.impact),
      confidence: clampScore(Math.min(e.confidence, 5)),
      ease: clampScore(e.ease - 1),
      estimatedDays: estimate,
      reasons: {
        impact: `Retests an inconclusive idea: ${quote(e.title)} ${resultOf(e, metric.name)}${against}.`,
        confidence:
          'Inconclusive, not lost: which way it goes is still unknown, so Confidence stays middling.',
        ease: `A bolder version costs more than the first: about ${estimate} person-days.`,
      },
      learningIds: learned.map((l) => l.id).slice(0, 20),
      experimentIds: [e.id],
      rule: 'retest-bolder',
    },
    at: e.closedAt,
    order: 1,
    sourceId: e.id,
  };
}

/**
 * `follow-lost-learning`: a lost experiment whose learning says what to do instead. The next draft acts on
 * that learning rather than repeating the change that lost.
 */
export function followLostLearning(h: History, e: PastExperiment): Candidate | undefined {
  const metric = h.metrics.get(e.metricId);
  if (e.result !== 'lost' || !metric) return undefined;
  // A learning the loss contradicted is the opposite rule's; this one follows what the loss taught.
  const learned = learningsOf(h, e, 'supports').filter((l) => l.status !== 'rejected');
  const lesson = learned[0];
  if (!lesson) return undefined;
  const title = clipTitle(`Act on the lesson ${quote(lesson.statement, 110)}`);
  if (isTaken(h, title)) return undefined;
  const estimate = days(tookDays(e));
  return {
    proposal: {
      title,
      change: clipLong(
        `design the next change around the lesson of ${quote(e.title)} (${quote(lesson.statement, 200)}) instead of repeating its approach`,
      ),
      outcome: clipLong(`${moves(metric)} once the change follows what the loss showed`),
      rationale: clipLong(
        `${quote(e.title)} lost: it ${resultOf(e, metric.name)}. A loss that taught something points at the next change.${learnedText(learned, quote)}`,
      ),
      expectedLift: e.expectedLift != null ? signedLift(metric, Math.abs(e.expectedLift)) : null,
      metricId: metric.id,
      tags: cleanTags([...e.tags, 'follow-up']),
      owner: '',
      impact: clampScore(e.impact),
      confidence: 5,
      ease: clampScore(e.ease),
      estimatedDays: estimate,
      reasons: {
        impact: `Follows a lost experiment on ${metric.name}: ${quote(e.title)}.`,
        confidence: `Built on a learning, not a win: ${quote(lesson.statement)}.`,
        ease: `A change on the surface ${quote(e.title)} already touched: about ${estimate} person-days.`,
      },
      learningIds: learned.map((l) => l.id).slice(0, 20),
      experimentIds: [e.id],
      rule: 'follow-lost-learning',
    },
    at: e.closedAt,
    order: 3,
    sourceId: e.id,
  };
}
