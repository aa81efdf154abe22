import type { Child } from 'hono/jsx';

// Small server-rendered SVG charts. Each is an <svg role="img"> named by its <title> and <desc>, scales with
// its viewBox (large type, readable on a projector), is coloured by classes in insights.css (the CSP allows
// no inline styles), and comes with a table of the same numbers for anyone who cannot see it.

const W = 720;
const H = 320;
const M = { top: 28, right: 20, bottom: 52, left: 64 };
const PLOT_W = W - M.left - M.right;
const PLOT_H = H - M.top - M.bottom;

/** Rounded to two decimals, so the markup stays short and stable. */
const r2 = (n: number) => Math.round(n * 100) / 100;

export type TableData = { caption: string; head: string[]; rows: string[][] };

/** The chart's numbers as a table (the text equivalent every chart has). */
export function DataTable(props: TableData & { id?: string }) {
  return (
    <table class="table chart-table" id={props.id}>
      <caption>{props.caption}</caption>
      <thead>
        <tr>
          {props.head.map((h, i) => (
            <th scope="col" class={i === 0 ? '' : 'num'}>
              {h}
            </th>
          ))}
        </tr>
      </thead>
      <tbody>
        {props.rows.map((row) => (
          <tr>
            {row.map((cell, i) => (i === 0 ? <th scope="row">{cell}</th> : <td class="num">{cell}</td>))}
          </tr>
        ))}
      </tbody>
    </table>
  );
}

type Frame = { id: string; title: string; desc: string };

/** The svg shell: viewBox, role, and the title/description that name it for assistive technology. */
function Svg(props: Frame & { children: Child }) {
  return (
    <svg
      class="chart-svg"
      viewBox={`0 0 ${W} ${H}`}
      role="img"
      aria-labelledby={`${props.id}-title ${props.id}-desc`}
      preserveAspectRatio="xMidYMid meet"
    >
      <title id={`${props.id}-title`}>{props.title}</title>
      <desc id={`${props.id}-desc`}>{props.desc}</desc>
      {props.children}
    </svg>
  );
}

/** Horizontal gridlines with their values on the left. */
function YAxis(props: { ticks: number[]; max: number; format: (v: number) => string; label?: string }) {
  const y = (v: number) => r2(M.top + PLOT_H - (v / props.max) * PLOT_H);
  return (
    <g class="axis y-axis">
      {props.ticks.map((t) => (
        <g>
          <line class="grid" x1={M.left} x2={W - M.right} y1={y(t)} y2={y(t)} />
          <text x={M.left - 8} y={y(t) + 5} text-anchor="end">
            {props.format(t)}
          </text>
        </g>
      ))}
      {props.label ? (
        <text
          class="axis-label"
          transform={`translate(16 ${M.top + PLOT_H / 2}) rotate(-90)`}
          text-anchor="middle"
        >
          {props.label}
        </text>
      ) : null}
    </g>
  );
}

/** Category labels under the plot, one per slot. */
function XLabels(props: { labels: string[]; x: (i: number) => number; label?: string }) {
  return (
    <g class="axis x-axis">
      <line class="baseline" x1={M.left} x2={W - M.right} y1={M.top + PLOT_H} y2={M.top + PLOT_H} />
      {props.labels.map((l, i) => (
        <text x={r2(props.x(i))} y={M.top + PLOT_H + 22} text-anchor="middle">
          {l}
        </text>
      ))}
      {props.label ? (
        <text class="axis-label" x={M.left + PLOT_W / 2} y={H - 6} text-anchor="middle">
          {props.label}
        </text>
      ) : null}
    </g>
  );
}

const slotX = (n: number) => (i: number) => M.left + (PLOT_W / n) * (i + 0.5);

/**
 * Bars per category (weeks). A null value is no bar and a dash, so "nothing to measure" reads differently
 * from a measured zero.
 */
export function BarChart(
  props: Frame & {
    labels: string[];
    values: (number | null)[];
    max: number;
    ticks: number[];
    format: (v: number) => string;
    xLabel?: string;
    yLabel?: string;
    barClass?: string;
  },
) {
  const n = props.labels.length;
  const x = slotX(n);
  const bw = Math.min(40, (PLOT_W / n) * 0.6);
  const h = (v: number) => (Math.min(v, props.max) / props.max) * PLOT_H;
  const base = M.top + PLOT_H;
  return (
    <Svg id={props.id} title={props.title} desc={props.desc}>
      <YAxis ticks={props.ticks} max={props.max} format={props.format} label={props.yLabel} />
      <XLabels labels={props.labels} x={x} label={props.xLabel} />
      <g class={`bars ${props.barClass ?? ''}`}>
        {props.values.map((v, i) =>
          v == null ? (
            <text class="value none" x={r2(x(i))} y={base - 8} text-anchor="middle">
              –
            </text>
          ) : (
            <g>
              <rect class="bar" x={r2(x(i) - bw / 2)} y={r2(base - h(v))} width={r2(bw)} height={r2(h(v))} />
              <text class="value" x={r2(x(i))} y={r2(base - h(v) - 7)} text-anchor="middle">
                {props.format(v)}
              </text>
            </g>
          ),
        )}
      </g>
    </Svg>
  );
}

