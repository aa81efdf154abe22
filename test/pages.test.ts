import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import {
  closeAs,
  makeHypothesis,
  makeInput,
  makeLearning,
  makeUser,
  makeWorkspace,
  moveTo,
  scoreAs,
} from '../db/factories';
import { hypotheses, learnings, metrics, workspaces } from '../db/schema';
import { createApp } from '../src/app';
import { requireHypothesis } from '../src/hypotheses/hypotheses';
import { scoresOf } from '../src/hypotheses/member-scores';
import { form, freshDb, htmx, json, testApp } from './helpers';

const isFullPage = (html: string) => html.startsWith('<!DOCTYPE html>') && html.includes('<html');

describe('pages', () => {
  it('renders every page as a full document, and its fragment alone for htmx', async () => {
    const { app, db } = await testApp();
    const ws = await makeWorkspace(db, { slug: 'acme' });
    const m = await makeInput(db, ws, { name: 'Activation rate' });
    const h = await makeHypothesis(db, ws, { metricId: m.id, title: 'Checklist on empty board' });
    const pages: [string, string, string][] = [
      ['/', 'Your workspaces', 'Growth team'],
      ['/w/acme', 'North Star Metric', 'id="tree"'],
      ['/w/acme/backlog', 'Backlog', 'id="backlog-results"'],
      ['/w/acme/hypotheses/new', 'New hypothesis', 'id="learnings-panel"'],
      [`/w/acme/hypotheses/${h.id}`, 'Checklist on empty board', 'id="hypothesis"'],
      ['/w/acme/learnings', 'Learnings', 'id="learning-results"'],
      ['/w/acme/metrics', 'Input metrics', 'Activation rate'],
      ['/w/acme/north-star', 'Is it a good North Star?', 'Weekly active teams'],
      ['/w/acme/levers', 'Levers', 'Activation rate'],
      ['/w/acme/insights', 'Insights', 'Nothing closed yet'],
    ];
    for (const [path, visible, marker] of pages) {
      const res = await app.request(path);
      expect(res.status, path).toBe(200);
      expect(res.headers.get('content-type')).toContain('text/html');
      const html = await res.text();
      expect(isFullPage(html), path).toBe(true);
      expect(html, path).toContain(visible);
      expect(html, path).toContain(marker);
    }
    // The fragment of each htmx-driven page is the part htmx swaps, without the layout.
    for (const [path, marker] of [
      ['/w/acme', 'id="tree"'],
      ['/w/acme/backlog', 'id="backlog-results"'],
      [`/w/acme/hypotheses/new?metricId=${m.id}`, 'id="learnings-panel"'],
      [`/w/acme/hypotheses/${h.id}`, 'id="hypothesis"'],
      ['/w/acme/learnings', 'id="learning-results"'],
    ]) {
      const res = await app.request(path as string, { headers: htmx });
      expect(res.status, path).toBe(200);
      const html = await res.text();
      expect(isFullPage(html), path).toBe(false);
      expect(html, path).toContain(marker);
      expect(html, path).not.toContain('<nav aria-label="Main">');
    }
  });

  it('answers unknown slugs and ids with a 404 page, and cross-workspace ids are unknown ids', async () => {
    const { app, db } = await testApp();
    const a = await makeWorkspace(db, { slug: 'aa' });
    const b = await makeWorkspace(db, { slug: 'bb' });
    const hb = await makeHypothesis(db, b);
    for (const path of [
      '/w/nope',
      '/w/nope/backlog',
      '/w/aa/hypotheses/999',
      `/w/aa/hypotheses/${hb.id}`,
      '/w/aa/hypotheses/abc',
      '/w/aa/metrics/1x/edit',
      '/nothing',
    ]) {
      const res = await app.request(path);
      expect(res.status, path).toBe(404);
      expect(await res.text(), path).toContain('Not found');
    }
    const res = await app.request(`/w/aa/hypotheses/${hb.id}/transition`, form({ to: 'selected' }));
    expect(res.status).toBe(404);
    expect((await requireHypothesis(db, b, hb.id)).status).toBe('backlog');
    void a;
  });

  it('refuses a body over the limit with 413 (a page for forms, JSON for the API) and writes nothing', async () => {
    const db = await freshDb();
    const app = createApp({ db, logLevel: 'silent', bodyLimitBytes: 2048 });
    const big = 'x'.repeat(4096);
    const res = await app.request('/workspaces', form({ name: big, nsmName: 'N' }));
    expect(res.status).toBe(413);
    expect(await res.text()).toContain('over 2048 bytes');
    const api = await app.request('/api/v1/workspaces', json('POST', { name: big }));
    expect(api.status).toBe(413);
    expect(await api.json()).toMatchObject({ error: { code: 'too_large' } });
    expect(await db.orm.select().from(workspaces)).toHaveLength(0);
  });

  it('refuses cross-site form posts with 403 and writes nothing', async () => {
    const { app, db } = await testApp();
    const body = { name: 'Evil Co', nsmName: 'X' };
    for (const headers of [
      { Origin: 'http://evil.example' } as Record<string, string>,
      { Origin: 'http://evil.example', 'Sec-Fetch-Site': 'cross-site' },
      { Origin: '' },
    ]) {
      const res = await app.request('/workspaces', form(body, headers));
      expect(res.status).toBe(403);
      expect(await res.text()).toContain('came from another site');
    }
    expect(await db.orm.select().from(workspaces)).toHaveLength(0);
    // The browser's own same-origin post passes (Sec-Fetch-Site alone is enough).
    const ok = await app.request('/workspaces', form(body, { Origin: '', 'Sec-Fetch-Site': 'same-origin' }));
    expect(ok.status).toBe(303);
  });

  it('escapes user text everywhere it is shown', async () => {
    const { app, db } = await testApp();
    const ws = await makeWorkspace(db, { slug: 'xx' });
    const h = await makeHypothesis(db, ws, {
      title: '<script>alert(1)</script>',
      rationale: '<img src=x onerror=alert(1)>',
    });
    for (const path of ['/w/xx/backlog', `/w/xx/hypotheses/${h.id}`]) {
      const html = await (await app.request(path)).text();
      expect(html).not.toContain('<script>alert(1)</script>');
      expect(html).not.toContain('<img src=x');
      expect(html).toContain('&lt;script&gt;');
    }
  });
});

