import fc from 'fast-check';
import type { Db } from '../db/client';
import { makeMember, makeWorkspace } from '../db/factories';
import { listTokens } from '../src/accounts/tokens';
import { appFor, type Credentials, freshDb, person, signIn } from './helpers';
import { type Route, routeTable, TABLES, workspaceRecords } from './route-table';

export { type Route, routeTable };

// The pieces of the fuzzing test (test/fuzz.test.ts): the route table, a workspace with one of everything,
// and the arbitraries that make hostile requests.

/** A workspace 'alpha' owned by a signed-in server owner, with one of everything a route can point at. */
export async function scenario() {
  const db = await freshDb();
  const app = appFor(db);
  const owner = await person(db, { name: 'Olive Owner' });
  const ws = await makeWorkspace(db, { slug: 'alpha', ownerId: owner.user.id });
  const viewer = await signIn(db, await makeMember(db, ws, 'viewer'));
  const { delivery, ...ids } = await workspaceRecords(db, ws);
  const tokenId = (await listTokens(db, owner.user.id))[0]?.id ?? 0;
  return { db, app, owner, viewer, ws, ids, deliveryId: delivery?.id ?? 0, tokenId };
}

export type Scenario = Awaited<ReturnType<typeof scenario>>;

/** A route's parameters filled with real ids, so that most requests reach the handler's input checks. */
export function fill(path: string, s: Scenario): string {
  const { ids } = s;
  return path
    .replace(':slug', 'alpha')
    .replace(':deliveryId', String(s.deliveryId))
    .replace('/settings/webhooks/:id', `/settings/webhooks/${ids.webhook.id}`)
    .replace('/meeting/hypotheses/:id/triage', `/meeting/hypotheses/${ids.draft.id}/triage`)
    .replace('/drafts/:id/', `/drafts/${ids.draft.id}/`)
    .replace(':hypothesisId', String(ids.selected.id))
    .replace('/batches/:id', `/batches/${ids.batch.id}`)
    .replace(/\/hypotheses\/:id\/close/, `/hypotheses/${ids.running.id}/close`)
    .replace('/hypotheses/:id', `/hypotheses/${ids.h.id}`)
    .replace(':period', '2026-W45')
    .replace('/settings/share/:id', `/settings/share/${ids.shareLink.id}`)
    .replace(/\/metrics\/:id\/(restore|delete)/, `/metrics/${ids.archived.id}/$1`)
    .replace('/metrics/:id', `/metrics/${ids.metric.id}`)
    .replace('/learnings/:id', `/learnings/${ids.learning.id}`)
    .replace('/invites/:id', `/invites/${ids.invite.invite.id}`)
    .replace(':userId', String(s.viewer.user.id))
    .replace('/tokens/:id', `/tokens/${s.tokenId}`)
    .replace('/runs/:id', '/runs/1')
    .replace(':token', ids.invite.token)
    .replace(':name', 'app.css');
}

/**
 * Waits for the work a page starts in the background (a draft run answers at once and stores its drafts
 * later), so that what it writes is not blamed on the next request.
 */
