import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { closeAs, makeHypothesis, makeInput, makeMember, makeWorkspace, scoreAs } from '../db/factories';
import { hypotheses, metrics, users, workspaces } from '../db/schema';
import { setMemberRole } from '../src/accounts/members';
import { etagMatches } from '../src/cache/conditional';
import { workspaceDataVersion } from '../src/cache/data-version';
import { createPageCache } from '../src/cache/page-cache';
import { memoByStructure } from '../src/cache/workspace-memo';
import { appFor, as, form, freshDb, htmx, signIn, withOtherDb } from './helpers';

// The backlog page is kept by the workspace's data version (src/cache): these tests prove a kept page is
// never served once anything it shows has changed, whoever or whatever changed it, and never to someone
// it was not rendered for.

async function setUp() {
  const db = await freshDb();
  const pages = createPageCache();
  const app = appFor(db, { pages });
  const ws = await makeWorkspace(db, { name: 'Growth' });
  const metric = await makeInput(db, ws, { name: 'Activation rate' });
  const owner = await makeMember(db, ws, 'owner', { name: 'Olive Owner', email: 'olive@example.com' });
  const viewer = await makeMember(db, ws, 'viewer', { name: 'Vic Viewer', email: 'vic@example.com' });
  const h = await makeHypothesis(db, ws, { metricId: metric.id, title: 'Onboarding checklist' });
  const [oc, vc] = [await signIn(db, owner), await signIn(db, viewer)];
  const path = `/w/${ws.slug}/backlog`;
  return { db, pages, app, ws, metric, owner, viewer, h, path, asOwner: as(app, oc), asViewer: as(app, vc) };
}

