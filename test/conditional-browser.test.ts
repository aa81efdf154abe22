import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../db/client';
import { makeHypothesis, makeInput, makeMember, makeWorkspace, scoreAs } from '../db/factories';
import type { User, Workspace } from '../db/schema';
import { createSession } from '../src/accounts/sessions';
import { createApp } from '../src/app';
import { launchChromium, serveFetch, sessionCookie } from './browser-kit';
import { ownedDb } from './helpers';

// Conditional GET in real Chromium: the browser keeps pages (`private, no-cache` + ETag) and revalidates them,
// htmx's fetches go through the same HTTP cache, and a 304 must still leave the right content on screen.
// The server counts what it answered, so the test sees 304s on the wire, not the browser's view of them.

let browser: Browser;
let db: Db;
let base: string;
let stop: () => void;
let ws: Workspace;
let owner: User;
let hypothesisId: number;
const answered: { path: string; status: number; htmx: boolean }[] = [];

beforeAll(async () => {
  const owned = await ownedDb();
  db = owned.db;
  ws = await makeWorkspace(db, { name: 'Growth', slug: 'growth' });
  const metric = await makeInput(db, ws, { name: 'Activation rate' });
  owner = await makeMember(db, ws, 'owner', { name: 'Olive Owner' });
  hypothesisId = (await makeHypothesis(db, ws, { metricId: metric.id, title: 'Onboarding checklist' })).id;
  await makeHypothesis(db, ws, { metricId: metric.id, title: 'Pricing page FAQ', impact: 2 });
  const app = createApp({ db, logLevel: 'silent' });
  const served = await serveFetch(async (req) => {
    const res = await app.fetch(req);
    const url = new URL(req.url);
    answered.push({
      path: url.pathname + url.search,
      status: res.status,
      htmx: req.headers.has('hx-request'),
    });
    return res;
  });
  base = served.base;
  stop = () => {
    served.close();
    owned.dispose();
  };
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  stop?.();
});

async function signedInPage(): Promise<Page> {
  const context = await browser.newContext();
  await context.addCookies([sessionCookie(base, await createSession(db, owner.id))]);
  return context.newPage();
}

const backlogAnswers = () => answered.filter((a) => a.path.startsWith('/w/growth/backlog'));

describe('conditional GET in the browser', () => {
  it('revalidates a reloaded page and gets 304 while nothing changed, 200 once something did', async () => {
    const page = await signedInPage();
    await page.goto(`${base}/w/growth/backlog`);
    expect(await page.locator('h1').textContent()).toBe('Backlog');
    const before = backlogAnswers().length;
    await page.reload();
    expect(await page.locator('h1').textContent()).toBe('Backlog');
    expect(
      backlogAnswers()
        .slice(before)
        .map((a) => a.status),
    ).toEqual([304]);
    // Another member's score: the same address now answers in full, and shows it.
    const other = await makeMember(db, ws, 'editor', { name: 'Ed Editor' });
    await scoreAs(db, ws, { id: hypothesisId }, other, { impact: 10, confidence: 10, ease: 10 });
    const mark = backlogAnswers().length;
    await page.reload();
    expect(
      backlogAnswers()
        .slice(mark)
        .map((a) => a.status),
    ).toEqual([200]);
    expect(await page.locator(`#h-${hypothesisId} .team-line`).textContent()).toContain('1 scorer');
    await page.context().close();
  });

  it('lets htmx filter through the cache: a 304 still swaps in the right list, never the whole page', async () => {
    const page = await signedInPage();
    await page.goto(`${base}/w/growth/backlog`);
    const status = page.locator('#status');
    const rows = page.locator('#backlog-results li.backlog-row');
    const settled = () => page.waitForFunction(() => !document.querySelector('.htmx-request'));
    await status.selectOption('all');
    await settled();
    await page.waitForURL(/status=all/);
    await status.selectOption('parked');
    await settled();
    await page.waitForFunction(() =>
      document.querySelector('#backlog-results')?.textContent?.includes('No parked hypotheses'),
    );
    const mark = backlogAnswers().length;
    await status.selectOption('all');
    await settled();
    await page.waitForFunction(
      () => document.querySelectorAll('#backlog-results li.backlog-row').length === 2,
    );
    const again = backlogAnswers().slice(mark);
    expect(again.map((a) => [a.status, a.htmx])).toEqual([[304, true]]);
    expect(await rows.count()).toBe(2);
    // One layout, one list: the fragment went into the page, not a page into the page.
    expect(await page.locator('header.top').count()).toBe(1);
    expect(await page.locator('#backlog-results').count()).toBe(1);
    // The pushed address, reloaded, is a navigation: the full page, never the fragment kept for htmx.
    await page.reload();
    expect(await page.locator('header.top').count()).toBe(1);
    expect(await page.locator('h1').textContent()).toBe('Backlog');
    expect(await rows.count()).toBe(2);
    await page.context().close();
  });
});
