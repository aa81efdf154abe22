import type { AuditEvent, Metric } from '../../db/schema';
import type { MemberWorkspace } from '../../src/accounts/members';
import type { Provenance } from '../../src/drafts/provenance';
import type { HypothesisWithTags } from '../../src/hypotheses/hypotheses';
import { MOVES } from '../../src/hypotheses/lifecycle';
import type { MemberScoreRow } from '../../src/hypotheses/member-scores';
import type { LearningWithExperiments } from '../../src/learnings/learnings';
import type { LeverHint } from '../../src/levers/hints';
import { canEdit, ReadOnlyNote } from '../components/access';
import {
  Banner,
  fmt,
  fmtDate,
  fmtIce,
  fmtLift,
  LearningPill,
  OutcomePill,
  StatusPill,
} from '../components/badges';
import type { FormState } from '../components/form';
import { DraftProvenance } from '../drafts/provenance';
import { Layout } from '../layout';
import { CloseForm } from './close-form';
import { HypothesisFieldset, LearningsPanel } from './form';
import { HistorySection } from './history';
import { TeamScores } from './team-scores';

export type LinkedLearning = {
  id: number;
  statement: string;
  status: 'emerging' | 'supported' | 'confirmed' | 'rejected';
  relation: 'supports' | 'contradicts';
};
export type Related = { id: number; title: string; status: string };

export type DetailProps = {
  ws: MemberWorkspace;
  h: HypothesisWithTags;
  metric: Metric;
  inputs: Metric[];
  rank: number | null;
  linked: LinkedLearning[];
  /** Learnings on the same input metric (the panel beside the page). */
  metricLearnings: LearningWithExperiments[];
  /** The learnings a close can support or contradict (this metric's and the workspace-wide ones). */
  closeLearnings: LearningWithExperiments[];
  parent?: Related;
  children: Related[];
  edit: FormState;
  close: FormState;
  /** A banner: saved, a refused move, a stale save… */
  alert?: { tone: 'ok' | 'warn' | 'error'; message: string };
  /** What the user tried to save when someone else saved first. */
  theirAttempt?: Record<string, string>;
  openEdit?: boolean;
  /** The recorded changes to this hypothesis, newest first. */
  history?: AuditEvent[];
  /** Every member's own scores (the hypothesis holds their means). */
  scores?: MemberScoreRow[];
  /** The signed-in member: whose scores the edit form holds. */
  userId?: number;
  /** The lever's record, for the calibration hints beside Confidence and the estimate. */
  hint?: LeverHint;
  /** Where a drafted hypothesis came from (kept once accepted); undefined for one a person wrote. */
  provenance?: Provenance;
};

function Result(props: DetailProps) {
  const { ws, h } = props;
  return (
    <section class="panel result" aria-labelledby="result-title">
      <h2 id="result-title">
        Result: <OutcomePill outcome={h.result} />
      </h2>
      <dl class="facts">
        <div>
          <dt>Baseline → observed</dt>
          <dd>
            {fmt(h.baseline, 2)} → {fmt(h.observed, 2)} {props.metric.unit}
          </dd>
        </div>
        <div>
          <dt>Lift (expected)</dt>
          <dd>
            {fmtLift(h.lift)} ({fmtLift(h.expectedLift)})
          </dd>
        </div>
        <div>
          <dt>Person-days (estimated)</dt>
          <dd>
            {fmt(h.actualDays)} ({fmt(h.estimatedDays)})
          </dd>
        </div>
        <div>
          <dt>Return</dt>
          <dd>{fmt(h.returnScore)} / 10</dd>
        </div>
        <div>
          <dt>ROTI</dt>
          <dd>
            <strong>{h.roti == null ? '—' : h.roti.toFixed(2)}</strong> per person-day
          </dd>
        </div>
        <div>
          <dt>Closed</dt>
          <dd>{fmtDate(h.closedAt)}</dd>
        </div>
      </dl>
      <h3>Learnings</h3>
      <ul class="learning-list">
        {props.linked.map((l) => (
          <li>
            <LearningPill status={l.status} />{' '}
            {l.relation === 'contradicts' ? <strong>Contradicts: </strong> : null}
            <a href={`/w/${ws.slug}/learnings?q=${encodeURIComponent(l.statement.slice(0, 60))}`}>
              {l.statement}
            </a>
          </li>
        ))}
      </ul>
      {canEdit(ws) ? (
        <form method="post" action={`/w/${ws.slug}/hypotheses/${h.id}/follow-up`}>
          <button type="submit">Draft a follow-up</button>
        </form>
      ) : null}
    </section>
  );
}

function Moves(props: DetailProps) {
  const { ws, h } = props;
  const moves = MOVES[h.status].filter((m) => m.action !== 'close');
  if (moves.length === 0 || !canEdit(ws)) return null;
  return (
    <fieldset class="moves">
      <legend class="sr-only">Move along the lifecycle</legend>
      {moves.map((m) => (
        <form method="post" action={`/w/${ws.slug}/hypotheses/${h.id}/transition`} class="inline">
          <input type="hidden" name="to" value={m.to} />
          <input type="hidden" name="version" value={String(h.version)} />
          <button type="submit" class={m.action === 'reject' || m.action === 'park' ? 'secondary' : ''}>
            {m.label}
          </button>
        </form>
      ))}
    </fieldset>
  );
}

