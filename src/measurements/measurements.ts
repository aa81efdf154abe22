import { and, asc, desc, eq, gte, inArray, lte, sql } from 'drizzle-orm';
import type { Db, Tx } from '../../db/client';
import {
  type Cadence,
  type Measurement,
  type MeasurementSource,
  type Metric,
  measurements,
  metrics,
  type Workspace,
} from '../../db/schema';
import { recordChange } from '../audit/audit';
import { type FieldErrors, NotFoundError, ValidationError } from '../errors';
import { parsePeriod, periodBounds, periodOf } from './periods';

const DAY_MS = 86_400_000;

/** One API call (or one CSV file) carries at most this many values. */
export const MEASUREMENTS_MAX_ITEMS = 1000;
/** A CSV file may carry more (two years of daily values for several metrics): its 2 MB bounds it anyway. */
export const CSV_MEASUREMENTS_MAX = 20_000;
/** Values beyond this are typing accidents (and lose precision as doubles). */
export const MEASUREMENT_VALUE_MAX = 1e15;
/** How many values the trail lists one by one in a record event (the rest are counted). */
const TRAIL_ITEMS = 20;

/** A value for a period, as given: the period still as typed, the value already a number (or not). */
export type MeasurementItem = { period: string; value: unknown };
/** The values for one metric. */
export type MeasurementGroup = { metric: Metric; items: MeasurementItem[] };

export type RecordResult = { inserted: number; updated: number; unchanged: number };

/**
 * A value as typed → a number, or why not. Accepts "1,234.5" (thousands commas) and, where the caller says
 * the file used semicolons, "0,42" (a decimal comma).
 */
export function parseValue(raw: unknown, opts: { decimalComma?: boolean } = {}): number | { error: string } {
  if (typeof raw === 'number') {
    if (!Number.isFinite(raw)) return { error: 'The value must be a finite number.' };
    if (Math.abs(raw) > MEASUREMENT_VALUE_MAX) return { error: 'The value is too large.' };
    return raw;
  }
  if (typeof raw !== 'string' || raw.trim() === '') return { error: 'The value is missing.' };
  // U+2212 is the minus sign the pages print (fmtValue), so a value copied from a page pastes back.
  let text = raw
    .trim()
    .replace(/\s/g, '')
    .replace(/\u2212/g, '-');
  const percent = text.endsWith('%');
  if (percent) text = text.slice(0, -1);
  if (opts.decimalComma && /^-?\d{1,3}(\.\d{3})*(,\d+)?$|^-?\d+(,\d+)?$/.test(text))
    text = text.replace(/\./g, '').replace(',', '.');
  else if (/^-?\d{1,3}(,\d{3})+(\.\d+)?$/.test(text)) text = text.replace(/,/g, '');
  if (!/^[-+]?(\d+\.?\d*|\.\d+)(e[-+]?\d+)?$/i.test(text))
    return { error: `“${raw.trim()}” is not a number.` };
  const n = Number(text);
  if (!Number.isFinite(n) || Math.abs(n) > MEASUREMENT_VALUE_MAX) return { error: 'The value is too large.' };
  return n;
}

/**
 * Checks every item of every group before anything is written: the periods of each metric's cadence, numbers,
 * and no period twice for one metric. Errors are keyed `<prefix><index>.period|value` in the order given.
 */
/** "1,5" reads as a decimal comma (a thousands comma takes three digits after it): say how to write it. */
function explained(value: number | { error: string }, raw: unknown): number | { error: string } {
  if (typeof value === 'number' || typeof raw !== 'string') return value;
  const text = raw.trim();
  return /^-?\d+,(\d{1,2}|\d{4,})$/.test(text)
    ? { error: `“${text}” is not a number: write decimals with a point (${text.replace(',', '.')}).` }
    : value;
}

/**
 * A period that has not begun yet is a typo (a year off), not a forecast: stored, it would stand as the
 * metric's latest value until someone deleted it. A day's grace lets pipelines in zones ahead of UTC through.
 */
export function futurePeriodError(
  raw: string,
  period: string,
  cadence: Cadence,
  now: number,
): string | undefined {
  if (periodBounds(period, cadence, 'UTC').start <= now + DAY_MS) return undefined;
  return `“${raw.trim()}” has not begun yet: check the year (this is ${periodOf(now, cadence, 'UTC')}).`;
}

