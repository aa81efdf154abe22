import type { Context } from 'hono';
import type { Db } from '../../db/client';
import { formValues } from '../../views/components/form';
import { ActionFragment, MeetingPage } from '../../views/meeting/page';
import { type Forms, meetingUrl, type Notice, sectionId, type Viewer } from '../../views/meeting/shared';
import { signedIn } from '../accounts/auth';
import type { AppEnv } from '../env';
import { ConflictError, type FieldErrors, ValidationError } from '../errors';
import { isHtmx } from '../htmx';
import { latestEventId, loadMeeting, SECTIONS, type SectionKey } from './data';
import { meetingView } from './schemas';

// How the meeting's actions answer: htmx gets the sections they changed, a plain form post a redirect back
// to its section, and a refusal the page (or section) again with the reason.

export type Body = Record<string, string | File | (string | File)[]>;

/** What an action did, for the answer: its section, the others it changed, a message, a refused form. */
export type Outcome = {
  main: SectionKey;
  also: SectionKey[];
  notice?: Notice;
  forms?: Forms;
  status?: 200 | 409 | 422;
};

export const DONE: Record<string, string> = {
  scored: 'Your score is saved.',
  triaged: 'Draft triaged.',
  merged: 'Draft merged into its look-alike: its idea and tags were added there.',
  closed: 'Closed: its learning is listed under “What we learned”.',
  planned: 'The next batch is being planned: select backlog items into it.',
  capacity: 'Capacity saved.',
  selected: 'Selected into the batch.',
  removed: 'Back in the backlog.',
  started: 'Batch started: its experiments are running. See you at the next meeting.',
};

/** The member looking, and how (from the query string, or a form's `back` field). */
export function viewer(c: Context<AppEnv>, raw: Record<string, string | undefined>): Viewer {
  return { ws: c.get('workspace'), userId: signedIn(c).id, view: meetingView(raw) };
}

export function answers(db: Db) {
  /**
   * Answers an action: htmx gets the changed sections (the form's own as the main target), a plain form
   * post a redirect back to the section; a refusal re-renders the page (or section) with the reason.
   */
  async function answer(c: Context<AppEnv>, body: Body, done: string, o: Outcome) {
    const v = viewer(
      c,
      Object.fromEntries(new URLSearchParams(typeof body.back === 'string' ? body.back : '')),
    );
    const status = o.status ?? 200;
    if (!isHtmx(c)) {
      if (status === 200)
        return c.redirect(`${meetingUrl(v.ws, v.view, { done })}#${sectionId(o.main)}`, 303);
      const [since, data] = await Promise.all([
        latestEventId(db, v.ws.id),
        loadMeeting(db, v.ws, SECTIONS, { sort: v.view.sort }),
      ]);
      // The page comes back at its top, the form far below: the message links to it.
      const notice = o.notice && { ...o.notice, section: o.main };
      return c.html(<MeetingPage v={v} data={data} since={since} forms={o.forms} notice={notice} />, status);
    }
    const data = await loadMeeting(db, v.ws, [o.main, ...o.also], { sort: v.view.sort });
    const notice = o.notice ?? { tone: 'ok' as const, message: DONE[done] ?? 'Saved.' };
    return c.html(
      <ActionFragment main={o.main} also={o.also} data={data} v={v} forms={o.forms ?? {}} notice={notice} />,
      status,
    );
  }

  /** A refusal as an outcome: 422 puts the messages beside the form's fields, 409 says what happened. */
  function refusal(
    e: unknown,
    main: SectionKey,
    also: SectionKey[],
    formKey: string,
    body: Body,
    map?: (f: FieldErrors) => FieldErrors,
  ): Outcome {
    if (e instanceof ValidationError)
      return {
        main,
        also: [],
        status: 422,
        forms: { [formKey]: { values: formValues(body), errors: map ? map(e.fields) : e.fields } },
        notice: { tone: 'error', message: `Not saved: ${Object.values(e.fields)[0] ?? e.message}` },
      };
    if (e instanceof ConflictError)
      return { main, also, status: 409, notice: { tone: 'warn', message: e.message } };
    throw e;
  }

  return { answer, refusal };
}
