import type { Metric } from '../../../db/schema';
import { similarity, TWIN_THRESHOLD, words } from '../similarity';
import type { DraftContext } from '../types';
import type { LeverType } from './lever-types';
import type { Proposal, Tactic } from './tactic';
import { ACTIVATION } from './tactics-activation';
import { FREQUENCY } from './tactics-frequency';
import { MONETISATION } from './tactics-monetisation';
import { REFERRAL } from './tactics-referral';
import { RETENTION } from './tactics-retention';
import { cleanTags, clipLong, clipTitle, days, fill, liftText, moves, signedLift } from './text';

// The curated library of growth tactics, by lever type, and how a tactic becomes a draft for one metric.

export const TACTICS: Record<LeverType, Tactic[]> = {
  activation: ACTIVATION,
  retention: RETENTION,
  referral: REFERRAL,
  monetisation: MONETISATION,
  frequency: FREQUENCY,
};

export const tacticRule = (type: LeverType, t: Pick<Tactic, 'key'>) => `tactic:${type}/${t.key}`;

/** True when every meaningful word of `title` (at least `min`) appears in `text`, in any order. */
function covers(text: string, title: string, min = 2): boolean {
  const need = new Set(words(title));
  if (need.size < min) return false;
  const have = new Set(words(text));
  return [...need].every((w) => have.has(w));
}

/**
 * Whether the team already has this idea: a hypothesis (not rejected) whose title is similar to the tactic's
 * or names its gist, or a closed experiment whose title is similar or whose title and change name the gist.
 */
export function isTried(
  t: Pick<Tactic, 'title' | 'gist'>,
  ctx: Pick<DraftContext, 'existingTitles' | 'experiments'> & { rejectedTitles?: string[] },
): boolean {
  const mine = t.title.trim().toLowerCase();
  const names = (text: string) => covers(text, t.title) || covers(text, t.gist, 1);
  // A tactic the team rejected before is as tried as one it ran: proposing it again is noise.
  return (
    [...ctx.existingTitles, ...(ctx.rejectedTitles ?? [])].some(
      (x) => x.trim().toLowerCase() === mine || similarity(t.title, x) >= TWIN_THRESHOLD || names(x),
    ) ||
    ctx.experiments.some(
      (e) => similarity(t.title, e.title) >= TWIN_THRESHOLD || names(`${e.title} ${e.change}`),
    )
  );
}

/** The draft a tactic makes for one metric: texts filled in, lift signed by the metric's good direction. */
export function tacticProposal(
  t: Tactic,
  type: LeverType,
  metric: Pick<Metric, 'id' | 'name' | 'direction'>,
  northStar: string,
): Proposal {
  const vars = { metric: metric.name, moves: moves(metric), northStar };
  const lift = signedLift(metric, t.lift);
  return {
    title: clipTitle(t.title),
    change: clipLong(fill(t.change, vars)),
    outcome: clipLong(fill(t.outcome, vars)),
    // The tail names the metric and sets expectations, so every tactic's "because" reads the same way.
    rationale: clipLong(
      `${fill(t.rationale, vars)}; a proven ${type} tactic, which typically moves a metric like ${metric.name} by about ${liftText(lift)}`,
    ),
    expectedLift: lift,
    metricId: metric.id,
    tags: cleanTags(t.tags),
    owner: '',
    impact: t.impact[0],
    confidence: t.confidence[0],
    ease: t.ease[0],
    estimatedDays: days(t.days),
    reasons: {
      impact: fill(t.impact[1], vars),
      confidence: fill(t.confidence[1], vars),
      ease: `${fill(t.ease[1], vars)} About ${days(t.days)} person-days.`,
    },
    learningIds: [],
    experimentIds: [],
    rule: tacticRule(type, t),
  };
}
