import type { AuditEntity } from '../../db/schema';
import { NSM_CHECKS } from '../metrics/north-star';
import { integrationSummary, measurementRows } from './describe-integrations';
import { checkAnswer, type DescribeOptions, fieldLabel, formatValue, shorten } from './format';

// Turns a recorded change into words a team member reads in a history: one sentence, and a row per
// changed field ("Impact: 5 → 8"). Pure, so that every page showing the trail words it the same way.

type Row = Record<string, unknown>;

/** The parts of an audit event this module reads. */
export type EventLike = {
  entity: AuditEntity | string;
  entityId: number;
  action: string;
  before: Row | null;
  after: Row | null;
};

export type ChangeRow = { field: string; label: string; before: string; after: string };
/**
 * The sentence, the rows of what changed, and the batch the sentence names (`text` is the part of the
 * summary that names it, which a page links to the batch).
 */
export type Description = { summary: string; rows: ChangeRow[]; link?: BatchLink };
export type BatchLink = { text: string; batchId: number };

const SCORE_FIELDS = new Set(['impact', 'confidence', 'ease', 'ice', 'expectedRoti']);
/** Values derived from others: named in a row, but not as something the person edited. */
const DERIVED = new Set(['ice', 'expectedRoti', 'lift', 'roti']);
/**
 * Context carried along (the title of the experiment a learning was linked to, the batch a move went
 * through: the sentence names it), never a change itself.
 */
// mergedFrom / mergedInto: a merge's sentence names the other draft already.
const CONTEXT = new Set(['hypothesisTitle', 'userId', 'batchId', 'mergedFrom', 'mergedInto']);

const ENTITY_WORDS: Record<string, string> = {
  hypothesis: 'Hypothesis',
  metric: 'Metric',
  learning: 'Learning',
  membership: 'Member',
  invite: 'Invite',
  token: 'API token',
  workspace: 'Workspace',
  batch: 'Batch',
  measurement: 'Measurements',
  share_link: 'Share link',
  webhook: 'Webhook',
};

/** What kind of thing an event is about, as a word ("Hypothesis", "Member"). */
export function entityWord(entity: string): string {
  return ENTITY_WORDS[entity] ?? fieldLabel(entity);
}

/** The North Star checklist as one row per answer that changed. */
function checklistRows(before: unknown, after: unknown): ChangeRow[] {
  const b = (before ?? {}) as Row;
  const a = (after ?? {}) as Row;
  const rows: ChangeRow[] = [];
  for (const check of NSM_CHECKS) {
    const from = checkAnswer(b[check.key]);
    const to = checkAnswer(a[check.key]);
    if (from !== to)
      rows.push({
        field: `checklist.${check.key}`,
        label: shorten(check.label, 50),
        before: from,
        after: to,
      });
  }
  return rows;
}

/** "field: before → after" for every field whose shown value differs (context fields left out). */
export function changeRows(e: EventLike, opts: DescribeOptions = {}): ChangeRow[] {
  const before = e.before ?? {};
  const after = e.after ?? {};
  const rows: ChangeRow[] = [];
  for (const key of new Set([...Object.keys(before), ...Object.keys(after)])) {
    if (CONTEXT.has(key)) continue;
    if (key === 'checklist') {
      rows.push(...checklistRows(before[key], after[key]));
      continue;
    }
    const from = formatValue(key, before[key], opts);
    const to = formatValue(key, after[key], opts);
    if (from !== to) rows.push({ field: key, label: fieldLabel(key), before: from, after: to });
  }
  return rows;
}

/** The name a record had, as the event holds it (title, name, statement, email or label). */
export function recordedName(e: EventLike): string | undefined {
  for (const side of [e.after, e.before]) {
    for (const key of ['title', 'name', 'statement', 'email', 'label']) {
      const v = side?.[key];
      if (typeof v === 'string' && v) return v;
    }
  }
  return undefined;
}

const and = (words: string[]) =>
  words.length <= 1 ? (words[0] ?? '') : `${words.slice(0, -1).join(', ')} and ${words.at(-1)}`;

/** A label inside a sentence: "Expected lift" → "expected lift", but "ICE mode" and "North Star…" stay. */
const lower = (s: string) =>
  /^[A-Z]{2,}\b/.test(s) || s.startsWith('North Star') ? s : s.charAt(0).toLowerCase() + s.slice(1);

export function edited(e: EventLike, verb = 'Edited'): string {
  const keys = Object.keys(e.after ?? {}).filter((k) => !CONTEXT.has(k));
  const own = keys.filter((k) => !DERIVED.has(k));
  const shown = (own.length ? own : keys).map((k) =>
    k === 'checklist' ? 'North Star checklist' : fieldLabel(k),
  );
  return shown.length ? `${verb} ${and(shown.map(lower))}` : verb;
}