describe('kept backlog pages', () => {
  it('serves the same bytes from memory until the data changes, with an ETag and no-cache', async () => {
    const { pages, asOwner, path } = await setUp();
    const first = await asOwner.request(path);
    expect(first.status).toBe(200);
    const body = await first.text();
    expect(first.headers.get('etag')).toMatch(/^"[\w-]{27}"$/);
    expect(first.headers.get('cache-control')).toBe('private, no-cache');
    expect(first.headers.get('vary')).toContain('HX-Request');
    const second = await asOwner.request(path);
    expect(await second.text()).toBe(body);
    expect(second.headers.get('etag')).toBe(first.headers.get('etag'));
    expect(pages.stats()).toMatchObject({ hits: 1, misses: 1, entries: 1 });
  });

  it('answers 304 without a body when the browser has these bytes, 200 when it has others', async () => {
    const { asOwner, path } = await setUp();
    const etag = (await asOwner.request(path)).headers.get('etag') ?? '';
    const same = await asOwner.request(path, { headers: { 'if-none-match': etag } });
    expect(same.status).toBe(304);
    expect(await same.text()).toBe('');
    expect(same.headers.get('etag')).toBe(etag);
    const weak = await asOwner.request(path, { headers: { 'if-none-match': `"nope", W/${etag}` } });
    expect(weak.status).toBe(304);
    const other = await asOwner.request(path, { headers: { 'if-none-match': '"something-else"' } });
    expect(other.status).toBe(200);
    expect(await other.text()).toContain('Onboarding checklist');
  });

  it('shows a rescoring at once, to the member who saved and to everyone else', async () => {
    const { asOwner, asViewer, path, ws, h } = await setUp();
    const before = await asViewer.request(path);
    const etag = before.headers.get('etag') ?? '';
    expect(await before.text()).toContain('no member has scored it yet');
    const saved = await asOwner.request(
      `/w/${ws.slug}/hypotheses/${h.id}/score`,
      form({ impact: 9, confidence: 9, ease: 9, back: 'status=backlog' }, htmx),
    );
    expect(saved.status).toBe(200);
    const after = await asViewer.request(path, { headers: { 'if-none-match': etag } });
    expect(after.status).toBe(200);
    const text = await after.text();
    expect(text).toContain('1 scorer');
    expect(text).not.toContain('no member has scored it yet');
    expect(after.headers.get('etag')).not.toBe(etag);
    expect(await (await asOwner.request(path)).text()).toContain('1 scorer');
  });

  it('sees a change written by another process (another connection to the same file)', async () => {
    const { db, asOwner, path, ws, h, owner } = await setUp();
    expect(await (await asOwner.request(path)).text()).toContain('no member has scored it yet');
    // The CLI or a second server: its own client, its own write queue, nothing announced to this process.
    await withOtherDb(db, (other) => scoreAs(other, ws, h, owner, { impact: 3, confidence: 3, ease: 3 }));
    expect(await (await asOwner.request(path)).text()).toContain('1 scorer');
  });

  it('never hands one member the page rendered for another', async () => {
    const { asOwner, asViewer, path } = await setUp();
    const ownerPage = await (await asOwner.request(path)).text();
    expect(ownerPage).toContain('Your scores of Onboarding checklist');
    expect(ownerPage).toContain('Olive Owner');
    const viewerPage = await (await asViewer.request(path)).text();
    expect(viewerPage).not.toContain('Your scores of');
    expect(viewerPage).toContain('Vic Viewer');
    expect(viewerPage).not.toContain('Olive Owner');
  });

  it('follows a change of role, of name and of the workspace, none of which is backlog data', async () => {
    const { db, asViewer, path, ws, viewer } = await setUp();
    expect(await (await asViewer.request(path)).text()).not.toContain('Your scores of');
    await setMemberRole(db, ws.id, viewer.id, 'editor');
    expect(await (await asViewer.request(path)).text()).toContain('Your scores of');
    await db.write((tx) => tx.update(users).set({ name: 'Victoria Viewer' }).where(eq(users.id, viewer.id)));
    expect(await (await asViewer.request(path)).text()).toContain('Victoria Viewer');
    await db.write((tx) =>
      tx.update(workspaces).set({ name: 'Growth EMEA' }).where(eq(workspaces.id, ws.id)),
    );
    expect(await (await asViewer.request(path)).text()).toContain('Growth EMEA');
  });

  it('counts a write that announces nothing against every workspace (db.unscopedCommits)', async () => {
    const { db, asOwner, path, h } = await setUp();
    expect(await (await asOwner.request(path)).text()).toContain('Onboarding checklist');
    // No audit record, no announcement: only the count of such commits can tell the page is stale.
    await db.write((tx) =>
      tx.update(hypotheses).set({ title: 'Welcome tour' }).where(eq(hypotheses.id, h.id)),
    );
    expect(await (await asOwner.request(path)).text()).toContain('Welcome tour');
  });

  it('drops the page a rescoring made stale once its new version is kept (memory follows the views in use)', async () => {
    const { pages, asOwner, asViewer, path, ws, h } = await setUp();
    await asOwner.request(path);
    await asViewer.request(path);
    await asViewer.request(path, { headers: htmx });
    expect(pages.stats().entries).toBe(3);
    for (const impact of [3, 6, 9]) {
      await asOwner.request(
        `/w/${ws.slug}/hypotheses/${h.id}/score`,
        form({ impact, confidence: 5, ease: 5, back: 'status=backlog' }, htmx),
      );
      await asOwner.request(path);
      await asViewer.request(path);
      await asViewer.request(path, { headers: htmx });
      expect(pages.stats().entries).toBe(3);
    }
  });

  it('does not count a write that changed nothing: saving the same scores again keeps every page', async () => {
    const { db, pages, asOwner, path, ws, h } = await setUp();
    const rescore = () =>
      asOwner.request(
        `/w/${ws.slug}/hypotheses/${h.id}/score`,
        form({ impact: 7, confidence: 6, ease: 5, back: 'status=backlog' }, htmx),
      );
    expect(await (await rescore()).text()).toContain('from 1 scorer');
    await asOwner.request(path);
    const unscoped = db.unscopedCommits();
    const hits = pages.stats().hits;
    // The same scores again: the transaction writes nothing, so nothing the page shows can have changed.
    const again = await rescore();
    expect(again.status).toBe(200);
    // The save wrote nothing, so it cannot count the scorers: the list says how many there are.
    expect(await again.text()).toContain('Saved your scores: team ICE');
    expect(db.unscopedCommits()).toBe(unscoped);
    await asOwner.request(path);
    expect(pages.stats().hits).toBe(hits + 1);
    // A write that changes a row and announces nothing still counts.
    await db.write((tx) => tx.update(hypotheses).set({ owner: 'Sam' }).where(eq(hypotheses.id, h.id)));
    expect(db.unscopedCommits()).toBe(unscoped + 1);
  });

  it('keeps how many match the filters across rescorings, and counts again when hypotheses come or go', async () => {
    const { db, asOwner, ws, metric, h } = await setUp();
    for (let i = 0; i < 3; i++) await makeHypothesis(db, ws, { metricId: metric.id, title: `Idea ${i}` });
    // Two a page, so the list is full and the total is counted rather than seen.
    const path = `/w/${ws.slug}/backlog?limit=2`;
    expect(await (await asOwner.request(path)).text()).toContain('Showing 1–2 of 4');
    await asOwner.request(
      `/w/${ws.slug}/hypotheses/${h.id}/score`,
      form({ impact: 9, confidence: 9, ease: 9, back: 'status=backlog&limit=2' }, htmx),
    );
    expect(await (await asOwner.request(path)).text()).toContain('Showing 1–2 of 4');
    await makeHypothesis(db, ws, { metricId: metric.id, title: 'Idea 4' });
    expect(await (await asOwner.request(path)).text()).toContain('Showing 1–2 of 5');
    // Another process's new hypothesis (here another connection) is a structural change too.
    await withOtherDb(db, (other) => makeHypothesis(other, ws, { metricId: metric.id, title: 'Idea 5' }));
    expect(await (await asOwner.request(path)).text()).toContain('Showing 1–2 of 6');
  });

  it("sees another process's new hypothesis even when this process's rescoring commits before anyone looks", async () => {
    const { db, asOwner, ws, metric, h, owner } = await setUp();
    await makeHypothesis(db, ws, { metricId: metric.id, title: 'Second' });
    await makeHypothesis(db, ws, { metricId: metric.id, title: 'Third' });
    const path = `/w/${ws.slug}/backlog?limit=2`;
    expect(await (await asOwner.request(path)).text()).toContain('Showing 1–2 of 3');
    await withOtherDb(db, (other) =>
      makeHypothesis(other, ws, { metricId: metric.id, title: 'From the CLI' }),
    );
    // This process's own rescoring commits next: its audit id is newer than the other process's, so the
    // newest audit id alone would hide that write; the commit stamps around the rescoring do not.
    await scoreAs(db, ws, h, owner, { impact: 9, confidence: 9, ease: 9 });
    expect(await (await asOwner.request(path)).text()).toContain('Showing 1–2 of 4');
  });

  it('keeps the htmx fragment and the full page apart at the same address', async () => {
    const { asOwner, path } = await setUp();
    const page = await (await asOwner.request(path)).text();
    const fragment = await asOwner.request(path, { headers: htmx });
    const fragmentText = await fragment.text();
    expect(page).toMatch(/^<!DOCTYPE html>/);
    expect(fragmentText).not.toContain('<html');
    expect(fragmentText).toContain('id="backlog-results"');
    expect(await (await asOwner.request(path)).text()).toBe(page);
    // A boosted request or a history restore wants the whole page, like a plain navigation.
    const boosted = await asOwner.request(path, { headers: { ...htmx, 'HX-Boosted': 'true' } });
    expect(await boosted.text()).toBe(page);
  });

  it('does not re-render one workspace for a change in another', async () => {
    const { db, pages, asOwner, path, owner } = await setUp();
    await asOwner.request(path);
    const elsewhere = await makeWorkspace(db, { name: 'Other team', ownerId: owner.id });
    const m = await makeInput(db, elsewhere, { name: 'Retention' });
    await makeHypothesis(db, elsewhere, { metricId: m.id, title: 'Elsewhere' });
    const { misses } = pages.stats();
    await asOwner.request(path);
    expect(pages.stats().misses).toBe(misses);
  });

  it('renders each address once for requests that arrive together', async () => {
    const { pages, asOwner, path } = await setUp();
    const bodies = await Promise.all(
      Array.from({ length: 8 }, async () => (await asOwner.request(path)).text()),
    );
    expect(new Set(bodies).size).toBe(1);
    expect(pages.stats().misses).toBe(1);
  });

  it('still answers 304 with the cache turned off (LODESTAR_PAGE_CACHE_MB=0)', async () => {
    const db = await freshDb();
    const app = appFor(db, { pageCacheBytes: 0 });
    const ws = await makeWorkspace(db);
    const owner = await makeMember(db, ws, 'owner');
    const me = as(app, await signIn(db, owner));
    const path = `/w/${ws.slug}/backlog`;
    const etag = (await me.request(path)).headers.get('etag') ?? '';
    expect(etag).not.toBe('');
    expect((await me.request(path, { headers: { 'if-none-match': etag } })).status).toBe(304);
  });
});

