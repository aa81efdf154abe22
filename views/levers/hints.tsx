import type { Metric, Workspace } from '../../db/schema';
import type { LeverHint } from '../../src/levers/hints';
import { fmt, OutcomePill } from '../components/badges';

// Calibration beside the inputs (DESIGN.md "Calibration"): what the chosen lever's closed experiments say
// about the Confidence and the estimate being typed. Each hint has a fixed id so that htmx can replace it
// (<hx-partial>) when the input metric changes; without JavaScript the page renders them for the metric
// the form holds.

export const CONFIDENCE_HINT_ID = 'confidence-hint';
export const ESTIMATE_HINT_ID = 'estimate-hint';

/** An effort ratio as people say it: "1.4×", "1.35×", "1.0×". */
export const fmtRatio = (ratio: number) => `${ratio.toFixed(2).replace(/(\.\d)0$/, '$1')}×`;

const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

export function ConfidenceHint(props: { ws: Workspace; metric?: Metric; hint?: LeverHint }) {
  const { ws, metric, hint } = props;
  return (
    <div id={CONFIDENCE_HINT_ID} class="calibration-hint" aria-live="polite">
      {!metric || !hint ? (
        <p class="muted">Choose the input metric: its closed experiments suggest a Confidence.</p>
      ) : hint.closed === 0 ? (
        <p>
          No closed experiments on {metric.name} yet: <strong>5</strong> is the neutral prior.
        </p>
      ) : (
        <>
          <p>
            Suggested Confidence for {metric.name}: <strong>{fmt(hint.suggestedConfidence)}</strong> —{' '}
            {hint.wins} of {plural(hint.closed, 'closed experiment')} won.
          </p>
          <details>
            <summary>
              {hint.experiments.length < hint.closed
                ? `The latest ${hint.experiments.length} of the ${hint.closed} experiments it came from`
                : `The ${plural(hint.closed, 'experiment')} it came from`}
            </summary>
            <ul class="hint-experiments">
              {hint.experiments.map((e) => (
                <li>
                  <a href={`/w/${ws.slug}/hypotheses/${e.id}`}>{e.title}</a>{' '}
                  <OutcomePill outcome={e.result} />
                </li>
              ))}
            </ul>
            <p class="small">
              10 × (wins + 1) ÷ (closed + 2): the lever’s win rate, pulled towards 5 while there are few
              experiments. <a href={`/w/${ws.slug}/levers`}>All levers</a>
            </p>
          </details>
        </>
      )}
    </div>
  );
}

export function EstimateHint(props: { metric?: Metric; hint?: LeverHint }) {
  const { metric, hint } = props;
  const ratio = hint?.effortRatio;
  return (
    <div id={ESTIMATE_HINT_ID} class="calibration-hint" aria-live="polite">
      {!metric || !hint ? null : ratio == null ? (
        <p class="muted">
          Nothing to go on yet: no closed experiment on {metric.name} has both an estimate and actual days.
        </p>
      ) : (
        <p>
          Experiments on {metric.name} took <strong>{fmtRatio(ratio)}</strong> their estimate
          {ratio < 0.95 ? ' (faster than estimated)' : ratio > 1.05 ? ' (longer than estimated)' : ''}, over{' '}
          {plural(hint.effortClosed, 'experiment')}.
        </p>
      )}
    </div>
  );
}

/**
 * The hints as the htmx answer to a metric change: swapped into the form alongside the learnings panel
 * (the main target), each replacing its own element.
 */
export function HintPartials(props: { ws: Workspace; metric?: Metric; hint?: LeverHint }) {
  return (
    <>
      <hx-partial hx-target={`#${CONFIDENCE_HINT_ID}`} hx-swap="outerHTML">
        <ConfidenceHint {...props} />
      </hx-partial>
      <hx-partial hx-target={`#${ESTIMATE_HINT_ID}`} hx-swap="outerHTML">
        <EstimateHint metric={props.metric} hint={props.hint} />
      </hx-partial>
    </>
  );
}
