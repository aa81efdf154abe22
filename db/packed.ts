import type { InArgs, Row } from '@libsql/client';
import { Column, type GetColumnData, getTableName, is, type SQL, sql } from 'drizzle-orm';
import type { Db } from './client';

// Hot reads (the ranked backlog, its scores and levers) select each row as ONE cell, a JSON array, instead of
// one cell per column. @libsql/client builds every cell with two Object.defineProperty calls and a BigInt
// round trip: reading 50 ranked rows of 18 columns cost more (~1.5 ms) than finding them in the index, and
// JSON.parse of one string per row is native-speed. The values read are exactly drizzle's:
// - REAL values are written with 17 significant digits (printf '%!.17g'), which parse back to the identical
//   double; SQLite's own JSON keeps only 15 (0.1 + 0.2 would come back as 0.3), so reals never go through it.
// - every column goes through the column's own mapFromDriverValue (JSON-mode text is parsed, and so on).
// - NULL stays null, integers and text are JSON numbers and strings.

/**
 * A raw SQL expression (no parameters) to pack, typed: `real` if its value may be a REAL (a sum, a mean),
 * `json` if it is JSON text (json_group_array…), which is read back as the value it encodes.
 */
export type PackedExpr<T> = { expr: string; real: boolean; json: boolean; _type?: T };

export function packedExpr<T>(expr: string, opts: { real?: boolean; json?: boolean } = {}): PackedExpr<T> {
  return { expr, real: opts.real ?? false, json: opts.json ?? false };
}

type Field = Column | PackedExpr<unknown>;
type Out<F> = F extends Column ? GetColumnData<F> : F extends PackedExpr<infer T> ? T : never;
export type PackedRow<T extends Record<string, Field>> = { [K in keyof T]: Out<T[K]> };

const allDigits = (e: string) => `case typeof(${e}) when 'real' then printf('%!.17g', ${e}) else ${e} end`;

/**
 * One JSON-array cell holding the given fields, and its reader. The cell's SQL is rendered once (columns
 * qualified by their table's name, so the tables must not be aliased in the query that selects it).
 */
export function packRows<T extends Record<string, Field>>(fields: T) {
  const keys = Object.keys(fields) as (keyof T & string)[];
  const parts: string[] = [];
  const readers: ((v: unknown) => unknown)[] = [];
  for (const key of keys) {
    const f = fields[key] as Field;
    if (is(f, Column)) {
      const type = f.getSQLType();
      if (type === 'blob') throw new Error(`packRows: ${key} is a blob, which JSON cannot carry`);
      const ref = `"${getTableName(f.table)}"."${f.name}"`;
      const real = type === 'real';
      parts.push(real ? allDigits(ref) : ref);
      readers.push(
        real
          ? (v) => f.mapFromDriverValue(typeof v === 'string' ? Number(v) : v)
          : (v) => f.mapFromDriverValue(v),
      );
    } else {
      const { expr, real, json } = f as PackedExpr<unknown>;
      // json(): JSON text is embedded as a value, not as a string; should SQLite hand it over as a string
      // anyway (a value loses its JSON subtype through some subqueries), the reader parses it.
      parts.push(real ? allDigits(`(${expr})`) : json ? `json((${expr}))` : `(${expr})`);
      readers.push(
        real
          ? (v) => (typeof v === 'string' ? Number(v) : v)
          : json
            ? (v) => (typeof v === 'string' ? JSON.parse(v) : v)
            : (v) => v,
      );
    }
  }
  return {
    /** The packed cell, to select: `db.orm.select({ row: packed.cell })`. */
    cell: sql.raw(`json_array(${parts.join(', ')})`) as SQL<string>,
    /** The row as drizzle would have returned it, keys in the order given. */
    read(json: string): PackedRow<T> {
      const values = JSON.parse(json) as unknown[];
      const row: Record<string, unknown> = {};
      for (let i = 0; i < keys.length; i++) {
        const v = values[i];
        row[keys[i] as string] =
          v === null || v === undefined ? null : (readers[i] as (v: unknown) => unknown)(v);
      }
      return row as PackedRow<T>;
    },
  };
}

/**
 * Runs a query built with drizzle straight through the client: its rows as positional cells, without
 * drizzle's per-row mapping (for selects of packed cells, which need none).
 */
export async function rowsOf(db: Db, query: { toSQL(): { sql: string; params: unknown[] } }): Promise<Row[]> {
  const { sql: text, params } = query.toSQL();
  return (await db.client.execute({ sql: text, args: params as InArgs })).rows;
}

// Built SQL by key, for rowsOfKeyed: drizzle's builder costs a good part of a millisecond for the backlog's
// ranked query, the same text for every member looking at the same view.
const built = new Map<string, { sql: string; params: unknown[] }>();
const MAX_BUILT = 500;

/**
 * rowsOf for a query whose SQL and parameters are entirely determined by `key` (every value the query is
 * built from must be in it): the query is built and rendered to SQL once per key, then only executed.
 */
export async function rowsOfKeyed(
  db: Db,
  key: string,
  build: () => { toSQL(): { sql: string; params: unknown[] } },
): Promise<Row[]> {
  let query = built.get(key);
  if (!query) {
    query = build().toSQL();
    built.set(key, query);
    if (built.size > MAX_BUILT) {
      const oldest = built.keys().next().value;
      if (oldest !== undefined) built.delete(oldest);
    }
  }
  return (await db.client.execute({ sql: query.sql, args: query.params as InArgs })).rows;
}