describe('workspaces', () => {
  it('creates a workspace with its North Star and redirects to its tree', async () => {
    const { app, db } = await testApp();
    const res = await app.request(
      '/workspaces',
      form({ name: 'Acme Growth', slug: '', nsmName: 'Weekly active teams', nsmUnit: 'teams' }),
    );
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe('/w/acme-growth');
    const tree = await (await app.request('/w/acme-growth')).text();
    expect(tree).toContain('Weekly active teams');
    expect(tree).toContain('0/7 checks pass');
    expect(tree).toContain('No input metrics yet');
    const rows = await db.orm.select().from(metrics);
    expect(rows).toHaveLength(1);
    expect(rows[0]?.kind).toBe('north_star');
  });

  it('re-renders the form with messages and what was typed when input is bad, writing nothing', async () => {
    const { app, db } = await testApp();
    await makeWorkspace(db, { slug: 'taken' });
    const res = await app.request('/workspaces', form({ name: 'Mine', slug: 'taken', nsmName: '' }));
    expect(res.status).toBe(422);
    const html = await res.text();
    expect(html).toContain('North Star name is required.');
    expect(html).toContain('value="Mine"');
    const res2 = await app.request('/workspaces', form({ name: 'Mine', slug: 'Bad Slug!', nsmName: 'WAT' }));
    expect(res2.status).toBe(422);
    expect(await res2.text()).toContain('lower-case letters, digits and dashes');
    expect(await db.orm.select().from(workspaces)).toHaveLength(1);
  });

  it('saves the North Star checklist and counts the passes in the badge', async () => {
    const { app, db } = await testApp();
    const ws = await makeWorkspace(db, { slug: 'nn' });
    const get = await (await app.request('/w/nn/north-star')).text();
    const version = /name="version" value="(\d+)"/.exec(get)?.[1] ?? '';
    const res = await app.request(
      '/w/nn/north-star',
      form({
        version,
        name: 'Weekly active teams',
        unit: 'teams',
        direction: 'up',
        description: 'Teams with 3+ active members',
        currentValue: '1200',
        check_customer_value: 'pass',
        note_customer_value: 'Teams collaborating = value',
        check_vision: 'pass',
        check_rise_with_less_value: 'fail',
        note_rise_with_less_value: 'Spammy invites could inflate it',
      }),
    );
    expect(res.status).toBe(303);
    const tree = await (await app.request('/w/nn')).text();
    expect(tree).toContain('2/7 checks pass');
    expect(tree).toContain('1,200'.replace(',', ''));
    const page = await (await app.request('/w/nn/north-star')).text();
    expect(page).toContain('Spammy invites could inflate it');
    const invalid = await app.request(
      '/w/nn/north-star',
      form({ version, name: '', direction: 'up', check_vision: 'maybe' }),
    );
    expect(invalid.status).toBe(422);
    expect(await invalid.text()).toContain('Name is required.');
    // A stale version is refused and shows the current values.
    const stale = await app.request(
      '/w/nn/north-star',
      form({ version, name: 'Overwrite', direction: 'up' }),
    );
    expect(stale.status).toBe(409);
    expect(await stale.text()).toContain('Someone else saved');
    void ws;
  });
});

