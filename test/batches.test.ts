import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import type { Db } from '../db/client';
import { closeAs, DAY_MS, makeBatch, makeHypothesis, makeLearning, makeWorkspace } from '../db/factories';
import { batches, type Workspace } from '../db/schema';
import { batchItems, batchLoad, createBatch, newBatchDefaults, requireBatch } from '../src/batches/batches';
import { batchOutcomes } from '../src/batches/history';
import { escapeMarkdown, summaryMarkdown } from '../src/batches/markdown';
import { addToBatch, NEEDS_ESTIMATE, removeFromBatch, startBatch } from '../src/batches/selection';
import { type MeetingSummary, meetingSummary } from '../src/batches/summary';
import { ConflictError } from '../src/errors';
import { requireHypothesis, transitionHypothesis } from '../src/hypotheses/hypotheses';
import { json, testApp } from './helpers';

// Wednesday 18 November 2026, noon UTC: ISO week 2026-W47 (Monday 16 – Sunday 22 November).
const WED_W47 = Date.UTC(2026, 10, 18, 12);

/** Visible text of a page: tags dropped, entities decoded, whitespace collapsed. */
const visible = (html: string) =>
  html
    .replace(/<(script|style)[\s\S]*?<\/\1>/g, ' ')
    .replace(/<[^>]+>/g, ' ')
    .replace(/&amp;/g, '&')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/\s+/g, ' ');

async function setup() {
  const { app, db, raw } = await testApp();
  const ws = await makeWorkspace(db, { name: 'Acme growth', slug: 'acme' });
  return { app, db, raw, ws };
}

/** A backlog hypothesis with this estimate (null: none yet). */
const item = (db: Db, ws: Workspace, title: string, estimatedDays: number | undefined, now?: number) =>
  makeHypothesis(db, ws, { title, estimatedDays }, now);

