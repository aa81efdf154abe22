import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach } from 'vitest';
import { createDb, type Db } from '../db/client';
import { migrateDb } from '../db/migrate';
import { createApp } from '../src/app';

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

/** An app on its own fresh database. */
export async function testApp() {
  const db = await freshDb();
  const app = createApp({ db, logLevel: 'silent' });
  return { app, db };
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
