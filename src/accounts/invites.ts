import { randomBytes } from 'node:crypto';
import { and, desc, eq } from 'drizzle-orm';
import type { Db, Tx } from '../../db/client';
import {
  type Invite,
  invites,
  memberships,
  type Role,
  type User,
  type Workspace,
  workspaces,
} from '../../db/schema';
import { runAs, userActor } from '../audit/actor';
import { recordChange } from '../audit/audit';
import { ConflictError, NotFoundError } from '../errors';
import { putMember, roleAtLeast } from './members';
import { hashPassword, type ScryptParams } from './passwords';
import { sha256 } from './sessions';
import { insertUser, type NewUser } from './users';

export const INVITE_TTL_MS = 7 * 24 * 60 * 60 * 1000;

export type InviteState = 'pending' | 'used' | 'expired' | 'revoked';

export function inviteState(invite: Invite, now = Date.now()): InviteState {
  if (invite.revokedAt) return 'revoked';
  if (invite.usedAt) return 'used';
  if (invite.expiresAt <= now) return 'expired';
  return 'pending';
}

/** Creates a one-time invite link; the token is returned once, only its hash is kept. */
export async function createInvite(
  db: Db,
  workspaceId: number,
  input: { role: Role; note: string; createdBy: number | null },
  now = Date.now(),
): Promise<{ token: string; invite: Invite }> {
  const token = randomBytes(32).toString('base64url');
  const invite = await db.write(async (tx) => {
    const [row] = await tx
      .insert(invites)
      .values({
        workspaceId,
        tokenHash: sha256(token),
        role: input.role,
        note: input.note,
        createdBy: input.createdBy,
        createdAt: now,
        expiresAt: now + INVITE_TTL_MS,
      })
      .returning();
    if (!row) throw new Error('insert returned no row');
    await recordChange(
      tx,
      {
        workspaceId,
        entity: 'invite',
        entityId: row.id,
        action: 'create',
        after: { role: row.role, note: row.note },
      },
      now,
    );
    return row;
  });
  return { token, invite };
}

export async function listInvites(db: Db, workspaceId: number, limit = 50): Promise<Invite[]> {
  return db.orm
    .select()
    .from(invites)
    .where(eq(invites.workspaceId, workspaceId))
    .orderBy(desc(invites.createdAt), desc(invites.id))
    .limit(limit);
}

export async function revokeInvite(
  db: Db,
  workspaceId: number,
  inviteId: number,
  now = Date.now(),
): Promise<void> {
  await db.write(async (tx) => {
    const [row] = await tx
      .select()
      .from(invites)
      .where(and(eq(invites.id, inviteId), eq(invites.workspaceId, workspaceId)));
    if (!row) throw new NotFoundError('There is no such invite.');
    if (inviteState(row, now) !== 'pending') return;
    await tx.update(invites).set({ revokedAt: now }).where(eq(invites.id, inviteId));
    await recordChange(
      tx,
      {
        workspaceId,
        entity: 'invite',
        entityId: row.id,
        action: 'revoke',
        before: { role: row.role, note: row.note, revokedAt: null },
        after: { revokedAt: now },
      },
      now,
    );
  });
}

/** The invite behind a link, with its workspace; undefined for a token that was never issued. */
export async function findInvite(
  db: Db,
  token: string,
): Promise<{ invite: Invite; workspace: Workspace } | undefined> {
  if (!/^[A-Za-z0-9_-]{43}$/.test(token)) return undefined;
  const [row] = await db.orm
    .select({ invite: invites, workspace: workspaces })
    .from(invites)
    .innerJoin(workspaces, eq(workspaces.id, invites.workspaceId))
    .where(eq(invites.tokenHash, sha256(token)));
  return row;
}

const REFUSED: Record<Exclude<InviteState, 'pending'>, string> = {
  used: 'This invite link has already been used. Ask the workspace owner for a new one.',
  expired: 'This invite link has expired (links last 7 days). Ask the workspace owner for a new one.',
  revoked: 'This invite link was withdrawn. Ask the workspace owner for a new one.',
};

/**
 * Uses the invite: the user joins with the invite's role (an existing member keeps a higher role), and
 * the link cannot be used again. Checked inside the transaction, so that two clicks use it only once.
 */
export async function acceptInvite(db: Db, token: string, user: User, now = Date.now()): Promise<Workspace> {
  return db.write((tx) => acceptInTx(tx, token, user, now));
}

/**
 * Someone without an account opens an invite: their account is created and the invite used in one
 * transaction, so a link used up a moment before (or an email taken meanwhile) leaves no account behind.
 * The password is hashed before the transaction (slow work must not hold the write lock).
 */
export async function joinWithNewAccount(
  db: Db,
  token: string,
  input: Omit<NewUser, 'isServerOwner'>,
  params?: ScryptParams,
  now = Date.now(),
): Promise<{ user: User; workspace: Workspace }> {
  const hash = await hashPassword(input.password, params);
  return db.write(async (tx) => {
    const user = await insertUser(tx, input, hash, now);
    // The new person is the one joining: the trail names them, not whoever the request ran as.
    const workspace = await runAs(userActor(user, 'session'), () => acceptInTx(tx, token, user, now));
    return { user, workspace };
  });
}

async function acceptInTx(tx: Tx, token: string, user: User, now: number): Promise<Workspace> {
  const [row] = await tx
    .select({ invite: invites, workspace: workspaces })
    .from(invites)
    .innerJoin(workspaces, eq(workspaces.id, invites.workspaceId))
    .where(eq(invites.tokenHash, sha256(token)));
  if (!row) throw new NotFoundError('This invite link is not valid. Check that you copied all of it.');
  const state = inviteState(row.invite, now);
  if (state !== 'pending') throw new ConflictError(REFUSED[state], 'conflict');
  await tx.update(invites).set({ usedAt: now, usedBy: user.id }).where(eq(invites.id, row.invite.id));
  const [existing] = await tx
    .select({ role: memberships.role })
    .from(memberships)
    .where(and(eq(memberships.workspaceId, row.workspace.id), eq(memberships.userId, user.id)));
  if (!existing || !roleAtLeast(existing.role, row.invite.role))
    await putMember(tx, row.workspace.id, user, row.invite.role, now);
  await recordChange(
    tx,
    {
      workspaceId: row.workspace.id,
      entity: 'invite',
      entityId: row.invite.id,
      action: 'accept',
      before: { usedAt: null },
      after: { usedAt: now, usedBy: user.email },
    },
    now,
  );
  return row.workspace;
}
