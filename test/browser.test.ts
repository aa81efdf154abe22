import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { type Browser, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedDemo } from '../db/seed';
import { createApp } from '../src/app';
import { ownedDb } from './helpers';

// Real Chromium (Debian's package, installed by .ci/run) against the real server on a loopback port.
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const require = createRequire(import.meta.url);
const axeSource = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

let browser: Browser;
let base: string;
let close: () => void;

beforeAll(async () => {
  if (!existsSync(CHROMIUM))
    throw new Error(`Chromium not found at ${CHROMIUM}: apt-get install -y chromium (see .ci/run).`);
  const { db, dispose } = await ownedDb();
  await seedDemo(db);
  const app = createApp({ db, logLevel: 'silent' });
  const server = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' });
  await new Promise<void>((resolve) => server.once('listening', () => resolve()));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  close = () => {
    server.close();
    dispose();
  };
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
  });
});

afterAll(async () => {
  await browser?.close();
  close?.();
});

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
    const page = await browser.newPage();
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

    for (const field of ['impact', 'confidence', 'ease']) {
      await page.fill(`#${last.id} input[name=${field}]`, '10');
      await page.press(`#${last.id} input[name=${field}]`, 'Tab');
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
    await page.close();
  });

  it('saves with the Save button or Enter in place, and filters as you type', async () => {
    const page = await browser.newPage();
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
    await page.close();
  });

  it('has no serious or critical axe violations on the home, backlog and learnings pages', async () => {
    // axe is injected as an inline script, which the app's Content-Security-Policy rightly forbids.
    const context = await browser.newContext({ bypassCSP: true });
    const page = await context.newPage();
    for (const path of ['/', '/w/demo', '/w/demo/backlog', '/w/demo/learnings']) {
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
});
