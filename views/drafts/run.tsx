import { raw } from 'hono/html';
import type { DraftRun } from '../../db/schema';
import type { DraftView } from '../../src/drafts/provenance';
import type { RoleWorkspace } from '../components/access';
import { Banner } from '../components/badges';
import { Layout } from '../layout';
import { DraftCard } from './card';

// One drafting run: while the drafter works, its progress (refreshed by htmx polling, or by a meta refresh
// without JavaScript); once done, the drafts it stored ready for triage and what was dropped; when it failed,
// why, and that nothing was stored.

// A constant (no user text). Written raw because hono/jsx hoists a <meta> element into <head>, out of the
// <noscript>: with JavaScript on, htmx polls instead and the page must not reload under the person.
const REFRESH_WITHOUT_JS = raw('<noscript><meta http-equiv="refresh" content="2"></noscript>');

export type RunData = { run: DraftRun; items: DraftView[]; metricName?: string };

const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

function Problems(props: { run: DraftRun }) {
  const { run } = props;
  // A failed run's message already quotes its problem: listed again underneath, it reads twice.
  const problems =
    run.status === 'failed' ? run.problems.filter((p) => !run.message.includes(p)) : run.problems;
  if (!problems.length) return null;
  return (
    <div class="alert warn draft-problems">
      <strong>
        {run.status === 'failed'
          ? plural(problems.length, 'problem')
          : `${plural(problems.length, 'draft was', 'drafts were')} dropped or left out:`}
      </strong>
      <ul>
        {problems.map((p) => (
          <li>{p}</li>
        ))}
      </ul>
    </div>
  );
}

/** The part of the run page that follows the run: it polls itself while running and stops once done. */
export function RunSection(props: { ws: RoleWorkspace; data: RunData }) {
  const { ws, data } = props;
  const { run } = data;
  const url = `/w/${ws.slug}/drafts/runs/${run.id}`;
  if (run.status === 'running')
    return (
      <section
        id="draft-run"
        class="card draft-run running"
        hx-get={url}
        hx-trigger="every 1s"
        hx-swap="outerHTML"
        aria-live="polite"
        aria-busy="true"
      >
        <p class="draft-progress">
          <span class="spinner" aria-hidden="true" />
          <strong>Drafting…</strong> {run.message}
        </p>
        <p class="muted">
          This page updates by itself. You can leave it: the drafts will be waiting on the Drafts page.
        </p>
      </section>
    );
  const back = url;
  return (
    <section id="draft-run" class="draft-run" aria-live="polite">
      {run.status === 'failed' ? (
        <div class="alert error" role="alert">
          <strong>Drafting failed.</strong> {run.message}
          {/* The pipeline's messages already say so; an older or hand-made one may not. */}
          {run.message.includes('Nothing was stored.') ? '' : ' Nothing was stored.'}
        </div>
      ) : (
        <div class="alert ok">
          <strong>{run.message}</strong> Accept the ones worth scoring, merge or drop the rest.
        </div>
      )}
      <Problems run={run} />
      {data.items.length ? (
        <div class="stack draft-list">
          {/* The cards' titles are h3: the page needs the h2 between them and its h1. */}
          <h2 id="run-drafts-h">Drafts</h2>
          {data.items.map((h) => (
            <DraftCard ws={ws} h={h} back={back} hideRun />
          ))}
        </div>
      ) : run.status === 'done' ? (
        <p class="muted">The drafts of this run were removed.</p>
      ) : null}
    </section>
  );
}

export function RunPage(props: {
  ws: RoleWorkspace;
  data: RunData;
  notice?: { tone: 'ok' | 'warn' | 'error'; message: string };
}) {
  const { ws, data } = props;
  const { run } = data;
  return (
    <Layout title={`Drafting run #${run.id}`} ws={ws} nav="drafts">
      {/* Without JavaScript the page reloads itself while the run works (noscript: htmx polls otherwise). */}
      {run.status === 'running' ? REFRESH_WITHOUT_JS : null}
      <p class="crumbs">
        <a href={`/w/${ws.slug}/drafts`}>Drafts</a> › run #{run.id}
      </p>
      <div class="page-head">
        <h1>Drafting run #{run.id}</h1>
      </div>
      <p class="lede">
        {plural(run.count, 'draft')} asked of{' '}
        {run.drafter === 'model' ? `model ${run.source}` : 'the built-in playbook'} for{' '}
        {data.metricName ?? 'every input metric'}.
      </p>
      {props.notice ? <Banner {...props.notice} /> : null}
      <RunSection ws={ws} data={data} />
    </Layout>
  );
}