export function validateGroups(
  groups: MeasurementGroup[],
  opts: {
    keyOf?: (groupIndex: number, itemIndex: number) => string;
    decimalComma?: boolean;
    now?: number;
  } = {},
): { groups: { metric: Metric; items: { period: string; value: number }[] }[]; errors: FieldErrors } {
  const errors: FieldErrors = {};
  const now = opts.now ?? Date.now();
  const keyOf = opts.keyOf ?? ((g, i) => (groups.length === 1 ? `items.${i}` : `groups.${g}.items.${i}`));
  const out = groups.map((group, g) => {
    const seen = new Map<string, number>();
    const items: { period: string; value: number }[] = [];
    group.items.forEach((item, i) => {
      const key = keyOf(g, i);
      const raw = String(item.period ?? '');
      const parsed = parsePeriod(raw, group.metric.cadence);
      const future =
        'period' in parsed ? futurePeriodError(raw, parsed.period, group.metric.cadence, now) : undefined;
      const period = future ? { error: future } : parsed;
      const value = explained(parseValue(item.value, opts), item.value);
      if ('error' in period) errors[`${key}.period`] = period.error;
      if (typeof value !== 'number') errors[`${key}.value`] = value.error;
      if ('error' in period || typeof value !== 'number') return;
      const twin = seen.get(period.period);
      if (twin !== undefined) {
        errors[`${key}.period`] =
          `${period.period} is given twice for ${group.metric.name} (also item ${twin + 1}); give each period once.`;
        return;
      }
      seen.set(period.period, i);
      items.push({ period: period.period, value });
    });
    return { metric: group.metric, items };
  });
  return { groups: out, errors };
}

/**
 * Writes values for one or more metrics in one transaction: all of them or, when any item is wrong, none
 * (ValidationError). A period already measured is replaced; the same value again writes nothing, so a pipeline
 * can push the same data twice. The metric's current value follows its latest period. One trail record per
 * metric that changed.
 */
export async function recordMeasurements(
  db: Db,
  ws: Workspace,
  groups: MeasurementGroup[],
  source: MeasurementSource,
  opts: {
    decimalComma?: boolean;
    keyOf?: (g: number, i: number) => string;
    now?: number;
    /** More than MEASUREMENTS_MAX_ITEMS at once (a CSV file). */
    maxItems?: number;
  } = {},
): Promise<RecordResult> {
  const now = opts.now ?? Date.now();
  const max = opts.maxItems ?? MEASUREMENTS_MAX_ITEMS;
  for (const g of groups)
    if (g.metric.workspaceId !== ws.id)
      throw new NotFoundError(`No metric #${g.metric.id} in this workspace.`);
  const total = groups.reduce((n, g) => n + g.items.length, 0);
  if (total > max)
    throw new ValidationError(
      { items: `At most ${max} values at once (${total} given): send them in parts.` },
      `At most ${max} values at once.`,
    );
  const checked = validateGroups(groups, opts);
  if (Object.keys(checked.errors).length)
    throw new ValidationError(checked.errors, 'Some values need attention; nothing was saved.');
  return db.write(async (tx) => {
    const result: RecordResult = { inserted: 0, updated: 0, unchanged: 0 };
    for (const group of checked.groups) {
      if (!group.items.length) continue;
      const r = await upsertForMetric(tx, ws, group.metric, group.items, source, now);
      result.inserted += r.inserted;
      result.updated += r.updated;
      result.unchanged += r.unchanged;
    }
    return result;
  });
}

async function upsertForMetric(
  tx: Tx,
  ws: Workspace,
  metric: Metric,
  items: { period: string; value: number }[],
  source: MeasurementSource,
  now: number,
): Promise<RecordResult> {
  const existing = new Map<string, number>();
  // In chunks: SQLite caps the number of bound parameters per statement.
  for (let i = 0; i < items.length; i += 500) {
    const rows = await tx
      .select({ period: measurements.period, value: measurements.value })
      .from(measurements)
      .where(
        and(
          eq(measurements.workspaceId, ws.id),
          eq(measurements.metricId, metric.id),
          inArray(
            measurements.period,
            items.slice(i, i + 500).map((x) => x.period),
          ),
        ),
      );
    for (const r of rows) existing.set(r.period, r.value);
  }
  const changed = items.filter((x) => existing.get(x.period) !== x.value);
  const result: RecordResult = {
    inserted: changed.filter((x) => !existing.has(x.period)).length,
    updated: changed.filter((x) => existing.has(x.period)).length,
    unchanged: items.length - changed.length,
  };
  if (!changed.length) return result;
  for (let i = 0; i < changed.length; i += 200) {
    await tx
      .insert(measurements)
      .values(
        changed.slice(i, i + 200).map((x) => ({
          workspaceId: ws.id,
          metricId: metric.id,
          period: x.period,
          value: x.value,
          source,
          createdAt: now,
          updatedAt: now,
        })),
      )
      .onConflictDoUpdate({
        target: [measurements.metricId, measurements.period],
        set: {
          value: sql`excluded.value`,
          source: sql`excluded.source`,
          updatedAt: sql`excluded.updated_at`,
        },
      });
  }
  await syncCurrentValue(tx, ws, metric, now);
  const sorted = [...changed].sort((a, b) => a.period.localeCompare(b.period));
  await recordChange(
    tx,
    {
      workspaceId: ws.id,
      entity: 'measurement',
      entityId: metric.id,
      action: 'record',
      after: {
        metricName: metric.name,
        source,
        inserted: result.inserted,
        updated: result.updated,
        from: sorted[0]?.period,
        to: sorted.at(-1)?.period,
        items: sorted
          .slice(0, TRAIL_ITEMS)
          .map((x) => ({ period: x.period, value: x.value, before: existing.get(x.period) ?? null })),
      },
    },
    now,
  );
  return result;
}

