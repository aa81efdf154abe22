import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import type { Db } from '../db/client';
import {
  closeAs,
  DAY_MS,
  makeHypothesis,
  makeInput,
  makeLearning,
  makeMember,
  makeWorkspace,
  measure,
  moveTo,
} from '../db/factories';
import { auditEvents, shareLinks, type Workspace } from '../db/schema';
import { sha256 } from '../src/accounts/sessions';
import { addWeeks, isoWeek, weekBounds } from '../src/batches/weeks';
import { setLearningStatus } from '../src/learnings/learnings';
import { getNorthStar } from '../src/metrics/metrics';
import {
  createShareLink,
  LAST_USED_RESOLUTION_MS,
  resolveShareLink,
  revokeShareLink,
} from '../src/share/links';
import { appFor, as, form, freshDb, person, signIn } from './helpers';

const HOUR = 3_600_000;
const tokenIn = (html: string) => /\/share\/([A-Za-z0-9_-]{43})/.exec(html)?.[1];

/** The weeks around now (UTC, the factories' workspaces' zone) and an instant inside each. */
function weeks() {
  const current = isoWeek(Date.now());
  const last = addWeeks(current, -1);
  const twoAgo = addWeeks(current, -2);
  const inside = (w: string) => weekBounds(w).start + 30 * HOUR; // Tuesday 06:00
  return { current, last, twoAgo, inside };
}

/**
 * Two workspaces on one server: "acme" (its owner, an editor and a viewer; a North Star, an input, results
 * and learnings in known weeks) and "rival" with distinctive titles that must never leak into acme's digest.
 */
async function setup() {
  const db = await freshDb();
  const app = appFor(db);
  const { last, twoAgo, inside } = weeks();
  const longAgo = Date.now() - 60 * DAY_MS;
  const owner = await person(db, { name: 'Olivia Owner', email: 'olivia@example.com' });
  const ws = await makeWorkspace(
    db,
    { slug: 'acme', name: 'Acme Growth', ownerId: owner.user.id, northStar: { name: 'Weekly active teams' } },
    longAgo,
  );
  const editor = await signIn(
    db,
    await makeMember(db, ws, 'editor', { name: 'Eddie Editor', email: 'eddie@example.com' }),
  );
  const viewer = await signIn(
    db,
    await makeMember(db, ws, 'viewer', { name: 'Vera Viewer', email: 'vera@example.com' }),
  );
  const input = await makeInput(db, ws, { name: 'Invite conversion', unit: '%' }, longAgo);

  // Last week: one win (with its learning) and one loss; two weeks ago: one inconclusive.
  const win = await makeHypothesis(
    db,
    ws,
    { title: 'Team templates on signup', owner: 'Dana Internal' },
    longAgo,
  );
  await closeAs(
    db,
    ws,
    win,
    {
      outcome: 'won',
      baseline: 20,
      observed: 23,
      learnings: [{ statement: 'Templates speed up the first board' }],
    },
    inside(last),
  );
  const loss = await makeHypothesis(db, ws, { title: 'Gamified onboarding checklist' }, longAgo);
  await closeAs(db, ws, loss, { outcome: 'lost' }, inside(last) + HOUR);
  const older = await makeHypothesis(db, ws, { title: 'Weekly recap email' }, longAgo);
  await closeAs(db, ws, older, { outcome: 'inconclusive' }, inside(twoAgo));
  // A learning from research recorded last week, and one re-judged last week.
  await makeLearning(db, ws, { statement: 'Admins invite after seeing a teammate active' }, inside(last));
  const judged = await makeLearning(db, ws, { statement: 'Invites convert better on mobile' }, longAgo);
  await setLearningStatus(db, ws, judged.id, 'supported', judged.version, inside(last) + 2 * HOUR);

  // Now: one running, one selected, and ideas stakeholders must not see.
  await moveTo(db, ws, await makeHypothesis(db, ws, { title: 'Slack invite shortcut' }), 'running');
  await moveTo(db, ws, await makeHypothesis(db, ws, { title: 'Invite reminder nudge' }), 'selected');
  await makeHypothesis(db, ws, { title: 'Secret pricing experiment', status: 'draft' });
  await makeHypothesis(db, ws, { title: 'Backlog idea nobody picked' });
  await moveTo(
    db,
    ws,
    await makeHypothesis(db, ws, { title: 'Rejected wild idea', status: 'draft' }),
    'rejected',
  );

  const nsm = await getNorthStar(db, ws);
  if (!nsm) throw new Error('no North Star');
  await measure(db, ws, nsm, { [twoAgo]: 100, [last]: 110 });
  await measure(db, ws, input, { [twoAgo]: 20, [last]: 23 });

  // Another team on the same server.
  const rival = await makeWorkspace(
    db,
    { slug: 'rival', name: 'Rival Squad', northStar: { name: 'Zebra revenue' } },
    longAgo,
  );
  await closeAs(
    db,
    rival,
    await makeHypothesis(db, rival, { title: 'Zebra checkout flow' }, longAgo),
    { outcome: 'won', learnings: [{ statement: 'Zebras love checkout' }] },
    inside(last),
  );
  return { db, app, ws, rival, owner, editor, viewer, input };
}

