import type { Drafter } from './types';

// Placeholder while the feature is built (issue 6): helper P replaces it with the playbook drafter.
export function playbookDrafter(): Drafter {
  return {
    kind: 'playbook',
    source: 'playbook',
    draft: async () => ({
      proposals: [],
      problems: ['The playbook is not written yet.'],
      source: 'playbook',
    }),
  };
}
