import type { Db } from '../../db/client';
import { stampedRead } from './stamped';

// A workspace's data versions: strings that change whenever what a page of that workspace shows may have
// changed, so that what was rendered or computed from the data can be kept for as long as they stand.
//
// Writes come from two places, and not all of them name a workspace:
// - this process, per workspace: every committed write that announces a change of the workspace
//   (db.onCommit: every audited change does) bumps its counters;
// - this process, everything else: a committed write that names no workspace (an account's name, a session,
//   a webhook delivery log, anything that announced nothing) counts against every workspace (rare writes,
//   so the price is a few extra renders, never a stale page);
// - other processes (the CLI, a second server on the same file, the primary an embedded replica syncs from):
//   they leave audit records in the database, so the workspace's newest audit id is read whenever the
//   database's commit stamp moved (src/cache/stamped.ts; every request where the stamp is unknown), one seek
//   on audit_workspace_id_idx (workspace_id, id). An id this process did not announce is such a write.
//
// Two versions come out. `full` moves with every change. `structure` ignores members' rescorings (the most
// frequent write of a meeting, which moves only scores and ranks): it keys what a rescoring cannot change —
// the backlog's input metrics, tags and lever figures (closed experiments cannot be rescored).

// Read again only once somebody committed something (src/cache/stamped.ts).
const newestAuditId = stampedRead<number>(10_000);

type Counters = {
  all: Map<number, number>;
  structure: Map<number, number>;
  /** Writes seen only through the database (another process). */
  external: Map<number, number>;
  /** The newest audit id known per workspace, from announcements or from the database. */
  newest: Map<number, number>;
};
const countersOf = new WeakMap<Db, Counters>();

const bump = (map: Map<number, number>, id: number) => map.set(id, (map.get(id) ?? 0) + 1);

// Counting starts with the first version asked for: nothing can have been kept before then, so the writes
// before it cannot make anything stale.
function counters(db: Db): Counters {
  let c = countersOf.get(db);
  if (!c) {
    const fresh: Counters = { all: new Map(), structure: new Map(), external: new Map(), newest: new Map() };
    db.onCommit((change) => {
      const ws = change.workspaceId;
      if (ws == null) return; // counted by db.unscopedCommits()
      bump(fresh.all, ws);
      if (!(change.entity === 'hypothesis' && change.action === 'score')) bump(fresh.structure, ws);
      if (change.eventId != null && change.eventId > (fresh.newest.get(ws) ?? 0))
        fresh.newest.set(ws, change.eventId);
    });
    countersOf.set(db, fresh);
    c = fresh;
  }
  return c;
}

export type DataVersions = { full: string; structure: string };

export async function workspaceDataVersions(db: Db, workspaceId: number): Promise<DataVersions> {
  const c = counters(db);
  const newest = await newestAuditId(db, String(workspaceId), async () => {
    const rs = await db.client.execute({
      sql: 'select max(id) from audit_events where workspace_id = ?',
      args: [workspaceId],
    });
    return Number(rs.rows[0]?.[0] ?? 0);
  });
  const known = c.newest.get(workspaceId);
  // Newer than anything announced here: another process wrote (or, for a moment, a write of this process
  // committed but not yet announced; counting it as foreign only costs an extra render).
  if (known !== undefined && newest > known) bump(c.external, workspaceId);
  if (known === undefined || newest > known) c.newest.set(workspaceId, newest);
  const unscoped = db.unscopedCommits();
  const external = c.external.get(workspaceId) ?? 0;
  return {
    full: `${unscoped}.${c.all.get(workspaceId) ?? 0}.${newest}`,
    // Another process's write that this process's own next write announced past (its audit id then hides
    // behind ours) is still counted: by the commit stamps around every write (db.foreignCommits).
    structure: `${unscoped}.${c.structure.get(workspaceId) ?? 0}.${external}.${db.foreignCommits()}`,
  };
}

export async function workspaceDataVersion(db: Db, workspaceId: number): Promise<string> {
  return (await workspaceDataVersions(db, workspaceId)).full;
}
