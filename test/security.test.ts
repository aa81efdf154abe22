import { describe, expect, it } from 'vitest';
import type { Db } from '../db/client';
import { FACTORY_PASSWORD, makeMember } from '../db/factories';
import type { User } from '../db/schema';
import { seedDemo } from '../db/seed';
import { createInvite } from '../src/accounts/invites';
import { addMember } from '../src/accounts/members';
import { appFor, as, type Client, type Credentials, form, freshDb, htmx, json, person } from './helpers';

// Web hardening (issue 3, point 6): the headers every page carries, pages that a Content-Security-Policy
// without 'unsafe-inline' can run, cross-site form posts refused before they write anything, and a
// body size limit. The seeded demo workspace gives every page realistic content to render.

/** The demo workspace with a signed-in owner of it. */
async function seeded(deps: Parameters<typeof appFor>[1] = {}) {
  const db = await freshDb();
  const me = await person(db, { name: 'Sam Owner', email: 'sam@example.com' });
  const ws = await seedDemo(db);
  await addMember(db, ws.id, me.user, 'owner');
  const editor = await makeMember(db, ws, 'editor', { name: 'Eddie Editor' });
  const invite = await createInvite(db, ws.id, { role: 'editor', note: 'for Nina', createdBy: me.user.id });
  const app = appFor(db, deps);
  return { db, me, ws, app, client: as(app, me), editor, invite };
}

/**
 * Every row of every table, so a refused request can be shown to have changed nothing at all. `mask` names
 * columns left out (a token's last use, which a request that presents the token rightly moves on).
 */
async function snapshot(db: Db, mask: Record<string, string[]> = {}): Promise<Record<string, string[]>> {
  const tables = await db.client.execute(
    "select name from sqlite_master where type = 'table' and name not like 'sqlite_%' order by name",
  );
  const out: Record<string, string[]> = {};
  for (const t of tables.rows) {
    const name = String(t.name);
    const res = await db.client.execute(`select * from "${name}"`);
    const hidden = mask[name] ?? [];
    out[name] = res.rows
      .map((row) => JSON.stringify(res.columns.map((col, i) => (hidden.includes(col) ? null : row[i]))))
      .sort();
  }
  return out;
}

async function one(db: Db, sql: string, args: (string | number)[] = []) {
  const { rows } = await db.client.execute({ sql, args });
  const row = rows[0];
  if (!row) throw new Error(`no row for: ${sql}`);
  return { id: Number(row.id), version: Number(row.version) };
}

// ---- Reading markup without a parser: escaped text never contains "<", so every "<name" starts a tag.

type Tag = { name: string; attrs: Map<string, string>; raw: string };

