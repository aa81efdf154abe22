import type { JSX } from 'hono/jsx/jsx-runtime';
import { GONE_EVENT } from '../../src/live/hub';
import { type MeetingData, SECTIONS, type SectionKey } from '../../src/meeting/data';
import { ReadOnlyNote } from '../components/access';
import { Layout } from '../layout';
import { BacklogSection } from './backlog';
import { BatchSection } from './batch';
import { DraftsSection } from './drafts';
import { LearningsSection } from './learnings';
import { NorthStarSection } from './north-star';
import { ReviewSection } from './review';
import { type Forms, meetingUrl, type Notice, sectionId, type Viewer, viewQuery } from './shared';

// The weekly meeting on one screen, in agenda order. Each section is a fragment of its own: an action
// answers htmx with the sections it changed, and the live stream sends other members the ones that differ.

const TITLES: Record<SectionKey, string> = {
  'north-star': 'North Star',
  review: 'Review',
  learnings: 'Learnings',
  drafts: 'Drafts',
  backlog: 'Backlog',
  batch: 'Next batch',
};

/** One section as this member sees it (undefined when its data was not loaded). */
export function renderSection(
  key: SectionKey,
  data: MeetingData,
  v: Viewer,
  forms: Forms = {},
): JSX.Element | undefined {
  switch (key) {
    case 'north-star':
      return data.northStar && <NorthStarSection v={v} data={data.northStar} />;
    case 'review':
      return data.review && <ReviewSection v={v} data={data.review} forms={forms} />;
    case 'learnings':
      return data.learnings && <LearningsSection v={v} data={data.learnings} />;
    case 'drafts':
      return data.drafts && <DraftsSection v={v} data={data.drafts} />;
    case 'backlog':
      return data.backlog && <BacklogSection v={v} data={data.backlog} forms={forms} />;
    case 'batch':
      return data.batch && <BatchSection v={v} data={data.batch} forms={forms} />;
  }
}

/** The message itself: what happened, and (after a refused form without JavaScript) a way back to it. */
function NoticeMessage(props: { notice?: Notice }) {
  const n = props.notice;
  if (!n) return null;
  return (
    <p class={`alert ${n.tone}`}>
      {n.message}
      {n.section ? (
        <>
          {' '}
          <a href={`#${sectionId(n.section)}`}>Go to {TITLES[n.section]}</a>
        </>
      ) : null}
    </p>
  );
}

/**
 * The message after an action, kept outside the sections so live updates leave it be. The region stays in
 * place and only its content changes: a screen reader announces a change inside a live region it already
 * knows, not a region that was swapped in whole.
 */
export function NoticeArea(props: { notice?: Notice }) {
  return (
    <div id="m-notice" class="m-notice" role="status" aria-live="polite">
      <NoticeMessage notice={props.notice} />
    </div>
  );
}

/**
 * What htmx gets back from an action: the section the form lives in (its target), the other sections the
 * action changed as partials, and the notice.
 */
export function ActionFragment(props: {
  main: SectionKey;
  also: SectionKey[];
  data: MeetingData;
  v: Viewer;
  forms: Forms;
  notice?: Notice;
}) {
  const { data, v, forms } = props;
  return (
    <>
      {renderSection(props.main, data, v, forms)}
      {props.also.map((k) => (
        <hx-partial hx-target={`#${sectionId(k)}`} hx-swap="outerMorph">
          {renderSection(k, data, v, forms)}
        </hx-partial>
      ))}
      <hx-partial hx-target="#m-notice" hx-swap="innerHTML">
        <NoticeMessage notice={props.notice} />
      </hx-partial>
    </>
  );
}

export function MeetingPage(props: {
  v: Viewer;
  data: MeetingData;
  /** The workspace's latest change when the data was read: the live stream catches up from there. */
  since: number;
  forms?: Forms;
  notice?: Notice;
}) {
  const { v, data } = props;
  const { ws, view } = v;
  const base = `/w/${ws.slug}`;
  const q = viewQuery(view);
  const events = `${base}/meeting/events?since=${props.since}${q ? `&${q}` : ''}`;
  return (
    <Layout title="Meeting" ws={ws} nav="meeting">
      <div id="meeting" class={`meeting${view.projector ? ' projector' : ''}`}>
        <div class="page-head">
          <h1>Weekly meeting</h1>
          <a class="button secondary small" href={meetingUrl(ws, { ...view, projector: !view.projector })}>
            {view.projector ? 'Leave projector mode' : 'Projector mode (large type)'}
          </a>
        </div>
        <nav class="m-agenda" aria-label="Agenda">
          <ol>
            {SECTIONS.map((k) => (
              <li>
                <a href={`#${sectionId(k)}`}>{TITLES[k]}</a>
              </li>
            ))}
          </ol>
        </nav>
        <p
          id="m-live"
          class="m-live muted small"
          {...{ 'hx-sse:connect': events, 'hx-sse:close': GONE_EVENT }}
          hx-swap="none"
          data-state="off"
        >
          Changes others make appear after a reload.
        </p>
        <ReadOnlyNote ws={ws} needs="editor" what="score, triage, close or plan" />
        <NoticeArea notice={props.notice} />
        {SECTIONS.map((k) => renderSection(k, data, v, props.forms))}
      </div>
      {/* meeting.js first: its listeners (connection state, the one-stream guard) must exist before the SSE
          extension can connect, and deferred scripts run in document order (htmx may initialise between them). */}
      <script src="/assets/meeting.js" defer></script>
      <script src="/assets/hx-sse.js" defer></script>
    </Layout>
  );
}
