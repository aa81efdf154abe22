import type { Browser, BrowserContext, BrowserContextOptions, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../db/client';
import {
  closeAs,
  FACTORY_PASSWORD,
  makeHypothesis,
  makeInput,
  makeLearning,
  makeUser,
  makeWorkspace,
} from '../db/factories';
import type { User } from '../db/schema';
import { seedDemo } from '../db/seed';
import { addMember } from '../src/accounts/members';
import { createSession } from '../src/accounts/sessions';
import { runAs } from '../src/audit/actor';
import { axeSource, launchChromium, serveApp, sessionCookie } from './browser-kit';
import { ownedDb } from './helpers';

// Real Chromium (Debian's package, installed by .ci/run) against the real server on a loopback port.

let browser: Browser;
let base: string;
let close: () => void;
/** The signed-in tester's session id: every context gets it as its cookie. */
let sessionId: string;
/** The server's database, to check what the browser's requests wrote. */
let database: Db;
const TESTER = { email: 'tester@example.com', name: 'Tess Tester' };

// Hostile text in the fields of a second workspace: none of it may run (see test/xss.test.ts).
const XSS = {
  script: '<script>window.__xss=1</script>',
  img: '<img src=x onerror="window.__xss=1">',
  quote: '" onmouseover="window.__xss=1',
  hx: '<div hx-get="/x" hx-trigger="load">',
  js: 'javascript:window.__xss=1',
  template: '{{7*7}}',
};
const ALL = Object.values(XSS).join(' ');
const xssIds: { hypotheses: number[] } = { hypotheses: [] };

/** The "xss" workspace: every text field holds payloads; the tester owns it, a payload-named editor edits. */
async function seedXss(db: Db, owner: User) {
  const ws = await makeWorkspace(db, {
    name: `${XSS.script} ${XSS.quote}`,
    slug: 'xss',
    ownerId: owner.id,
    northStar: {
      name: `${XSS.img} ${XSS.template}`,
      description: ALL,
      unit: '"><img src=x onerror=1>',
      owner: XSS.hx,
    },
  });
  const editor = await makeUser(db, { name: `${XSS.img} ${XSS.quote}` });
  await addMember(db, ws.id, editor, 'editor');
  const inputs = [
    await makeInput(db, ws, { name: `${XSS.script} ${XSS.template}`, description: ALL, owner: XSS.quote }),
    await makeInput(db, ws, { name: XSS.hx, description: ALL, owner: XSS.js }),
  ];
  const as = {
    kind: 'user' as const,
    userId: editor.id,
    name: editor.name,
    email: editor.email,
    via: 'session' as const,
  };
  for (const [i, p] of Object.values(XSS).entries()) {
    const h = await runAs(as, () =>
      makeHypothesis(db, ws, {
        title: `${p} ${i}`,
        change: ALL,
        outcome: ALL,
        rationale: ALL,
        owner: p.slice(0, 80),
        metricId: inputs[i % 2]?.id,
        impact: 1 + i,
      }),
    );
    xssIds.hypotheses.push(h.id);
  }
  const first = xssIds.hypotheses[0] as number;
  await runAs(as, () => closeAs(db, ws, { id: first }, { outcome: 'lost', learnings: [{ statement: ALL }] }));
  for (const p of Object.values(XSS)) await makeLearning(db, ws, { statement: p, metricId: inputs[0]?.id });
}

beforeAll(async () => {
  const { db, dispose } = await ownedDb();
  database = db;
  const demo = await seedDemo(db);
  // Pages need a session: the tester owns both workspaces and is signed in through a cookie.
  const tester = await makeUser(db, { ...TESTER, serverOwner: true });
  await addMember(db, demo.id, tester, 'owner');
  await seedXss(db, tester);
  sessionId = await createSession(db, tester.id);
  const served = await serveApp(db);
  base = served.base;
  close = () => {
    served.close();
    dispose();
  };
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  close?.();
});

/** A browser context signed in as the tester (its own cookie jar, so tests do not share state). */
async function signedIn(options: BrowserContextOptions = {}): Promise<BrowserContext> {
  const context = await browser.newContext(options);
  await context.addCookies([sessionCookie(base, sessionId)]);
  return context;
}

async function signedInPage(): Promise<Page> {
  return (await signedIn()).newPage();
}

type Row = { id: string; rank: string; ice: string };
const rows = (page: Page) =>
  page.$$eval('#backlog-results li.backlog-row', (els) =>
    els.map((e) => ({
      id: e.id,
      rank: e.querySelector('.rank')?.textContent?.trim() ?? '',
      ice: e.querySelector('.ice')?.textContent?.trim() ?? '',
    })),
  ) as Promise<Row[]>;

describe('browser', () => {
  it('rescoring inline moves the row to its new rank without a page load', async () => {
    const page = await signedInPage();
    const problems: string[] = [];
    page.on('pageerror', (e) => problems.push(String(e)));
    page.on('console', (m) => {
      // A CSP violation or a failed script shows up here; the page must have none.
      if (m.type() === 'error') problems.push(m.text());
    });
    let loads = 0;
    page.on('load', () => loads++);
    expect((await page.goto(`${base}/w/demo/backlog`))?.status()).toBe(200);
    expect(loads).toBe(1);
    await page.evaluate(() => {
      (window as unknown as { stillHere: boolean }).stillHere = true;
    });
    const before = await rows(page);
    expect(before.length).toBeGreaterThan(2);
    const last = before.at(-1) as Row;
    expect(last.rank).toBe(`#${before.length}`);

    // Not scored by the tester yet: the inputs hold the team's rounded means, and a change alone saves
    // nothing (it would make the other two "theirs" unasked) — Enter (or Save) does.
    const posts: string[] = [];
    page.on('request', (r) => {
      if (r.method() === 'POST' && r.url().endsWith('/score')) posts.push(r.url());
    });
    await page.fill(`#${last.id} input[name=impact]`, '10');
    await page.press(`#${last.id} input[name=impact]`, 'Tab');
    await page.waitForTimeout(300);
    expect(posts).toEqual([]);
    for (const field of ['impact', 'confidence', 'ease']) {
      await page.fill(`#${last.id} input[name=${field}]`, '10');
      // Once saved they are the tester's own, and each change saves on its own.
      await page.press(`#${last.id} input[name=${field}]`, field === 'impact' ? 'Enter' : 'Tab');
      // Each change saves on its own; wait for its answer before the next one (the version moves on).
      await page.waitForFunction(
        ([id, f]) => document.querySelector(`#${id} .row-notice`)?.textContent?.includes('Saved') && f,
        [last.id, field],
      );
    }
    await page.waitForFunction(
      (id) => document.querySelector('#backlog-results li.backlog-row')?.id === id,
      last.id,
    );
    const after = await rows(page);
    expect(after[0]).toEqual({ id: last.id, rank: '#1', ice: '10.0' });
    expect(after.map((r) => r.id).sort()).toEqual(before.map((r) => r.id).sort());
    expect(await page.textContent(`#${last.id} .row-notice`)).toContain('now rank #1');
    // Same document: no navigation happened, and the saved value survives a reload.
    expect(loads).toBe(1);
    expect(await page.evaluate(() => (window as unknown as { stillHere?: boolean }).stillHere)).toBe(true);
    await page.reload();
    expect((await rows(page))[0]?.id).toBe(last.id);
    expect(problems).toEqual([]);
    await page.context().close();
  });

  it('saves with the Save button or Enter in place, and filters as you type', async () => {
    const page = await signedInPage();
    let loads = 0;
    page.on('load', () => loads++);
    await page.goto(`${base}/w/demo/backlog`);
    const row = (await rows(page)).at(-1) as Row;
    const impact = Number(await page.inputValue(`#${row.id} input[name=impact]`));
    const expected = `ICE ${((impact + 18) / 3).toFixed(1)}`;
    await page.fill(`#${row.id} input[name=confidence]`, '9');
    await page.click(`#${row.id} button.save-score`);
    await page.waitForFunction(
      (id) => document.querySelector(`#${id} .row-notice`)?.textContent?.includes('Saved'),
      row.id,
    );
    await page.fill(`#${row.id} input[name=ease]`, '9');
    await page.press(`#${row.id} input[name=ease]`, 'Enter');
    await page.waitForFunction(
      ([id, text]) => document.querySelector(`#${id} .row-notice`)?.textContent?.includes(text as string),
      [row.id, expected],
    );
    // The change event and the submit both reached the server, and neither was taken for a conflict.
    expect(await page.textContent(`#${row.id} .row-notice`)).not.toContain('Someone else');
    expect(loads).toBe(1);

    const total = (await rows(page)).length;
    await page.type('input[name=q]', 'slack', { delay: 30 });
    await page.waitForFunction(
      (n) => document.querySelectorAll('#backlog-results li.backlog-row').length < n,
      total,
    );
    expect(page.url()).toContain('q=slack');
    for (const r of await page.$$eval('#backlog-results li.backlog-row .title', (els) =>
      els.map((e) => e.textContent ?? ''),
    ))
      expect(r.toLowerCase()).toContain('slack');
    expect(loads).toBe(1);
    await page.context().close();
  });

  it('has no serious or critical axe violations on the main pages', async () => {
    // axe is injected as an inline script, which the app's Content-Security-Policy rightly forbids.
    const context = await signedIn({ bypassCSP: true });
    const page = await context.newPage();
    for (const path of [
      '/',
      '/w/demo',
      '/w/demo/backlog',
      '/w/demo/learnings',
      '/account',
      '/w/demo/members',
      '/w/demo/activity',
    ]) {
      const response = await page.goto(`${base}${path}`);
      expect(response?.status(), path).toBe(200);
      await page.addScriptTag({ content: axeSource });
      const violations = await page.evaluate(async () => {
        const axe = (
          window as unknown as {
            axe: {
              run: () => Promise<{
                violations: { id: string; impact: string; nodes: { target: string[] }[] }[];
              }>;
            };
          }
        ).axe;
        const result = await axe.run();
        return result.violations
          .filter((v) => v.impact === 'serious' || v.impact === 'critical')
          .map(
            (v) =>
              `${v.id} (${v.impact}): ${v.nodes
                .map((n) => n.target.join(' '))
                .slice(0, 3)
                .join(', ')}`,
          );
      });
      expect(violations, path).toEqual([]);
    }
    await context.close();
  });

  it('signs in through the login form, returns to the page it asked for, and signs out', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    // A private page first: the browser is sent to sign in, and back to that page afterwards.
    await page.goto(`${base}/w/demo/learnings`);
    expect(new URL(page.url()).pathname).toBe('/login');
    await page.getByLabel('Email').fill(TESTER.email);
    await page.getByLabel('Password').fill(FACTORY_PASSWORD);
    await Promise.all([
      page.waitForURL(`${base}/w/demo/learnings`),
      page.getByRole('button', { name: 'Sign in' }).click(),
    ]);
    expect(await page.textContent('h1')).toContain('Learnings');
    expect(await page.textContent('.nav-user')).toContain(TESTER.name);
    const cookies = await context.cookies(base);
    const session = cookies.find((c) => c.name === 'lodestar_session');
    expect(session).toMatchObject({ httpOnly: true, sameSite: 'Lax' });
    // A new session, not the one the other tests share.
    expect(session?.value).not.toBe(sessionId);

    // A wrong password is refused with one message, and the browser stays signed out.
    const other = await browser.newPage();
    await other.goto(`${base}/login`);
    await other.getByLabel('Email').fill(TESTER.email);
    await other.getByLabel('Password').fill('not the password');
    await other.getByRole('button', { name: 'Sign in' }).click();
    await other.waitForSelector('text=do not match');
    expect(new URL(other.url()).pathname).toBe('/login');
    await other.context().close();

    // Signing out ends this browser's session only.
    await Promise.all([
      page.waitForURL(`${base}/login`),
      page.getByRole('button', { name: 'Sign out' }).click(),
    ]);
    await page.goto(`${base}/`);
    expect(new URL(page.url()).pathname).toBe('/login');
    await context.close();
    const still = await signedInPage();
    expect((await still.goto(`${base}/`))?.status()).toBe(200);
    await still.context().close();
  });

  it('joins through an invite link: the no-referrer page’s own form is not taken for another site', async () => {
    // The invite page is sent with Referrer-Policy: no-referrer, so Chromium posts its form with Origin: null.
    const owner = await signedInPage();
    await owner.goto(`${base}/w/demo/members`);
    await owner.getByLabel('Role', { exact: true }).selectOption('editor');
    await owner.getByLabel('Who is it for?').fill('Nia');
    // The link is shown once, in the page that answers the post.
    await owner.getByRole('button', { name: 'Create invite link' }).click();
    const link = await owner.inputValue('#invite-link');
    await owner.context().close();

    const context = await browser.newContext();
    const page = await context.newPage();
    const statuses: number[] = [];
    page.on('response', (r) => statuses.push(r.status()));
    await page.goto(link);
    await page.getByLabel('Your name').fill('Nia Newcomer');
    await page.getByLabel('Email').fill('nia@example.com');
    await page.fill('input[name=password]', FACTORY_PASSWORD);
    await page.getByLabel('Password again').fill(FACTORY_PASSWORD);
    await Promise.all([
      page.waitForEvent('load'),
      page.getByRole('button', { name: 'Create account and join' }).click(),
    ]);
    expect(statuses).not.toContain(403);
    expect(page.url()).toBe(`${base}/w/demo`);
    expect(await page.textContent('.nav-user')).toContain('Nia Newcomer');
    await context.close();
  });

  it('the CSP blocks inline script, and the violation listener sees it', async () => {
    // Proves the watcher used below works under the app's CSP: an injected inline script must be refused
    // and reported, both as a securitypolicyviolation event and on the console.
    const { page, seen } = await watched();
    expect((await page.goto(`${base}/w/demo`))?.status()).toBe(200);
    await page.evaluate(() => {
      const s = document.createElement('script');
      s.textContent = 'window.__xss = 1';
      document.body.append(s);
    });
    await page.waitForFunction(() => (window as unknown as Watch).__csp.length > 0);
    expect(await page.evaluate(() => (window as unknown as Watch).__xss)).toBeUndefined();
    expect((await violations(page)).join('\n')).toContain('script-src');
    await expect.poll(() => seen.console.length).toBeGreaterThan(0);
    await page.context().close();
  });

  it('runs none of the payloads and violates no CSP on pages holding them, before and after htmx', async () => {
    const { page, seen } = await watched();
    const second = xssIds.hypotheses[1] as number;
    const paths = [
      '/',
      '/w/xss',
      '/w/xss/backlog',
      '/w/xss/backlog?status=all',
      ...xssIds.hypotheses.map((id) => `/w/xss/hypotheses/${id}`),
      '/w/xss/learnings',
      '/w/xss/metrics',
      '/w/xss/north-star',
      '/w/xss/members',
      '/w/xss/activity',
      '/w/xss/hypotheses/new',
      '/account',
    ];
    for (const path of paths) {
      expect((await page.goto(`${base}${path}`))?.status(), path).toBe(200);
      await page.waitForLoadState('networkidle');
      await expectClean(page, seen, path);
    }
    // The payloads are on the page as text.
    await page.goto(`${base}/w/xss/learnings`);
    expect(await page.textContent('#learning-results')).toContain(XSS.script);

    // htmx: rescore a row inline (a POST through the CSRF check), then search with a payload.
    await page.goto(`${base}/w/xss/backlog`);
    const row = `#h-${second}`;
    await page.fill(`${row} input[name=impact]`, '10');
    await page.press(`${row} input[name=impact]`, 'Enter');
    await page.waitForFunction(
      (id) => document.querySelector(`${id} .row-notice`)?.textContent?.includes('Saved'),
      row,
    );
    await page.type('input[name=q]', XSS.script, { delay: 10 });
    await page.waitForFunction(() => new URL(location.href).searchParams.get('q')?.includes('</script>'));
    await page.waitForLoadState('networkidle');
    expect(await page.inputValue('input[name=q]')).toBe(XSS.script);
    await expectClean(page, seen, 'backlog after rescoring and searching');

    // A learning's status changed in place (another htmx POST), on the page that lists the payloads.
    await page.goto(`${base}/w/xss/learnings`);
    const item = page.locator('#learning-results li').filter({ hasText: XSS.img }).first();
    await item.locator('select[name=status]').selectOption('supported');
    await item.getByText('Status set to supported').waitFor();
    await page.type('input[name=q]', XSS.hx, { delay: 10 });
    await page.waitForFunction(() => new URL(location.href).searchParams.get('q')?.includes('hx-get'));
    await page.waitForLoadState('networkidle');
    await expectClean(page, seen, 'learnings after a status change and a search');
    // The server recorded both changes: the browser's htmx POSTs passed the CSRF check.
    // The tester's own score was saved (their form started from the team's rounded means), and the
    // hypothesis now holds the team's mean: the payload-named editor's Impact 2 and the tester's 10.
    const mine = await database.client.execute({
      sql: `select s.impact, s.confidence, s.ease from member_scores s join users u on u.id = s.user_id
            where s.hypothesis_id = ? and u.email = ?`,
      args: [second, TESTER.email],
    });
    expect(mine.rows.map((r) => [r.impact, r.confidence, r.ease].map(Number))).toEqual([[10, 5, 5]]);
    const h = await database.client.execute({
      sql: 'select impact from hypotheses where id = ?',
      args: [second],
    });
    expect(Number(h.rows[0]?.impact)).toBe(6);
    const l = await database.client.execute({
      sql: "select count(*) as n from learnings where instr(statement, ?) > 0 and status = 'supported'",
      args: [XSS.img],
    });
    expect(Number(l.rows[0]?.n)).toBe(1);
    await page.context().close();
  });
});

