import { and, asc, eq, inArray, sql } from 'drizzle-orm';
import type { Db, Tx } from '../../db/client';
import { packRows, rowsOfKeyed } from '../../db/packed';
import { type Hypothesis, hypotheses, memberScores, users, type Workspace } from '../../db/schema';
import { recordChange } from '../audit/audit';
import { commitLeftAccountsAlone } from '../cache/stamped';
import { ConflictError, NotFoundError } from '../errors';
import { expectedRoti, type IceScores, ice } from '../scoring/scores';
import { teamScores } from '../scoring/team';
import { type HypothesisWithTags, requireHypothesis } from './hypotheses';
import type { Rescoring } from './rescored-list';

// Everyone scores: a member's own Impact, Confidence and Ease live in member_scores; the hypothesis row holds
// the team's means (and the ICE and expected ROTI derived from them), so ranking stays an index walk.

export type MemberScoreRow = IceScores & {
  hypothesisId: number;
  userId: number;
  name: string;
  updatedAt: number;
};

// One packed cell per score (db/packed.ts): a meeting of eight lists 400 scores of seven columns each.
const SCORE_ROW = packRows({
  hypothesisId: memberScores.hypothesisId,
  userId: memberScores.userId,
  name: users.name,
  impact: memberScores.impact,
  confidence: memberScores.confidence,
  ease: memberScores.ease,
  updatedAt: memberScores.updatedAt,
});

/** Every member's scores for these hypotheses, by hypothesis, in the order members first scored. */
export async function scoresOf(db: Db, ws: Workspace, ids: number[]): Promise<Map<number, MemberScoreRow[]>> {
  const out = new Map<number, MemberScoreRow[]>();
  if (ids.length === 0) return out;
  // Built once per workspace and list of ids: every member looking at the same page asks for the same ones.
  const rows = await rowsOfKeyed(db, `scores\n${ws.id}\n${ids.join(',')}`, () =>
    db.orm
      .select({ row: SCORE_ROW.cell })
      .from(memberScores)
      .innerJoin(users, eq(users.id, memberScores.userId))
      .where(
        and(
          // The unary + keeps SQLite (which has no statistics) off the (workspace, user) index, which would
          // read every score of the workspace: the primary key finds the listed hypotheses' scores directly.
          sql`+${memberScores.workspaceId} = ${ws.id}`,
          inArray(memberScores.hypothesisId, ids),
        ),
      )
      .orderBy(asc(memberScores.createdAt), asc(memberScores.userId)),
  );
  for (const row of rows) {
    const r = SCORE_ROW.read(row[0] as string);
    const list = out.get(r.hypothesisId);
    if (list) list.push(r);
    else out.set(r.hypothesisId, [r]);
  }
  return out;
}

/** The team's scores after a member's change, as the columns to store on the hypothesis (and how many scored). */
async function teamColumns(
  tx: Tx,
  ws: Workspace,
  h: Pick<Hypothesis, 'id' | 'impact' | 'confidence' | 'ease' | 'estimatedDays'>,
) {
  const rows = await tx
    .select({ impact: memberScores.impact, confidence: memberScores.confidence, ease: memberScores.ease })
    .from(memberScores)
    // The unary + again (see scoresOf): by the (workspace, user) index this read every score of the workspace
    // (5,000 in the meeting benchmark) to find one hypothesis's few.
    .where(and(sql`+${memberScores.workspaceId} = ${ws.id}`, eq(memberScores.hypothesisId, h.id)));
  // With nobody's score left (the last scorer left the workspace), the hypothesis keeps the team's last means.
  const team = teamScores(rows) ?? { impact: h.impact, confidence: h.confidence, ease: h.ease };
  return {
    columns: { ...team, ice: ice(team, ws.iceMode), expectedRoti: expectedRoti(team, h.estimatedDays) },
    scorers: rows.length,
  };
}

/**
 * Stores one member's scores (inside the caller's transaction) and the team means they move; records the
 * change. Returns the hypothesis row as updated. Used by "my score" and by edits that carry scores.
 */
export async function putMemberScore(
  tx: Tx,
  ws: Workspace,
  current: Hypothesis,
  userId: number,
  scores: IceScores,
  now: number,
): Promise<Hypothesis> {
  const { team } = await putScores(tx, ws, current, userId, scores, now);
  // The row as the update leaves it: these columns are all the update sets (no trigger touches the table).
  return team ? { ...current, ...team, updatedAt: now } : current;
}

