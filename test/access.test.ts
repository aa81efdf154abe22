import { describe, expect, it } from 'vitest';
import type { Db } from '../db/client';
import { makeMember, makeWorkspace } from '../db/factories';
import type { Role } from '../db/schema';
import { roleAtLeast } from '../src/accounts/members';
import { listTokens } from '../src/accounts/tokens';
import { getNorthStar } from '../src/metrics/metrics';
import { appFor, as, type Credentials, form, freshDb, htmx, json, person, signIn } from './helpers';
import { type Route, routeTable, TABLES, workspaceRecords } from './route-table';

// Who may call each route, written out by hand so that the tests below, which walk the app's own route
// table, fail when a route is added without deciding who may use it, or when a guard goes missing.
type Rule = 'public' | 'signed-in' | 'server-owner' | Role;

const MUTATING: Record<string, Rule> = {
  // Accounts
  'POST /setup': 'public',
  'POST /login': 'public',
  'POST /logout': 'signed-in',
  'POST /account/password': 'signed-in',
  'POST /account/sessions/end': 'signed-in',
  'POST /account/tokens': 'signed-in',
  'POST /account/tokens/:id/revoke': 'signed-in',
  'POST /invite/:token': 'public',
  'POST /workspaces': 'server-owner',
  // Members and invites
  'POST /w/:slug/members/:userId/role': 'owner',
  'POST /w/:slug/members/:userId/remove': 'owner',
  'POST /w/:slug/invites': 'owner',
  'POST /w/:slug/invites/:id/revoke': 'owner',
  // Workspace
  'POST /w/:slug/north-star': 'owner',
  'POST /w/:slug/settings': 'owner',
  'POST /w/:slug/metrics': 'editor',
  'POST /w/:slug/metrics/:id': 'editor',
  'POST /w/:slug/metrics/:id/archive': 'editor',
  'POST /w/:slug/metrics/:id/restore': 'editor',
  'POST /w/:slug/metrics/:id/delete': 'editor',
  'POST /w/:slug/hypotheses': 'editor',
  'POST /w/:slug/hypotheses/:id': 'editor',
  'POST /w/:slug/hypotheses/:id/score': 'editor',
  'POST /w/:slug/hypotheses/:id/transition': 'editor',
  'POST /w/:slug/hypotheses/:id/close': 'editor',
  'POST /w/:slug/hypotheses/:id/close/preview': 'editor',
  'POST /w/:slug/hypotheses/:id/follow-up': 'editor',
  'POST /w/:slug/learnings': 'editor',
  'POST /w/:slug/learnings/:id/status': 'editor',
  'POST /w/:slug/learnings/:id/follow-up': 'editor',
  // The weekly meeting and its batches
  'POST /w/:slug/meeting/hypotheses/:id/score': 'editor',
  'POST /w/:slug/meeting/hypotheses/:id/triage': 'editor',
  'POST /w/:slug/meeting/hypotheses/:id/close': 'editor',
  'POST /w/:slug/meeting/batch': 'editor',
  'POST /w/:slug/meeting/batches/:id/capacity': 'editor',
  'POST /w/:slug/meeting/batches/:id/items': 'editor',
  'POST /w/:slug/meeting/batches/:id/items/:hypothesisId/remove': 'editor',
  'POST /w/:slug/meeting/batches/:id/start': 'editor',
  // Measurements
  'POST /w/:slug/metrics/:id/measurements': 'editor',
  'POST /w/:slug/metrics/:id/measurements/:period/delete': 'editor',
  'POST /w/:slug/measurements': 'editor',
  // Sharing and backups
  'POST /w/:slug/settings/share': 'owner',
  'POST /w/:slug/settings/share/:id/revoke': 'owner',
  'POST /workspaces/import': 'server-owner',
  // CSV imports
  'POST /w/:slug/import/hypotheses/preview': 'editor',
  'POST /w/:slug/import/hypotheses': 'editor',
  'POST /w/:slug/import/measurements/preview': 'editor',
  'POST /w/:slug/import/measurements': 'editor',
  // Drafts
  'POST /w/:slug/drafts': 'editor',
  'POST /w/:slug/drafts/:id/triage': 'editor',
  'POST /w/:slug/drafts/:id/merge': 'editor',
  // Webhooks
  'POST /w/:slug/settings/webhooks': 'owner',
  'POST /w/:slug/settings/webhooks/:id': 'owner',
  'POST /w/:slug/settings/webhooks/:id/delete': 'owner',
  'POST /w/:slug/settings/webhooks/:id/test': 'owner',
  'POST /w/:slug/settings/webhooks/:id/deliveries/:deliveryId/retry': 'owner',
  // API
  'POST /api/v1/workspaces': 'server-owner',
  'POST /api/v1/workspaces/:slug/metrics': 'editor',
  'POST /api/v1/workspaces/:slug/hypotheses': 'editor',
  'PATCH /api/v1/workspaces/:slug/hypotheses/:id': 'editor',
  'POST /api/v1/workspaces/:slug/hypotheses/:id/transition': 'editor',
  'POST /api/v1/workspaces/:slug/hypotheses/:id/close': 'editor',
  'PUT /api/v1/workspaces/:slug/hypotheses/:id/my-score': 'editor',
  'POST /api/v1/workspaces/:slug/batches': 'editor',
  'POST /api/v1/workspaces/:slug/batches/:id/items': 'editor',
  'DELETE /api/v1/workspaces/:slug/batches/:id/items': 'editor',
  'DELETE /api/v1/workspaces/:slug/batches/:id/items/:hypothesisId': 'editor',
  'POST /api/v1/workspaces/:slug/batches/:id/start': 'editor',
  'POST /api/v1/workspaces/:slug/metrics/:id/measurements': 'editor',
  'POST /api/v1/workspace-imports': 'server-owner',
  'POST /api/v1/workspaces/:slug/drafts': 'editor',
};

