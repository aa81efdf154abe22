import { and, asc, eq, sql } from 'drizzle-orm';
import type { Db, Tx } from '../../db/client';
import { memberships, type Role, type User, users, type Workspace, workspaces } from '../../db/schema';
import { recordChange } from '../audit/audit';
import { stampedRead } from '../cache/stamped';
import { ConflictError, NotFoundError } from '../errors';
import { dropMemberScores } from '../hypotheses/member-scores';

const RANK: Record<Role, number> = { viewer: 1, editor: 2, owner: 3 };

/** True when `role` is at least `needed` (owner ⊃ editor ⊃ viewer). */
export const roleAtLeast = (role: Role, needed: Role) => RANK[role] >= RANK[needed];

/** The workspace as one member sees it: the row, and their role in it. */
export type MemberWorkspace = Workspace & { role: Role };

/**
 * The workspace at this slug if the user is a member of it. Anything else (no such slug, or not a member)
 * is undefined, so that callers answer 404 alike and a workspace's existence is not revealed.
 */
export async function memberWorkspace(
  db: Db,
  userId: number,
  slug: string,
): Promise<MemberWorkspace | undefined> {
  return memberRow(db, `${userId}\n${slug}`, async () => {
    const [row] = await memberWorkspaceQuery(db).execute({ userId, slug });
    return row ? { ...row.ws, role: row.role } : undefined;
  });
}

// Kept until anyone commits anything (src/cache/stamped.ts): a role change, a rename or a removal is a
// commit. Callers share the object, so nobody may modify it.
const memberRow = stampedRead<MemberWorkspace | undefined>(10_000, { accounts: true });

// Every workspace page asks this first, so its SQL is built once per database rather than per request.
const preparedMemberWorkspace = new WeakMap<Db, ReturnType<typeof prepareMemberWorkspace>>();
function prepareMemberWorkspace(db: Db) {
  return db.orm
    .select({ ws: workspaces, role: memberships.role })
    .from(workspaces)
    .innerJoin(
      memberships,
      and(eq(memberships.workspaceId, workspaces.id), eq(memberships.userId, sql.placeholder('userId'))),
    )
    .where(eq(workspaces.slug, sql.placeholder('slug')))
    .prepare();
}
function memberWorkspaceQuery(db: Db) {
  let query = preparedMemberWorkspace.get(db);
  if (!query) {
    query = prepareMemberWorkspace(db);
    preparedMemberWorkspace.set(db, query);
  }
  return query;
}

/** The workspaces a user belongs to, by name. */
export async function workspacesOf(db: Db, userId: number): Promise<MemberWorkspace[]> {
  const rows = await db.orm
    .select({ ws: workspaces, role: memberships.role })
    .from(memberships)
    .innerJoin(workspaces, eq(workspaces.id, memberships.workspaceId))
    .where(eq(memberships.userId, userId))
    .orderBy(asc(workspaces.name));
  return rows.map((r) => ({ ...r.ws, role: r.role }));
}

export type Member = { userId: number; name: string; email: string; role: Role; createdAt: number };

export async function listMembers(db: Db, workspaceId: number): Promise<Member[]> {
  return db.orm
    .select({
      userId: users.id,
      name: users.name,
      email: users.email,
      role: memberships.role,
      createdAt: memberships.createdAt,
    })
    .from(memberships)
    .innerJoin(users, eq(users.id, memberships.userId))
    .where(eq(memberships.workspaceId, workspaceId))
    .orderBy(asc(users.name));
}

async function ownerCount(tx: Tx, workspaceId: number): Promise<number> {
  const [row] = await tx
    .select({ n: sql<number>`count(*)` })
    .from(memberships)
    .where(and(eq(memberships.workspaceId, workspaceId), eq(memberships.role, 'owner')));
  return row?.n ?? 0;
}

async function currentRole(tx: Tx, workspaceId: number, userId: number): Promise<Role | undefined> {
  const [row] = await tx
    .select({ role: memberships.role })
    .from(memberships)
    .where(and(eq(memberships.workspaceId, workspaceId), eq(memberships.userId, userId)));
  return row?.role;
}

/**
 * Adds the user to the workspace with this role, or sets the role of an existing member (inside a
 * transaction already running: invites and the CLI add members as part of larger writes).
 */
export async function putMember(
  tx: Tx,
  workspaceId: number,
  user: Pick<User, 'id' | 'email'>,
  role: Role,
  now = Date.now(),
): Promise<void> {
  const before = await currentRole(tx, workspaceId, user.id);
  if (before === role) return;
  if (before === 'owner' && (await ownerCount(tx, workspaceId)) <= 1)
    throw new ConflictError(
      'A workspace needs at least one owner: make someone else owner first.',
      'conflict',
    );
  await tx
    .insert(memberships)
    .values({ workspaceId, userId: user.id, role, createdAt: now })
    .onConflictDoUpdate({ target: [memberships.workspaceId, memberships.userId], set: { role } });
  await recordChange(
    tx,
    {
      workspaceId,
      entity: 'membership',
      entityId: user.id,
      action: before ? 'role' : 'add',
      before: before ? { email: user.email, role: before } : null,
      after: { email: user.email, role },
    },
    now,
  );
}

export async function addMember(db: Db, workspaceId: number, user: User, role: Role): Promise<void> {
  await db.write((tx) => putMember(tx, workspaceId, user, role));
}

/** Changes a member's role; the last owner cannot step down. */
export async function setMemberRole(db: Db, workspaceId: number, userId: number, role: Role): Promise<void> {
  await db.write(async (tx) => {
    const [user] = await tx.select().from(users).where(eq(users.id, userId));
    if (!user || !(await currentRole(tx, workspaceId, userId)))
      throw new NotFoundError('That person is not a member of this workspace.');
    await putMember(tx, workspaceId, user, role);
  });
}

/** Removes a member; the last owner cannot be removed (nor remove themselves). */
export async function removeMember(db: Db, workspaceId: number, userId: number): Promise<void> {
  await db.write(async (tx) => {
    const [user] = await tx.select().from(users).where(eq(users.id, userId));
    const role = await currentRole(tx, workspaceId, userId);
    if (!user || !role) throw new NotFoundError('That person is not a member of this workspace.');
    if (role === 'owner' && (await ownerCount(tx, workspaceId)) <= 1)
      throw new ConflictError(
        'A workspace needs at least one owner: make someone else owner first.',
        'conflict',
      );
    await tx
      .delete(memberships)
      .where(and(eq(memberships.workspaceId, workspaceId), eq(memberships.userId, userId)));
    // A former member's scores stop counting in the team's means of open hypotheses.
    const [ws] = await tx.select().from(workspaces).where(eq(workspaces.id, workspaceId));
    if (ws) await dropMemberScores(tx, ws, userId, Date.now());
    await recordChange(tx, {
      workspaceId,
      entity: 'membership',
      entityId: userId,
      action: 'remove',
      before: { email: user.email, role },
      after: null,
    });
  });
}
