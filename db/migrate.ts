import { fileURLToPath } from 'node:url';
import { migrate } from 'drizzle-orm/libsql/migrator';
import type { Db } from './client';

const migrationsFolder = fileURLToPath(new URL('./migrations', import.meta.url));

/** Turns on WAL and foreign keys, then applies the committed drizzle-kit migrations. */
export async function migrateDb(db: Db): Promise<void> {
  // WAL is a property of the database file, so setting it once on any connection is enough.
  // A libSQL server and an embedded replica manage their own journal.
  if (db.kind === 'file') await db.client.execute('PRAGMA journal_mode = WAL');
  await migrate(db.orm, { migrationsFolder });
}
