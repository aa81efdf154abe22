import type { Measurement, Metric } from '../../db/schema';
import type { MemberWorkspace } from '../../src/accounts/members';
import type { ChartExperiment } from '../../src/measurements/annotations';
import type { Tile } from '../../src/measurements/tiles';
import { canEdit, isOwner, ReadOnlyNote } from '../components/access';
import { Banner } from '../components/badges';
import type { FormState } from '../components/form';
import { fmtValue, KpiTile } from '../components/kpi-tile';
import { Layout } from '../layout';
import { ValueForm, ValuesTable } from '../measurements/values';
import { ExperimentLifts, MetricChart } from './chart';

// One metric's page: what it is, where it stands (its tile), its values over time annotated with the
// experiments aimed at it, those experiments' lifts, and its values to add, replace or delete.

export type Notice = {
  tone: 'ok' | 'warn' | 'error';
  message: string;
  /** Move focus to the notice (after a delete, whose row and button are gone). */
  focus?: boolean;
};

export type MetricDetailProps = {
  ws: MemberWorkspace;
  metric: Metric;
  tile: Tile;
  /** Every value, oldest first (the chart's line). */
  series: Measurement[];
  /** How many of the newest values the table lists (all of them with ?all=1). */
  shown: number;
  experiments: ChartExperiment[];
  /** The add/replace form: period (prefilled with the current one) and value. */
  form: FormState;
  /** The metric's current period in the workspace's time zone. */
  currentPeriod: string;
  /** Where a pipeline posts values (the curl example). */
  apiUrl: string;
  notice?: Notice;
};

function Facts(props: { metric: Metric }) {
  const m = props.metric;
  const unit = m.unit ? ` ${m.unit}` : '';
  return (
    <dl class="facts">
      <div>
        <dt>Unit</dt>
        <dd>{m.unit || '—'}</dd>
      </div>
      <div>
        <dt>Direction</dt>
        <dd>{m.direction === 'up' ? '↑ up is good' : '↓ down is good'}</dd>
      </div>
      <div>
        <dt>Measured</dt>
        <dd>{m.cadence === 'week' ? 'weekly (ISO weeks)' : 'daily'}</dd>
      </div>
      <div>
        <dt>Target</dt>
        <dd>{m.target == null ? '—' : `${fmtValue(m.target)}${unit}`}</dd>
      </div>
      <div>
        <dt>Owner</dt>
        <dd>{m.owner || '—'}</dd>
      </div>
    </dl>
  );
}

/** Everything below the heading: what an htmx save or delete replaces (tile, chart, lifts, values). */
export function MetricBody(props: MetricDetailProps) {
  const { ws, metric, series } = props;
  const editor = canEdit(ws);
  const newestFirst = [...series].reverse();
  const rows = newestFirst.slice(0, props.shown);
  return (
    <div id="metric-body" class="metric-body stack">
      {props.notice?.focus ? (
        // The deleted row took the focused button with it: focus lands on what happened instead of the top of
        // the page (htmx focuses an autofocus element it swaps in; a page load does too).
        <p class={`alert ${props.notice.tone}`} role="status" tabindex={-1} autofocus>
          {props.notice.message}
        </p>
      ) : (
        <Banner tone={props.notice?.tone ?? 'ok'} message={props.notice?.message} />
      )}
      <div class="metric-top">
        <KpiTile
          tile={props.tile}
          level={2}
          large={metric.kind === 'north_star'}
          eyebrow={metric.kind === 'north_star' ? 'North Star' : 'Latest value'}
          addHref={editor ? '#f-value' : undefined}
        />
      </div>
      <section class="panel" aria-labelledby="chart-title">
        <h2 id="chart-title">Over time</h2>
        <MetricChart
          metric={metric}
          series={series.map((r) => ({ period: r.period, value: r.value }))}
          experiments={props.experiments}
          timeZone={ws.timeZone}
          slug={ws.slug}
        />
      </section>
      {metric.kind === 'input' || props.experiments.length ? (
        <section class="panel" aria-labelledby="lifts-title">
          <h2 id="lifts-title">Experiments aimed at it</h2>
          <ExperimentLifts
            experiments={props.experiments}
            slug={ws.slug}
            metric={metric}
            timeZone={ws.timeZone}
          />
        </section>
      ) : null}
      <section class="panel" id="values" aria-labelledby="values-title">
        <h2 id="values-title">
          Values <span class="muted small">({series.length})</span>
        </h2>
        {editor ? <ValueForm ws={ws} metric={metric} form={props.form} /> : null}
        <ValuesTable
          ws={ws}
          metric={metric}
          rows={rows}
          total={series.length}
          apiUrl={props.apiUrl}
          period={props.currentPeriod}
        />
      </section>
    </div>
  );
}

export function MetricDetailPage(props: MetricDetailProps) {
  const { ws, metric } = props;
  const base = `/w/${ws.slug}`;
  const northStar = metric.kind === 'north_star';
  // The North Star is edited on its own page, by owners; input metrics by editors.
  const edit = northStar
    ? isOwner(ws)
      ? `${base}/north-star`
      : undefined
    : canEdit(ws)
      ? `${base}/metrics/${metric.id}/edit`
      : undefined;
  return (
    <Layout title={metric.name} ws={ws} nav="metrics">
      <p class="crumbs">
        <a href={`${base}/metrics`}>Metrics</a> ›
      </p>
      <div class="page-head">
        <h1>
          {metric.name}
          {northStar ? <span class="badge">North Star</span> : null}
          {metric.archivedAt != null ? <span class="badge warn">archived</span> : null}
        </h1>
        <p class="links">
          {edit ? <a href={edit}>Edit{northStar ? ' the North Star' : ' this metric'}</a> : null}
          {edit ? ' · ' : null}
          <a href={`${base}/measurements`}>
            {canEdit(ws) ? 'Enter every metric’s values' : 'Every metric’s values'}
          </a>
          {northStar ? null : (
            <>
              {' · '}
              <a href={`${base}/backlog?metricId=${metric.id}`}>Its backlog</a>
              {canEdit(ws) && metric.archivedAt == null ? (
                <>
                  {' · '}
                  <a href={`${base}/drafts?metricId=${metric.id}`}>Draft hypotheses for it</a>
                </>
              ) : null}
            </>
          )}
        </p>
      </div>
      {metric.description ? <p class="lede">{metric.description}</p> : null}
      <Facts metric={metric} />
      <ReadOnlyNote ws={ws} needs="editor" what="enter or correct values" />
      <MetricBody {...props} />
    </Layout>
  );
}