/** What storing a member's scores reads of the hypothesis (a rescoring reads no more than this). */
const SCORE_BASIS = {
  id: hypotheses.id,
  status: hypotheses.status,
  impact: hypotheses.impact,
  confidence: hypotheses.confidence,
  ease: hypotheses.ease,
  ice: hypotheses.ice,
  estimatedDays: hypotheses.estimatedDays,
  createdAt: hypotheses.createdAt,
};
type ScoreBasis = Pick<Hypothesis, keyof typeof SCORE_BASIS>;

/**
 * putMemberScore's work: returns the team's new columns and how many members' scores they come from, or
 * nothing when the member's scores were already these (nothing is written then).
 */
async function putScores(
  tx: Tx,
  ws: Workspace,
  current: ScoreBasis,
  userId: number,
  scores: IceScores,
  now: number,
): Promise<{ team?: Awaited<ReturnType<typeof teamColumns>>['columns']; scorers?: number }> {
  const [mine] = await tx
    .select({ impact: memberScores.impact, confidence: memberScores.confidence, ease: memberScores.ease })
    .from(memberScores)
    .where(
      and(
        eq(memberScores.workspaceId, ws.id),
        eq(memberScores.hypothesisId, current.id),
        eq(memberScores.userId, userId),
      ),
    );
  if (
    mine &&
    mine.impact === scores.impact &&
    mine.confidence === scores.confidence &&
    mine.ease === scores.ease
  )
    return {};
  await tx
    .insert(memberScores)
    .values({
      hypothesisId: current.id,
      userId,
      workspaceId: ws.id,
      ...scores,
      createdAt: now,
      updatedAt: now,
    })
    .onConflictDoUpdate({
      target: [memberScores.hypothesisId, memberScores.userId],
      set: { ...scores, updatedAt: now },
    });
  const { columns: team, scorers } = await teamColumns(tx, ws, current);
  const updated = await tx
    .update(hypotheses)
    // The version is not bumped: it guards the hypothesis's own fields against lost updates, and a member's
    // score overwrites nobody's (each has their own row). Bumping it would make every edit form open during
    // the meeting stale the moment anyone else scored.
    .set({ ...team, updatedAt: now })
    .where(and(eq(hypotheses.workspaceId, ws.id), eq(hypotheses.id, current.id)));
  if (updated.rowsAffected !== 1) throw new Error('hypothesis vanished inside its own transaction');
  await recordChange(
    tx,
    {
      workspaceId: ws.id,
      entity: 'hypothesis',
      entityId: current.id,
      action: 'score',
      before: {
        mine: mine ? { impact: mine.impact, confidence: mine.confidence, ease: mine.ease } : null,
        ice: current.ice,
      },
      after: {
        mine: scores,
        ice: team.ice,
        impact: team.impact,
        confidence: team.confidence,
        ease: team.ease,
      },
    },
    now,
  );
  return { team, scorers };
}

/** The refusal to rescore a closed experiment (here and in edits that carry scores). */
export function closedScores(current: HypothesisWithTags): ConflictError<HypothesisWithTags> {
  return new ConflictError(
    'This experiment is closed: it keeps the scores it closed with, which calibration compares with what happened.',
    'conflict',
    current,
  );
}

/**
 * A member's own scores for a hypothesis. Members never overwrite each other here (each has their own
 * row), so no version is needed (and none is bumped); a closed experiment keeps the scores it closed with (409).
 */
export async function setMyScore(
  db: Db,
  ws: Workspace,
  hypothesisId: number,
  userId: number,
  scores: IceScores,
  now = Date.now(),
): Promise<HypothesisWithTags> {
  await saveMyScore(db, ws, hypothesisId, userId, scores, now);
  // The whole row with its tags, for the API and the meeting (the backlog needs only the new ICE).
  return requireHypothesis(db, ws, hypothesisId);
}

/** A save's refusal: no such hypothesis here (404), or a closed experiment (409). */
async function refusal(db: Db, ws: Workspace, hypothesisId: number, kind: 'missing' | 'closed') {
  return kind === 'missing'
    ? new NotFoundError(`No hypothesis #${hypothesisId} in this workspace.`)
    : closedScores(await requireHypothesis(db, ws, hypothesisId));
}

