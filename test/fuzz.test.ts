import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  type Body,
  bodies,
  breakParam,
  fill,
  paramValue,
  queryString,
  type Route,
  routeTable,
  type Scenario,
  scenario,
  settle,
  snapshot,
  unreadable,
} from './fuzz-kit';

// Property-based fuzzing of every form and API route in the app's own route table, as a signed-in owner:
// arbitrary bodies (form-encoded, JSON, garbage, empty, over the limit) and hostile path parameters get a
// 2xx, 3xx or 4xx, never a 5xx; a 4xx says what is wrong in words; a refused request changes nothing.
// The seed is random each run (more ground covered over time); a failure prints it, and FUZZ_SEED=<n>
// replays it. FUZZ_RUNS=<n> runs longer locally.

const RUNS = Number(process.env.FUZZ_RUNS ?? 25);
const SEED = process.env.FUZZ_SEED ? Number(process.env.FUZZ_SEED) : undefined;
const options = { numRuns: RUNS, ...(SEED === undefined ? {} : { seed: SEED }), endOnFailure: true };

// An event stream never ends; it has no input beyond the workspace anyway.
const SKIP = new Set(['GET /w/:slug/meeting/events']);

async function send(s: Scenario, route: Route, path: string, body: Body, htmx: boolean): Promise<Response> {
  const api = route.path.startsWith('/api/');
  const headers: Record<string, string> = api
    ? { authorization: `Bearer ${s.owner.token}` }
    : { cookie: s.owner.cookie, origin: 'http://localhost' };
  if (htmx && !api) headers['hx-request'] = 'true';
  if (body.contentType) headers['content-type'] = body.contentType;
  const hasBody = route.method !== 'GET' && body.body !== undefined;
  return s.app.request(path, { method: route.method, headers, ...(hasBody ? { body: body.body } : {}) });
}

/**
 * The words a refusal shows: the JSON error's message, or the alerts, notices and field messages of a page
 * or fragment (`required` asks for at least one of those; other refusals may be a whole page of prose).
 */
async function refusalMessage(res: Response, required: boolean): Promise<string> {
  const type = res.headers.get('content-type') ?? '';
  if (type.includes('json')) {
    const data = (await res.json()) as { error?: { message?: unknown } };
    return typeof data.error?.message === 'string' ? data.error.message : '';
  }
  const html = await res.text();
  const message =
    /<(\w+)[^>]*(?:role="(?:alert|status)"|class="[^"]*\b(?:alert|field-error|row-notice|error)\b[^"]*")[^>]*>([\s\S]*?)<\/\1>/g;
  const pieces = [...html.matchAll(message)].map((m) => m[2] ?? '');
  if (!pieces.length && !required)
    pieces.push(html.replace(/<head>[\s\S]*?<\/head>|<header[\s\S]*?<\/header>/g, ''));
  return pieces
    .join(' ')
    .replace(/<[^>]*>/g, ' ')
    .replace(/&#39;|&apos;/g, "'")
    .replace(/&quot;/g, '"')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&')
    .replace(/\s+/g, ' ')
    .trim();
}

async function check(s: Scenario, route: Route, path: string, body: Body, htmx: boolean) {
  await settle(s.db);
  const before = await snapshot(s.db);
  const res = await send(s, route, path, body, htmx);
  const what = `${route.method} ${path.slice(0, 200)} (${body.kind}, ${body.contentType ?? 'no type'}): ${res.status}`;
  expect(res.status, what).toBeLessThan(500);
  if (res.status >= 400) {
    // A lapsed session asked by htmx gets an empty 401 that tells htmx to go to the sign-in page.
    const redirect = res.status === 401 && res.headers.has('hx-redirect');
    const problem = redirect ? undefined : unreadable(await refusalMessage(res, res.status === 422));
    expect(problem, `${what}: unreadable refusal`).toBeUndefined();
    expect(await snapshot(s.db), `${what}: a refused request changed the database`).toBe(before);
  } else {
    await res.body?.cancel();
    if (route.method === 'GET')
      expect(await snapshot(s.db), `${what}: a read changed the database`).toBe(before);
  }
}

const routes = routeTable().filter((r) => !SKIP.has(`${r.method} ${r.path}`));

describe('fuzzing', () => {
  it('walks a route table with the forms and the API in it', () => {
    expect(routes.filter((r) => r.method !== 'GET').length).toBeGreaterThan(50);
    expect(routes.some((r) => r.path.startsWith('/api/v1/') && r.method === 'PATCH')).toBe(true);
  });

  describe('every form and API route takes arbitrary bodies: never a 5xx, refusals readable and harmless', () => {
    for (const route of routes.filter((r) => r.method !== 'GET')) {
      it(`${route.method} ${route.path}`, async () => {
        const s = await scenario();
        await fc.assert(
          fc.asyncProperty(bodies, paramValue, fc.boolean(), async (body, param, htmx) => {
            await check(s, route, breakParam(route, fill(route.path, s), param), body, htmx);
          }),
          options,
        );
      });
    }
  });

  it('every page and API read takes arbitrary query strings and ids: never a 5xx, and changes nothing', async () => {
    const s = await scenario();
    const reads = routes.filter((r) => r.method === 'GET');
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...reads), queryString, paramValue, async (route, query, param) => {
        const path = breakParam(route, fill(route.path, s), param);
        await check(s, route, query ? `${path}?${query}` : path, { kind: 'query' }, false);
      }),
      { ...options, numRuns: RUNS * 20 },
    );
  });
});

