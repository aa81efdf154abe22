import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { type Client, createClient } from '@libsql/client';
import { drizzle, type LibSQLDatabase } from 'drizzle-orm/libsql';
import { clientOptions, type DbKind, type DbSettings, dbKind } from './client-options';
import { type CommitStamp, commitStamp, commitsBetween } from './commit-stamp';
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
  /**
   * Listens for committed changes: each `afterCommit(tx, change)` of a write is handed to the listeners
   * once its transaction has committed (never for a rolled-back one). Returns the function that stops it.
   */
  onCommit(listener: (change: CommittedChange) => void): () => void;
  /**
   * How many committed writes named no workspace in what they announced (an account, a session, a delivery
   * log, or a write that announced nothing): a page may depend on them, so they count against every one.
   */
  unscopedCommits(): number;
  /**
   * The database file's commit stamp (db/commit-stamp.ts): it changes with every commit, by any connection
   * or process. Undefined when it cannot be known (a libSQL server, a replica, a moment mid-commit): then
   * nothing may be kept on its word.
   */
  stamp(): string | undefined;
  /**
   * How many times this process's writes found that some other connection or process had committed since
   * its previous write (by the commit stamps around each write; 0 where there is no stamp). What another
   * process wrote is unknown here, so a page keyed by data version must count these as changes of anything.
   */
  foreignCommits(): number;
  close(): void;
  /** A local file, a libSQL server, or a local embedded replica of one (WAL and backups are for files). */
  kind: DbKind;
};

/** What a write announces about itself once committed (the audit record's who-what, without values). */
export type CommittedChange = {
  workspaceId: number | null;
  entity: string;
  entityId: number;
  action: string;
  /** The audit event's id: a change counter for the workspace ("what changed since I looked"). */
  eventId?: number;
  actorUserId: number | null;
};

// Changes announced inside a transaction wait here until it commits. Keyed by the transaction object, so
// nothing leaks from one write into another and a rolled-back write announces nothing.
const pendingChanges = new WeakMap<Tx, CommittedChange[]>();

/** Announces a change made in this transaction, to be told to `onCommit` listeners after it commits. */
export function afterCommit(tx: Tx, change: CommittedChange): void {
  const list = pendingChanges.get(tx);
  if (list) list.push(change);
  else pendingChanges.set(tx, [change]);
}

export const BUSY_TIMEOUT_MS = 5000;

export function createDb(where: string | DbSettings): Db {
  const settings = typeof where === 'string' ? { url: where } : where;
  const url = settings.url;
  const kind = dbKind(settings);
  let stamp: CommitStamp | undefined;
  if (url.startsWith('file:')) {
    const path = url.slice('file:'.length);
    if (path && path !== ':memory:' && !path.startsWith(':')) {
      mkdirSync(dirname(path), { recursive: true });
    }
  }
  // `timeout` is the busy timeout of every pooled connection (a PRAGMA would be lost on new ones).
  const client = createClient(clientOptions(settings, BUSY_TIMEOUT_MS));
  // Only a plain local file: a replica's file also changes by syncs that libSQL applies its own way. Made
  // after the client, so a client that cannot open leaves no descriptor behind.
  const filePath = url.startsWith('file:') ? url.slice('file:'.length) : '';
  if (kind === 'file' && filePath && !filePath.startsWith(':') && !filePath.includes('?'))
    stamp = commitStamp(filePath);
  const orm = drizzle(client, { schema });
  let queue: Promise<unknown> = Promise.resolve();
  let unscoped = 0;
  // Whether reads may be kept on the stamp's word (see write's failure path).
  let trusted = true;
  // The stamp right after this process's previous write, and the count of writes that found it moved.
  let afterLast = stamp?.read();
  let foreign = 0;
  const listeners = new Set<(change: CommittedChange) => void>();
  const announce = (changes: CommittedChange[]) => {
    for (const change of changes)
      for (const listener of listeners) {
        // A listener's failure (a closed stream) must not turn a committed write into an error.
        try {
          listener(change);
        } catch (e) {
          console.error('onCommit listener failed', e);
        }
      }
  };
  return {
    orm,
    client,
    kind,
    write<T>(fn: (tx: Tx) => Promise<T>): Promise<T> {
      let changes: CommittedChange[] = [];
      let before: string | undefined;
      const run = queue
        .then(() =>
          orm.transaction(async (tx) => {
            // Taken holding the write lock, so no other commit can land between this and ours.
            before = stamp?.read();
            // Somebody else committed since our previous write (or we cannot tell).
            if (stamp && (before === undefined || before !== afterLast)) foreign++;
            const result = await fn(tx);
            changes = pendingChanges.get(tx) ?? [];
            return result;
          }),
        )
        .then((result) => {
          // A write that changed nothing (a rescoring with the member's own scores again) leaves the stamp
          // where it was: it need not count against every workspace's kept pages.
          const after = stamp?.read();
          const wroteNothing = before !== undefined && after === before;
          // Another commit right after ours, before we looked: it is somebody else's.
          if (stamp && !wroteNothing && commitsBetween(before, after) !== 1) foreign++;
          afterLast = after;
          if (!wroteNothing && !changes.some((change) => change.workspaceId != null)) unscoped++;
          if (changes.length) announce(changes);
          return result;
        });
      // The queue must go on after a failed write; the caller still sees the failure.
      queue = run.catch((e: unknown) => {
        // After SQLITE_BUSY (another process held the write lock past the busy timeout) @libsql/client can
        // leave a pooled connection on its old snapshot until the failed statement is garbage-collected:
        // reads through it may lag behind the stamp. Nothing is kept on the stamp's word from then on.
        if (stamp && /SQLITE_BUSY/.test(String((e as { code?: unknown })?.code ?? e))) {
          if (trusted) console.error('SQLITE_BUSY on a write: reads are no longer kept by commit stamp');
          trusted = false;
        }
      });
      return run;
    },
    unscopedCommits: () => unscoped,
    stamp: () => (trusted ? stamp?.read() : undefined),
    foreignCommits: () => foreign,
    onCommit(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    close() {
      listeners.clear();
      client.close();
      // After the client: closing this descriptor drops the process's locks on the -shm file.
      stamp?.close();
    },
  };
}
