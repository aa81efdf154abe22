import { sql } from 'drizzle-orm';
import { beforeEach, describe, expect, it } from 'vitest';
import type { Db } from '../db/client';
import { closeAs, makeHypothesis, makeInput, makeMember, makeWorkspace, scoreAs } from '../db/factories';
import type { Workspace } from '../db/schema';
import { memoHtml, ROW_MEMO_BUDGET, rowMemo } from '../views/hypotheses/row-memo';
import { appFor, as, type Client, type Credentials, form, freshDb, htmx, signIn } from './helpers';

// Backlog rows are rendered once per distinct content and remembered (views/hypotheses/row-memo.ts). Every
// page here is rendered with the memo off, then cold, then warm, through the app (without its page cache,
// which would otherwise answer the repeats) and must come out byte for byte the same, before and after the
// data changes under it.

type Setup = {
  db: Db;
  ws: Workspace;
  owner: Credentials;
  editor: Credentials;
  viewer: Credentials;
  app: ReturnType<typeof appFor>;
  ids: number[];
};

async function setup(): Promise<Setup> {
  const db = await freshDb();
  const ws = await makeWorkspace(db, { slug: 'team' });
  const [a, b] = [
    await makeInput(db, ws, { name: 'Activation' }),
    await makeInput(db, ws, { name: 'Referral' }),
  ];
  const ids: number[] = [];
  const t = Date.now() - 60_000;
  for (let i = 0; i < 14; i++) {
    const hyp = await makeHypothesis(
      db,
      ws,
      {
        metricId: i % 3 ? a.id : b.id,
        title: i === 4 ? 'Ship <script>alert(1)</script> & “quotes”' : `Idea ${i}`,
        impact: 2 + (i % 7),
        confidence: 3 + (i % 5),
        ease: 4 + (i % 4),
        estimatedDays: i % 5 === 0 ? undefined : 1 + (i % 4),
        tags: i % 2 ? ['email', 'onboarding'] : ['pricing'],
      },
      t + i,
    );
    ids.push(hyp.id);
  }
  const users = {
    owner: await makeMember(db, ws, 'owner'),
    editor: await makeMember(db, ws, 'editor'),
    viewer: await makeMember(db, ws, 'viewer'),
  };
  await scoreAs(db, ws, { id: ids[1] ?? 0 }, users.owner, { impact: 9, confidence: 2, ease: 5 });
  await scoreAs(db, ws, { id: ids[1] ?? 0 }, users.editor, { impact: 3, confidence: 8, ease: 5 });
  await scoreAs(db, ws, { id: ids[2] ?? 0 }, users.owner, { impact: 6, confidence: 6, ease: 6 });
  await closeAs(db, ws, { id: ids[13] ?? 0 }, { outcome: 'won', actualDays: 2, return: 8 });
  return {
    db,
    ws,
    ids,
    // The page cache off: every request renders.
    app: appFor(db, { pageCacheBytes: 0 }),
    owner: await signIn(db, users.owner),
    editor: await signIn(db, users.editor),
    viewer: await signIn(db, users.viewer),
  };
}

const VIEWS = [
  '/w/team/backlog',
  '/w/team/backlog?sort=roti',
  '/w/team/backlog?tag=pricing&sort=roti',
  '/w/team/backlog?status=all',
  '/w/team/backlog?q=idea&limit=5&offset=5',
  '/w/team/backlog?limit=4',
];

/** Every view, as a page and as the htmx fragment, for each of the clients. */
async function renderAll(clients: Client[]): Promise<string[]> {
  const out: string[] = [];
  for (const client of clients)
    for (const path of VIEWS)
      for (const headers of [{}, htmx]) {
        const res = await client.request(path, { headers });
        expect(res.status, path).toBe(200);
        out.push(`${path}\n${await res.text()}`);
      }
  return out;
}

