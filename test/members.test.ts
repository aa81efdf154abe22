import { and, eq } from 'drizzle-orm';
import { describe, expect, it, vi } from 'vitest';
import type { Db } from '../db/client';
import { makeMember, makeWorkspace } from '../db/factories';
import { auditEvents, invites, memberships, type Role, users, type Workspace } from '../db/schema';
import { createInvite } from '../src/accounts/invites';
import { sha256 } from '../src/accounts/sessions';
import { appFor, as, form, freshDb, htmx, person, signIn } from './helpers';

/** A workspace "acme" with its owner, an editor and a viewer, each signed in. */
async function team() {
  const db = await freshDb();
  const app = appFor(db);
  const owner = await person(db, { name: 'Olivia Owner', email: 'olivia@example.com' });
  const ws = await makeWorkspace(db, { slug: 'acme', name: 'Acme Growth', ownerId: owner.user.id });
  const editor = await signIn(db, await makeMember(db, ws, 'editor', { name: 'Eddie Editor' }));
  const viewer = await signIn(db, await makeMember(db, ws, 'viewer', { name: 'Vera Viewer' }));
  return { db, app, ws, owner, editor, viewer };
}

async function roleOf(db: Db, ws: Workspace, userId: number): Promise<Role | undefined> {
  const [row] = await db.orm
    .select({ role: memberships.role })
    .from(memberships)
    .where(and(eq(memberships.workspaceId, ws.id), eq(memberships.userId, userId)));
  return row?.role;
}

const allMemberships = (db: Db) => db.orm.select().from(memberships).orderBy(memberships.userId);
const allInvites = (db: Db) => db.orm.select().from(invites).orderBy(invites.id);
const allUsers = (db: Db) => db.orm.select().from(users).orderBy(users.id);

const tokenIn = (html: string) => /\/invite\/([A-Za-z0-9_-]{43})/.exec(html)?.[1];
const sessionCookie = (res: Response) => res.headers.get('set-cookie')?.split(';')[0] ?? '';

const joinForm = (over: Record<string, string> = {}) =>
  form({
    name: 'Nina New',
    email: 'nina@example.com',
    password: 'a long enough passphrase',
    confirm: 'a long enough passphrase',
    ...over,
  });

describe('members page', () => {
  it('shows owners the members with role controls, remove buttons, the roles and the invite form', async () => {
    const { app, owner } = await team();
    const res = await as(app, owner).request('/w/acme/members');
    expect(res.status).toBe(200);
    const html = await res.text();
    for (const text of [
      'Members of Acme Growth',
      'Olivia Owner',
      'Eddie Editor',
      'Vera Viewer',
      'olivia@example.com',
    ])
      expect(html).toContain(text);
    expect(html).toContain('sees everything, changes nothing');
    expect(html).toContain('does all the backlog work');
    expect(html).toContain('also manages members and invites, the North Star and the workspace settings');
    expect(html).toContain('Member since');
    expect(html).toContain(`/w/acme/members/${owner.user.id}/role`);
    expect(html).toContain('>Change</button>');
    expect(html).toContain('>Remove</button>');
    expect(html).toContain('action="/w/acme/invites"');
    expect(html).toContain('No invites yet.');
  });

  it('shows editors and viewers the list read-only, saying who manages members', async () => {
    const { app, editor, viewer } = await team();
    for (const who of [editor, viewer]) {
      const res = await as(app, who).request('/w/acme/members');
      expect(res.status).toBe(200);
      const html = await res.text();
      expect(html).toContain('Olivia Owner');
      expect(html).toContain('Vera Viewer');
      expect(html).toContain(
        'Only owners can change roles, remove members and invite people (here: Olivia Owner)',
      );
      expect(html).toContain('sees everything, changes nothing');
      expect(html).not.toContain('/role"');
      expect(html).not.toContain('/remove"');
      expect(html).not.toContain('>Change</button>');
      expect(html).not.toContain('/invites"');
    }
  });

  it('is a 404 for someone who is not a member, like any workspace page', async () => {
    const { db, app } = await team();
    const stranger = await person(db, { serverOwner: false });
    const res = await as(app, stranger).request('/w/acme/members');
    expect(res.status).toBe(404);
    expect(await res.text()).not.toContain('Olivia Owner');
  });
});

