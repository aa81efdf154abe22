import type { AuditEntity } from '../../db/schema';
import { NSM_CHECKS } from '../metrics/north-star';
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
export type Description = { summary: string; rows: ChangeRow[] };

const SCORE_FIELDS = new Set(['impact', 'confidence', 'ease', 'ice', 'expectedRoti']);
/** Values derived from others: named in a row, but not as something the person edited. */
const DERIVED = new Set(['ice', 'expectedRoti', 'lift', 'roti']);
/** Context carried along (the title of the experiment a learning was linked to), never a change itself. */
const CONTEXT = new Set(['hypothesisTitle', 'userId']);

const ENTITY_WORDS: Record<string, string> = {
  hypothesis: 'Hypothesis',
  metric: 'Metric',
  learning: 'Learning',
  membership: 'Member',
  invite: 'Invite',
  token: 'API token',
  workspace: 'Workspace',
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

function edited(e: EventLike, verb = 'Edited'): string {
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

function hypothesisSummary(e: EventLike, opts: DescribeOptions): string {
  const a = e.after ?? {};
  const b = e.before ?? {};
  switch (e.action) {
    case 'create': {
      const origin =
        typeof a.parentId === 'number'
          ? `Drafted as a follow-up of #${a.parentId}`
          : typeof a.sourceLearningId === 'number'
            ? `Drafted from learning #${a.sourceLearningId}`
            : `Created in ${formatValue('status', a.status)}`;
      return origin + scoresText(a, opts);
    }
    case 'update': {
      const keys = Object.keys(a);
      return keys.length && keys.every((k) => SCORE_FIELDS.has(k)) ? 'Rescored' : edited(e);
    }
    case 'transition':
      return `Moved from ${formatValue('status', b.status)} to ${formatValue('status', a.status)}`;
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
      return `Created the workspace “${shorten(String(a.name ?? ''), 40)}”`;
    case 'workspace:settings':
      // The switch of ICE mode is recorded once here rather than on every hypothesis whose ICE it moved.
      return edited(e, 'Changed') + (a.iceMode ? ' (every stored ICE was recomputed)' : '');
    default:
      return fieldLabel(e.action);
  }
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
          : accountSummary(e);
  // A creation or a deletion is the record itself, and a link is said in its sentence: their fields are
  // not "changes". Everything else lists field by field what moved.
  const rows = ['create', 'delete', 'link'].includes(e.action) ? [] : changeRows(e, opts);
  return { summary, rows };
}
