import { describe, expect, it } from 'vitest';
import type { Db } from '../db/client';
import {
  closeAs,
  makeHypothesis,
  makeInput,
  makeLearning,
  makeMember,
  makeWorkspace,
  moveTo,
} from '../db/factories';
import type { Metric, User, Workspace } from '../db/schema';
import { createInvite } from '../src/accounts/invites';
import { createToken } from '../src/accounts/tokens';
import { runAs } from '../src/audit/actor';
import { followUpFromHypothesis } from '../src/hypotheses/close';
import { updateHypothesis } from '../src/hypotheses/hypotheses';
import { appFor, as, type Client, form, freshDb, htmx, person } from './helpers';

// Hostile text in every field a user can type into, shown on every page, fragment and error message that
// displays it: it must come out as text. The payloads try each way in: a script element, an event
// attribute on a new element, breaking out of an attribute value, an htmx attribute (htmx would act on
// it), a javascript: URL and a template expression.

const P = {
  script: '<script>window.__xss=1</script>',
  img: '<img src=x onerror="window.__xss=1">',
  quote: '" onmouseover="window.__xss=1',
  hx: '<div hx-get="/x" hx-trigger="load">',
  js: 'javascript:window.__xss=1',
  template: '{{7*7}}',
};
const PAYLOADS = Object.values(P);
/** Every payload in one text, for the long fields. */
const ALL = PAYLOADS.join(' ');
/** For fields of 24 characters (units): an attribute break-out and an event handler. */
const SHORT = '"><img src=x onerror=1>';

/** As many payloads as fit in `max` characters, starting from the `from`th, so short fields get each in turn. */
function pack(max: number, from = 0): string {
  let out = '';
  for (let i = 0; i < PAYLOADS.length; i++) {
    const p = PAYLOADS[(from + i) % PAYLOADS.length] as string;
    const next = out ? `${out} ${p}` : p;
    if (next.length <= max) out = next;
  }
  return out;
}

// ---- What must never appear in a response