type Watch = { __xss?: number; __csp: string[] };

/**
 * A signed-in page that records what must never happen: script execution from user text (window.__xss,
 * a dialog, a request to the payload's /x), CSP violations (the securitypolicyviolation event, registered
 * before any page script, and the console's "Refused to…" messages), and page errors.
 */
async function watched() {
  const context = await signedIn();
  await context.addInitScript(() => {
    const w = window as unknown as Watch;
    w.__csp = [];
    document.addEventListener('securitypolicyviolation', (e) =>
      w.__csp.push(`${e.violatedDirective} blocked ${e.blockedURI} in ${e.sourceFile}:${e.lineNumber}`),
    );
  });
  const page = await context.newPage();
  const seen = {
    console: [] as string[],
    errors: [] as string[],
    dialogs: [] as string[],
    requests: [] as string[],
  };
  page.on('console', (m) => {
    if (/Content Security Policy|Refused to/i.test(m.text())) seen.console.push(m.text());
    else if (m.type() === 'error') seen.errors.push(m.text());
  });
  page.on('pageerror', (e) => seen.errors.push(String(e)));
  page.on('dialog', (d) => {
    seen.dialogs.push(d.message());
    void d.dismiss();
  });
  page.on('request', (r) => {
    const url = new URL(r.url());
    if (url.origin !== base || url.pathname === '/x' || url.protocol === 'javascript:')
      seen.requests.push(r.url());
  });
  return { page, seen };
}