const mutating = () => routeTable().filter((r) => r.method !== 'GET');
const reading = () =>
  routeTable().filter((r) => r.method === 'GET' && /\/(?:w|workspaces)\/:slug/.test(r.path));

async function snapshot(db: Db): Promise<string> {
  const out: Record<string, unknown> = {};
  for (const t of TABLES) {
    const res = await db.client.execute(`select * from ${t} order by rowid`);
    out[t] = res.rows.map((row) => {
      const copy = { ...row } as Record<string, unknown>;
      delete copy.last_used_at;
      return copy;
    });
  }
  return JSON.stringify(out);
}

/** A workspace with a member of each role, an outsider who owns another workspace, and one of everything. */
async function scenario() {
  const db = await freshDb();
  const app = appFor(db);
  const owner = await person(db, { name: 'Olive Owner' });
  const ws = await makeWorkspace(db, { slug: 'alpha', ownerId: owner.user.id });
  const editor = await signIn(db, await makeMember(db, ws, 'editor'));
  const viewer = await signIn(db, await makeMember(db, ws, 'viewer'));
  const outsider = await person(db, { name: 'Oscar Outsider' });
  const other = await makeWorkspace(db, { slug: 'beta', ownerId: outsider.user.id });
  return {
    db,
    app,
    ws,
    other,
    people: { owner, editor, viewer, outsider },
    alpha: await workspaceRecords(db, ws),
    beta: await workspaceRecords(db, other),
  };
}

type Scenario = Awaited<ReturnType<typeof scenario>>;
type Ids = Scenario['alpha'];

