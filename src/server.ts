import { serve } from '@hono/node-server';
import { createDb } from '../db/client';
import { migrateDb } from '../db/migrate';
import { seedDemoIfEmpty } from '../db/seed';
import { countUsers } from './accounts/users';
import { createApp } from './app';
import { llmConfig, readConfig } from './config';

// Reads config, opens the database, migrates, seeds the demo workspace into an empty database, listens.
const config = readConfig();
const db = createDb(config.DATABASE_URL);
await migrateDb(db);
if (config.LODESTAR_DEMO) {
  const seeded = await seedDemoIfEmpty(db);
  if (seeded) console.log(`Seeded the demo workspace: /w/${seeded.slug}`);
}
const app = createApp({
  db,
  logLevel: config.LOG_LEVEL,
  bodyLimitBytes: config.BODY_LIMIT_BYTES,
  origin: config.LODESTAR_ORIGIN,
  trustProxy: config.LODESTAR_TRUST_PROXY,
  llm: llmConfig(config),
});
const firstRun = (await countUsers(db)) === 0;
const server = serve({ fetch: app.fetch, port: config.PORT }, (info) => {
  console.log(`Lodestar is running on http://localhost:${info.port} (database: ${config.DATABASE_URL})`);
  if (firstRun)
    console.log(`No account yet: open http://localhost:${info.port}/setup to create the first owner.`);
});

function shutdown() {
  server.close(() => {
    db.close();
    process.exit(0);
  });
  // Open meeting pages hold a live (SSE) stream each; idle keep-alive connections hold on too. Closing them
  // lets the server finish at once; the pages reconnect to the next server by themselves.
  if ('closeAllConnections' in server) server.closeAllConnections();
  // Connections kept alive by browsers would hold the close open; do not wait for them forever.
  setTimeout(() => process.exit(0), 5000).unref();
}
process.on('SIGINT', shutdown);
process.on('SIGTERM', shutdown);
