import type { Workspace } from '../../db/schema';
import type { DraftView } from '../../src/drafts/provenance';
import { STATUS_LABELS } from '../../src/hypotheses/lifecycle';
import { canEdit, type RoleWorkspace } from '../components/access';
import { fmt, fmtIce, fmtLift, StatusPill } from '../components/badges';
import { DraftProvenance } from './provenance';

// One drafted hypothesis as triage sees it: every field, the reasons behind its scores, where it came from,
// and — for editors, while it is still a draft — accept, drop and (for a look-alike) merge.

/** Where the triage forms send the person back to (only pages of the drafts feature). */
export type Back = string;

function TriageButton(props: {
  ws: Workspace;
  h: DraftView;
  back: Back;
  action: 'triage' | 'merge';
  to?: 'backlog' | 'rejected';
  label: string;
  cls?: string;
}) {
  const { ws, h } = props;
  return (
    <form method="post" action={`/w/${ws.slug}/drafts/${h.id}/${props.action}`} class="inline">
      {props.to ? <input type="hidden" name="to" value={props.to} /> : null}
      <input type="hidden" name="version" value={String(h.version)} />
      <input type="hidden" name="back" value={props.back} />
      <button type="submit" class={props.cls}>
        {props.label}
        <span class="sr-only">: {h.title}</span>
      </button>
    </form>
  );
}

export function DraftCard(props: { ws: RoleWorkspace; h: DraftView; back: Back; hideRun?: boolean }) {
  const { ws, h, back } = props;
  const base = `/w/${ws.slug}`;
  const mergeable = h.twin && h.twin.status !== 'done' && h.twin.status !== 'rejected';
  return (
    <article class="card draft-card" id={`draft-${h.id}`}>
      <header class="draft-head">
        <h3>
          <a href={`${base}/hypotheses/${h.id}`}>{h.title}</a>
        </h3>
        <StatusPill status={h.status} />
      </header>
      <p class="statement">
        If we <strong>{h.change}</strong>, then <strong>{h.metricName}</strong> will {h.outcome}
        {h.expectedLift != null ? ` (expected lift ${fmtLift(h.expectedLift)})` : ''}, because {h.rationale}
      </p>
      <dl class="facts draft-facts">
        <dt>Impact</dt>
        <dd>{fmt(h.impact, 0)}</dd>
        <dt>Confidence</dt>
        <dd>{fmt(h.confidence, 0)}</dd>
        <dt>Ease</dt>
        <dd>{fmt(h.ease, 0)}</dd>
        <dt>ICE</dt>
        <dd>{fmtIce(h.ice, ws.iceMode)}</dd>
        <dt>Estimate</dt>
        <dd>{fmt(h.estimatedDays)} person-days</dd>
        {h.owner ? (
          <>
            <dt>Owner</dt>
            <dd>{h.owner}</dd>
          </>
        ) : null}
        {h.tags.length ? (
          <>
            <dt>Tags</dt>
            <dd>
              {h.tags.map((t) => (
                <span class="tag">{t}</span>
              ))}
            </dd>
          </>
        ) : null}
      </dl>
      <DraftProvenance
        h={h}
        ws={ws}
        learnings={h.learnings}
        experiments={h.experiments}
        twin={h.twin}
        hideRun={props.hideRun}
      />
      {h.status !== 'draft' ? (
        <p class="muted">Triaged: now {STATUS_LABELS[h.status].toLowerCase()}.</p>
      ) : canEdit(ws) ? (
        <div class="actions draft-actions">
          <TriageButton ws={ws} h={h} back={back} action="triage" to="backlog" label="Accept to backlog" />
          {mergeable && h.twin ? (
            <TriageButton
              ws={ws}
              h={h}
              back={back}
              action="merge"
              label={`Merge into #${h.twin.id}`}
              cls="secondary"
            />
          ) : null}
          <TriageButton
            ws={ws}
            h={h}
            back={back}
            action="triage"
            to="rejected"
            label="Drop"
            cls="secondary"
          />
        </div>
      ) : null}
    </article>
  );
}
