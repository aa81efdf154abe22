import type { Metric, Workspace } from '../../db/schema';
import type { MemberWorkspace } from '../../src/accounts/members';
import { ACTIVE_INPUTS_ADVISED } from '../../src/metrics/schemas';
import { canEdit, isOwner, ReadOnlyNote } from '../components/access';
import { Banner, fmt } from '../components/badges';
import { ErrorSummary, type FormState, Input, Select, TextArea } from '../components/form';
import { Layout } from '../layout';

export function metricValues(m: Metric): Record<string, string> {
  return {
    name: m.name,
    description: m.description,
    unit: m.unit,
    direction: m.direction,
    owner: m.owner,
    currentValue: m.currentValue == null ? '' : String(m.currentValue),
    target: m.target == null ? '' : String(m.target),
    version: String(m.version),
  };
}

const DIRECTION_OPTIONS = [
  { value: 'up', label: 'Up is good' },
  { value: 'down', label: 'Down is good' },
];

export function MetricFields(props: { state: FormState }) {
  const s = props.state;
  return (
    <>
      <div class="row">
        <Input name="name" label="Name" state={s} required maxLength={80} placeholder="Activation rate" />
        <Input name="unit" label="Unit" state={s} maxLength={24} placeholder="%" />
        <Select name="direction" label="Direction" state={s} options={DIRECTION_OPTIONS} />
      </div>
      <TextArea
        name="description"
        label="Definition"
        state={s}
        maxLength={1000}
        rows={2}
        placeholder="Share of new teams that create their first project within 7 days."
      />
      <div class="row">
        <Input name="owner" label="Owner" state={s} maxLength={80} />
        <Input name="currentValue" label="Current value" state={s} type="number" step="any" />
        <Input name="target" label="Target" state={s} type="number" step="any" />
      </div>
    </>
  );
}

export function MetricsPage(props: {
  ws: MemberWorkspace;
  metrics: Metric[];
  /** How many hypotheses and learnings refer to each metric (an unused archived metric can be deleted). */
  refs: Map<number, number>;
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
      <h1>Metrics</h1>
      <Banner tone="ok" message={props.notice} />
      <Banner tone="warn" message={props.problem} />
      <ReadOnlyNote ws={ws} needs="editor" what="add, edit or archive input metrics" />
      <p>
        North Star:{' '}
        {northStar ? (
          <a href={`${base}/north-star`}>{northStar.name}</a>
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
                Current
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
                  <a href={`${base}/backlog?metricId=${m.id}`}>{m.name}</a>
                  {m.description ? <div class="muted small">{m.description}</div> : null}
                </td>
                <td>{m.direction === 'up' ? '↑ up is good' : '↓ down is good'}</td>
                <td>{m.owner || '—'}</td>
                <td class="num">
                  {fmt(m.currentValue, 2)} {m.currentValue != null ? m.unit : ''}
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
                {m.name}
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

export function MetricEditPage(props: { ws: Workspace; metric: Metric; form: FormState; conflict?: string }) {
  const { ws, metric } = props;
  return (
    <Layout title={`Edit ${metric.name}`} ws={ws} nav="metrics">
      <p class="crumbs">
        <a href={`/w/${ws.slug}/metrics`}>Metrics</a> ›
      </p>
      <h1>Edit {metric.name}</h1>
      <Banner tone="warn" message={props.conflict} />
      <form method="post" action={`/w/${ws.slug}/metrics/${metric.id}`} class="stack">
        <ErrorSummary state={props.form} />
        <input type="hidden" name="version" value={props.form.values.version ?? String(metric.version)} />
        <MetricFields state={props.form} />
        <button type="submit">Save</button> <a href={`/w/${ws.slug}/metrics`}>Cancel</a>
      </form>
    </Layout>
  );
}
