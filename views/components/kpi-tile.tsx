import type { Cadence, Metric } from '../../db/schema';
import type { SeriesPoint } from '../../src/measurements/measurements';
import { periodLabel, periodsBetween, periodWord, shortPeriodLabel } from '../../src/measurements/periods';
import type { Tile } from '../../src/measurements/tiles';

// A KPI tile: a metric's latest value, its change against the previous period and a sparkline. Good or bad
// news is said three ways — colour, an arrow and a word — so it survives a washed-out projector and
// colour-blind readers.

const NUMBER = new Map<string, Intl.NumberFormat>();
/**
 * A value as people read it: as many decimals as its size needs (0.0043, 0.43, 12.5), thousands separated
 * from five digits on (1200, 12,480: four-digit numbers are left whole, as most style guides do).
 */
export function fmtValue(n: number): string {
  const abs = Math.abs(n);
  const digits = abs >= 10_000 ? 0 : abs >= 100 ? 1 : abs >= 1 ? 2 : 4;
  const grouping = abs >= 10_000;
  const key = `${digits}${grouping}`;
  let f = NUMBER.get(key);
  if (!f) {
    f = new Intl.NumberFormat('en-GB', { maximumFractionDigits: digits, useGrouping: grouping });
    NUMBER.set(key, f);
  }
  // "−" (U+2212) rather than a hyphen: a real minus sign, read as "minus".
  return f.format(n).replace('-', '−');
}

const withUnit = (text: string, unit: string) =>
  unit ? (unit === '%' ? `${text} %` : `${text} ${unit}`) : text;

/** "+0.02" / "−3": a change with its sign always shown. */
export const fmtDelta = (n: number) => (n > 0 ? `+${fmtValue(n)}` : fmtValue(n));

/** "+5.1 %": a relative change, one decimal. */
export const fmtPct = (n: number) => {
  const rounded = Math.round(n * 10) / 10;
  const text = Math.abs(rounded).toFixed(1);
  // A no-break space: "+1.1" and "%" never land on separate lines of a narrow tile.
  return `${rounded > 0 ? '+' : rounded < 0 ? '−' : ''}${text}\u00a0%`;
};

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

/** "last 12 weeks: 0.38 to 0.43": what a sparkline shows, in words (its accessible name). */
export function sparkLabel(points: SeriesPoint[], cadence: Cadence, unit = ''): string {
  const first = points[0];
  const last = points.at(-1);
  if (!first || !last) return `no ${periodWord(cadence)}s measured yet`;
  if (points.length === 1)
    return `one ${periodWord(cadence)} measured: ${withUnit(fmtValue(last.value), unit)}`;
  const span = periodsBetween(first.period, last.period, cadence).length;
  const gaps = span - points.length;
  return `last ${plural(span, periodWord(cadence))}: ${fmtValue(first.value)} to ${withUnit(
    fmtValue(last.value),
    unit,
  )}${gaps > 0 ? ` (${plural(gaps, periodWord(cadence))} without a value)` : ''}`;
}

const SW = 160;
const SH = 40;
const PAD = 4;

/**
 * A small line of the recent values, no axes. With a cadence, points sit at their period's slot so a missing
 * period breaks the line instead of being bridged. Coloured by whether the whole span went the good way.
 */
export function Sparkline(props: {
  points: SeriesPoint[];
  direction: Metric['direction'];
  label: string;
  cadence?: Cadence;
}) {
  const { points } = props;
  const first = points[0];
  const last = points.at(-1);
  if (!first || !last) return null;
  const slots = props.cadence
    ? periodsBetween(first.period, last.period, props.cadence)
    : points.map((p) => p.period);
  const index = new Map(slots.map((p, i) => [p, i]));
  const values = points.map((p) => p.value);
  const min = Math.min(...values);
  const max = Math.max(...values);
  const r1 = (n: number) => Math.round(n * 10) / 10;
  const x = (i: number) => r1(slots.length === 1 ? SW / 2 : PAD + (i / (slots.length - 1)) * (SW - 2 * PAD));
  const y = (v: number) => r1(max === min ? SH / 2 : SH - PAD - ((v - min) / (max - min)) * (SH - 2 * PAD));
  let d = '';
  let prev = -2;
  for (const p of points) {
    const i = index.get(p.period) ?? 0;
    d += `${i === prev + 1 ? 'L' : 'M'}${x(i)} ${y(p.value)} `;
    prev = i;
  }
  const change = last.value - first.value;
  const trend = change === 0 ? 'flat' : change > 0 === (props.direction === 'up') ? 'good' : 'bad';
  const lastX = x(index.get(last.period) ?? slots.length - 1);
  return (
    <svg class={`sparkline spark-${trend}`} viewBox={`0 0 ${SW} ${SH}`} role="img" aria-label={props.label}>
      <title>{props.label}</title>
      <path class="spark-line" d={d.trim()} fill="none" />
      {/* Single points (between gaps) would be invisible as a path: each gets a dot. */}
      {points.map((p, k) => {
        const i = index.get(p.period) ?? 0;
        const alone =
          index.get(points[k - 1]?.period ?? '') !== i - 1 &&
          index.get(points[k + 1]?.period ?? '') !== i + 1;
        return alone && p !== last ? <circle class="spark-dot" cx={x(i)} cy={y(p.value)} r="2.5" /> : null;
      })}
      <circle class="spark-end" cx={lastX} cy={y(last.value)} r="3.5" />
    </svg>
  );
}