describe('member roles and removal', () => {
  it('lets an owner change a role', async () => {
    const { db, app, ws, owner, editor } = await team();
    const res = await as(app, owner).request(
      `/w/acme/members/${editor.user.id}/role`,
      form({ role: 'viewer' }),
    );
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe('/w/acme/members?done=role');
    expect(await roleOf(db, ws, editor.user.id)).toBe('viewer');
    const page = await (await as(app, owner).request('/w/acme/members?done=role')).text();
    expect(page).toContain('Role changed.');
    const [event] = await db.orm
      .select()
      .from(auditEvents)
      .where(and(eq(auditEvents.entity, 'membership'), eq(auditEvents.action, 'role')));
    expect(event?.actorName).toBe('Olivia Owner');
  });

  it('refuses to demote the last owner (409, unchanged), in the page and the htmx fragment', async () => {
    const { db, app, owner } = await team();
    const before = await allMemberships(db);
    const res = await as(app, owner).request(
      `/w/acme/members/${owner.user.id}/role`,
      form({ role: 'editor' }),
    );
    expect(res.status).toBe(409);
    const html = await res.text();
    expect(html).toContain('A workspace needs at least one owner');
    expect(html).toContain('<nav aria-label="Main">');
    const frag = await as(app, owner).request(
      `/w/acme/members/${owner.user.id}/role`,
      form({ role: 'viewer' }, htmx),
    );
    expect(frag.status).toBe(409);
    const fragHtml = await frag.text();
    expect(fragHtml).toContain('A workspace needs at least one owner');
    expect(fragHtml).not.toContain('<nav aria-label="Main">');
    expect(await allMemberships(db)).toEqual(before);
  });

  it('refuses to remove the last owner (409, unchanged)', async () => {
    const { db, app, owner } = await team();
    const before = await allMemberships(db);
    const res = await as(app, owner).request(`/w/acme/members/${owner.user.id}/remove`, form({}));
    expect(res.status).toBe(409);
    expect(await res.text()).toContain('make someone else owner first');
    expect(await allMemberships(db)).toEqual(before);
  });

  it('lets an owner remove a member, and leave when another owner remains', async () => {
    const { db, app, ws, owner, editor, viewer } = await team();
    const removed = await as(app, owner).request(`/w/acme/members/${viewer.user.id}/remove`, form({}));
    expect(removed.status).toBe(303);
    expect(removed.headers.get('location')).toBe('/w/acme/members?done=removed');
    expect(await roleOf(db, ws, viewer.user.id)).toBeUndefined();
    expect((await as(app, viewer).request('/w/acme')).status).toBe(404);

    await as(app, owner).request(`/w/acme/members/${editor.user.id}/role`, form({ role: 'owner' }));
    expect(await roleOf(db, ws, editor.user.id)).toBe('owner');
    const left = await as(app, owner).request(`/w/acme/members/${owner.user.id}/remove`, form({}));
    expect(left.status).toBe(303);
    expect(left.headers.get('location')).toBe('/');
    expect(await roleOf(db, ws, owner.user.id)).toBeUndefined();
    expect(await roleOf(db, ws, editor.user.id)).toBe('owner');
  });

  it('refuses role changes and removals from editors and viewers (403, unchanged)', async () => {
    const { db, app, owner, editor, viewer } = await team();
    const before = await allMemberships(db);
    for (const who of [editor, viewer]) {
      const change = await as(app, who).request(
        `/w/acme/members/${owner.user.id}/role`,
        form({ role: 'viewer' }),
      );
      expect(change.status).toBe(403);
      const remove = await as(app, who).request(`/w/acme/members/${owner.user.id}/remove`, form({}));
      expect(remove.status).toBe(403);
    }
    expect(await allMemberships(db)).toEqual(before);
  });

  it('answers 404 for someone who is not a member of this workspace, and 422 for a made-up role', async () => {
    const { db, app, owner, editor } = await team();
    const outsider = await person(db, { serverOwner: false });
    const before = await allMemberships(db);
    expect(
      (await as(app, owner).request(`/w/acme/members/${outsider.user.id}/role`, form({ role: 'viewer' })))
        .status,
    ).toBe(404);
    expect(
      (await as(app, owner).request(`/w/acme/members/${outsider.user.id}/remove`, form({}))).status,
    ).toBe(404);
    expect((await as(app, owner).request('/w/acme/members/abc/remove', form({}))).status).toBe(404);
    expect(
      (await as(app, owner).request(`/w/acme/members/${editor.user.id}/role`, form({ role: 'admin' })))
        .status,
    ).toBe(422);
    expect(await allMemberships(db)).toEqual(before);
  });
});