const violations = (page: Page) => page.evaluate(() => (window as unknown as Watch).__csp);

async function expectClean(page: Page, seen: Awaited<ReturnType<typeof watched>>['seen'], where: string) {
  expect(await page.evaluate(() => (window as unknown as Watch).__xss), where).toBeUndefined();
  expect(await violations(page), where).toEqual([]);
  expect(seen, where).toEqual({ console: [], errors: [], dialogs: [], requests: [] });
  // The document as the browser parsed it: no element, attribute or URL came out of user text.
  const live = await page.evaluate(() => ({
    inlineScripts: document.querySelectorAll('script:not([src])').length,
    payloadElements: document.querySelectorAll('img[src="x"], [hx-get="/x"], [data-hx-get="/x"]').length,
    handlers: [...document.querySelectorAll('*')].flatMap((el) =>
      [...el.attributes]
        .filter((a) => /^on|^hx-on|^style$/i.test(a.name))
        .map((a) => `${el.tagName} ${a.name}`),
    ),
    jsUrls: [...document.querySelectorAll('[href], [src], [action]')]
      .map((el) => el.getAttribute('href') ?? el.getAttribute('src') ?? el.getAttribute('action') ?? '')
      .filter((u) => /^\s*javascript:/i.test(u)),
  }));
  expect(live, where).toEqual({ inlineScripts: 0, payloadElements: 0, handlers: [], jsUrls: [] });
}