function scoresText(after: Row, opts: DescribeOptions): string {
  const parts = ['impact', 'confidence', 'ease']
    .filter((k) => typeof after[k] === 'number')
    .map((k) => `${fieldLabel(k)} ${formatValue(k, after[k], opts)}`);
  if (!parts.length) return '';
  const ice = typeof after.ice === 'number' ? ` (ICE ${formatValue('ice', after.ice, opts)})` : '';
  return `, scored ${parts.join(' · ')}${ice}`;
}

type Scores = { impact: number; confidence: number; ease: number };

function scoresOf(v: unknown): Scores | undefined {
  if (!v || typeof v !== 'object') return undefined;
  const { impact, confidence, ease } = v as Row;
  return typeof impact === 'number' && typeof confidence === 'number' && typeof ease === 'number'
    ? { impact, confidence, ease }
    : undefined;
}

const ICE_PARTS = ['impact', 'confidence', 'ease'] as const;

/**
 * A member's own score (everyone scores): what they gave, what they had given before, and how it moved the
 * team's ICE — "Scored Impact 7, Confidence 6, Ease 8 (was 5/5/5) — team ICE 6.3 → 6.8".
 */
function scoreSummary(e: EventLike, opts: DescribeOptions): string {
  const from = e.before?.ice;
  const to = e.after?.ice;
  const team =
    typeof to !== 'number'
      ? ''
      : typeof from === 'number' && formatValue('ice', from, opts) !== formatValue('ice', to, opts)
        ? ` — team ICE ${formatValue('ice', from, opts)} → ${formatValue('ice', to, opts)}`
        : ` — team ICE stays ${formatValue('ice', to, opts)}`;
  const given = (s: Scores) =>
    ICE_PARTS.map((k) => `${fieldLabel(k)} ${formatValue(k, s[k], opts)}`).join(', ');
  // A member left the workspace: their scores stopped counting in the team's means (see dropMemberScores).
  const left = e.before?.member;
  const leftScores = scoresOf(left);
  if (leftScores && e.after?.member === null) {
    const name = typeof (left as Row).name === 'string' ? (left as Row).name : 'A former member';
    return `${name}’s scores (${given(leftScores)}) no longer count: they left the workspace${team}`;
  }
  const mine = scoresOf(e.after?.mine);
  if (!mine) return 'Scored';
  const was = scoresOf(e.before?.mine);
  const previous = was
    ? `was ${ICE_PARTS.map((k) => formatValue(k, was[k], opts)).join('/')}`
    : 'first score';
  return `Scored ${given(mine)} (${previous})${team}`;
}

/** The member's own scores that changed, then the team's ICE, as rows. */
function scoreRows(e: EventLike, opts: DescribeOptions): ChangeRow[] {
  const mine = scoresOf(e.after?.mine);
  const was = scoresOf(e.before?.mine);
  const rows: ChangeRow[] = [];
  for (const k of ICE_PARTS) {
    const before = formatValue(k, was?.[k], opts);
    const after = formatValue(k, mine?.[k], opts);
    if (before !== after) rows.push({ field: `mine.${k}`, label: `${fieldLabel(k)} (own)`, before, after });
  }
  const before = formatValue('ice', e.before?.ice, opts);
  const after = formatValue('ice', e.after?.ice, opts);
  if (before !== after) rows.push({ field: 'ice', label: fieldLabel('teamIce'), before, after });
  return rows;
}

/** "the batch for Week 47 · 16–22 Nov 2026" (or "batch #5" when only its id was recorded). */
function batchName(side: Row): string | undefined {
  if (typeof side.week === 'string') return `the batch for ${formatValue('week', side.week)}`;
  if (typeof side.batchId === 'number') return `batch #${side.batchId}`;
  return undefined;
}

const days = (n: unknown) => `${formatValue('estimatedDays', n)} ${n === 1 ? 'day' : 'days'}`;