describe('invites', () => {
  it('shows a new invite link once; only its hash is stored', async () => {
    const { db, app, owner } = await team();
    const res = await as(app, owner).request(
      '/w/acme/invites',
      form({ role: 'viewer', note: 'Sam from analytics' }),
    );
    expect(res.status).toBe(201);
    expect(res.headers.get('cache-control')).toBe('no-store');
    const html = await res.text();
    const token = tokenIn(html);
    expect(token).toBeDefined();
    expect(html).toContain(`value="http://localhost/invite/${token}"`);
    expect(html).toContain('readonly');
    expect(html).toContain('works once');
    expect(html).toContain('in 7 days');
    expect(html).toContain('will not be shown again');

    const [row, ...rest] = await allInvites(db);
    expect(rest).toHaveLength(0);
    expect(row?.tokenHash).toBe(sha256(token ?? ''));
    expect(row?.role).toBe('viewer');
    expect(row?.note).toBe('Sam from analytics');
    expect(row?.createdBy).toBe(owner.user.id);
    expect(
      JSON.stringify(await db.client.execute('select * from invites').then((r) => r.rows)),
    ).not.toContain(token);

    const later = await (await as(app, owner).request('/w/acme/members')).text();
    expect(later).not.toContain(token);
    expect(later).toContain('Sam from analytics');
    expect(later).toContain('Waiting');
    expect(later).toContain('Withdraw');
  });

  it('builds the link on the configured public origin and defaults to editor', async () => {
    const { db, owner } = await team();
    const app = appFor(db, { origin: 'https://lodestar.example.org' });
    const res = await as(app, owner).request(
      '/w/acme/invites',
      // Over https the session cookie carries the __Host- prefix.
      form({ note: '' }, { Origin: 'https://lodestar.example.org', cookie: `__Host-${owner.cookie}` }),
    );
    expect(res.status).toBe(201);
    const html = await res.text();
    expect(html).toMatch(/value="https:\/\/lodestar\.example\.org\/invite\/[A-Za-z0-9_-]{43}"/);
    expect((await allInvites(db))[0]?.role).toBe('editor');
  });

  it('refuses a note over 120 characters with a message beside the field, creating nothing', async () => {
    const { db, app, owner } = await team();
    const res = await as(app, owner).request(
      '/w/acme/invites',
      form({ role: 'editor', note: 'x'.repeat(121) }),
    );
    expect(res.status).toBe(422);
    expect(await res.text()).toContain('Who it is for must be at most 120 characters.');
    expect(await allInvites(db)).toHaveLength(0);
  });

  it('does not let editors or viewers create invites (403, nothing created)', async () => {
    const { db, app, editor, viewer } = await team();
    for (const who of [editor, viewer]) {
      const res = await as(app, who).request('/w/acme/invites', form({ role: 'owner', note: 'me again' }));
      expect(res.status).toBe(403);
      expect(await res.text()).toContain('can do this. You are');
    }
    expect(await allInvites(db)).toHaveLength(0);
  });

  it('lets an owner withdraw a pending invite, after which the link is refused', async () => {
    const { db, app, ws, owner } = await team();
    const { token, invite } = await createInvite(db, ws.id, {
      role: 'editor',
      note: 'Sam',
      createdBy: owner.user.id,
    });
    const res = await as(app, owner).request(`/w/acme/invites/${invite.id}/revoke`, form({}));
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe('/w/acme/members?done=withdrawn');
    expect((await allInvites(db))[0]?.revokedAt).toBeTypeOf('number');
    const page = await (await as(app, owner).request('/w/acme/members?done=withdrawn')).text();
    expect(page).toContain('Withdrawn');
    expect(page).not.toContain(`/invites/${invite.id}/revoke`);
    expect((await as(app, 'anonymous').request(`/invite/${token}`)).status).toBe(410);
  });

  it("does not let a member of another workspace withdraw this workspace's invite (404, unchanged)", async () => {
    const { db, app, ws, owner } = await team();
    const { invite } = await createInvite(db, ws.id, { role: 'editor', note: '', createdBy: owner.user.id });
    const other = await person(db, { serverOwner: false });
    await makeWorkspace(db, { slug: 'other', ownerId: other.user.id });
    const before = await allInvites(db);
    const viaOwn = await as(app, other).request(`/w/other/invites/${invite.id}/revoke`, form({}));
    expect(viaOwn.status).toBe(404);
    const viaTheirs = await as(app, other).request(`/w/acme/invites/${invite.id}/revoke`, form({}));
    expect(viaTheirs.status).toBe(404);
    expect(await allInvites(db)).toEqual(before);
  });
});

