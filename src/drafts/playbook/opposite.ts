import type { KnownLearning } from '../types';
import { type Candidate, contradictorsOf, type History, isTaken, tookDays } from './history';
import { bare, clampScore, cleanTags, clipLong, clipTitle, days, lowerFirst, moves, quote } from './text';

// `opposite-of-contradicted`: a learning the evidence went against (an experiment contradicted it, or the
// team marked it rejected) → test the opposite belief. A belief that failed still says where the effect lies.

const NEGATED: [RegExp, string][] = [
  [/\b(do|does|did|is|are|was|were|can|will|should|would|could|has|have) not\b/i, ''],
  [/\bcannot\b/i, 'can'],
  [/\b(do|does|did|is|are|was|were|ca|wo|should|would|could|has|have)n[’']t\b/i, ''],
  [/\bnever\b/i, 'sometimes'],
];
// Only verbs that are auxiliaries whatever follows: "have" or "do" are often the main verb.
const AUXILIARY = /\b(is|are|was|were|can|will|should|would|could)\b/i;
const CONTRACTED: Record<string, string> = { ca: 'can', wo: 'will' };

/**
 * The opposite of a statement, by the simplest honest wording: remove its negation, or negate its first
 * auxiliary verb, or else say "It is not true that …". Never guesses antonyms.
 */
export function opposite(statement: string): string {
  const s = bare(statement);
  for (const [re, to] of NEGATED) {
    const m = re.exec(s);
    if (!m) continue;
    const aux = m[1];
    const kept = aux ? (CONTRACTED[aux.toLowerCase()] ?? aux) : to;
    return `${s.slice(0, m.index)}${kept}${s.slice(m.index + m[0].length)}`;
  }
  if (AUXILIARY.test(s)) return s.replace(AUXILIARY, (aux) => `${aux} not`);
  return `It is not true that ${lowerFirst(s)}`;
}

/** Whether the evidence went against this learning. */
export const isContradicted = (l: KnownLearning) => l.status === 'rejected' || contradictorsOf(l).length > 0;

export function oppositeOfContradicted(h: History, l: KnownLearning): Candidate | undefined {
  if (!isContradicted(l)) return undefined;
  const against = contradictorsOf(l);
  const known = against.map((x) => h.ctx.experiments.find((e) => e.id === x.id)).filter((e) => e != null);
  // The learning's metric, else the metric of an experiment that contradicted it (a learning may have none).
  const metric =
    (l.metricId != null ? h.metrics.get(l.metricId) : undefined) ??
    known.map((e) => h.metrics.get(e.metricId)).find((m) => m != null);
  if (!metric) return undefined;
  const opp = opposite(l.statement);
  const title = clipTitle(`Test the opposite: ${opp}`);
  if (isTaken(h, title)) return undefined;
  const first = against[0];
  const estimate = days(known[0] ? tookDays(known[0]) : 3);
  const evidence = against.length
    ? `${against
        .slice(0, 3)
        .map((x) => `${quote(x.title)}${x.result ? ` (${x.result})` : ''}`)
        .join(', ')} contradicted it`
    : 'the team marked it rejected';
  return {
    proposal: {
      title,
      change: clipLong(
        first
          ? `invert the approach of ${quote(first.title)}, acting on the belief that ${lowerFirst(opp)}`
          : `act on the belief that ${lowerFirst(opp)}, the reverse of what the team assumed`,
      ),
      outcome: clipLong(
        `${moves(metric)} if the opposite holds: the evidence already went against ${quote(l.statement)}`,
      ),
      rationale: clipLong(
        `the team believed ${quote(l.statement, 300)}, but ${evidence}${against.length && l.status === 'rejected' ? ', and the team marked it rejected' : ''}. When a belief fails, its opposite is the cheapest next bet on ${metric.name}`,
      ),
      expectedLift: null,
      metricId: metric.id,
      tags: cleanTags([...known.flatMap((e) => e.tags), 'opposite']),
      owner: '',
      impact: 6,
      confidence: clampScore(4 + Math.min(2, against.length)),
      ease: 5,
      estimatedDays: estimate,
      reasons: {
        impact: `Tests the opposite of a belief the evidence went against: ${quote(l.statement)}.`,
        confidence: `${against.length ? `${against.length} ${against.length === 1 ? 'experiment' : 'experiments'} contradicted it` : 'The team rejected it'}: the opposite has some evidence, not proof.`,
        ease: `A change on a surface already tested: about ${estimate} person-days.`,
      },
      learningIds: [l.id],
      experimentIds: against.map((x) => x.id).slice(0, 20),
      rule: 'opposite-of-contradicted',
    },
    // As fresh as the newest evidence against it: the learning, or the latest experiment that contradicted it.
    at: Math.max(l.createdAt, ...known.map((e) => e.closedAt)),
    order: 2,
    sourceId: l.id,
  };
}
