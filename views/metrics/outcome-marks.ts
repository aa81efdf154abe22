import type { Outcome } from '../../db/schema';
import type { ChartExperiment } from '../../src/measurements/annotations';

// How an experiment's outcome is shown on the metric chart and beside it: a colour class and a symbol.

export type Tone = 'won' | 'lost' | 'inconclusive' | 'stopped' | 'invalid' | 'running';
/** A symbol per outcome, so the legend and the bars do not rely on colour. */
export const MARK: Record<Tone, string> = {
  won: '✓',
  lost: '✗',
  inconclusive: '~',
  stopped: '■',
  invalid: '⊘',
  running: '▸',
};
export const toneOf = (e: ChartExperiment): Tone => (e.result ?? 'running') as Outcome | 'running';
export const outcomeWord = (e: ChartExperiment) => (e.result ? e.result : 'running');