/** A move along the lifecycle; moves into, out of and through a batch name the batch. */
function transitionSummary(e: EventLike): { summary: string; link?: BatchLink } {
  const a = e.after ?? {};
  const b = e.before ?? {};
  const moved = `Moved from ${formatValue('status', b.status)} to ${formatValue('status', a.status)}`;
  const linked = (summary: string, name: string, side: Row) => ({
    summary,
    ...(typeof side.batchId === 'number' ? { link: { text: name, batchId: side.batchId } } : {}),
  });
  if (a.status === 'selected') {
    const name = batchName(a);
    if (!name) return { summary: moved };
    const estimate =
      typeof a.estimatedDays !== 'number'
        ? ''
        : typeof b.estimatedDays === 'number'
          ? ` (estimate changed from ${days(b.estimatedDays)} to ${days(a.estimatedDays)})`
          : ` (estimate set to ${days(a.estimatedDays)})`;
    return linked(`Selected into ${name}${estimate}`, name, a);
  }
  if (b.status === 'selected' && a.status === 'running') {
    const name = batchName(a);
    return name ? linked(`Started with ${name}`, name, a) : { summary: moved };
  }
  if (b.status === 'selected') {
    const name = batchName(b);
    if (!name) return { summary: moved };
    const where =
      a.status === 'backlog' ? 'back to the backlog' : `now ${formatValue('status', a.status).toLowerCase()}`;
    return linked(`Taken out of ${name}, ${where}`, name, b);
  }
  return { summary: moved };
}

/** A move's rows; a start names its batch without a "Batch" row (it was in that batch all along). */
function transitionRows(e: EventLike, opts: DescribeOptions): ChangeRow[] {
  const rows = changeRows(e, opts);
  const through = e.before?.status === 'selected' && e.after?.status === 'running';
  return through ? rows.filter((r) => r.field !== 'week') : rows;
}

function hypothesisSummary(e: EventLike, opts: DescribeOptions): string {
  const a = e.after ?? {};
  // Triage folding a look-alike draft into its twin (src/drafts/triage.ts) records both sides.
  if (typeof a.mergedInto === 'number') return `Merged into #${a.mergedInto} (a look-alike) and dropped`;
  if (e.action === 'update' && typeof a.mergedFrom === 'number')
    return `Merged draft #${a.mergedFrom} into it`;
  switch (e.action) {
    case 'create': {
      const origin =
        a.draftSource === 'playbook'
          ? `Drafted by the playbook (${shorten(String(a.draftRule ?? ''), 60)})`
          : a.draftSource === 'model'
            ? `Drafted by the model ${shorten(String(a.draftRule ?? ''), 60)}`
            : typeof a.parentId === 'number'
              ? `Drafted as a follow-up of #${a.parentId}`
              : typeof a.sourceLearningId === 'number'
                ? `Drafted from learning #${a.sourceLearningId}`
                : a.source === 'csv'
                  ? `Imported from a CSV file in ${formatValue('status', a.status)}`
                  : `Created in ${formatValue('status', a.status)}`;
      return origin + scoresText(a, opts);
    }
    case 'update': {
      const keys = Object.keys(a);
      return keys.length && keys.every((k) => SCORE_FIELDS.has(k)) ? 'Rescored' : edited(e);
    }
    case 'score':
      return scoreSummary(e, opts);
    case 'transition':
      return transitionSummary(e).summary;
    case 'close': {
      const roti = typeof a.roti === 'number' ? `, ROTI ${formatValue('roti', a.roti)} per person-day` : '';
      return `Closed as ${formatValue('result', a.result)}${roti}`;
    }
    default:
      return fieldLabel(e.action);
  }
}

function metricSummary(e: EventLike): string {
  const a = e.after ?? {};
  switch (e.action) {
    case 'create':
      return a.kind === 'north_star' ? 'Named the North Star' : 'Added as an input metric';
    case 'update':
      return edited(e);
    case 'archive':
      return 'Archived';
    case 'restore':
      return 'Restored from the archive';
    case 'delete':
      return 'Deleted';
    default:
      return fieldLabel(e.action);
  }
}

function learningSummary(e: EventLike): string {
  const a = e.after ?? {};
  const b = e.before ?? {};
  const experiment = typeof a.hypothesisId === 'number' ? `experiment #${a.hypothesisId}` : 'an experiment';
  switch (e.action) {
    case 'create':
      if (a.source === 'csv')
        return typeof a.hypothesisId === 'number'
          ? `Imported from a CSV file with ${experiment}, which supports it`
          : 'Imported from a CSV file';
      return typeof a.hypothesisId === 'number'
        ? `Recorded at the close of ${experiment}, which supports it`
        : `Recorded as ${formatValue('status', a.status)}`;
    case 'status':
      return `Status changed from ${formatValue('status', b.status)} to ${formatValue('status', a.status)}`;
    case 'link':
      return `Linked at the close of ${experiment}, which ${a.relation === 'contradicts' ? 'contradicts' : 'supports'} it`;
    default:
      return fieldLabel(e.action);
  }
}

const personDays = (n: unknown) => `${formatValue('capacityDays', n)} person-${n === 1 ? 'day' : 'days'}`;

