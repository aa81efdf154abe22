import { LEARNING_STATUSES, type Metric, type Workspace } from '../../db/schema';
import type { MemberWorkspace } from '../../src/accounts/members';
import type { LearningWithExperiments } from '../../src/learnings/learnings';
import type { LearningQuery } from '../../src/learnings/schemas';
import { canEdit, ReadOnlyNote } from '../components/access';
import { Banner, fmtDate, fmtLift, LearningPill, OutcomePill } from '../components/badges';
import { ErrorSummary, emptyForm, type FormState, Input, Select, TextArea } from '../components/form';
import { Layout } from '../layout';

export type LearningNotice = { id: number; tone: 'ok' | 'warn'; message: string };

function StatusForm(props: { ws: Workspace; l: LearningWithExperiments; back: string }) {
  const { ws, l } = props;
  const url = `/w/${ws.slug}/learnings/${l.id}/status`;
  return (
    <form
      method="post"
      action={url}
      class="inline"
      hx-post={url}
      hx-trigger="change"
      hx-target={`#l-${l.id}`}
      hx-swap="outerHTML"
    >
      <input type="hidden" name="version" value={String(l.version)} />
      <input type="hidden" name="back" value={props.back} />
      <label class="sr-only" for={`status-${l.id}`}>
        Status of “{l.statement}”
      </label>
      <select id={`status-${l.id}`} name="status">
        {LEARNING_STATUSES.map((s) => (
          <option value={s} selected={l.status === s}>
            {s}
          </option>
        ))}
      </select>
      <noscript>
        <button type="submit" class="small">
          Set
        </button>
      </noscript>
    </form>
  );
}

export function LearningItem(props: {
  ws: MemberWorkspace;
  l: LearningWithExperiments;
  back: string;
  notice?: LearningNotice;
}) {
  const { ws, l } = props;
  const base = `/w/${ws.slug}`;
  const supports = l.experiments.filter((e) => e.relation === 'supports');
  const contradicts = l.experiments.filter((e) => e.relation === 'contradicts');
  return (
    <li id={`l-${l.id}`} class="card learning">
      <p class="statement">
        <LearningPill status={l.status} /> {l.statement}
      </p>
      <p class="meta muted">
        {l.metricName ? (
          <a href={`${base}/learnings?metricId=${l.metricId}`}>{l.metricName}</a>
        ) : (
          'Workspace-wide'
        )}{' '}
        · recorded {fmtDate(l.createdAt)}
      </p>
      {props.notice?.id === l.id ? (
        <p class={`row-notice ${props.notice.tone}`} role="status">
          {props.notice.message}
        </p>
      ) : null}
      {supports.length ? (
        <div>
          <h3 class="small-head">Supported by</h3>
          <ul class="experiments">
            {supports.map((e) => (
              <li>
                <a href={`${base}/hypotheses/${e.id}`}>{e.title}</a>{' '}
                <OutcomePill outcome={e.result as never} />{' '}
                {e.lift != null ? <span class="muted">lift {fmtLift(e.lift)}</span> : null}
                {e.roti != null ? <span class="muted"> · ROTI {e.roti.toFixed(2)}</span> : null}
              </li>
            ))}
          </ul>
        </div>
      ) : null}
      {contradicts.length ? (
        <div>
          <h3 class="small-head">Contradicted by</h3>
          <ul class="experiments">
            {contradicts.map((e) => (
              <li>
                <a href={`${base}/hypotheses/${e.id}`}>{e.title}</a>{' '}
                <OutcomePill outcome={e.result as never} />{' '}
                {e.lift != null ? <span class="muted">lift {fmtLift(e.lift)}</span> : null}
              </li>
            ))}
          </ul>
        </div>
      ) : null}
      {l.experiments.length === 0 ? <p class="muted">Not linked to an experiment yet.</p> : null}
      {canEdit(ws) ? (
        <div class="actions">
          <StatusForm ws={ws} l={l} back={props.back} />
          <form method="post" action={`${base}/learnings/${l.id}/follow-up`} class="inline">
            <button type="submit" class="secondary small">
              Draft a follow-up
            </button>
          </form>
        </div>
      ) : null}
    </li>
  );
}