describe('conditional GET on other pages', () => {
  it('gives every HTML page an ETag from its bytes and answers 304 when they match', async () => {
    const { asOwner, ws } = await setUp();
    const tree = await asOwner.request(`/w/${ws.slug}`);
    expect(tree.status).toBe(200);
    const etag = tree.headers.get('etag') ?? '';
    expect(etag).not.toBe('');
    expect(tree.headers.get('cache-control')).toBe('private, no-cache');
    const again = await asOwner.request(`/w/${ws.slug}`, { headers: { 'if-none-match': etag } });
    expect(again.status).toBe(304);
    expect(again.headers.get('content-type')).toBeNull();
  });

  it('leaves pages that say how they may be kept alone, and answers errors in full', async () => {
    const { asOwner, ws } = await setUp();
    const missing = await asOwner.request(`/w/${ws.slug}/hypotheses/999999`);
    expect(missing.status).toBe(404);
    expect(missing.headers.get('etag')).toBeNull();
    const account = await asOwner.request('/account');
    expect(account.status).toBe(200);
    const cc = account.headers.get('cache-control');
    if (cc === 'no-store') expect(account.headers.get('etag')).toBeNull();
  });
});

describe('data version', () => {
  it('moves with every change of the workspace and only then', async () => {
    const { db, ws, metric } = await setUp();
    const v1 = await workspaceDataVersion(db, ws.id);
    expect(await workspaceDataVersion(db, ws.id)).toBe(v1);
    await makeHypothesis(db, ws, { metricId: metric.id, title: 'Another' });
    const v2 = await workspaceDataVersion(db, ws.id);
    expect(v2).not.toBe(v1);
    expect(await workspaceDataVersion(db, ws.id)).toBe(v2);
  });
});

