import type { Db } from '../db/client';
import type { Workspace } from '../db/schema';
import { requireRun } from '../src/drafts/drafts';
import type { Drafter, DrafterAnswer } from '../src/drafts/types';

// Fake drafters for the drafts tests: fixed proposals, or proposals held back until the test releases them.

let n = 0;

/** A proposal the hypothesis form accepts, for the given metric. */
export function proposal(metricId: number, overrides: Record<string, unknown> = {}) {
  n += 1;
  return {
    title: `Checklist on the empty board ${n}`,
    change: `show a three-step checklist on empty board variant ${n}`,
    outcome: 'rise as more new teams reach their first shared board',
    expectedLift: 4,
    rationale: 'new teams stall on a blank board',
    metricId,
    tags: ['onboarding'],
    owner: '',
    impact: 6,
    confidence: 5,
    ease: 7,
    estimatedDays: 2,
    reasons: {
      impact: 'Activation drives weekly active teams directly.',
      confidence: 'One similar win last quarter.',
      ease: 'A front-end change only.',
    },
    learningIds: [],
    experimentIds: [],
    rule: 'tactic:activation/empty-state',
    ...overrides,
  };
}

export function fixedDrafter(
  proposals: unknown[],
  problems: string[] = [],
  kind: Drafter['kind'] = 'playbook',
  source = kind === 'model' ? 'llama3' : 'playbook',
): Drafter {
  return { kind, source, draft: async () => ({ proposals, problems, source }) };
}

/** A drafter that answers only once `release` is called: the run stays "running" until then. */
export function gatedDrafter(proposals: unknown[]) {
  let release!: () => void;
  const gate = new Promise<void>((r) => {
    release = r;
  });
  let started!: () => void;
  const begun = new Promise<void>((r) => {
    started = r;
  });
  const drafter: Drafter = {
    kind: 'model',
    source: 'slow-model',
    draft: async (): Promise<DrafterAnswer> => {
      started();
      await gate;
      return { proposals, problems: [], source: 'slow-model' };
    },
  };
  return { drafter, release, begun };
}

/** Waits until the run has finished (the pipeline works in the background). */
export async function settled(db: Db, ws: Workspace, runId: number) {
  for (let i = 0; i < 200; i++) {
    const run = await requireRun(db, ws, runId);
    if (run.status !== 'running') return run;
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error(`run #${runId} did not finish`);
}
