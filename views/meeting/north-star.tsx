import type { MetricRow, NorthStarData, ValueChange } from '../../src/meeting/north-star';
import { fmt, fmtDate } from '../components/badges';
import { Empty, Section, type Viewer } from './shared';

// a) The North Star and its active inputs: where each stands, and how it moved since this week began.

const value = (n: number | null, unit: string) => (n == null ? '—' : `${fmt(n, 2)}${unit ? ` ${unit}` : ''}`);

function Change(props: { change: ValueChange; unit: string }) {
  const c = props.change;
  if (c.kind === 'none') return <span class="muted">no earlier value</span>;
  if (c.delta == null) return <span class="muted">was {value(c.from, props.unit)}; no value now</span>;
  if (c.delta === 0) return <span>unchanged (was {value(c.from, props.unit)})</span>;
  // Better or worse is said in words (and an arrow), not by colour alone.
  return (
    <span class={c.better ? 'm-better' : 'm-worse'}>
      {c.delta > 0 ? '▲ +' : '▼ '}
      {fmt(c.delta, 2)}
      {props.unit ? ` ${props.unit}` : ''} (was {value(c.from, props.unit)}) ·{' '}
      <strong>{c.better ? 'better' : 'worse'}</strong>
    </span>
  );
}

function Row(props: { row: MetricRow; ws: Viewer['ws']; nsm?: boolean }) {
  const { metric: m, change } = props.row;
  return (
    <tr id={`mn-${m.id}`} class={props.nsm ? 'm-nsm' : ''}>
      <th scope="row">
        {props.nsm ? <span class="eyebrow">North Star · </span> : null}
        <a href={`/w/${props.ws.slug}/backlog?metricId=${m.id}&status=all`}>{m.name}</a>
      </th>
      <td class="num m-value">{value(m.currentValue, m.unit)}</td>
      <td class="num">{value(m.target, m.unit)}</td>
      <td>{m.direction === 'up' ? 'higher is better' : 'lower is better'}</td>
      <td>
        <Change change={change} unit={m.unit} />
      </td>
    </tr>
  );
}

export function NorthStarSection(props: { v: Viewer; data: NorthStarData }) {
  const { v, data } = props;
  const base = `/w/${v.ws.slug}`;
  return (
    <Section
      k="north-star"
      n={1}
      title="North Star and inputs"
      lede={`Current values; the change is since this week began (${fmtDate(data.weekStart)}), from the recorded changes to each value.`}
    >
      {data.northStar || data.inputs.length ? (
        <table class="table m-metrics">
          <thead>
            <tr>
              <th scope="col">Metric</th>
              <th scope="col" class="num">
                Now
              </th>
              <th scope="col" class="num">
                Target
              </th>
              <th scope="col">Direction</th>
              <th scope="col">Since this week began</th>
            </tr>
          </thead>
          <tbody>
            {data.northStar ? <Row row={data.northStar} ws={v.ws} nsm /> : null}
            {data.inputs.map((row) => (
              <Row row={row} ws={v.ws} />
            ))}
          </tbody>
        </table>
      ) : null}
      {data.inputs.length === 0 ? (
        <Empty>
          <p>
            No input metrics yet. Every hypothesis moves one of the 2–4 inputs that drive the North Star:{' '}
            <a href={`${base}/metrics`}>name them on the Metrics page</a>.
          </p>
        </Empty>
      ) : null}
    </Section>
  );
}
