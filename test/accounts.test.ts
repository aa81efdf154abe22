import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import type { Db } from '../db/client';
import { FACTORY_PASSWORD, FACTORY_SCRYPT, makeMember, makeUser, makeWorkspace } from '../db/factories';
import { apiTokens, auditEvents, memberships, sessions, users } from '../db/schema';
import { safeNext } from '../src/accounts/auth';
import { dummyHash, hashPassword, hashStats, OWASP_SCRYPT, verifyPassword } from '../src/accounts/passwords';
import { LOGIN_LIMITS } from '../src/accounts/rate-limit';
import { countSessions, createSession, SESSION_IDLE_MS, SESSION_MAX_MS } from '../src/accounts/sessions';
import { createToken } from '../src/accounts/tokens';
import { findUserByEmail } from '../src/accounts/users';
import { appFor, form, freshDb, person, signIn } from './helpers';

type App = ReturnType<typeof appFor>;

const COOKIE = 'lodestar_session';
const HOST_COOKIE = '__Host-lodestar_session';
const REFUSED = 'That email and password do not match an account.';

/** The session cookie a response sets, as the browser would send it back ("name=value"), and its flags. */
function sessionCookie(res: Response): { pair: string; value: string; raw: string } | undefined {
  const raw = res.headers.getSetCookie().find((c) => /^(__Host-)?lodestar_session=/.test(c));
  if (!raw) return undefined;
  const pair = raw.split(';')[0] ?? '';
  return { pair, value: pair.slice(pair.indexOf('=') + 1), raw };
}

/** Signs in through the real form, as a browser does. */
async function login(
  app: App,
  email: string,
  password = FACTORY_PASSWORD,
  headers: Record<string, string> = {},
  extra: Record<string, string> = {},
) {
  return app.request('/login', form({ email, password, ...extra }, headers));
}

async function loggedIn(app: App, email: string, password = FACTORY_PASSWORD): Promise<string> {
  const res = await login(app, email, password);
  expect(res.status).toBe(303);
  const cookie = sessionCookie(res);
  if (!cookie) throw new Error('no session cookie');
  return cookie.pair;
}

const get = (app: App, path: string, cookie?: string, headers: Record<string, string> = {}) =>
  app.request(path, { headers: cookie ? { cookie, ...headers } : headers });

const post = (app: App, path: string, cookie: string, data: Record<string, string> = {}) =>
  app.request(path, form(data, { cookie }));

/** Whether the cookie still opens a private page (a dead one is sent to /login). */
async function works(app: App, cookie: string): Promise<boolean> {
  const res = await get(app, '/account', cookie);
  if (res.status === 200) return true;
  expect(res.status).toBe(303);
  expect(res.headers.get('location')).toMatch(/^\/login/);
  return false;
}

const count = async (db: Db, table: typeof users | typeof sessions | typeof apiTokens | typeof memberships) =>
  (await db.orm.select().from(table)).length;