export type LineSeries = { name: string; values: (number | null)[]; class: string };

/** Lines over categories (weeks); a null breaks the line. A dashed reference line can mark a benchmark. */
export function LineChart(
  props: Frame & {
    labels: string[];
    series: LineSeries[];
    max: number;
    ticks: number[];
    format: (v: number) => string;
    reference?: { value: number; label: string };
    xLabel?: string;
    yLabel?: string;
  },
) {
  const x = slotX(props.labels.length);
  const y = (v: number) => r2(M.top + PLOT_H - (Math.min(v, props.max) / props.max) * PLOT_H);
  const path = (values: (number | null)[]) => {
    let d = '';
    let pen = false;
    values.forEach((v, i) => {
      if (v == null) {
        pen = false;
        return;
      }
      d += `${pen ? 'L' : 'M'}${r2(x(i))} ${y(v)} `;
      pen = true;
    });
    return d.trim();
  };
  return (
    <Svg id={props.id} title={props.title} desc={props.desc}>
      <YAxis ticks={props.ticks} max={props.max} format={props.format} label={props.yLabel} />
      <XLabels labels={props.labels} x={x} label={props.xLabel} />
      {props.reference ? (
        <g class="reference">
          <line
            x1={M.left}
            x2={W - M.right}
            y1={y(props.reference.value)}
            y2={y(props.reference.value)}
            stroke-dasharray="8 6"
          />
          <text x={M.left + 6} y={y(props.reference.value) - 6} text-anchor="start">
            {props.reference.label}
          </text>
        </g>
      ) : null}
      {props.series.map((s) => (
        <g class={`series ${s.class}`}>
          <path class="line" d={path(s.values)} fill="none" />
          {s.values.map((v, i) => (v == null ? null : <circle class="dot" cx={r2(x(i))} cy={y(v)} r="5" />))}
        </g>
      ))}
      <g class="legend">
        {props.series.map((s, i) => (
          <g class={`series ${s.class}`}>
            <line class="line" x1={M.left + 8 + i * 230} x2={M.left + 36 + i * 230} y1={14} y2={14} />
            <text x={M.left + 44 + i * 230} y={19}>
              {s.name}
            </text>
          </g>
        ))}
      </g>
    </Svg>
  );
}

export type CalibrationPoint = { confidence: number; n: number; winRate: number };

/**
 * Stated Confidence (1–10) against the share that won, one dot per Confidence with experiments (its size
 * and label give n), and the diagonal a perfectly calibrated team would sit on (Confidence 7 wins 70%).
 */
export function CalibrationChart(props: Frame & { points: CalibrationPoint[] }) {
  const x = (c: number) => r2(M.left + ((c - 0.5) / 10) * PLOT_W);
  const y = (rate: number) => r2(M.top + PLOT_H - rate * PLOT_H);
  const maxN = Math.max(1, ...props.points.map((p) => p.n));
  const radius = (n: number) => r2(6 + 10 * Math.sqrt(n / maxN));
  const labels = Array.from({ length: 10 }, (_, i) => String(i + 1));
  return (
    <Svg id={props.id} title={props.title} desc={props.desc}>
      <YAxis
        ticks={[0, 0.25, 0.5, 0.75, 1]}
        max={1}
        format={(v) => `${Math.round(v * 100)}%`}
        label="Share that won"
      />
      <XLabels labels={labels} x={(i) => x(i + 1)} label="Stated Confidence" />
      <g class="reference">
        <line x1={x(1)} y1={y(0.1)} x2={x(10)} y2={y(1)} stroke-dasharray="8 6" />
        <text x={x(10) - 6} y={y(1) + 20} text-anchor="end">
          perfect calibration
        </text>
      </g>
      <g class="series calibration">
        {props.points.map((p) => (
          <g>
            <circle class="dot" cx={x(p.confidence)} cy={y(p.winRate)} r={radius(p.n)} />
            <text
              class="value"
              x={x(p.confidence)}
              y={r2(y(p.winRate) - radius(p.n) - 6)}
              text-anchor="middle"
            >
              n={p.n}
            </text>
          </g>
        ))}
      </g>
    </Svg>
  );
}

/** A chart, a sentence that says what it shows, and its table (collapsed: the sentence carries the gist). */
export function ChartFigure(props: {
  id: string;
  heading: string;
  summary: Child;
  chart: Child;
  table: TableData;
}) {
  return (
    <section class="chart-figure panel" aria-labelledby={`${props.id}-heading`}>
      <h2 id={`${props.id}-heading`}>{props.heading}</h2>
      <figure>
        {props.chart}
        <figcaption class="chart-summary">{props.summary}</figcaption>
      </figure>
      <details class="chart-data">
        <summary>The numbers as a table</summary>
        <DataTable id={`${props.id}-table`} {...props.table} />
      </details>
    </section>
  );
}