async function shareToken(db: Db, ws: Workspace, label = 'For the exec team') {
  return (await createShareLink(db, ws.id, { label, createdBy: null })).token;
}

describe('share links (owners)', () => {
  it('creates a link shown once, and keeps only its hash', async () => {
    const { db, app, owner } = await setup();
    const res = await as(app, owner).request('/w/acme/settings/share', form({ label: 'For the exec team' }));
    expect(res.status).toBe(201);
    expect(res.headers.get('cache-control')).toContain('no-store');
    const html = await res.text();
    const token = tokenIn(html);
    expect(token).toBeDefined();
    expect(html).toContain('it will not be shown again');
    expect(html).toContain('data-copy="share-link"');

    const rows = await db.orm.select().from(shareLinks);
    expect(rows).toHaveLength(1);
    expect(JSON.stringify(rows)).not.toContain(token);
    expect(rows[0]?.tokenHash).toBe(sha256(token as string));
    expect(rows[0]?.label).toBe('For the exec team');

    const list = await (await as(app, owner).request('/w/acme/settings/share')).text();
    expect(list).toContain('For the exec team');
    expect(list).toContain('Olivia Owner');
    expect(list).toContain('Never');
    expect(list).not.toContain(token);

    const [event] = await db.orm.select().from(auditEvents).where(eq(auditEvents.entity, 'share_link'));
    expect(event?.action).toBe('create');
    expect(event?.after).toEqual({ label: 'For the exec team' });
  });

  it('refuses a link without a label (422, nothing created)', async () => {
    const { db, app, owner } = await setup();
    const res = await as(app, owner).request('/w/acme/settings/share', form({ label: '   ' }));
    expect(res.status).toBe(422);
    expect(await res.text()).toContain('Who the link is for is required.');
    expect(await db.orm.select().from(shareLinks)).toHaveLength(0);
  });

  it('teaches what stakeholders see when there are no links yet', async () => {
    const { app, owner } = await setup();
    const html = await (await as(app, owner).request('/w/acme/settings/share')).text();
    expect(html).toContain('No share links yet');
    expect(html).toContain('They do not see');
    expect(html).toContain('member names or email addresses');
    expect(html).toContain('href="/w/acme/settings/share/preview"');
  });

  it('lets only owners open, create and revoke (editors and viewers get 403, nothing changes)', async () => {
    const { db, app, ws, editor, viewer } = await setup();
    await shareToken(db, ws);
    const [link] = await db.orm.select().from(shareLinks);
    for (const who of [editor, viewer]) {
      expect((await as(app, who).request('/w/acme/settings/share')).status).toBe(403);
      expect((await as(app, who).request('/w/acme/settings/share/preview')).status).toBe(403);
      expect((await as(app, who).request('/w/acme/settings/share', form({ label: 'Mine' }))).status).toBe(
        403,
      );
      expect((await as(app, who).request(`/w/acme/settings/share/${link?.id}/revoke`, form({}))).status).toBe(
        403,
      );
    }
    const rows = await db.orm.select().from(shareLinks);
    expect(rows).toHaveLength(1);
    expect(rows[0]?.revokedAt).toBeNull();
  });

  it('does not let an owner of another workspace revoke this one’s link (404)', async () => {
    const { db, app, ws, rival } = await setup();
    const other = await person(db, { name: 'Rita Rival' });
    await db.client.execute({
      sql: "insert into memberships (workspace_id, user_id, role, created_at) values (?, ?, 'owner', 0)",
      args: [rival.id, other.user.id],
    });
    await shareToken(db, ws);
    const [link] = await db.orm.select().from(shareLinks);
    const res = await as(app, other).request(`/w/rival/settings/share/${link?.id}/revoke`, form({}));
    expect(res.status).toBe(404);
    expect((await db.orm.select().from(shareLinks))[0]?.revokedAt).toBeNull();
    expect((await as(app, other).request('/w/rival/settings/share/abc/revoke', form({}))).status).toBe(404);
  });
});

