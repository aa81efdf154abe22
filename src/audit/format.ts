import type { IceMode } from '../../db/schema';
import { weekLabel } from '../batches/weeks';
import { STATUS_LABELS } from '../hypotheses/lifecycle';

// One recorded value as a team member reads it ("Expected lift: +5%", "2025-03-14 09:05 CET"): the field
// names and the value formats shared by the trail's sentences (describe.ts) and by its rows.

export type DescribeOptions = {
  /** How the workspace computes ICE: a mean is read with one decimal, a product as a whole number. */
  iceMode?: IceMode;
  /** The time zone dates are shown in (the workspace's); UTC when unknown or invalid. */
  timeZone?: string;
  /** The name of a metric by id, to show "Activation rate" instead of "#3". */
  metricName?: (id: number) => string | undefined;
  /** The address of a batch's page, to link the batch an event names. */
  batchHref?: (id: number) => string;
};

export const TEXT_MAX = 80;

const LABELS: Record<string, string> = {
  url: 'URL',
  events: 'Events',
  active: 'Switched on',
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
  week: 'Batch',
  batchId: 'Batch',
  capacityDays: 'Capacity (person-days)',
  plannedDays: 'Planned person-days',
  items: 'Experiments',
  teamIce: 'Team ICE',
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
/** A field's name as the forms call it ("expectedRoti" → "Expected ROTI"). */
export function fieldLabel(key: string): string {
  const known = LABELS[key];
  if (known) return known;
  const words = key.replace(/([a-z0-9])([A-Z])/g, '$1 $2').toLowerCase();
  return words.charAt(0).toUpperCase() + words.slice(1);
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

/** A North Star checklist answer as words. */
export function checkAnswer(a: unknown): string {
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
    if (key === 'week') return weekLabel(value);
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
