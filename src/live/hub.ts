import type { SSEStreamingApi } from 'hono/streaming';
import type { CommittedChange, Db } from '../../db/client';

// Live pages over server-sent events. Every committed change (db.onCommit) names its workspace; the open
// streams of that workspace are refreshed together after a short pause that coalesces bursts (a batch
// start moves many rows). Each stream is re-rendered as its own member sees the page, and only the parts
// whose HTML differs from what that stream last received are sent, as one message whose id is the change's
// audit event id: a reconnect (Last-Event-ID) or a page's `since` says what the browser has already seen.

/** What a live page is made of, and how to render its parts for one connection. */
export type LiveSource<C> = {
  /** Every part of the page, in order (a catch-up sends them all). */
  parts: readonly string[];
  /** The parts a committed change may alter. */
  affects(change: CommittedChange): readonly string[];
  /**
   * The parts as each connection's member sees them now; undefined for a connection that may no longer
   * see the workspace (removed, signed out), whose stream is then closed. `parts` may be empty (a check).
   */
  render(
    workspaceId: number,
    parts: readonly string[],
    who: C[],
  ): Promise<(Map<string, string> | undefined)[]>;
  /** One message body carrying these parts. */
  envelope(parts: [string, string][]): string;
  /** The latest change recorded for the workspace (an audit event id; 0 for none). */
  latest(workspaceId: number): Promise<number>;
};

/**
 * The named event a stream ends with when its member may no longer see the page (removed, signed out). The
 * page closes its stream on it (`hx-sse:close`) and says why, instead of reconnecting only to be refused.
 */
export const GONE_EVENT = 'live-gone';

export type LiveOptions = { debounceMs?: number; keepAliveMs?: number; writeTimeoutMs?: number };

type Connection<C> = {
  who: C;
  /** The HTML of each part this stream last received. */
  last: Map<string, string>;
  stream: SSEStreamingApi;
  /** Work for this stream runs one at a time, in order; a slow reader delays only itself. */
  queue: Promise<void>;
  closed: boolean;
  end: () => void;
};

type Room<C> = {
  connections: Set<Connection<C>>;
  pending: Set<string>;
  eventId: number;
  timer?: ReturnType<typeof setTimeout>;
};

