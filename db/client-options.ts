import type { Config } from '@libsql/client';

/** Where the database lives, as the environment says it (see src/config.ts). */
export type DbSettings = {
  url: string;
  /** LIBSQL_AUTH_TOKEN: for a libSQL server (sqld with JWT auth, Turso), remote or as a replica's primary. */
  authToken?: string;
  /** LODESTAR_REPLICA_URL (or LIBSQL_SYNC_URL): the primary a local file: database is an embedded replica of. */
  syncUrl?: string;
  /** Seconds between background pulls from the primary (a replica's own writes are read back at once). */
  syncIntervalS?: number;
};

export type DbKind = 'file' | 'remote' | 'replica';

export function dbKind(s: DbSettings): DbKind {
  if (!s.url.startsWith('file:')) return 'remote';
  return s.syncUrl ? 'replica' : 'file';
}

/**
 * The @libsql/client options for these settings. A plain file gets the busy timeout (the only mode with
 * local locking); a remote server gets its token; a replica reads its local file, sends writes to the
 * primary (`syncUrl`), pulls every `syncInterval` seconds and, with readYourWrites, sees its own writes
 * immediately.
 */
export function clientOptions(s: DbSettings, busyTimeoutMs: number): Config {
  const kind = dbKind(s);
  const token = s.authToken ? { authToken: s.authToken } : {};
  if (kind === 'remote') return { url: s.url, ...token };
  if (kind === 'replica')
    return {
      url: s.url,
      syncUrl: s.syncUrl,
      syncInterval: s.syncIntervalS ?? 60,
      readYourWrites: true,
      timeout: busyTimeoutMs,
      ...token,
    };
  return { url: s.url, timeout: busyTimeoutMs };
}

/** The settings from the parsed environment. */
export function dbSettings(config: {
  DATABASE_URL: string;
  LIBSQL_AUTH_TOKEN?: string;
  LODESTAR_REPLICA_URL?: string;
  LIBSQL_SYNC_INTERVAL: number;
}): DbSettings {
  return {
    url: config.DATABASE_URL,
    authToken: config.LIBSQL_AUTH_TOKEN,
    syncUrl: config.LODESTAR_REPLICA_URL,
    syncIntervalS: config.LIBSQL_SYNC_INTERVAL,
  };
}
