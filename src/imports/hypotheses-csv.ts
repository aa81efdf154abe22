import type { IceMode, Metric, Outcome } from '../../db/schema';
import { HypothesisInput } from '../hypotheses/schemas';
import { fieldErrors } from '../validation';
import { type CsvTable, cellText, type Finding, hasErrors, listLines } from './csv-file';
import { cellOf, type HeaderMap, mapHeaders } from './headers';
import { checkClose, checkLearnings, readDates } from './hypothesis-close';
import {
  type HypothesisField,
  hypothesisSpecs,
  IMPORT_STATUSES,
  type ImportedHypothesis,
  type ImportStatus,
  settleScores,
} from './hypothesis-columns';
import { readNumber } from './numbers';

// Checking a hypotheses CSV row by row against the same zod schemas as the form and the close, so an import
// can store nothing the form would refuse. Pure: the caller passes the workspace's metrics and titles.

export type HypothesisPreviewRow = {
  line: number;
  title: string;
  metric: string;
  status: string;
  scores?: { impact: number; confidence: number; ease: number };
  result?: Outcome;
  errors: string[];
  warnings: string[];
  /** Text Lodestar filled in because the file left it out. */
  notes: string[];
  value?: ImportedHypothesis;
};

export type HypothesesCheck = {
  findings: Finding[];
  mapped: { header: string; label: string }[];
  rows: HypothesisPreviewRow[];
  ok: boolean;
};

export type HypothesisContext = {
  metrics: Metric[];
  iceMode: IceMode;
  /** Titles already in the workspace (lower case) → their id. */
  existingTitles: Map<string, number>;
  timeZone: string;
  now: number;
  decimalComma: boolean;
};

const NOT_GIVEN_RATIONALE = 'Not given in the import: add why you believe this will work.';

/** Names the metrics a row may target, for a message. */
const metricNames = (inputs: Metric[]) => inputs.map((m) => `“${m.name}”`).join(', ');
/** "use one of “A”, “B”", or what to do when the workspace has no input metric to name. */
const useOneOf = (inputs: Metric[]) =>
  inputs.length
    ? `use one of ${metricNames(inputs)}`
    : 'this workspace has no input metrics yet: add them on the Metrics page first';

export function checkHypothesesCsv(table: CsvTable, ctx: HypothesisContext): HypothesesCheck {
  const map = mapHeaders(table.headers, hypothesisSpecs, [], (i) =>
    table.rows.some((r) => (r.cells[i] ?? '').trim() !== ''),
  );
  const findings: Finding[] = [...table.findings, ...map.findings];
  if (hasErrors(table.findings)) return { findings, mapped: map.mapped, rows: [], ok: false };
  const missing = (['title', 'metric'] as const).filter((f) => map.columns[f] === undefined);
  if (missing.includes('title'))
    findings.push({
      tone: 'error',
      message: 'No title column: name one “Title” (or Idea, Name, Experiment, Hypothesis).',
    });
  if (missing.includes('metric'))
    findings.push({
      tone: 'error',
      message: `No metric column: name one “Metric” (or Input metric, Lever) and give each row its input metric (${useOneOf(activeInputs(ctx.metrics))}).`,
    });
  if (missing.length) return { findings, mapped: map.mapped, rows: [], ok: false };

  const firstLineOf = new Map<string, number>();
  const rows = table.rows.map((r) => {
    const row = checkRow(map, r.cells, r.line, ctx);
    const key = row.title.toLowerCase();
    const twin = firstLineOf.get(key);
    if (key && twin !== undefined)
      row.errors.push(`Same title as row ${twin}: give each idea its own title, or remove the copy.`);
    else if (key) firstLineOf.set(key, r.line);
    const existing = ctx.existingTitles.get(key);
    if (key && existing !== undefined)
      row.warnings.push(
        `A hypothesis with this title already exists (#${existing}): this adds a second one.`,
      );
    if (row.errors.length) delete row.value;
    return row;
  });
  const filled = rows.filter((r) => r.notes.length).map((r) => r.line);
  if (filled.length)
    findings.push({
      tone: 'info',
      message: `${filled.length === 1 ? 'Row' : 'Rows'} ${listLines(filled)} left out the change, expected outcome or rationale: Lodestar fills them in (shown per row) for you to rewrite in triage.`,
    });
  return {
    findings,
    mapped: map.mapped,
    rows,
    ok: !hasErrors(findings) && rows.every((r) => !r.errors.length),
  };
}

const activeInputs = (metrics: Metric[]) => metrics.filter((m) => m.kind === 'input' && m.archivedAt == null);

