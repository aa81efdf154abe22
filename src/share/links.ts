import { randomBytes } from 'node:crypto';
import { and, desc, eq, inArray, isNull, lt, or } from 'drizzle-orm';
import type { Db } from '../../db/client';
import { type ShareLink, shareLinks, users, type Workspace, workspaces } from '../../db/schema';
import { sha256 } from '../accounts/sessions';
import { recordChange } from '../audit/audit';
import { NotFoundError } from '../errors';

// A share link is a bearer token for one workspace's read-only digest, for stakeholders without an
// account. Like invites, the random token leaves the server once (in the owner's response) and only its
// SHA-256 is stored, so a copy of the database (or a backup) hands out no working links.

/** "Last opened" is a hint for owners, not a log: one write a minute at most, however often it is read. */
export const LAST_USED_RESOLUTION_MS = 60_000;

/** How many links the owners' page lists (newest first); revoked ones included, so the history shows. */
export const SHARE_LINKS_LISTED = 100;

const TOKEN = /^[A-Za-z0-9_-]{43}$/;

export type ShareLinkRow = ShareLink & { createdByName: string | null };

/** Creates a link; the token is returned once, only its hash is kept. */
export async function createShareLink(
  db: Db,
  workspaceId: number,
  input: { label: string; createdBy: number | null },
  now = Date.now(),
): Promise<{ token: string; link: ShareLink }> {
  const token = randomBytes(32).toString('base64url');
  const link = await db.write(async (tx) => {
    const [row] = await tx
      .insert(shareLinks)
      .values({
        workspaceId,
        tokenHash: sha256(token),
        label: input.label,
        createdBy: input.createdBy,
        createdAt: now,
      })
      .returning();
    if (!row) throw new Error('insert returned no row');
    await recordChange(
      tx,
      { workspaceId, entity: 'share_link', entityId: row.id, action: 'create', after: { label: row.label } },
      now,
    );
    return row;
  });
  return { token, link };
}

/** The workspace's links, newest first, with the name of whoever created each. */
export async function listShareLinks(
  db: Db,
  workspaceId: number,
  limit = SHARE_LINKS_LISTED,
): Promise<ShareLinkRow[]> {
  const rows = await db.orm
    .select()
    .from(shareLinks)
    .where(eq(shareLinks.workspaceId, workspaceId))
    .orderBy(desc(shareLinks.createdAt), desc(shareLinks.id))
    .limit(limit);
  const ids = [...new Set(rows.map((r) => r.createdBy).filter((id) => id != null))];
  const names = ids.length
    ? await db.orm.select({ id: users.id, name: users.name }).from(users).where(inArray(users.id, ids))
    : [];
  const nameOf = new Map(names.map((n) => [n.id, n.name]));
  return rows.map((r) => ({
    ...r,
    createdByName: r.createdBy == null ? null : (nameOf.get(r.createdBy) ?? null),
  }));
}

/** Revokes a link for good (revoking one already revoked changes nothing); unknown id → 404. */
export async function revokeShareLink(
  db: Db,
  workspaceId: number,
  id: number,
  now = Date.now(),
): Promise<ShareLink> {
  return db.write(async (tx) => {
    const [row] = await tx
      .select()
      .from(shareLinks)
      .where(and(eq(shareLinks.id, id), eq(shareLinks.workspaceId, workspaceId)));
    if (!row) throw new NotFoundError('There is no such share link in this workspace.');
    if (row.revokedAt != null) return row;
    await tx.update(shareLinks).set({ revokedAt: now }).where(eq(shareLinks.id, id));
    await recordChange(
      tx,
      {
        workspaceId,
        entity: 'share_link',
        entityId: row.id,
        action: 'revoke',
        before: { label: row.label, revokedAt: null },
        after: { revokedAt: now },
      },
      now,
    );
    return { ...row, revokedAt: now };
  });
}

/**
 * The workspace a link opens, or undefined. A revoked link and one never issued get the same answer, so
 * the page behind them cannot tell a guesser which tokens once existed. The lookup is by the token's hash
 * (an index seek on a value the caller cannot choose), so its timing says nothing about stored tokens.
 */
export async function resolveShareLink(
  db: Db,
  token: string,
  now = Date.now(),
): Promise<{ link: ShareLink; workspace: Workspace } | undefined> {
  if (!TOKEN.test(token)) return undefined;
  const [row] = await db.orm
    .select({ link: shareLinks, workspace: workspaces })
    .from(shareLinks)
    .innerJoin(workspaces, eq(workspaces.id, shareLinks.workspaceId))
    .where(and(eq(shareLinks.tokenHash, sha256(token)), isNull(shareLinks.revokedAt)));
  if (!row) return undefined;
  if (row.link.lastUsedAt == null || now - row.link.lastUsedAt >= LAST_USED_RESOLUTION_MS) {
    // Bookkeeping, not a change anyone made: no audit record. The condition is repeated in the update so
    // that a burst of views (a link pasted into a busy channel) writes once, not once per view.
    await db.write(async (tx) => {
      await tx
        .update(shareLinks)
        .set({ lastUsedAt: now })
        .where(
          and(
            eq(shareLinks.id, row.link.id),
            or(isNull(shareLinks.lastUsedAt), lt(shareLinks.lastUsedAt, now - LAST_USED_RESOLUTION_MS + 1)),
          ),
        );
    });
    return { ...row, link: { ...row.link, lastUsedAt: now } };
  }
  return row;
}