describe('settings', () => {
  it('switches ICE between mean and product, recomputing every score and the ranking', async () => {
    const { app, db } = await testApp();
    const ws = await makeWorkspace(db, { slug: 'st', name: 'Settings Co' });
    // The mean ranks the spiky one first (6.3 vs 6.0); the product ranks the balanced one first (216 vs 140).
    await makeHypothesis(db, ws, { title: 'Balanced', impact: 6, confidence: 6, ease: 6 });
    await makeHypothesis(db, ws, { title: 'Spiky', impact: 10, confidence: 7, ease: 2 });
    const mean = await (await app.request('/w/st/backlog')).text();
    expect(mean.indexOf('>Spiky<')).toBeLessThan(mean.indexOf('>Balanced<'));
    const bad = await app.request('/w/st/settings', form({ name: 'Settings Co', iceMode: 'median' }));
    expect(bad.status).toBe(422);
    expect(await bad.text()).toContain('ICE is either the mean or the product');
    const res = await app.request('/w/st/settings', form({ name: 'Settings Co', iceMode: 'product' }));
    expect(res.status).toBe(303);
    const product = await (await app.request('/w/st/backlog')).text();
    expect(product.indexOf('>Balanced<')).toBeLessThan(product.indexOf('>Spiky<'));
    expect(product).toContain('>216<');
    const rows = await db.orm.select({ title: hypotheses.title, ice: hypotheses.ice }).from(hypotheses);
    expect(Object.fromEntries(rows.map((r) => [r.title, r.ice]))).toEqual({ Balanced: 216, Spiky: 140 });
    await app.request('/w/st/settings', form({ name: 'Settings Co', iceMode: 'mean' }));
    const back = await db.orm.select({ title: hypotheses.title, ice: hypotheses.ice }).from(hypotheses);
    expect(Object.fromEntries(back.map((r) => [r.title, r.ice]))).toEqual({ Balanced: 6, Spiky: 6.3 });
  });
});

describe('metrics', () => {
  it('adds, edits, archives (when used) and deletes (when unused) input metrics, warning over four', async () => {
    const { app, db } = await testApp();
    const ws = await makeWorkspace(db, { slug: 'mm' });
    const add = await app.request(
      '/w/mm/metrics',
      form({ name: 'Activation rate', unit: '%', direction: 'up', target: '40' }),
    );
    expect(add.status).toBe(303);
    const bad = await app.request('/w/mm/metrics', form({ name: '', direction: 'sideways', target: 'lots' }));
    expect(bad.status).toBe(422);
    const badHtml = await bad.text();
    expect(badHtml).toContain('Name is required.');
    expect(badHtml).toContain('Target must be a number.');
    const [activation] = await db.orm.select().from(metrics).where(eq(metrics.name, 'Activation rate'));
    if (!activation) throw new Error('not created');
    const edit = await app.request(
      `/w/mm/metrics/${activation.id}`,
      form({ name: 'Activation rate (7d)', unit: '%', direction: 'up', version: activation.version }),
    );
    expect(edit.status).toBe(303);
    const stale = await app.request(
      `/w/mm/metrics/${activation.id}`,
      form({ name: 'Old name', unit: '%', direction: 'up', version: activation.version }),
    );
    expect(stale.status).toBe(409);
    expect(await stale.text()).toContain('Activation rate (7d)');
    const badEdit = await app.request(
      `/w/mm/metrics/${activation.id}`,
      form({ name: 'x', direction: 'up', currentValue: 'NaNa', version: activation.version + 1 }),
    );
    expect(badEdit.status).toBe(422);
    expect(await badEdit.text()).toContain('Current value must be a number.');

    await makeHypothesis(db, ws, { metricId: activation.id });
    const unused = await makeInput(db, ws, { name: 'Unused lever' });
    expect(
      (await app.request(`/w/mm/metrics/${activation.id}/archive`, form({}))).headers.get('location'),
    ).toContain('done=archived');
    // Archiving never deletes; an archived metric nothing refers to can then be deleted for good.
    expect((await app.request(`/w/mm/metrics/${unused.id}/archive`, form({}))).status).toBe(303);
    const usedDelete = await app.request(`/w/mm/metrics/${activation.id}/delete`, form({}));
    expect(usedDelete.status).toBe(409);
    expect(await usedDelete.text()).toContain('stays archived to keep their history');
    const archivedPage = await (await app.request('/w/mm/metrics')).text();
    expect(archivedPage).toContain('Archived (2)');
    expect(archivedPage).toContain(`/w/mm/metrics/${unused.id}/delete`);
    expect(archivedPage).not.toContain(`/w/mm/metrics/${activation.id}/delete`);
    expect(
      (await app.request(`/w/mm/metrics/${unused.id}/delete`, form({}))).headers.get('location'),
    ).toContain('done=deleted');
    const [archived] = await db.orm.select().from(metrics).where(eq(metrics.id, activation.id));
    expect(archived?.archivedAt).not.toBeNull();
    expect(await db.orm.select().from(metrics).where(eq(metrics.id, unused.id))).toHaveLength(0);
    const page = await (await app.request('/w/mm/metrics')).text();
    expect(page).toContain('Archived (1)');
    // Names are unique per workspace (any case), so pickers never show two alike.
    const twin = await app.request('/w/mm/metrics', form({ name: 'activation RATE (7d)', direction: 'up' }));
    expect(twin.status).toBe(422);
    expect(await twin.text()).toContain('An archived metric is named');
    // An archived metric is not offered for new hypotheses, until it is restored.
    expect(await (await app.request('/w/mm/hypotheses/new')).text()).not.toContain('Activation rate (7d)');
    expect((await app.request(`/w/mm/metrics/${activation.id}/restore`, form({}))).status).toBe(303);
    expect(await (await app.request('/w/mm/hypotheses/new')).text()).toContain('Activation rate (7d)');

    for (let i = 0; i < 5; i++) await makeInput(db, ws, { name: `Lever ${i}` });
    expect(await (await app.request('/w/mm/metrics')).text()).toContain('6 active input metrics');
    expect(await (await app.request('/w/mm')).text()).toContain('more than 4 spreads the team thin');
  });
});

