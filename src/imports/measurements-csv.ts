import type { Metric } from '../../db/schema';
import { CSV_MEASUREMENTS_MAX, futurePeriodError } from '../measurements/measurements';
import { parsePeriod, periodHint } from '../measurements/periods';
import { type CsvTable, cellText, clip, type Finding, hasErrors, quoteList } from './csv-file';
import { type ColumnSpec, mapHeaders, normaliseHeader } from './headers';
import { readNumber } from './numbers';

// A measurements CSV in either shape a spreadsheet has: long (one row per metric and period: Metric, Period,
// Value — what Lodestar exports) or wide (a period column and one column per metric, named as the metric).
// Periods are read per the metric's cadence, values as numbers (a decimal comma only in a semicolon file).
// Pure: the caller passes the workspace's metrics.

export type MeasurementField = 'metric' | 'period' | 'value';
export const MEASUREMENT_COLUMNS: ColumnSpec<MeasurementField>[] = [
  { field: 'metric', label: 'Metric', synonyms: ['Metric name', 'KPI', 'Name'] },
  { field: 'period', label: 'Period', synonyms: ['Week', 'Date', 'Day', 'ISO week'] },
  { field: 'value', label: 'Value', synonyms: ['Amount'] },
];
/** Columns Lodestar's own export adds, which an import does not need. */
const EXPORT_ONLY = [
  {
    synonyms: ['Cadence', 'Source', 'Updated'],
    why: 'Lodestar’s export writes it; the metric’s own cadence decides how periods are read.',
  },
];

/** 11/22/2026, 22.11.2026, 22-11-26: a date in a spreadsheet's local form. */
const LOCAL_DATE = /^\d{1,2}[./-]\d{1,2}[./-](\d{2}|\d{4})$/;

/** One value to record, as the preview lists it. */
export type MeasurementPreviewItem = {
  line: number;
  metric: string;
  /** The period as the file gives it, and as it is stored. */
  raw: string;
  period?: string;
  value?: number;
  errors: string[];
};

export type MeasurementGroupPlan = {
  metric: Metric;
  items: { period: string; value: number }[];
  /** The preview item each stored item came from, in the same order (to put a late error on its row). */
  from: number[];
};

export type MeasurementsCheck = {
  format?: 'long' | 'wide';
  findings: Finding[];
  mapped: { header: string; label: string }[];
  items: MeasurementPreviewItem[];
  groups: MeasurementGroupPlan[];
  ok: boolean;
};

const names = (metrics: Metric[]) =>
  metrics.map((m) => `“${m.name}”`).join(', ') || 'none yet: add them on the Metrics page';

type MeasurementContext = {
  metrics: Metric[];
  decimalComma: boolean;
  /** Now, for refusing a period that has not begun (as recording the values would). */
  now?: number;
};

