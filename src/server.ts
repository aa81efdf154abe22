import { serve } from '@hono/node-server';
import { createDb } from '../db/client';
import { dbSettings } from '../db/client-options';
import { migrateDb } from '../db/migrate';
import { seedDemoIfEmpty } from '../db/seed';
import { countUsers } from './accounts/users';
import { createApp } from './app';
import { llmConfig, readConfig } from './config';
import type { Lifecycle } from './health/routes';
import { holdDatabase } from './operations/server-lock';
import { createDrain } from './operations/shutdown';
import { databasePath } from './operations/snapshot';
import { dispatcherFor } from './webhooks/dispatcher';

// Reads config, opens the database, migrates, seeds the demo workspace into an empty database, listens.
const config = readConfig();
const db = createDb(dbSettings(config));
await migrateDb(db);
if (config.LODESTAR_DEMO) {
  const seeded = await seedDemoIfEmpty(db);
  if (seeded) console.log(`Seeded the demo workspace: /w/${seeded.slug}`);
}
// `restore` refuses to swap the file while this pid file names a live process.
const dbPath = databasePath(config.DATABASE_URL);
const releaseDatabase = dbPath ? holdDatabase(dbPath) : () => {};
const lifecycle: Lifecycle = { draining: false };
const app = createApp({
  db,
  lifecycle,
  logLevel: config.LOG_LEVEL,
  bodyLimitBytes: config.BODY_LIMIT_BYTES,
  origin: config.LODESTAR_ORIGIN,
  trustProxy: config.LODESTAR_TRUST_PROXY,
  llm: llmConfig(config),
  benchLimit: config.LODESTAR_BENCH_LIMIT,
  pageCacheBytes: config.LODESTAR_PAGE_CACHE_MB * 1024 * 1024,
});
const firstRun = (await countUsers(db)) === 0;
const drain = createDrain(app, lifecycle);
const server = serve({ fetch: drain.fetch, port: config.PORT }, (info) => {
  console.log(`Lodestar is running on http://localhost:${info.port} (database: ${config.DATABASE_URL})`);
  if (firstRun)
    console.log(`No account yet: open http://localhost:${info.port}/setup to create the first owner.`);
});
drain.watch(server as import('node:http').Server);

// SIGTERM (a deploy, systemd, Docker) or SIGINT (Ctrl-C): answer anything new with 503 while the requests
// in flight finish (10 s at most), stop listening, end the live streams, then close the database.
let stopping = false;
async function shutdown(signal: string) {
  if (stopping) return;
  stopping = true;
  console.log(JSON.stringify({ t: new Date().toISOString(), shutdown: signal, inFlight: drain.inFlight() }));
  const { cut, refused } = await drain.drain(server as import('node:http').Server);
  dispatcherFor(db)?.stop();
  // Fold the write-ahead log into the database file before closing, so a stopped server leaves one file
  // behind (a copy or a restore then needs nothing else).
  if (db.kind === 'file') await db.client.execute('PRAGMA wal_checkpoint(TRUNCATE)').catch(() => undefined);
  db.close();
  releaseDatabase();
  console.log(JSON.stringify({ t: new Date().toISOString(), shutdown: 'done', cut, refused }));
  process.exit(0);
}
process.on('SIGINT', () => void shutdown('SIGINT'));
process.on('SIGTERM', () => void shutdown('SIGTERM'));