describe('hypotheses', () => {
  it('creates a hypothesis from the form and refuses bad input with messages beside the fields', async () => {
    const { app, db } = await testApp();
    const ws = await makeWorkspace(db, { slug: 'hh' });
    const m = await makeInput(db, ws, { name: 'Activation rate' });
    const other = await makeWorkspace(db, { slug: 'other' });
    const foreign = await makeInput(db, other, { name: 'Foreign lever' });
    const good = {
      title: 'Setup checklist',
      change: 'add a setup checklist',
      metricId: String(m.id),
      expectedLift: '5',
      outcome: 'rise',
      rationale: 'admins do not know what to do first',
      impact: '7',
      confidence: '6',
      ease: '8',
      estimatedDays: '3',
      tags: 'Onboarding, email',
    };
    const res = await app.request('/w/hh/hypotheses', form(good));
    expect(res.status).toBe(303);
    const detail = await (await app.request(res.headers.get('location') as string)).text();
    expect(detail).toContain('Setup checklist');
    expect(detail).toContain('#onboarding');
    expect(detail).toContain('<strong>7.0</strong>');

    for (const [patch, message] of [
      [{ impact: '11' }, 'Impact must be a whole number from 1 to 10.'],
      [{ ease: '2.5' }, 'Ease must be a whole number from 1 to 10.'],
      [{ title: '' }, 'Title is required.'],
      [{ title: 'x'.repeat(141) }, 'Title must be at most 140 characters.'],
      [{ metricId: '' }, 'Choose the input metric this hypothesis moves.'],
      [{ metricId: '99999' }, 'Choose one of this workspace’s input metrics.'],
      [{ metricId: String(foreign.id) }, 'Choose one of this workspace’s input metrics.'],
      [{ expectedLift: 'lots' }, 'Expected lift must be a percentage'],
      [{ tags: 'ok, bad tag!' }, 'The tag &quot;bad-tag!&quot; has other characters than letters'],
      [{ estimatedDays: '0.01' }, 'Estimated person-days must be at least 0.1'],
    ] as const) {
      const bad = await app.request('/w/hh/hypotheses', form({ ...good, ...patch }));
      expect(bad.status, message).toBe(422);
      const html = await bad.text();
      expect(html, message).toContain(message);
      expect(html).toContain(
        'value="Setup checklist"'.replace(
          'Setup checklist',
          patch.title === undefined ? 'Setup checklist' : patch.title,
        ),
      );
    }
    expect(await db.orm.select().from(hypotheses)).toHaveLength(1);
  });

  it('ranks the backlog by ICE, then expected ROTI, then oldest, with visible rank numbers and filters', async () => {
    const { app, db } = await testApp();
    const ws = await makeWorkspace(db, { slug: 'rr' });
    const a = await makeInput(db, ws, { name: 'Activation' });
    const b = await makeInput(db, ws, { name: 'Referral' });
    const t0 = Date.now() - 10_000;
    await makeHypothesis(db, ws, { title: 'Low', metricId: a.id, impact: 2, confidence: 2, ease: 2 }, t0);
    await makeHypothesis(
      db,
      ws,
      { title: 'Tie slow', metricId: a.id, impact: 6, confidence: 6, ease: 6, estimatedDays: 10 },
      t0 + 1,
    );
    await makeHypothesis(
      db,
      ws,
      {
        title: 'Tie fast',
        metricId: b.id,
        impact: 6,
        confidence: 6,
        ease: 6,
        estimatedDays: 1,
        tags: ['viral'],
      },
      t0 + 2,
    );
    await makeHypothesis(db, ws, { title: 'Top', metricId: b.id, impact: 9, confidence: 8, ease: 9 }, t0 + 3);
    await makeHypothesis(
      db,
      ws,
      { title: 'Draft idea', metricId: b.id, status: 'draft', impact: 10, confidence: 10, ease: 10 },
      t0 + 4,
    );
    const html = await (await app.request('/w/rr/backlog')).text();
    const order = ['Top', 'Tie fast', 'Tie slow', 'Low'].map((t) => html.indexOf(`>${t}<`));
    expect(order.every((p) => p > 0)).toBe(true);
    expect([...order].sort((x, y) => x - y)).toEqual(order);
    expect(html).not.toContain('Draft idea');
    expect(html).toContain('#1');
    expect(html).toContain('#4');

    // Filtered views keep the rank in the whole backlog.
    const byTag = await (await app.request('/w/rr/backlog?tag=viral')).text();
    expect(byTag).toContain('Tie fast');
    expect(byTag).not.toContain('>Top<');
    expect(byTag).toContain('#2');
    const byMetric = await (await app.request(`/w/rr/backlog?metricId=${a.id}`)).text();
    expect(byMetric).toContain('Tie slow');
    expect(byMetric).not.toContain('Tie fast');
    expect(byMetric).toContain('#3');
    const search = await (await app.request('/w/rr/backlog?q=fast')).text();
    expect(search).toContain('Tie fast');
    expect(search).not.toContain('Tie slow');
    const drafts = await (await app.request('/w/rr/backlog?status=draft')).text();
    expect(drafts).toContain('Draft idea');
    const byRoti = await (await app.request('/w/rr/backlog?sort=roti')).text();
    expect(byRoti.indexOf('>Tie fast<')).toBeLessThan(byRoti.indexOf('>Top<'));
  });

  it('reports rank and scorers of a rescored row that the view does not list', async () => {
    const { app, db } = await testApp();
    const ws = await makeWorkspace(db, { slug: 'off' });
    await makeHypothesis(db, ws, { title: 'Alpha', impact: 9, confidence: 9, ease: 9 });
    const beta = await makeHypothesis(db, ws, { title: 'Beta', impact: 2, confidence: 2, ease: 2 });
    const other = await makeUser(db, { name: 'Other scorer' });
    await scoreAs(db, ws, beta, other, { impact: 3, confidence: 3, ease: 3 });
    // The view searches for "Alpha", so the list the answer carries does not hold Beta.
    const res = await app.request(
      `/w/off/hypotheses/${beta.id}/score`,
      form({ impact: 4, confidence: 4, ease: 4, back: 'status=backlog&q=Alpha' }, htmx),
    );
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).not.toContain('>Beta<');
    expect(html).toContain('Saved your scores: team ICE 3.5 from 2 scorers, now rank #2.');
  });

  it('rescoring inline returns the re-ranked list for htmx and redirects back without JavaScript', async () => {
    const { app, db, me } = await testApp();
    const ws = await makeWorkspace(db, { slug: 'ss' });
    const first = await makeHypothesis(db, ws, { title: 'First', impact: 8, confidence: 8, ease: 8 });
    const second = await makeHypothesis(db, ws, { title: 'Second', impact: 5, confidence: 5, ease: 5 });
    const res = await app.request(
      `/w/ss/hypotheses/${second.id}/score`,
      form({ impact: 10, confidence: 10, ease: 9, back: 'status=backlog' }, htmx),
    );
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(isFullPage(html)).toBe(false);
    expect(html.indexOf('>Second<')).toBeLessThan(html.indexOf('>First<'));
    expect(html).toContain('Saved your scores: team ICE 9.7 from 1 scorer, now rank #1.');

    const plain = await app.request(
      `/w/ss/hypotheses/${first.id}/score`,
      form({ impact: 1, confidence: 1, ease: 1, back: 'status=backlog&q=Fir' }),
    );
    expect(plain.status).toBe(303);
    expect(plain.headers.get('location')).toBe(`/w/ss/backlog?status=backlog&q=Fir#h-${first.id}`);
    expect((await requireHypothesis(db, ws, first.id)).impact).toBe(1);

    // The score is the member's own: saving again (no version needed) replaces only their own score.
    const again = await app.request(
      `/w/ss/hypotheses/${first.id}/score`,
      form({ impact: 3, confidence: 1, ease: 1, version: 1, back: 'status=backlog' }, htmx),
    );
    expect(again.status).toBe(200);
    expect(await again.text()).toContain('from 1 scorer');
    const mine = (await scoresOf(db, ws, [first.id])).get(first.id) ?? [];
    expect(mine.map((m) => [m.userId, m.impact])).toEqual([[me.user.id, 3]]);

    const bad = await app.request(
      `/w/ss/hypotheses/${first.id}/score`,
      form({ impact: 0, confidence: 9, ease: 9, back: 'status=backlog' }, htmx),
    );
    expect(bad.status).toBe(422);
    expect(await bad.text()).toContain('Impact must be a whole number from 1 to 10.');
    expect((await requireHypothesis(db, ws, first.id)).impact).toBe(3);
  });

  it('moves along the lifecycle and refuses illegal moves with 409 naming the allowed ones', async () => {
    const { app, db } = await testApp();
    const ws = await makeWorkspace(db, { slug: 'll' });
    const h = await makeHypothesis(db, ws, { status: 'draft' });
    const illegal = await app.request(`/w/ll/hypotheses/${h.id}/transition`, form({ to: 'running' }));
    expect(illegal.status).toBe(409);
    const text = await illegal.text();
    expect(text).toContain('Allowed from draft: accept → backlog, reject → rejected.');
    expect((await requireHypothesis(db, ws, h.id)).status).toBe('draft');
    for (const to of ['backlog', 'selected', 'running']) {
      const cur = await requireHypothesis(db, ws, h.id);
      const res = await app.request(
        `/w/ll/hypotheses/${h.id}/transition`,
        form({ to, version: cur.version }),
      );
      expect(res.status, to).toBe(303);
    }
    const running = await (await app.request(`/w/ll/hypotheses/${h.id}`)).text();
    expect(running).toContain('Close with a result');
    const bogus = await app.request(`/w/ll/hypotheses/${h.id}/transition`, form({ to: 'flying' }));
    expect(bogus.status).toBe(422);
  });

  it('edits with a version and shows the current values to the second of two editors', async () => {
    const { app, db } = await testApp();
    const ws = await makeWorkspace(db, { slug: 'ee' });
    const h = await makeHypothesis(db, ws, { title: 'Original' });
    const fields = {
      title: 'Alice title',
      change: h.change,
      outcome: h.outcome,
      rationale: h.rationale,
      metricId: h.metricId,
      impact: 5,
      confidence: 5,
      ease: 5,
      tags: '',
      version: h.version,
    };
    const invalid = await app.request(`/w/ee/hypotheses/${h.id}`, form({ ...fields, confidence: 42 }));
    expect(invalid.status).toBe(422);
    const invalidHtml = await invalid.text();
    expect(invalidHtml).toContain('Confidence must be a whole number from 1 to 10.');
    expect(invalidHtml).toContain('value="Alice title"');
    expect((await requireHypothesis(db, ws, h.id)).title).toBe('Original');
    expect((await app.request(`/w/ee/hypotheses/${h.id}`, form(fields))).status).toBe(303);
    const bob = await app.request(`/w/ee/hypotheses/${h.id}`, form({ ...fields, title: 'Bob title' }));
    expect(bob.status).toBe(409);
    const html = await bob.text();
    expect(html).toContain('value="Alice title"');
    expect(html).toContain('Your unsaved values');
    expect(html).toContain('Bob title');
    expect((await requireHypothesis(db, ws, h.id)).title).toBe('Alice title');
  });

  it('closes a running experiment with a learning, suggests the return and shows ROTI', async () => {
    const { app, db } = await testApp();
    const ws = await makeWorkspace(db, { slug: 'cc' });
    const h = await moveTo(
      db,
      ws,
      await makeHypothesis(db, ws, { impact: 8, expectedLift: 10, estimatedDays: 4 }),
      'running',
    );
    const existing = await makeLearning(db, ws, {
      statement: 'Admins skim, they do not read',
      metricId: h.metricId,
    });

    const preview = await app.request(
      `/w/cc/hypotheses/${h.id}/close/preview`,
      form(
        {
          outcome: 'won',
          baseline: '100',
          observed: '105',
          actualDays: '2',
          return: '8',
          returnSuggested: '8',
        },
        htmx,
      ),
    );
    const previewHtml = await preview.text();
    expect(previewHtml).toContain('value="4"'); // 8 × (5% ÷ 10%)
    expect(previewHtml).toContain('+5%');
    expect(previewHtml).toContain('2.00 per person-day');

    const noLearning = await app.request(
      `/w/cc/hypotheses/${h.id}/close`,
      form({ outcome: 'won', actualDays: '2', version: h.version }),
    );
    expect(noLearning.status).toBe(422);
    expect(await noLearning.text()).toContain('Record at least one learning');
    const lostNoReturn = await app.request(
      `/w/cc/hypotheses/${h.id}/close`,
      form({ outcome: 'lost', actualDays: '2', newStatement: 'x', version: h.version }),
    );
    expect(lostNoReturn.status).toBe(422);
    expect(await lostNoReturn.text()).toContain('Give a return from 0 to 10');
    expect((await requireHypothesis(db, ws, h.id)).status).toBe('running');
    expect(await db.orm.select().from(learnings)).toHaveLength(1);

    const res = await app.request(
      `/w/cc/hypotheses/${h.id}/close`,
      form({
        outcome: 'won',
        baseline: '100',
        observed: '105',
        actualDays: '2',
        return: '',
        newStatement: 'A checklist beats a tour',
        newStatus: 'emerging',
        [`link_${existing.id}`]: 'supports',
        version: h.version,
      }),
    );
    expect(res.status).toBe(303);
    const closed = await requireHypothesis(db, ws, h.id);
    expect(closed).toMatchObject({ status: 'done', result: 'won', lift: 5, returnScore: 4, roti: 2 });
    const page = await (await app.request(`/w/cc/hypotheses/${h.id}`)).text();
    expect(page).toContain('A checklist beats a tour');
    expect(page).toContain('Admins skim, they do not read');
    expect(page).toContain('2.00');
    const again = await app.request(
      `/w/cc/hypotheses/${h.id}/close`,
      form({ outcome: 'won', actualDays: '2', newStatement: 'y' }),
    );
    expect(again.status).toBe(409);
  });

  it('drafts follow-ups from a closed experiment and from a learning, linked to their parent', async () => {
    const { app, db } = await testApp();
    const ws = await makeWorkspace(db, { slug: 'ff' });
    const closed = await closeAs(db, ws, await makeHypothesis(db, ws, { title: 'Welcome email' }), {
      outcome: 'won',
      learnings: [{ statement: 'Short emails get read' }],
    });
    const res = await app.request(`/w/ff/hypotheses/${closed.id}/follow-up`, form({}));
    expect(res.status).toBe(303);
    const draftId = Number(/hypotheses\/(\d+)/.exec(res.headers.get('location') ?? '')?.[1]);
    const draft = await requireHypothesis(db, ws, draftId);
    expect(draft).toMatchObject({ status: 'draft', parentId: closed.id, metricId: closed.metricId });
    expect(draft.rationale).toContain('Short emails get read');
    const page = await (await app.request(`/w/ff/hypotheses/${draftId}?done=followup`)).text();
    expect(page).toContain('Follows up');
    expect(page).toContain('<details class="panel" open="">');

    const learningId = closed.learnings[0]?.id;
    const fromLearning = await app.request(`/w/ff/learnings/${learningId}/follow-up`, form({}));
    expect(fromLearning.status).toBe(303);
    const id2 = Number(/hypotheses\/(\d+)/.exec(fromLearning.headers.get('location') ?? '')?.[1]);
    expect(await requireHypothesis(db, ws, id2)).toMatchObject({
      status: 'draft',
      sourceLearningId: learningId,
      parentId: closed.id,
    });

    const notClosed = await makeHypothesis(db, ws);
    expect((await app.request(`/w/ff/hypotheses/${notClosed.id}/follow-up`, form({}))).status).toBe(409);
  });
});

