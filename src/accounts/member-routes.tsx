import { inArray } from 'drizzle-orm';
import { type Context, Hono } from 'hono';
import type { Db } from '../../db/client';
import { type User, users, type Workspace } from '../../db/schema';
import { emptyForm, type FormState, formValues } from '../../views/components/form';
import { InvitePage } from '../../views/members/invite';
import { type InviteRow, MembersFragment, MembersPage, type MembersProps } from '../../views/members/page';
import type { AppEnv, Deps } from '../env';
import { ConflictError, NotFoundError, ValidationError } from '../errors';
import { isHtmx, respond } from '../htmx';
import { idParam, parse, readForm } from '../validation';
import { requireRole, setSessionCookie, signedIn } from './auth';
import {
  acceptInvite,
  createInvite,
  findInvite,
  inviteState,
  joinWithNewAccount,
  listInvites,
  revokeInvite,
} from './invites';
import { InviteInput, JoinInput, RoleInput } from './member-schemas';
import {
  listMembers,
  type MemberWorkspace,
  memberWorkspace,
  removeMember,
  roleAtLeast,
  setMemberRole,
} from './members';
import { createSession } from './sessions';
import { findUserByEmail } from './users';

type C = Context<AppEnv>;

const DONE: Record<string, string> = {
  role: 'Role changed.',
  removed: 'Member removed: they can no longer open this workspace.',
  withdrawn: 'Invite withdrawn: the link no longer works.',
};

/** The owners' view of the invites: each with its state and the names behind the user ids. */
async function inviteRows(db: Db, workspaceId: number, now = Date.now()): Promise<InviteRow[]> {
  const list = await listInvites(db, workspaceId);
  const ids = [...new Set(list.flatMap((i) => [i.usedBy, i.createdBy]).filter((id) => id != null))];
  const names = ids.length
    ? await db.orm.select({ id: users.id, name: users.name }).from(users).where(inArray(users.id, ids))
    : [];
  const nameOf = new Map(names.map((n) => [n.id, n.name]));
  return list.map((i) => ({
    id: i.id,
    role: i.role,
    note: i.note,
    createdAt: i.createdAt,
    expiresAt: i.expiresAt,
    state: inviteState(i, now),
    usedAt: i.usedAt,
    usedByName: i.usedBy == null ? null : (nameOf.get(i.usedBy) ?? null),
    createdByName: i.createdBy == null ? null : (nameOf.get(i.createdBy) ?? null),
  }));
}