export function checkMeasurementsCsv(table: CsvTable, ctx: MeasurementContext): MeasurementsCheck {
  const active = ctx.metrics.filter((m) => m.archivedAt == null);
  const hasData = (i: number) => table.rows.some((r) => (r.cells[i] ?? '').trim() !== '');
  const long = mapHeaders(table.headers, MEASUREMENT_COLUMNS, EXPORT_ONLY, hasData);
  const base: MeasurementsCheck = {
    findings: [...table.findings],
    mapped: [],
    items: [],
    groups: [],
    ok: false,
  };
  if (hasErrors(table.findings)) return base;
  if (long.columns.period === undefined) {
    base.findings.push({
      tone: 'error',
      message:
        'No period column: name one “Period” (or Week, Date, Day), then either “Metric” and “Value” columns, ' +
        `or one column per metric named as the metric (${names(active)}).`,
    });
    return base;
  }
  const items: MeasurementPreviewItem[] = [];
  let format: 'long' | 'wide';
  if (long.columns.metric !== undefined || long.columns.value !== undefined) {
    format = 'long';
    base.findings.push(...long.findings);
    base.mapped = long.mapped;
    const missing = (['metric', 'value'] as const).filter((f) => long.columns[f] === undefined);
    if (missing.length) {
      base.findings.push({
        tone: 'error',
        message: `A file with a ${missing[0] === 'metric' ? '“Value”' : '“Metric”'} column also needs a “${missing[0] === 'metric' ? 'Metric' : 'Value'}” column (one row per metric and period).`,
      });
      return { ...base, format };
    }
    const at = (cells: string[], f: MeasurementField) => cells[long.columns[f] as number];
    for (const r of table.rows)
      items.push(
        item(r.line, cellText(at(r.cells, 'metric')), at(r.cells, 'period'), at(r.cells, 'value'), ctx, true),
      );
  } else {
    format = 'wide';
    const periodIndex = long.columns.period;
    const columns: { index: number; metric: Metric }[] = [];
    const unknown: string[] = [];
    base.mapped = [{ header: table.headers[periodIndex] ?? '', label: 'Period' }];
    table.headers.forEach((header, index) => {
      if (index === periodIndex || (header === '' && !hasData(index))) return;
      const m =
        ctx.metrics.find((x) => x.name.trim().toLowerCase() === header.toLowerCase()) ??
        ctx.metrics.find((x) => normaliseHeader(x.name) === normaliseHeader(header));
      if (!m) unknown.push(header || `column ${index + 1}`);
      else if (m.archivedAt != null)
        base.findings.push({
          tone: 'error',
          message: `“${m.name}” is archived: restore it before importing its values.`,
        });
      else {
        columns.push({ index, metric: m });
        base.mapped.push({ header, label: `values of ${m.name}` });
      }
    });
    if (unknown.length)
      base.findings.push({
        tone: 'warn',
        message: `${unknown.length === 1 ? 'This column does' : 'These columns do'} not name a metric and ${unknown.length === 1 ? 'is' : 'are'} ignored: ${quoteList(unknown)}. Metrics here: ${names(active)}.`,
      });
    if (!columns.length) {
      base.findings.push({
        tone: 'error',
        message: `No column names a metric: besides the period, name each column as a metric (${names(active)}), or use Metric, Period and Value columns.`,
      });
      return { ...base, format };
    }
    for (const r of table.rows)
      for (const c of columns) {
        const raw = r.cells[c.index] ?? '';
        // An empty cell is a period nobody measured: nothing to record.
        if (raw.trim() === '') continue;
        items.push(item(r.line, c.metric.name, r.cells[periodIndex], raw, ctx, false));
      }
  }
  base.findings.push({
    tone: 'info',
    message:
      format === 'long'
        ? 'Read as one row per metric and period (Metric, Period, Value).'
        : 'Read as one row per period with a column per metric.',
  });
  // Spreadsheets save dates in their locale's form (11/22/2026, 22.11.2026), which cannot be read safely
  // (is 11/12 the 11th of December or the 12th of November?): one line says how to fix the whole column.
  const localDates = items.filter((i) => i.period === undefined && LOCAL_DATE.test(i.raw));
  if (localDates.length)
    base.findings.push({
      tone: 'warn',
      message:
        `${localDates.length === 1 ? 'A period is' : `${localDates.length.toLocaleString('en')} periods are`} ` +
        `written as a local date (like ${clip(localDates[0]?.raw ?? '', 20)}), which could be read two ways. ` +
        'In the spreadsheet, format the period column as yyyy-mm-dd (a custom date format), or write ISO weeks ' +
        'like 2026-W47, and save the file again.',
    });
  if (!items.length)
    base.findings.push({
      tone: 'error',
      message: 'The file has no values to record: every value cell is empty.',
    });
  if (items.length > CSV_MEASUREMENTS_MAX)
    base.findings.push({
      tone: 'error',
      message: `The file has ${items.length.toLocaleString('en')} values; one import records at most ${CSV_MEASUREMENTS_MAX.toLocaleString('en')}. Split it (by year, or by metric).`,
    });
  const groups = planGroups(items, ctx.metrics);
  const ok = !hasErrors(base.findings) && items.every((i) => !i.errors.length);
  return { ...base, format, items, groups, ok };
}

/** One value: its metric by name (active ones), its period in the metric's cadence, its number. */
function item(
  line: number,
  metricName: string,
  periodRaw: string | undefined,
  valueRaw: string | undefined,
  ctx: MeasurementContext,
  long: boolean,
): MeasurementPreviewItem {
  const errors: string[] = [];
  const raw = cellText(periodRaw);
  const out: MeasurementPreviewItem = { line, metric: metricName, raw, errors };
  const metric = ctx.metrics.find((m) => m.name.trim().toLowerCase() === metricName.toLowerCase());
  if (metricName === '') errors.push('Metric is missing.');
  else if (!metric)
    errors.push(
      `“${metricName}” is not a metric here (metrics: ${names(ctx.metrics.filter((m) => m.archivedAt == null))}).`,
    );
  else if (metric.archivedAt != null)
    errors.push(`“${metric.name}” is archived: restore it before importing its values.`);
  if (metric) {
    out.metric = metric.name;
    const period = parsePeriod(raw, metric.cadence);
    if ('error' in period) errors.push(period.error);
    else {
      out.period = period.period;
      // Said at the preview: the confirm would refuse it (a period that has not begun is a typo, not a forecast).
      const future = futurePeriodError(raw, period.period, metric.cadence, ctx.now ?? Date.now());
      if (future) errors.push(future);
    }
  } else if (raw === '') errors.push(`The period is missing: use ${periodHint('week')}.`);
  const value = readNumber(long ? cellText(valueRaw) : (valueRaw ?? '').trim(), {
    decimalComma: ctx.decimalComma,
  });
  if (typeof value === 'number') out.value = value;
  else errors.push(value.error);
  return out;
}

/** Items by metric, in file order; the same metric and period twice is an error on the later row. */
function planGroups(items: MeasurementPreviewItem[], metrics: Metric[]): MeasurementGroupPlan[] {
  const groups = new Map<number, MeasurementGroupPlan>();
  const seen = new Map<string, number>();
  items.forEach((it, index) => {
    const metric = metrics.find((m) => m.name === it.metric);
    if (!metric || it.period === undefined) return;
    const key = `${metric.id}|${it.period}`;
    const twin = seen.get(key);
    if (twin !== undefined) {
      it.errors.push(`${metric.name} for ${it.period} is also on row ${twin}: give each period once.`);
      return;
    }
    seen.set(key, it.line);
    if (it.value === undefined || it.errors.length) return;
    const g = groups.get(metric.id) ?? { metric, items: [], from: [] };
    g.items.push({ period: it.period, value: it.value });
    g.from.push(index);
    groups.set(metric.id, g);
  });
  return [...groups.values()];
}