describe('learnings', () => {
  it('lists, searches and filters learnings with the experiments behind them, and updates status', async () => {
    const { app, db } = await testApp();
    const ws = await makeWorkspace(db, { slug: 'kk' });
    const a = await makeInput(db, ws, { name: 'Activation' });
    const b = await makeInput(db, ws, { name: 'Referral' });
    const won = await closeAs(
      db,
      ws,
      await makeHypothesis(db, ws, { metricId: a.id, title: 'Checklist test' }),
      {
        outcome: 'won',
        learnings: [{ statement: 'Checklists beat tours' }],
      },
    );
    const learningId = won.learnings[0]?.id as number;
    await closeAs(db, ws, await makeHypothesis(db, ws, { metricId: a.id, title: 'Second checklist' }), {
      outcome: 'lost',
      learnings: [{ learningId, relation: 'contradicts' }],
    });
    await makeLearning(db, ws, { statement: 'Referrers want credit', metricId: b.id });

    const all = await (await app.request('/w/kk/learnings')).text();
    expect(all).toContain('Checklists beat tours');
    expect(all).toContain('Supported by');
    expect(all).toContain('Contradicted by');
    expect(all).toContain('Second checklist');
    const filtered = await (await app.request(`/w/kk/learnings?metricId=${b.id}`, { headers: htmx })).text();
    expect(filtered).toContain('Referrers want credit');
    expect(filtered).not.toContain('Checklists beat tours');
    const searched = await (await app.request('/w/kk/learnings?q=tours')).text();
    expect(searched).toContain('Checklists beat tours');
    expect(searched).not.toContain('Referrers want credit');
    const none = await (await app.request('/w/kk/learnings?status=confirmed')).text();
    expect(none).toContain('No learning matches');

    const set = await app.request(
      `/w/kk/learnings/${learningId}/status`,
      form({ status: 'supported', version: 1 }, htmx),
    );
    expect(set.status).toBe(200);
    expect(await set.text()).toContain('Status set to supported.');
    const stale = await app.request(
      `/w/kk/learnings/${learningId}/status`,
      form({ status: 'confirmed', version: 1 }, htmx),
    );
    expect(stale.status).toBe(409);

    const add = await app.request(
      '/w/kk/learnings',
      form({ statement: 'Pricing page confuses teams', status: 'emerging', metricId: '' }),
    );
    expect(add.status).toBe(303);
    const badAdd = await app.request('/w/kk/learnings', form({ statement: '', status: 'emerging' }));
    expect(badAdd.status).toBe(422);
    expect(await badAdd.text()).toContain('The learning is required.');
  });
});

