import type { Child } from 'hono/jsx';
import type { MemberWorkspace } from '../../src/accounts/members';
import type { Sort } from '../../src/hypotheses/schemas';
import type { SectionKey } from '../../src/meeting/data';
import type { FormState } from '../components/form';

// What every section of the meeting page needs to know about who is looking and how.

/** How the page is being looked at: backlog order, and the large-type projector mode. */
export type MeetingView = { sort: Sort; projector: boolean };

/** The member looking: their role decides the forms, their id which scores are "yours". */
export type Viewer = { ws: MemberWorkspace; userId: number; view: MeetingView };

/** A form shown again with what was typed and a message beside each field (422), keyed by formKey(). */
export type Forms = Record<string, FormState | undefined>;

/** A message after an action; `section` links back to the form's section (a refused form, no JavaScript). */
export type Notice = { tone: 'ok' | 'warn' | 'error'; message: string; section?: SectionKey };

export const sectionId = (key: SectionKey) => `m-${key}`;

/** The query string that brings a member back to the same view of the page ('' for the default one). */
export function viewQuery(view: MeetingView): string {
  const p = new URLSearchParams();
  if (view.sort !== 'ice') p.set('sort', view.sort);
  if (view.projector) p.set('view', 'projector');
  return p.toString();
}

export function meetingUrl(ws: { slug: string }, view: MeetingView, extra: Record<string, string> = {}) {
  const q = new URLSearchParams(viewQuery(view));
  for (const [k, v] of Object.entries(extra)) q.set(k, v);
  const s = q.toString();
  return `/w/${ws.slug}/meeting${s ? `?${s}` : ''}`;
}

/**
 * A form of the meeting page: a plain POST that comes back to the page without JavaScript; with htmx it
 * replaces its section in place (a morph, so rows keep their identity and nobody's typing is lost).
 */
export function MeetingForm(props: {
  v: Viewer;
  id: string;
  action: string;
  section: SectionKey;
  class?: string;
  label?: string;
  children: Child;
}) {
  const url = `/w/${props.v.ws.slug}/meeting${props.action}`;
  return (
    <form
      id={props.id}
      method="post"
      action={url}
      class={props.class}
      hx-post={url}
      hx-target={`#${sectionId(props.section)}`}
      hx-swap="outerMorph"
      aria-label={props.label}
    >
      <input type="hidden" name="back" value={viewQuery(props.v.view)} />
      {props.children}
    </form>
  );
}

/** A section of the agenda: numbered heading, stable id (the live updates and anchors use it). */
export function Section(props: { k: SectionKey; n: number; title: string; lede?: Child; children: Child }) {
  const id = sectionId(props.k);
  return (
    <section id={id} class="m-section" aria-labelledby={`${id}-title`}>
      {/* Focusable from script only: where focus lands when the control that had it is gone. */}
      <h2 id={`${id}-title`} tabindex={-1}>
        <span class="m-step" aria-hidden="true">
          {props.n}
        </span>{' '}
        {props.title}
      </h2>
      {props.lede ? <p class="lede">{props.lede}</p> : null}
      {props.children}
    </section>
  );
}

/** A teaching empty state: what would be here, and how it gets here. */
export function Empty(props: { children: Child }) {
  return <div class="empty card m-empty">{props.children}</div>;
}

export const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;