/** The change line: "▲ +0.02 (+5.1 %) vs W46 · better", or why there is none. */
function Change(props: { tile: Tile }) {
  const { tile } = props;
  const { metric: m } = tile;
  if (!tile.latest) return null;
  const vs = tile.previousPeriod ? shortPeriodLabel(tile.previousPeriod, m.cadence) : '';
  if (tile.delta == null) return <p class="kpi-change none">no value for {vs} to compare with</p>;
  if (tile.delta === 0)
    return (
      <p class="kpi-change flat">
        <span aria-hidden="true">= </span>unchanged vs {vs}
      </p>
    );
  const tone = tile.better ? 'good' : 'bad';
  return (
    <p class={`kpi-change ${tone}`}>
      <span aria-hidden="true">{tile.delta > 0 ? '▲ ' : '▼ '}</span>
      {fmtDelta(tile.delta)}
      {/* A rate's change is in percentage points; the % in brackets is relative to the previous value. */}
      {m.unit === '%' ? (
        <>
          {' '}
          <abbr title="percentage points">pp</abbr>
        </>
      ) : m.unit ? (
        ` ${m.unit}`
      ) : null}
      {tile.pct != null ? ` (${fmtPct(tile.pct)})` : ''} vs {vs} ·{' '}
      <strong>{tile.better ? 'better' : 'worse'}</strong>
    </p>
  );
}

/**
 * What a tile shows under the metric's name: value, period, change, sparkline, direction and target. Cards
 * that name the metric themselves (the tree) use it directly; `addHref`, given to people who may enter
 * values, is offered when the metric has no measurements yet.
 */
export function TileFigures(props: { tile: Tile; addHref?: string }) {
  const { tile, addHref } = props;
  const m = tile.metric;
  return (
    <div class="kpi-figures">
      {tile.latest ? (
        <>
          <p class="kpi-value">
            <span class="kpi-number">{fmtValue(tile.latest.value)}</span>
            {m.unit ? <span class="kpi-unit"> {m.unit}</span> : null}
          </p>
          <p class="kpi-period">{periodLabel(tile.latest.period, m.cadence)}</p>
          <Change tile={tile} />
          <Sparkline
            points={tile.spark}
            direction={m.direction}
            cadence={m.cadence}
            label={sparkLabel(tile.spark, m.cadence, m.unit)}
          />
        </>
      ) : (
        <>
          <p class="kpi-value">
            {m.currentValue != null ? (
              <>
                <span class="kpi-number">{fmtValue(m.currentValue)}</span>
                {m.unit ? <span class="kpi-unit"> {m.unit}</span> : null}
              </>
            ) : (
              <span class="kpi-number muted">—</span>
            )}
          </p>
          <p class="kpi-change none">
            No measurements yet
            {addHref ? (
              <>
                : <a href={addHref}>add this {periodWord(m.cadence)}’s value</a>
              </>
            ) : null}
            .
          </p>
        </>
      )}
      <p class="kpi-meta">
        {m.direction === 'up' ? 'higher is better' : 'lower is better'}
        {m.target != null ? ` · target ${withUnit(fmtValue(m.target), m.unit)}` : ''}
      </p>
    </div>
  );
}

/**
 * One metric's tile: its name (linked to `href`, the metric's page) over its figures. `large`: the North
 * Star's. `level` is the name's heading level (3 by default: tiles sit under a section's h2).
 */
export function KpiTile(props: {
  tile: Tile;
  href?: string;
  addHref?: string;
  large?: boolean;
  eyebrow?: string;
  level?: 2 | 3 | 4;
}) {
  const { tile, href, large } = props;
  const m = tile.metric;
  const Heading = `h${props.level ?? 3}` as 'h3';
  return (
    <article
      class={`kpi-tile${large ? ' large' : ''}`}
      id={`kpi-${m.id}`}
      aria-labelledby={`kpi-${m.id}-name`}
    >
      {props.eyebrow ? <p class="eyebrow">{props.eyebrow}</p> : null}
      <Heading class="kpi-name" id={`kpi-${m.id}-name`}>
        {href ? <a href={href}>{m.name}</a> : m.name}
      </Heading>
      <TileFigures tile={tile} addHref={props.addHref} />
    </article>
  );
}

/** Tiles side by side, as a list; a North Star's tile is the larger one. */
export function KpiTiles(props: {
  tiles: Tile[];
  hrefOf?: (m: Metric) => string | undefined;
  addHrefOf?: (m: Metric) => string | undefined;
  label?: string;
}) {
  return (
    <ul class="kpi-tiles" aria-label={props.label ?? 'Latest values'}>
      {props.tiles.map((t) => {
        const nsm = t.metric.kind === 'north_star';
        return (
          <li>
            <KpiTile
              tile={t}
              href={props.hrefOf?.(t.metric)}
              addHref={props.addHrefOf?.(t.metric)}
              large={nsm}
              eyebrow={nsm ? 'North Star' : undefined}
            />
          </li>
        );
      })}
    </ul>
  );
}