export function learningsQueryString(q: LearningQuery): string {
  const p = new URLSearchParams();
  if (q.metricId) p.set('metricId', String(q.metricId));
  if (q.status) p.set('status', q.status);
  if (q.q) p.set('q', q.q);
  return p.toString();
}

export function LearningResults(props: {
  ws: MemberWorkspace;
  q: LearningQuery;
  items: LearningWithExperiments[];
}) {
  const { ws, q } = props;
  const back = learningsQueryString(q);
  return (
    <section id="learning-results" aria-live="polite" aria-label="Learnings">
      {props.items.length === 0 ? (
        <div class="empty card">
          {q.q || q.metricId || q.status ? (
            <p>
              No learning matches. <a href={`/w/${ws.slug}/learnings`}>Clear the filters</a>.
            </p>
          ) : (
            <p>
              No learnings yet. They are recorded when an experiment is closed (every close needs one)
              {canEdit(ws) ? ', or added below from research and customer calls.' : '.'}
            </p>
          )}
        </div>
      ) : (
        <ul class="learnings">
          {props.items.map((l) => (
            <LearningItem ws={ws} l={l} back={back} />
          ))}
        </ul>
      )}
    </section>
  );
}

export function LearningsPage(props: {
  ws: MemberWorkspace;
  q: LearningQuery;
  metrics: Metric[];
  items: LearningWithExperiments[];
  form: FormState;
  notice?: string;
  /** A refusal reads as a warning, not as a success. */
  noticeTone?: 'ok' | 'warn';
}) {
  const { ws, q } = props;
  const base = `/w/${ws.slug}`;
  // The filter bar is an ordinary form whose values are the current query.
  const filters = emptyForm({
    q: q.q ?? '',
    metricId: q.metricId ? String(q.metricId) : '',
    status: q.status ?? '',
  });
  return (
    <Layout title="Learnings" ws={ws} nav="learnings">
      <h1>Learnings</h1>
      <p class="lede">What the team now believes, and the experiments behind it.</p>
      <Banner tone={props.noticeTone ?? 'ok'} message={props.notice} />
      <search>
        <form
          class="filters"
          method="get"
          action={`${base}/learnings`}
          hx-get={`${base}/learnings`}
          hx-trigger='input changed delay:300ms from:"find input", change'
          hx-target="#learning-results"
          hx-swap="outerHTML"
          hx-push-url="true"
        >
          <Input
            id="lq"
            name="q"
            type="search"
            label="Search"
            state={filters}
            maxLength={200}
            placeholder="checklist, pricing…"
          />
          <Select
            id="lmetric"
            name="metricId"
            label="Metric"
            state={filters}
            placeholder="All metrics"
            options={props.metrics.map((m) => ({ value: String(m.id), label: m.name }))}
          />
          <Select
            id="lstatus"
            name="status"
            label="Status"
            state={filters}
            placeholder="Any status"
            options={LEARNING_STATUSES.map((st) => ({ value: st, label: st }))}
          />
          <noscript>
            <button type="submit">Apply</button>
          </noscript>
        </form>
      </search>
      <ReadOnlyNote ws={ws} needs="editor" what="record learnings or change their status" />
      <LearningResults ws={ws} q={q} items={props.items} />
      {canEdit(ws) ? (
        <section class="panel" aria-labelledby="add-learning">
          <h2 id="add-learning">Record a learning from outside an experiment</h2>
          <form method="post" action={`${base}/learnings`} class="stack">
            <ErrorSummary state={props.form} />
            <TextArea
              name="statement"
              label="What the team now believes"
              state={props.form}
              required
              maxLength={1000}
              rows={2}
            />
            <div class="row">
              <Select
                name="metricId"
                label="Metric it concerns"
                state={props.form}
                placeholder="Workspace-wide"
                options={props.metrics.map((m) => ({ value: String(m.id), label: m.name }))}
              />
              <Select
                name="status"
                label="Status"
                state={props.form}
                options={LEARNING_STATUSES.map((s) => ({ value: s, label: s }))}
              />
            </div>
            <button type="submit">Record learning</button>
          </form>
        </section>
      ) : null}
    </Layout>
  );
}
