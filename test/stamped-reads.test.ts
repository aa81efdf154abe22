import { createRequire } from 'node:module';
import { eq } from 'drizzle-orm';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Db } from '../db/client';
import { makeHypothesis, makeInput, makeMember, makeWorkspace } from '../db/factories';
import { sessions } from '../db/schema';
import { removeMember, setMemberRole } from '../src/accounts/members';
import {
  countSessions,
  createSession,
  endSession,
  resolveSession,
  SESSION_IDLE_MS,
  SESSION_MAX_MS,
  sha256,
} from '../src/accounts/sessions';
import { updateHypothesis } from '../src/hypotheses/hypotheses';
import { appFor, as, form, freshDb, htmx, signIn, withOtherDb } from './helpers';

// What every page reads before it renders (the session, the member's workspace, the workspace's newest audit
// id) is kept while the database's commit stamp stands (src/cache/stamped.ts). These tests go through the
// real app on a file database and prove both halves: a request that finds nothing committed runs no SQL at
// all, and anything committed since — by this process, another connection or another Db object — is seen
// by the very next request.

// Every statement of every connection passes through libsql's Database#prepare (or #exec): counting there
// sees what drizzle's prepared queries, the client's execute, batch and transactions send alike.
const Libsql = createRequire(import.meta.url)('libsql') as {
  prototype: { prepare(sql: string): unknown; exec(sql: string): unknown };
};

afterEach(() => {
  vi.restoreAllMocks();
});

/** Counts the SQL sent from now on, at the client and at the libsql connection. */
function countStatements(db: Db) {
  const prepare = vi.spyOn(Libsql.prototype, 'prepare');
  const exec = vi.spyOn(Libsql.prototype, 'exec');
  const client = [
    vi.spyOn(db.client, 'execute'),
    vi.spyOn(db.client, 'batch'),
    vi.spyOn(db.client, 'transaction'),
    vi.spyOn(db.client, 'executeMultiple'),
  ];
  return {
    /** The statements seen since the last reset, as libsql saw them. */
    sql: () => [...prepare.mock.calls, ...exec.mock.calls].map(([sql]) => sql),
    clientCalls: () => client.reduce((n, spy) => n + spy.mock.calls.length, 0),
    reset() {
      for (const spy of [prepare, exec, ...client]) spy.mockClear();
    },
  };
}

async function setUp() {
  const db = await freshDb();
  const app = appFor(db);
  const ws = await makeWorkspace(db, { name: 'Growth' });
  const metric = await makeInput(db, ws, { name: 'Activation rate' });
  const owner = await makeMember(db, ws, 'owner', { name: 'Olive Owner', email: 'olive@example.com' });
  const editor = await makeMember(db, ws, 'editor', { name: 'Eddie Editor', email: 'eddie@example.com' });
  const h = await makeHypothesis(db, ws, { metricId: metric.id, title: 'Onboarding checklist' });
  const [oc, ec] = [await signIn(db, owner), await signIn(db, editor)];
  const path = `/w/${ws.slug}/backlog`;
  return { db, app, ws, h, owner, editor, path, ownerCreds: oc, asOwner: as(app, oc), asEditor: as(app, ec) };
}

const sessionIdOf = (cookie: string) => cookie.slice(cookie.indexOf('=') + 1);