describe('batches', () => {
  describe('capacity and weeks', () => {
    it('starts the first batch this week with 10 person-days, then follows on from the last batch', async () => {
      const { db, ws } = await setup();
      expect(await newBatchDefaults(db, ws, WED_W47)).toEqual({ week: '2026-W47', capacityDays: 10 });
      const first = await createBatch(db, ws, {}, WED_W47);
      expect([first.week, first.capacityDays]).toEqual(['2026-W47', 10]);
      // The next free week, at the capacity the team last chose.
      const second = await createBatch(db, ws, { capacityDays: 7.5 }, WED_W47);
      expect([second.week, second.capacityDays]).toEqual(['2026-W48', 7.5]);
      expect(await newBatchDefaults(db, ws, WED_W47)).toEqual({ week: '2026-W49', capacityDays: 7.5 });
      const third = await createBatch(db, ws, {}, WED_W47);
      expect([third.week, third.capacityDays]).toEqual(['2026-W49', 7.5]);
      // Weeks in the past are left behind: a month later the default is that week.
      const later = WED_W47 + 35 * DAY_MS;
      expect((await newBatchDefaults(db, ws, later)).week).toBe('2026-W52');
    });

    it('refuses a second batch for the same week with a 409', async () => {
      const { db, ws, app } = await setup();
      await createBatch(db, ws, { week: '2026-W47' }, WED_W47);
      await expect(createBatch(db, ws, { week: '2026-W47' }, WED_W47)).rejects.toThrow(ConflictError);
      await expect(createBatch(db, ws, { week: '2026-W47' }, WED_W47)).rejects.toThrow(
        'There is already a batch for 2026-W47.',
      );
      const res = await app.request('/api/v1/workspaces/acme/batches', json('POST', { week: '2026-W47' }));
      expect(res.status).toBe(409);
    });
  });

  describe('selecting and starting', () => {
    it('needs an estimate before a hypothesis is selected (422 beside estimatedDays)', async () => {
      const { db, ws, app } = await setup();
      const batch = await makeBatch(db, ws, { week: '2026-W47' }, WED_W47);
      const h = await item(db, ws, 'Unestimated idea', undefined);
      expect(h.estimatedDays).toBeNull();
      const res = await app.request(
        `/api/v1/workspaces/acme/batches/${batch.id}/items`,
        json('POST', { hypothesisId: h.id }),
      );
      expect(res.status).toBe(422);
      const body = (await res.json()) as { error: { fields: Record<string, string> } };
      expect(body.error.fields).toEqual({ estimatedDays: NEEDS_ESTIMATE });
      expect(NEEDS_ESTIMATE).toMatch(/Estimate its person-days before selecting it/);
      expect((await requireHypothesis(db, ws, h.id)).status).toBe('backlog');
      // Given an estimate with the selection, it goes in.
      const ok = await app.request(
        `/api/v1/workspaces/acme/batches/${batch.id}/items`,
        json('POST', { hypothesisId: h.id, estimatedDays: 2.5 }),
      );
      expect(ok.status).toBe(201);
      const selected = await requireHypothesis(db, ws, h.id);
      expect([selected.status, selected.batchId, selected.estimatedDays]).toEqual([
        'selected',
        batch.id,
        2.5,
      ]);
    });

    it('sums the estimates against capacity and warns when over', async () => {
      const { db, ws, app } = await setup();
      const batch = await makeBatch(db, ws, { week: '2026-W47', capacityDays: 5 }, WED_W47);
      const a = await item(db, ws, 'Setup checklist', 3);
      await addToBatch(db, ws, batch.id, a.id);
      expect(batchLoad(batch, await batchItems(db, ws, batch.id))).toEqual({
        plannedDays: 3,
        capacityDays: 5,
        items: 1,
        over: false,
      });
      let page = visible(await (await app.request(`/w/acme/batches/${batch.id}`)).text());
      expect(page).toContain('3 of 5 person-days (60%)');
      expect(page).not.toContain('Over capacity');

      const b = await item(db, ws, 'Invite reminder', 4);
      await addToBatch(db, ws, batch.id, b.id);
      expect(batchLoad(batch, await batchItems(db, ws, batch.id))).toEqual({
        plannedDays: 7,
        capacityDays: 5,
        items: 2,
        over: true,
      });
      page = visible(await (await app.request(`/w/acme/batches/${batch.id}`)).text());
      expect(page).toContain('7 of 5 person-days (140%) over capacity');
      expect(page).toContain('Over capacity by 2 person-days: 7 planned against a capacity of 5.');
      // Taking one out brings it back under.
      await removeFromBatch(db, ws, batch.id, b.id);
      expect((await requireHypothesis(db, ws, b.id)).status).toBe('backlog');
      page = visible(await (await app.request(`/w/acme/batches/${batch.id}`)).text());
      expect(page).not.toContain('Over capacity');
    });

    it('starting moves the selected hypotheses to running and locks the batch', async () => {
      const { db, ws } = await setup();
      const batch = await makeBatch(db, ws, { week: '2026-W47' }, WED_W47);
      const a = await item(db, ws, 'Setup checklist', 3);
      const b = await item(db, ws, 'Invite reminder', 2);
      const late = await item(db, ws, 'Came too late', 1);
      await addToBatch(db, ws, batch.id, a.id, undefined, WED_W47);
      await addToBatch(db, ws, batch.id, b.id, undefined, WED_W47);
      const started = await startBatch(db, ws, batch.id, WED_W47 + 1000);
      expect(started.startedAt).toBe(WED_W47 + 1000);
      for (const h of [a, b]) {
        const now = await requireHypothesis(db, ws, h.id);
        expect([now.status, now.batchId, now.startedAt]).toEqual(['running', batch.id, WED_W47 + 1000]);
      }
      await expect(addToBatch(db, ws, batch.id, late.id)).rejects.toThrow(
        'The batch for 2026-W47 has started; plan the next batch instead.',
      );
      await expect(removeFromBatch(db, ws, batch.id, a.id)).rejects.toThrow(ConflictError);
      await expect(startBatch(db, ws, batch.id)).rejects.toThrow('has already started');
      expect((await requireHypothesis(db, ws, late.id)).status).toBe('backlog');
    });
  });

  describe('past batches', () => {
    it('lists every batch newest week first, with outcomes, actual days and mean ROTI', async () => {
      const { db, ws, app } = await setup();
      const past = await makeBatch(db, ws, { week: '2026-W46', capacityDays: 8 }, WED_W47 - 7 * DAY_MS);
      const won = await item(db, ws, 'Setup checklist', 3);
      const lost = await item(db, ws, 'Invite reminder', 2);
      const still = await item(db, ws, 'Pricing page FAQ', 1.5);
      for (const h of [won, lost, still]) await addToBatch(db, ws, past.id, h.id);
      await startBatch(db, ws, past.id, WED_W47 - 6 * DAY_MS);
      // ROTI = return ÷ actual days: 6 ÷ 2 = 3 and 2 ÷ 4 = 0.5; mean 1.75; actual 2 + 4 = 6 days.
      await closeAs(db, ws, won, { outcome: 'won', actualDays: 2, return: 6 });
      await closeAs(db, ws, lost, { outcome: 'lost', actualDays: 4, return: 2 });
      const planning = await makeBatch(db, ws, { week: '2026-W47', capacityDays: 8 }, WED_W47);
      await addToBatch(db, ws, planning.id, (await item(db, ws, 'Onboarding email', 4)).id);

      expect(batchOutcomes(await batchItems(db, ws, past.id))).toEqual({
        closed: 2,
        outcomes: { won: 1, lost: 1, inconclusive: 0, stopped: 0, invalid: 0 },
        running: 1,
        actualDays: 6,
        meanRoti: 1.75,
      });

      const res = await app.request('/w/acme/batches');
      expect(res.status).toBe(200);
      const list = visible(await res.text());
      const w47 = list.indexOf('Week 47 · 16–22 Nov 2026');
      const w46 = list.indexOf('Week 46 · 9–15 Nov 2026');
      expect(w47).toBeGreaterThan(-1);
      expect(w46).toBeGreaterThan(w47);
      expect(list.slice(w47, w46)).toContain('Planning 1 4 of 8 person-days (50%) — — —');
      expect(list.slice(w46)).toContain('Started 12 Nov 2026 3 6.5 of 8 person-days (81%)');
      expect(list.slice(w46)).toContain('1 won · 1 lost · 1 running 6 1.75');

      const detail = visible(await (await app.request(`/w/acme/batches/${past.id}`)).text());
      expect(detail).toContain('Started 12 Nov 2026');
      expect(detail).toContain(`#${won.id} Setup checklist Done 3 2 won 6 3.00`);
      expect(detail).toContain(`#${lost.id} Invite reminder Done 2 4 lost 2 0.50`);
      expect(detail).toContain(`#${still.id} Pricing page FAQ Running 1.5 — — — —`);
      expect(detail).toContain('Totals 1 won · 1 lost · 1 running 6.5 6 2 closed — 1.75 mean');
      expect(detail).toContain('Meeting summary');
    });

    it('teaches where batches come from when there are none', async () => {
      const { app } = await setup();
      const res = await app.request('/w/acme/batches');
      expect(res.status).toBe(200);
      const html = await res.text();
      expect(visible(html)).toContain('No batches yet. Batches are made at the weekly meeting');
      expect(html).toContain('href="/w/acme/meeting"');
    });

    it("answers another workspace's batch with a 404 on every page", async () => {
      const { db, app } = await setup();
      const other = await makeWorkspace(db, { name: 'Other team', slug: 'other' });
      const theirs = await makeBatch(db, other, { week: '2026-W47' });
      const secret = await makeHypothesis(db, other, { title: 'Their secret plan' });
      await addToBatch(db, other, theirs.id, secret.id);
      for (const path of ['', '/summary', '/summary.md']) {
        const res = await app.request(`/w/acme/batches/${theirs.id}${path}`);
        expect(res.status, path).toBe(404);
        expect(await res.text()).not.toContain('Their secret plan');
      }
      expect((await app.request('/w/acme/batches/abc')).status).toBe(404);
      expect((await app.request(`/w/other/batches/${theirs.id}`)).status).toBe(200);
    });
  });

  describe('meeting summary', () => {
    // A hand-built history around two meetings. Batch A starts at T; batch B is planned the week after.
    const T = Date.UTC(2026, 10, 9, 10); // Monday 9 Nov 2026, 10:00 UTC
    const at = (days: number) => T + days * DAY_MS;

    async function history() {
      const s = await setup();
      const { db, ws } = s;
      const a = await makeBatch(db, ws, { week: '2026-W46', capacityDays: 10 }, at(-1));
      const a1 = await item(db, ws, 'Setup checklist', 2, at(-3));
      const a2 = await item(db, ws, 'Invite reminder', 3, at(-3));
      await addToBatch(db, ws, a.id, a1.id, undefined, at(-1));
      await addToBatch(db, ws, a.id, a2.id, undefined, at(-1));
      // Triaged before A started: A's window, not B's.
      const d0 = await makeHypothesis(db, ws, { title: 'Early draft', status: 'draft' }, at(-2));
      await transitionHypothesis(db, ws, d0.id, 'backlog', undefined, at(-1));
      await startBatch(db, ws, a.id, T);
      // Exactly at A's start: the end of A's window is inclusive, the start of B's exclusive.
      await makeLearning(db, ws, { statement: 'On the boundary' }, T);

      const b = await makeBatch(db, ws, { week: '2026-W47', capacityDays: 6 }, at(1));
      await closeAs(
        db,
        ws,
        a1,
        {
          outcome: 'won',
          actualDays: 2,
          return: 6,
          baseline: 10,
          observed: 12,
          learnings: [{ statement: 'Checklists get finished' }],
        },
        at(2),
      );
      await closeAs(
        db,
        ws,
        a2,
        { outcome: 'lost', actualDays: 4, return: 2, learnings: [{ statement: 'Reminders are ignored' }] },
        at(3),
      );
      await makeLearning(db, ws, { statement: 'Admins decide alone' }, at(4));
      const d1 = await makeHypothesis(db, ws, { title: 'Welcome video', status: 'draft' }, at(4));
      const d2 = await makeHypothesis(db, ws, { title: 'Dark mode', status: 'draft' }, at(4));
      await transitionHypothesis(db, ws, d1.id, 'backlog', undefined, at(5));
      await transitionHypothesis(db, ws, d2.id, 'rejected', undefined, at(5));
      const b1 = await item(db, ws, 'Onboarding email', 3, at(5));
      const b2 = await item(db, ws, 'Team templates', 4, at(5));
      await addToBatch(db, ws, b.id, b1.id, undefined, at(6));
      await addToBatch(db, ws, b.id, b2.id, undefined, at(6));
      return { ...s, a, b, a1, a2, b1, b2, d0, d1, d2 };
    }

    it('covers closed, learned, triaged and selected since the previous batch started', async () => {
      const { db, ws, a, b, a1, a2, b1, b2, d1, d2 } = await history();
      const s = await meetingSummary(db, ws, await requireBatch(db, ws, b.id), at(6.5));
      expect(s.window).toEqual({
        from: T,
        to: at(6.5),
        previous: { id: a.id, week: '2026-W46' },
        final: false,
      });
      expect(
        s.closed.map((c) => [c.id, c.result, c.lift, c.roti, c.learnings.map((l) => l.statement)]),
      ).toEqual([
        [a1.id, 'won', 20, 3, ['Checklists get finished']],
        [a2.id, 'lost', null, 0.5, ['Reminders are ignored']],
      ]);
      expect(s.learned.map((l) => l.statement)).toEqual([
        'Checklists get finished',
        'Reminders are ignored',
        'Admins decide alone',
      ]);
      expect(s.triaged.accepted.map((t) => [t.id, t.title])).toEqual([[d1.id, 'Welcome video']]);
      expect(s.triaged.rejected.map((t) => [t.id, t.title])).toEqual([[d2.id, 'Dark mode']]);
      expect(s.selected.items.map((i) => i.id).sort()).toEqual([b1.id, b2.id].sort());
      expect(s.selected.load).toEqual({ plannedDays: 7, capacityDays: 6, items: 2, over: true });
      expect(s.selected.usedPercent).toBe(117);
    });

    it('ends the window when the batch starts: later events belong to the next summary', async () => {
      const { db, ws, b } = await history();
      await startBatch(db, ws, b.id, at(7));
      await makeLearning(db, ws, { statement: 'Said as the batch started' }, at(7));
      await makeLearning(db, ws, { statement: 'Said a moment later' }, at(7) + 1);
      const s = await meetingSummary(db, ws, await requireBatch(db, ws, b.id), at(9));
      expect(s.window).toMatchObject({ from: T, to: at(7), final: true });
      expect(s.learned.map((l) => l.statement)).toEqual([
        'Checklists get finished',
        'Reminders are ignored',
        'Admins decide alone',
        'Said as the batch started',
      ]);
      // The selected items are running now, still counted against the capacity they were planned in.
      expect(s.selected.items.map((i) => i.status)).toEqual(['running', 'running']);
      expect(s.selected.load.plannedDays).toBe(7);
    });

    it('gives the first batch everything up to its start', async () => {
      const { db, ws, a, d0 } = await history();
      const s = await meetingSummary(db, ws, await requireBatch(db, ws, a.id), at(9));
      expect(s.window).toEqual({ from: null, to: T, previous: null, final: true });
      expect(s.closed).toEqual([]);
      expect(s.learned.map((l) => l.statement)).toEqual(['On the boundary']);
      expect(s.triaged.accepted.map((t) => t.id)).toEqual([d0.id]);
      expect(s.selected.load).toEqual({ plannedDays: 5, capacityDays: 10, items: 2, over: false });
    });

    it('renders the page, with "so far" until the batch starts', async () => {
      const { db, ws, app, b, a1 } = await history();
      let res = await app.request(`/w/acme/batches/${b.id}/summary`);
      expect(res.status).toBe(200);
      const html = await res.text();
      // The tab names the week as the page does, not as "2026-W47".
      expect(html).toContain('<title>Meeting summary: Week 47 · 16–22 Nov 2026 · ');
      let page = visible(html);
      expect(page).toContain('Meeting summary so far: Week 47 · 16–22 Nov 2026');
      expect(page).toContain(
        'since the previous batch (2026-W46) started on 9 Nov 2026, up to now (the batch has not started yet)',
      );
      expect(page).toContain('Closed so far (2)');
      expect(page).toContain(`#${a1.id} Setup checklist won · lift +20% · ROTI 3.00`);
      expect(page).toContain('Triaged so far (2: 1 accepted, 1 rejected)');
      expect(page).toContain('Accepted to the backlog: ');
      expect(page).toContain('Selected for 2026-W47 (2)');
      expect(page).toContain('Capacity used: 7 of 6 person-days (117%) over capacity');
      expect(page).toContain('Copy as Markdown');
      expect(page).toContain('Open as Markdown');

      await startBatch(db, ws, b.id, at(7));
      res = await app.request(`/w/acme/batches/${b.id}/summary`);
      page = visible(await res.text());
      expect(page).toContain('Meeting summary: Week 47');
      expect(page).not.toContain('so far');
      expect(page).toContain('until this batch started on 16 Nov 2026');
    });

    it('exports Markdown with the right headers', async () => {
      const { app, b, a1 } = await history();
      const res = await app.request(`/w/acme/batches/${b.id}/summary.md`);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toBe('text/markdown; charset=utf-8');
      expect(res.headers.get('content-disposition')).toMatch(/^inline/);
      const md = await res.text();
      expect(md.split('\n')[0]).toBe('## Meeting summary so far: Week 47 · 16–22 Nov 2026');
      expect(md).toContain(`- #${a1.id} Setup checklist: **won**, lift **+20%**, ROTI **3.00**\n`);
      expect(md).toContain('**Over capacity** by **1 person-day**.');
      // Without a configured origin, links are plain #id references.
      expect(md).not.toContain('](');
    });

    it('uses absolute links when the public origin is configured', async () => {
      const { app, db, me } = await testApp({ origin: 'https://lodestar.example.com' });
      const ws = await makeWorkspace(db, { name: 'Acme growth', slug: 'acme' });
      const batch = await makeBatch(db, ws, { week: '2026-W47' });
      const h = await item(db, ws, 'Setup checklist', 2);
      await addToBatch(db, ws, batch.id, h.id);
      // Behind an https origin the session cookie carries the __Host- prefix.
      const cookie = `__Host-${me.cookie}`;
      const res = await app.request(`/w/acme/batches/${batch.id}/summary.md`, { headers: { cookie } });
      expect(res.status).toBe(200);
      const md = await res.text();
      expect(md).toContain(
        `- [#${h.id} Setup checklist](https://lodestar.example.com/w/acme/hypotheses/${h.id}): 2 person-days`,
      );
      expect(md).toContain(
        `[Open in Lodestar](https://lodestar.example.com/w/acme/batches/${batch.id}/summary)`,
      );
    });
  });

  describe('summary Markdown', () => {
    const fixture: MeetingSummary = {
      batch: {
        id: 7,
        workspaceId: 1,
        week: '2026-W47',
        capacityDays: 6,
        startedAt: Date.UTC(2026, 10, 16, 9),
        version: 2,
        createdAt: 0,
        updatedAt: 0,
      },
      window: {
        from: Date.UTC(2026, 10, 9, 9),
        to: Date.UTC(2026, 10, 16, 9),
        previous: { id: 6, week: '2026-W46' },
        final: true,
      },
      closed: [
        {
          id: 12,
          title: 'Checklist [beta] *now*',
          result: 'won',
          lift: 20,
          roti: 3,
          actualDays: 2,
          returnScore: 6,
          closedAt: Date.UTC(2026, 10, 12),
          learnings: [{ id: 3, statement: 'Admins finish\n# checklists', relation: 'supports' }],
        },
        {
          id: 13,
          title: 'Reminder',
          result: 'lost',
          lift: -2.5,
          roti: 0.5,
          actualDays: 4,
          returnScore: 2,
          closedAt: Date.UTC(2026, 10, 13),
          learnings: [{ id: 1, statement: 'Emails work', relation: 'contradicts' }],
        },
      ],
      learned: [
        {
          id: 3,
          statement: 'Admins finish\n# checklists',
          status: 'emerging',
          metricName: 'Activation rate',
          createdAt: Date.UTC(2026, 10, 12),
        },
      ],
      triaged: {
        accepted: [{ id: 14, title: 'Invite_flow', decision: 'accepted', at: 0 }],
        rejected: [{ id: 15, title: '<script>alert(1)</script>', decision: 'rejected', at: 0 }],
      },
      selected: {
        items: [
          { id: 16, title: '[Click me](https://evil.example)', status: 'running', estimatedDays: 3, ice: 6 },
          { id: 17, title: 'Use `code` ~here~', status: 'running', estimatedDays: 4, ice: 5 },
        ],
        load: { plannedDays: 7, capacityDays: 6, items: 2, over: true },
        usedPercent: 117,
      },
    };
    const ws = { slug: 'acme', name: 'Acme *growth*', timeZone: 'UTC' };

    it('is exactly this text, with user text escaped', () => {
      expect(summaryMarkdown(fixture, { ws })).toBe(
        [
          '## Meeting summary: Week 47 · 16–22 Nov 2026',
          '',
          'Acme \\*growth\\* · since the previous batch (2026-W46) started on 9 Nov 2026, until this batch started on 16 Nov 2026.',
          '',
          '**2** closed · **1** learned · **2** triaged · **2** selected · **7** of **6** person-days planned (**117%**)',
          '',
          '### Closed (2)',
          '- #12 Checklist \\[beta\\] \\*now\\*: **won**, lift **+20%**, ROTI **3.00**',
          '  - Learned: Admins finish # checklists',
          '- #13 Reminder: **lost**, lift **-2.5%**, ROTI **0.50**',
          '  - Contradicts: Emails work',
          '',
          '### Learned (1)',
          '- Admins finish # checklists (emerging, Activation rate)',
          '',
          '### Triaged (2: 1 accepted, 1 rejected)',
          '- Accepted: #14 Invite\\_flow',
          '- Rejected: #15 \\<script\\>alert(1)\\</script\\>',
          '',
          '### Selected (2): 7 of 6 person-days (117%)',
          '- #16 \\[Click me\\](https://evil.example): 3 person-days',
          '- #17 Use \\`code\\` \\~here\\~: 4 person-days',
          '',
          '**Over capacity** by **1 person-day**.',
          '',
        ].join('\n'),
      );
    });

    it('links to the hypotheses and the page when an origin is given', () => {
      const md = summaryMarkdown(fixture, { ws, origin: 'https://lodestar.example.com/' });
      expect(md).toContain(
        '- [#12 Checklist \\[beta\\] \\*now\\*](https://lodestar.example.com/w/acme/hypotheses/12): **won**',
      );
      expect(md).toContain(
        '- [#16 \\[Click me\\](https://evil.example)](https://lodestar.example.com/w/acme/hypotheses/16)',
      );
      expect(md.trimEnd().split('\n').at(-1)).toBe(
        '[Open in Lodestar](https://lodestar.example.com/w/acme/batches/7/summary)',
      );
    });

    it('says so when a section is empty, and "so far" before the batch starts', () => {
      const empty: MeetingSummary = {
        ...fixture,
        window: { from: null, to: Date.UTC(2026, 10, 18), previous: null, final: false },
        closed: [],
        learned: [],
        triaged: { accepted: [], rejected: [] },
        selected: {
          items: [],
          load: { plannedDays: 0, capacityDays: 6, items: 0, over: false },
          usedPercent: 0,
        },
      };
      const md = summaryMarkdown(empty, { ws });
      expect(md).toContain('## Meeting summary so far: Week 47');
      expect(md).toContain('since the team began, up to now (the batch has not started yet).');
      expect(md).toContain('### Closed (0)\n- Nothing closed.');
      expect(md).toContain('### Learned (0)\n- Nothing new learned.');
      expect(md).toContain('### Triaged (0: 0 accepted, 0 rejected)\n- No drafts triaged.');
      expect(md).toContain('### Selected (0): 0 of 6 person-days (0%)\n- Nothing selected yet.');
      expect(md).not.toContain('Over capacity');
    });

    it('escapes every character that would format, and collapses line breaks', () => {
      expect(escapeMarkdown('a\\b `c` *d* _e_ [f](g) <h> ~i~ |j|\n## k')).toBe(
        'a\\\\b \\`c\\` \\*d\\* \\_e\\_ \\[f\\](g) \\<h\\> \\~i\\~ \\|j\\| ## k',
      );
      // What would open a heading, a list or a quote at the start of a line.
      expect(
        ['# Big news', '- item', '+ item', '> quote', '12. twelve', '3) three'].map(escapeMarkdown),
      ).toEqual(['\\# Big news', '\\- item', '\\+ item', '\\> quote', '12\\. twelve', '3\\) three']);
    });
  });
});

describe('batches: the open batch', () => {
  it('plans this week when the only unstarted batch is for a week already gone', async () => {
    const { db } = await testApp();
    const ws = await makeWorkspace(db);
    const now = Date.UTC(2026, 10, 18, 12); // Wednesday of 2026-W47
    const stale = await makeBatch(db, ws, { week: '2026-W45', capacityDays: 6 }, now - 14 * DAY_MS);
    const h = await makeHypothesis(db, ws, {}, now);
    const selected = await transitionHypothesis(db, ws, h.id, 'selected', undefined, now);
    expect(selected.batchId).not.toBe(stale.id);
    const [batch] = await db.orm
      .select()
      .from(batches)
      .where(eq(batches.id, selected.batchId ?? 0));
    // This week's batch, with the last batch's capacity; the stale one is left as it was.
    expect(batch).toMatchObject({ week: '2026-W47', capacityDays: 6, startedAt: null });
    // A batch planned ahead (next week) is still where selections go.
    const ahead = await makeBatch(db, ws, { week: '2026-W48' }, now);
    const h2 = await makeHypothesis(db, ws, {}, now);
    expect((await transitionHypothesis(db, ws, h2.id, 'selected', undefined, now)).batchId).toBe(ahead.id);
  });
});
