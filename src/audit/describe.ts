import type { AuditEntity, IceMode } from '../../db/schema';
import { STATUS_LABELS } from '../hypotheses/lifecycle';
import { NSM_CHECKS } from '../metrics/north-star';

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

export type DescribeOptions = {
  /** How the workspace computes ICE: a mean is read with one decimal, a product as a whole number. */
  iceMode?: IceMode;
  /** The time zone dates are shown in (the workspace's); UTC when unknown or invalid. */
  timeZone?: string;
  /** The name of a metric by id, to show "Activation rate" instead of "#3". */
  metricName?: (id: number) => string | undefined;
};

export const TEXT_MAX = 80;

const LABELS: Record<string, string> = {
  title: 'Title',
  change: 'Change',
  outcome: 'Expected outcome',
  expectedLift: 'Expected lift',
  rationale: 'Rationale',
  metricId: 'Input metric',
  owner: 'Owner',
  impact: 'Impact',
  confidence: 'Confidence',
  ease: 'Ease',
  ice: 'ICE',
  estimatedDays: 'Estimated person-days',
  expectedRoti: 'Expected ROTI',
  status: 'Status',
  result: 'Result',
  baseline: 'Baseline',
  observed: 'Observed',
  lift: 'Lift',
  actualDays: 'Actual person-days',
  returnScore: 'Return',
  roti: 'ROTI',
  selectedAt: 'Selected',
  startedAt: 'Started',
  closedAt: 'Closed',
  tags: 'Tags',
  parentId: 'Follows up',
  sourceLearningId: 'From learning',
  learnings: 'Learnings',
  kind: 'Kind',
  name: 'Name',
  description: 'Description',
  unit: 'Unit',
  direction: 'Direction',
  currentValue: 'Current value',
  target: 'Target',
  archivedAt: 'Archived',
  statement: 'Statement',
  hypothesisId: 'Experiment',
  relation: 'Relation',
  email: 'Email',
  role: 'Role',
  note: 'Note',
  usedAt: 'Used',
  usedBy: 'Used by',
  revokedAt: 'Revoked',
  expiresAt: 'Expires',
  label: 'Label',
  prefix: 'Prefix',
  iceMode: 'ICE mode',
  slug: 'Address',
  timeZone: 'Time zone',
};

const TIMES = new Set([
  'selectedAt',
  'startedAt',
  'closedAt',
  'archivedAt',
  'usedAt',
  'revokedAt',
  'expiresAt',
  'createdAt',
]);
const PERCENTS = new Set(['expectedLift', 'lift']);
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

/** A field's name as the forms call it ("expectedRoti" → "Expected ROTI"). */
export function fieldLabel(key: string): string {
  const known = LABELS[key];
  if (known) return known;
  const words = key.replace(/([a-z0-9])([A-Z])/g, '$1 $2').toLowerCase();
  return words.charAt(0).toUpperCase() + words.slice(1);
}

/** What kind of thing an event is about, as a word ("Hypothesis", "Member"). */
export function entityWord(entity: string): string {
  return ENTITY_WORDS[entity] ?? fieldLabel(entity);
}

/** A long text cut to `max` characters with an ellipsis (whitespace collapsed). */
export function shorten(text: string, max = TEXT_MAX): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length <= max ? flat : `${flat.slice(0, max - 1).trimEnd()}…`;
}

const numbers = new Intl.NumberFormat('en-US', { maximumFractionDigits: 2 });

/** A date and time, e.g. "2025-03-14 09:05 UTC", in the given time zone (UTC if it is not a valid one). */
export function fmtDateTime(ms: number, timeZone = 'UTC'): string {
  let format: Intl.DateTimeFormat;
  try {
    format = new Intl.DateTimeFormat('en-US', {
      timeZone,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
      timeZoneName: 'short',
    });
  } catch {
    return fmtDateTime(ms, 'UTC');
  }
  const p = Object.fromEntries(format.formatToParts(new Date(ms)).map((x) => [x.type, x.value]));
  return `${p.year}-${p.month}-${p.day} ${p.hour}:${p.minute} ${p.timeZoneName}`;
}

function checkAnswer(a: unknown): string {
  if (!a || typeof a !== 'object') return 'not answered';
  const { pass, note } = a as { pass?: boolean | null; note?: string };
  const verdict = pass === true ? 'passes' : pass === false ? 'fails' : 'not answered';
  return note ? `${verdict} (“${shorten(note, 40)}”)` : verdict;
}

/** One recorded value as text: numbers formatted, dates absolute, long texts shortened, empty as "—". */
export function formatValue(key: string, value: unknown, opts: DescribeOptions = {}): string {
  if (value === null || value === undefined || value === '') return '—';
  if (typeof value === 'number') {
    if (TIMES.has(key)) return fmtDateTime(value, opts.timeZone);
    if (key === 'metricId') return opts.metricName?.(value) ?? `#${value}`;
    if (key === 'parentId' || key === 'sourceLearningId' || key === 'hypothesisId') return `#${value}`;
    if (PERCENTS.has(key)) return `${value > 0 ? '+' : ''}${numbers.format(value)}%`;
    if (key === 'ice') return opts.iceMode === 'product' ? String(Math.round(value)) : value.toFixed(1);
    if (key === 'expectedRoti' || key === 'roti') return value.toFixed(2);
    return numbers.format(value);
  }
  if (typeof value === 'boolean') return value ? 'yes' : 'no';
  if (typeof value === 'string') {
    if (key === 'status') return STATUS_LABELS[value as keyof typeof STATUS_LABELS] ?? value;
    if (key === 'iceMode')
      return value === 'product' ? 'product (I × C × E)' : value === 'mean' ? 'mean of I, C, E' : value;
    if (key === 'kind')
      return value === 'north_star' ? 'North Star' : value === 'input' ? 'input metric' : value;
    if (key === 'direction')
      return value === 'up' ? 'higher is better' : value === 'down' ? 'lower is better' : value;
    return shorten(value);
  }
  if (Array.isArray(value)) {
    if (value.length === 0) return 'none';
    if (key === 'learnings')
      return value
        .map((l) => {
          const { statement, relation } = (l ?? {}) as { statement?: string; relation?: string };
          return `“${shorten(statement ?? '', 50)}” (${relation ?? 'linked'})`;
        })
        .join('; ');
    return shorten(value.map((v) => (typeof v === 'string' ? v : JSON.stringify(v))).join(', '));
  }
  return shorten(JSON.stringify(value));
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