describe('full loop', () => {
  it('workspace → metrics → hypotheses → ranking → select → run → close → the learning shows on the next form', async () => {
    const { app, db } = await testApp();
    let res = await app.request('/workspaces', form({ name: 'Loop Co', nsmName: 'Weekly active teams' }));
    expect(res.headers.get('location')).toBe('/w/loop-co');
    for (const name of ['Activation rate', 'Invite conversion']) {
      res = await app.request('/w/loop-co/metrics', form({ name, unit: '%', direction: 'up' }));
      expect(res.status).toBe(303);
    }
    const [activation] = await db.orm.select().from(metrics).where(eq(metrics.name, 'Activation rate'));
    const metricId = String(activation?.id);
    const base = { change: 'c', outcome: 'rise', rationale: 'r', metricId, estimatedDays: '2' };
    const ids: number[] = [];
    for (const [title, i, c, e] of [
      ['Modest idea', 4, 4, 4],
      ['Big idea', 9, 7, 8],
    ] as const) {
      res = await app.request(
        '/w/loop-co/hypotheses',
        form({ ...base, title, impact: i, confidence: c, ease: e }),
      );
      expect(res.status).toBe(303);
      ids.push(Number(/hypotheses\/(\d+)/.exec(res.headers.get('location') ?? '')?.[1]));
    }
    const backlog = await (await app.request('/w/loop-co/backlog')).text();
    expect(backlog.indexOf('>Big idea<')).toBeLessThan(backlog.indexOf('>Modest idea<'));
    const big = ids[1] as number;
    for (const to of ['selected', 'running']) {
      res = await app.request(`/w/loop-co/hypotheses/${big}/transition`, form({ to }));
      expect(res.status).toBe(303);
    }
    res = await app.request(
      `/w/loop-co/hypotheses/${big}/close`,
      form({ outcome: 'won', actualDays: '3', newStatement: 'Teams activate when invited by a peer' }),
    );
    expect(res.status).toBe(303);
    const newForm = await (await app.request(`/w/loop-co/hypotheses/new?metricId=${metricId}`)).text();
    expect(newForm).toContain('Teams activate when invited by a peer');
    expect(newForm).toContain('Big idea');
    const panel = await (
      await app.request(`/w/loop-co/hypotheses/new?metricId=${metricId}`, { headers: htmx })
    ).text();
    expect(panel).toContain('Teams activate when invited by a peer');
    expect(panel.startsWith('<aside')).toBe(true);
    const tree = await (await app.request('/w/loop-co')).text();
    expect(tree).toContain('Teams activate when invited by a peer');
  });
});