export async function settle(db: Db): Promise<void> {
  for (let i = 0; i < 200; i++) {
    const res = await db.client.execute("select count(*) as n from draft_runs where status = 'running'");
    if (Number(res.rows[0]?.n) === 0) return;
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error('A draft run was still running after 2 s.');
}

export async function snapshot(db: Db): Promise<string> {
  const out: Record<string, unknown> = {};
  for (const t of TABLES) {
    const res = await db.client.execute(`select * from ${t} order by rowid`);
    out[t] = res.rows.map((row) => {
      const copy = { ...row } as Record<string, unknown>;
      delete copy.last_used_at;
      // Webhook deliveries go on in the background after the request that queued them has been answered.
      if (t === 'webhook_deliveries')
        for (const k of [
          'status',
          'attempts',
          'next_attempt_at',
          'last_status_code',
          'last_error',
          'last_duration_ms',
          'delivered_at',
        ])
          delete copy[k];
      return copy;
    });
  }
  return JSON.stringify(out);
}

// Every field name a form or an API body of the app uses (collected from views/ and the zod schemas), so
// that generated bodies hit real fields with wrong values as well as unknown ones.
const FIELDS = [
  ...'active actualDays back baseline cadence capacityDays change confirm count current currentValue description'.split(
    ' ',
  ),
  ...'direction email entity estimatedDays events expectedLift file hypothesisId iceMode label linkLearningId'.split(
    ' ',
  ),
  ...'linkRelation metricId name newStatement newStatus next note nsmDescription nsmName nsmUnit observed'.split(
    ' ',
  ),
  ...'outcome owner password period q rationale referrer result return returnSuggested role slug sort statement'.split(
    ' ',
  ),
  ...'status tag tags target text title to unit url username value version week impact confidence ease kind'.split(
    ' ',
  ),
  ...'draftExperiments draftLearnings draftRule experimentIds learningIds limit offset parentId relation'.split(
    ' ',
  ),
  ...'sourceLearningId timeZone token view format hypothesisIds newPassword currentPassword values items'.split(
    ' ',
  ),
];

/** Values that have broken parsers before: numbers at the edges, odd unicode, formula and markup text. */
const NASTY = [
  '',
  ' ',
  '0',
  '-1',
  '1.5',
  '1e309',
  '-0',
  'NaN',
  'Infinity',
  '9007199254740993',
  '99999999999999999999999',
  '0x10',
  'true',
  'null',
  'undefined',
  '[]',
  '{}',
  '2026-W45',
  '2026-W00',
  '2026-W99',
  '2026-13-45',
  '<script>alert(1)</script>',
  '=HYPERLINK("x")',
  '\u0000',
  '\ud800',
  '\u202e\u0301',
  '👩‍👩‍👧‍👦',
  'a'.repeat(5000),
  'running',
  'closed',
  'won',
  'owner',
  'editor',
  'weekly',
  'up',
  'http://127.0.0.1:9/x',
];

const stringValue = fc.oneof(
  { arbitrary: fc.constantFrom(...NASTY), weight: 3 },
  { arbitrary: fc.string({ maxLength: 40 }), weight: 2 },
  { arbitrary: fc.string({ unit: 'binary', maxLength: 40 }), weight: 2 },
  { arbitrary: fc.integer().map(String), weight: 2 },
  { arbitrary: fc.double().map(String), weight: 1 },
  // Under the body limit but over every field's own limit.
  { arbitrary: fc.nat({ max: 100_000 }).map((n) => 'é'.repeat(n)), weight: 1 },
);

const fieldName = fc.oneof(
  { arbitrary: fc.constantFrom(...FIELDS), weight: 5 },
  { arbitrary: fc.string({ maxLength: 12 }), weight: 1 },
);

const jsonLeaf = fc.oneof(
  stringValue,
  fc.integer(),
  fc.double(),
  fc.boolean(),
  fc.constant(null),
  fc.constantFrom(-1, 0, 1e308, Number.MAX_SAFE_INTEGER + 2),
);
const jsonField = fc.oneof(
  { arbitrary: jsonLeaf, weight: 4 },
  { arbitrary: fc.array(jsonLeaf, { maxLength: 4 }), weight: 1 },
  { arbitrary: fc.dictionary(fieldName, jsonLeaf, { maxKeys: 3 }), weight: 1 },
);

export type Body = { kind: string; contentType?: string; body?: string };

const formBody = fc
  .dictionary(fieldName, fc.oneof(stringValue, fc.array(stringValue, { minLength: 2, maxLength: 3 })), {
    maxKeys: 8,
  })
  .map((fields): Body => {
    const body = new URLSearchParams();
    for (const [k, v] of Object.entries(fields))
      for (const item of Array.isArray(v) ? v : [v]) body.append(k, item);
    return { kind: 'form', contentType: 'application/x-www-form-urlencoded', body: body.toString() };
  });

const jsonObject = fc
  .dictionary(fieldName, jsonField, { maxKeys: 8 })
  .map((o): Body => ({ kind: 'json', contentType: 'application/json', body: JSON.stringify(o) }));

const jsonOther = fc
  .jsonValue({ maxDepth: 3 })
  .map((v): Body => ({ kind: 'json-value', contentType: 'application/json', body: JSON.stringify(v) }));

const garbage = fc
  .record({
    contentType: fc.constantFrom(
      'application/json',
      'application/x-www-form-urlencoded',
      'multipart/form-data',
      'multipart/form-data; boundary=xyz',
      'text/plain',
      'application/octet-stream',
      'text/csv',
    ),
    body: fc.oneof(
      fc.string({ unit: 'binary', maxLength: 200 }),
      fc.constantFrom(
        '{',
        '{"a":',
        '--xyz\r\nContent-Disposition: form-data; name="a"\r\n\r\n',
        '%E0%A4%A',
        'a=%%',
      ),
    ),
  })
  .map((r): Body => ({ kind: 'garbage', ...r }));

const nothing = fc.constant<Body>({ kind: 'empty' });

// Over the default body limit (256 KiB): refused with a 413 before it is read whole.
const huge = fc.constantFrom('application/json', 'application/x-www-form-urlencoded').map(
  (contentType): Body => ({
    kind: 'huge',
    contentType,
    body:
      contentType === 'application/json'
        ? JSON.stringify({ name: 'x'.repeat(300_000) })
        : `name=${'x'.repeat(300_000)}`,
  }),
);

export const bodies = fc.oneof(
  { arbitrary: formBody, weight: 4 },
  { arbitrary: jsonObject, weight: 4 },
  { arbitrary: jsonOther, weight: 1 },
  { arbitrary: garbage, weight: 2 },
  { arbitrary: nothing, weight: 1 },
  { arbitrary: huge, weight: 1 },
);

/** A path parameter: mostly the real id, sometimes something that is not an id at all. */
export const paramValue = fc.oneof(
  { arbitrary: fc.constant(undefined), weight: 4 },
  {
    arbitrary: fc.oneof(
      fc.constantFrom(
        '0',
        '-1',
        '1.5',
        '1e3',
        '999999999',
        '99999999999999999999',
        'abc',
        '%00',
        '%E0%A4',
        '..',
      ),
      fc.string({ unit: 'binary', minLength: 1, maxLength: 20 }).map(encodeURIComponent),
    ),
    weight: 1,
  },
);

/** Replaces the last `:param`-filled segment of a route with a hostile value. */
export function breakParam(route: Route, filled: string, value: string | undefined): string {
  if (value === undefined || !route.path.includes(':')) return filled;
  const routeParts = route.path.split('/');
  const parts = filled.split('/');
  const last = routeParts.findLastIndex((p) => p.startsWith(':') && p !== ':slug');
  const at = last === -1 ? routeParts.indexOf(':slug') : last;
  if (at === -1 || routeParts.length !== parts.length) return filled;
  parts[at] = value;
  return parts.join('/');
}

export const queryString = fc
  .dictionary(
    fieldName,
    stringValue.filter((v) => v.length < 2000),
    { maxKeys: 5 },
  )
  .map((q) => new URLSearchParams(q).toString());

/** Messages a person can act on: not a parser's or zod's internals, not a stringified object. */
export function unreadable(message: string): string | undefined {
  if (message.trim() === '') return 'empty message';
  const bad =
    /expected \w+, received|Invalid input|Unexpected token|JSON at position|\[object Object\]|undefined|NaN/;
  const m = message.match(bad);
  return m ? `"${m[0]}" in "${message.slice(0, 200)}"` : undefined;
}

export type Who = Credentials;
