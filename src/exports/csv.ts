import { stringify } from 'csv-stringify/sync';
import type { Context } from 'hono';
import type { Workspace } from '../../db/schema';
import { periodOf } from '../measurements/periods';

// Writing CSV files people open in a spreadsheet: UTF-8 with a byte-order mark (without it Excel reads
// accents as Windows-1252 garbage), CRLF line ends, and no cell a spreadsheet would run as a formula.

export type Cell = string | number | null | undefined;
export type Table = { header: string[]; rows: Cell[][] };

/**
 * A text cell that starts like a formula (= + - @, or a tab or carriage return that some spreadsheets skip
 * before one) gets an apostrophe in front, which spreadsheets show as text and Lodestar's importer removes.
 * Numbers are left as numbers: a negative lift stays -3, not '-3.
 */
export function safeCell(value: Cell): string | number | null {
  if (value == null) return null;
  if (typeof value === 'number') return Number.isFinite(value) ? value : null;
  return /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
}

/** The table as CSV text, byte-order mark first. */
export function toCsv(table: Table): string {
  return stringify([table.header, ...table.rows.map((r) => r.map(safeCell))], {
    bom: true,
    record_delimiter: 'windows',
    // Given a record delimiter, csv-stringify quotes only cells holding that exact "\r\n": a cell with a bare
    // line break (a multi-line rationale) would otherwise split its row in two.
    quoted_match: /[\r\n]/,
  });
}

/** A date as the workspace's calendar shows it ("2026-11-22"); blank for none. */
export const dayOf = (ms: number | null | undefined, ws: Workspace): string =>
  ms == null ? '' : periodOf(ms, 'day', ws.timeZone);

/** The file's download: "<slug>-<kind>-2026-11-22.csv", dated today in the workspace's time zone. */
export function csvDownload(c: Context, ws: Workspace, kind: string, table: Table, now = Date.now()) {
  const filename = `${ws.slug}-${kind}-${dayOf(now, ws)}.csv`;
  return c.body(toCsv(table), 200, {
    'Content-Type': 'text/csv; charset=utf-8',
    'Content-Disposition': `attachment; filename="${filename}"`,
    // An export is the data as of now: a cached copy would be stale the moment something changes.
    'Cache-Control': 'no-store',
  });
}
