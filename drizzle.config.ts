import { defineConfig } from 'drizzle-kit';

// Migrations are generated from db/schema.ts with `npm run db:generate` and committed;
// the server applies them at start (db/migrate.ts). Never hand-write a migration.
export default defineConfig({
  dialect: 'sqlite',
  schema: './db/schema.ts',
  out: './db/migrations',
});