export function memberRoutes(deps: Deps) {
  const { db } = deps;
  const app = new Hono<AppEnv>();

  const membersProps = async (
    ws: MemberWorkspace,
    meId: number,
    extra: Partial<MembersProps> = {},
  ): Promise<MembersProps> => ({
    ws,
    meId,
    members: await listMembers(db, ws.id),
    invites: ws.role === 'owner' ? await inviteRows(db, ws.id) : [],
    inviteForm: emptyForm({ role: 'editor', note: '' }),
    ...extra,
  });

  const render = (c: C, props: MembersProps, status: 200 | 409 | 422 = 200) =>
    respond(
      c,
      { page: () => <MembersPage {...props} />, fragment: () => <MembersFragment {...props} /> },
      status,
    );

  /** A change the domain refused (the last owner): the page as it is, with the reason; nothing changed. */
  const refused = async (c: C, message: string) =>
    render(
      c,
      await membersProps(c.get('workspace'), signedIn(c).id, { notice: { tone: 'error', message } }),
      409,
    );

  app.get('/w/:slug/members', async (c) => {
    const message = DONE[c.req.query('done') ?? ''];
    return render(
      c,
      await membersProps(c.get('workspace'), signedIn(c).id, {
        notice: message ? { tone: 'ok', message } : undefined,
      }),
    );
  });

  app.post('/w/:slug/members/:userId/role', requireRole('owner'), async (c) => {
    const ws = c.get('workspace');
    const userId = idParam(c.req.param('userId'));
    const { role } = parse(RoleInput, await readForm(c));
    try {
      await setMemberRole(db, ws.id, userId, role);
    } catch (e) {
      if (e instanceof ConflictError) return refused(c, e.message);
      throw e;
    }
    return c.redirect(`/w/${ws.slug}/members?done=role`, 303);
  });

  app.post('/w/:slug/members/:userId/remove', requireRole('owner'), async (c) => {
    const ws = c.get('workspace');
    const userId = idParam(c.req.param('userId'));
    try {
      await removeMember(db, ws.id, userId);
    } catch (e) {
      if (e instanceof ConflictError) return refused(c, e.message);
      throw e;
    }
    // Someone who left can no longer see the workspace: the members page would be their 404.
    if (userId === signedIn(c).id) return c.redirect('/', 303);
    return c.redirect(`/w/${ws.slug}/members?done=removed`, 303);
  });

  app.post('/w/:slug/invites', requireRole('owner'), async (c) => {
    const ws = c.get('workspace');
    const me = signedIn(c);
    const body = await readForm(c);
    let input: InviteInput;
    try {
      input = parse(InviteInput, body);
    } catch (e) {
      if (!(e instanceof ValidationError)) throw e;
      const form: FormState = { values: formValues(body), errors: e.fields };
      return render(c, await membersProps(ws, me.id, { inviteForm: form }), 422);
    }
    const { token, invite } = await createInvite(db, ws.id, { ...input, createdBy: me.id });
    const origin = (deps.origin ?? new URL(c.req.url).origin).replace(/\/+$/, '');
    const props = await membersProps(ws, me.id, {
      created: {
        link: `${origin}/invite/${token}`,
        role: invite.role,
        note: invite.note,
        expiresAt: invite.expiresAt,
      },
    });
    // The only time the link exists outside the owner's clipboard: no cache may keep a copy.
    c.header('Cache-Control', 'no-store');
    return c.html(isHtmx(c) ? <MembersFragment {...props} /> : <MembersPage {...props} />, 201);
  });

  app.post('/w/:slug/invites/:id/revoke', requireRole('owner'), async (c) => {
    const ws = c.get('workspace');
    await revokeInvite(db, ws.id, idParam(c.req.param('id')));
    return c.redirect(`/w/${ws.slug}/members?done=withdrawn`, 303);
  });

  // ---- The invite link itself: public, since the person invited usually has no account yet.

  type Found = Awaited<ReturnType<typeof findInvite>>;

  /** The page for a link that cannot be used (unknown: 404; used, expired or withdrawn: 410), if so. */
  const unusable = (c: C, found: Found) => {
    if (!found) return c.html(<InvitePage view={{ kind: 'unknown' }} />, 404);
    const state = inviteState(found.invite);
    if (state === 'pending') return undefined;
    return c.html(<InvitePage view={{ kind: 'refused', state, workspace: found.workspace }} />, 410);
  };

  const openPage = async (
    c: C,
    token: string,
    found: NonNullable<Found>,
    form: FormState,
    status: 200 | 422,
  ) => {
    const user = c.get('user');
    const current = user ? await memberWorkspace(db, user.id, found.workspace.slug) : undefined;
    return c.html(
      <InvitePage
        view={{
          kind: 'open',
          token,
          workspace: found.workspace,
          role: found.invite.role,
          expiresAt: found.invite.expiresAt,
          user,
          currentRole: current && roleAtLeast(current.role, found.invite.role) ? current.role : undefined,
          form,
        }}
      />,
      status,
    );
  };

  // The token is in the address of these pages: keep it out of Referer headers and out of caches.
  app.use('/invite/:token', async (c, next) => {
    await next();
    c.header('Referrer-Policy', 'no-referrer');
    c.header('Cache-Control', 'no-store');
  });

  app.get('/invite/:token', async (c) => {
    const token = c.req.param('token');
    const found = await findInvite(db, token);
    const closed = unusable(c, found);
    if (closed || !found) return closed;
    return openPage(c, token, found, emptyForm(), 200);
  });

  app.post('/invite/:token', async (c) => {
    const token = c.req.param('token');
    const found = await findInvite(db, token);
    const closed = unusable(c, found);
    if (closed || !found) return closed;

    // After a refusal inside the write (another tab used the link a moment before), the page says why.
    const afterRefusal = async (e: unknown) => {
      if (e instanceof ConflictError || e instanceof NotFoundError) {
        const page = unusable(c, await findInvite(db, token));
        if (page) return page;
      }
      throw e;
    };

    const user = c.get('user');
    if (user) {
      // A member who already has this role or more would only use up a link meant for someone else.
      const current = await memberWorkspace(db, user.id, found.workspace.slug);
      if (current && roleAtLeast(current.role, found.invite.role))
        return c.redirect(`/w/${current.slug}`, 303);
      try {
        const ws = await acceptInvite(db, token, user);
        return c.redirect(`/w/${ws.slug}`, 303);
      } catch (e) {
        return afterRefusal(e);
      }
    }

    const body = await readForm(c);
    const again = (errors: FormState['errors']) =>
      openPage(c, token, found, { values: formValues(body), errors }, 422);
    let input: JoinInput;
    try {
      input = parse(JoinInput, body);
    } catch (e) {
      if (e instanceof ValidationError) return again(e.fields);
      throw e;
    }
    const taken = {
      email: 'There is already an account with this email — sign in first, then open this link again.',
    };
    if (await findUserByEmail(db, input.email)) return again(taken);
    let created: User;
    let ws: Workspace;
    try {
      ({ user: created, workspace: ws } = await joinWithNewAccount(
        db,
        token,
        { name: input.name, email: input.email, password: input.password },
        deps.scrypt,
      ));
    } catch (e) {
      if (e instanceof ValidationError) return again(taken);
      return afterRefusal(e);
    }
    const sid = await createSession(db, created.id);
    setSessionCookie(c, sid, deps.origin);
    return c.redirect(`/w/${ws.slug}`, 303);
  });

  return app;
}
