import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach } from 'vitest';
import { createDb, type Db } from '../db/client';
import { FACTORY_SCRYPT, makeUser, type UserOverrides } from '../db/factories';
import { migrateDb } from '../db/migrate';
import type { User } from '../db/schema';
import { createSession } from '../src/accounts/sessions';
import { createToken } from '../src/accounts/tokens';
import { createApp } from '../src/app';
import type { Deps } from '../src/env';

const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const fn of cleanups.splice(0)) fn();
});

/**
 * A fresh, migrated database file for one test (a file, not :memory:, because an in-memory libSQL
 * database has a single connection and the app reads while the write queue holds a transaction).
 */
export async function freshDb(): Promise<Db> {
  const { db, dispose } = await ownedDb();
  cleanups.push(dispose);
  return db;
}

/** A fresh database the caller disposes of itself (for a beforeAll/afterAll pair). */
export async function ownedDb(): Promise<{ db: Db; dispose: () => void }> {
  const dir = mkdtempSync(join(tmpdir(), 'lodestar-test-'));
  const db = createDb(`file:${join(dir, 'test.db')}`);
  await migrateDb(db);
  return {
    db,
    dispose: () => {
      db.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/**
 * Runs `fn` with another Db object on the same file, as the CLI or a second server would have: its own pool
 * and write queue, announcing nothing to this process. Closed afterwards.
 */
export async function withOtherDb<T>(db: Db, fn: (other: Db) => Promise<T>): Promise<T> {
  const rs = await db.client.execute("select file from pragma_database_list where name = 'main'");
  const other = createDb(`file:${String(rs.rows[0]?.[0])}`);
  try {
    return await fn(other);
  } finally {
    other.close();
  }
}

type App = ReturnType<typeof createApp>;

/** What a signed-in person sends: the session cookie for pages, the bearer token for the API. */
export type Credentials = { user: User; cookie: string; token: string };

export async function signIn(db: Db, user: User): Promise<Credentials> {
  const sid = await createSession(db, user.id);
  const { token } = await createToken(db, user.id, 'tests');
  return { user, cookie: `lodestar_session=${sid}`, token };
}

/** A person with a session and a token (a server owner unless told otherwise). */
export async function person(db: Db, overrides: UserOverrides = {}): Promise<Credentials> {
  return signIn(db, await makeUser(db, { serverOwner: true, ...overrides }));
}

/**
 * Requests as this person: the cookie goes on pages, the token on /api. Headers the caller sets win (a
 * test can send another cookie, or none with `anonymous`).
 */
export function as(app: App, who: Credentials | 'anonymous') {
  return {
    request(path: string, init: RequestInit = {}) {
      const headers = new Headers(init.headers);
      if (who !== 'anonymous') {
        if (path.startsWith('/api/')) {
          if (!headers.has('authorization')) headers.set('authorization', `Bearer ${who.token}`);
        } else if (!headers.has('cookie')) headers.set('cookie', who.cookie);
      }
      return app.request(path, { ...init, headers });
    },
  };
}

export type Client = ReturnType<typeof as>;

export function appFor(db: Db, deps: Partial<Deps> = {}): App {
  return createApp({ db, logLevel: 'silent', scrypt: FACTORY_SCRYPT, ...deps });
}

/**
 * An app on its own fresh database, used by a signed-in server owner who is made owner of every workspace
 * before each request: the core-loop tests care about the backlog, not about who may see it. The access
 * tests use `appFor`, `person` and `as` instead, with memberships set up explicitly.
 */
export async function testApp(deps: Partial<Deps> = {}) {
  const db = await freshDb();
  const raw = appFor(db, deps);
  const me = await person(db, { name: 'Test Owner', email: 'owner@example.com' });
  const client = as(raw, me);
  const app = {
    async request(path: string, init: RequestInit = {}) {
      await db.client.execute({
        sql: `insert or ignore into memberships (workspace_id, user_id, role, created_at)
              select id, ?, 'owner', 0 from workspaces`,
        args: [me.user.id],
      });
      return client.request(path, init);
    },
  };
  return { app, db, raw, me };
}

/** A form POST as a browser without JavaScript sends it. */
export function form(
  data: Record<string, string | number | (string | number)[]>,
  headers: Record<string, string> = {},
) {
  const body = new URLSearchParams();
  for (const [k, v] of Object.entries(data)) {
    for (const item of Array.isArray(v) ? v : [v]) body.append(k, String(item));
  }
  return {
    method: 'POST',
    body: body.toString(),
    // Browsers send Origin with every POST; the CSRF check refuses form posts from other origins.
    headers: { 'Content-Type': 'application/x-www-form-urlencoded', Origin: 'http://localhost', ...headers },
  };
}

export function json(method: string, data: unknown) {
  return { method, body: JSON.stringify(data), headers: { 'Content-Type': 'application/json' } };
}

export const htmx = { 'HX-Request': 'true' };