/** Start tags with their attributes (escaped text never holds "<", so every "<name" starts a tag). */
function startTags(html: string) {
  const out: { name: string; attrs: [string, string][]; raw: string }[] = [];
  for (const m of html.matchAll(/<([a-zA-Z][\w-]*)((?:"[^"]*"|'[^']*'|[^'">])*)>/g)) {
    const attrs: [string, string][] = [];
    for (const a of (m[2] ?? '').matchAll(
      /([^\s"'=<>`/]+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'=<>`]+)))?/g,
    ))
      attrs.push([(a[1] ?? '').toLowerCase(), a[2] ?? a[3] ?? a[4] ?? '']);
    out.push({ name: (m[1] ?? '').toLowerCase(), attrs, raw: m[0] });
  }
  return out;
}

const decode = (v: string) =>
  v
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');

/** The payloads' markup, live: anything here means user text became markup. */
function xssProblems(html: string): string[] {
  const problems: string[] = [];
  for (const needle of [
    '<script>window.__xss',
    '<img src=x onerror',
    'onmouseover="window',
    '<div hx-get="/x"',
    'hx-get="/x"',
    'href="javascript:',
    '"><img',
  ])
    if (html.includes(needle)) problems.push(`raw ${needle}`);
  for (const tag of startTags(html)) {
    if (tag.name === 'script' && !tag.attrs.some(([n]) => n === 'src'))
      problems.push(`inline script ${tag.raw}`);
    if (tag.name === 'img' && tag.attrs.some(([n, v]) => n === 'src' && v === 'x'))
      problems.push(`img ${tag.raw}`);
    for (const [name, value] of tag.attrs) {
      const v = decode(value).trim();
      if (/^on/.test(name)) problems.push(`event attribute ${tag.raw}`);
      if (/^(data-)?hx-/.test(name) && (v === '/x' || v.includes('__xss')))
        problems.push(`htmx attribute ${tag.raw}`);
      if (/^(href|src|action|formaction|hx-get|hx-post)$/.test(name) && /^javascript:/i.test(v))
        problems.push(`javascript: URL ${tag.raw}`);
    }
  }
  return problems;
}

/** The escaped forms: present when the page really shows the payloads (so the checks above are not vacuous). */
const ESCAPED = [
  '&lt;script&gt;window.__xss=1&lt;/script&gt;',
  '&lt;img src=x onerror=&quot;window.__xss=1&quot;&gt;',
  '&quot; onmouseover=&quot;window.__xss=1',
  '&lt;div hx-get=&quot;/x&quot; hx-trigger=&quot;load&quot;&gt;',
];
const showsPayload = (html: string) => ESCAPED.some((e) => html.includes(e));

// ---- A workspace full of payloads

type World = {
  db: Db;
  app: ReturnType<typeof appFor>;
  client: Client;
  me: User;
  ws: Workspace;
  ids: { hypotheses: number[]; learnings: number[]; inputs: number[]; done: number; running: number };
  /** A pending invite to the workspace: its page shows the workspace's name to a stranger. */
  inviteToken: string;
};

const actor = (u: User) => ({
  kind: 'user' as const,
  userId: u.id,
  name: u.name,
  email: u.email,
  via: 'session' as const,
});

async function world(): Promise<World> {
  const db = await freshDb();
  const me = await person(db, { name: pack(80, 0), email: 'owner@example.com' });
  const ws = await makeWorkspace(db, {
    name: pack(80, 0),
    slug: 'xss',
    ownerId: me.user.id,
    northStar: {
      name: pack(80, 1),
      description: ALL,
      unit: SHORT,
      owner: pack(80, 3),
      currentValue: 5,
      target: 10,
    },
  });
  // More workspaces, so the home page lists every payload as a workspace name.
  for (const from of [2, 4]) await makeWorkspace(db, { name: pack(80, from), ownerId: me.user.id });
  const editor = await makeMember(db, ws, 'editor', { name: pack(80, 3) });
  await makeMember(db, ws, 'viewer', { name: pack(80, 1) });

  const inputs: Metric[] = [];
  for (let i = 0; i < 3; i++)
    inputs.push(
      await makeInput(db, ws, {
        name: pack(80, 2 * i),
        description: ALL,
        unit: SHORT,
        owner: pack(80, 2 * i + 1),
      }),
    );
  const hypotheses = [];
  for (let k = 0; k < PAYLOADS.length; k++) {
    const h = await runAs(actor(k % 2 ? editor : me.user), () =>
      makeHypothesis(db, ws, {
        title: pack(140, k),
        change: ALL,
        outcome: ALL,
        rationale: ALL,
        owner: pack(80, k),
        tags: ['xss', `t${k}`],
        metricId: inputs[k % inputs.length]?.id,
      }),
    );
    hypotheses.push(h.id);
  }
  const [h0, h1, h2, h3] = hypotheses as [number, number, number, number];
  // Through the lifecycle as a named person, so histories and the trail show the names too.
  const done = await runAs(actor(me.user), () =>
    closeAs(db, ws, { id: h0 }, { outcome: 'lost', learnings: [{ statement: ALL }] }),
  );
  await runAs(actor(editor), () => moveTo(db, ws, { id: h1 }, 'running'));
  await runAs(actor(editor), () => moveTo(db, ws, { id: h2 }, 'parked'));
  await runAs(actor(me.user), () => moveTo(db, ws, { id: h3 }, 'selected'));
  const followUp = await runAs(actor(me.user), async () =>
    makeHypothesis(db, ws, { ...(await followUpFromHypothesis(db, ws, done.id)), status: 'draft' }),
  );
  hypotheses.push(followUp.id);

  const learnings = done.learnings.map((l) => l.id);
  for (const [i, p] of PAYLOADS.entries())
    learnings.push(
      (await makeLearning(db, ws, { statement: p, metricId: inputs[i % inputs.length]?.id })).id,
    );
  learnings.push((await makeLearning(db, ws, { statement: ALL })).id);

  for (let k = 0; k < PAYLOADS.length; k++) await createToken(db, me.user.id, pack(60, k));
  let inviteToken = '';
  for (let k = 0; k < PAYLOADS.length; k++)
    ({ token: inviteToken } = await runAs(actor(me.user), () =>
      createInvite(db, ws.id, { role: 'editor', note: pack(120, k), createdBy: me.user.id }),
    ));

  const app = appFor(db);
  return {
    db,
    app,
    client: as(app, me),
    me: me.user,
    ws,
    ids: { hypotheses, learnings, inputs: inputs.map((m) => m.id), done: done.id, running: h1 },
    inviteToken,
  };
}

type Seen = { what: string; status: number; html: string; type?: string; nosniff?: boolean };

async function get(client: Client, path: string, headers: Record<string, string> = {}): Promise<Seen> {
  const res = await client.request(path, { headers });
  return {
    what: `GET ${path}${headers['HX-Request'] ? ' (htmx)' : ''}`,
    status: res.status,
    html: await res.text(),
    type: res.headers.get('content-type') ?? '',
    nosniff: res.headers.get('x-content-type-options') === 'nosniff',
  };
}

async function post(
  client: Client,
  path: string,
  data: Record<string, string | number>,
  headers = {},
): Promise<Seen> {
  const res = await client.request(path, form(data, headers));
  return { what: `POST ${path}`, status: res.status, html: await res.text() };
}

/** Same-origin links of a page. */
function links(html: string): string[] {
  const out: string[] = [];
  for (const tag of startTags(html)) {
    if (tag.name !== 'a') continue;
    const href = decode(tag.attrs.find(([n]) => n === 'href')?.[1] ?? '').split('#')[0] ?? '';
    if (href.startsWith('/') && !href.startsWith('//') && !href.startsWith('/assets/')) out.push(href);
  }
  return out;
}

const shape = (href: string) => {
  const url = new URL(href, 'http://localhost');
  return `${url.pathname}?${[...new Set(url.searchParams.keys())].sort().join('&')}`;
};

/** Every page reachable by the app's own links, each also as its htmx fragment. */
async function crawl(client: Client, start: string[]): Promise<Seen[]> {
  const queue = [...start];
  const seen = new Set(queue.map(shape));
  const out: Seen[] = [];
  while (queue.length && out.length < 600) {
    const path = queue.shift() as string;
    const page = await get(client, path);
    out.push(page, await get(client, path, htmx));
    for (const href of links(page.html)) {
      if (seen.has(shape(href))) continue;
      seen.add(shape(href));
      queue.push(href);
    }
  }
  return out;
}

function expectInert(responses: Seen[]) {
  for (const r of responses) {
    expect(r.status, r.what).not.toBe(500);
    // A text export (the meeting summary's Markdown, the CSV and JSON downloads) carries the text as typed: it
    // is inert because the browser is told it is not HTML and may not guess otherwise.
    if (r.type && !r.type.startsWith('text/html')) {
      expect(r.type, r.what).toMatch(/^(text\/(markdown|plain|csv)|application\/json)/);
      expect(r.nosniff, `${r.what}: nosniff`).toBe(true);
      continue;
    }
    expect(xssProblems(r.html), r.what).toEqual([]);
  }
}

describe('XSS', () => {
  it('the checks catch live payloads and let escaped ones through', () => {
    for (const p of [...PAYLOADS.slice(0, 4), SHORT])
      expect(xssProblems(`<p title="">${p}</p>`), p).not.toEqual([]);
    expect(xssProblems(`<p title="${P.quote}">x</p>`)).not.toEqual([]);
    expect(xssProblems(`<a href="${P.js}">x</a>`)).not.toEqual([]);
    const escaped = `<p title="a &quot; onmouseover=&quot;window.__xss=1">${ESCAPED.join(' ')} javascript:x {{7*7}}</p><input value="${ESCAPED[0]}">`;
    expect(xssProblems(escaped)).toEqual([]);
    expect(showsPayload(escaped)).toBe(true);
    expect(pack(80, 0)).toBe(`${P.script} ${P.img} ${P.template}`);
    for (let k = 0; k < PAYLOADS.length; k++) expect(pack(140, k)).toContain(PAYLOADS[k]);
  });

  it('renders payloads inert on every page and fragment that shows them', async () => {
    const w = await world();
    const { ws, ids } = w;
    const base = `/w/${ws.slug}`;
    const responses = await crawl(w.client, ['/', '/account', `${base}/members`, `${base}/activity`]);
    const pages = new Map(
      responses.filter((r) => !r.what.endsWith('(htmx)')).map((r) => [r.what.slice(4), r]),
    );

    // The crawl reached every kind of page, and they show the payloads (escaped).
    const mustShow = [
      '/',
      '/account',
      base,
      `${base}/backlog`,
      `${base}/learnings`,
      `${base}/metrics`,
      `${base}/north-star`,
      `${base}/settings`,
      `${base}/members`,
      `${base}/activity`,
      `${base}/hypotheses/new`,
      ...ids.hypotheses.map((id) => `${base}/hypotheses/${id}`),
      ...ids.inputs.map((id) => `${base}/metrics/${id}/edit`),
    ];
    for (const path of mustShow) {
      const page = pages.get(path);
      expect(page?.status, path).toBe(200);
      expect(showsPayload(page?.html ?? ''), `${path} shows the payloads`).toBe(true);
    }
    expect(pages.get(`${base}/backlog`)?.html).toContain('{{7*7}}');
    expect(pages.get(`${base}/learnings`)?.html).toContain('{{7*7}}');
    // User names (the header, the members list, histories) and token labels and invite notes are shown.
    expect(pages.get(`${base}/members`)?.html).toContain(ESCAPED[2]);
    expect(pages.get('/account')?.html).toContain(ESCAPED[3]);

    // Fragments that are not pages of their own.
    for (const id of ids.inputs)
      responses.push(await get(w.client, `${base}/hypotheses/new?metricId=${id}`, htmx));
    expect(responses.at(-1)?.html ?? '').toSatisfy(showsPayload);
    expectInert(responses);
  });

  it('echoes hostile search text, filters and addresses as text', async () => {
    const w = await world();
    const base = `/w/${w.ws.slug}`;
    const responses: Seen[] = [];
    for (const p of [...PAYLOADS, SHORT]) {
      const q = encodeURIComponent(p);
      for (const path of [
        `${base}/backlog?q=${q}`,
        `${base}/backlog?q=${q}&status=${q}&sort=${q}&metricId=${q}&tag=${q}&offset=${q}`,
        `${base}/learnings?q=${q}`,
        `${base}/learnings?q=${q}&status=${q}&metricId=${q}`,
        `${base}/activity?entity=${q}&before=${q}`,
        `${base}/hypotheses/new?metricId=${q}`,
        `/login?next=${q}`,
      ]) {
        responses.push(await get(w.client, path), await get(w.client, path, htmx));
        if (path.startsWith('/login')) responses.push(await get(as(w.app, 'anonymous'), path));
      }
      // Unknown addresses that carry the payload: the 404 page and fragment.
      for (const path of [
        `${base}/${q}`,
        `/w/${q}/backlog`,
        `/${q}`,
        `${base}/hypotheses/${q}`,
        `/invite/${q}`,
      ])
        responses.push(await get(w.client, path), await get(w.client, path, htmx));
    }
    // The search box keeps what was typed, escaped.
    const searched = await get(w.client, `${base}/backlog?q=${encodeURIComponent(P.script)}`);
    expect(searched.html).toContain(ESCAPED[0]);
    const searchedLearnings = await get(w.client, `${base}/learnings?q=${encodeURIComponent(P.img)}`);
    expect(searchedLearnings.html).toContain(ESCAPED[1]);
    const notFound = await get(w.client, `${base}/hypotheses/${encodeURIComponent(P.script)}`);
    expect(notFound.status).toBe(404);
    // Sign-in keeps the page to return to only as a local path, and never as a live URL.
    const login = await get(as(w.app, 'anonymous'), `/login?next=${encodeURIComponent(P.js)}`);
    expect(login.status).toBe(200);
    expectInert(responses);
  });

  it('re-renders refused forms (422, 409) with the payloads as text', async () => {
    const w = await world();
    const { client, ids } = w;
    const base = `/w/${w.ws.slug}`;
    const backlogId = ids.hypotheses[4] as number;
    const learning = ids.learnings[1] as number;
    const current = async (table: string, id: number) => {
      const { rows } = await w.db.client.execute({
        sql: `select version from ${table} where id = ?`,
        args: [id],
      });
      return Number(rows[0]?.version);
    };
    const hypothesisForm = {
      title: pack(140, 0),
      change: ALL,
      outcome: ALL,
      rationale: ALL,
      owner: pack(80, 2),
      tags: P.script,
      metricId: String(ids.inputs[0]),
      impact: P.quote,
      confidence: '5',
      ease: '5',
      estimatedDays: P.img,
      expectedLift: P.hx,
    };
    // Someone else saves first, so the versions sent below as 1 are stale (409). (A score would not do:
    // members' scores never conflict, so they leave the version alone.)
    const bumped = await updateHypothesis(w.db, w.ws, backlogId, {
      owner: 'Someone else',
      version: await current('hypotheses', backlogId),
    });
    expect(bumped.version).toBe(2);
    const moved = await post(client, `${base}/learnings/${learning}/status`, {
      status: 'confirmed',
      version: await current('learnings', learning),
    });
    expect(moved.status).toBe(303);
    const anonymous = as(w.app, 'anonymous');
    // Each refused form comes back with its status and what was typed, escaped.
    const refused: [Seen, number][] = [
      [await post(client, `${base}/hypotheses`, hypothesisForm), 422],
      // Valid scores: the tag is what is refused, and the message names it.
      [
        await post(client, `${base}/hypotheses`, {
          ...hypothesisForm,
          impact: '5',
          estimatedDays: '',
          expectedLift: '',
        }),
        422,
      ],
      [
        await post(client, `${base}/hypotheses/${backlogId}`, {
          ...hypothesisForm,
          version: await current('hypotheses', backlogId),
        }),
        422,
      ],
      // A stale version: the 409 shows the other person's values beside mine.
      [
        await post(client, `${base}/hypotheses/${backlogId}`, {
          ...hypothesisForm,
          impact: '5',
          tags: 'xss',
          estimatedDays: '',
          expectedLift: '',
          version: 1,
        }),
        409,
      ],
      [
        await post(
          client,
          `${base}/hypotheses/${backlogId}/score`,
          {
            impact: P.script,
            confidence: '5',
            ease: '5',
            version: 1,
            back: `q=${encodeURIComponent(P.script)}`,
          },
          htmx,
        ),
        422,
      ],
      [
        await post(client, `${base}/hypotheses/${backlogId}/score`, {
          impact: P.script,
          confidence: '5',
          ease: '5',
          version: 1,
          back: P.hx,
        }),
        422,
      ],
      [
        await post(client, `${base}/hypotheses/${backlogId}/transition`, { to: P.script, version: P.quote }),
        422,
      ],
      [
        await post(client, `${base}/hypotheses/${ids.running}/close`, {
          outcome: P.script,
          actualDays: P.quote,
          return: P.img,
          baseline: P.hx,
          observed: P.js,
          newStatement: ALL,
          newStatus: P.script,
          version: await current('hypotheses', ids.running),
        }),
        422,
      ],
      [
        await post(
          client,
          `${base}/hypotheses/${ids.running}/close/preview`,
          {
            outcome: P.script,
            actualDays: P.quote,
            return: P.img,
            baseline: P.hx,
            observed: P.js,
            newStatement: ALL,
          },
          htmx,
        ),
        200,
      ],
      [
        await post(client, `${base}/metrics`, {
          name: pack(80, 1),
          description: ALL,
          unit: SHORT,
          owner: pack(80, 3),
          currentValue: P.script,
          target: P.img,
          direction: P.quote,
        }),
        422,
      ],
      [
        await post(client, `${base}/metrics/${ids.inputs[0]}`, {
          name: pack(80, 2),
          description: ALL,
          unit: SHORT,
          owner: pack(80, 4),
          currentValue: P.hx,
          version: 1,
        }),
        422,
      ],
      [
        await post(client, `${base}/north-star`, {
          name: pack(80, 1),
          description: ALL,
          unit: SHORT,
          owner: pack(80, 5),
          target: P.script,
          check_customer_value: P.img,
          note_customer_value: ALL,
        }),
        422,
      ],
      [await post(client, `${base}/settings`, { name: ALL, iceMode: P.script }), 422],
      [await post(client, `${base}/learnings`, { statement: ALL, status: P.script, metricId: P.quote }), 422],
      [
        await post(
          client,
          `${base}/learnings/${learning}/status`,
          {
            status: P.script,
            version: await current('learnings', learning),
            back: `q=${encodeURIComponent(P.script)}`,
          },
          htmx,
        ),
        422,
      ],
      [
        await post(
          client,
          `${base}/learnings/${learning}/status`,
          { status: 'supported', version: 1, back: P.hx },
          htmx,
        ),
        409,
      ],
      [
        await post(client, `${base}/learnings/${learning}/status`, { status: P.img, version: 1, back: P.hx }),
        422,
      ],
      [
        await post(client, '/workspaces', {
          name: ALL,
          slug: P.script,
          nsmName: pack(80, 2),
          nsmDescription: ALL,
          nsmUnit: SHORT,
        }),
        422,
      ],
      [await post(client, '/account/tokens', { label: ALL }), 422],
      [await post(client, `${base}/invites`, { role: P.script, note: ALL }), 422],
      [await post(client, `${base}/members/${w.me.id}/role`, { role: P.script }), 422],
      [await post(anonymous, '/login', { email: P.script, password: 'x', next: P.js }), 422],
      [await post(anonymous, '/login', { email: 'owner@example.com', password: ALL, next: P.hx }), 401],
      [await get(anonymous, `/invite/${w.inviteToken}`), 200],
      [
        await post(anonymous, `/invite/${w.inviteToken}`, {
          name: ALL,
          email: P.img,
          password: ALL,
          confirm: P.quote,
        }),
        422,
      ],
    ];
    for (const [r, status] of refused) {
      expect(r.status, r.what).toBe(status);
      expect(r.html, r.what).toSatisfy(showsPayload);
    }
    // What succeeds shows the text back too: a new token's label, a new invite's note.
    const created: Seen[] = [
      await post(client, '/account/tokens', { label: pack(60, 3) }),
      await post(client, `${base}/invites`, { role: 'viewer', note: pack(120, 3) }),
    ];
    for (const r of created) {
      expect(r.status, r.what).toBeLessThan(400);
      if (r.status < 300) expect(r.html, r.what).toSatisfy(showsPayload);
    }
    const responses = [
      ...refused.map(([r]) => r),
      ...created,
      await post(anonymous, `/invite/${encodeURIComponent(P.script)}`, {
        name: ALL,
        email: P.img,
        password: ALL,
        confirm: P.quote,
      }),
    ];
    expectInert(responses);
  });
});