/**
 * setMyScore for the backlog's inline rescoring, which shows only the team's new ICE and how many scored: the
 * transaction reads and writes no more columns than that takes (a full hypothesis row costs more to read
 * through libSQL than the rest of the save). `scorers` and `rescoring` (what changed, for re-ranking the
 * page without reading it again) are undefined when the member's scores were already these (then nothing
 * was written); `stampBefore` is the database's commit stamp just before the write.
 */
export async function saveMyScore(
  db: Db,
  ws: Workspace,
  hypothesisId: number,
  userId: number,
  scores: IceScores,
  now = Date.now(),
): Promise<{ ice: number; scorers?: number; rescoring?: Rescoring; stampBefore?: string }> {
  const outcome = await db.write(async (tx) => {
    // Taken holding the write lock: the database as it is just before this rescoring (see rescored-list.ts).
    const stampBefore = db.stamp();
    const [current] = await tx
      .select(SCORE_BASIS)
      .from(hypotheses)
      .where(and(eq(hypotheses.workspaceId, ws.id), eq(hypotheses.id, hypothesisId)));
    if (!current) return { kind: 'missing' as const };
    if (current.status === 'done') return { kind: 'closed' as const };
    const { team, scorers } = await putScores(tx, ws, current, userId, scores, now);
    const rescoring: Rescoring | undefined = team && {
      ...team,
      id: current.id,
      status: current.status,
      createdAt: current.createdAt,
      updatedAt: now,
    };
    return { kind: 'ok' as const, ice: team?.ice ?? current.ice, scorers, rescoring, stampBefore };
  });
  if (outcome.kind !== 'ok') throw await refusal(db, ws, hypothesisId, outcome.kind);
  const { ice, scorers, rescoring, stampBefore } = outcome;
  // A rescoring writes scores, the hypothesis and its audit record: who is signed in and their memberships,
  // kept by commit stamp, still hold after it (src/cache/stamped.ts).
  if (rescoring) commitLeftAccountsAlone(db, stampBefore, db.stamp());
  return { ice, scorers, rescoring, stampBefore };
}

/**
 * Removes a member's scores from a workspace (they left it) and recomputes the team means they were part
 * of, inside the caller's transaction: a former member's opinion no longer moves the ranking. Each
 * hypothesis's trail says whose scores stopped counting and how the team's ICE moved, so a rank that jumps
 * is explained. Like a score, this leaves the version alone: it overwrites nobody's edit.
 */
export async function dropMemberScores(tx: Tx, ws: Workspace, userId: number, now: number): Promise<void> {
  const theirs = await tx
    .select({
      hypothesisId: memberScores.hypothesisId,
      impact: memberScores.impact,
      confidence: memberScores.confidence,
      ease: memberScores.ease,
      name: users.name,
    })
    .from(memberScores)
    .innerJoin(users, eq(users.id, memberScores.userId))
    .where(and(eq(memberScores.workspaceId, ws.id), eq(memberScores.userId, userId)));
  if (theirs.length === 0) return;
  const affected = await tx
    .select()
    .from(hypotheses)
    .where(
      and(
        eq(hypotheses.workspaceId, ws.id),
        inArray(
          hypotheses.id,
          theirs.map((t) => t.hypothesisId),
        ),
      ),
    );
  for (const h of affected) {
    // Closed experiments keep the scores they closed with, and who gave them.
    if (h.status === 'done') continue;
    const score = theirs.find((t) => t.hypothesisId === h.id);
    if (!score) continue;
    await tx
      .delete(memberScores)
      .where(
        and(
          eq(memberScores.workspaceId, ws.id),
          eq(memberScores.hypothesisId, h.id),
          eq(memberScores.userId, userId),
        ),
      );
    const { columns: team } = await teamColumns(tx, ws, h);
    await tx
      .update(hypotheses)
      .set({ ...team, updatedAt: now })
      .where(and(eq(hypotheses.workspaceId, ws.id), eq(hypotheses.id, h.id)));
    await recordChange(
      tx,
      {
        workspaceId: ws.id,
        entity: 'hypothesis',
        entityId: h.id,
        action: 'score',
        before: {
          member: {
            userId,
            name: score.name,
            impact: score.impact,
            confidence: score.confidence,
            ease: score.ease,
          },
          ice: h.ice,
        },
        after: {
          member: null,
          ice: team.ice,
          impact: team.impact,
          confidence: team.confidence,
          ease: team.ease,
        },
      },
      now,
    );
  }
}