describe('a request that finds nothing committed', () => {
  it('serves the kept backlog page without a single SQL statement', async () => {
    const { db, asOwner, path } = await setUp();
    const count = countStatements(db);
    const first = await asOwner.request(path);
    expect(first.status).toBe(200);
    const body = await first.text();
    expect(body).toContain('Onboarding checklist');
    // The counter must see the first request's reads, or the zero below would prove nothing.
    expect(count.sql().some((sql) => /\bsessions\b/.test(sql))).toBe(true);
    expect(count.sql().some((sql) => /\bmemberships\b/.test(sql))).toBe(true);
    expect(count.sql().some((sql) => /\baudit_events\b/.test(sql))).toBe(true);
    expect(count.clientCalls()).toBeGreaterThan(0);
    count.reset();
    const second = await asOwner.request(path);
    expect(second.status).toBe(200);
    expect(await second.text()).toBe(body);
    expect(count.sql()).toEqual([]);
    expect(count.clientCalls()).toBe(0);
    // The htmx fragment of the same page, once rendered, is served the same way.
    expect((await asOwner.request(path, { headers: htmx })).status).toBe(200);
    count.reset();
    const fragment = await asOwner.request(path, { headers: htmx });
    expect(fragment.status).toBe(200);
    expect(await fragment.text()).not.toContain('<html');
    expect(count.sql()).toEqual([]);
  });

  it('reads again after any commit, even one the page does not show', async () => {
    const { db, asOwner, editor, path } = await setUp();
    const count = countStatements(db);
    await asOwner.request(path);
    // A commit that touches nothing the page shows (another member's session) still moves the stamp. It must
    // change bytes: SQLite writes no page for an UPDATE that stores the values a row already has.
    await db.client.execute({
      sql: 'update sessions set last_seen_at = last_seen_at + 1 where user_id = ?',
      args: [editor.id],
    });
    count.reset();
    expect((await asOwner.request(path)).status).toBe(200);
    expect(count.sql().some((sql) => /\bsessions\b/.test(sql))).toBe(true);
    // And keeps again from then on.
    count.reset();
    expect((await asOwner.request(path)).status).toBe(200);
    expect(count.sql()).toEqual([]);
  });
});

describe("this process's own rescorings", () => {
  it('keep sessions and memberships across a rescoring, but not across any other commit', async () => {
    const { db, asOwner, asEditor, path, ws, h } = await setUp();
    const count = countStatements(db);
    await asOwner.request(path);
    await asEditor.request(path);
    const rescore = (impact: number) =>
      asEditor.request(
        `/w/${ws.slug}/hypotheses/${h.id}/score`,
        form({ impact, confidence: 5, ease: 5, back: 'status=backlog' }, htmx),
      );
    let shown = await (await asOwner.request(path)).text();
    for (const impact of [8, 3]) {
      expect((await rescore(impact)).status).toBe(200);
      count.reset();
      // The owner's next page: a new version, rendered with the new scores, but with the same session and
      // membership as before (the statements counted must include the page's own reads, or this proves
      // nothing: the rescoring's answer read the re-ranked rows, this page renders from them).
      const page = await (await asOwner.request(path)).text();
      expect(page).not.toBe(shown);
      shown = page;
      expect(count.sql().some((sql) => /\bsessions\b/.test(sql))).toBe(false);
      expect(count.sql().some((sql) => /\bmemberships\b/.test(sql))).toBe(false);
    }
    // Another connection's rescoring is nobody's to vouch for: everything is read again.
    await withOtherDb(db, (other) =>
      other.client.execute({
        sql: 'update member_scores set impact = 9 where hypothesis_id = ?',
        args: [h.id],
      }),
    );
    count.reset();
    await asOwner.request(path);
    expect(count.sql().some((sql) => /\bsessions\b/.test(sql))).toBe(true);
    expect(count.sql().some((sql) => /\bmemberships\b/.test(sql))).toBe(true);
    // So is a commit of this process that is not a rescoring: the editor is made a viewer, and sees it.
    await rescore(6);
    await setMemberRole(db, ws.id, (await asEditorUser(db)).id, 'viewer');
    const afterRole = await (await asEditor.request(path)).text();
    expect(afterRole).not.toContain('Your scores of');
  });
});

/** The editor of setUp (by email), for a role change. */
async function asEditorUser(db: Db) {
  const rs = await db.client.execute("select id from users where email = 'eddie@example.com'");
  return { id: Number(rs.rows[0]?.[0]) };
}

