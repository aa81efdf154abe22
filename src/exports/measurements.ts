import { and, asc, eq, sql } from 'drizzle-orm';
import type { Db } from '../../db/client';
import { measurements, metrics, type Workspace } from '../../db/schema';
import type { Cell, Table } from './csv';

/** "2026-11-22T14:03:00Z": when a value was last set, unambiguous in any spreadsheet's locale. */
const instant = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');

/**
 * Every value of every metric (the North Star first, then the inputs as the metrics page lists them), oldest
 * period first: the long layout the importer reads, so the file imports back as it is. Cadence, Source and
 * Updated are for reading; the importer skips them.
 */
export async function measurementsTable(db: Db, ws: Workspace): Promise<Table> {
  const rows = await db.orm
    .select({
      metric: metrics.name,
      cadence: metrics.cadence,
      period: measurements.period,
      value: measurements.value,
      source: measurements.source,
      updatedAt: measurements.updatedAt,
    })
    .from(measurements)
    .innerJoin(metrics, eq(metrics.id, measurements.metricId))
    .where(and(eq(measurements.workspaceId, ws.id), eq(metrics.workspaceId, ws.id)))
    .orderBy(sql`${metrics.kind} = 'north_star' desc`, asc(metrics.id), asc(measurements.period));
  return {
    header: ['Metric', 'Cadence', 'Period', 'Value', 'Source', 'Updated'],
    rows: rows.map((r): Cell[] => [r.metric, r.cadence, r.period, r.value, r.source, instant(r.updatedAt)]),
  };
}
