import type { Role, Workspace } from '../../db/schema';
import { roleAtLeast } from '../../src/accounts/members';

/**
 * A workspace as a view receives it. Pages under /w/:slug always have the member's role; a view that is
 * also rendered without one (an error page) gets no controls, so a missing role never shows a form the
 * server would refuse.
 */
export type RoleWorkspace = Workspace & { role?: Role };

/** Editors and owners do the backlog work: hypotheses, scores, moves, closes, learnings, input metrics. */
export const canEdit = (ws: RoleWorkspace): boolean => ws.role != null && roleAtLeast(ws.role, 'editor');

/** Owners also manage the North Star, the workspace settings, members and invites. */
export const isOwner = (ws: RoleWorkspace): boolean => ws.role === 'owner';

const A_ROLE: Record<Role, string> = { viewer: 'a viewer', editor: 'an editor', owner: 'an owner' };

/**
 * Why there is no form here, for a member whose role is below `needs`: their role, what it allows, and
 * who can change things. Renders nothing for members who may act.
 */
export function ReadOnlyNote(props: {
  ws: RoleWorkspace;
  /** The role the hidden controls need. */
  needs: 'editor' | 'owner';
  /** What the hidden controls would change, e.g. "the North Star" (for owner-only pages). */
  what?: string;
}) {
  const { ws, needs } = props;
  if (ws.role != null && roleAtLeast(ws.role, needs)) return null;
  const you = ws.role ? `You are ${A_ROLE[ws.role]} in ${ws.name}` : `You cannot make changes in ${ws.name}`;
  const message =
    needs === 'owner'
      ? `Only owners can change ${props.what ?? 'this'}. ${you}; ask one of its owners if something here needs changing.`
      : `${you}: you can see everything here but not change it. Ask one of its owners to make you an editor if you need to${props.what ? ` ${props.what}` : ' make changes'}.`;
  return (
    <p class="alert read-only" role="note">
      {message}
    </p>
  );
}
