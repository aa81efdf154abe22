import { sourceLabel } from '../../src/drafts/labels';
import type { DraftItem, DraftsData } from '../../src/meeting/data';
import { canEdit } from '../components/access';
import { fmt, fmtIce } from '../components/badges';
import { Empty, MeetingForm, plural, Section, type Viewer } from './shared';

// d) Drafts to triage: follow-ups and drafted ideas, accepted into the backlog (to be scored) or rejected.

function Triage(props: { v: Viewer; h: DraftItem }) {
  const { v, h } = props;
  const move = (to: 'backlog' | 'rejected', label: string, cls?: string) => (
    <MeetingForm
      v={v}
      id={`triage-${to}-${h.id}`}
      action={`/hypotheses/${h.id}/triage`}
      section="drafts"
      class="inline"
    >
      <input type="hidden" name="to" value={to} />
      <input type="hidden" name="version" value={String(h.version)} />
      <button type="submit" class={cls}>
        {label}
        <span class="sr-only">: {h.title}</span>
      </button>
    </MeetingForm>
  );
  return (
    <div class="m-actions">
      {move('backlog', 'Accept to backlog')}
      {/* A look-alike can be folded into its twin instead (src/drafts/triage.ts), then back to the meeting. */}
      {h.duplicateOfId ? (
        <form method="post" action={`/w/${v.ws.slug}/drafts/${h.id}/merge`} class="inline">
          <input type="hidden" name="version" value={String(h.version)} />
          <input type="hidden" name="back" value={`/w/${v.ws.slug}/meeting`} />
          <button type="submit" class="secondary">
            Merge into #{h.duplicateOfId}
            <span class="sr-only">: {h.title}</span>
          </button>
        </form>
      ) : null}
      {move('rejected', 'Reject', 'secondary')}
    </div>
  );
}

export function DraftsSection(props: { v: Viewer; data: DraftsData }) {
  const { v, data } = props;
  const base = `/w/${v.ws.slug}`;
  return (
    <Section
      k="drafts"
      n={4}
      title="Triage drafts"
      lede={
        data.total
          ? `${plural(data.total, 'draft')} waiting: accept the ones worth scoring, reject the rest.`
          : undefined
      }
    >
      {data.items.length === 0 ? (
        <Empty>
          <p>
            No drafts to triage. Drafts are follow-ups of closed experiments and of learnings (“Draft a
            follow-up”), hypotheses written as drafts, or proposals from the playbook or a model; accepted
            ones join the backlog below to be scored.
          </p>
          {canEdit(v.ws) ? (
            <p>
              <a class="button small" href={`${base}/drafts`}>
                Draft hypotheses
              </a>
            </p>
          ) : null}
        </Empty>
      ) : (
        <ul class="m-list">
          {data.items.map((h) => (
            <li id={`md-${h.id}`} class="m-item m-draft">
              <div class="m-item-head">
                <a class="title" href={`${base}/hypotheses/${h.id}`}>
                  {h.title}
                </a>
                <span class="meta">
                  {h.metricName} · ICE {fmtIce(h.ice, v.ws.iceMode)} · {fmt(h.estimatedDays)} d
                  {h.parentId ? (
                    <>
                      {' '}
                      · follows up <a href={`${base}/hypotheses/${h.parentId}`}>#{h.parentId}</a>
                    </>
                  ) : null}
                  {h.draftSource ? <> · drafted by {sourceLabel(h.draftSource, h.draftRule)}</> : null}
                  {h.duplicateOfId ? (
                    <>
                      {' '}
                      · <strong>looks like</strong>{' '}
                      <a href={`${base}/hypotheses/${h.duplicateOfId}`}>#{h.duplicateOfId}</a>
                    </>
                  ) : null}
                </span>
              </div>
              {canEdit(v.ws) ? <Triage v={v} h={h} /> : null}
            </li>
          ))}
        </ul>
      )}
      {data.total > data.items.length ? (
        <p class="muted">
          {data.total - data.items.length} more: <a href={`${base}/backlog?status=draft`}>all drafts</a>.
        </p>
      ) : null}
    </Section>
  );
}