// What fuzzing found, kept as plain cases so that they stay fixed whatever the seed.
describe('fuzzing: the cases it found', () => {
  it('a bad expected lift or estimate in an edit says what is wrong, not "Invalid input"', async () => {
    const s = await scenario();
    const api = await s.app.request(`/api/v1/workspaces/alpha/hypotheses/${s.ids.h.id}`, {
      method: 'PATCH',
      headers: { authorization: `Bearer ${s.owner.token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ expectedLift: 'up', estimatedDays: 'soon', version: s.ids.h.version }),
    });
    expect(api.status).toBe(422);
    const { error } = (await api.json()) as { error: { fields: Record<string, string> } };
    expect(error.fields.expectedLift).toBe('Expected lift must be a percentage, e.g. 5 or -3.');
    expect(error.fields.estimatedDays).toBe('Estimated person-days must be a number of person-days.');
    const page = await s.app.request(`/w/alpha/hypotheses/${s.ids.h.id}`, {
      method: 'POST',
      headers: {
        cookie: s.owner.cookie,
        origin: 'http://localhost',
        'content-type': 'application/x-www-form-urlencoded',
      },
      body: `expectedLift=up&version=${s.ids.h.version}`,
    });
    expect(page.status).toBe(422);
    const html = await page.text();
    expect(html).toContain('Expected lift must be a percentage, e.g. 5 or -3.');
    expect(html).not.toContain('Invalid input');
  });

  it('a refused edit whose metric id is not a number (1e309) is a 422, not a 500', async () => {
    const s = await scenario();
    const res = await s.app.request(`/w/alpha/hypotheses/${s.ids.h.id}`, {
      method: 'POST',
      headers: {
        cookie: s.owner.cookie,
        origin: 'http://localhost',
        'content-type': 'application/x-www-form-urlencoded',
      },
      body: `metricId=1e309&version=${s.ids.h.version}`,
    });
    expect(res.status).toBe(422);
    expect(await res.text()).toContain('Not saved: please fix the highlighted fields.');
  });

  it('a refused webhook edit sent by htmx shows the form with its messages, not the delivery log alone', async () => {
    const s = await scenario();
    const res = await s.app.request(`/w/alpha/settings/webhooks/${s.ids.webhook.id}`, {
      method: 'POST',
      headers: {
        cookie: s.owner.cookie,
        origin: 'http://localhost',
        'content-type': 'application/x-www-form-urlencoded',
        'hx-request': 'true',
      },
      body: 'url=not-a-url',
    });
    expect(res.status).toBe(422);
    const html = await res.text();
    expect(html).toContain('Not saved: please fix the highlighted fields.');
    expect(html).toContain('class="field-error"');
  });

  it('the API answers 200 with the reason when the playbook has nothing new, never a 502', async () => {
    const s = await scenario();
    const draft = () =>
      s.app.request('/api/v1/workspaces/alpha/drafts', {
        method: 'POST',
        headers: { authorization: `Bearer ${s.owner.token}`, 'content-type': 'application/json' },
        body: '{}',
      });
    let res = await draft();
    for (let i = 0; i < 10 && res.status === 201; i++) res = await draft();
    expect(res.status).toBe(200);
    const body = (await res.json()) as { items: unknown[]; source: string; problems: string[] };
    expect(body.items).toEqual([]);
    expect(body.source).toBe('playbook');
    expect(body.problems[0]).toMatch(/^The playbook has nothing new for /);
  });
});
