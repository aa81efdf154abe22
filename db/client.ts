import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { type Client, createClient } from '@libsql/client';
import { drizzle, type LibSQLDatabase } from 'drizzle-orm/libsql';
import * as schema from './schema';

export type Orm = LibSQLDatabase<typeof schema>;
export type Tx = Parameters<Parameters<Orm['transaction']>[0]>[0];

/**
 * The database handle every feature receives. Reads go straight to `orm`; every write goes through
 * `write`, which runs it in one short transaction and queues it behind the process's other writes:
 * libSQL's busy-wait is native and blocks the event loop, so two writes racing for the lock inside one
 * process would stall everything instead of simply waiting their turn.
 */
export type Db = {
  orm: Orm;
  client: Client;
  write<T>(fn: (tx: Tx) => Promise<T>): Promise<T>;
  close(): void;
};

export const BUSY_TIMEOUT_MS = 5000;

export function createDb(url: string): Db {
  if (url.startsWith('file:')) {
    const path = url.slice('file:'.length);
    if (path && path !== ':memory:' && !path.startsWith(':')) mkdirSync(dirname(path), { recursive: true });
  }
  // `timeout` is the busy timeout of every pooled connection (a PRAGMA would be lost on new ones).
  const client = createClient({ url, timeout: BUSY_TIMEOUT_MS });
  const orm = drizzle(client, { schema });
  let queue: Promise<unknown> = Promise.resolve();
  return {
    orm,
    client,
    write<T>(fn: (tx: Tx) => Promise<T>): Promise<T> {
      const run = queue.then(() => orm.transaction(fn));
      // The queue must go on after a failed write; the caller still sees the failure.
      queue = run.catch(() => undefined);
      return run;
    },
    close() {
      client.close();
    },
  };
}