describe('accounts: first run', () => {
  it('sends every page to /setup while no user exists', async () => {
    const db = await freshDb();
    const app = appFor(db);
    await makeWorkspace(db, { slug: 'demo' });
    for (const path of ['/', '/w/demo', '/login', '/account']) {
      const res = await get(app, path);
      expect(res.status, path).toBe(303);
      expect(res.headers.get('location'), path).toBe('/setup');
    }
    const res = await get(app, '/setup');
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toContain('Set up Lodestar');
    expect(html).toContain('server owner');
    expect(html).toContain('start new workspaces');
  });

  it('creates the first owner, gives them the existing workspace, signs them in; a second setup is refused', async () => {
    const db = await freshDb();
    const app = appFor(db);
    const demo = await makeWorkspace(db, { slug: 'demo', name: 'Demo team' });
    const res = await app.request(
      '/setup',
      form({
        name: 'Ada Owner',
        email: ' Ada@Example.com ',
        password: 'a long passphrase',
        confirm: 'a long passphrase',
      }),
    );
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe('/');
    const cookie = sessionCookie(res);
    expect(cookie).toBeDefined();

    const ada = await findUserByEmail(db, 'ada@example.com');
    expect(ada?.name).toBe('Ada Owner');
    expect(ada?.isServerOwner).toBe(true);
    const [m] = await db.orm.select().from(memberships).where(eq(memberships.workspaceId, demo.id));
    expect(m).toMatchObject({ userId: ada?.id, role: 'owner' });
    // The demo's trail says the new owner took it over.
    const adopted = await db.orm.select().from(auditEvents).where(eq(auditEvents.entity, 'membership'));
    expect(adopted).toMatchObject([
      { workspaceId: demo.id, actorUserId: ada?.id, actorName: 'Ada Owner', action: 'add' },
    ]);

    // Signed in: the workspace opens, and the header greets them.
    const page = await get(app, '/w/demo', cookie?.pair);
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain('Ada Owner');
    expect(html).toContain('Activity');

    // Once set up: the page leads to sign-in, a second owner cannot be made.
    const again = await get(app, '/setup');
    expect(again.status).toBe(303);
    expect(again.headers.get('location')).toBe('/login');
    const second = await app.request(
      '/setup',
      form({
        name: 'Mallory',
        email: 'm@example.com',
        password: 'another passphrase',
        confirm: 'another passphrase',
      }),
    );
    expect(second.status).toBe(409);
    expect(await second.text()).toContain('already set up');
    expect(await count(db, users)).toBe(1);
    expect(sessionCookie(second)).toBeUndefined();
  });

  it('re-renders the setup form with a message next to each wrong field and creates nothing', async () => {
    const db = await freshDb();
    const app = appFor(db);
    const res = await app.request(
      '/setup',
      form({ name: 'Ada', email: 'not-an-email', password: 'short', confirm: 'short' }),
    );
    expect(res.status).toBe(422);
    const html = await res.text();
    expect(html).toContain('Enter an email address like name@example.com.');
    expect(html).toContain('Use at least 10 characters');
    expect(html).toMatch(/id="f-email-error"/);
    expect(html).toMatch(/id="f-password-error"/);
    expect(html).toContain('value="not-an-email"');
    expect(html).not.toContain('value="short"');
    const mismatch = await app.request(
      '/setup',
      form({
        name: 'Ada',
        email: 'ada@example.com',
        password: 'a long passphrase',
        confirm: 'a long passphrasf',
      }),
    );
    expect(mismatch.status).toBe(422);
    expect(await mismatch.text()).toContain('The two passwords are not the same.');
    expect(await count(db, users)).toBe(0);
    expect(await count(db, sessions)).toBe(0);
  });
});