describe('redirects', () => {
  it('rebuilds the return address from parsed filters, never from raw client text', async () => {
    const { app, db } = await testApp();
    const ws = await makeWorkspace(db, { slug: 'rd' });
    const l = await makeLearning(db, ws, { statement: 'Something' });
    const res = await app.request(
      `/w/rd/learnings/${l.id}/status`,
      form({ status: 'supported', version: 1, back: 'q=x&evil=%0d%0aSet-Cookie:%20a=b&status=nope' }),
    );
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe(`/w/rd/learnings?done=status#l-${l.id}`);
    expect(res.headers.get('set-cookie')).toBeNull();
  });
});

describe('hostile input', () => {
  it('answers a body that is not a form, absurd values and foreign ids with messages, never a 500', async () => {
    const { app, db } = await testApp();
    const ws = await makeWorkspace(db, { slug: 'ho' });
    const other = await makeWorkspace(db, { slug: 'ot' });
    const foreignLearning = await makeLearning(db, other, { statement: 'Not yours' });
    const broken = await app.request('/workspaces', {
      method: 'POST',
      body: 'garbage',
      headers: { 'Content-Type': 'multipart/form-data; boundary=xyz', Origin: 'http://localhost' },
    });
    expect(broken.status).toBe(422);
    expect(await broken.text()).toContain('The form could not be read');

    const h = await moveTo(db, ws, await makeHypothesis(db, ws), 'running');
    const huge = await app.request(
      `/w/ho/hypotheses/${h.id}/close`,
      form({ outcome: 'won', baseline: '1e308', observed: '-1e308', actualDays: '1', newStatement: 'x' }),
    );
    expect(huge.status).toBe(422);
    expect(await huge.text()).toContain('Baseline is out of range.');
    const tiny = await app.request(
      `/w/ho/hypotheses/${h.id}/close`,
      form({ outcome: 'won', baseline: '1e-320', observed: '1', actualDays: '1', newStatement: 'x' }),
    );
    expect(tiny.status).toBe(303);
    expect((await requireHypothesis(db, ws, h.id)).lift).toBeNull();

    const m = (await makeInput(db, ws)).id;
    const res = await app.request(
      '/w/ho/hypotheses',
      form({
        title: 't',
        change: 'c',
        outcome: 'o',
        rationale: 'r',
        metricId: m,
        impact: 5,
        confidence: 5,
        ease: 5,
        sourceLearningId: foreignLearning.id,
      }),
    );
    expect(res.status).toBe(422);
    expect(await res.text()).toContain('The source learning is not in this workspace.');
  });
});

