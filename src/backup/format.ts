import { z } from 'zod';
import {
  AUDIT_ENTITIES,
  CADENCES,
  DIRECTIONS,
  DRAFT_SOURCES,
  ICE_MODES,
  LEARNING_STATUSES,
  MEASUREMENT_SOURCES,
  METRIC_KINDS,
  OUTCOMES,
  RELATIONS,
  ROLES,
  STATUSES,
} from '../../db/schema';
import { EMAIL_MAX, NAME_MAX } from '../accounts/schemas';
import { MEASUREMENT_VALUE_MAX } from '../measurements/measurements';
import { ICE_MAX, ICE_MIN } from '../scoring/scores';
import { SLUG_MAX, slugPattern } from '../workspaces/schemas';

// The workspace backup file: one JSON document that holds a whole workspace, so that it can be restored or
// moved to another server. Records point at each other through export-local refs (1..n per kind, in the
// order the records were created), never through database ids, so exporting the same workspace twice — or
// exporting the imported copy — gives the same file (exportedAt aside). People are named by email: that is
// how a member is recognised on another server.

export const BACKUP_FORMAT = 'lodestar-workspace';
export const BACKUP_VERSION = 1;

/** What a backup leaves out, and why: written into every file for whoever opens it. */
export const NOT_INCLUDED = [
  'Share links: their tokens are secrets, and a link made on one server does not open on another. Create new ones.',
  'Webhooks and their delivery log: their addresses often hold a secret (Slack’s do) or point at hosts only the old server reaches. Add them again.',
  'Pending invite links: they belong to the server that made them.',
  'Passwords, sessions and API tokens: each server keeps its own accounts.',
];

// Every record is a strict object: a field this version does not know is refused by name rather than dropped
// without a word (an import must not lose what the file holds; a newer format has a higher version).
// Generous caps: the file is checked for shape, ranges and references (what the database and the pages
// rely on), while each form's own wording rules stay with the forms that made the records.
const SHORT = 200;
const LONG = 10_000;

/** A message for a missing field, or for a value of the wrong kind. */
const want = (what: string) => (issue: { input: unknown }) =>
  issue.input === undefined ? 'is missing' : `must be ${what}`;

const text = (max: number) =>
  z.string({ error: want('text') }).max(max, { error: `must be at most ${max} characters` });
const name = (max: number) => text(max).min(1, { error: 'must not be empty' });
const num = z.number({ error: want('a number') });
const optNum = num.nullable();
const whole = z.int({ error: want('a whole number') });
const time = whole.min(0, { error: 'must be a time in epoch milliseconds' });
const optTime = time.nullable();
const version = whole.min(1, { error: 'must be 1 or more' });
const between = (lo: number, hi: number) =>
  num.min(lo, { error: `must be from ${lo} to ${hi}` }).max(hi, { error: `must be from ${lo} to ${hi}` });

/** A record's number inside this file (1, 2, 3…), by which other records point at it. */
const ref = whole.min(1, { error: 'must be a ref: a whole number from 1' });
const optRef = ref.nullable();

const oneOf = <const T extends readonly [string, ...string[]]>(values: T) =>
  z.enum(values, { error: want(`one of ${values.join(', ')}`) });

const email = z
  .string({ error: want('an email address') })
  .max(EMAIL_MAX, { error: `must be at most ${EMAIL_MAX} characters` })
  .pipe(z.email({ error: 'must be an email address' }));

function validTimeZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

/** A recorded change's before/after: any JSON object (ids inside are refs, see refs.ts). */
const Snapshot = z.record(z.string(), z.unknown(), { error: want('an object or null') }).nullable();

export const BackupWorkspace = z.strictObject({
  slug: z
    .string({ error: want('text') })
    .max(SLUG_MAX, { error: `must be at most ${SLUG_MAX} characters` })
    .regex(slugPattern, { error: 'must be lower-case letters, digits and dashes (e.g. growth-team)' }),
  name: name(SHORT),
  iceMode: oneOf(ICE_MODES),
  timeZone: text(100).refine(validTimeZone, { error: 'is not a time zone this server knows' }),
  createdAt: time,
});

/** Someone who can sign in (matched by email on import), with their role here. */
export const BackupMember = z.strictObject({
  ref,
  email,
  name: name(NAME_MAX),
  role: oneOf(ROLES),
  joinedAt: time,
});

/** Someone who left, whose scores on closed experiments are kept (and so must come along). */
export const BackupFormerMember = z.strictObject({ ref, email, name: name(NAME_MAX) });

export const BackupMetric = z.strictObject({
  ref,
  kind: oneOf(METRIC_KINDS),
  name: name(SHORT),
  description: text(LONG),
  unit: text(SHORT),
  direction: oneOf(DIRECTIONS),
  cadence: oneOf(CADENCES),
  owner: text(SHORT),
  currentValue: optNum,
  target: optNum,
  checklist: z
    .record(
      text(SHORT),
      z.strictObject({
        pass: z.boolean({ error: want('true, false or null') }).nullable(),
        note: text(LONG),
      }),
      { error: want('an object or null') },
    )
    .nullable(),
  archivedAt: optTime,
  version,
  createdAt: time,
  updatedAt: time,
});