describe('what a rescoring cannot change (memoByStructure)', () => {
  async function counted() {
    const base = await setUp();
    let computed = 0;
    const value = () =>
      memoByStructure(base.db, base.ws.id, 'test', async () => {
        computed++;
        return computed;
      });
    return { ...base, value, computed: () => computed };
  }

  it('is computed once while members only rescore', async () => {
    const { db, ws, h, owner, viewer, value, computed } = await counted();
    await value();
    await scoreAs(db, ws, h, owner, { impact: 9, confidence: 9, ease: 9 });
    await scoreAs(db, ws, h, viewer, { impact: 2, confidence: 2, ease: 2 });
    expect(await value()).toBe(1);
    expect(computed()).toBe(1);
  });

  it('is computed again after any other change, here or from another process', async () => {
    const { db, ws, h, metric, owner, value, computed } = await counted();
    const open = await makeHypothesis(db, ws, { metricId: metric.id, title: 'Still open' });
    await value();
    await makeHypothesis(db, ws, { metricId: metric.id, title: 'Tagged', tags: ['pricing'] });
    await value();
    expect(computed()).toBe(2);
    await closeAs(db, ws, h, { outcome: 'won' });
    await value();
    expect(computed()).toBe(3);
    // Even a rescoring counts when it comes from elsewhere: this process cannot tell what it was.
    await withOtherDb(db, (other) => scoreAs(other, ws, open, owner, { impact: 1, confidence: 1, ease: 1 }));
    await value();
    expect(computed()).toBe(4);
  });

  it('keeps the backlog right: a new tag, a renamed metric and a closed experiment show at once', async () => {
    const { db, asOwner, path, ws, metric, h } = await setUp();
    const first = await (await asOwner.request(path)).text();
    expect(first).not.toContain('value="pricing"');
    await makeHypothesis(db, ws, { metricId: metric.id, title: 'Annual plan nudge', tags: ['pricing'] });
    expect(await (await asOwner.request(path)).text()).toContain('value="pricing"');
    await db.write((tx) =>
      tx.update(metrics).set({ name: 'Activation (7-day)' }).where(eq(metrics.id, metric.id)),
    );
    expect(await (await asOwner.request(path)).text()).toContain('Activation (7-day)');
    await closeAs(db, ws, h, { outcome: 'won', actualDays: 2, return: 8 });
    const after = await (await asOwner.request(path)).text();
    expect(after).toContain('Mean ROTI of the 1 closed experiment on Activation (7-day)');
  });
});

