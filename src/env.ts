import type { Db } from '../db/client';
import type { Workspace } from '../db/schema';

export type Deps = { db: Db; logLevel?: 'info' | 'silent'; bodyLimitBytes?: number };

/** What middleware puts on the context for the handlers after it. */
export type AppEnv = { Variables: { workspace: Workspace; requestId: string } };