/** The same pages with the memo off, cold and warm: all equal. */
async function expectSameWithAndWithoutMemo(clients: Client[]) {
  rowMemo.setEnabled(false);
  const off = await renderAll(clients);
  rowMemo.setEnabled(true);
  // Still holding the rows of the data as it was before the last change.
  const withStale = await renderAll(clients);
  rowMemo.clear();
  const cold = await renderAll(clients);
  const missesCold = rowMemo.stats().misses;
  const warm = await renderAll(clients);
  expect(withStale).toEqual(off);
  expect(cold).toEqual(off);
  expect(warm).toEqual(off);
  // The warm pass rendered no row: every one came from the memo.
  expect(rowMemo.stats().misses).toBe(missesCold);
  expect(rowMemo.stats().hits).toBeGreaterThan(missesCold);
  return off;
}

describe('backlog row memo', () => {
  beforeEach(() => {
    rowMemo.setEnabled(true);
    rowMemo.clear();
  });

  it('renders byte-identical pages with the memo off, cold and warm, as the data changes under it', async () => {
    const s = await setup();
    const clients = [as(s.app, s.owner), as(s.app, s.editor), as(s.app, s.viewer)];
    const first = await expectSameWithAndWithoutMemo(clients);
    expect(first.join('')).toContain('Ship &lt;script&gt;alert(1)&lt;/script&gt;');
    expect(first.join('')).not.toContain('<script>alert(1)');

    // Rescored to the top by the editor: the row moves, ranks shift, the team line changes.
    const low = s.ids[0] ?? 0;
    const res = await as(s.app, s.editor).request(
      `/w/team/hypotheses/${low}/score`,
      form({ impact: 10, confidence: 10, ease: 10, back: 'status=backlog' }, htmx),
    );
    expect(res.status).toBe(200);
    const saved = await res.text();
    expect(saved).toContain('Saved your scores');
    const second = await expectSameWithAndWithoutMemo(clients);
    expect(second).not.toEqual(first);

    // The owner disagrees (discuss flag), and a closed experiment changes the lever of its metric.
    await scoreAs(
      s.db,
      s.ws,
      { id: low },
      { id: s.owner.user.id, name: 'Owner', email: 'o@example.com' },
      {
        impact: 1,
        confidence: 2,
        ease: 1,
      },
    );
    await closeAs(s.db, s.ws, { id: s.ids[3] ?? 0 }, { outcome: 'lost', actualDays: 4 });
    const third = await expectSameWithAndWithoutMemo(clients);
    expect(third.join('')).toContain('discuss');
    expect(third).not.toEqual(second);

    // Members' scores that change while the team's means (and the hypothesis row) stay as they were: the
    // spread and the discuss flag still follow them.
    const split = s.ids[1] ?? 0;
    const flagged = (pages: string[]) =>
      (pages[0] ?? '').split(`id="h-${split}"`)[1]?.split('</li>')[0] ?? '';
    expect(flagged(third)).toContain('discuss');
    // Through the write queue, as every write of Lodestar is (it is what tells kept pages and lists to go).
    for (const [who, impact, confidence] of [
      [s.owner, 7, 4],
      [s.editor, 5, 6],
    ] as const)
      await s.db.write((tx) =>
        tx.run(
          sql`update member_scores set impact = ${impact}, confidence = ${confidence} where hypothesis_id = ${split} and user_id = ${who.user.id}`,
        ),
      );
    const fourth = await expectSameWithAndWithoutMemo(clients);
    expect(flagged(fourth)).not.toContain('discuss');
  });

  it('answers a rescore (saved, refused, closed) with the same list with the memo off and on', async () => {
    const s = await setup();
    const editor = as(s.app, s.editor);
    const posts: [number, Record<string, string | number>][] = [
      [s.ids[5] ?? 0, { impact: 9, confidence: 9, ease: 9, back: 'status=backlog&sort=roti' }],
      [s.ids[6] ?? 0, { impact: 99, confidence: 9, ease: 9, back: 'status=backlog' }],
      [s.ids[13] ?? 0, { impact: 5, confidence: 5, ease: 5, back: 'status=all' }],
      [s.ids[7] ?? 0, { impact: 2, confidence: 2, ease: 2, back: 'status=backlog&tag=email' }],
    ];
    for (const [id, body] of posts) {
      // The first post saves; the second (same scores) changes nothing and must render the same answer.
      rowMemo.setEnabled(true);
      const on = await editor.request(`/w/team/hypotheses/${id}/score`, form(body, htmx));
      const onText = await on.text();
      rowMemo.setEnabled(false);
      const off = await editor.request(`/w/team/hypotheses/${id}/score`, form(body, htmx));
      expect(off.status).toBe(on.status);
      expect(await off.text()).toBe(onText);
      expect(onText).toContain('row-notice');
    }
  });

  it('re-renders only the row that changed when a rescored row moves up past others', async () => {
    const s = await setup();
    const owner = as(s.app, s.owner);
    await (await owner.request('/w/team/backlog', { headers: htmx })).text();
    const before = rowMemo.stats();
    expect(before.misses).toBe(13);
    await scoreAs(
      s.db,
      s.ws,
      { id: s.ids[0] ?? 0 },
      { id: s.editor.user.id, name: 'E', email: 'e@example.com' },
      {
        impact: 10,
        confidence: 10,
        ease: 10,
      },
    );
    const html = await (await owner.request('/w/team/backlog', { headers: htmx })).text();
    expect(html.indexOf(`id="h-${s.ids[0]}"`)).toBeLessThan(
      html.indexOf('<span class="rank" title="Rank in the backlog">#2'),
    );
    const after = rowMemo.stats();
    // Only the rescored row is rendered again; every row it passed kept its HTML (the rank is outside it).
    expect(after.misses - before.misses).toBe(1);
    expect(after.hits - before.hits).toBe(12);
  });

  it('never remembers a row with a notice, and stays within its budget', async () => {
    const s = await setup();
    const res = await as(s.app, s.editor).request(
      `/w/team/hypotheses/${s.ids[2]}/score`,
      form({ impact: 4, confidence: 4, ease: 4, back: 'status=backlog' }, htmx),
    );
    expect(await res.text()).toContain('Saved your scores');
    // 13 backlog rows listed, each rendered once through the memo without a notice (what the next page
    // shows); the one the notice is about is rendered again with it, outside the memo.
    expect(rowMemo.stats()).toMatchObject({ misses: 13, entries: 13 });
    // The next page lists the same rows: it joins what the answer rendered, rendering no row again, and the
    // notice was never kept.
    const page = await (await as(s.app, s.editor).request('/w/team/backlog')).text();
    expect(page).not.toContain('Saved your scores');
    expect(page).toContain(`id="h-${s.ids[2]}"`);
    // The page's one new entry is its filter bar; no row was even looked up.
    expect(rowMemo.stats()).toMatchObject({ hits: 0, misses: 14, entries: 14 });

    rowMemo.clear();
    const big = 'x'.repeat(100_000);
    for (let i = 0; i < 40; i++) expect(String(memoHtml(`key ${i}`, () => `${big}${i}`))).toBe(`${big}${i}`);
    const { chars, entries } = rowMemo.stats();
    expect(chars).toBeLessThanOrEqual(ROW_MEMO_BUDGET);
    expect(entries).toBeLessThan(40);
    // The most recent ones are kept, the oldest dropped.
    expect(String(memoHtml('key 39', () => 'rendered again'))).toBe(`${big}39`);
    expect(String(memoHtml('key 0', () => 'rendered again'))).toBe('rendered again');
    // An entry bigger than the whole budget is rendered but not kept.
    const huge = 'y'.repeat(ROW_MEMO_BUDGET + 1);
    expect(String(memoHtml('huge', () => huge))).toBe(huge);
    expect(String(memoHtml('huge', () => 'again'))).toBe('again');
  });
});