function startTags(html: string): Tag[] {
  const out: Tag[] = [];
  for (const m of html.matchAll(/<([a-zA-Z][\w-]*)((?:"[^"]*"|'[^']*'|[^'">])*)>/g)) {
    const attrs = new Map<string, string>();
    for (const a of (m[2] ?? '').matchAll(
      /([^\s"'=<>`/]+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'=<>`]+)))?/g,
    ))
      attrs.set((a[1] ?? '').toLowerCase(), a[2] ?? a[3] ?? a[4] ?? '');
    out.push({ name: (m[1] ?? '').toLowerCase(), attrs, raw: m[0] });
  }
  return out;
}

/** What a strict CSP (script-src 'self', style-src 'self') would block, or what could run script. */
function cspProblems(html: string): string[] {
  const problems: string[] = [];
  for (const tag of startTags(html)) {
    if (tag.name === 'script' && !tag.attrs.has('src')) problems.push(`inline script: ${tag.raw}`);
    if (tag.name === 'style') problems.push(`inline <style>: ${tag.raw}`);
    for (const [name, value] of tag.attrs) {
      if (name === 'style') problems.push(`style attribute: ${tag.raw}`);
      if (/^on/.test(name)) problems.push(`event attribute: ${tag.raw}`);
      if (/^(data-)?hx-on/.test(name)) problems.push(`hx-on attribute: ${tag.raw}`);
      if (/^(href|src|action|formaction)$/.test(name) && /^\s*javascript:/i.test(value))
        problems.push(`javascript: URL: ${tag.raw}`);
    }
  }
  // Also as plain text, in case a tag slipped past the pattern above.
  if (/\sstyle\s*=\s*["']/i.test(html.replace(/&quot;|&#39;/g, ''))) problems.push('a style= attribute');
  if (/\shx-on[\w:-]*\s*=/i.test(html)) problems.push('an hx-on attribute');
  return problems;
}

/** Same-origin GET links of a page: where a crawl goes next. */
function links(html: string): string[] {
  const out: string[] = [];
  for (const tag of startTags(html)) {
    if (tag.name !== 'a') continue;
    const href = (tag.attrs.get('href') ?? '').replace(/&amp;/g, '&').split('#')[0] ?? '';
    if (href.startsWith('/') && !href.startsWith('//') && !href.startsWith('/assets/')) out.push(href);
  }
  return out;
}

/** One visit per page shape: each path once, and each path's query keys once (not every filter value). */
const shape = (href: string) => {
  const url = new URL(href, 'http://localhost');
  return `${url.pathname}?${[...new Set(url.searchParams.keys())].sort().join('&')}`;
};

type Visit = { path: string; status: number; headers: Headers; html: string };

/** Follows the app's own links from `start`, as a signed-in person clicking through every page would. */
async function crawl(client: Client, start: string[], limit = 400): Promise<Visit[]> {
  const queue = [...start];
  const seen = new Set(queue.map(shape));
  const visits: Visit[] = [];
  while (queue.length && visits.length < limit) {
    const path = queue.shift() as string;
    const res = await client.request(path);
    const html = await res.text();
    visits.push({ path, status: res.status, headers: res.headers, html });
    if (!(res.headers.get('content-type') ?? '').includes('text/html')) continue;
    for (const href of links(html)) {
      if (seen.has(shape(href))) continue;
      seen.add(shape(href));
      queue.push(href);
    }
  }
  return visits;
}

function csp(headers: Headers): Map<string, string[]> {
  const value = headers.get('content-security-policy') ?? '';
  return new Map(
    value
      .split(';')
      .map((d) => d.trim().split(/\s+/))
      .filter((d) => d[0])
      .map(([name, ...sources]) => [(name as string).toLowerCase(), sources]),
  );
}

function expectHardenedHeaders(headers: Headers, where: string) {
  const policy = headers.get('content-security-policy') ?? '';
  expect(policy, where).not.toBe('');
  expect(policy, where).not.toContain('unsafe-inline');
  expect(policy, where).not.toContain('unsafe-eval');
  const d = csp(headers);
  expect(d.get('default-src'), where).toEqual(["'self'"]);
  expect(d.get('script-src'), where).toEqual(["'self'"]);
  expect(d.get('style-src'), where).toEqual(["'self'"]);
  expect(d.get('frame-ancestors'), where).toEqual(["'none'"]);
  expect(d.get('object-src'), where).toEqual(["'none'"]);
  expect(d.get('base-uri'), where).toEqual(["'self'"]);
  expect(d.get('form-action'), where).toEqual(["'self'"]);
  // Invite pages carry their token in the URL, so they send no Referer at all; every other page the default.
  expect(headers.get('referrer-policy'), where).toBe(
    where.includes('invite') ? 'no-referrer' : 'strict-origin-when-cross-origin',
  );
  expect(headers.get('x-content-type-options'), where).toBe('nosniff');
}

describe('secure headers and a page markup a strict CSP can run', () => {
  it('every page reached from the home page carries the headers and has no inline script, style or handler', async () => {
    const { client, db } = await seeded();
    const visits = await crawl(client, ['/', '/account']);
    const paths = visits.map((v) => v.path);
    // The crawl really went everywhere: the workspace's pages, each hypothesis, the account page.
    for (const expected of [
      '/w/demo',
      '/w/demo/backlog',
      '/w/demo/learnings',
      '/w/demo/metrics',
      '/w/demo/north-star',
      '/w/demo/settings',
      '/w/demo/hypotheses/new',
      '/w/demo/members',
      '/w/demo/activity',
      '/account',
    ])
      expect(paths, expected).toContain(expected);
    const { rows } = await db.client.execute('select count(*) as n from hypotheses');
    const details = paths.filter((p) => /^\/w\/demo\/hypotheses\/\d+$/.test(p));
    expect(details.length).toBeGreaterThan(Number(rows[0]?.n) / 2);
    expect(paths.some((p) => /^\/w\/demo\/metrics\/\d+\/edit$/.test(p))).toBe(true);

    for (const v of visits) {
      expect(v.status, v.path).toBe(200);
      expectHardenedHeaders(v.headers, v.path);
      expect(cspProblems(v.html), v.path).toEqual([]);
    }
  });

  it('fragments, error pages and the sign-in page are held to the same rules', async () => {
    const { app, client, db, invite } = await seeded();
    const h = await one(db, "select id, version from hypotheses where status = 'running'");
    const responses: [string, Response][] = [];
    for (const path of [
      '/w/demo',
      '/w/demo/backlog?q=slack',
      '/w/demo/learnings?q=onboarding',
      `/w/demo/hypotheses/${h.id}`,
      '/w/demo/hypotheses/new?metricId=1',
    ])
      responses.push([`${path} (htmx)`, await client.request(path, { headers: htmx })]);
    responses.push(['404 page', await client.request('/w/demo/hypotheses/999999')]);
    responses.push(['404 elsewhere', await client.request('/nothing/here')]);
    responses.push(['404 fragment', await client.request('/w/demo/hypotheses/999999', { headers: htmx })]);
    responses.push([
      '422 page',
      await client.request('/w/demo/hypotheses', form({ title: '', metricId: '' })),
    ]);
    responses.push([
      '403 page',
      await client.request('/w/demo/settings', form({}, { Origin: 'https://evil.example' })),
    ]);
    responses.push(['sign-in page', await as(app, 'anonymous').request('/login')]);
    responses.push(['invite page', await as(app, 'anonymous').request(`/invite/${invite.token}`)]);
    responses.push(['first-run setup page', await appFor(await freshDb()).request('/setup')]);
    responses.push([
      'refused sign-in',
      await as(app, 'anonymous').request(
        '/login',
        form({ email: 'sam@example.com', password: 'wrong password' }),
      ),
    ]);
    for (const [where, res] of responses) {
      expect(res.status, where).toBeLessThan(500);
      expectHardenedHeaders(res.headers, where);
      expect(cspProblems(await res.text()), where).toEqual([]);
    }
  });

  it('the inspector itself finds what it is looking for', () => {
    // Guards the test above against passing because it looks at nothing.
    expect(cspProblems('<script>x()</script>')).not.toEqual([]);
    expect(cspProblems('<p style="color:red">x</p>')).not.toEqual([]);
    expect(cspProblems('<button onclick="x()">x</button>')).not.toEqual([]);
    expect(cspProblems('<form hx-on:submit="x()"></form>')).not.toEqual([]);
    expect(cspProblems('<a href="javascript:x()">x</a>')).not.toEqual([]);
    expect(cspProblems('<style>p{}</style>')).not.toEqual([]);
    expect(
      cspProblems(
        '<script src="/assets/app.js" defer></script><p title="a &quot; style=&quot;x">&lt;script&gt; onclick= style=</p>',
      ),
    ).toEqual([]);
  });
});

// ---- CSRF

type Ids = {
  backlog: { id: number; version: number };
  running: { id: number; version: number };
  learning: { id: number; version: number };
  input: { id: number; version: number };
  northStar: { id: number; version: number };
  tokenId: number;
  editorId: number;
  invite: { id: number; token: string };
};

type Case = {
  name: string;
  path: string;
  data: (ids: Ids) => Record<string, string | number>;
  /** Who the forged request rides on: the signed-in owner (default) or a browser signed in as nobody. */
  anonymous?: boolean;
};

// Mutating page routes, each with a body that succeeds when it comes from Lodestar's own page.
const CASES: Case[] = [
  {
    name: 'create hypothesis',
    path: '/w/demo/hypotheses',
    data: (ids) => ({
      title: 'Forged hypothesis',
      change: 'a forged change',
      outcome: 'rise',
      rationale: 'because a stranger said so',
      metricId: ids.input.id,
      impact: 5,
      confidence: 5,
      ease: 5,
    }),
  },
  {
    name: 'rescore',
    path: '/w/demo/hypotheses/:backlog/score',
    data: (ids) => ({
      impact: 10,
      confidence: 10,
      ease: 10,
      version: ids.backlog.version,
      back: 'status=backlog',
    }),
  },
  {
    name: 'edit hypothesis',
    path: '/w/demo/hypotheses/:backlog',
    data: (ids) => ({
      title: 'Renamed by a stranger',
      change: 'c',
      outcome: 'o',
      rationale: 'r',
      metricId: ids.input.id,
      impact: 1,
      confidence: 1,
      ease: 1,
      version: ids.backlog.version,
    }),
  },
  {
    name: 'transition',
    path: '/w/demo/hypotheses/:backlog/transition',
    data: (ids) => ({ to: 'parked', version: ids.backlog.version }),
  },
  {
    name: 'close',
    path: '/w/demo/hypotheses/:running/close',
    data: (ids) => ({
      outcome: 'invalid',
      actualDays: 1,
      return: 0,
      newStatement: 'forged learning',
      newStatus: 'emerging',
      version: ids.running.version,
    }),
  },
  { name: 'settings', path: '/w/demo/settings', data: () => ({ name: 'Pwned', iceMode: 'product' }) },
  {
    name: 'north star',
    path: '/w/demo/north-star',
    data: (ids) => ({ name: 'Forged star', unit: 'x', direction: 'up', version: ids.northStar.version }),
  },
  { name: 'add metric', path: '/w/demo/metrics', data: () => ({ name: 'Forged lever', direction: 'up' }) },
  {
    name: 'edit metric',
    path: '/w/demo/metrics/:input',
    data: (ids) => ({ name: 'Forged name', direction: 'down', version: ids.input.version }),
  },
  { name: 'archive metric', path: '/w/demo/metrics/:input/archive', data: () => ({}) },
  { name: 'add learning', path: '/w/demo/learnings', data: () => ({ statement: 'Forged learning' }) },
  {
    name: 'learning status',
    path: '/w/demo/learnings/:learning/status',
    data: (ids) => ({ status: 'rejected', version: ids.learning.version }),
  },
  { name: 'follow-up from learning', path: '/w/demo/learnings/:learning/follow-up', data: () => ({}) },
  {
    name: 'create workspace',
    path: '/workspaces',
    data: () => ({ name: 'Forged', slug: 'forged', nsmName: 'Forged star' }),
  },
  { name: 'logout', path: '/logout', data: () => ({}) },
  { name: 'end all sessions', path: '/account/sessions/end', data: () => ({}) },
  { name: 'create token', path: '/account/tokens', data: () => ({ label: 'forged' }) },
  { name: 'revoke token', path: '/account/tokens/:token/revoke', data: () => ({}) },
  {
    name: 'change password',
    path: '/account/password',
    data: () => ({
      current: FACTORY_PASSWORD,
      password: 'a brand new passphrase',
      confirm: 'a brand new passphrase',
    }),
  },
  { name: 'invite', path: '/w/demo/invites', data: () => ({ role: 'owner', note: 'forged' }) },
  { name: 'withdraw invite', path: '/w/demo/invites/:invite/revoke', data: () => ({}) },
  { name: 'change role', path: '/w/demo/members/:editor/role', data: () => ({ role: 'owner' }) },
  { name: 'remove member', path: '/w/demo/members/:editor/remove', data: () => ({}) },
  // Signing a browser in to someone else's account (login CSRF), or joining through an invite.
  {
    name: 'sign in',
    path: '/login',
    data: () => ({ email: 'sam@example.com', password: FACTORY_PASSWORD }),
    anonymous: true,
  },
  {
    name: 'join by invite',
    path: '/invite/:token',
    data: () => ({
      name: 'Nina',
      email: 'nina@example.com',
      password: 'long enough passphrase',
      confirm: 'long enough passphrase',
    }),
    anonymous: true,
  },
];

async function idsOf(
  db: Db,
  me: Credentials,
  editor: User,
  invite: { token: string; invite: { id: number } },
): Promise<Ids> {
  const tokens = await db.client.execute({
    sql: 'select id from api_tokens where user_id = ?',
    args: [me.user.id],
  });
  return {
    backlog: await one(db, "select id, version from hypotheses where status = 'backlog' order by id"),
    running: await one(db, "select id, version from hypotheses where status = 'running' order by id"),
    learning: await one(db, 'select id, version from learnings order by id'),
    input: await one(db, "select id, version from metrics where kind = 'input' order by id"),
    northStar: await one(db, "select id, version from metrics where kind = 'north_star'"),
    tokenId: Number(tokens.rows[0]?.id),
    editorId: editor.id,
    invite: { id: invite.invite.id, token: invite.token },
  };
}

const pathOf = (c: Case, ids: Ids) =>
  c.path
    .replace(':backlog', String(ids.backlog.id))
    .replace(':running', String(ids.running.id))
    .replace(':learning', String(ids.learning.id))
    .replace(':input', String(ids.input.id))
    .replace(':token', c.path.startsWith('/invite/') ? ids.invite.token : String(ids.tokenId))
    .replace(':invite', String(ids.invite.id))
    .replace(':editor', String(ids.editorId));

const encoded = (data: Record<string, string | number>) =>
  new URLSearchParams(Object.entries(data).map(([k, v]) => [k, String(v)])).toString();

const EVIL = 'https://evil.example';

describe('CSRF', () => {
  it.each(CASES)(
    'refuses a cross-site $name (403, nothing written) and accepts it from Lodestar',
    async (c) => {
      const world = await seeded();
      const { db, me } = world;
      const client = c.anonymous ? as(world.app, 'anonymous') : world.client;
      const ids = await idsOf(db, me, world.editor, world.invite);
      const path = pathOf(c, ids);
      const body = encoded(c.data(ids));
      const urlencoded = 'application/x-www-form-urlencoded';
      const before = await snapshot(db);

      const forged: [string, RequestInit][] = [
        ['evil Origin', { method: 'POST', body, headers: { 'Content-Type': urlencoded, Origin: EVIL } }],
        [
          'Sec-Fetch-Site cross-site, no Origin',
          { method: 'POST', body, headers: { 'Content-Type': urlencoded, 'Sec-Fetch-Site': 'cross-site' } },
        ],
        [
          'evil Origin and Sec-Fetch-Site cross-site',
          {
            method: 'POST',
            body,
            headers: { 'Content-Type': urlencoded, Origin: EVIL, 'Sec-Fetch-Site': 'cross-site' },
          },
        ],
        ['no Origin nor Sec-Fetch-Site', { method: 'POST', body, headers: { 'Content-Type': urlencoded } }],
        ['text/plain', { method: 'POST', body, headers: { 'Content-Type': 'text/plain', Origin: EVIL } }],
        [
          'multipart',
          {
            method: 'POST',
            body: (() => {
              const fd = new FormData();
              for (const [k, v] of Object.entries(c.data(ids))) fd.append(k, String(v));
              return fd;
            })(),
            headers: { Origin: EVIL },
          },
        ],
        // Bytes rather than a string: a string body would be given a text/plain content type.
        [
          'no Content-Type',
          { method: 'POST', body: new TextEncoder().encode(body), headers: { Origin: EVIL } },
        ],
        [
          'same site, other origin',
          {
            method: 'POST',
            body,
            headers: {
              'Content-Type': urlencoded,
              Origin: 'http://localhost:8080',
              'Sec-Fetch-Site': 'same-site',
            },
          },
        ],
      ];
      for (const [how, init] of forged) {
        const res = await client.request(path, init);
        expect(res.status, how).toBe(403);
        expect(await res.text(), how).toContain('came from another site');
        expect(await snapshot(db), how).toEqual(before);
      }
      // htmx from another site is no different.
      const viaHtmx = await client.request(path, form(c.data(ids), { Origin: EVIL, ...htmx }));
      expect(viaHtmx.status).toBe(403);
      expect(await snapshot(db)).toEqual(before);

      // The same post from Lodestar's own page goes through and changes something.
      const ok = await client.request(path, form(c.data(ids)));
      expect([200, 201, 303], await ok.text()).toContain(ok.status);
      expect(await snapshot(db)).not.toEqual(before);
    },
  );

  it('accepts a browser that sends only Sec-Fetch-Site: same-origin', async () => {
    const { db, client } = await seeded();
    const before = await snapshot(db);
    const res = await client.request(
      '/w/demo/learnings',
      form({ statement: 'Said in our own meeting' }, { Origin: '', 'Sec-Fetch-Site': 'same-origin' }),
    );
    expect(res.status).toBe(303);
    expect(await snapshot(db)).not.toEqual(before);
  });

  it('accepts Origin: null from its own no-referrer page (the invite) and refuses it from anywhere else', async () => {
    // A page sent with Referrer-Policy: no-referrer makes Chromium post its forms with `Origin: null`.
    const { db, client } = await seeded();
    const before = await snapshot(db);
    const post = (headers: Record<string, string>) =>
      client.request('/w/demo/learnings', form({ statement: 'From a no-referrer page' }, headers));
    const elsewhere: Record<string, string>[] = [
      { Origin: 'null' },
      { Origin: 'null', 'Sec-Fetch-Site': 'cross-site' },
      { Origin: 'null', 'Sec-Fetch-Site': 'same-site' },
    ];
    for (const headers of elsewhere) {
      const res = await post(headers);
      expect(res.status, JSON.stringify(headers)).toBe(403);
    }
    expect(await snapshot(db)).toEqual(before);
    const res = await post({ Origin: 'null', 'Sec-Fetch-Site': 'same-origin' });
    expect(res.status).toBe(303);
    expect(await snapshot(db)).not.toEqual(before);
  });

  it('behind a proxy, accepts the configured public origin and refuses the internal one', async () => {
    const origin = 'https://lodestar.example.com';
    const { db, me, app } = await seeded({ origin });
    // Over https the session cookie carries the __Host- prefix.
    const client = as(app, {
      ...me,
      cookie: me.cookie.replace('lodestar_session=', '__Host-lodestar_session='),
    });
    const before = await snapshot(db);
    for (const bad of [
      'http://localhost',
      EVIL,
      'http://lodestar.example.com',
      'https://lodestar.example.com.evil.example',
    ]) {
      const res = await client.request(
        '/w/demo/learnings',
        form({ statement: 'via proxy' }, { Origin: bad }),
      );
      expect(res.status, bad).toBe(403);
    }
    expect(await snapshot(db)).toEqual(before);
    // The request URL says http://localhost (the proxy's upstream); the browser's Origin is the public one.
    const res = await client.request(
      '/w/demo/learnings',
      form({ statement: 'via proxy' }, { Origin: origin }),
    );
    expect(res.status).toBe(303);
    const { rows } = await db.client.execute(
      "select count(*) as n from learnings where statement = 'via proxy'",
    );
    expect(Number(rows[0]?.n)).toBe(1);
  });

  it('keeps the API out of the form check, but it needs a bearer token and JSON', async () => {
    const { db, me, app, ws } = await seeded();
    const input = await one(db, "select id, version from metrics where kind = 'input' order by id");
    const data = {
      title: 'Via the API',
      change: 'c',
      outcome: 'o',
      rationale: 'r',
      metricId: input.id,
      impact: 5,
      confidence: 5,
      ease: 5,
    };
    const path = `/api/v1/workspaces/${ws.slug}/hypotheses`;
    const lastUse = { api_tokens: ['last_used_at'] };
    const before = await snapshot(db, lastUse);
    // What a hostile page can make a browser send: a form post with the session cookie, no token.
    const cookieOnly = await app.request(path, form(data, { Origin: EVIL, Cookie: me.cookie }));
    expect(cookieOnly.status).toBe(401);
    expect(await cookieOnly.json()).toMatchObject({ error: { code: 'unauthorized' } });
    const cookieJson = await app.request(path, {
      ...json('POST', data),
      headers: { 'Content-Type': 'application/json', Cookie: me.cookie, Origin: EVIL },
    });
    expect(cookieJson.status).toBe(401);
    // A token with a body a form could send is still refused: only JSON is read.
    for (const type of [
      'text/plain',
      'application/x-www-form-urlencoded',
      'multipart/form-data; boundary=x',
    ]) {
      const res = await as(app, me).request(path, {
        method: 'POST',
        body: type.startsWith('text') ? JSON.stringify(data) : encoded(data),
        headers: { 'Content-Type': type, Origin: EVIL },
      });
      expect(res.status, type).toBe(400);
      expect(await res.json(), type).toMatchObject({ error: { code: 'bad_json' } });
    }
    expect(await snapshot(db, lastUse)).toEqual(before);
    // A script or tool with the token and JSON is what the API is for, whatever Origin it names.
    const ok = await as(app, me).request(path, {
      ...json('POST', data),
      headers: { 'Content-Type': 'application/json', Origin: EVIL },
    });
    expect(ok.status).toBe(201);
  });
});

describe('body limit', () => {
  it('refuses a page post over the limit with a 413 page and the API with 413 JSON, writing nothing', async () => {
    const { db, me, client, app, ws } = await seeded();
    const input = await one(db, "select id, version from metrics where kind = 'input' order by id");
    const huge = 'x'.repeat(300 * 1024);
    const before = await snapshot(db);

    const page = await client.request(
      '/w/demo/hypotheses',
      form({
        title: 'Huge',
        change: huge,
        outcome: 'o',
        rationale: 'r',
        metricId: input.id,
        impact: 5,
        confidence: 5,
        ease: 5,
      }),
    );
    expect(page.status).toBe(413);
    expect(page.headers.get('content-type')).toContain('text/html');
    const html = await page.text();
    expect(html).toContain('Too large');
    expect(html).toContain(`over ${256 * 1024} bytes`);
    expectHardenedHeaders(page.headers, '413 page');

    // Announced up front by Content-Length, refused without reading the body.
    const announced = await client.request('/w/demo/learnings', {
      ...form({ statement: huge }),
      headers: { ...form({}).headers, 'Content-Length': String(huge.length + 10) },
    });
    expect(announced.status).toBe(413);

    const api = await as(app, me).request(
      `/api/v1/workspaces/${ws.slug}/hypotheses`,
      json('POST', { title: huge }),
    );
    expect(api.status).toBe(413);
    expect(api.headers.get('content-type')).toContain('application/json');
    expect(await api.json()).toMatchObject({ error: { code: 'too_large' } });
    expect(await snapshot(db)).toEqual(before);

    // Just under the limit is an ordinary (here invalid: the text is too long) form.
    const under = await client.request('/w/demo/learnings', form({ statement: 'x'.repeat(200 * 1024) }));
    expect(under.status).toBe(422);
  });

  it('honours a configured limit', async () => {
    const { db, client } = await seeded({ bodyLimitBytes: 1000 });
    const before = await snapshot(db);
    const res = await client.request('/w/demo/learnings', form({ statement: 'y'.repeat(1200) }));
    expect(res.status).toBe(413);
    expect(await res.text()).toContain('over 1000 bytes');
    expect(await snapshot(db)).toEqual(before);
  });
});

describe('CSRF beyond form content types', () => {
  it('refuses a cross-site page POST whatever its content type (JSON included), and writes nothing', async () => {
    const { db, me, client, ws } = await seeded();
    const before = await snapshot(db);
    const path = `/w/${ws.slug}/learnings`;
    const body = JSON.stringify({ statement: 'Forged' });
    const variants: Record<string, string>[] = [
      { 'Content-Type': 'application/json', Origin: 'https://evil.example' },
      { 'Content-Type': 'application/json', 'Sec-Fetch-Site': 'cross-site' },
      { 'Content-Type': 'application/json', 'Sec-Fetch-Site': 'same-site', Origin: 'https://x.localhost' },
    ];
    for (const headers of variants) {
      for (const target of [path, '/logout']) {
        const res = await client.request(target, { method: 'POST', body, headers });
        expect(res.status, `${target} ${JSON.stringify(headers)}`).toBe(403);
      }
    }
    expect(await snapshot(db)).toEqual(before);
    // The session survived the forged sign-out.
    expect((await as(appFor(db), me).request('/')).status).toBe(200);
  });
});
