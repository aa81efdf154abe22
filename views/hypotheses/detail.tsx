import { type AuditEvent, type Metric, OUTCOMES } from '../../db/schema';
import type { MemberWorkspace } from '../../src/accounts/members';
import { fmtDateTime } from '../../src/audit/format';
import type { HypothesisWithTags } from '../../src/hypotheses/hypotheses';
import { MOVES } from '../../src/hypotheses/lifecycle';
import type { MemberScoreRow } from '../../src/hypotheses/member-scores';
import type { LearningWithExperiments } from '../../src/learnings/learnings';
import type { LeverHint } from '../../src/levers/hints';
import { lift, roti, suggestedReturn } from '../../src/scoring/scores';
import { memberIce, spread } from '../../src/scoring/team';
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
import { ErrorSummary, type FormState, Input, Select, TextArea } from '../components/form';
import { Layout } from '../layout';
import { HypothesisFieldset, LearningsPanel } from './form';
import { HistorySection } from './history';

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
};

/** The close form's default values: return pre-filled with the suggestion for a win. */
export function closeDefaults(h: HypothesisWithTags): Record<string, string> {
  const suggestion = suggestedReturn({
    outcome: 'won',
    impact: h.impact,
    expectedLift: h.expectedLift,
    observedLift: null,
  });
  return {
    outcome: 'won',
    actualDays: h.estimatedDays == null ? '' : String(h.estimatedDays),
    return: suggestion == null ? '' : String(suggestion),
    returnSuggested: suggestion == null ? '' : String(suggestion),
    newStatus: 'emerging',
    version: String(h.version),
  };
}

/**
 * Lift, suggested return and ROTI for what the close form holds so far. The return input is re-filled
 * with the new suggestion unless the user typed their own value.
 */
export function ClosePreview(props: { h: HypothesisWithTags; state: FormState }) {
  const v = props.state.values;
  const num = (s: string | undefined) =>
    s == null || s.trim() === '' || Number.isNaN(Number(s)) ? null : Number(s);
  const outcome = (OUTCOMES as readonly string[]).includes(v.outcome ?? '')
    ? (v.outcome as (typeof OUTCOMES)[number])
    : 'won';
  const observedLift = lift(num(v.baseline), num(v.observed));
  const suggestion = suggestedReturn({
    outcome,
    impact: props.h.impact,
    expectedLift: props.h.expectedLift,
    observedLift,
  });
  const userTyped = v.return != null && v.return.trim() !== '' && v.return !== (v.returnSuggested ?? '');
  const returnValue = userTyped ? (v.return ?? '') : suggestion == null ? '' : String(suggestion);
  const days = num(v.actualDays);
  const ret = num(returnValue);
  const r = ret != null && days != null && days > 0 ? roti(ret, days) : null;
  const state = { values: { ...v, return: returnValue }, errors: props.state.errors };
  return (
    <div id="close-preview" class="close-preview">
      <input type="hidden" name="returnSuggested" value={suggestion == null ? '' : String(suggestion)} />
      <Input
        name="return"
        label="Return (0–10)"
        state={state}
        type="number"
        min={0}
        max={10}
        step="any"
        hint={
          suggestion == null
            ? `No suggestion for ${outcome}: score what was learned (0–10).`
            : `Suggested ${fmt(suggestion)} (${outcome === 'won' ? 'Impact scaled by observed ÷ expected lift' : 'invalid experiments return nothing'}); change it if you disagree.`
        }
      />
      <p class="figures" aria-live="polite">
        Lift: <strong>{fmtLift(observedLift)}</strong>
        {observedLift == null && num(v.baseline) === 0 ? ' (a baseline of 0 has no relative lift)' : ''} ·
        ROTI: <strong>{r == null ? '—' : `${r.toFixed(2)} per person-day`}</strong>
      </p>
    </div>
  );
}

