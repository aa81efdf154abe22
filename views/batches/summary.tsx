import type { MemberWorkspace } from '../../src/accounts/members';
import { windowText } from '../../src/batches/markdown';
import type { MeetingSummary } from '../../src/batches/summary';
import { dayLabel, weekLabel } from '../../src/batches/weeks';
import { fmt, fmtLift, LearningPill, OutcomePill, StatusPill } from '../components/badges';
import { Layout } from '../layout';
import { fmtRoti, LoadMeter, OverCapacity } from './parts';

export type SummaryProps = { ws: MemberWorkspace; summary: MeetingSummary; markdown: string };

/** What the meeting covered: closed, learned, triaged and selected, with the capacity used. */
export function SummaryView(props: SummaryProps) {
  const { ws, summary: s } = props;
  const base = `/w/${ws.slug}`;
  const h = (id: number, title: string) => (
    <a href={`${base}/hypotheses/${id}`}>
      #{id} {title}
    </a>
  );
  const soFar = s.window.final ? '' : ' so far';
  const triagedCount = s.triaged.accepted.length + s.triaged.rejected.length;
  const mdUrl = `${base}/batches/${s.batch.id}/summary.md`;
  return (
    <article id="summary" class="stack" aria-labelledby="summary-title">
      <p class="crumbs">
        <a href={`${base}/batches`}>Batches</a> › <a href={`${base}/batches/${s.batch.id}`}>{s.batch.week}</a>{' '}
        › Summary
      </p>
      <h1 id="summary-title">
        Meeting summary{soFar}: {weekLabel(s.batch.week)}
      </h1>
      <p class="lede">
        Covers what happened {windowText(s, ws.timeZone)}.
        {s.window.final ? '' : ' It grows as the meeting goes on, and is final once the batch starts.'}
      </p>
      <dl class="counts">
        <div>
          <dt>Closed</dt>
          <dd>{s.closed.length}</dd>
        </div>
        <div>
          <dt>Learned</dt>
          <dd>{s.learned.length}</dd>
        </div>
        <div>
          <dt>Triaged</dt>
          <dd>{triagedCount}</dd>
        </div>
        <div>
          <dt>Selected</dt>
          <dd>{s.selected.load.items}</dd>
        </div>
      </dl>

      <section class="panel" aria-labelledby="closed-title">
        <h2 id="closed-title">
          Closed{soFar} ({s.closed.length})
        </h2>
        {s.closed.length === 0 ? (
          <p class="muted">No experiment was closed in this window.</p>
        ) : (
          <ul class="learning-list">
            {s.closed.map((c) => (
              <li>
                {h(c.id, c.title)} <OutcomePill outcome={c.result} /> · lift{' '}
                <strong>{fmtLift(c.lift)}</strong> · ROTI <strong>{fmtRoti(c.roti)}</strong>{' '}
                <span class="muted">
                  ({fmt(c.returnScore)} return over {fmt(c.actualDays)} person-days, closed{' '}
                  {dayLabel(c.closedAt, ws.timeZone)})
                </span>
                {c.learnings.length ? (
                  <ul>
                    {c.learnings.map((l) => (
                      <li>
                        {l.relation === 'contradicts' ? 'Contradicts: ' : 'Learned: '}
                        <a href={`${base}/learnings#l-${l.id}`}>{l.statement}</a>
                      </li>
                    ))}
                  </ul>
                ) : null}
              </li>
            ))}
          </ul>
        )}
      </section>

      <section class="panel" aria-labelledby="learned-title">
        <h2 id="learned-title">
          Learned{soFar} ({s.learned.length})
        </h2>
        {s.learned.length === 0 ? (
          <p class="muted">No learning was recorded in this window.</p>
        ) : (
          <ul class="learning-list">
            {s.learned.map((l) => (
              <li>
                {l.statement} <LearningPill status={l.status} />
                {l.metricName ? <span class="muted"> · {l.metricName}</span> : null}
              </li>
            ))}
          </ul>
        )}
      </section>

      <section class="panel" aria-labelledby="triaged-title">
        <h2 id="triaged-title">
          Triaged{soFar} ({triagedCount}: {s.triaged.accepted.length} accepted, {s.triaged.rejected.length}{' '}
          rejected)
        </h2>
        {triagedCount === 0 ? (
          <p class="muted">No drafts were accepted or rejected in this window.</p>
        ) : (
          <ul class="learning-list">
            {s.triaged.accepted.map((t) => (
              <li>Accepted to the backlog: {h(t.id, t.title)}</li>
            ))}
            {s.triaged.rejected.map((t) => (
              <li>Rejected: {h(t.id, t.title)}</li>
            ))}
          </ul>
        )}
      </section>

      <section class="panel" aria-labelledby="selected-title">
        <h2 id="selected-title">
          Selected for {s.batch.week} ({s.selected.load.items})
        </h2>
        <p>
          Capacity used:{' '}
          <LoadMeter load={s.selected.load} label={`${s.batch.week}: planned person-days of capacity`} />
        </p>
        <OverCapacity load={s.selected.load} />
        {s.selected.items.length === 0 ? (
          <p class="muted">Nothing selected into this batch yet.</p>
        ) : (
          <ul class="learning-list">
            {s.selected.items.map((i) => (
              <li>
                {h(i.id, i.title)} <StatusPill status={i.status} /> ·{' '}
                {i.estimatedDays == null ? 'no estimate' : `${fmt(i.estimatedDays)} person-days`}
              </li>
            ))}
          </ul>
        )}
      </section>

      <section class="panel" aria-labelledby="share-title">
        <h2 id="share-title">Share it</h2>
        <p>
          The same summary as Markdown, to paste into the team's chat. <a href={mdUrl}>Open as Markdown</a>
        </p>
        {/* Shown by app.js, which does the copying; without JavaScript, select the text below. */}
        <button type="button" class="small" data-copy="summary-md" hidden>
          Copy as Markdown
        </button>
        <label for="summary-md" class="sr-only">
          The summary as Markdown
        </label>
        <textarea id="summary-md" readonly rows={12}>
          {props.markdown}
        </textarea>
      </section>
    </article>
  );
}

export function SummaryPage(props: SummaryProps) {
  return (
    <Layout title={`Meeting summary: ${weekLabel(props.summary.batch.week)}`} ws={props.ws} nav="batches">
      <SummaryView {...props} />
    </Layout>
  );
}
