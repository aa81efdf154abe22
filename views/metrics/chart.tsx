import type { Metric } from '../../db/schema';
import { dayLabel } from '../../src/batches/weeks';
import type { ChartExperiment } from '../../src/measurements/annotations';
import type { SeriesPoint } from '../../src/measurements/measurements';
import { periodLabel, periodOf, periodsBetween } from '../../src/measurements/periods';
import { fmtLift } from '../components/badges';
import { DataTable } from '../components/charts';
import { fmtValue } from '../components/kpi-tile';
import {
  axisLabel,
  CHART_MAX_PERIODS,
  detail,
  fitted,
  LANE_H,
  M,
  niceTicks,
  PLOT_H,
  PLOT_W,
  placeExperiments,
  r2,
  stackBars,
  TIP_H,
  W,
} from './chart-layout';
import { MARK, outcomeWord, toneOf } from './outcome-marks';

export {
  type BarSpan,
  CHART_MAX_PERIODS,
  niceTicks,
  type PlacedExperiment,
  placeExperiments,
  type StackedBar,
  stackBars,
} from './chart-layout';
export { ExperimentLifts } from './experiment-lifts';

// A metric over time, annotated with the experiments aimed at it: the line of its values, and under the axis
// one bar per experiment from the period it started to the one it closed in, coloured and marked by outcome.
// Server-rendered SVG (hover or focus a marker for its detail; each is a link to the experiment), plus the
// same facts as tables.