function CloseForm(props: DetailProps) {
  const { ws, h, close: s } = props;
  const url = `/w/${ws.slug}/hypotheses/${h.id}`;
  return (
    <section class="panel" aria-labelledby="close-title">
      <h2 id="close-title">Close with a result</h2>
      <form
        id="close-form"
        method="post"
        action={`${url}/close`}
        class="stack"
        hx-post={`${url}/close/preview`}
        hx-trigger="change"
        hx-target="#close-preview"
        hx-swap="outerHTML"
      >
        <ErrorSummary state={s} />
        <input type="hidden" name="version" value={s.values.version ?? String(h.version)} />
        <div class="row">
          <Select
            name="outcome"
            label="Outcome"
            state={s}
            required
            options={OUTCOMES.map((o) => ({ value: o, label: o[0]?.toUpperCase() + o.slice(1) }))}
          />
          <Input
            name="baseline"
            label={`Baseline (${props.metric.unit || 'value'})`}
            state={s}
            type="number"
            step="any"
          />
          <Input
            name="observed"
            label={`Observed (${props.metric.unit || 'value'})`}
            state={s}
            type="number"
            step="any"
          />
          <Input
            name="actualDays"
            label="Actual person-days"
            state={s}
            type="number"
            step="any"
            min={0}
            required
          />
        </div>
        <ClosePreview h={h} state={s} />
        <fieldset>
          <legend>What did we learn? (at least one)</legend>
          <TextArea
            name="newStatement"
            label="A new learning"
            state={s}
            maxLength={1000}
            rows={2}
            placeholder="New admins act on a checklist when it is the first thing they see."
          />
          <Select
            name="newStatus"
            label="Its status"
            state={s}
            options={[
              { value: 'emerging', label: 'Emerging (one experiment)' },
              { value: 'supported', label: 'Supported (several experiments agree)' },
              { value: 'confirmed', label: 'Confirmed' },
              { value: 'rejected', label: 'Rejected' },
            ]}
          />
          {props.closeLearnings.length ? (
            <>
              <p class="hint">
                …or say how this result bears on what the team already believes about {props.metric.name}:
              </p>
              <ul class="link-learnings">
                {props.closeLearnings.map((l) => (
                  <li>
                    <Select
                      name={`link_${l.id}`}
                      id={`f-link_${l.id}`}
                      label={l.statement}
                      state={s}
                      options={[
                        { value: '', label: 'Not related' },
                        { value: 'supports', label: 'This experiment supports it' },
                        { value: 'contradicts', label: 'This experiment contradicts it' },
                      ]}
                    />
                  </li>
                ))}
              </ul>
            </>
          ) : null}
        </fieldset>
        <button type="submit">Close experiment</button>
      </form>
    </section>
  );
}

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

/** Who scored what: each member's own Impact, Confidence, Ease and ICE, then the team's means and spread. */
function TeamScores(props: DetailProps) {
  const { ws, h } = props;
  const scores = props.scores ?? [];
  const s = spread(scores);
  const mine = scores.find((m) => m.userId === props.userId);
  const closed = h.status === 'done';
  const names = { impact: 'Impact', confidence: 'Confidence', ease: 'Ease' } as const;
  return (
    <section class="panel team-scores" aria-labelledby="team-scores-title">
      <h2 id="team-scores-title">Team scores</h2>
      {!mine && canEdit(ws) && !closed ? (
        <p class="alert warn not-scored">
          You have not scored this yet.{' '}
          <a href={`/w/${ws.slug}/hypotheses/${h.id}?edit=1#f-impact`}>
            Give your Impact, Confidence and Ease
          </a>{' '}
          (or on the backlog): the team’s ICE is the mean of everyone’s.
        </p>
      ) : null}
      {scores.length === 0 ? (
        <p class="muted">No member has scored it yet: the scores shown are the ones it was created with.</p>
      ) : (
        <table class="table">
          <caption class="sr-only">Each member’s own scores, and the team’s means</caption>
          <thead>
            <tr>
              <th scope="col">Member</th>
              <th scope="col" class="num">
                Impact
              </th>
              <th scope="col" class="num">
                Confidence
              </th>
              <th scope="col" class="num">
                Ease
              </th>
              <th scope="col" class="num">
                ICE
              </th>
              <th scope="col">Last updated</th>
            </tr>
          </thead>
          <tbody>
            {scores.map((m) => (
              <tr class={m.userId === props.userId ? 'you' : ''}>
                <th scope="row">
                  {m.name}
                  {m.userId === props.userId ? ' (you)' : ''}
                </th>
                <td class="num">{m.impact}</td>
                <td class="num">{m.confidence}</td>
                <td class="num">{m.ease}</td>
                <td class="num">{fmtIce(memberIce(m, ws.iceMode), ws.iceMode)}</td>
                <td>
                  <time datetime={new Date(m.updatedAt).toISOString()}>
                    {fmtDateTime(m.updatedAt, ws.timeZone)}
                  </time>
                </td>
              </tr>
            ))}
          </tbody>
          <tfoot>
            <tr>
              <th scope="row">Team mean ({scores.length})</th>
              <td class="num">{fmt(h.impact)}</td>
              <td class="num">{fmt(h.confidence)}</td>
              <td class="num">{fmt(h.ease)}</td>
              <td class="num">
                <strong>{fmtIce(h.ice, ws.iceMode)}</strong>
              </td>
              <td />
            </tr>
            {s.n >= 2 ? (
              <tr>
                <th scope="row">Spread (highest − lowest)</th>
                <td class="num">{s.impact}</td>
                <td class="num">{s.confidence}</td>
                <td class="num">{s.ease}</td>
                <td />
                <td>
                  {s.disagree ? (
                    <span class="badge warn discuss">
                      discuss: {s.max} apart on {s.widest ? names[s.widest] : 'a score'}
                    </span>
                  ) : (
                    <span class="muted">close enough</span>
                  )}
                </td>
              </tr>
            ) : null}
          </tfoot>
        </table>
      )}
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