describe('kept rows are per person', () => {
  it('gives each member their own session and membership while nothing is committed', async () => {
    const { db, app, ws, asOwner, asEditor, path } = await setUp();
    const viewer = await makeMember(db, ws, 'viewer', { name: 'Vic Viewer', email: 'vic@example.com' });
    const asViewer = as(app, await signIn(db, viewer));
    // Each asks twice, interleaved, with no commit in between: the second round is all kept rows.
    for (let round = 0; round < 2; round++) {
      const owner = await (await asOwner.request(path)).text();
      const editor = await (await asEditor.request(path)).text();
      const viewerPage = await (await asViewer.request(path)).text();
      expect(owner).toContain('Olive Owner');
      expect(owner).not.toContain('Eddie Editor');
      expect(editor).toContain('Eddie Editor');
      expect(editor).toContain('Your scores of');
      expect(viewerPage).toContain('Vic Viewer');
      expect(viewerPage).not.toContain('Your scores of');
    }
  });
});

describe('what another Db object commits is seen by the next request', () => {
  it('a session ended elsewhere signs the browser out', async () => {
    const { db, asOwner, ownerCreds, path } = await setUp();
    expect((await asOwner.request(path)).status).toBe(200);
    expect((await asOwner.request(path)).status).toBe(200); // kept now
    await withOtherDb(db, (other) => endSession(other, sessionIdOf(ownerCreds.cookie)));
    const page = await asOwner.request(path);
    expect(page.status).toBe(303);
    expect(page.headers.get('location')).toBe(`/login?next=${encodeURIComponent(path)}`);
    const fragment = await asOwner.request(path, { headers: htmx });
    expect(fragment.status).toBe(401);
    expect(fragment.headers.get('hx-redirect')).toMatch(/^\/login/);
  });

  it('the same through raw SQL on another Db (no write queue, no announcement)', async () => {
    const { db, asOwner, ownerCreds, path } = await setUp();
    expect((await asOwner.request(path)).status).toBe(200);
    await withOtherDb(db, (other) =>
      other.client.execute({
        sql: 'delete from sessions where id_hash = ?',
        args: [sha256(sessionIdOf(ownerCreds.cookie))],
      }),
    );
    expect((await asOwner.request(path)).status).toBe(303);
  });

  it('a member made viewer loses the score inputs and the right to score', async () => {
    const { db, ws, h, editor, asEditor, path } = await setUp();
    const before = await asEditor.request(path);
    expect(await before.text()).toContain('Your scores of Onboarding checklist');
    await withOtherDb(db, (other) => setMemberRole(other, ws.id, editor.id, 'viewer'));
    const page = await asEditor.request(path);
    expect(page.status).toBe(200);
    const text = await page.text();
    expect(text).toContain('Onboarding checklist');
    expect(text).not.toContain('Your scores of');
    const score = await asEditor.request(
      `/w/${ws.slug}/hypotheses/${h.id}/score`,
      form({ impact: 9, confidence: 9, ease: 9, back: 'status=backlog' }, htmx),
    );
    expect(score.status).toBe(403);
  });

  it('a member removed elsewhere finds the workspace gone (404)', async () => {
    const { db, ws, editor, asEditor, path } = await setUp();
    expect((await asEditor.request(path)).status).toBe(200);
    expect((await asEditor.request(path)).status).toBe(200);
    await withOtherDb(db, (other) => removeMember(other, ws.id, editor.id));
    expect((await asEditor.request(path)).status).toBe(404);
    expect((await asEditor.request(`/w/${ws.slug}`)).status).toBe(404);
  });

  it('a hypothesis renamed elsewhere shows its new title on the kept backlog page', async () => {
    const { db, ws, h, asOwner, path } = await setUp();
    const first = await asOwner.request(path);
    const etag = first.headers.get('etag') ?? '';
    expect(await first.text()).toContain('Onboarding checklist');
    expect((await asOwner.request(path, { headers: { 'if-none-match': etag } })).status).toBe(304);
    // A domain write with its audit record, from a Db this process's data versions never heard of.
    await withOtherDb(db, (other) =>
      updateHypothesis(other, ws, h.id, { title: 'Guided setup', version: h.version }),
    );
    const after = await asOwner.request(path, { headers: { 'if-none-match': etag } });
    expect(after.status).toBe(200);
    const text = await after.text();
    expect(text).toContain('Guided setup');
    expect(text).not.toContain('Onboarding checklist');
  });
});