/** Fills a route's parameters with real ids of one workspace (and the asker's own token). */
async function fill(path: string, s: Scenario, slug: string, ids: Ids, who?: Credentials): Promise<string> {
  const tokenId = who ? (await listTokens(s.db, who.user.id))[0]?.id : 0;
  return path
    .replace(':slug', slug)
    .replace(
      '/settings/webhooks/:id/deliveries/:deliveryId',
      `/settings/webhooks/${ids.webhook.id}/deliveries/${ids.delivery?.id}`,
    )
    .replace('/settings/webhooks/:id', `/settings/webhooks/${ids.webhook.id}`)
    .replace('/meeting/hypotheses/:id/triage', `/meeting/hypotheses/${ids.draft.id}/triage`)
    .replace('/drafts/:id/', `/drafts/${ids.draft.id}/`)
    .replace('/batches/:id/items/:hypothesisId', `/batches/${ids.batch.id}/items/${ids.selected.id}`)
    .replace('/batches/:id', `/batches/${ids.batch.id}`)
    .replace(/\/hypotheses\/:id\/(close|transition|follow-up|score)/, (_m, tail) =>
      tail === 'close' ? `/hypotheses/${ids.running.id}/close` : `/hypotheses/${ids.h.id}/${tail}`,
    )
    .replace('/hypotheses/:id', `/hypotheses/${ids.h.id}`)
    .replace('/measurements/:period', '/measurements/2026-W45')
    .replace('/settings/share/:id', `/settings/share/${ids.shareLink.id}`)
    .replace(/\/metrics\/:id\/(restore|delete)/, `/metrics/${ids.archived.id}/$1`)
    .replace('/metrics/:id', `/metrics/${ids.metric.id}`)
    .replace('/learnings/:id', `/learnings/${ids.learning.id}`)
    .replace('/invites/:id', `/invites/${ids.invite.invite.id}`)
    .replace('/members/:userId', `/members/${s.people.viewer.user.id}`)
    .replace('/tokens/:id', `/tokens/${tokenId}`)
    .replace(':token', ids.invite.token);
}

function send(s: Scenario, who: Credentials | 'anonymous', route: Route, path: string, extra = {}) {
  const client = as(s.app, who);
  if (route.path.startsWith('/api/'))
    return client.request(path, {
      method: route.method,
      body: '{}',
      headers: { 'Content-Type': 'application/json', ...extra },
    });
  return client.request(path, {
    method: route.method,
    body: '',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded', Origin: 'http://localhost', ...extra },
  });
}

type Asker = 'anonymous' | 'outsider' | Role;
const ASKERS: Asker[] = ['anonymous', 'outsider', 'viewer', 'editor', 'owner'];

/** The answer an asker must get: allowed, or the exact refusal. */
function expected(rule: Rule, asker: Asker, api: boolean): 'allowed' | 401 | 403 | 404 | 'to-login' {
  if (rule === 'public') return 'allowed';
  if (asker === 'anonymous') return api ? 401 : 'to-login';
  if (rule === 'signed-in') return 'allowed';
  // The owner and the outsider are server owners (they set up their workspaces); the others are not.
  if (rule === 'server-owner') return asker === 'owner' || asker === 'outsider' ? 'allowed' : 403;
  if (asker === 'outsider') return 404;
  return roleAtLeast(asker, rule) ? 'allowed' : 403;
}

