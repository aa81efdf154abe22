import { and, asc, eq } from 'drizzle-orm';
import type { Db } from '../../db/client';
import { type Hypothesis, hypotheses, hypothesisTags, type Workspace } from '../../db/schema';
import { recordChange, recordUpdate } from '../audit/audit';
import { ConflictError } from '../errors';
import {
  type HypothesisWithTags,
  replaceTags,
  requireHypothesis,
  transitionHypothesis,
} from '../hypotheses/hypotheses';
import { LONG_TEXT_MAX, TAGS_MAX } from '../hypotheses/schemas';
import { sourceLabel } from './labels';

// Triage of drafted hypotheses (issue 6): accept (→ backlog) and drop (→ rejected) are the lifecycle's own
// moves; merge folds a look-alike draft into its twin, so the idea is kept where the team already tracks it
// instead of living twice in the backlog.

/** Accepts or drops a draft; anything no longer a draft was triaged by someone else first (409). */
export async function triageDraft(
  db: Db,
  ws: Workspace,
  id: number,
  to: 'backlog' | 'rejected',
  version?: number,
): Promise<HypothesisWithTags> {
  const current = await requireHypothesis(db, ws, id);
  if (current.status !== 'draft')
    throw new ConflictError(
      `“${current.title}” is no longer a draft (it is ${current.status}): someone triaged it first.`,
      'conflict',
      current,
    );
  return transitionHypothesis(db, ws, id, to, version);
}

/**
 * The twin's rationale with the draft's idea appended. It stays within the form's limit (a rationale the
 * edit form would refuse would lock the twin against edits): the appended note is cut short if needed.
 */
export function mergedRationale(
  twinRationale: string,
  draft: Pick<Hypothesis, 'id' | 'change' | 'draftSource' | 'draftRule'>,
  max = LONG_TEXT_MAX,
): string {
  // Pages show a rationale as one paragraph: without a full stop the note would run on from its last words.
  const stop = /[.!?…)”"']$/.test(twinRationale.trimEnd()) || !twinRationale.trim() ? '' : '.';
  const note = `${stop}\n\nAlso proposed by ${sourceLabel(draft.draftSource, draft.draftRule)} (draft #${draft.id}): ${draft.change}`;
  const room = max - twinRationale.length;
  if (room <= 1) return twinRationale;
  return twinRationale + (note.length <= room ? note : `${note.slice(0, room - 1).trimEnd()}…`);
}

/** The twin's tags followed by the draft's new ones, at most the form's limit. */
export function mergedTags(twinTags: string[], draftTags: string[], max = TAGS_MAX): string[] {
  return [...new Set([...twinTags, ...draftTags])].slice(0, Math.max(max, twinTags.length));
}

/**
 * Merges a draft into the hypothesis it looks like: the twin gains the draft's idea in its rationale and
 * its tags; the draft is rejected, recorded as merged into the twin. One transaction, both rows versioned.
 */
export async function mergeDraft(
  db: Db,
  ws: Workspace,
  id: number,
  version?: number,
): Promise<{ draft: HypothesisWithTags; twin: HypothesisWithTags }> {
  const draft = await requireHypothesis(db, ws, id);
  const refuse = (message: string) => new ConflictError(message, 'conflict', draft);
  if (draft.status !== 'draft')
    throw refuse(`“${draft.title}” is no longer a draft (it is ${draft.status}): someone triaged it first.`);
  if (version != null && draft.version !== version)
    throw new ConflictError(
      'Someone else changed this draft since you loaded the page; here is where it stands now.',
      'stale_version',
      draft,
    );
  if (draft.duplicateOfId == null)
    throw refuse(`“${draft.title}” was not flagged as a look-alike: accept or drop it instead.`);
  const twinId = draft.duplicateOfId;
  const outcome = await db.write(async (tx) => {
    const now = Date.now();
    const [d] = await tx
      .select()
      .from(hypotheses)
      .where(and(eq(hypotheses.workspaceId, ws.id), eq(hypotheses.id, id)));
    const [t] = await tx
      .select()
      .from(hypotheses)
      .where(and(eq(hypotheses.workspaceId, ws.id), eq(hypotheses.id, twinId)));
    // Re-read inside the transaction: another member may have triaged either row since.
    if (d?.status !== 'draft' || (version != null && d.version !== version))
      return { kind: 'draft-moved' as const };
    if (!t || t.status === 'done' || t.status === 'rejected')
      return { kind: 'twin-gone' as const, status: t?.status };
    const rationale = mergedRationale(t.rationale, d);
    const twinTags = (
      await tx
        .select({ tag: hypothesisTags.tag })
        .from(hypothesisTags)
        .where(and(eq(hypothesisTags.workspaceId, ws.id), eq(hypothesisTags.hypothesisId, t.id)))
        .orderBy(asc(hypothesisTags.tag))
    ).map((r) => r.tag);
    const tags = mergedTags(twinTags, draft.tags);
    await tx
      .update(hypotheses)
      .set({ rationale, version: t.version + 1, updatedAt: now })
      .where(and(eq(hypotheses.workspaceId, ws.id), eq(hypotheses.id, t.id)));
    await replaceTags(tx, ws, t.id, tags);
    await recordUpdate(
      tx,
      { workspaceId: ws.id, entity: 'hypothesis', entityId: t.id, action: 'update' },
      { rationale: t.rationale, tags: twinTags, mergedFrom: null },
      { rationale, tags, mergedFrom: d.id },
      now,
    );
    await tx
      .update(hypotheses)
      .set({ status: 'rejected', version: d.version + 1, updatedAt: now })
      .where(and(eq(hypotheses.workspaceId, ws.id), eq(hypotheses.id, d.id)));
    await recordChange(
      tx,
      {
        workspaceId: ws.id,
        entity: 'hypothesis',
        entityId: d.id,
        action: 'transition',
        before: { status: 'draft' },
        after: { status: 'rejected', mergedInto: t.id },
      },
      now,
    );
    return { kind: 'ok' as const };
  });
  if (outcome.kind === 'draft-moved') {
    const now = await requireHypothesis(db, ws, id);
    throw new ConflictError(
      now.status === 'draft'
        ? 'Someone else changed this draft since you loaded the page; here is where it stands now.'
        : `“${now.title}” is no longer a draft (it is ${now.status}): someone triaged it first.`,
      now.status === 'draft' ? 'stale_version' : 'conflict',
      now,
    );
  }
  if (outcome.kind === 'twin-gone')
    throw refuse(
      outcome.status == null
        ? `The hypothesis #${twinId} this draft looked like is gone: accept or drop the draft instead.`
        : `#${twinId} is ${outcome.status === 'done' ? 'closed' : 'rejected'}, so nothing can be merged into it: accept or drop the draft instead.`,
    );
  const [d, t] = await Promise.all([requireHypothesis(db, ws, id), requireHypothesis(db, ws, twinId)]);
  return { draft: d, twin: t };
}
