import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../db/client';
import { makeUser } from '../db/factories';
import type { Metric, Workspace } from '../db/schema';
import { seedDemo } from '../db/seed';
import { addMember } from '../src/accounts/members';
import { createSession } from '../src/accounts/sessions';
import { deleteMeasurement, listMeasurements } from '../src/measurements/measurements';
import { periodLabel, periodOf } from '../src/measurements/periods';
import { activeInputs } from '../src/metrics/metrics';
import { createShareLink } from '../src/share/links';
import { axeSource, launchChromium, serveApp, sessionCookie } from './browser-kit';
import { ownedDb } from './helpers';

// Issue 5's pages in real Chromium against the real server, on the demo workspace: the North Star tree with
// its tiles and correlations, a metric's page with its annotated chart, and the stakeholder digest opened
// without an account. Each must have no axe violation at all, and a value added on the metric page must
// update the tile and the table in place (htmx), under the app's real Content-Security-Policy.

let browser: Browser;
let base: string;
let close: () => void;
let db: Db;
let ws: Workspace;
let metric: Metric;
let sessionId: string;
let token: string;
/** The current period of the metric: its value is removed first, so the browser adds it. */
let period: string;

beforeAll(async () => {
  const owned = await ownedDb();
  db = owned.db;
  ws = await seedDemo(db);
  const tester = await makeUser(db, { email: 'tester@example.com', name: 'Tess Tester', serverOwner: true });
  await addMember(db, ws.id, tester, 'owner');
  sessionId = await createSession(db, tester.id);
  token = (await createShareLink(db, ws.id, { label: 'For the exec team', createdBy: tester.id })).token;
  const [input] = await activeInputs(db, ws);
  if (!input) throw new Error('the demo has input metrics');
  metric = input;
  period = periodOf(Date.now(), metric.cadence, ws.timeZone);
  if ((await listMeasurements(db, ws, metric.id)).some((r) => r.period === period))
    await deleteMeasurement(db, ws, metric, period);
  const served = await serveApp(db);
  base = served.base;
  close = () => {
    served.close();
    owned.dispose();
  };
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  close?.();
});

type Violation = { id: string; impact: string; nodes: { target: string[] }[] };

/** Every axe violation on the page, whatever its impact, as "rule (impact): first targets". */
async function axeViolations(page: Page): Promise<string[]> {
  await page.addScriptTag({ content: axeSource });
  return page.evaluate(async () => {
    const axe = (window as unknown as { axe: { run: () => Promise<{ violations: Violation[] }> } }).axe;
    const { violations } = await axe.run();
    return violations.map(
      (v) =>
        `${v.id} (${v.impact}): ${v.nodes
          .slice(0, 3)
          .map((n) => n.target.join(' '))
          .join(', ')}`,
    );
  });
}

describe('integrations in a browser', () => {
  it('tree, metric page and digest pass axe; a value added on the metric page updates tile and table in place', async () => {
    // axe is injected as an inline script, which the app's CSP rightly forbids: its own contexts bypass it.
    const audit = await browser.newContext({ bypassCSP: true });
    audit.setDefaultTimeout(5000);
    await audit.addCookies([sessionCookie(base, sessionId)]);
    const anonymous = await browser.newContext({ bypassCSP: true });
    anonymous.setDefaultTimeout(5000);
    const pages: [Page, string, string][] = [
      [await audit.newPage(), `/w/${ws.slug}`, 'Moves with the North Star?'],
      [await audit.newPage(), `/w/${ws.slug}/metrics/${metric.id}`, 'Experiments aimed at it'],
      [await anonymous.newPage(), `/share/${token}`, 'North Star and its inputs'],
    ];
    for (const [page, path, heading] of pages) {
      const res = await page.goto(`${base}${path}`);
      expect(res?.status(), path).toBe(200);
      await expect(page.getByText(heading).first().isVisible(), path).resolves.toBe(true);
      expect(await axeViolations(page), path).toEqual([]);
    }
    await audit.close();
    await anonymous.close();

    // The interaction, under the real CSP: any blocked script or style would show up as a console error.
    const context = await browser.newContext();
    context.setDefaultTimeout(5000);
    await context.addCookies([sessionCookie(base, sessionId)]);
    const page = await context.newPage();
    const problems: string[] = [];
    page.on('pageerror', (e) => problems.push(String(e)));
    page.on('console', (m) => {
      if (m.type() === 'error') problems.push(m.text());
    });
    let loads = 0;
    page.on('load', () => {
      loads += 1;
    });
    await page.goto(`${base}/w/${ws.slug}/metrics/${metric.id}`);
    await page.evaluate(() => {
      (window as unknown as { stayed: boolean }).stayed = true;
    });
    const tile = page.locator(`#kpi-${metric.id}`);
    const row = page.locator(`[id="v-${period}"]`);
    expect(await row.count()).toBe(0);
    expect(await tile.locator('.kpi-period').innerText()).not.toBe(periodLabel(period, metric.cadence));

    // The period is prefilled with the current one; Enter in the value saves.
    expect(await page.inputValue('#f-period')).toBe(period);
    await page.fill('#f-value', '47.5');
    await page.press('#f-value', 'Enter');
    await row.waitFor();
    expect(await row.innerText()).toContain('47.5');
    expect(await tile.locator('.kpi-number').innerText()).toBe('47.5');
    expect(await tile.locator('.kpi-period').innerText()).toBe(periodLabel(period, metric.cadence));
    expect(await page.getByRole('status').innerText()).toContain(
      `Saved 47.5 for ${periodLabel(period, metric.cadence)}.`,
    );
    // Swapped in place: no page load, the same window.
    expect(loads).toBe(1);
    expect(await page.evaluate(() => (window as unknown as { stayed?: boolean }).stayed)).toBe(true);
    expect(problems).toEqual([]);
    const stored = await listMeasurements(db, ws, metric.id);
    expect(stored.find((r) => r.period === period)?.value).toBe(47.5);
    await context.close();
  }, 30_000);
});
