import { asc, eq } from 'drizzle-orm';
import type { Db, Tx } from '../../db/client';
import { type IceMode, metrics, users, type Workspace, workspaces } from '../../db/schema';
import { putMember } from '../accounts/members';
import { recordChange, recordUpdate, snapshot } from '../audit/audit';
import { ValidationError } from '../errors';
import { recomputeIce } from '../hypotheses/hypotheses';
import { emptyChecklist } from '../metrics/north-star';
import { slugify, type WorkspaceInput } from './schemas';

export async function listWorkspaces(db: Db): Promise<Workspace[]> {
  return db.orm.select().from(workspaces).orderBy(asc(workspaces.name));
}

export async function getWorkspaceBySlug(db: Db, slug: string): Promise<Workspace | undefined> {
  return db.orm.query.workspaces.findFirst({ where: eq(workspaces.slug, slug) });
}

type NorthStarSeed = { name: string; description: string; unit: string };

async function insertWorkspace(tx: Tx, input: WorkspaceInput, now: number): Promise<Workspace> {
  const slug = input.slug ?? slugify(input.name);
  if (slug.length < 2)
    throw new ValidationError({
      slug: 'Choose an address of at least 2 letters or digits (e.g. growth-team).',
    });
  const [taken] = await tx.select({ id: workspaces.id }).from(workspaces).where(eq(workspaces.slug, slug));
  if (taken) throw new ValidationError({ slug: `The address "${slug}" is taken; choose another.` });
  const [row] = await tx.insert(workspaces).values({ slug, name: input.name, createdAt: now }).returning();
  if (!row) throw new Error('insert returned no row');
  return row;
}

/**
 * Creates a workspace, its North Star when one is given (the web form always gives one), and makes
 * `ownerId` its first owner (the API and the web form always give one; the seed adds owners later).
 */
export async function createWorkspace(
  db: Db,
  input: WorkspaceInput,
  opts: { northStar?: NorthStarSeed; ownerId?: number; now?: number } = {},
): Promise<Workspace> {
  const { northStar, ownerId, now = Date.now() } = opts;
  return db.write(async (tx) => {
    const ws = await insertWorkspace(tx, input, now);
    await recordChange(
      tx,
      { workspaceId: ws.id, entity: 'workspace', entityId: ws.id, action: 'create', after: snapshot(ws) },
      now,
    );
    if (ownerId !== undefined) {
      const [owner] = await tx.select().from(users).where(eq(users.id, ownerId));
      if (!owner) throw new Error('workspace owner does not exist');
      await putMember(tx, ws.id, owner, 'owner', now);
    }
    if (northStar) {
      const [nsm] = await tx
        .insert(metrics)
        .values({
          workspaceId: ws.id,
          kind: 'north_star',
          name: northStar.name,
          description: northStar.description,
          unit: northStar.unit,
          checklist: emptyChecklist(),
          createdAt: now,
          updatedAt: now,
        })
        .returning();
      if (!nsm) throw new Error('insert returned no row');
      await recordChange(
        tx,
        { workspaceId: ws.id, entity: 'metric', entityId: nsm.id, action: 'create', after: snapshot(nsm) },
        now,
      );
    }
    return ws;
  });
}

/** Renames the workspace and/or switches how ICE is computed; every stored ICE is recomputed with it. */
export async function updateWorkspaceSettings(
  db: Db,
  ws: Workspace,
  input: { name: string; iceMode: IceMode },
): Promise<Workspace> {
  return db.write(async (tx) => {
    const [row] = await tx
      .update(workspaces)
      .set({ name: input.name, iceMode: input.iceMode })
      .where(eq(workspaces.id, ws.id))
      .returning();
    if (!row) throw new Error('workspace vanished');
    await recordUpdate(
      tx,
      { workspaceId: ws.id, entity: 'workspace', entityId: ws.id, action: 'settings' },
      { name: ws.name, iceMode: ws.iceMode },
      { name: row.name, iceMode: row.iceMode },
    );
    if (row.iceMode !== ws.iceMode) await recomputeIce(tx, row);
    return row;
  });
}
