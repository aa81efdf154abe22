import type { LlmConfig } from '../config';
import type { Drafter } from './types';

// Placeholder while the feature is built (issue 6): helper L replaces it with the model drafter.
export function modelDrafter(cfg: LlmConfig): Drafter {
  return {
    kind: 'model',
    source: cfg.model,
    draft: async () => ({
      proposals: [],
      problems: ['The model drafter is not written yet.'],
      source: cfg.model,
    }),
  };
}
