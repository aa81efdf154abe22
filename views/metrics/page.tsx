import type { Metric, Workspace } from '../../db/schema';
import type { MemberWorkspace } from '../../src/accounts/members';
import type { SeriesPoint } from '../../src/measurements/measurements';
import { periodLabel } from '../../src/measurements/periods';
import { ACTIVE_INPUTS_ADVISED } from '../../src/metrics/schemas';
import { canEdit, isOwner, ReadOnlyNote } from '../components/access';
import { Banner, fmt } from '../components/badges';
import { ErrorSummary, type FormState } from '../components/form';
import { Layout } from '../layout';
import { MetricFields } from './fields';

// metricValues and MetricFields live in ./fields; re-exported for the pages and tests that import them here.
export { CADENCE_OPTIONS, MetricFields, metricValues } from './fields';

export function MetricsPage(props: {
  ws: MemberWorkspace;
  metrics: Metric[];
  /** How many hypotheses and learnings refer to each metric (an unused archived metric can be deleted). */
  refs: Map<number, number>;
  /** Each metric's latest measured period and value (metrics without values are absent). */
  latest?: Map<number, SeriesPoint>;
  form: FormState;
  notice?: string;
  problem?: string;
}) {
  const { ws } = props;
  const northStar = props.metrics.find((m) => m.kind === 'north_star');
  const active = props.metrics.filter((m) => m.kind === 'input' && m.archivedAt == null);
  const archived = props.metrics.filter((m) => m.kind === 'input' && m.archivedAt != null);
  const base = `/w/${ws.slug}`;
  const editor = canEdit(ws);
  return (
    <Layout title="Metrics" ws={ws} nav="metrics">
      <div class="page-head">
        <h1>Metrics</h1>
        {northStar || active.length ? (
          <a class="button secondary small" href={`${base}/measurements`}>
            {editor ? 'Enter this week’s values' : 'This week’s values'}
          </a>
        ) : null}
      </div>
      <Banner tone="ok" message={props.notice} />
      <Banner tone="warn" message={props.problem} />
      <ReadOnlyNote ws={ws} needs="editor" what="add, edit or archive input metrics" />
      <p>
        North Star:{' '}
        {northStar ? (
          <>
            <a href={`${base}/metrics/${northStar.id}`}>{northStar.name}</a>
            <span class="muted">
              {' '}
              · latest <Latest m={northStar} latest={props.latest} />
            </span>
            {' · '}
            <a href={`${base}/north-star`}>{isOwner(ws) ? 'edit it and its checklist' : 'its checklist'}</a>
          </>
        ) : isOwner(ws) ? (
          <a href={`${base}/north-star`}>name it</a>
        ) : (
          <span class="muted">not named yet (owners name it)</span>
        )}
      </p>
      <h2>Input metrics</h2>
      {active.length > ACTIVE_INPUTS_ADVISED ? (
        <p class="alert warn" role="status">
          {active.length} active input metrics. Growth teams do best with 2–{ACTIVE_INPUTS_ADVISED} levers;
          more than {ACTIVE_INPUTS_ADVISED} spreads experiments thin.
          {editor ? ' Archive the ones you are not working on.' : ''}
        </p>
      ) : null}
      {active.length === 0 ? (
        <p class="empty">
          {editor
            ? 'No input metrics yet. Add the 2–4 levers that move your North Star; every hypothesis will target one of them.'
            : 'No input metrics yet: the 2–4 levers that move the North Star will be listed here, and every hypothesis will target one of them.'}
        </p>
      ) : (
        <table class="table">
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Direction</th>
              <th scope="col">Owner</th>
              <th scope="col" class="num">
                Latest
              </th>
              <th scope="col" class="num">
                Target
              </th>
              {editor ? (
                <th scope="col">
                  <span class="sr-only">Actions</span>
                </th>
              ) : null}
            </tr>
          </thead>
          <tbody>
            {active.map((m) => (
              <tr>
                <td>
                  <a href={`${base}/metrics/${m.id}`}>{m.name}</a>
                  {m.description ? <div class="muted small">{m.description}</div> : null}
                  <div class="small">
                    <a href={`${base}/backlog?metricId=${m.id}`}>
                      Its backlog<span class="sr-only"> for {m.name}</span>
                    </a>
                  </div>
                </td>
                <td>{m.direction === 'up' ? '↑ up is good' : '↓ down is good'}</td>
                <td>{m.owner || '—'}</td>
                <td class="num">
                  <Latest m={m} latest={props.latest} />
                </td>
                <td class="num">
                  {fmt(m.target, 2)} {m.target != null ? m.unit : ''}
                </td>
                {editor ? (
                  <td class="actions">
                    <a href={`${base}/metrics/${m.id}/edit`}>Edit</a>
                    <form method="post" action={`${base}/metrics/${m.id}/archive`} class="inline">
                      <button type="submit" class="link">
                        Archive
                      </button>
                    </form>
                  </td>
                ) : null}
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {archived.length ? (
        <details>
          <summary>Archived ({archived.length})</summary>
          <ul>
            {archived.map((m) => (
              <li>
                <a href={`${base}/metrics/${m.id}`}>{m.name}</a>
                {editor ? <ArchivedActions ws={ws} m={m} refs={props.refs.get(m.id) ?? 0} /> : null}
              </li>
            ))}
          </ul>
        </details>
      ) : null}
      {editor ? (
        <section class="panel" aria-labelledby="add-metric">
          <h2 id="add-metric">Add an input metric</h2>
          <form method="post" action={`${base}/metrics`} class="stack">
            <ErrorSummary state={props.form} />
            <MetricFields state={props.form} />
            <button type="submit">Add input metric</button>
          </form>
        </section>
      ) : null}
    </Layout>
  );
}

/** The latest measured value and its period ("0.43 % · Week 47 · 16–22 Nov 2026"), or the current value. */
function Latest(props: { m: Metric; latest?: Map<number, SeriesPoint> }) {
  const { m } = props;
  const point = props.latest?.get(m.id);
  const value = point?.value ?? m.currentValue;
  return (
    <>
      {fmt(value, 2)} {value != null ? m.unit : ''}
      {point ? <div class="muted small">{periodLabel(point.period, m.cadence)}</div> : null}
    </>
  );
}

/** Restore, or delete for good when nothing refers to it any more. */
function ArchivedActions(props: { ws: Workspace; m: Metric; refs: number }) {
  const { m } = props;
  const base = `/w/${props.ws.slug}`;
  return (
    <>
      {' '}
      <form method="post" action={`${base}/metrics/${m.id}/restore`} class="inline">
        <button type="submit" class="link">
          Restore
        </button>
      </form>
      {props.refs === 0 ? (
        <>
          {' · '}
          <form method="post" action={`${base}/metrics/${m.id}/delete`} class="inline">
            <button type="submit" class="link">
              Delete for good<span class="sr-only"> {m.name}</span>
            </button>
          </form>
        </>
      ) : (
        <span class="muted small"> · kept for the history of {props.refs} hypotheses and learnings</span>
      )}
    </>
  );
}

export function MetricEditPage(props: {
  ws: Workspace;
  metric: Metric;
  form: FormState;
  conflict?: string;
  /** The metric has values: its cadence can no longer change. */
  measured?: boolean;
}) {
  const { ws, metric } = props;
  return (
    <Layout title={`Edit ${metric.name}`} ws={ws} nav="metrics">
      <p class="crumbs">
        <a href={`/w/${ws.slug}/metrics`}>Metrics</a> ›{' '}
        <a href={`/w/${ws.slug}/metrics/${metric.id}`}>{metric.name}</a> ›
      </p>
      <h1>Edit {metric.name}</h1>
      <Banner tone="warn" message={props.conflict} />
      <form method="post" action={`/w/${ws.slug}/metrics/${metric.id}`} class="stack">
        <ErrorSummary state={props.form} />
        <input type="hidden" name="version" value={props.form.values.version ?? String(metric.version)} />
        <MetricFields state={props.form} measured={props.measured} />
        <button type="submit">Save</button> <a href={`/w/${ws.slug}/metrics/${metric.id}`}>Cancel</a>
      </form>
    </Layout>
  );
}