/** The chart itself (an SVG with its own title and description). */
export function MetricChart(props: {
  metric: Metric;
  series: SeriesPoint[];
  experiments: ChartExperiment[];
  timeZone: string;
  slug: string;
  id?: string;
  now?: number;
}) {
  const { metric: m, series, timeZone, slug } = props;
  const id = props.id ?? `metric-chart-${m.id}`;
  const placed = placeExperiments(props.experiments, m.cadence, timeZone);
  if (!series.length && !placed.length)
    return (
      <p class="empty muted" id={id}>
        No values yet. Once {m.name} has a few {m.cadence === 'week' ? 'weeks' : 'days'} of values, they show
        here as a line, with the experiments aimed at it marked underneath.
      </p>
    );
  const now = periodOf(props.now ?? Date.now(), m.cadence, timeZone);
  const edges = [
    ...series.map((p) => p.period),
    ...placed.flatMap((e) => [e.startPeriod, e.endPeriod ?? (series.length ? '' : now)]),
  ].filter(Boolean);
  const from = edges.reduce((a, b) => (a < b ? a : b));
  const to = edges.reduce((a, b) => (a > b ? a : b));
  const periods = periodsBetween(from, to, m.cadence, CHART_MAX_PERIODS);
  const first = periods[0] ?? from;
  const last = periods.at(-1) ?? to;
  const slot = new Map(periods.map((p, i) => [p, i]));
  const n = periods.length;
  const sw = PLOT_W / n;
  const x = (i: number) => r2(M.left + sw * (i + 0.5));
  const values = series.filter((p) => slot.has(p.period)).map((p) => p.value);
  const ticks = values.length ? niceTicks(Math.min(...values), Math.max(...values)) : [0, 1];
  const lo = ticks[0] ?? 0;
  const hi = ticks.at(-1) ?? 1;
  const y = (v: number) => r2(M.top + PLOT_H - ((v - lo) / (hi - lo || 1)) * PLOT_H);
  const axisY = M.top + PLOT_H;
  // The bars inside the chart's periods (an experiment older than the first period starts at the left edge).
  const shown = placed.filter((e) => e.startPeriod <= last && (e.endPeriod ?? last) >= first);
  const bars = shown.map((e) => {
    const s = slot.get(e.startPeriod) ?? 0;
    const end = slot.get(e.endPeriod ?? last) ?? n - 1;
    const x1 = r2(x(s) - sw / 2 + 1);
    const x2 = r2(x(end) + sw / 2 - 1);
    return { e, x1, x2, label: `#${e.id} ${MARK[toneOf(e)]}` };
  });
  const stacked = stackBars(bars);
  const lanes = stacked.length ? Math.max(...stacked.map((b) => b.lane)) + 1 : 0;
  const lanesTop = axisY + M.bottom;
  const H = lanesTop + lanes * LANE_H + 8;
  const labelEvery = Math.max(1, Math.ceil(n / 12));
  // Over more than one year "W02" alone is ambiguous: the first label and each new year's first carry it.
  const severalYears = first.slice(0, 4) !== last.slice(0, 4);
  let labelledYear = '';

  let d = '';
  let prev = -2;
  for (const p of series) {
    const i = slot.get(p.period);
    if (i === undefined) continue;
    d += `${i === prev + 1 ? 'L' : 'M'}${x(i)} ${y(p.value)} `;
    prev = i;
  }
  const unit = m.unit ? ` ${m.unit}` : '';
  const firstValue = series.find((p) => slot.has(p.period));
  const lastValue = series.at(-1);
  const trend =
    firstValue && lastValue
      ? `${m.name} from ${periodLabel(first, m.cadence)} to ${periodLabel(last, m.cadence)}: ${fmtValue(firstValue.value)} to ${fmtValue(lastValue.value)}${unit}, ${values.length} value${values.length === 1 ? '' : 's'}.`
      : `${m.name} has no values yet.`;
  const count = `${placed.length} experiment${placed.length === 1 ? '' : 's'}`;
  // The description read out with the chart lists every experiment; the caption on screen points at them.
  const desc = `${trend} ${placed.length ? `${count}: ${placed.map((e) => detail(e, m.cadence)).join('; ')}.` : 'No experiment has run on it yet.'}`;
  const caption = `${trend} ${placed.length ? `${count} marked under the axis, from the ${m.cadence === 'week' ? 'week' : 'day'} each started to the one it closed in: hover, tap or tab to one for its detail.` : 'No experiment has run on it yet.'}`;
  const tones = [...new Set(placed.map(toneOf))];

  return (
    <figure class="metric-chart" id={id}>
      <svg
        class="chart-svg mc-svg"
        viewBox={`0 0 ${W} ${H}`}
        aria-labelledby={`${id}-title ${id}-desc`}
        preserveAspectRatio="xMidYMid meet"
      >
        <title id={`${id}-title`}>
          {m.name} over time{placed.length ? ', with its experiments' : ''}
        </title>
        <desc id={`${id}-desc`}>{desc}</desc>
        {/* biome-ignore lint/a11y/noAriaHiddenOnFocusable: an SVG <g> is not focusable; this is drawing, the <desc> and the tables carry its facts */}
        <g class="axis y-axis" aria-hidden="true">
          {ticks.map((t) => (
            <g>
              <line class="grid" x1={M.left} x2={W - M.right} y1={y(t)} y2={y(t)} />
              <text x={M.left - 10} y={y(t) + 6} text-anchor="end">
                {fmtValue(t)}
              </text>
            </g>
          ))}
        </g>
        {/* biome-ignore lint/a11y/noAriaHiddenOnFocusable: an SVG <g> is not focusable; this is drawing, the <desc> and the tables carry its facts */}
        <g class="axis x-axis" aria-hidden="true">
          <line class="baseline" x1={M.left} x2={W - M.right} y1={axisY} y2={axisY} />
          {periods.map((p, i) => {
            if ((n - 1 - i) % labelEvery !== 0) return null;
            const withYear = severalYears && p.slice(0, 4) !== labelledYear;
            labelledYear = p.slice(0, 4);
            return (
              <text x={x(i)} y={axisY + 26} text-anchor="middle">
                {axisLabel(p, m.cadence, withYear)}
              </text>
            );
          })}
        </g>
        {/* The experiments' spans behind the line, so the eye can read what moved while each ran. */}
        {/* biome-ignore lint/a11y/noAriaHiddenOnFocusable: an SVG <g> is not focusable; this is drawing, the <desc> and the tables carry its facts */}
        <g class="mc-spans" aria-hidden="true">
          {placed.map((e) => {
            const s = slot.get(e.startPeriod);
            const end = e.endPeriod ? slot.get(e.endPeriod) : n - 1;
            if (s === undefined || end === undefined) return null;
            return (
              <g class={`mc-tone-${toneOf(e)}`}>
                <line class="mc-start" x1={x(s) - sw / 2} x2={x(s) - sw / 2} y1={M.top} y2={axisY} />
                {e.endPeriod ? (
                  <line class="mc-end" x1={x(end) + sw / 2} x2={x(end) + sw / 2} y1={M.top} y2={axisY} />
                ) : null}
              </g>
            );
          })}
        </g>
        {/* biome-ignore lint/a11y/noAriaHiddenOnFocusable: an SVG <g> is not focusable; this is drawing, the <desc> and the tables carry its facts */}
        <g class="mc-series" aria-hidden="true">
          <path class="mc-line" d={d.trim()} fill="none" />
          {series.map((p) => {
            const i = slot.get(p.period);
            return i === undefined ? null : (
              <circle class="mc-dot" cx={x(i)} cy={y(p.value)} r={n > 60 ? 2.5 : 5}>
                <title>
                  {periodLabel(p.period, m.cadence)}: {fmtValue(p.value)}
                  {unit}
                </title>
              </circle>
            );
          })}
        </g>
        <g class="mc-experiments">
          {bars.map(({ e, x1, x2, label }, k) => {
            const top = lanesTop + (stacked[k]?.lane ?? 0) * LANE_H;
            return (
              <a href={`/w/${slug}/hypotheses/${e.id}`} class={`mc-exp mc-tone-${toneOf(e)}`}>
                <title>{detail(e, m.cadence)}</title>
                <rect
                  class="mc-bar"
                  x={x1}
                  y={top}
                  width={Math.max(6, r2(x2 - x1))}
                  height={LANE_H - 8}
                  rx="4"
                />
                <text class="mc-label" x={stacked[k]?.labelX ?? x1 + 6} y={top + LANE_H - 14}>
                  {label}
                </text>
                {/* The detail, shown on hover and on keyboard focus (a tooltip shows on hover only), over the
                    time axis's labels just above the bars. */}
                {/* biome-ignore lint/a11y/noAriaHiddenOnFocusable: an SVG <g> is not focusable; the link's <title> names it */}
                <g class="mc-tip" aria-hidden="true">
                  <rect class="mc-tip-bg" x={M.left} y={axisY + 6} width={PLOT_W} height={TIP_H} rx="4" />
                  <text class="mc-tip-text" x={M.left + 10} y={axisY + 26}>
                    {fitted(e, m.cadence, PLOT_W - 20)}
                  </text>
                </g>
              </a>
            );
          })}
        </g>
      </svg>
      {tones.length ? (
        <ul class="mc-legend" aria-label="Experiment outcomes">
          {tones.map((t) => (
            <li class={`mc-tone-${t}`}>
              <span class="mc-swatch" aria-hidden="true">
                {MARK[t]}
              </span>{' '}
              {t}
            </li>
          ))}
        </ul>
      ) : null}
      <figcaption class="chart-summary">{caption}</figcaption>
      <details class="chart-data">
        <summary>The numbers as tables</summary>
        <DataTable
          id={`${id}-values`}
          caption={`${m.name}${unit ? ` (${m.unit})` : ''} by ${m.cadence === 'week' ? 'week' : 'day'}`}
          head={['Period', 'Value', 'Experiments']}
          rows={series.map((p) => [
            periodLabel(p.period, m.cadence),
            fmtValue(p.value),
            placed
              .filter((e) => e.startPeriod <= p.period && (e.endPeriod ?? '9999') >= p.period)
              .map(
                (e) =>
                  `#${e.id}${e.startPeriod === p.period ? ' starts' : e.endPeriod === p.period ? ` ends (${outcomeWord(e)})` : ''}`,
              )
              .join(', ') || '—',
          ])}
        />
        {placed.length ? (
          <DataTable
            id={`${id}-experiments`}
            caption="Experiments on this metric"
            head={['Experiment', 'Started', 'Ended', 'Outcome', 'Expected lift', 'Observed lift']}
            rows={placed.map((e) => [
              `#${e.id} ${e.title}`,
              dayLabel(e.startedAt, timeZone),
              e.closedAt == null ? 'running' : dayLabel(e.closedAt, timeZone),
              outcomeWord(e),
              fmtLift(e.expectedLift),
              fmtLift(e.lift),
            ])}
          />
        ) : null}
      </details>
    </figure>
  );
}
