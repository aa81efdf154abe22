import { eq } from 'drizzle-orm';
import { z } from 'zod';
import type { Db, Tx } from '../../db/client';
import {
  auditEvents,
  batches,
  hypotheses,
  hypothesisLearnings,
  hypothesisTags,
  learnings,
  measurements,
  memberScores,
  metrics,
  type User,
  type Workspace,
  workspaces,
} from '../../db/schema';
import type { ScryptParams } from '../accounts/passwords';
import { normalEmail } from '../accounts/users';
import { currentActor, runAs, userActor } from '../audit/actor';
import { recordChange } from '../audit/audit';
import { ValidationError } from '../errors';
import { blank, parse } from '../validation';
import { SLUG_MAX, WorkspaceInput } from '../workspaces/schemas';
import { checkBackup } from './check';
import { type BackupCounts, countsOf } from './format';
import { importPeople, unusablePasswordFor } from './people';
import { REF_KIND_OF_ENTITY, type RefKind, translateSnapshot } from './refs';

// A backup becomes a NEW workspace, in one transaction: all of it or nothing. Records keep their
// timestamps, versions and results; only ids are new. Members are matched to this server's accounts by
// email; someone without one gets an account that cannot sign in until the server owner sets a password
// (`npm run lodestar -- user reset-password --email …`). The importing person becomes an owner.

/** The address and name the new workspace may be given instead of the file's. */
export const ImportChoice = z.object({
  slug: WorkspaceInput.shape.slug,
  name: z.preprocess(blank, WorkspaceInput.shape.name.optional()),
});

export type ImportResult = {
  workspace: Workspace;
  counts: BackupCounts;
  /** Accounts made for members this server did not know: they need a password before they can sign in. */
  createdUsers: { email: string; name: string }[];
};

// Rows per INSERT statement: well under SQLite's limit on bound values for the widest table.
const CHUNK = 100;

function chunks<T>(rows: T[]): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < rows.length; i += CHUNK) out.push(rows.slice(i, i + CHUNK));
  return out;
}

/**
 * Inserts rows in order and gives back their new ids in the same order. An AUTOINCREMENT id grows with
 * every row of a multi-row INSERT, so sorting what RETURNING gives (in no promised order) lines them up.
 */
async function insertInOrder<T>(
  rows: T[],
  insert: (chunk: T[]) => Promise<{ id: number }[]>,
): Promise<number[]> {
  const ids: number[] = [];
  for (const chunk of chunks(rows)) ids.push(...(await insert(chunk)).map((r) => r.id).sort((a, b) => a - b));
  return ids;
}

const byRef = <T extends { ref: number }>(rows: T[]) => [...rows].sort((a, b) => a.ref - b.ref);

/** The file's slug, or `<slug>-2`, `-3`… when taken; a slug the importer chose must be free. */
async function freeSlug(tx: Tx, chosen: string | undefined, fromFile: string): Promise<string> {
  const taken = async (slug: string) =>
    (await tx.select({ id: workspaces.id }).from(workspaces).where(eq(workspaces.slug, slug))).length > 0;
  if (chosen) {
    if (await taken(chosen))
      throw new ValidationError(
        { slug: `The address "${chosen}" is taken; choose another, or leave it blank for a free one.` },
        'Nothing was imported: the chosen address is taken.',
      );
    return chosen;
  }
  if (!(await taken(fromFile))) return fromFile;
  for (let n = 2; ; n++) {
    const suffix = `-${n}`;
    const candidate = `${fromFile.slice(0, SLUG_MAX - suffix.length).replace(/-+$/, '')}${suffix}`;
    if (!(await taken(candidate))) return candidate;
  }
}

