import type { Metric } from '../../db/schema';
import { dayLabel } from '../../src/batches/weeks';
import type { ChartExperiment } from '../../src/measurements/annotations';
import { fmtLift } from '../components/badges';
import { fmtValue } from '../components/kpi-tile';
import { MARK, outcomeWord, toneOf } from './outcome-marks';

/** The experiments on a metric with what each was expected to do and what it did. */
export function ExperimentLifts(props: {
  experiments: ChartExperiment[];
  slug: string;
  metric: Metric;
  timeZone?: string;
}) {
  const { experiments, slug, metric: m } = props;
  const day = (ms: number) => dayLabel(ms, props.timeZone ?? 'UTC');
  if (!experiments.length)
    return (
      <p class="empty muted">
        No experiment has run on {m.name} yet. Hypotheses aimed at it show here once they start, with the lift
        each expected and the lift it got: <a href={`/w/${slug}/backlog?metricId=${m.id}`}>see its backlog</a>
        .
      </p>
    );
  const unit = m.unit ? ` ${m.unit}` : '';
  return (
    <table class="table mc-lifts">
      <caption class="sr-only">Experiments on {m.name}, with their lifts</caption>
      <thead>
        <tr>
          <th scope="col">Experiment</th>
          <th scope="col">Ran</th>
          <th scope="col">Outcome</th>
          <th scope="col" class="num">
            Expected lift
          </th>
          <th scope="col" class="num">
            Observed lift
          </th>
          <th scope="col" class="num">
            Baseline → observed
          </th>
        </tr>
      </thead>
      <tbody>
        {experiments.map((e) => {
          const tone = toneOf(e);
          return (
            <tr>
              <th scope="row">
                <a href={`/w/${slug}/hypotheses/${e.id}`}>
                  #{e.id} {e.title}
                </a>
              </th>
              <td>
                {day(e.startedAt)} – {e.closedAt == null ? 'now' : day(e.closedAt)}
              </td>
              <td>
                <span class={`pill ${e.result ? `outcome-${e.result}` : 'status-running'}`}>
                  <span aria-hidden="true">{MARK[tone]} </span>
                  {outcomeWord(e)}
                </span>
              </td>
              <td class="num">{fmtLift(e.expectedLift)}</td>
              <td class="num">
                <strong>{fmtLift(e.lift)}</strong>
              </td>
              <td class="num">
                {e.baseline != null || e.observed != null
                  ? `${e.baseline != null ? fmtValue(e.baseline) : '—'} → ${e.observed != null ? fmtValue(e.observed) : '—'}${unit}`
                  : '—'}
              </td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}