describe('session expiry on a kept row', () => {
  it('a session idle beyond the limit ends, through the app', async () => {
    const { db, asOwner, ownerCreds, owner, path } = await setUp();
    expect((await asOwner.request(path)).status).toBe(200);
    const idHash = sha256(sessionIdOf(ownerCreds.cookie));
    // Moved back through SQL on this same Db: a commit, so the stamp moves and the row is read again.
    await db.client.execute({
      sql: 'update sessions set last_seen_at = ? where id_hash = ?',
      args: [Date.now() - SESSION_IDLE_MS - 60_000, idHash],
    });
    const page = await asOwner.request(path);
    expect(page.status).toBe(303);
    expect(page.headers.get('location')).toMatch(/^\/login/);
    expect(await db.orm.select().from(sessions).where(eq(sessions.idHash, idHash))).toEqual([]);
    expect(await countSessions(db, owner.id)).toBe(0);
  });

  it('resolveSession checks the idle limit even when the row is kept', async () => {
    const db = await freshDb();
    const ws = await makeWorkspace(db);
    const user = await makeMember(db, ws, 'owner');
    const now = Date.now();
    const sid = await createSession(db, user.id, now);
    expect((await resolveSession(db, sid, now))?.id).toBe(user.id);
    const stamp = db.stamp();
    expect(stamp).toBeDefined();
    // Kept: asking again at the same moment runs no SQL and commits nothing.
    const count = countStatements(db);
    expect((await resolveSession(db, sid, now))?.id).toBe(user.id);
    expect(count.sql()).toEqual([]);
    expect(db.stamp()).toBe(stamp);
    // Past the idle limit with the stamp unchanged: the kept row must still be checked against the clock.
    expect(await resolveSession(db, sid, now + SESSION_IDLE_MS + 1)).toBeUndefined();
    expect(await countSessions(db, user.id)).toBe(0);
    expect(await resolveSession(db, sid, now)).toBeUndefined();
  });

  it('resolveSession checks the absolute limit even when the row is kept', async () => {
    const db = await freshDb();
    const ws = await makeWorkspace(db);
    const user = await makeMember(db, ws, 'owner');
    const t0 = Date.now();
    const sid = await createSession(db, user.id, t0);
    // Active all along: a request every six days keeps it from idling out, each one touching last_seen_at.
    let t = t0;
    while (t + 6 * 24 * 60 * 60 * 1000 < t0 + SESSION_MAX_MS) {
      t += 6 * 24 * 60 * 60 * 1000;
      expect((await resolveSession(db, sid, t))?.id).toBe(user.id);
    }
    const last = t0 + SESSION_MAX_MS - 1000;
    expect((await resolveSession(db, sid, last))?.id).toBe(user.id);
    // Now kept (the touch above committed, this call reads the row and keeps it) and recently seen.
    expect((await resolveSession(db, sid, last))?.id).toBe(user.id);
    const stamp = db.stamp();
    const count = countStatements(db);
    expect((await resolveSession(db, sid, last + 500))?.id).toBe(user.id);
    expect(count.sql()).toEqual([]);
    expect(db.stamp()).toBe(stamp);
    // Thirty days after sign-in, however recently seen: over, kept row or not.
    expect(await resolveSession(db, sid, t0 + SESSION_MAX_MS + 1)).toBeUndefined();
    expect(await countSessions(db, user.id)).toBe(0);
  });
});