export const BackupMeasurement = z.strictObject({
  metric: ref,
  period: text(10),
  // As everywhere values come in: beyond this they are typing accidents, and their squares overflow the
  // correlation on the tree.
  value: num
    .min(-MEASUREMENT_VALUE_MAX, { error: 'must be a number from -1e15 to 1e15' })
    .max(MEASUREMENT_VALUE_MAX, { error: 'must be a number from -1e15 to 1e15' }),
  source: oneOf(MEASUREMENT_SOURCES),
  createdAt: time,
  updatedAt: time,
});

export const BackupBatch = z.strictObject({
  ref,
  week: text(8),
  capacityDays: num.min(0, { error: 'must be 0 or more' }),
  startedAt: optTime,
  version,
  createdAt: time,
  updatedAt: time,
});

export const BackupLearning = z.strictObject({
  ref,
  metric: optRef,
  statement: name(LONG),
  status: oneOf(LEARNING_STATUSES),
  version,
  createdAt: time,
  updatedAt: time,
});

export const BackupHypothesis = z.strictObject({
  ref,
  metric: ref,
  parent: optRef,
  sourceLearning: optRef,
  batch: optRef,
  title: name(SHORT),
  change: text(LONG),
  outcome: text(LONG),
  expectedLift: optNum,
  rationale: text(LONG),
  owner: text(SHORT),
  impact: between(ICE_MIN, ICE_MAX),
  confidence: between(ICE_MIN, ICE_MAX),
  ease: between(ICE_MIN, ICE_MAX),
  ice: between(0, ICE_MAX ** 3),
  estimatedDays: optNum,
  expectedRoti: optNum,
  status: oneOf(STATUSES),
  result: oneOf(OUTCOMES).nullable(),
  baseline: optNum,
  observed: optNum,
  lift: optNum,
  actualDays: optNum,
  returnScore: optNum,
  roti: optNum,
  selectedAt: optTime,
  startedAt: optTime,
  closedAt: optTime,
  // Where a drafted hypothesis came from (issue 6). Optional, so files made before drafts existed still import.
  draftSource: oneOf(DRAFT_SOURCES).nullable().default(null),
  draftRule: text(SHORT).nullable().default(null),
  draftLearnings: z.array(ref).max(50).nullable().default(null),
  draftExperiments: z.array(ref).max(50).nullable().default(null),
  scoreReasons: z
    .strictObject({ impact: text(SHORT * 4), confidence: text(SHORT * 4), ease: text(SHORT * 4) })
    .nullable()
    .default(null),
  duplicateOf: optRef.default(null),
  version,
  createdAt: time,
  updatedAt: time,
});

export const BackupTag = z.strictObject({ hypothesis: ref, tag: name(SHORT) });

export const BackupLink = z.strictObject({
  hypothesis: ref,
  learning: ref,
  relation: oneOf(RELATIONS),
  createdAt: time,
});

const score = whole
  .min(ICE_MIN, { error: `must be from ${ICE_MIN} to ${ICE_MAX}` })
  .max(ICE_MAX, { error: `must be from ${ICE_MIN} to ${ICE_MAX}` });

export const BackupMemberScore = z.strictObject({
  hypothesis: ref,
  member: email,
  impact: score,
  confidence: score,
  ease: score,
  createdAt: time,
  updatedAt: time,
});

/**
 * One entry of the trail. `ref` names the record it is about among this file's records of that kind (see
 * refs.ts: REF_KIND_OF_ENTITY), or is null when that record is not in the file; `actor` is the email of a
 * member or former member in this file, or null (the command line, the system, someone else: actorName
 * keeps the name either way).
 */
export const BackupAuditEvent = z.strictObject({
  entity: oneOf(AUDIT_ENTITIES),
  ref: optRef,
  action: name(60),
  actor: email.nullable(),
  actorName: text(SHORT),
  before: Snapshot,
  after: Snapshot,
  createdAt: time,
});
export type BackupAuditEvent = z.output<typeof BackupAuditEvent>;

const list = <T extends z.ZodType>(item: T) => z.array(item, { error: want('a list') });

export const WorkspaceBackup = z.strictObject({
  format: z.literal(BACKUP_FORMAT),
  version: z.literal(BACKUP_VERSION),
  exportedAt: time,
  notIncluded: z.array(z.string()).optional(),
  workspace: BackupWorkspace,
  members: list(BackupMember),
  formerMembers: list(BackupFormerMember),
  metrics: list(BackupMetric),
  measurements: list(BackupMeasurement),
  batches: list(BackupBatch),
  learnings: list(BackupLearning),
  hypotheses: list(BackupHypothesis),
  tags: list(BackupTag),
  links: list(BackupLink),
  memberScores: list(BackupMemberScore),
  auditEvents: list(BackupAuditEvent),
});
export type WorkspaceBackup = z.output<typeof WorkspaceBackup>;

/** How many records of each kind a backup holds (shown after an import, returned by the API). */
export type BackupCounts = {
  members: number;
  metrics: number;
  measurements: number;
  hypotheses: number;
  learnings: number;
  batches: number;
  memberScores: number;
  auditEvents: number;
};

export function countsOf(file: WorkspaceBackup): BackupCounts {
  return {
    members: file.members.length,
    metrics: file.metrics.length,
    measurements: file.measurements.length,
    hypotheses: file.hypotheses.length,
    learnings: file.learnings.length,
    batches: file.batches.length,
    memberScores: file.memberScores.length,
    auditEvents: file.auditEvents.length,
  };
}

/** "<slug>-2026-11-22.lodestar.json": the workspace and the day (in its time zone) it was exported. */
export function backupFilename(slug: string, day: string): string {
  return `${slug}-${day}.lodestar.json`;
}
