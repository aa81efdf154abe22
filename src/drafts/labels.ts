import type { DraftSource } from '../../db/schema';

// Where a draft came from, in words for the page and the merged rationale. The playbook names its rules by
// key ("extend-win", "tactic:activation/empty-state"); a model by its name.

const RULES: Record<string, string> = {
  'extend-win': 'extend a win to another segment or surface',
  'retest-bolder': 'retest an inconclusive experiment with a bolder change',
  'opposite-of-contradicted': 'try the opposite of a contradicted learning',
  opposite: 'try the opposite of a contradicted learning',
  'follow-lost-learning': 'follow up what a lost experiment taught',
};

const words = (key: string) => key.replace(/[-_]+/g, ' ').trim();

/** "the playbook (extend a win …)", "the playbook tactic “empty state” for activation", "model llama3". */
export function sourceLabel(source: DraftSource | null, rule: string | null): string {
  if (source == null) return 'a team member';
  if (source === 'model') return `model ${rule ?? 'unknown'}`;
  if (!rule) return 'the playbook';
  const tactic = /^tactic:([^/]+)\/(.+)$/.exec(rule);
  if (tactic) return `the playbook tactic “${words(tactic[2] ?? '')}” for ${words(tactic[1] ?? '')}`;
  return `the playbook rule “${RULES[rule] ?? words(rule)}”`;
}

/** The configured drafter, as the form names it. */
export const drafterLabel = (d: { kind: DraftSource; source: string }) =>
  d.kind === 'model' ? `model ${d.source}` : 'the built-in playbook';
