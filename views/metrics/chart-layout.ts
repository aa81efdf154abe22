import type { Metric } from '../../db/schema';
import type { ChartExperiment } from '../../src/measurements/annotations';
import { periodOf, shortPeriodLabel } from '../../src/measurements/periods';
import { fmtLift } from '../components/badges';
import { outcomeWord } from './outcome-marks';

// The metric chart's geometry and words, apart from its markup: where things go (ticks, experiments' periods,
// rows for their bars and labels) and what the detail of an experiment says. Pure.

export const W = 960;
export const M = { top: 20, right: 24, bottom: 44, left: 76 };
export const PLOT_W = W - M.left - M.right;
export const PLOT_H = 300;
export const LANE_H = 30;
/** The right edge of the plot, where bars and their labels must end. */
const RIGHT = W - M.right;
/**
 * Rough widths of the chart's text in SVG units, on the wide side (bold digits are ~0.7em at 15px): enough to
 * keep labels from running into each other whatever font the browser picks.
 */
const LABEL_CHAR_W = 10.5;
const TIP_CHAR_W = 8.6;
export const TIP_H = 30;
/** A chart wider than this many periods shows only the latest ones (the tables keep everything). */
export const CHART_MAX_PERIODS = 370;

export const r2 = (n: number) => Math.round(n * 100) / 100;

/** Round tick values covering [min, max] (about `count` of them). */
export function niceTicks(min: number, max: number, count = 5): number[] {
  if (min === max) {
    const pad = min === 0 ? 1 : Math.abs(min) * 0.1;
    return niceTicks(min - pad, max + pad, count);
  }
  const raw = (max - min) / count;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 2.5, 5, 10].map((s) => s * mag).find((s) => s >= raw) ?? 10 * mag;
  const out: number[] = [];
  for (let v = Math.floor(min / step) * step; v <= max + step * 1e-9; v += step)
    out.push(Math.round(v / step) * step);
  if ((out.at(-1) ?? max) < max) out.push((out.at(-1) ?? max) + step);
  return out.map((v) => Number(v.toPrecision(12)));
}

export type PlacedExperiment = ChartExperiment & {
  startPeriod: string;
  /** The period it closed in (null while running). */
  endPeriod: string | null;
};

/** Each experiment's periods in the workspace's time zone (its row on the chart is stackBars' business). */
export function placeExperiments(
  experiments: ChartExperiment[],
  cadence: Metric['cadence'],
  timeZone: string,
): PlacedExperiment[] {
  return experiments.map((e) => ({
    ...e,
    startPeriod: periodOf(e.startedAt, cadence, timeZone),
    endPeriod: e.closedAt == null ? null : periodOf(e.closedAt, cadence, timeZone),
  }));
}

export type BarSpan = { x1: number; x2: number; label: string };
export type StackedBar = { lane: number; labelX: number };

/**
 * Rows for the experiment bars so that no bar *and no label* overlaps another: a bar's label starts inside
 * it and may run past its end when the bar is short (a two-day experiment on a year of daily values), so each
 * bar occupies the wider of the two; a label that would run off the plot's right edge ends at that edge
 * instead. Greedy, in the order given (oldest start first): each bar takes the first row free at its left.
 */
export function stackBars(spans: BarSpan[], right = RIGHT): StackedBar[] {
  const laneEnds: number[] = [];
  return spans.map(({ x1, x2, label }) => {
    const labelW = label.length * LABEL_CHAR_W;
    let labelX = x1 + 6;
    if (labelX + labelW > right) labelX = Math.max(x1 + 6 - labelW, right - labelW);
    const start = Math.min(x1, labelX - 6);
    const end = Math.max(x2, labelX + labelW + 6);
    let lane = laneEnds.findIndex((e) => e <= start);
    if (lane === -1) lane = laneEnds.length;
    laneEnds[lane] = end;
    return { lane, labelX: r2(labelX) };
  });
}

/** The period's year, when the axis spans several: "W02 ’26", "1 Jan ’27" (ISO week years for weeks). */
export function axisLabel(period: string, cadence: Metric['cadence'], withYear: boolean): string {
  const short = shortPeriodLabel(period, cadence);
  return withYear ? `${short} ’${period.slice(2, 4)}` : short;
}

/** A detail line that fits the chart's width: the title is shortened when it would not. */
export function fitted(e: PlacedExperiment, cadence: Metric['cadence'], width: number): string {
  const full = detail(e, cadence);
  const max = Math.floor(width / TIP_CHAR_W);
  if (full.length <= max) return full;
  const cut = Math.max(8, e.title.length - (full.length - max) - 1);
  return detail({ ...e, title: `${e.title.slice(0, cut).trimEnd()}…` }, cadence);
}

const runs = (e: PlacedExperiment, cadence: Metric['cadence']) =>
  `${shortPeriodLabel(e.startPeriod, cadence)}–${e.endPeriod ? shortPeriodLabel(e.endPeriod, cadence) : 'now'}`;

export function detail(e: PlacedExperiment, cadence: Metric['cadence']): string {
  const lifts =
    e.lift != null || e.expectedLift != null
      ? `; lift ${fmtLift(e.lift)} (expected ${fmtLift(e.expectedLift)})`
      : '';
  return `#${e.id} ${e.title}: ${outcomeWord(e)}, ${runs(e, cadence)}${lifts}`;
}