describe('invite links', () => {
  async function withInvite(role: Role = 'editor') {
    const t = await team();
    const { token, invite } = await createInvite(t.db, t.ws.id, {
      role,
      note: 'Nina',
      createdBy: t.owner.user.id,
    });
    return { ...t, token, invite };
  }

  it('shows anonymous visitors the workspace and role, a sign-up form and a sign-in link', async () => {
    const { app, token } = await withInvite('viewer');
    const res = await as(app, 'anonymous').request(`/invite/${token}`);
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toBe('no-store');
    const html = await res.text();
    expect(html).toContain('Join Acme Growth');
    expect(html).toContain('as a viewer');
    expect(html).toContain('<meta name="referrer" content="no-referrer"/>');
    expect(html).toContain('autocomplete="new-password"');
    expect(html).toContain(`href="/login?next=${encodeURIComponent(`/invite/${token}`)}"`);
    expect(html).toContain('Already have an account?');
  });

  it('sends Referrer-Policy: no-referrer on invite pages, whatever the answer', async () => {
    const { app, token } = await withInvite();
    for (const [path, init] of [
      [`/invite/${token}`, {}],
      [`/invite/${token}`, joinForm({ confirm: 'different' })],
      ['/invite/nope', {}],
    ] as const) {
      const res = await as(app, 'anonymous').request(path, init);
      expect(res.headers.get('referrer-policy'), path).toBe('no-referrer');
      expect(res.headers.get('cache-control'), path).toBe('no-store');
    }
  });

  it('keeps the token out of the request log', async () => {
    const { db, token } = await withInvite();
    const app = appFor(db, { logLevel: 'info' });
    const lines: string[] = [];
    const spy = vi.spyOn(console, 'log').mockImplementation((line: unknown) => {
      lines.push(String(line));
    });
    try {
      expect((await as(app, 'anonymous').request(`/invite/${token}`)).status).toBe(200);
      expect((await as(app, 'anonymous').request(`/invite/${token}`, joinForm())).status).toBe(303);
    } finally {
      spy.mockRestore();
    }
    const logged = lines.join('\n');
    expect(logged).toContain('"path":"/invite/[token]"');
    expect(logged).not.toContain(token);
  });

  it('creates the account, joins with the invite role and signs in (the cookie opens the workspace)', async () => {
    const { db, app, ws, owner, token, invite } = await withInvite('viewer');
    const res = await as(app, 'anonymous').request(
      `/invite/${token}`,
      joinForm({ email: 'Nina@Example.com' }),
    );
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe('/w/acme');
    const cookie = sessionCookie(res);
    expect(cookie).toMatch(/^lodestar_session=/);
    expect(res.headers.get('set-cookie')).toContain('HttpOnly');

    const [nina] = await db.orm.select().from(users).where(eq(users.email, 'nina@example.com'));
    expect(nina?.name).toBe('Nina New');
    expect(nina?.isServerOwner).toBe(false);
    expect(await roleOf(db, ws, nina?.id ?? 0)).toBe('viewer');
    const [used] = await allInvites(db);
    expect(used?.usedBy).toBe(nina?.id);
    expect(used?.usedAt).toBeTypeOf('number');
    const [accepted] = await db.orm
      .select()
      .from(auditEvents)
      .where(and(eq(auditEvents.entity, 'invite'), eq(auditEvents.action, 'accept')));
    expect(accepted?.actorName).toBe('Nina New');
    expect(accepted?.entityId).toBe(invite.id);

    const list = await (await as(app, owner).request('/w/acme/members')).text();
    expect(list).toContain('Used');
    expect(list).toContain('by Nina New on');
    expect(list).not.toContain(`/invites/${invite.id}/revoke`);

    const page = await app.request('/w/acme', { headers: { cookie } });
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('Acme Growth');
    // A viewer: changes are still refused.
    const edit = await app.request('/w/acme/invites', form({ role: 'owner' }, { cookie }));
    expect(edit.status).toBe(403);
  });

  it('lets only one of two people racing for the same link in, leaving no account for the other', async () => {
    const { db, app, ws, token } = await withInvite();
    const usersBefore = await allUsers(db);
    const [a, b] = await Promise.all([
      as(app, 'anonymous').request(`/invite/${token}`, joinForm({ email: 'a@example.com', name: 'A' })),
      as(app, 'anonymous').request(`/invite/${token}`, joinForm({ email: 'b@example.com', name: 'B' })),
    ]);
    expect([a.status, b.status].sort()).toEqual([303, 410]);
    const loser = a.status === 410 ? a : b;
    expect(await loser.text()).toContain('already been used');
    expect(loser.headers.get('set-cookie')).toBeNull();
    const after = await allUsers(db);
    expect(after).toHaveLength(usersBefore.length + 1);
    const winner = after.at(-1);
    expect(winner?.email).toBe(a.status === 303 ? 'a@example.com' : 'b@example.com');
    expect(await roleOf(db, ws, winner?.id ?? 0)).toBe('editor');
  });

  it('refuses an email that already has an account (422) and uses nothing up', async () => {
    const { db, app, token } = await withInvite();
    const usersBefore = await allUsers(db);
    const res = await as(app, 'anonymous').request(
      `/invite/${token}`,
      joinForm({ email: 'OLIVIA@example.com' }),
    );
    expect(res.status).toBe(422);
    const html = await res.text();
    expect(html).toContain('There is already an account with this email — sign in first');
    expect(html).toContain('value="Nina New"');
    expect(html).not.toContain('a long enough passphrase');
    expect(await allUsers(db)).toEqual(usersBefore);
    expect((await allInvites(db))[0]?.usedAt).toBeNull();
  });

  it('refuses a short or mismatched password (422) and creates nothing', async () => {
    const { db, app, token } = await withInvite();
    const usersBefore = await allUsers(db);
    const short = await as(app, 'anonymous').request(
      `/invite/${token}`,
      joinForm({ password: 'short', confirm: 'short' }),
    );
    expect(short.status).toBe(422);
    expect(await short.text()).toContain('Use at least 10 characters');
    const mismatch = await as(app, 'anonymous').request(
      `/invite/${token}`,
      joinForm({ confirm: 'something else entirely' }),
    );
    expect(mismatch.status).toBe(422);
    expect(await mismatch.text()).toContain('The two passwords are not the same');
    expect(await allUsers(db)).toEqual(usersBefore);
    expect((await allInvites(db))[0]?.usedAt).toBeNull();
  });

  it('lets a signed-in person join with one click', async () => {
    const { db, app, ws, token } = await withInvite('editor');
    const sam = await person(db, { name: 'Sam Signed', serverOwner: false });
    const page = await as(app, sam).request(`/invite/${token}`);
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain('Join Acme Growth</button>');
    expect(html).toContain('signed in as Sam Signed');
    expect(html).not.toContain('new-password');
    const res = await as(app, sam).request(`/invite/${token}`, form({}));
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe('/w/acme');
    expect(await roleOf(db, ws, sam.user.id)).toBe('editor');
    expect((await allInvites(db))[0]?.usedBy).toBe(sam.user.id);
    expect((await as(app, sam).request('/w/acme')).status).toBe(200);
  });

  it('leaves the link unused when a member who already has that role opens it', async () => {
    const { db, app, ws, token, editor } = await withInvite('viewer');
    const page = await (await as(app, editor).request(`/invite/${token}`)).text();
    expect(page).toContain('already an editor in Acme Growth');
    const res = await as(app, editor).request(`/invite/${token}`, form({}));
    expect(res.status).toBe(303);
    expect(await roleOf(db, ws, editor.user.id)).toBe('editor');
    expect((await allInvites(db))[0]?.usedAt).toBeNull();
  });

  it('refuses used, expired and withdrawn links and changes nothing', async () => {
    const { db, app, ws, owner, token, invite } = await withInvite();
    const sam = await person(db, { serverOwner: false });
    const used = await createInvite(db, ws.id, { role: 'owner', note: '', createdBy: owner.user.id });
    await as(app, await person(db, { serverOwner: false })).request(`/invite/${used.token}`, form({}));
    const withdrawn = await createInvite(db, ws.id, { role: 'owner', note: '', createdBy: owner.user.id });
    await as(app, owner).request(`/w/acme/invites/${withdrawn.invite.id}/revoke`, form({}));
    await db.orm
      .update(invites)
      .set({ expiresAt: Date.now() - 1 })
      .where(eq(invites.id, invite.id));

    const usersBefore = await allUsers(db);
    const membersBefore = await allMemberships(db);
    const invitesBefore = await allInvites(db);
    const cases: [string, string][] = [
      [used.token, 'already been used'],
      [token, 'has expired'],
      [withdrawn.token, 'was withdrawn'],
    ];
    for (const [t, message] of cases) {
      const page = await as(app, 'anonymous').request(`/invite/${t}`);
      expect(page.status, message).toBe(410);
      const html = await page.text();
      expect(html).toContain(message);
      expect(html).toContain('Ask an owner of Acme Growth for a new link');
      expect(html).not.toContain('Create your account');
      const anonymous = await as(app, 'anonymous').request(`/invite/${t}`, joinForm());
      expect(anonymous.status, message).toBe(410);
      expect(anonymous.headers.get('set-cookie')).toBeNull();
      const signedIn = await as(app, sam).request(`/invite/${t}`, form({}));
      expect(signedIn.status, message).toBe(410);
    }
    expect(await allUsers(db)).toEqual(usersBefore);
    expect(await allMemberships(db)).toEqual(membersBefore);
    expect(await allInvites(db)).toEqual(invitesBefore);
  });

  it('answers an unknown or malformed link with a 404 page', async () => {
    const { app } = await withInvite();
    for (const t of ['A'.repeat(43), 'nope', '%3Cscript%3E']) {
      const res = await as(app, 'anonymous').request(`/invite/${t}`);
      expect(res.status, t).toBe(404);
      expect(await res.text()).toContain('This invite link is not valid');
      expect((await as(app, 'anonymous').request(`/invite/${t}`, joinForm())).status).toBe(404);
    }
  });

  it('opens only its own workspace: the joined person still gets 404 for another one', async () => {
    const { db, app, token } = await withInvite();
    const other = await person(db, { serverOwner: false });
    await makeWorkspace(db, { slug: 'other', name: 'Other Team', ownerId: other.user.id });
    const page = await (await as(app, 'anonymous').request(`/invite/${token}`)).text();
    expect(page).toContain('Acme Growth');
    expect(page).not.toContain('Other Team');
    const res = await as(app, 'anonymous').request(`/invite/${token}`, joinForm());
    const cookie = sessionCookie(res);
    expect((await app.request('/w/acme', { headers: { cookie } })).status).toBe(200);
    for (const path of ['/w/other', '/w/other/members', '/w/other/backlog']) {
      const r = await app.request(path, { headers: { cookie } });
      expect(r.status, path).toBe(404);
      expect(await r.text()).not.toContain('Other Team');
    }
  });
});