describe('review follow-ups', () => {
  it('names a missing North Star with its checklist in one save', async () => {
    const { app, db } = await testApp();
    await makeWorkspace(db, { slug: 'no-nsm', northStar: false });
    expect(await (await app.request('/w/no-nsm')).text()).toContain('Name your North Star');
    const res = await app.request(
      '/w/no-nsm/north-star',
      form({
        name: 'Weekly active teams',
        direction: 'up',
        check_vision: 'pass',
        note_vision: 'It is the vision',
      }),
    );
    expect(res.status).toBe(303);
    const [nsm] = await db.orm.select().from(metrics).where(eq(metrics.kind, 'north_star'));
    expect(nsm?.checklist?.vision).toEqual({ pass: true, note: 'It is the vision' });
    expect(await (await app.request('/w/no-nsm')).text()).toContain('1/7 checks pass');
  });

  it('filters closed experiments by outcome, as the tree’s won and lost links do', async () => {
    const { app, db } = await testApp();
    const ws = await makeWorkspace(db, { slug: 'oc' });
    await closeAs(db, ws, await makeHypothesis(db, ws, { title: 'A winner' }), { outcome: 'won' });
    await closeAs(db, ws, await makeHypothesis(db, ws, { title: 'A loser' }), { outcome: 'lost' });
    const tree = await (await app.request('/w/oc')).text();
    expect(tree).toContain('status=done&amp;result=won');
    const won = await (await app.request('/w/oc/backlog?status=done&result=won')).text();
    expect(won).toContain('A winner');
    expect(won).not.toContain('A loser');
  });

  it('lets a close support or contradict a workspace-wide learning', async () => {
    const { app, db } = await testApp();
    const ws = await makeWorkspace(db, { slug: 'wl' });
    const h = await moveTo(db, ws, await makeHypothesis(db, ws), 'running');
    const wide = await makeLearning(db, ws, { statement: 'Teams buy what their admins see first' });
    const page = await (await app.request(`/w/wl/hypotheses/${h.id}`)).text();
    expect(page).toContain(`name="link_${wide.id}"`);
    const res = await app.request(
      `/w/wl/hypotheses/${h.id}/close`,
      form({ outcome: 'lost', actualDays: '1', return: '2', [`link_${wide.id}`]: 'contradicts' }),
    );
    expect(res.status).toBe(303);
    const learned = await (await app.request('/w/wl/learnings')).text();
    expect(learned).toContain('Contradicted by');
  });
});
