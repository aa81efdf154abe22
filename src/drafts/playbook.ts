import type { Metric } from '../../db/schema';
import { type Candidate, history } from './playbook/history';
import { type LeverType, leverTypeOf } from './playbook/lever-types';
import { oppositeOfContradicted } from './playbook/opposite';
import { extendWin, followLostLearning, retestBolder } from './playbook/rules';
import type { Proposal, Tactic } from './playbook/tactic';
import { isTried, TACTICS, tacticProposal } from './playbook/tactics';
import type { DraftContext, Drafter } from './types';

// The built-in playbook drafter (issue 6, 2b), the default when no model is configured. Deterministic: the
// same context gives the same proposals in the same order (no randomness, no clock). It drafts first from the
// workspace's own history (freshest evidence first), then from the curated tactic library for each metric's
// lever type, spread across the metrics asked for. The README ("The playbook drafter") lists the rules.

export function playbookDrafter(): Drafter {
  return {
    kind: 'playbook',
    source: 'playbook',
    draft: async (ctx) => draftFromPlaybook(ctx),
  };
}

/** Up to twice the count asked for: the pipeline keeps `count` and drops repeats, so spares fill the gaps. */
export const spareFactor = 2;

/** The playbook's answer (typed proposals, so tests can read them; the pipeline still parses each). */
export function draftFromPlaybook(ctx: DraftContext): {
  proposals: Proposal[];
  problems: string[];
  source: string;
} {
  const limit = Math.max(1, ctx.count) * spareFactor;
  const taken = new Set([...ctx.existingTitles, ...ctx.rejectedTitles].map((t) => t.trim().toLowerCase()));
  const fromHistory = spread(historyCandidates(ctx, taken)).slice(0, limit);
  const tactics = tacticCandidates(ctx, taken, limit - fromHistory.length);
  return {
    proposals: [...fromHistory, ...tactics.proposals],
    problems: tactics.problems,
    source: 'playbook',
  };
}

/** Every history rule over every closed experiment and learning, freshest evidence first. */
function historyCandidates(ctx: DraftContext, taken: Set<string>): Candidate[] {
  const h = history(ctx, taken);
  const out: Candidate[] = [];
  const keep = (c: Candidate | undefined) => {
    if (!c) return;
    // Claim the title so no later rule proposes the same one in this run.
    taken.add(c.proposal.title.toLowerCase());
    out.push(c);
  };
  for (const e of ctx.experiments) {
    keep(extendWin(h, e));
    keep(retestBolder(h, e));
    keep(followLostLearning(h, e));
  }
  for (const l of ctx.learnings) keep(oppositeOfContradicted(h, l));
  return out.sort((a, b) => b.at - a.at || a.order - b.order || a.sourceId - b.sourceId);
}

/**
 * Interleaves candidates by metric (metrics in the order of their freshest evidence), so a run for the whole
 * workspace does not spend every slot on the metric with the most history.
 */
function spread(sorted: Candidate[]): Proposal[] {
  const byMetric = new Map<number, Proposal[]>();
  for (const c of sorted)
    byMetric.set(c.proposal.metricId, [...(byMetric.get(c.proposal.metricId) ?? []), c.proposal]);
  const queues = [...byMetric.values()];
  const out: Proposal[] = [];
  for (let round = 0; out.length < sorted.length; round++)
    for (const q of queues) {
      const p = q[round];
      if (p) out.push(p);
    }
  return out;
}

/**
 * Tactic drafts, round-robin across the metrics: each metric gets its lever type's next untried tactic in
 * turn. A tactic is used once per run, so two metrics of the same type get different ones.
 */
function tacticCandidates(
  ctx: DraftContext,
  taken: Set<string>,
  wanted: number,
): { proposals: Proposal[]; problems: string[] } {
  const northStar = ctx.northStar?.name ?? 'the North Star';
  const lanes: { metric: Metric; type: LeverType; open: Tactic[] }[] = ctx.metrics.map((metric) => {
    const type = leverTypeOf(metric);
    return {
      metric,
      type,
      open: TACTICS[type].filter((t) => !taken.has(t.title.toLowerCase()) && !isTried(t, ctx)),
    };
  });
  const problems = lanes
    .filter((l) => !l.open.length)
    .map(
      (l) =>
        `The playbook has nothing new for ${l.metric.name}: all ${TACTICS[l.type].length} ${l.type} tactics are already in the backlog or were tried. Write the next idea yourself, or draft again after more experiments close.`,
    );
  const used = new Set<string>();
  const proposals: Proposal[] = [];
  let progress = true;
  while (proposals.length < wanted && progress) {
    progress = false;
    for (const lane of lanes) {
      if (proposals.length >= wanted) break;
      const t = lane.open.find((x) => !used.has(x.title.toLowerCase()));
      if (!t) continue;
      used.add(t.title.toLowerCase());
      proposals.push(tacticProposal(t, lane.type, lane.metric, northStar));
      progress = true;
    }
  }
  return { proposals, problems };
}
