import { asc, eq } from 'drizzle-orm';
import type { Db } from '../../db/client';
import {
  auditEvents,
  batches,
  hypotheses,
  hypothesisLearnings,
  hypothesisTags,
  learnings,
  measurements,
  memberScores,
  memberships,
  metrics,
  users,
  type Workspace,
} from '../../db/schema';
import {
  BACKUP_FORMAT,
  BACKUP_VERSION,
  type BackupAuditEvent,
  NOT_INCLUDED,
  type WorkspaceBackup,
} from './format';
import { REF_KIND_OF_ENTITY, type RefKind, translateSnapshot } from './refs';

// The whole workspace as one backup file (see format.ts). Reads only; every query is scoped by the workspace.

/** Plain code-unit order, the same on every server (SQL collations and locales may differ). */
const byText = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** Refs 1..n in the order given, and the way back from an id to its ref. */
function numbering(ids: number[]): Map<number, number> {
  return new Map(ids.map((id, i) => [id, i + 1]));
}

export async function exportWorkspace(db: Db, ws: Workspace, now = Date.now()): Promise<WorkspaceBackup> {
  const o = db.orm;
  const w = ws.id;
  const [
    memberRows,
    metricRows,
    measurementRows,
    batchRows,
    learningRows,
    hypothesisRows,
    tagRows,
    linkRows,
    scoreRows,
    eventRows,
  ] = await Promise.all([
    o
      .select({
        id: users.id,
        email: users.email,
        name: users.name,
        role: memberships.role,
        joinedAt: memberships.createdAt,
      })
      .from(memberships)
      .innerJoin(users, eq(users.id, memberships.userId))
      .where(eq(memberships.workspaceId, w)),
    o.select().from(metrics).where(eq(metrics.workspaceId, w)).orderBy(asc(metrics.id)),
    o.select().from(measurements).where(eq(measurements.workspaceId, w)),
    o.select().from(batches).where(eq(batches.workspaceId, w)).orderBy(asc(batches.id)),
    o.select().from(learnings).where(eq(learnings.workspaceId, w)).orderBy(asc(learnings.id)),
    o.select().from(hypotheses).where(eq(hypotheses.workspaceId, w)).orderBy(asc(hypotheses.id)),
    o.select().from(hypothesisTags).where(eq(hypothesisTags.workspaceId, w)),
    o.select().from(hypothesisLearnings).where(eq(hypothesisLearnings.workspaceId, w)),
    o
      .select({ score: memberScores, email: users.email, name: users.name })
      .from(memberScores)
      .innerJoin(users, eq(users.id, memberScores.userId))
      .where(eq(memberScores.workspaceId, w)),
    o.select().from(auditEvents).where(eq(auditEvents.workspaceId, w)).orderBy(asc(auditEvents.id)),
  ]);

  // People: the members by email, then those who left but whose scores on closed experiments stay.
  const members = [...memberRows].sort((a, b) => byText(a.email, b.email));
  const memberIds = new Set(members.map((m) => m.id));
  const former = new Map<number, { id: number; email: string; name: string }>();
  for (const s of scoreRows)
    if (!memberIds.has(s.score.userId))
      former.set(s.score.userId, { id: s.score.userId, email: s.email, name: s.name });
  const formerMembers = [...former.values()].sort((a, b) => byText(a.email, b.email));
  const people = [...members, ...formerMembers];
  const emailOf = new Map(people.map((p) => [p.id, p.email]));

  const refOf: Record<RefKind, Map<number, number>> = {
    person: numbering(people.map((p) => p.id)),
    metric: numbering(metricRows.map((r) => r.id)),
    batch: numbering(batchRows.map((r) => r.id)),
    learning: numbering(learningRows.map((r) => r.id)),
    hypothesis: numbering(hypothesisRows.map((r) => r.id)),
  };
  // A record that is not in the file (a deleted metric, a member who left) leaves no ref behind.
  const to = (kind: RefKind, id: number | null) => (id === null ? null : (refOf[kind].get(id) ?? null));
  const must = (kind: RefKind, id: number) => refOf[kind].get(id) ?? 0;
  // A draft's provenance may name records since deleted: those drop out of the list.
  const refsOf = (kind: RefKind, list: number[] | null) =>
    list === null ? null : list.map((id) => to(kind, id)).filter((r): r is number => r !== null);

  const events: BackupAuditEvent[] = eventRows.map((e) => {
    const kind = REF_KIND_OF_ENTITY[e.entity];
    const translate = (k: RefKind | undefined, id: number) => (k ? to(k, id) : null);
    return {
      entity: e.entity,
      ref: kind ? to(kind, e.entityId) : null,
      action: e.action,
      actor: e.actorUserId === null ? null : (emailOf.get(e.actorUserId) ?? null),
      actorName: e.actorName,
      before: translateSnapshot(e.before, e.entity, translate, 'before'),
      after: translateSnapshot(e.after, e.entity, translate, 'after'),
      createdAt: e.createdAt,
    };
  });

  return {
    format: BACKUP_FORMAT,
    version: BACKUP_VERSION,
    exportedAt: now,
    notIncluded: NOT_INCLUDED,
    workspace: {
      slug: ws.slug,
      name: ws.name,
      iceMode: ws.iceMode,
      timeZone: ws.timeZone,
      createdAt: ws.createdAt,
    },
    members: members.map((m) => ({
      ref: must('person', m.id),
      email: m.email,
      name: m.name,
      role: m.role,
      joinedAt: m.joinedAt,
    })),
    formerMembers: formerMembers.map((m) => ({ ref: must('person', m.id), email: m.email, name: m.name })),
    metrics: metricRows.map((m) => ({
      ref: must('metric', m.id),
      kind: m.kind,
      name: m.name,
      description: m.description,
      unit: m.unit,
      direction: m.direction,
      cadence: m.cadence,
      owner: m.owner,
      currentValue: m.currentValue,
      target: m.target,
      checklist: m.checklist ?? null,
      archivedAt: m.archivedAt,
      version: m.version,
      createdAt: m.createdAt,
      updatedAt: m.updatedAt,
    })),
    measurements: measurementRows
      .map((m) => ({
        metric: must('metric', m.metricId),
        period: m.period,
        value: m.value,
        source: m.source,
        createdAt: m.createdAt,
        updatedAt: m.updatedAt,
      }))
      .sort((a, b) => a.metric - b.metric || byText(a.period, b.period)),
    batches: batchRows.map((b) => ({
      ref: must('batch', b.id),
      week: b.week,
      capacityDays: b.capacityDays,
      startedAt: b.startedAt,
      version: b.version,
      createdAt: b.createdAt,
      updatedAt: b.updatedAt,
    })),
    learnings: learningRows.map((l) => ({
      ref: must('learning', l.id),
      metric: to('metric', l.metricId),
      statement: l.statement,
      status: l.status,
      version: l.version,
      createdAt: l.createdAt,
      updatedAt: l.updatedAt,
    })),
    hypotheses: hypothesisRows.map((h) => ({
      ref: must('hypothesis', h.id),
      metric: must('metric', h.metricId),
      parent: to('hypothesis', h.parentId),
      sourceLearning: to('learning', h.sourceLearningId),
      batch: to('batch', h.batchId),
      title: h.title,
      change: h.change,
      outcome: h.outcome,
      expectedLift: h.expectedLift,
      rationale: h.rationale,
      owner: h.owner,
      impact: h.impact,
      confidence: h.confidence,
      ease: h.ease,
      ice: h.ice,
      estimatedDays: h.estimatedDays,
      expectedRoti: h.expectedRoti,
      status: h.status,
      result: h.result,
      baseline: h.baseline,
      observed: h.observed,
      lift: h.lift,
      actualDays: h.actualDays,
      returnScore: h.returnScore,
      roti: h.roti,
      selectedAt: h.selectedAt,
      startedAt: h.startedAt,
      closedAt: h.closedAt,
      draftSource: h.draftSource,
      draftRule: h.draftRule,
      draftLearnings: refsOf('learning', h.draftLearningIds),
      draftExperiments: refsOf('hypothesis', h.draftExperimentIds),
      scoreReasons: h.scoreReasons,
      duplicateOf: to('hypothesis', h.duplicateOfId),
      version: h.version,
      createdAt: h.createdAt,
      updatedAt: h.updatedAt,
    })),
    tags: tagRows
      .map((t) => ({ hypothesis: must('hypothesis', t.hypothesisId), tag: t.tag }))
      .sort((a, b) => a.hypothesis - b.hypothesis || byText(a.tag, b.tag)),
    links: linkRows
      .map((l) => ({
        hypothesis: must('hypothesis', l.hypothesisId),
        learning: must('learning', l.learningId),
        relation: l.relation,
        createdAt: l.createdAt,
      }))
      .sort((a, b) => a.hypothesis - b.hypothesis || a.learning - b.learning),
    memberScores: scoreRows
      .map(({ score: s, email }) => ({
        hypothesis: must('hypothesis', s.hypothesisId),
        member: email,
        impact: s.impact,
        confidence: s.confidence,
        ease: s.ease,
        createdAt: s.createdAt,
        updatedAt: s.updatedAt,
      }))
      .sort((a, b) => a.hypothesis - b.hypothesis || byText(a.member, b.member)),
    auditEvents: events,
  };
}