export function DetailFragment(props: DetailProps) {
  const { ws, h, metric } = props;
  const base = `/w/${ws.slug}`;
  return (
    <div id="hypothesis" class="with-aside">
      <article class="stack">
        <p class="crumbs">
          <a href={`${base}/backlog`}>Backlog</a> › #{h.id}
        </p>
        <h1>{h.title}</h1>
        <p class="meta">
          <StatusPill status={h.status} />{' '}
          {props.rank != null ? <span class="badge">Rank #{props.rank}</span> : null}{' '}
          <a href={`${base}/backlog?metricId=${metric.id}&status=all`}>{metric.name}</a>
          {h.tags.map((t) => (
            <a class="tag" href={`${base}/backlog?tag=${encodeURIComponent(t)}&status=all`}>
              #{t}
            </a>
          ))}
          {h.owner ? <span class="muted"> · owner {h.owner}</span> : null}
        </p>
        {props.alert ? <Banner tone={props.alert.tone} message={props.alert.message} /> : null}
        {props.theirAttempt ? (
          <details class="panel" open>
            <summary>Your unsaved values</summary>
            <dl class="facts">
              {Object.entries(props.theirAttempt).map(([k, v]) => (
                <div>
                  <dt>{k}</dt>
                  <dd>{v || '—'}</dd>
                </div>
              ))}
            </dl>
          </details>
        ) : null}
        <blockquote class="statement">
          <p>
            <strong>If we</strong> {h.change}, <strong>then {metric.name}</strong> will {h.outcome}
            {h.expectedLift != null ? ` (${fmtLift(h.expectedLift)})` : ''}, <strong>because</strong>{' '}
            {h.rationale}
          </p>
        </blockquote>
        <dl class="facts scores-facts">
          <div>
            <dt>Impact</dt>
            <dd>{fmt(h.impact)}</dd>
          </div>
          <div>
            <dt>Confidence</dt>
            <dd>{fmt(h.confidence)}</dd>
          </div>
          <div>
            <dt>Ease</dt>
            <dd>{fmt(h.ease)}</dd>
          </div>
          <div>
            <dt>ICE</dt>
            <dd>
              <strong>{fmtIce(h.ice, ws.iceMode)}</strong>
            </dd>
          </div>
          <div>
            <dt>Estimated person-days</dt>
            <dd>{fmt(h.estimatedDays)}</dd>
          </div>
          <div>
            <dt>Expected ROTI</dt>
            <dd>{h.expectedRoti == null ? '—' : h.expectedRoti.toFixed(2)}</dd>
          </div>
        </dl>
        <TeamScores {...props} />
        {props.provenance ? (
          <DraftProvenance
            h={h}
            ws={ws}
            learnings={props.provenance.learnings}
            experiments={props.provenance.experiments}
            twin={props.provenance.twin}
          />
        ) : null}
        <ReadOnlyNote ws={ws} needs="editor" what="edit, move or close hypotheses" />
        <Moves {...props} />
        {h.status === 'running' && canEdit(ws) ? <CloseForm {...props} /> : null}
        {h.status === 'done' ? <Result {...props} /> : null}
        {props.parent || props.children.length ? (
          <section aria-labelledby="family">
            <h2 id="family">Related experiments</h2>
            <ul>
              {props.parent ? (
                <li>
                  Follows up <a href={`${base}/hypotheses/${props.parent.id}`}>{props.parent.title}</a> (
                  {props.parent.status})
                </li>
              ) : null}
              {props.children.map((c) => (
                <li>
                  Followed up by <a href={`${base}/hypotheses/${c.id}`}>{c.title}</a> ({c.status})
                </li>
              ))}
            </ul>
          </section>
        ) : null}
        {canEdit(ws) ? (
          <details class="panel" open={props.openEdit}>
            <summary>Edit hypothesis</summary>
            <form method="post" action={`${base}/hypotheses/${h.id}`} class="stack">
              <input type="hidden" name="version" value={props.edit.values.version ?? String(h.version)} />
              <HypothesisFieldset
                ws={ws}
                state={props.edit}
                inputs={props.inputs}
                panelUrl={`${base}/hypotheses/new`}
                metric={props.inputs.find((m) => String(m.id) === props.edit.values.metricId) ?? metric}
                hint={props.hint}
                scores={{
                  team: {
                    impact: h.impact,
                    confidence: h.confidence,
                    ease: h.ease,
                    ice: h.ice,
                    scorers: props.scores?.length ?? 0,
                  },
                  mine: props.scores?.some((m) => m.userId === props.userId) ?? false,
                  locked: h.status === 'done',
                }}
              />
              <button type="submit">Save changes</button>
            </form>
          </details>
        ) : null}
        {props.history ? <HistorySection ws={ws} events={props.history} metrics={props.inputs} /> : null}
      </article>
      <LearningsPanel ws={ws} metric={metric} learnings={props.metricLearnings} excludeId={h.id} />
    </div>
  );
}

export function DetailPage(props: DetailProps) {
  return (
    <Layout title={props.h.title} ws={props.ws} nav="backlog">
      <DetailFragment {...props} />
    </Layout>
  );
}