export async function importWorkspace(
  db: Db,
  raw: unknown,
  opts: { owner: User; slug?: string; name?: string; scrypt?: ScryptParams; now?: number },
): Promise<ImportResult> {
  const choice = parse(ImportChoice, { slug: opts.slug, name: opts.name });
  const file = checkBackup(raw);
  const now = opts.now ?? Date.now();
  const unusable = await unusablePasswordFor(db, file, opts.scrypt);

  const counts = countsOf(file);
  const result = await db.write(async (tx) => {
    const slug = await freeSlug(tx, choice.slug, file.workspace.slug);
    const [ws] = await tx
      .insert(workspaces)
      .values({
        slug,
        name: choice.name ?? file.workspace.name,
        iceMode: file.workspace.iceMode,
        timeZone: file.workspace.timeZone,
        createdAt: file.workspace.createdAt,
      })
      .returning();
    if (!ws) throw new Error('insert returned no row');
    const w = ws.id;

    const people = await importPeople(tx, file, w, opts.owner, unusable, now);
    const idOf: Record<RefKind, Map<number, number>> = {
      person: people.byRef,
      metric: new Map(),
      batch: new Map(),
      learning: new Map(),
      hypothesis: new Map(),
    };
    const userOf = people.byEmail;

    const ids = (kind: RefKind, rows: { ref: number }[], got: number[]) =>
      rows.forEach((r, i) => {
        idOf[kind].set(r.ref, got[i] as number);
      });
    const id = (kind: RefKind, ref: number) => idOf[kind].get(ref) as number;
    const optId = (kind: RefKind, ref: number | null) => (ref === null ? null : id(kind, ref));

    const metricRows = byRef(file.metrics);
    ids(
      'metric',
      metricRows,
      await insertInOrder(metricRows, (chunk) =>
        tx
          .insert(metrics)
          .values(
            chunk.map(({ ref: _, checklist, ...m }) => ({
              ...m,
              checklist: checklist ?? null,
              workspaceId: w,
            })),
          )
          .returning({ id: metrics.id }),
      ),
    );
    const batchRows = byRef(file.batches);
    ids(
      'batch',
      batchRows,
      await insertInOrder(batchRows, (chunk) =>
        tx
          .insert(batches)
          .values(chunk.map(({ ref: _, ...b }) => ({ ...b, workspaceId: w })))
          .returning({ id: batches.id }),
      ),
    );
    const learningRows = byRef(file.learnings);
    ids(
      'learning',
      learningRows,
      await insertInOrder(learningRows, (chunk) =>
        tx
          .insert(learnings)
          .values(
            chunk.map(({ ref: _, metric, ...l }) => ({
              ...l,
              metricId: optId('metric', metric),
              workspaceId: w,
            })),
          )
          .returning({ id: learnings.id }),
      ),
    );
    // Follow-ups may point at any hypothesis of the file, so their provenance is set once all exist.
    const hypothesisRows = byRef(file.hypotheses);
    ids(
      'hypothesis',
      hypothesisRows,
      await insertInOrder(hypothesisRows, (chunk) =>
        tx
          .insert(hypotheses)
          .values(
            chunk.map(
              ({
                ref: _,
                metric,
                parent: _p,
                sourceLearning: _s,
                batch,
                draftLearnings: _dl,
                draftExperiments: _de,
                duplicateOf: _d,
                ...h
              }) => ({
                ...h,
                metricId: id('metric', metric),
                batchId: optId('batch', batch),
                workspaceId: w,
              }),
            ),
          )
          .returning({ id: hypotheses.id }),
      ),
    );
    const idsOf = (kind: RefKind, refs: number[] | null) =>
      refs === null ? null : refs.map((r) => id(kind, r));
    for (const h of hypothesisRows)
      if (
        h.parent !== null ||
        h.sourceLearning !== null ||
        h.draftLearnings !== null ||
        h.draftExperiments !== null ||
        h.duplicateOf !== null
      )
        await tx
          .update(hypotheses)
          .set({
            parentId: optId('hypothesis', h.parent),
            sourceLearningId: optId('learning', h.sourceLearning),
            draftLearningIds: idsOf('learning', h.draftLearnings),
            draftExperimentIds: idsOf('hypothesis', h.draftExperiments),
            duplicateOfId: optId('hypothesis', h.duplicateOf),
          })
          .where(eq(hypotheses.id, id('hypothesis', h.ref)));

    for (const chunk of chunks(file.tags))
      await tx
        .insert(hypothesisTags)
        .values(
          chunk.map((t) => ({ hypothesisId: id('hypothesis', t.hypothesis), tag: t.tag, workspaceId: w })),
        );
    for (const chunk of chunks(file.links))
      await tx.insert(hypothesisLearnings).values(
        chunk.map((l) => ({
          hypothesisId: id('hypothesis', l.hypothesis),
          learningId: id('learning', l.learning),
          relation: l.relation,
          createdAt: l.createdAt,
          workspaceId: w,
        })),
      );
    for (const chunk of chunks(file.memberScores))
      await tx.insert(memberScores).values(
        chunk.map(({ hypothesis, member, ...s }) => ({
          ...s,
          hypothesisId: id('hypothesis', hypothesis),
          userId: userOf.get(normalEmail(member)) as number,
          workspaceId: w,
        })),
      );
    for (const chunk of chunks(file.measurements))
      await tx
        .insert(measurements)
        .values(chunk.map(({ metric, ...m }) => ({ ...m, metricId: id('metric', metric), workspaceId: w })));

    // The trail as it was, in its order, pointing at the new records. Written directly, not through
    // recordChange: these are past changes, and announcing them would fire webhooks for old closes.
    const translate = (kind: RefKind | undefined, ref: number) =>
      kind ? (idOf[kind].get(ref) ?? null) : null;
    for (const chunk of chunks(file.auditEvents))
      await tx.insert(auditEvents).values(
        chunk.map((e) => {
          const kind = REF_KIND_OF_ENTITY[e.entity];
          return {
            workspaceId: w,
            actorUserId: e.actor === null ? null : (userOf.get(normalEmail(e.actor)) ?? null),
            actorName: e.actorName,
            entity: e.entity,
            entityId: e.entity === 'workspace' ? w : kind && e.ref !== null ? id(kind, e.ref) : 0,
            action: e.action,
            before: translateSnapshot(e.before, e.entity, translate, 'before'),
            after: translateSnapshot(e.after, e.entity, translate, 'after'),
            createdAt: e.createdAt,
          };
        }),
      );

    // The import itself, after the imported trail, by whoever imported it.
    const record = () =>
      recordChange(
        tx,
        {
          workspaceId: w,
          entity: 'workspace',
          entityId: w,
          action: 'create',
          after: {
            name: ws.name,
            slug: ws.slug,
            importedFrom: file.workspace.slug,
            exportedAt: file.exportedAt,
            counts,
            createdAccounts: people.created.map((u) => u.email),
          },
        },
        now,
      );
    await (currentActor().kind === 'system' ? runAs(userActor(opts.owner, 'session'), record) : record());
    return { workspace: ws, createdUsers: people.created };
  });
  return { ...result, counts };
}
