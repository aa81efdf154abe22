import type { Db } from '../../db/client';

// A workspace's data version: a string that changes whenever anything a page of that workspace shows may have
// changed, so a rendered page can be kept and served again for as long as the version stands.
//
// Three parts, because writes come from two places and not all of them name a workspace:
// - this process, per workspace: every committed write that announces a change of the workspace
//   (db.onCommit: every audited change does) bumps its counter;
// - this process, everything else: a committed write that names no workspace (an account's name, a session,
//   a webhook delivery log, anything that announced nothing) counts against every workspace (rare writes,
//   so the price is a few extra renders, never a stale page);
// - other processes (the CLI, a second server on the same file, the primary an embedded replica syncs from):
//   they leave audit records in the database, so the workspace's newest audit id is read on every request,
//   one seek on audit_workspace_id_idx (workspace_id, id).

// Counting starts with the first version asked for: no page can have been kept before then, so the writes
// before it cannot make one stale.
const countersOf = new WeakMap<Db, Map<number, number>>();

function counters(db: Db): Map<number, number> {
  let byWorkspace = countersOf.get(db);
  if (!byWorkspace) {
    const fresh = new Map<number, number>();
    db.onCommit((change) => {
      if (change.workspaceId != null) fresh.set(change.workspaceId, (fresh.get(change.workspaceId) ?? 0) + 1);
    });
    countersOf.set(db, fresh);
    byWorkspace = fresh;
  }
  return byWorkspace;
}

export async function workspaceDataVersion(db: Db, workspaceId: number): Promise<string> {
  const byWorkspace = counters(db);
  const rs = await db.client.execute({
    sql: 'select max(id) from audit_events where workspace_id = ?',
    args: [workspaceId],
  });
  const newest = rs.rows[0]?.[0] ?? 0;
  return `${db.unscopedCommits()}.${byWorkspace.get(workspaceId) ?? 0}.${newest}`;
}