describe('page cache', () => {
  const render =
    (body: string, status = 200) =>
    async () => ({ status, body });

  it('drops the least recently used pages past its size', async () => {
    const cache = createPageCache(1000);
    const body = (c: string) => c.repeat(240); // 2 × 1 (the key) + 240 (UTF-8) = 242 bytes kept each
    for (const key of ['a', 'b', 'c', 'd']) await cache.through(key, render(body(key)));
    cache.get('a');
    await cache.through('e', render(body('e')));
    expect(cache.get('b')).toBeUndefined();
    for (const key of ['a', 'c', 'd', 'e']) expect(cache.get(key)?.body.toString()).toBe(body(key));
    expect(cache.stats()).toMatchObject({ entries: 4, bytes: 968 });
  });

  it('keeps one page per slot: a newer version of the same view replaces the older one', async () => {
    const cache = createPageCache(1000);
    await cache.through('v1 alice', render('one'), 'alice');
    await cache.through('v1 bob', render('bob'), 'bob');
    await cache.through('v2 alice', render('two'), 'alice');
    expect(cache.get('v1 alice')).toBeUndefined();
    expect(cache.get('v2 alice')?.body.toString()).toBe('two');
    expect(cache.get('v1 bob')?.body.toString()).toBe('bob');
    // Pages without a slot are left alone by slotted ones, and the same key kept again is just replaced.
    await cache.through('plain', render('plain'));
    await cache.through('v3 alice', render('three'), 'alice');
    expect(cache.get('plain')?.body.toString()).toBe('plain');
    expect(cache.stats()).toMatchObject({ entries: 3 });
  });

  it('keeps only 200s, and nothing bigger than a quarter of itself', async () => {
    const cache = createPageCache(1000);
    await cache.through('missing', render('not here', 404));
    await cache.through('huge', render('h'.repeat(260)));
    expect(cache.stats().entries).toBe(0);
  });

  it('renders once for concurrent callers and shares a failure', async () => {
    const cache = createPageCache();
    let renders = 0;
    const slow = async () => {
      renders++;
      await new Promise((r) => setTimeout(r, 10));
      return { status: 200, body: 'page' };
    };
    const pages = await Promise.all([cache.through('k', slow), cache.through('k', slow)]);
    expect(renders).toBe(1);
    expect(pages[0]).toBe(pages[1]);
    const failing = async () => {
      throw new Error('database gone');
    };
    await expect(Promise.all([cache.through('f', failing), cache.through('f', failing)])).rejects.toThrow(
      'database gone',
    );
    // A failed render is not remembered: the next caller tries again.
    expect((await cache.through('f', render('fine'))).body.toString()).toBe('fine');
  });
});

describe('etagMatches', () => {
  it.each([
    ['"a"', '"a"', true],
    ['W/"a"', '"a"', true],
    ['"b", "a"', '"a"', true],
    ['*', '"a"', true],
    ['"b"', '"a"', false],
    ['', '"a"', false],
  ])('If-None-Match %s against %s → %s', (header, etag, expected) => {
    expect(etagMatches(header || undefined, etag)).toBe(expected);
  });
});