export function createLiveHub<C>(db: Db, source: LiveSource<C>, options: LiveOptions = {}) {
  const debounceMs = options.debounceMs ?? 100;
  const keepAliveMs = options.keepAliveMs ?? 25_000;
  const writeTimeoutMs = options.writeTimeoutMs ?? 30_000;
  const rooms = new Map<number, Room<C>>();
  let unsubscribe: (() => void) | undefined;

  const enqueue = (conn: Connection<C>, task: () => Promise<void>) => {
    conn.queue = conn.queue
      .then(() => (conn.closed ? undefined : task()))
      .catch((e) => {
        // A failed render or write must not take the writer (or other streams) with it: log, drop the stream.
        console.error('live update failed', e);
        close(conn);
      });
  };

  const close = (conn: Connection<C>) => {
    if (conn.closed) return;
    conn.closed = true;
    conn.end();
  };

  /**
   * One write to a stream. A browser that stops reading (asleep, a dead network that never said so) would
   * hold the write, and every later update would queue up behind it: past writeTimeoutMs the stream is
   * aborted instead, and the browser, if it is still there, reconnects and catches up from Last-Event-ID.
   */
  async function send(conn: Connection<C>, write: (s: SSEStreamingApi) => Promise<unknown>) {
    if (conn.closed) return;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const late = new Promise<'late'>((resolve) => {
      timer = setTimeout(() => resolve('late'), writeTimeoutMs);
    });
    try {
      if ((await Promise.race([write(conn.stream), late])) === 'late') {
        conn.stream.abort();
        close(conn);
      }
    } finally {
      clearTimeout(timer);
    }
  }

  /** Says goodbye to a stream whose member may no longer see the page, and ends it. */
  async function refuse(conn: Connection<C>) {
    await send(conn, (s) => s.writeSSE({ event: GONE_EVENT, data: '' }));
    close(conn);
  }

  /** Sends the parts that differ from what this stream has, under this id (or just the id). */
  async function deliver(conn: Connection<C>, rendered: Map<string, string>, id: number, all = false) {
    const changed: [string, string][] = [];
    for (const [part, html] of rendered) {
      if (all || conn.last.get(part) !== html) changed.push([part, html]);
      conn.last.set(part, html);
    }
    if (changed.length)
      await send(conn, (s) => s.writeSSE({ id: String(id), data: source.envelope(changed) }));
    // Nothing to show this member, but the id moves on, so a reconnect does not resend everything.
    else if (id > 0) await send(conn, (s) => s.write(`id: ${id}\n\n`));
  }

  function flush(workspaceId: number) {
    const room = rooms.get(workspaceId);
    if (!room) return;
    room.timer = undefined;
    const parts = [...room.pending];
    room.pending.clear();
    const id = room.eventId;
    const connections = [...room.connections];
    if (connections.length === 0 || parts.length === 0) return;
    // One render for the whole room: the source can load each part's data once for everybody.
    const rendered = source.render(
      workspaceId,
      parts,
      connections.map((c) => c.who),
    );
    rendered.catch(() => undefined); // (each connection sees the failure in its own queue)
    connections.forEach((conn, i) => {
      enqueue(conn, async () => {
        const mine = (await rendered)[i];
        if (!mine) return refuse(conn);
        await deliver(conn, mine, id);
      });
    });
  }

  function onChange(change: CommittedChange) {
    if (change.workspaceId == null) return;
    const room = rooms.get(change.workspaceId);
    if (!room) return;
    const parts = source.affects(change);
    if (parts.length === 0) return;
    for (const p of parts) room.pending.add(p);
    room.eventId = Math.max(room.eventId, change.eventId ?? 0);
    // Not reset by later changes: a steady stream of changes still reaches the pages every debounceMs.
    room.timer ??= setTimeout(() => flush(change.workspaceId as number), debounceMs);
  }

  /**
   * Serves one stream until the browser goes away or the member loses access. `since` is the last change
   * the page has seen (undefined: unknown, so everything is sent).
   */
  async function serve(stream: SSEStreamingApi, workspaceId: number, who: C, since?: number): Promise<void> {
    let end = () => {};
    const ended = new Promise<void>((resolve) => {
      end = resolve;
    });
    const conn: Connection<C> = {
      who,
      last: new Map(),
      stream,
      queue: Promise.resolve(),
      closed: false,
      end,
    };
    stream.onAbort(() => close(conn));
    // Registered before reading anything, so no change committed from here on can be missed.
    let room = rooms.get(workspaceId);
    if (!room) {
      room = { connections: new Set(), pending: new Set(), eventId: 0 };
      rooms.set(workspaceId, room);
    }
    room.connections.add(conn);
    unsubscribe ??= db.onCommit(onChange);
    enqueue(conn, async () => {
      const latest = await source.latest(workspaceId);
      const [mine] = await source.render(workspaceId, source.parts, [who]);
      if (!mine) return refuse(conn);
      const behind = since == null || latest > since;
      if (behind) await deliver(conn, mine, latest, true);
      else for (const [part, html] of mine) conn.last.set(part, html);
    });
    const keepAlive = setInterval(() => {
      enqueue(conn, async () => {
        const [still] = await source.render(workspaceId, [], [who]);
        if (!still) return refuse(conn);
        await send(conn, (s) => s.write(': keep-alive\n\n'));
      });
    }, keepAliveMs);
    try {
      await ended;
    } finally {
      clearInterval(keepAlive);
      room.connections.delete(conn);
      if (room.connections.size === 0) {
        if (room.timer) clearTimeout(room.timer);
        rooms.delete(workspaceId);
      }
      if (rooms.size === 0) {
        unsubscribe?.();
        unsubscribe = undefined;
      }
    }
  }

  return {
    serve,
    /** How many streams are open for a workspace (for tests and diagnostics). */
    connections: (workspaceId: number) => rooms.get(workspaceId)?.connections.size ?? 0,
  };
}

export type LiveHub<C> = ReturnType<typeof createLiveHub<C>>;
