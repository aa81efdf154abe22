import { createDb } from '../db/client';
import { dbSettings } from '../db/client-options';
import { migrateDb } from '../db/migrate';
import { seedDemoIfEmpty } from '../db/seed';
import { runCli } from './cli/commands';
import { readConfig } from './config';

// `npm run lodestar -- <command>`: the self-hoster's tool, on the same database as the server.
// runCli does the work (and runs it as the "command line" actor); this file only opens and closes.

async function main(argv: string[]): Promise<number> {
  let config: ReturnType<typeof readConfig>;
  try {
    config = readConfig();
  } catch (e) {
    console.error(e instanceof Error ? e.message : String(e));
    return 2;
  }
  const db = createDb(dbSettings(config));
  try {
    await migrateDb(db);
    // The demo is seeded as the server would on its first start, so that a first person added here before
    // the server ever ran owns it, just as one created through /setup would (the server would otherwise
    // seed it later with no members at all). Outside runCli: the seed is not the command line's doing.
    if (config.LODESTAR_DEMO && argv[0] === 'user' && argv[1] === 'add') await seedDemoIfEmpty(db);
    return await runCli(argv, db, console, { databaseUrl: config.DATABASE_URL });
  } catch (e) {
    console.error(`Unexpected error: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
    return 1;
  } finally {
    db.close();
  }
}

process.exitCode = await main(process.argv.slice(2));
