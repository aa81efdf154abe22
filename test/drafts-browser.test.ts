import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../db/client';
import { closeAs, makeHypothesis, makeInput, makeUser, makeWorkspace } from '../db/factories';
import { createSession } from '../src/accounts/sessions';
import { createApp } from '../src/app';
import { playbookDrafter } from '../src/drafts/playbook';
import type { Drafter } from '../src/drafts/types';
import { requireHypothesis } from '../src/hypotheses/hypotheses';
import { axeSource, launchChromium, serveFetch, sessionCookie } from './browser-kit';
import { ownedDb } from './helpers';

// A playbook run in real Chromium: ask for drafts, follow the run page while it works (htmx polling), read the
// result, accept a draft, and check the run page with axe both while running and when done. The playbook is
// held back until the test has seen the running page, so the progress state is really exercised.

let browser: Browser;
let base: string;
let db: Db;
let sid: string;
let release: () => void = () => {};
let stop: () => void = () => {};
let wsId = 0;

beforeAll(async () => {
  const owned = await ownedDb();
  db = owned.db;
  const ada = await makeUser(db, { name: 'Ada Owner', serverOwner: true });
  const ws = await makeWorkspace(db, { slug: 'team', ownerId: ada.id });
  wsId = ws.id;
  const metric = await makeInput(db, ws, { name: 'Activation rate' });
  const won = await makeHypothesis(db, ws, {
    metricId: metric.id,
    title: 'Checklist on the empty board',
    change: 'show a three-step checklist on the empty board',
    estimatedDays: 2,
  });
  await closeAs(db, ws, won, { outcome: 'won', actualDays: 2 });
  sid = await createSession(db, ada.id);
  const playbook = playbookDrafter();
  const gate = new Promise<void>((r) => {
    release = r;
  });
  const held: Drafter = {
    kind: playbook.kind,
    source: playbook.source,
    draft: async (ctx, signal) => {
      await gate;
      return playbook.draft(ctx, signal);
    },
  };
  const app = createApp({ db, logLevel: 'silent', drafter: held });
  const served = await serveFetch(app.fetch);
  base = served.base;
  stop = () => {
    served.close();
    owned.dispose();
  };
  browser = await launchChromium();
});

afterAll(async () => {
  release();
  await browser?.close();
  stop();
});

async function axeViolations(page: Page) {
  await page.evaluate(axeSource);
  return page.evaluate(async () => {
    const w = window as unknown as {
      axe: { run: (d: Document) => Promise<{ violations: { id: string; nodes: unknown[] }[] }> };
    };
    return (await w.axe.run(document)).violations.map((v) => `${v.id} (${v.nodes.length})`);
  });
}

describe('drafts in a browser', () => {
  it('drafts from the playbook, follows the run to its drafts, accepts one, and passes axe', async () => {
    const context = await browser.newContext();
    await context.addCookies([sessionCookie(base, sid)]);
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(`${base}/w/team/drafts`);
    await page.getByLabel('For', { exact: true }).selectOption({ label: 'Activation rate' });
    await page.getByLabel('How many', { exact: true }).fill('3');
    await page.getByRole('button', { name: 'Draft hypotheses' }).click();
    await page.waitForURL(/\/w\/team\/drafts\/runs\/\d+$/);
    await page.locator('#draft-run.running').waitFor();
    expect(await page.locator('#draft-run').innerText()).toContain('Drafting from the playbook…');
    expect(await axeViolations(page)).toEqual([]);

    release();
    // htmx polls the section every second and swaps in the result.
    await page.locator('#draft-run:not(.running)').waitFor({ timeout: 5000 });
    const text = await page.locator('#draft-run').innerText();
    expect(text).toMatch(/\d drafts? ready for triage\./);
    expect(text).toContain('Checklist on the empty board');
    expect(text).toContain('extend a win to another segment or surface');
    expect(await axeViolations(page)).toEqual([]);

    const card = page.locator('.draft-card').first();
    const title = await card.locator('h3').innerText();
    const href = await card.locator('h3 a').getAttribute('href');
    await card.getByRole('button', { name: /^Accept to backlog/ }).click();
    await page.getByText('Draft accepted: it is in the backlog, ready to score.').waitFor();
    const id = Number(/\/hypotheses\/(\d+)$/.exec(href ?? '')?.[1]);
    const accepted = await requireHypothesis(db, { id: wsId } as never, id);
    expect(accepted).toMatchObject({ title, status: 'backlog', draftSource: 'playbook' });
    expect(errors).toEqual([]);
    await context.close();
  }, 15_000);
});