/** A weekly batch: planned (with its capacity), resized, started (what it holds against its capacity). */
function batchSummary(e: EventLike): string {
  const a = e.after ?? {};
  const b = e.before ?? {};
  const name = batchName(a) ?? 'the batch';
  switch (e.action) {
    case 'create':
      return `Planned ${name} with a capacity of ${personDays(a.capacityDays)}`;
    case 'update':
      return typeof a.capacityDays === 'number'
        ? `Changed the capacity from ${personDays(b.capacityDays)} to ${personDays(a.capacityDays)}`
        : edited(e, 'Changed');
    case 'start': {
      const items = typeof a.items === 'number' ? a.items : 0;
      const planned = typeof a.plannedDays === 'number' ? a.plannedDays : undefined;
      const capacity = typeof a.capacityDays === 'number' ? a.capacityDays : undefined;
      const load =
        planned === undefined
          ? ''
          : capacity === undefined
            ? `, ${personDays(planned)} planned`
            : `, ${formatValue('plannedDays', planned)} of ${personDays(capacity)} planned${
                planned > capacity ? ` (${formatValue('plannedDays', planned - capacity)} over capacity)` : ''
              }`;
      return `Started ${name}: ${items} ${items === 1 ? 'experiment' : 'experiments'} now running${load}`;
    }
    default:
      return fieldLabel(e.action);
  }
}

function accountSummary(e: EventLike): string {
  const a = e.after ?? {};
  const b = e.before ?? {};
  const who = String(a.email ?? b.email ?? `user #${e.entityId}`);
  switch (`${e.entity}:${e.action}`) {
    case 'membership:add':
      return `Added ${who} as ${a.role}`;
    case 'membership:role':
      return `Changed ${who}’s role from ${b.role} to ${a.role}`;
    case 'membership:remove':
      return `Removed ${who} (was ${b.role})`;
    case 'invite:create':
      return `Created an invite link for a new ${a.role}${a.note ? ` (${shorten(String(a.note), 40)})` : ''}`;
    case 'invite:revoke':
      return 'Revoked an invite link';
    case 'invite:accept':
      return `${a.usedBy ? String(a.usedBy) : 'Someone'} joined with an invite link`;
    case 'token:create':
      return `Created the API token “${shorten(String(a.label ?? ''), 40)}”`;
    case 'token:revoke':
      return `Revoked the API token “${shorten(String(b.label ?? ''), 40)}”`;
    case 'workspace:create':
      return typeof a.importedFrom === 'string'
        ? `Imported the workspace “${shorten(String(a.name ?? ''), 40)}” from a backup of “${shorten(a.importedFrom, 40)}”`
        : `Created the workspace “${shorten(String(a.name ?? ''), 40)}”`;
    case 'workspace:settings':
      // The switch of ICE mode is recorded once here rather than on every hypothesis whose ICE it moved.
      return edited(e, 'Changed') + (a.iceMode ? ' (every stored ICE was recomputed)' : '');
    default:
      return fieldLabel(e.action);
  }
}

/** The batch an event is about or went through, with the words of the summary that name it. */
function batchLink(e: EventLike, summary: string): BatchLink | undefined {
  if (e.entity === 'batch') {
    const name = batchName(e.after ?? {});
    return name && summary.includes(name) ? { text: name, batchId: e.entityId } : undefined;
  }
  if (e.entity === 'hypothesis' && e.action === 'transition') return transitionSummary(e).link;
  return undefined;
}

/** One event as a sentence and the rows of what changed. */
export function describeEvent(e: EventLike, opts: DescribeOptions = {}): Description {
  const summary =
    e.entity === 'hypothesis'
      ? hypothesisSummary(e, opts)
      : e.entity === 'metric'
        ? metricSummary(e)
        : e.entity === 'learning'
          ? learningSummary(e)
          : e.entity === 'batch'
            ? batchSummary(e)
            : ['measurement', 'share_link', 'webhook'].includes(e.entity) ||
                (e.entity === 'workspace' && e.action === 'import')
              ? integrationSummary(e)
              : accountSummary(e);
  // A creation or a deletion is the record itself, a link is said in its sentence, and so is what a batch
  // started with: their fields are not "changes". A score lists the member's own values and the team's ICE.
  // Everything else lists field by field what moved.
  const rows =
    ['create', 'delete', 'link', 'import'].includes(e.action) ||
    e.entity === 'share_link' ||
    (e.entity === 'batch' && e.action === 'start')
      ? []
      : e.entity === 'measurement' && e.action === 'record'
        ? measurementRows(e)
        : e.entity === 'hypothesis' && e.action === 'score'
          ? scoreRows(e, opts)
          : e.entity === 'hypothesis' && e.action === 'transition'
            ? transitionRows(e, opts)
            : changeRows(e, opts);
  const link = batchLink(e, summary);
  return link ? { summary, rows, link } : { summary, rows };
}
