import { and, eq, inArray } from 'drizzle-orm';
import type { CommittedChange, Db } from '../../db/client';
import { memberships, workspaces } from '../../db/schema';
import { renderSection } from '../../views/meeting/page';
import { type MeetingView, sectionId, type Viewer, viewQuery } from '../../views/meeting/shared';
import { resolveSession } from '../accounts/sessions';
import type { Sort } from '../hypotheses/schemas';
import type { LiveSource } from '../live/hub';
import { latestEventId, loadMeeting, type MeetingData, SECTIONS, type SectionKey } from './data';

// The meeting page as a live source: which sections a change may alter, and each section rendered as one
// member sees it (their role decides the forms; their own scores fill "your score").

/** Who is watching a meeting stream, and how their page looks. */
export type Watcher = { userId: number; sessionId?: string; view: MeetingView };

const ALL = SECTIONS;
// Every section that shows a hypothesis in some state: scores show in the drafts and the batch (ICE), the
// backlog, and the review (a running experiment's close form suggests a return from its Impact).
const HYPOTHESIS: SectionKey[] = ['review', 'drafts', 'backlog', 'batch'];

/** The sections a committed change may alter (the diff then drops those that did not). */
export function sectionsAffected(change: Pick<CommittedChange, 'entity' | 'action'>): readonly SectionKey[] {
  switch (change.entity) {
    case 'hypothesis':
      if (change.action === 'score') return HYPOTHESIS;
      // Learnings list their experiments: title, outcome and ROTI (an edit, a close, a deletion).
      return [...HYPOTHESIS, 'learnings'];
    case 'learning':
      return ['learnings', 'review'];
    // A metric's name shows beside every hypothesis and learning on it.
    case 'metric':
      return ['north-star', 'review', 'learnings', 'drafts', 'backlog'];
    // A new value moves the North Star's and the inputs' tiles.
    case 'measurement':
      return ['north-star'];
    // Starting a batch changes what "since the last meeting" means, hence the learnings.
    case 'batch':
      return ['batch', 'backlog', 'review', 'learnings'];
    // A role or a member's scores changed, or the workspace's ICE mode: anything may look different.
    case 'membership':
    case 'workspace':
      return ALL;
    default:
      return [];
  }
}

/** `<hx-partial>` envelopes: the SSE extension swaps each into its section, morphing in place. */
export function envelope(parts: [string, string][]): string {
  return parts
    .map(
      ([k, html]) =>
        `<hx-partial hx-target="#${sectionId(k as SectionKey)}" hx-swap="outerMorph">${html}</hx-partial>`,
    )
    .join('');
}

export function meetingSource(db: Db): LiveSource<Watcher> {
  return {
    parts: SECTIONS,
    affects: sectionsAffected,
    envelope,
    latest: (workspaceId) => latestEventId(db, workspaceId),
    async render(workspaceId, parts, who) {
      const userIds = [...new Set(who.map((w) => w.userId))];
      // Membership is checked at every send: a removed member's stream closes at the next change.
      const rows = await db.orm
        .select({ ws: workspaces, userId: memberships.userId, role: memberships.role })
        .from(memberships)
        .innerJoin(workspaces, eq(workspaces.id, memberships.workspaceId))
        .where(and(eq(memberships.workspaceId, workspaceId), inArray(memberships.userId, userIds)));
      const roles = new Map(rows.map((r) => [r.userId, r]));
      // …and so is the session: signing out (or being signed out everywhere) ends the stream too.
      const sessions = await Promise.all(
        who.map(async (w) => (w.sessionId ? (await resolveSession(db, w.sessionId))?.id === w.userId : true)),
      );
      const keys = parts.filter((p): p is SectionKey => (SECTIONS as readonly string[]).includes(p));
      const ws = rows[0]?.ws;
      // Loaded once per backlog order in use, whoever is looking.
      const loaded = new Map<Sort, Promise<MeetingData>>();
      const dataFor = (sort: Sort) => {
        if (!ws) throw new Error('no workspace row for a member');
        let p = loaded.get(sort);
        if (!p) {
          p = loadMeeting(db, ws, keys, { sort });
          loaded.set(sort, p);
        }
        return p;
      };
      // …and each section rendered once per way of seeing it: the role decides the forms, the view (order,
      // projector) their links and `back` fields, and only the backlog shows a member their own scores.
      const html = new Map<string, Promise<string | undefined>>();
      const htmlFor = (k: SectionKey, data: MeetingData, v: Viewer) => {
        const key = `${k}|${v.ws.role}|${viewQuery(v.view)}${k === 'backlog' ? `|${v.userId}` : ''}`;
        let p = html.get(key);
        if (!p) {
          const el = renderSection(k, data, v);
          p = el ? Promise.resolve(el.toString()).then(String) : Promise.resolve(undefined);
          html.set(key, p);
        }
        return p;
      };
      return Promise.all(
        who.map(async (w, i) => {
          const member = roles.get(w.userId);
          if (!member || !sessions[i]) return undefined;
          const out = new Map<string, string>();
          if (keys.length === 0) return out;
          const data = await dataFor(keys.includes('backlog') ? w.view.sort : 'ice');
          const v: Viewer = { ws: { ...member.ws, role: member.role }, userId: w.userId, view: w.view };
          for (const k of keys) {
            const section = await htmlFor(k, data, v);
            if (section !== undefined) out.set(k, section);
          }
          return out;
        }),
      );
    },
  };
}
