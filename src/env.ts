import type { Db } from '../db/client';
import type { Workspace } from '../db/schema';

export type Deps = {
  db: Db;
  logLevel?: 'info' | 'silent';
  bodyLimitBytes?: number;
  /** The public origin (scheme://host[:port]) when a proxy serves Lodestar under another host. */
  origin?: string;
};

/** What middleware puts on the context for the handlers after it. */
export type AppEnv = { Variables: { workspace: Workspace; requestId: string } };
