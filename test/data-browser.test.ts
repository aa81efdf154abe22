import type { Browser, BrowserContextOptions, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../db/client';
import { makeUser } from '../db/factories';
import { type Workspace, webhookDeliveries } from '../db/schema';
import { seedDemo } from '../db/seed';
import { addMember } from '../src/accounts/members';
import { createSession } from '../src/accounts/sessions';
import { createWebhook } from '../src/webhooks/webhooks';
import { axeSource, launchChromium, serveApp, sessionCookie } from './browser-kit';
import { ownedDb } from './helpers';

// Real Chromium against the real server: the CSV import as a growth team uses it (a spreadsheet's file, the
// keyboard, fixing rows in place), and axe on the import, preview and webhook pages at desktop and phone widths.

let browser: Browser;
let base: string;
let close: () => void;
let sessionId: string;
let database: Db;
let demo: Workspace;
let hookId: number;

beforeAll(async () => {
  const { db, dispose } = await ownedDb();
  database = db;
  demo = await seedDemo(db);
  const tester = await makeUser(db, { email: 'tess@example.com', name: 'Tess Tester', serverOwner: true });
  await addMember(db, demo.id, tester, 'owner');
  sessionId = await createSession(db, tester.id);
  // A webhook with a delivered message in its log (written directly: nothing is sent anywhere).
  const hook = await createWebhook(db, demo, {
    url: 'https://hooks.slack.com/services/T000/B000/secret',
    label: '#growth',
    events: ['experiment.closed'],
    active: true,
  });
  hookId = hook.id;
  const long = Array.from({ length: 80 }, (_, i) => `Line ${i} of a long meeting summary`).join('\n');
  await db.write((tx) =>
    tx.insert(webhookDeliveries).values({
      workspaceId: demo.id,
      webhookId: hook.id,
      event: 'meeting.summary',
      payload: { text: long, event: 'meeting.summary' },
      status: 'delivered',
      attempts: 1,
      lastStatusCode: 200,
      lastDurationMs: 42,
      createdAt: Date.now() - 60_000,
      deliveredAt: Date.now() - 59_000,
    }),
  );
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

async function signedInPage(options: BrowserContextOptions = {}): Promise<Page> {
  const context = await browser.newContext(options);
  await context.addCookies([sessionCookie(base, sessionId)]);
  return context.newPage();
}

/** Presses Tab until the focused element matches, as a keyboard user would; fails after `max` presses. */
async function tabTo(page: Page, selector: string, max = 60) {
  for (let i = 0; i < max; i++) {
    await page.keyboard.press('Tab');
    if (await page.evaluate((s) => document.activeElement?.matches(s) ?? false, selector)) return;
  }
  throw new Error(`Tab never reached ${selector}`);
}

async function seriousViolations(page: Page): Promise<string[]> {
  await page.addScriptTag({ content: axeSource });
  return page.evaluate(async () => {
    const axe = (
      window as unknown as {
        axe: {
          run: () => Promise<{ violations: { id: string; impact: string; nodes: { target: string[] }[] }[] }>;
        };
      }
    ).axe;
    const result = await axe.run();
    return result.violations
      .filter((v) => v.impact === 'serious' || v.impact === 'critical')
      .map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
  });
}

const hypothesesFile = [
  'Idea,Input metric,Impact,Confidence,Ease,Status,Result,Actual days,Return,Learning,Closed',
  '"Rename ""Boards"" to ""Projects""",Activation rate,6,5,7,,,,,,',
  'Welcome email day 2,Invite conversion,5,5,5,done,lost,2,3,"Timing matters\nSubject lines matter",2025-01-15',
  'Streak badges,Activaton rate,4,4,4,,,,,,',
].join('\r\n');

describe('csv import in a real browser', () => {
  it('previews a spreadsheet’s file, numbers rows as the spreadsheet does, and is fixed and confirmed by keyboard', async () => {
    const page = await signedInPage();
    await page.goto(`${base}/w/demo/data`);
    await page.setInputFiles('#hypotheses-file', {
      name: 'backlog.csv',
      mimeType: 'text/csv',
      buffer: Buffer.from(`\uFEFF${hypothesesFile}`),
    });
    await page.focus('#hypotheses-file');
    await tabTo(page, 'section[aria-labelledby=import-hypotheses] button[type=submit]');
    await Promise.all([page.waitForURL(/\/import\/hypotheses\/preview$/), page.keyboard.press('Enter')]);
    const main = page.locator('main');
    await expect.poll(() => main.innerText()).toContain('Nothing can be imported yet: 1 problem to fix.');
    // The typo is on the spreadsheet's row 4, even though the learning above it spans two lines of the file.
    const typoRow = page.locator('tr.has-row-error');
    expect(await typoRow.locator('td').first().innerText()).toBe('4');
    expect(await typoRow.innerText()).toContain('Metric “Activaton rate” is not an input metric here');

    // Fix the typo in the box on the page, by keyboard, and check again.
    await tabTo(page, '#hypotheses-text');
    const text = await page.inputValue('#hypotheses-text');
    await page.keyboard.press('ControlOrMeta+a');
    await page.keyboard.insertText(text.replace('Activaton', 'Activation'));
    await tabTo(page, '.fix-form button[type=submit]');
    await Promise.all([page.waitForURL(/\/import\/hypotheses\/preview$/), page.keyboard.press('Enter')]);
    await expect.poll(() => main.innerText()).toContain('Ready: 3 hypotheses will be created');
    expect(await main.innerText()).toContain('Rename "Boards" to "Projects"');

    await tabTo(page, '.commit-form button[type=submit]');
    await Promise.all([page.waitForURL(/\/backlog\?/), page.keyboard.press('Enter')]);
    expect(await main.innerText()).toContain('Imported 3 hypotheses.');
    const learnings = await database.client.execute(
      "select statement from learnings where statement in ('Timing matters', 'Subject lines matter')",
    );
    expect(learnings.rows).toHaveLength(2);
    await page.context().close();
  });

  it('has no serious axe violations on the import page, both previews and the webhook pages', async () => {
    const measurements = 'Week\tActivation rate\tInvite conversion\n2025-W10\t31.5\t20.1\n2025-W11\t32\t\n';
    for (const viewport of [
      { width: 1280, height: 900 },
      { width: 375, height: 800 },
    ]) {
      const page = await signedInPage({ bypassCSP: true, viewport });
      const check = async (what: string) =>
        expect(await seriousViolations(page), `${what} at ${viewport.width}px`).toEqual([]);

      await page.goto(`${base}/w/demo/data`);
      for (const summary of await page.locator('details summary').all()) await summary.click();
      await check('/w/demo/data');

      await page.fill('#hypotheses-text', hypothesesFile);
      await Promise.all([
        page.waitForURL(/preview$/),
        page.click('section[aria-labelledby=import-hypotheses] button[type=submit]'),
      ]);
      await check('hypotheses preview');

      await page.goto(`${base}/w/demo/data`);
      await page.fill('#measurements-text', measurements);
      await Promise.all([
        page.waitForURL(/preview$/),
        page.click('section[aria-labelledby=import-measurements] button[type=submit]'),
      ]);
      await check('measurements preview');

      await page.goto(`${base}/w/demo/settings/webhooks`);
      await check('webhooks');
      await page.goto(`${base}/w/demo/settings/webhooks/${hookId}`);
      await page.click('#log details summary');
      await check('webhook with its payload open');
      await page.context().close();
    }
  });
});