/** The metric's current value is its latest period's value (unchanged when it has no measurements). */
async function syncCurrentValue(tx: Tx, ws: Workspace, metric: Metric, now: number) {
  const [latest] = await tx
    .select({ value: measurements.value })
    .from(measurements)
    .where(and(eq(measurements.workspaceId, ws.id), eq(measurements.metricId, metric.id)))
    .orderBy(desc(measurements.period))
    .limit(1);
  if (latest && latest.value !== metric.currentValue)
    await tx
      .update(metrics)
      .set({ currentValue: latest.value, updatedAt: now })
      .where(and(eq(metrics.workspaceId, ws.id), eq(metrics.id, metric.id)));
}

/** Removes one period's value (a typo entered by hand); the current value follows the new latest period. */
export async function deleteMeasurement(
  db: Db,
  ws: Workspace,
  metric: Metric,
  period: string,
  now = Date.now(),
): Promise<void> {
  const done = await db.write(async (tx) => {
    const [row] = await tx
      .delete(measurements)
      .where(
        and(
          eq(measurements.workspaceId, ws.id),
          eq(measurements.metricId, metric.id),
          eq(measurements.period, period),
        ),
      )
      .returning();
    if (!row) return false;
    await syncCurrentValue(tx, ws, metric, now);
    await recordChange(
      tx,
      {
        workspaceId: ws.id,
        entity: 'measurement',
        entityId: metric.id,
        action: 'delete',
        before: { metricName: metric.name, period, value: row.value },
      },
      now,
    );
    return true;
  });
  if (!done) throw new NotFoundError(`${metric.name} has no value for ${period}.`);
}

/** A metric's measurements, oldest first, optionally from/to a period (inclusive). */
export async function listMeasurements(
  db: Db,
  ws: Workspace,
  metricId: number,
  range: { from?: string; to?: string } = {},
): Promise<Measurement[]> {
  return db.orm
    .select()
    .from(measurements)
    .where(
      and(
        eq(measurements.workspaceId, ws.id),
        eq(measurements.metricId, metricId),
        range.from ? gte(measurements.period, range.from) : undefined,
        range.to ? lte(measurements.period, range.to) : undefined,
      ),
    )
    .orderBy(asc(measurements.period));
}

export type SeriesPoint = { period: string; value: number };

/** The last `n` measurements of each metric (oldest first), in one query: what tiles and sparklines need. */
export async function recentSeries(
  db: Db,
  ws: Workspace,
  metricIds: number[],
  n = 12,
): Promise<Map<number, SeriesPoint[]>> {
  const out = new Map<number, SeriesPoint[]>(metricIds.map((id) => [id, []]));
  if (!metricIds.length) return out;
  const ranked = db.orm.$with('ranked').as(
    db.orm
      .select({
        metricId: measurements.metricId,
        period: measurements.period,
        value: measurements.value,
        rn: sql<number>`row_number() over (partition by ${measurements.metricId} order by ${measurements.period} desc)`.as(
          'rn',
        ),
      })
      .from(measurements)
      .where(and(eq(measurements.workspaceId, ws.id), inArray(measurements.metricId, metricIds))),
  );
  const rows = await db.orm
    .with(ranked)
    .select({ metricId: ranked.metricId, period: ranked.period, value: ranked.value })
    .from(ranked)
    .where(lte(ranked.rn, n))
    .orderBy(asc(ranked.metricId), asc(ranked.period));
  for (const r of rows) out.get(r.metricId)?.push({ period: r.period, value: r.value });
  return out;
}

/** Every measurement of the given metrics, oldest first (correlation reads whole histories). */
export async function fullSeries(
  db: Db,
  ws: Workspace,
  metricIds: number[],
): Promise<Map<number, SeriesPoint[]>> {
  const out = new Map<number, SeriesPoint[]>(metricIds.map((id) => [id, []]));
  if (!metricIds.length) return out;
  const rows = await db.orm
    .select({ metricId: measurements.metricId, period: measurements.period, value: measurements.value })
    .from(measurements)
    .where(and(eq(measurements.workspaceId, ws.id), inArray(measurements.metricId, metricIds)))
    .orderBy(asc(measurements.metricId), asc(measurements.period));
  for (const r of rows) out.get(r.metricId)?.push({ period: r.period, value: r.value });
  return out;
}

/** The values of one period for the given metrics (the entry grid's current values). */
export async function valuesForPeriods(
  db: Db,
  ws: Workspace,
  periods: { metricId: number; period: string }[],
): Promise<Map<number, number>> {
  const out = new Map<number, number>();
  if (!periods.length) return out;
  const rows = await db.orm
    .select({ metricId: measurements.metricId, period: measurements.period, value: measurements.value })
    .from(measurements)
    .where(
      and(
        eq(measurements.workspaceId, ws.id),
        inArray(
          measurements.metricId,
          periods.map((p) => p.metricId),
        ),
        inArray(
          measurements.period,
          periods.map((p) => p.period),
        ),
      ),
    );
  for (const p of periods) {
    const row = rows.find((r) => r.metricId === p.metricId && r.period === p.period);
    if (row) out.set(p.metricId, row.value);
  }
  return out;
}