function checkRow(
  map: HeaderMap<HypothesisField>,
  cells: string[],
  line: number,
  ctx: HypothesisContext,
): HypothesisPreviewRow {
  const cell = (f: HypothesisField) => cellText(cellOf(map, cells, f));
  const errors: string[] = [];
  const warnings: string[] = [];
  const notes: string[] = [];
  const bad = new Set<string>();
  const num = (f: HypothesisField, label: string): number | undefined => {
    const t = cell(f);
    if (t === '') return undefined;
    const v = readNumber(t, { decimalComma: ctx.decimalComma });
    if (typeof v === 'number') return v;
    bad.add(f);
    errors.push(`${label}: ${v.error}`);
    return undefined;
  };

  // A title is one line (the form's field is): a cell's line breaks become spaces.
  const title = cell('title').replace(/\s+/g, ' ');
  const metric = resolveMetric(cell('metric'), ctx.metrics, errors);
  const preview: HypothesisPreviewRow = {
    line,
    title,
    metric: metric?.name ?? cell('metric'),
    status: '',
    errors,
    warnings,
    notes,
  };

  const settled = settleScores(
    {
      impact: num('impact', 'Impact'),
      confidence: num('confidence', 'Confidence'),
      ease: num('ease', 'Ease'),
      ice: num('ice', 'ICE'),
    },
    ctx.iceMode,
  );
  warnings.push(...settled.warnings);
  if (settled.error) errors.push(settled.error);

  const expectedLift = num('expectedLift', 'Expected lift');
  const estimatedDays = num('estimatedDays', 'Person-days');
  const change = cell('change') || title;
  if (!cell('change') && title) notes.push('Change: the title is used.');
  const direction = metric?.direction === 'down' ? 'fall' : 'rise';
  // Without a known metric the row is refused for that alone; its outcome is not worth a second message.
  const outcome =
    cell('outcome') ||
    `${metric?.name ?? 'The metric'} will ${direction}${expectedLift != null ? ` by ${Math.abs(expectedLift)}%` : ''}`;
  if (!cell('outcome') && metric) notes.push(`Expected outcome: “${outcome}”.`);
  const rationale = cell('rationale') || NOT_GIVEN_RATIONALE;
  if (!cell('rationale')) notes.push('Rationale: not given.');

  const parsed = HypothesisInput.safeParse({
    title,
    change,
    outcome,
    rationale,
    metricId: metric?.id ?? 1,
    tags: cell('tags').split(/[,;]/),
    owner: cell('owner'),
    ...(settled.scores ?? { impact: 5, confidence: 5, ease: 5 }),
    estimatedDays: bad.has('estimatedDays') ? undefined : estimatedDays,
    expectedLift: bad.has('expectedLift') ? undefined : expectedLift,
  });
  if (!parsed.success)
    for (const [key, message] of Object.entries(fieldErrors(parsed.error)))
      if (key !== 'metricId' && !(key in { impact: 1, confidence: 1, ease: 1 } && !settled.scores))
        errors.push(message);
  if (settled.scores) preview.scores = settled.scores;

  const status = readStatus(cell('status'), cell('result') !== '', settled.none, errors);
  preview.status = status ?? cell('status');
  const value: ImportedHypothesis | undefined =
    parsed.success && status && metric
      ? { line, input: stripStatus(parsed.data), status, learnings: [] }
      : undefined;

  const closeCells = (
    ['result', 'actualDays', 'return', 'baseline', 'observed', 'lift', 'learning', 'closed'] as const
  ).filter((f) => cell(f) !== '');
  if (status === 'done') {
    const closed = checkClose(
      cell('result'),
      { num, bad, errors, warnings },
      parsed.success ? parsed.data : undefined,
    );
    if (closed) preview.result = closed.result;
    const learnings = checkLearnings(cell('learning'), errors, warnings);
    if (value && closed) Object.assign(value, { closed, learnings });
  } else if (status && closeCells.length) {
    const labels = closeCells.map((f) => hypothesisSpecs.find((s) => s.field === f)?.label).join(', ');
    warnings.push(`${labels}: read only for done rows, so ignored for a ${status} one.`);
  }
  if (status === 'running' || status === 'done') {
    // A backlog of past experiments often comes without dates: each would then count as closed this week.
    if (status === 'done' && cell('closed') === '')
      warnings.push(
        'No Closed date: it counts as closed today, so it shows among this week’s results and in the next meeting summary. Give the date it closed if it is older.',
      );
    const dates = readDates(cell('started'), status === 'done' ? cell('closed') : '', ctx, errors);
    if (value) Object.assign(value, dates);
  } else if (status && cell('started') !== '') warnings.push(`Started: ignored for a ${status} row.`);
  if (value) preview.value = value;
  return preview;
}

function stripStatus(input: HypothesisInput): ImportedHypothesis['input'] {
  const { status: _s, parentId: _p, sourceLearningId: _l, ...rest } = input;
  return rest;
}

/** The metric a row names (any case), which must be an active input metric. */
function resolveMetric(name: string, metrics: Metric[], errors: string[]): Metric | undefined {
  if (name === '') {
    errors.push(`Metric is missing: ${useOneOf(activeInputs(metrics))}.`);
    return undefined;
  }
  const m = metrics.find((x) => x.name.trim().toLowerCase() === name.toLowerCase());
  if (!m) errors.push(`Metric “${name}” is not an input metric here: ${useOneOf(activeInputs(metrics))}.`);
  else if (m.kind !== 'input')
    errors.push(`“${m.name}” is the North Star: a hypothesis targets one of its input metrics.`);
  else if (m.archivedAt != null)
    errors.push(`“${m.name}” is archived: restore it first, or choose an active input metric.`);
  else return m;
  return undefined;
}

/** The status to create in; blank means done when a result is given, a draft when unscored, else backlog. */
function readStatus(
  raw: string,
  hasResult: boolean,
  unscored: boolean,
  errors: string[],
): ImportStatus | undefined {
  const s = raw.toLowerCase();
  if (s === '') return hasResult ? 'done' : unscored ? 'draft' : 'backlog';
  if (s === 'selected') {
    errors.push('Status “selected” is refused: select it in the meeting (import it as backlog).');
    return undefined;
  }
  if ((IMPORT_STATUSES as readonly string[]).includes(s)) return s as ImportStatus;
  errors.push(`Status “${raw}” is not one of: ${IMPORT_STATUSES.join(', ')}.`);
  return undefined;
}