describe('access', () => {
  it('every mutating route in the route table has a rule, and every rule a route', () => {
    const found = mutating()
      .map((r) => `${r.method} ${r.path}`)
      .sort();
    expect(found).toEqual(Object.keys(MUTATING).sort());
  });

  describe('role matrix: every mutating route × anonymous, outsider, viewer, editor, owner', () => {
    for (const route of mutating()) {
      const key = `${route.method} ${route.path}`;
      const rule = MUTATING[key] ?? 'owner';
      const api = route.path.startsWith('/api/');
      it(key, async () => {
        // Refusals first, all on one database that must not change; then each allowed asker on a fresh one.
        const s = await scenario();
        const who = (a: Asker) => (a === 'anonymous' ? 'anonymous' : s.people[a]);
        const before = await snapshot(s.db);
        const allowed: Asker[] = [];
        for (const asker of ASKERS) {
          const want = expected(rule, asker, api);
          if (want === 'allowed') {
            allowed.push(asker);
            continue;
          }
          const w = who(asker);
          const res = await send(
            s,
            w,
            route,
            await fill(route.path, s, 'alpha', s.alpha, w === 'anonymous' ? undefined : w),
          );
          if (want === 'to-login') {
            expect(res.status, `${asker}`).toBe(303);
            expect(res.headers.get('location'), `${asker}`).toMatch(/^\/login/);
          } else expect(res.status, `${asker}`).toBe(want);
          expect(await snapshot(s.db), `${asker} changed nothing`).toBe(before);
        }
        for (const asker of allowed) {
          const fresh = await scenario();
          const w = asker === 'anonymous' ? 'anonymous' : fresh.people[asker];
          const path = await fill(route.path, fresh, 'alpha', fresh.alpha, w === 'anonymous' ? undefined : w);
          const res = await send(fresh, w, route, path);
          expect([401, 403, 404], `${asker} is let through`).not.toContain(res.status);
          expect(res.status, `${asker}: no bug`).toBeLessThan(500);
          if (res.status === 303) expect(res.headers.get('location') ?? '').not.toMatch(/^\/login\?/);
        }
      });
    }
  });

  it("the North Star stays the owners' through the generic metric routes, in pages and the API", async () => {
    const s = await scenario();
    const nsm = await getNorthStar(s.db, s.ws);
    if (!nsm) throw new Error('scenario workspace has no North Star');
    const change = { name: 'Renamed by an editor', direction: 'up', version: String(nsm.version) };
    const before = await snapshot(s.db);
    for (const who of ['editor', 'viewer'] as const) {
      const client = as(s.app, s.people[who]);
      expect((await client.request(`/w/alpha/metrics/${nsm.id}/edit`)).status, who).toBe(403);
      const res = await client.request(`/w/alpha/metrics/${nsm.id}`, form(change));
      expect(res.status, who).toBe(403);
      // (A viewer is refused by the guard on every change, before the North Star's own rule.)
      expect(await res.text(), who).toContain(
        who === 'editor' ? 'Only owners can do this.' : 'Only editors and owners can do this.',
      );
    }
    expect(await snapshot(s.db)).toBe(before);
    // Owners still may (the North Star page is theirs anyway).
    const owner = as(s.app, s.people.owner);
    expect((await owner.request(`/w/alpha/metrics/${nsm.id}/edit`)).status).toBe(200);
    expect((await owner.request(`/w/alpha/metrics/${nsm.id}`, form(change))).status).toBe(303);
    expect((await getNorthStar(s.db, s.ws))?.name).toBe('Renamed by an editor');
  });

  it('the API lets only owners name a North Star', async () => {
    const s = await scenario();
    const bare = await makeWorkspace(s.db, {
      slug: 'bare',
      ownerId: s.people.owner.user.id,
      northStar: false,
    });
    const editor = await signIn(s.db, await makeMember(s.db, bare, 'editor'));
    const body = { kind: 'north_star', name: 'Weekly active teams' };
    const before = await snapshot(s.db);
    const refused = await as(s.app, editor).request('/api/v1/workspaces/bare/metrics', json('POST', body));
    expect(refused.status).toBe(403);
    expect(((await refused.json()) as { error: { code: string } }).error.code).toBe('forbidden');
    expect(await snapshot(s.db)).toBe(before);
    const input = await as(s.app, editor).request(
      '/api/v1/workspaces/bare/metrics',
      json('POST', { name: 'Activation rate' }),
    );
    expect(input.status).toBe(201);
    const named = await as(s.app, s.people.owner).request(
      '/api/v1/workspaces/bare/metrics',
      json('POST', body),
    );
    expect(named.status).toBe(201);
    expect((await getNorthStar(s.db, bare))?.name).toBe('Weekly active teams');
  });

  describe("cross-workspace: a member of alpha asks for beta's ids", () => {
    const routes = () => [...reading(), ...mutating().filter((r) => /:slug/.test(r.path))];
    for (const route of routes()) {
      const key = `${route.method} ${route.path}`;
      it(key, async () => {
        const s = await scenario();
        const before = await snapshot(s.db);
        const owner = s.people.owner;
        // beta's slug with beta's ids: not a member → 404, as page, as fragment and in the API.
        const viaSlug = await fill(route.path, s, 'beta', s.beta, owner);
        // alpha's slug (a member) with beta's ids: scoped by alpha → 404.
        const viaIds = await fill(route.path, s, 'alpha', s.beta, owner);
        const paths =
          viaIds === (await fill(route.path, s, 'alpha', s.alpha, owner)) ? [viaSlug] : [viaSlug, viaIds];
        for (const path of paths) {
          const variants = route.path.startsWith('/api/') ? [{}] : [{}, htmx];
          for (const headers of variants) {
            const res =
              route.method === 'GET'
                ? await as(s.app, owner).request(path, { headers })
                : await send(s, owner, route, path, headers);
            expect(res.status, `${path} ${JSON.stringify(headers)}`).toBe(404);
            const text = await res.text();
            expect(text).not.toContain(s.beta.h.title);
          }
        }
        expect(await snapshot(s.db)).toBe(before);
      });
    }
  });
});
