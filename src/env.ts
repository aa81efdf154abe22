import type { Db } from '../db/client';
import type { User } from '../db/schema';
import type { MemberWorkspace } from './accounts/members';
import type { ScryptParams } from './accounts/passwords';
import type { LoginLimiter } from './accounts/rate-limit';
import type { PageCache } from './cache/page-cache';
import type { LlmConfig } from './config';
import type { Drafter } from './drafts/types';
import type { Lifecycle } from './health/routes';

export const CSV_LIMIT_BYTES = 2 * 1024 * 1024;
export const BACKUP_LIMIT_BYTES = 50 * 1024 * 1024;

export type Deps = {
  db: Db;
  logLevel?: 'info' | 'silent';
  bodyLimitBytes?: number;
  /** Largest CSV upload (POST /w/:slug/import/…); CSV_LIMIT_BYTES unless given. */
  csvLimitBytes?: number;
  /** Largest workspace backup to import (POST /workspaces/import and POST /api/v1/workspace-imports). */
  backupLimitBytes?: number;
  /** The model drafter's endpoint (LODESTAR_LLM_*); without it drafts come from the playbook. */
  llm?: LlmConfig;
  /** Serve /__bench/limit (LODESTAR_BENCH_LIMIT=1, `npm run bench` only). */
  benchLimit?: boolean;
  /** A drafter to use instead (tests). */
  drafter?: Drafter;
  /** Outgoing webhooks: how long one attempt may take and the waits before each retry (tests shorten them). */
  webhooks?: { timeoutMs?: number; retryDelaysMs?: number[] };
  /** The public origin (scheme://host[:port]) when a proxy serves Lodestar under another host. */
  origin?: string;
  /** Take the client address from X-Forwarded-For (only behind a proxy that sets it). */
  trustProxy?: boolean;
  /** scrypt cost for new password hashes; OWASP's by default (tests pass a cheaper one). */
  scrypt?: ScryptParams;
  /** Failed sign-in counters; one per app unless given. */
  loginLimiter?: LoginLimiter;
  /** The server's shutdown state: /healthz answers 503 once it drains. */
  lifecycle?: Lifecycle;
  /** Rendered pages kept by data version (src/cache); createApp makes one unless given or sized 0. */
  pages?: PageCache;
  /** The page cache's size in bytes (LODESTAR_PAGE_CACHE_MB); 0 turns it off. 16 MB unless given. */
  pageCacheBytes?: number;
};

/** What middleware puts on the context for the handlers after it. */
export type AppEnv = {
  Variables: {
    workspace: MemberWorkspace;
    requestId: string;
    user: User | undefined;
    sessionId: string | undefined;
  };
};
