import type { DraftRun, Metric } from '../../db/schema';
import { DRAFT_COUNT_MAX } from '../../src/drafts/drafts';
import type { DraftView } from '../../src/drafts/provenance';
import type { SourceStats } from '../../src/drafts/sources';
import { canEdit, type RoleWorkspace } from '../components/access';
import { Banner, fmtDate } from '../components/badges';
import { ErrorSummary, type FormState, Input, Select } from '../components/form';
import { Layout } from '../layout';
import { DraftCard } from './card';
import { SourcesTable } from './sources';

// The Drafts page (issue 6): ask the configured drafter for the next hypotheses, follow the latest runs,
// triage the drafts waiting, and see which sources produced winners.

export type DraftsPageData = {
  drafter: string;
  inputs: Metric[];
  runs: DraftRun[];
  drafts: DraftView[];
  sources: SourceStats[];
  metricNames: Map<number, string>;
};

export function DraftForm(props: { ws: RoleWorkspace; state: FormState; drafter: string; inputs: Metric[] }) {
  const { ws, state, inputs } = props;
  if (!inputs.length)
    return (
      <div class="empty card">
        <p>
          <strong>Nothing to draft for yet.</strong> Drafts target an input metric: add one on the{' '}
          <a href={`/w/${ws.slug}/metrics`}>Metrics page</a>.
        </p>
      </div>
    );
  return (
    <form method="post" action={`/w/${ws.slug}/drafts`} class="card draft-form" id="draft-form">
      <h2>Draft hypotheses</h2>
      <ErrorSummary state={state} />
      <Select
        name="metricId"
        label="For"
        state={state}
        placeholder="Every input metric"
        options={inputs.map((m) => ({ value: String(m.id), label: m.name }))}
      />
      <Input
        name="count"
        label="How many"
        type="number"
        min={1}
        max={DRAFT_COUNT_MAX}
        step="1"
        state={state}
        hint={`1 to ${DRAFT_COUNT_MAX}.`}
      />
      <p class="hint">
        Drafted by <strong>{props.drafter}</strong>, from this workspace’s learnings and closed experiments.
        Drafts land with status draft: nothing joins the backlog until someone accepts it.
      </p>
      <button type="submit">Draft hypotheses</button>
    </form>
  );
}

const RUN_STATUS: Record<DraftRun['status'], string> = {
  running: 'working…',
  done: 'done',
  failed: 'failed',
};

function Runs(props: { ws: RoleWorkspace; runs: DraftRun[]; metricNames: Map<number, string> }) {
  const { ws, runs } = props;
  if (!runs.length) return null;
  return (
    <section class="draft-runs" aria-labelledby="runs-h">
      <h2 id="runs-h">Latest runs</h2>
      <ul class="draft-run-list">
        {runs.map((r) => (
          <li>
            <a href={`/w/${ws.slug}/drafts/runs/${r.id}`}>Run #{r.id}</a> · {fmtDate(r.createdAt)} ·{' '}
            {r.metricId ? (props.metricNames.get(r.metricId) ?? `metric #${r.metricId}`) : 'every input'} ·{' '}
            {r.drafter === 'model' ? `model ${r.source}` : 'playbook'} ·{' '}
            <span class={`run-${r.status}`}>{RUN_STATUS[r.status]}</span> — {r.message}
          </li>
        ))}
      </ul>
    </section>
  );
}

export type Notice = { tone: 'ok' | 'warn' | 'error'; message: string };

export function DraftsPage(props: {
  ws: RoleWorkspace;
  data: DraftsPageData;
  state: FormState;
  notice?: Notice;
}) {
  const { ws, data, state } = props;
  const back = `/w/${ws.slug}/drafts`;
  return (
    <Layout title="Drafts" ws={ws} nav="drafts">
      <div class="page-head">
        <h1>Drafts</h1>
      </div>
      <p class="lede">
        Every learning should turn into the next candidates: draft hypotheses from what the team learned, then
        triage them instead of facing a blank form.
      </p>
      {props.notice ? <Banner {...props.notice} /> : null}
      {canEdit(ws) ? (
        <DraftForm ws={ws} state={state} drafter={data.drafter} inputs={data.inputs} />
      ) : (
        <p class="muted">Drafts are made by {data.drafter}. Editors can ask for new ones here.</p>
      )}
      <Runs ws={ws} runs={data.runs} metricNames={data.metricNames} />
      <section aria-labelledby="triage-h">
        <h2 id="triage-h">Waiting for triage</h2>
        {data.drafts.length ? (
          <div class="stack draft-list">
            {data.drafts.map((h) => (
              <DraftCard ws={ws} h={h} back={back} />
            ))}
          </div>
        ) : (
          <div class="empty card">
            <p>
              <strong>No drafts waiting.</strong>{' '}
              {canEdit(ws)
                ? 'Press “Draft hypotheses” above, or draft a follow-up from a closed experiment or a learning.'
                : 'Drafts appear here when an editor asks for them or drafts a follow-up.'}
            </p>
          </div>
        )}
      </section>
      <SourcesTable sources={data.sources} />
    </Layout>
  );
}