describe('the digest behind a share link', () => {
  it('opens without an account and shows this workspace’s tree, results and learnings of last week', async () => {
    const { db, app, ws } = await setup();
    const token = await shareToken(db, ws);
    const res = await as(app, 'anonymous').request(`/share/${token}?week=${weeks().last}`);
    expect(res.status).toBe(200);
    const html = await res.text();
    for (const text of [
      'Acme Growth',
      'Weekly active teams',
      'Invite conversion',
      'Team templates on signup',
      'Gamified onboarding checklist',
      'Templates speed up the first board',
      'Admins invite after seeing a teammate active',
      'Invites convert better on mobile',
      'Was emerging, now',
      '+15%', // lift of 20 → 23
      'Slack invite shortcut',
      'Invite reminder nudge',
    ])
      expect(html).toContain(text);
    // Two weeks ago is another week's digest.
    expect(html).not.toContain('Weekly recap email');
  });

  it('shows nothing of another workspace, of the backlog, or of the team’s members', async () => {
    const { db, app, ws } = await setup();
    const token = await shareToken(db, ws);
    const html = await (await as(app, 'anonymous').request(`/share/${token}?week=${weeks().last}`)).text();
    for (const text of [
      'Rival Squad',
      'Zebra',
      'Secret pricing experiment',
      'Backlog idea nobody picked',
      'Rejected wild idea',
      'Dana Internal',
      'Olivia Owner',
      'Eddie Editor',
      'Vera Viewer',
      '@example.com',
      'ICE',
      '/w/acme',
      '<form',
      'Sign out',
    ])
      expect(html).not.toContain(text);
  });

  it('sends headers that keep the token out of referrers, search engines and caches', async () => {
    const { db, app, ws } = await setup();
    const token = await shareToken(db, ws);
    for (const path of [`/share/${token}`, `/share/${token}/digest.md`, '/share/not-a-token']) {
      const res = await as(app, 'anonymous').request(path);
      expect(res.headers.get('referrer-policy')).toBe('no-referrer');
      expect(res.headers.get('x-robots-tag')).toBe('noindex, nofollow');
      expect(res.headers.get('cache-control')).toBe('private, no-store');
    }
  });

  it('stops working when revoked: the same 404 as an unknown link, naming nothing', async () => {
    const { db, app, ws, owner } = await setup();
    const token = await shareToken(db, ws);
    expect((await as(app, 'anonymous').request(`/share/${token}`)).status).toBe(200);
    const [link] = await db.orm.select().from(shareLinks);
    const revoke = await as(app, owner).request(`/w/acme/settings/share/${link?.id}/revoke`, form({}));
    expect(revoke.status).toBe(303);
    expect(revoke.headers.get('location')).toBe('/w/acme/settings/share?done=revoked');

    const gone = await as(app, 'anonymous').request(`/share/${token}`);
    expect(gone.status).toBe(404);
    const body = await gone.text();
    expect(body).toContain('This link does not work');
    for (const text of ['Acme Growth', 'Weekly active teams', 'Team templates'])
      expect(body).not.toContain(text);
    expect((await as(app, 'anonymous').request(`/share/${token}/digest.md`)).status).toBe(404);

    const unknown = await as(app, 'anonymous').request(`/share/${'A'.repeat(43)}`);
    expect(unknown.status).toBe(404);
    expect(await unknown.text()).toBe(body);
    expect((await as(app, 'anonymous').request('/share/short')).status).toBe(404);

    const list = await (await as(app, owner).request('/w/acme/settings/share?done=revoked')).text();
    expect(list).toContain('Share link revoked');
    expect(list).toContain('Revoked');
    const events = await db.orm.select().from(auditEvents).where(eq(auditEvents.entity, 'share_link'));
    expect(events.map((e) => e.action)).toEqual(['create', 'revoke']);
    expect(events[1]?.before).toMatchObject({ label: 'For the exec team' });
    // Revoking again changes nothing and records nothing.
    await as(app, owner).request(`/w/acme/settings/share/${link?.id}/revoke`, form({}));
    expect(await db.orm.select().from(auditEvents).where(eq(auditEvents.entity, 'share_link'))).toHaveLength(
      2,
    );
  });

  it('defaults to last week while this week has no results or learnings, and says so', async () => {
    const { db, app, ws } = await setup();
    const { current, last } = weeks();
    const token = await shareToken(db, ws);
    const html = await (await as(app, 'anonymous').request(`/share/${token}`)).text();
    expect(html).toContain('Showing last week: nothing has been closed or learned yet this week.');
    expect(html).toContain('Team templates on signup');
    expect(html).toContain(`?week=${current}`);
    expect(html).toContain(`?week=${addWeeks(last, -1)}`);

    // Once something closes this week, this week is the default.
    const h = await makeHypothesis(db, ws, { title: 'Fresh result this week' });
    await closeAs(db, ws, h, { outcome: 'won' });
    const now = await (await as(app, 'anonymous').request(`/share/${token}`)).text();
    expect(now).toContain('this week, so far');
    expect(now).toContain('Fresh result this week');
    expect(now).not.toContain('Team templates on signup');
    expect(now).not.toContain('Next week');
  });

  it('navigates week by week, never past the current week, with readable refusals', async () => {
    const { db, app, ws } = await setup();
    const { current, twoAgo } = weeks();
    const token = await shareToken(db, ws);
    const get = (q: string) => as(app, 'anonymous').request(`/share/${token}?week=${encodeURIComponent(q)}`);

    const older = await get(twoAgo);
    expect(older.status).toBe(200);
    const html = await older.text();
    expect(html).toContain('Weekly recap email');
    expect(html).not.toContain('Team templates on signup');
    expect(html).toContain(`?week=${addWeeks(twoAgo, 1)}`);
    // The tiles as they stood then: the North Star's later value is not shown.
    expect(html).toContain('100');
    expect(html).not.toContain('>110<');

    const bad = await get('last tuesday');
    expect(bad.status).toBe(422);
    expect(await bad.text()).toContain('is not a week');
    const future = await get(addWeeks(current, 1));
    expect(future.status).toBe(404);
    expect(await future.text()).toContain('has not begun yet');
    const ancient = await get('2001-W01');
    expect(ancient.status).toBe(404);
    expect(await ancient.text()).toContain('the digest starts at');
    expect((await get('2026-W99')).status).toBe(422);
  });

  it('offers the digest as Markdown, with user text made inert', async () => {
    const { db, app, ws } = await setup();
    const token = await shareToken(db, ws);
    const res = await as(app, 'anonymous').request(`/share/${token}/digest.md?week=${weeks().last}`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/markdown; charset=utf-8');
    const md = await res.text();
    expect(md).toContain('## Acme Growth: weekly digest');
    expect(md).toContain('Team templates on signup (Invite conversion): **won**, lift **+15%**');
    // A rate moves in percentage points, as on the tiles ("+3 % (+15.0 %)" would read as two relative changes).
    expect(md).toContain(`**Invite conversion**: 23 % in ${weeks().last} (+3 pp (+15.0\u00a0%), better)`);
    expect(md).not.toContain('Zebra');
    expect(md).not.toContain(token);
  });

  it('rounds a lift in the Markdown as the page does', async () => {
    const { db, app, ws } = await setup();
    const h = await makeHypothesis(db, ws, { title: 'Shorter invite form' });
    await closeAs(
      db,
      ws,
      h,
      { outcome: 'inconclusive', baseline: 30, observed: 30.32 },
      weeks().inside(weeks().last) + 3 * HOUR,
    );
    const token = await shareToken(db, ws);
    const page = await (await as(app, 'anonymous').request(`/share/${token}?week=${weeks().last}`)).text();
    const md = await (
      await as(app, 'anonymous').request(`/share/${token}/digest.md?week=${weeks().last}`)
    ).text();
    expect(page).toContain('<td class="num">+1.1%</td>');
    expect(md).toContain('Shorter invite form (Invite conversion): **inconclusive**, lift **+1.1%**');
  });

  it('lets owners preview the digest inside the app', async () => {
    const { db, app, owner } = await setup();
    const res = await as(app, owner).request(`/w/acme/settings/share/preview?week=${weeks().last}`);
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toContain('Preview: this is what a share link shows');
    expect(html).toContain('Team templates on signup');
    expect(await db.orm.select().from(shareLinks)).toHaveLength(0);
  });
});

describe('the digest’s markup', () => {
  it('escapes user text and has nothing a strict CSP would block (no script, style or handler)', async () => {
    const { db, app, ws, owner } = await setup();
    const h = await makeHypothesis(db, ws, { title: '<script>alert(1)</script> [x](https://evil.example)' });
    await closeAs(db, ws, h, { outcome: 'won', learnings: [{ statement: '<img src=x onerror=alert(1)>' }] });
    const token = await shareToken(db, ws);
    const html = await (await as(app, 'anonymous').request(`/share/${token}`)).text();
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(html).toContain('&lt;img src=x onerror=alert(1)&gt;');
    const settings = await (
      await as(app, owner).request('/w/acme/settings/share', form({ label: '<b>CFO</b>' }))
    ).text();
    expect(settings).toContain('&lt;b&gt;CFO&lt;/b&gt;');
    for (const page of [html, settings]) {
      expect(page).not.toMatch(/<script(?![^>]*\bsrc=)/);
      expect(page).not.toMatch(/<style|<[^>]*\s(style|on[a-z]+)=/i);
    }
    expect(html).not.toContain('<script');
    const md = await (await as(app, 'anonymous').request(`/share/${token}/digest.md`)).text();
    expect(md).toContain('\\<script\\>alert(1)\\</script\\> \\[x\\](https://evil.example)');
  });
});

describe('share link bookkeeping', () => {
  it('records when a link was last opened at most once a minute', async () => {
    const { db, ws } = await setup();
    const token = await shareToken(db, ws);
    const t0 = Date.now();
    const lastUsed = async () => (await db.orm.select().from(shareLinks))[0]?.lastUsedAt;
    expect(await resolveShareLink(db, token, t0)).toBeDefined();
    expect(await lastUsed()).toBe(t0);
    await resolveShareLink(db, token, t0 + LAST_USED_RESOLUTION_MS - 1);
    expect(await lastUsed()).toBe(t0);
    await resolveShareLink(db, token, t0 + LAST_USED_RESOLUTION_MS);
    expect(await lastUsed()).toBe(t0 + LAST_USED_RESOLUTION_MS);
    expect(await resolveShareLink(db, `${token.slice(0, 42)}x`)).toBeUndefined();
  });

  it('shows owners when each link was created, last opened and revoked, to the minute, in the workspace’s zone', async () => {
    const { db, app, ws, owner } = await setup();
    const { link, token } = await createShareLink(
      db,
      ws.id,
      { label: 'For the board', createdBy: owner.user.id },
      Date.parse('2026-11-19T23:30:00Z'),
    );
    await db.client.execute({
      sql: "update workspaces set time_zone = 'Europe/Paris' where id = ?",
      args: [ws.id],
    });
    await resolveShareLink(db, token, Date.parse('2026-11-20T07:05:00Z'));
    let html = await (await as(app, owner).request('/w/acme/settings/share')).text();
    // Created 23:30 UTC is already the next day in Paris.
    expect(html).toContain('2026-11-20 00:30 GMT+1<span class="muted"> by Olivia Owner</span>');
    expect(html).toContain('<td>2026-11-20 08:05 GMT+1</td>');
    await revokeShareLink(db, ws.id, link.id, Date.parse('2026-11-21T09:00:00Z'));
    html = await (await as(app, owner).request('/w/acme/settings/share')).text();
    expect(html).toContain('on 2026-11-21 10:00 GMT+1');
  });
});
