import type { Browser, BrowserContext, BrowserContextOptions, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../db/client';
import {
  makeHypothesis,
  makeInput,
  makeMember,
  makeUser,
  makeWorkspace,
  moveTo,
  scoreAs,
} from '../db/factories';
import type { User } from '../db/schema';
import { removeMember } from '../src/accounts/members';
import { createSession } from '../src/accounts/sessions';
import { requireHypothesis } from '../src/hypotheses/hypotheses';
import { scoresOf } from '../src/hypotheses/member-scores';
import { axeSource, launchChromium, serveApp, sessionCookie } from './browser-kit';
import { ownedDb } from './helpers';

// Two members on the meeting page at once, in real Chromium against the real server (as test/browser.test.ts).

let browser: Browser;
let base: string;
let close: () => void;
let db: Db;
let ada: User;
let ben: User;
const sessions = new Map<number, string>();
const ids = { scored: 0, typed: 0, runA: 0, runB: 0 };
let wsRef: Awaited<ReturnType<typeof makeWorkspace>>;

beforeAll(async () => {
  const owned = await ownedDb();
  db = owned.db;
  ada = await makeUser(db, { name: 'Ada Owner', serverOwner: true });
  const ws = await makeWorkspace(db, { slug: 'team', ownerId: ada.id });
  wsRef = ws;
  ben = await makeMember(db, ws, 'editor', { name: 'Ben Editor' });
  const metric = await makeInput(db, ws, { name: 'Activation rate' });
  const h = (title: string) => makeHypothesis(db, ws, { metricId: metric.id, title });
  ids.scored = (await h('Welcome checklist')).id;
  ids.typed = (await h('Invite nudge')).id;
  await makeHypothesis(db, ws, { metricId: metric.id, title: 'Slack digest', status: 'draft' });
  ids.runA = (await moveTo(db, ws, await h('Empty-state tips'), 'running')).id;
  ids.runB = (await moveTo(db, ws, await h('Template gallery'), 'running')).id;
  for (const u of [ada, ben])
    await scoreAs(db, ws, { id: ids.typed }, u, { impact: 5, confidence: 5, ease: 5 });
  for (const u of [ada, ben]) sessions.set(u.id, await createSession(db, u.id));
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

async function signedIn(user: User, options: BrowserContextOptions = {}): Promise<BrowserContext> {
  const context = await browser.newContext(options);
  // A step that cannot happen fails in seconds, naming the step, rather than at the test's own timeout.
  context.setDefaultTimeout(5000);
  await context.addCookies([sessionCookie(base, sessions.get(user.id) ?? '')]);
  return context;
}

/** The meeting page as this member, connected to its live stream; records page errors and loads. */
async function meetingAs(user: User) {
  const page = await (await signedIn(user)).newPage();
  const problems: string[] = [];
  page.on('pageerror', (e) => problems.push(String(e)));
  page.on('console', (m) => {
    if (m.type() === 'error') problems.push(m.text());
  });
  let loads = 0;
  page.on('load', () => loads++);
  // Streams asked for, and the most open at once. A page may legitimately reconnect (the SSE extension pauses
  // a stream while the tab is hidden and resumes it after), but never holds two streams at the same time.
  let streams = 0;
  let open = 0;
  let mostOpen = 0;
  const isStream = (r: { url(): string }) => r.url().includes('/meeting/events');
  page.on('request', (r) => {
    if (!isStream(r)) return;
    streams++;
    mostOpen = Math.max(mostOpen, ++open);
  });
  page.on('requestfinished', (r) => {
    if (isStream(r)) open--;
  });
  page.on('requestfailed', (r) => {
    if (isStream(r)) open--;
  });
  expect((await page.goto(`${base}/w/team/meeting`))?.status()).toBe(200);
  await page.waitForSelector('#m-live[data-state="on"]');
  return { page, problems, loads: () => loads, streams: () => streams, mostOpen: () => mostOpen };
}

const teamScores = (page: Page, id: number) =>
  page.$eval(`#mb-${id} .m-figures dd`, (el) => el.textContent?.trim() ?? '');

/** Ada saves her own score through her page's form, and waits for her answer. */
async function adaScores(page: Page, id: number, s: [number, number, number]) {
  for (const [i, k] of ['impact', 'confidence', 'ease'].entries())
    await page.fill(`#ms-${id}-${k}`, String(s[i]));
  await Promise.all([
    page.waitForResponse((r) => r.url().endsWith(`/hypotheses/${id}/score`) && r.status() === 200),
    page.click(`#score-form-${id} button[type=submit]`),
  ]);
}

describe('meeting in the browser', () => {
  it("shows one member's score on another member's page within 2 s, without a reload", async () => {
    const a = await meetingAs(ada);
    const b = await meetingAs(ben);
    await adaScores(a.page, ids.scored, [9, 9, 6]);
    const t0 = Date.now();
    await b.page.waitForFunction(
      (id) => document.querySelector(`#mb-${id} .ice`)?.textContent === '8.0',
      ids.scored,
      { timeout: 2000 },
    );
    expect(Date.now() - t0).toBeLessThan(2000);
    expect(await teamScores(b.page, ids.scored)).toBe('9.0 · 9.0 · 6.0');
    expect(await b.page.textContent(`#mb-${ids.scored} .m-who`)).toContain('Ada Owner');
    expect(b.loads()).toBe(1);
    // One stream per page at any time (the SSE extension and the page script never both connect).
    expect([a.mostOpen(), b.mostOpen()]).toEqual([1, 1]);
    expect([...a.problems, ...b.problems]).toEqual([]);
    await a.page.context().close();
    await b.page.context().close();
  });

  it('keeps what a member is typing (and where) while others change the same sections', async () => {
    const a = await meetingAs(ada);
    const b = await meetingAs(ben);
    // Ben is halfway through his own score for "Invite nudge", the cursor in Confidence.
    await b.page.fill(`#ms-${ids.typed}-impact`, '8');
    await b.page.click(`#ms-${ids.typed}-confidence`);
    await b.page.keyboard.press('Control+A');
    await b.page.keyboard.type('3');
    // …and has opened the close form of one running experiment and started on its learning.
    await b.page.click(`#mr-${ids.runB} summary`);
    await b.page.fill(`#c${ids.runB}-newStatement`, 'Galleries help');
    // …and typed a new capacity for the batch without saving it yet.
    const capacity = await b.page.getAttribute('#m-batch input[name=capacityDays]', 'id');
    await b.page.fill(`#${capacity}`, '14');
    await b.page.focus(`#ms-${ids.typed}-confidence`);

    // Ada rescores the same item, saves another capacity, and closes the other running experiment.
    await adaScores(a.page, ids.typed, [9, 9, 9]);
    await a.page.fill(`#${capacity}`, '12');
    await Promise.all([
      a.page.waitForResponse((r) => r.url().endsWith('/capacity') && r.status() === 200),
      a.page.click('#m-batch .m-capacity-form button[type=submit]'),
    ]);
    await a.page.click(`#mr-${ids.runA} summary`);
    await a.page.fill(`#c${ids.runA}-newStatement`, 'Tips on empty states are read');
    await Promise.all([
      a.page.waitForResponse((r) => r.url().endsWith(`/hypotheses/${ids.runA}/close`) && r.status() === 200),
      a.page.click(`#close-form-${ids.runA} button[type=submit]`),
    ]);
    await b.page.waitForFunction((id) => !document.getElementById(`mr-${id}`), ids.runA, { timeout: 2000 });
    await b.page.waitForFunction(
      (id) => document.querySelector(`#mb-${id} .m-figures dd`)?.textContent?.startsWith('7.0'),
      ids.typed,
      { timeout: 2000 },
    );
    // Ben's values, his focus and his open close form all survived.
    expect(await b.page.inputValue(`#ms-${ids.typed}-impact`)).toBe('8');
    expect(await b.page.inputValue(`#ms-${ids.typed}-confidence`)).toBe('3');
    expect(await b.page.evaluate(() => document.activeElement?.id)).toBe(`ms-${ids.typed}-confidence`);
    expect(await b.page.inputValue(`#c${ids.runB}-newStatement`)).toBe('Galleries help');
    expect(await b.page.$eval(`#mr-${ids.runB} details`, (d) => (d as HTMLDetailsElement).open)).toBe(true);
    expect(await b.page.textContent('#m-learnings')).toContain('Tips on empty states are read');
    await b.page.waitForFunction(() =>
      document.querySelector('#m-batch .m-capacity')?.textContent?.includes('of 12'),
    );
    expect(await b.page.inputValue(`#${capacity}`)).toBe('14');

    // Ben saves: his own score is stored beside Ada's, and his form shows what he saved.
    await Promise.all([
      b.page.waitForResponse((r) => r.url().endsWith(`/hypotheses/${ids.typed}/score`) && r.status() === 200),
      b.page.keyboard.press('Enter'),
    ]);
    await b.page.waitForSelector('#m-notice .alert.ok');
    const scores = (await scoresOf(db, wsRef, [ids.typed])).get(ids.typed) ?? [];
    expect(scores.map((s) => [s.name, s.impact, s.confidence, s.ease])).toEqual([
      ['Ada Owner', 9, 9, 9],
      ['Ben Editor', 8, 3, 5],
    ]);
    expect(await b.page.inputValue(`#ms-${ids.typed}-confidence`)).toBe('3');
    expect(b.loads()).toBe(1);
    expect([...a.problems, ...b.problems]).toEqual([]);
    await a.page.context().close();
    await b.page.context().close();
  });

  it("keeps a keyboard user's place when an answer or a live update removes the control that had focus", async () => {
    const metricId = (await requireHypothesis(db, wsRef, ids.scored)).metricId;
    const d1 = await makeHypothesis(db, wsRef, { metricId, title: 'Draft one', status: 'draft' });
    const d2 = await makeHypothesis(db, wsRef, { metricId, title: 'Draft two', status: 'draft' });
    const a = await meetingAs(ada);
    const b = await meetingAs(ben);
    const focused = (page: Page) =>
      page.evaluate(() => document.activeElement?.id || document.activeElement?.closest('form')?.id);
    // Ada accepts "Draft one" from the keyboard: its form is gone, and focus is on the same button of the next draft.
    await a.page.focus(`#triage-backlog-${d1.id} button`);
    await Promise.all([
      a.page.waitForResponse((r) => r.url().endsWith(`/hypotheses/${d1.id}/triage`) && r.status() === 200),
      a.page.keyboard.press('Enter'),
    ]);
    await a.page.waitForFunction((id) => !document.getElementById(`md-${id}`), d1.id);
    await a.page.waitForFunction(
      (id) => document.activeElement?.closest('form')?.id === `triage-backlog-${id}`,
      d2.id,
      { timeout: 2000 },
    );
    // A refused score puts focus on the field in error.
    await a.page.fill(`#ms-${ids.scored}-impact`, '11');
    await a.page.$eval(`#score-form-${ids.scored}`, (f) => {
      (f as HTMLFormElement).noValidate = true;
    });
    await a.page.focus(`#score-form-${ids.scored} button[type=submit]`);
    await Promise.all([
      a.page.waitForResponse(
        (r) => r.url().endsWith(`/hypotheses/${ids.scored}/score`) && r.status() === 422,
      ),
      a.page.keyboard.press('Enter'),
    ]);
    await a.page.waitForFunction((id) => document.activeElement?.id === `ms-${id}-impact`, ids.scored, {
      timeout: 2000,
    });
    // Ben is on "Reject" of the last draft when Ada accepts it: his focus goes to "Reject" of the draft
    // before it (the one left from the setup, "Slack digest").
    await b.page.waitForFunction((id) => !document.getElementById(`md-${id}`), d1.id);
    await b.page.focus(`#triage-rejected-${d2.id} button`);
    await a.page.click(`#triage-backlog-${d2.id} button`);
    await b.page.waitForFunction((id) => !document.getElementById(`md-${id}`), d2.id, { timeout: 2000 });
    await b.page.waitForFunction(() => document.activeElement?.tagName === 'BUTTON', null, { timeout: 2000 });
    expect(await focused(b.page)).toMatch(/^triage-rejected-\d+$/);
    expect(await b.page.evaluate(() => document.activeElement?.closest('li')?.textContent)).toContain(
      'Slack digest',
    );
    expect([...a.problems.filter((p) => !p.includes('422')), ...b.problems]).toEqual([]);
    await a.page.context().close();
    await b.page.context().close();
  });

  it('gives back what a member was writing when another member closes the same experiment first', async () => {
    const metricId = (await requireHypothesis(db, wsRef, ids.scored)).metricId;
    const run = await moveTo(
      db,
      wsRef,
      await makeHypothesis(db, wsRef, { metricId, title: 'Closed under Ben' }),
      'running',
    );
    const a = await meetingAs(ada);
    const b = await meetingAs(ben);
    await b.page.click(`#mr-${run.id} summary`);
    await b.page.fill(`#c${run.id}-newStatement`, 'Ben’s careful learning');
    await a.page.click(`#mr-${run.id} summary`);
    await a.page.fill(`#c${run.id}-newStatement`, 'Ada was quicker');
    await Promise.all([
      a.page.waitForResponse((r) => r.url().endsWith(`/hypotheses/${run.id}/close`) && r.status() === 200),
      a.page.click(`#close-form-${run.id} button[type=submit]`),
    ]);
    // The experiment leaves Ben's review within 2 s, and his text comes back to him in the message area.
    await b.page.waitForFunction((id) => !document.getElementById(`mr-${id}`), run.id, { timeout: 2000 });
    await b.page.waitForFunction(() =>
      document.getElementById('m-notice')?.textContent?.includes('Not saved'),
    );
    const notice = await b.page.textContent('#m-notice');
    expect(notice).toContain('another member changed this while you were typing: Close Closed under Ben.');
    expect(notice).toContain('What you wrote: “Ben’s careful learning”.');
    expect([...a.problems, ...b.problems]).toEqual([]);
    await a.page.context().close();
    await b.page.context().close();
  });

  it('reads from the back of the room in projector mode: larger type everywhere, nothing cut off', async () => {
    const sizes: Record<string, number[]> = {};
    for (const [width, height] of [
      [1280, 800],
      [1920, 1080],
    ] as const) {
      for (const path of ['/w/team/meeting', '/w/team/meeting?view=projector']) {
        const context = await signedIn(ben, { viewport: { width, height } });
        const page = await context.newPage();
        await page.goto(`${base}${path}`);
        const px = (sel: string) => page.$eval(sel, (el) => Number.parseFloat(getComputedStyle(el).fontSize));
        sizes[`${width} ${path}`] = [
          await px('#m-backlog .m-figures dt'),
          await px('#m-backlog .m-figures dd'),
          await px('#m-batch .m-start'),
          await px('#m-backlog .m-item .meta'),
        ];
        // Nothing wider than the screen.
        expect(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth)).toBe(
          true,
        );
        await context.close();
      }
    }
    for (const width of [1280, 1920]) {
      const laptop = sizes[`${width} /w/team/meeting`] ?? [];
      const projector = sizes[`${width} /w/team/meeting?view=projector`] ?? [];
      // Every piece of small print grows with the rest (it used to stay laptop-sized).
      for (const [i, size] of projector.entries())
        expect(size, `${width} #${i}`).toBeGreaterThan((laptop[i] ?? 0) * 1.2);
      // The smallest print on the projector is at least body text size of the laptop.
      expect(Math.min(...projector), String(width)).toBeGreaterThanOrEqual(16);
    }
  });

  it('tells a member who was removed that their page no longer updates, and stops asking', async () => {
    const cy = await makeMember(db, wsRef, 'editor', { name: 'Cy Leaving' });
    sessions.set(cy.id, await createSession(db, cy.id));
    const c = await meetingAs(cy);
    await removeMember(db, wsRef.id, cy.id);
    // The stream ends at once, saying why, and the page says so.
    await c.page.waitForFunction(
      () => document.getElementById('m-live')?.textContent?.includes('no longer a member'),
      null,
      { timeout: 5000 },
    );
    const asked = c.streams();
    await c.page.waitForTimeout(1500);
    expect(await c.page.textContent('#m-live')).toContain('no longer a member here');
    // It was told so on its stream: it did not ask again (no refused reconnect, nothing in the console).
    expect(c.streams()).toBe(asked);
    expect(c.problems).toEqual([]);
    await c.page.context().close();
  });

  it('has no serious or critical axe violations, on a laptop and on the projector', async () => {
    // axe is injected as an inline script, which the app's Content-Security-Policy rightly forbids.
    const context = await signedIn(ben, { bypassCSP: true });
    const page = await context.newPage();
    for (const path of ['/w/team/meeting', '/w/team/meeting?view=projector&sort=roti']) {
      expect((await page.goto(`${base}${path}`))?.status(), path).toBe(200);
      await page.addScriptTag({ content: axeSource });
      const violations = await page.evaluate(async () => {
        type Axe = {
          run: () => Promise<{ violations: { id: string; impact: string; nodes: { target: string[] }[] }[] }>;
        };
        const result = await (window as unknown as { axe: Axe }).axe.run();
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