describe('accounts: sessions', () => {
  it('sets an HttpOnly, SameSite=Lax, Path=/ cookie, not Secure over http, and opens the next page', async () => {
    const db = await freshDb();
    const app = appFor(db);
    await makeUser(db, { email: 'ann@example.com', name: 'Ann' });
    const page = await get(app, '/login?next=%2Faccount');
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('name="next" value="/account"');

    const res = await login(app, 'ANN@example.com', FACTORY_PASSWORD, {}, { next: '/account' });
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe('/account');
    const cookie = sessionCookie(res);
    expect(cookie?.pair.startsWith(`${COOKIE}=`)).toBe(true);
    expect(cookie?.raw).toMatch(/; HttpOnly/i);
    expect(cookie?.raw).toMatch(/; SameSite=Lax/i);
    expect(cookie?.raw).toMatch(/; Path=\//i);
    expect(cookie?.raw).not.toMatch(/; Secure/i);
    expect(cookie?.value).toMatch(/^[A-Za-z0-9_-]{43}$/);
    // Only the id's hash is stored.
    const [row] = await db.orm.select().from(sessions);
    expect(row?.idHash).not.toBe(cookie?.value);

    // Signed in, /login goes home.
    const again = await get(app, '/login', cookie?.pair);
    expect(again.status).toBe(303);
    expect(again.headers.get('location')).toBe('/');
  });

  it('uses a Secure __Host- cookie over https (directly or through the configured origin)', async () => {
    const db = await freshDb();
    await makeUser(db, { email: 'ann@example.com' });
    const direct = appFor(db);
    const res = await direct.request(
      'https://localhost/login',
      form({ email: 'ann@example.com', password: FACTORY_PASSWORD }, { Origin: 'https://localhost' }),
    );
    expect(res.status).toBe(303);
    const cookie = sessionCookie(res);
    expect(cookie?.pair.startsWith(`${HOST_COOKIE}=`)).toBe(true);
    expect(cookie?.raw).toMatch(/; Secure/i);
    expect(cookie?.raw).toMatch(/; HttpOnly/i);
    expect(cookie?.raw).toMatch(/; Path=\//i);
    expect(cookie?.raw).not.toMatch(/Domain=/i);
    expect(
      (await direct.request('https://localhost/account', { headers: { cookie: cookie?.pair ?? '' } })).status,
    ).toBe(200);

    const proxied = appFor(db, { origin: 'https://x.example' });
    const res2 = await proxied.request(
      '/login',
      form({ email: 'ann@example.com', password: FACTORY_PASSWORD }, { Origin: 'https://x.example' }),
    );
    expect(res2.status).toBe(303);
    const cookie2 = sessionCookie(res2);
    expect(cookie2?.pair.startsWith(`${HOST_COOKIE}=`)).toBe(true);
    expect(cookie2?.raw).toMatch(/; Secure/i);
    expect((await get(proxied, '/account', cookie2?.pair)).status).toBe(200);
    // The plain name is not honoured where the __Host- one is expected.
    expect(await works(proxied, `${COOKIE}=${cookie2?.value}`)).toBe(false);
  });

  it('gives a new session id at login: a cookie sent before no longer works after', async () => {
    const db = await freshDb();
    const app = appFor(db);
    const ann = await makeUser(db, { email: 'ann@example.com' });
    const before = await signIn(db, ann);
    expect(await works(app, before.cookie)).toBe(true);
    const res = await login(app, 'ann@example.com', FACTORY_PASSWORD, { cookie: before.cookie });
    expect(res.status).toBe(303);
    const after = sessionCookie(res);
    expect(after?.pair).not.toBe(before.cookie);
    expect(await works(app, before.cookie)).toBe(false);
    expect(await works(app, after?.pair ?? '')).toBe(true);
    expect(await countSessions(db, ann.id)).toBe(1);
  });

  it('logout ends the session and clears the cookie; the nav offers it as a form', async () => {
    const db = await freshDb();
    const app = appFor(db);
    await makeUser(db, { email: 'ann@example.com', name: 'Ann Example' });
    const cookie = await loggedIn(app, 'ann@example.com');
    const home = await (await get(app, '/', cookie)).text();
    expect(home).toContain('<form method="post" action="/logout"');
    expect(home).toContain('Sign out');
    expect(home).toMatch(/<a href="\/account"[^>]*>.*Ann Example/s);

    const res = await post(app, '/logout', cookie);
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe('/login');
    expect(sessionCookie(res)?.raw).toMatch(/Max-Age=0/i);
    expect(await count(db, sessions)).toBe(0);
    const old = await get(app, '/', cookie);
    expect(old.status).toBe(303);
    expect(old.headers.get('location')).toBe('/login');
  });

  it('treats a tampered, unknown or expired cookie as anonymous', async () => {
    const db = await freshDb();
    const app = appFor(db);
    const ann = await makeUser(db, { email: 'ann@example.com' });
    const good = await signIn(db, ann);
    const value = good.cookie.slice(COOKIE.length + 1);
    const last = value.at(-1) === 'A' ? 'B' : 'A';
    const tampered = `${COOKIE}=${value.slice(0, -1)}${last}`;
    const unknown = `${COOKIE}=${'x'.repeat(43)}`;
    const expiredAbs = `${COOKIE}=${await createSession(db, ann.id, Date.now() - SESSION_MAX_MS - 60_000)}`;
    const idleId = await createSession(db, ann.id, Date.now() - SESSION_IDLE_MS - 60_000);
    const expiredIdle = `${COOKIE}=${idleId}`;
    for (const cookie of [tampered, unknown, `${COOKIE}=garbage`, expiredAbs, expiredIdle]) {
      const res = await get(app, '/account', cookie);
      expect(res.status, cookie).toBe(303);
      expect(res.headers.get('location'), cookie).toBe('/login?next=%2Faccount');
      // The dead cookie is dropped.
      expect(sessionCookie(res)?.raw, cookie).toMatch(/Max-Age=0/i);
    }
    expect(await works(app, good.cookie)).toBe(true);
  });
});

describe('accounts: login answers', () => {
  it('answers an unknown email and a wrong password alike, with one hash each', async () => {
    const db = await freshDb();
    const app = appFor(db);
    await makeUser(db, { email: 'ann@example.com' });
    // The dummy hash is made once per cost; made here, it is not counted against the unknown email.
    await dummyHash(FACTORY_SCRYPT);

    let mark = hashStats.computed;
    const unknown = await login(app, 'nobody@example.com', 'wrong password!');
    const unknownHashes = hashStats.computed - mark;
    mark = hashStats.computed;
    const wrong = await login(app, 'ann@example.com', 'wrong password!');
    const wrongHashes = hashStats.computed - mark;

    expect(unknown.status).toBe(401);
    expect(wrong.status).toBe(401);
    expect(unknownHashes).toBe(1);
    expect(wrongHashes).toBe(1);
    const a = (await unknown.text()).replace('nobody@example.com', 'EMAIL');
    const b = (await wrong.text()).replace('ann@example.com', 'EMAIL');
    expect(a).toContain(REFUSED);
    expect(a).toBe(b);
    expect(sessionCookie(unknown)).toBeUndefined();
    expect(sessionCookie(wrong)).toBeUndefined();
    expect(await count(db, sessions)).toBe(0);
    // The password is never sent back.
    expect(b).not.toContain('wrong password!');
  });

  it('re-renders the login form for a malformed email without computing a hash', async () => {
    const db = await freshDb();
    const app = appFor(db);
    await makeUser(db, { email: 'ann@example.com' });
    const mark = hashStats.computed;
    const res = await login(app, 'not an email', 'whatever');
    expect(res.status).toBe(422);
    expect(await res.text()).toContain('Enter an email address like name@example.com.');
    expect(hashStats.computed).toBe(mark);
  });

  it('refuses an account after 5 failures with 429, even with the right password, computing no hash', async () => {
    const db = await freshDb();
    const app = appFor(db);
    const ann = await makeUser(db, { email: 'ann@example.com' });
    expect(LOGIN_LIMITS.account.max).toBe(5);
    for (let i = 0; i < 5; i++)
      expect((await login(app, 'ann@example.com', `wrong guess ${i}`)).status).toBe(401);
    const mark = hashStats.computed;
    const res = await login(app, 'Ann@Example.com', FACTORY_PASSWORD);
    expect(res.status).toBe(429);
    expect(hashStats.computed).toBe(mark);
    expect(Number(res.headers.get('retry-after'))).toBeGreaterThan(0);
    const html = await res.text();
    expect(html).toContain('Too many failed sign-ins for this account.');
    expect(html).toContain('Sign in to Lodestar');
    expect(sessionCookie(res)).toBeUndefined();
    expect(await countSessions(db, ann.id)).toBe(0);
    // Another account from the same address is not affected.
    await makeUser(db, { email: 'bob@example.com' });
    expect((await login(app, 'bob@example.com')).status).toBe(303);
  });

  it('refuses an address after 20 failures across accounts, while another address still signs in', async () => {
    const db = await freshDb();
    const app = appFor(db, { trustProxy: true });
    await makeUser(db, { email: 'ann@example.com' });
    // The proxy appends the address it saw; what comes before it is whatever the client sent.
    const from = (ip: string) => ({ 'X-Forwarded-For': `10.9.9.9, ${ip}` });
    expect(LOGIN_LIMITS.address.max).toBe(20);
    for (let i = 0; i < 20; i++)
      expect((await login(app, `guess${i}@example.com`, 'wrong password', from('203.0.113.7'))).status).toBe(
        401,
      );
    const mark = hashStats.computed;
    const limited = await login(app, 'ann@example.com', FACTORY_PASSWORD, from('203.0.113.7'));
    expect(limited.status).toBe(429);
    expect(await limited.text()).toContain('Too many failed sign-ins from your network.');
    expect(hashStats.computed).toBe(mark);
    const other = await login(app, 'ann@example.com', FACTORY_PASSWORD, from('198.51.100.2'));
    expect(other.status).toBe(303);
  });

  it('counts the address the proxy saw, not the one the client wrote into X-Forwarded-For', async () => {
    const db = await freshDb();
    const app = appFor(db, { trustProxy: true });
    await makeUser(db, { email: 'ann@example.com' });
    // Each guess claims a fresh address in front of the one the proxy appended.
    const forged = (i: number) => ({ 'X-Forwarded-For': `192.0.2.${i}, 203.0.113.7` });
    for (let i = 0; i < LOGIN_LIMITS.address.max; i++)
      expect((await login(app, `guess${i}@example.com`, 'wrong password', forged(i))).status).toBe(401);
    const mark = hashStats.computed;
    const res = await login(app, 'ann@example.com', FACTORY_PASSWORD, forged(99));
    expect(res.status).toBe(429);
    expect(await res.text()).toContain('Too many failed sign-ins from your network.');
    expect(hashStats.computed).toBe(mark);
    expect(await count(db, sessions)).toBe(0);
  });

  it('limits a burst of parallel guesses as it limits one guess after another', async () => {
    const db = await freshDb();
    const app = appFor(db);
    await makeUser(db, { email: 'ann@example.com' });
    const mark = hashStats.computed;
    const burst = await Promise.all(
      Array.from({ length: 12 }, (_, i) => login(app, 'ann@example.com', `wrong guess ${i}`)),
    );
    const statuses = burst.map((r) => r.status).sort();
    expect(statuses.filter((s) => s === 401)).toHaveLength(LOGIN_LIMITS.account.max);
    expect(statuses.filter((s) => s === 429)).toHaveLength(12 - LOGIN_LIMITS.account.max);
    expect(hashStats.computed - mark).toBe(LOGIN_LIMITS.account.max);
    // The right password now waits too: the account is locked for the window.
    expect((await login(app, 'ann@example.com', FACTORY_PASSWORD)).status).toBe(429);
    expect(await count(db, sessions)).toBe(0);
  });

  it('a successful sign-in does not count against its address', async () => {
    const db = await freshDb();
    const app = appFor(db);
    await makeUser(db, { email: 'ann@example.com' });
    // More successful sign-ins from one address than its failure limit: none is refused.
    for (let i = 0; i <= LOGIN_LIMITS.address.max; i++)
      expect((await login(app, 'ann@example.com')).status, `sign-in ${i + 1}`).toBe(303);
  });

  it('only sends back to a local page after sign-in', async () => {
    expect(safeNext('//evil.com')).toBe('/');
    expect(safeNext('https://evil.com')).toBe('/');
    expect(safeNext('/\\evil.com')).toBe('/');
    expect(safeNext(undefined)).toBe('/');
    expect(safeNext('/w/demo/backlog?q=x')).toBe('/w/demo/backlog?q=x');
    const db = await freshDb();
    const app = appFor(db);
    await makeUser(db, { email: 'ann@example.com' });
    // Browsers drop tabs and newlines from a Location and read \ as /, so each of these is //evil.com to
    // them; and a newline must not become a 500 either.
    for (const next of [
      '//evil.com',
      'https://evil.com/x',
      '/\t/evil.com',
      '/\n/evil.com',
      '/..//evil.com',
    ]) {
      const res = await login(app, 'ann@example.com', FACTORY_PASSWORD, {}, { next });
      expect(res.status, JSON.stringify(next)).toBe(303);
      expect(res.headers.get('location'), JSON.stringify(next)).toBe('/');
    }
    expect(safeNext('/w/demo/backlog?q=a b#top')).toBe('/w/demo/backlog?q=a%20b#top');
  });

  it("hashes at OWASP's scrypt cost, and such a hash verifies", async () => {
    expect(OWASP_SCRYPT).toEqual({ logN: 17, r: 8, p: 1 });
    const hash = await hashPassword('a long passphrase');
    expect(hash.startsWith('scrypt$17$8$1$')).toBe(true);
    expect(await verifyPassword('a long passphrase', hash)).toBe(true);
  }, 30_000);
});

describe('accounts: the account page', () => {
  it('shows who you are and asks anonymous visitors to sign in first', async () => {
    const db = await freshDb();
    const app = appFor(db);
    await makeUser(db, { email: 'ann@example.com', name: 'Ann Example' });
    const anon = await get(app, '/account');
    expect(anon.status).toBe(303);
    expect(anon.headers.get('location')).toBe('/login?next=%2Faccount');
    const cookie = await loggedIn(app, 'ann@example.com');
    const html = await (await get(app, '/account', cookie)).text();
    expect(html).toContain('Ann Example');
    expect(html).toContain('ann@example.com');
    expect(html).toContain('Change password');
    expect(html).toContain('Sign out everywhere');
    expect(html).toContain('No tokens yet.');
    expect(html).toContain('Authorization: Bearer');
  });

  it('changes the password: other sessions end, this browser stays in, the new password works', async () => {
    const db = await freshDb();
    const app = appFor(db);
    const ann = await makeUser(db, { email: 'ann@example.com' });
    const mine = await loggedIn(app, 'ann@example.com');
    const other = await loggedIn(app, 'ann@example.com');
    const res = await post(app, '/account/password', mine, {
      current: FACTORY_PASSWORD,
      password: 'a brand new passphrase',
      confirm: 'a brand new passphrase',
    });
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe('/account?saved=password');
    const fresh = sessionCookie(res)?.pair ?? '';
    expect(await works(app, other)).toBe(false);
    expect(await works(app, mine)).toBe(false);
    expect(await works(app, fresh)).toBe(true);
    expect(await countSessions(db, ann.id)).toBe(1);
    expect(await (await get(app, '/account?saved=password', fresh)).text()).toContain(
      'Your password was changed.',
    );
    expect((await login(app, 'ann@example.com', FACTORY_PASSWORD)).status).toBe(401);
    expect((await login(app, 'ann@example.com', 'a brand new passphrase')).status).toBe(303);
  });

  it('refuses a wrong current password or a weak new one and changes nothing', async () => {
    const db = await freshDb();
    const app = appFor(db);
    const ann = await makeUser(db, { email: 'ann@example.com' });
    const cookie = await loggedIn(app, 'ann@example.com');
    const wrong = await post(app, '/account/password', cookie, {
      current: 'not my password',
      password: 'a brand new passphrase',
      confirm: 'a brand new passphrase',
    });
    expect(wrong.status).toBe(422);
    const html = await wrong.text();
    expect(html).toContain('That is not your current password.');
    expect(html).not.toContain('a brand new passphrase');
    const weak = await post(app, '/account/password', cookie, {
      current: FACTORY_PASSWORD,
      password: 'short',
      confirm: 'short',
    });
    expect(weak.status).toBe(422);
    expect(await weak.text()).toContain('Use at least 10 characters');
    const after = await findUserByEmail(db, 'ann@example.com');
    expect(after?.passwordHash).toBe(ann.passwordHash);
    expect(await works(app, cookie)).toBe(true);
  });

  it('signs out everywhere', async () => {
    const db = await freshDb();
    const app = appFor(db);
    const ann = await makeUser(db, { email: 'ann@example.com' });
    const a = await loggedIn(app, 'ann@example.com');
    const b = await loggedIn(app, 'ann@example.com');
    const bob = await person(db);
    const res = await post(app, '/account/sessions/end', a);
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe('/login');
    expect(sessionCookie(res)?.raw).toMatch(/Max-Age=0/i);
    expect(await works(app, a)).toBe(false);
    expect(await works(app, b)).toBe(false);
    expect(await countSessions(db, ann.id)).toBe(0);
    // Only hers.
    expect(await works(app, bob.cookie)).toBe(true);
  });
});

describe('accounts: personal API tokens', () => {
  it('shows a new token once; it works on the API, records its last use, and stops when revoked', async () => {
    const db = await freshDb();
    const app = appFor(db);
    await makeUser(db, { email: 'ann@example.com' });
    const cookie = await loggedIn(app, 'ann@example.com');

    const created = await post(app, '/account/tokens', cookie, { label: 'Nightly import' });
    expect(created.status).toBe(201);
    expect(created.headers.get('cache-control')).toBe('no-store');
    const html = await created.text();
    const token = /value="(lsk_[A-Za-z0-9_-]+)"/.exec(html)?.[1];
    expect(token).toBeDefined();
    expect(html).toContain('it will not be shown again');
    expect(html).toContain(`Authorization: Bearer ${token}`);

    const list = await (await get(app, '/account', cookie)).text();
    expect(list).not.toContain(token);
    expect(list).toContain('Nightly import');
    expect(list).toContain(`${token?.slice(0, 10)}…`);
    expect(list).toContain('never');
    expect(list).toContain('Created token “Nightly import”');

    const api = await app.request('/api/v1/workspaces', { headers: { authorization: `Bearer ${token}` } });
    expect(api.status).toBe(200);
    const [row] = await db.orm.select().from(apiTokens);
    expect(row?.lastUsedAt).toEqual(expect.any(Number));
    const used = await (await get(app, '/account', cookie)).text();
    expect(used).not.toContain('never');
    expect(used).toContain(new Date(row?.lastUsedAt ?? 0).toISOString().slice(0, 16).replace('T', ' '));

    const revoked = await post(app, `/account/tokens/${row?.id}/revoke`, cookie);
    expect(revoked.status).toBe(303);
    expect(revoked.headers.get('location')).toBe('/account?saved=revoked');
    const after = await app.request('/api/v1/workspaces', { headers: { authorization: `Bearer ${token}` } });
    expect(after.status).toBe(401);
    const page = await (await get(app, '/account?saved=revoked', cookie)).text();
    expect(page).toContain('The token was revoked.');
    expect(page).toContain('Revoked token “Nightly import”');
    expect(page).not.toContain(`/account/tokens/${row?.id}/revoke`);
  });

  it("answers 404 for another user's token and leaves it working", async () => {
    const db = await freshDb();
    const app = appFor(db);
    await makeUser(db, { email: 'ann@example.com' });
    const bob = await makeUser(db, { email: 'bob@example.com' });
    const { token, info } = await createToken(db, bob.id, 'Bob script');
    const cookie = await loggedIn(app, 'ann@example.com');
    const res = await post(app, `/account/tokens/${info.id}/revoke`, cookie);
    expect(res.status).toBe(404);
    const [row] = await db.orm.select().from(apiTokens).where(eq(apiTokens.id, info.id));
    expect(row?.revokedAt).toBeNull();
    expect(
      (await app.request('/api/v1/workspaces', { headers: { authorization: `Bearer ${token}` } })).status,
    ).toBe(200);
    expect(await (await get(app, '/account', cookie)).text()).not.toContain('Bob script');
    expect((await post(app, '/account/tokens/nope/revoke', cookie)).status).toBe(404);
  });

  it('refuses a blank or too long label and creates nothing', async () => {
    const db = await freshDb();
    const app = appFor(db);
    await makeUser(db, { email: 'ann@example.com' });
    const cookie = await loggedIn(app, 'ann@example.com');
    const blank = await post(app, '/account/tokens', cookie, { label: '  ' });
    expect(blank.status).toBe(422);
    expect(await blank.text()).toContain('Label is required.');
    const long = await post(app, '/account/tokens', cookie, { label: 'x'.repeat(61) });
    expect(long.status).toBe(422);
    expect(await long.text()).toContain('Label must be at most 60 characters.');
    expect(await count(db, apiTokens)).toBe(0);
  });
});

describe('accounts: navigation', () => {
  it('shows Members to every member, Activity to owners, and no new-hypothesis button to viewers', async () => {
    const db = await freshDb();
    const app = appFor(db);
    const ws = await makeWorkspace(db, { slug: 'acme' });
    const roles = ['viewer', 'editor', 'owner'] as const;
    for (const role of roles) {
      const who = await signIn(db, await makeMember(db, ws, role, { name: `The ${role}` }));
      const res = await get(app, '/w/acme', who.cookie);
      expect(res.status, role).toBe(200);
      const html = await res.text();
      expect(html, role).toContain('href="/w/acme/members"');
      expect(html, role).toContain('href="/w/acme/settings"');
      expect(html.includes('href="/w/acme/activity"'), role).toBe(role === 'owner');
      expect(html.includes('+ New hypothesis'), role).toBe(role !== 'viewer');
      expect(html, role).toContain(`The ${role}`);
    }
  });

  it('shows no account menu on the sign-in page', async () => {
    const db = await freshDb();
    const app = appFor(db);
    await makeUser(db);
    const html = await (await get(app, '/login')).text();
    expect(html).toContain('Sign in to Lodestar');
    expect(html).not.toContain('action="/logout"');
    expect(html).toContain('autocomplete="current-password"');
  });
});
