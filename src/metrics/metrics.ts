import { and, asc, desc, eq, getTableColumns, inArray, isNull, sql } from 'drizzle-orm';
import type { Db, Tx } from '../../db/client';
import { packRows } from '../../db/packed';
import {
  type Checklist,
  hypotheses,
  type Metric,
  measurements,
  metrics,
  type Workspace,
} from '../../db/schema';
import { recordChange, recordUpdate, snapshot } from '../audit/audit';
import { ConflictError, NotFoundError, ValidationError } from '../errors';
import { emptyChecklist } from './north-star';
import type { MetricInput, MetricUpdate } from './schemas';

export async function listMetrics(
  db: Db,
  ws: Workspace,
  opts: { includeArchived?: boolean } = {},
): Promise<Metric[]> {
  return db.orm
    .select()
    .from(metrics)
    .where(and(eq(metrics.workspaceId, ws.id), opts.includeArchived ? undefined : isNull(metrics.archivedAt)))
    .orderBy(desc(sql`${metrics.kind} = 'north_star'`), asc(metrics.archivedAt), asc(metrics.id));
}

// Every column of a metric, packed into one cell (db/packed.ts): the backlog reads the inputs on every render.
const METRIC_ROW = packRows(getTableColumns(metrics));

export async function activeInputs(db: Db, ws: Workspace): Promise<Metric[]> {
  const rows = await db.orm
    .select({ row: METRIC_ROW.cell })
    .from(metrics)
    .where(and(eq(metrics.workspaceId, ws.id), eq(metrics.kind, 'input'), isNull(metrics.archivedAt)))
    .orderBy(asc(metrics.id));
  return rows.map((r) => METRIC_ROW.read(r.row));
}

export async function getNorthStar(db: Db, ws: Workspace): Promise<Metric | undefined> {
  return db.orm.query.metrics.findFirst({
    where: and(eq(metrics.workspaceId, ws.id), eq(metrics.kind, 'north_star')),
  });
}

export async function getMetric(db: Db, ws: Workspace, id: number): Promise<Metric | undefined> {
  return db.orm.query.metrics.findFirst({ where: and(eq(metrics.workspaceId, ws.id), eq(metrics.id, id)) });
}

export async function requireMetric(db: Db, ws: Workspace, id: number): Promise<Metric> {
  const m = await getMetric(db, ws, id);
  if (!m) throw new NotFoundError(`No metric #${id} in this workspace.`);
  return m;
}

/** Two metrics with one name cannot be told apart in the pickers: refuse the second (any case). */
async function checkNameFree(tx: Tx, ws: Workspace, name: string, exceptId?: number) {
  const [twin] = await tx
    .select({ id: metrics.id, archivedAt: metrics.archivedAt })
    .from(metrics)
    .where(and(eq(metrics.workspaceId, ws.id), sql`lower(${metrics.name}) = lower(${name})`));
  if (twin && twin.id !== exceptId)
    throw new ValidationError({
      name:
        twin.archivedAt == null
          ? `A metric named "${name}" already exists.`
          : `An archived metric is named "${name}": restore it instead, or choose another name.`,
    });
}

async function hasMeasurements(tx: Tx, ws: Workspace, metric: Metric): Promise<boolean> {
  const [one] = await tx
    .select({ id: measurements.id })
    .from(measurements)
    .where(and(eq(measurements.workspaceId, ws.id), eq(measurements.metricId, metric.id)))
    .limit(1);
  return one !== undefined;
}

/** Measurements are stored per period of the cadence: changing it would leave them in the wrong kind of period. */
function cadenceFixed(metric: Metric) {
  return new ValidationError({
    cadence: `${metric.name} already has values by ${metric.cadence}: its cadence cannot change. Create a new metric for the other cadence.`,
  });
}

export async function createMetric(
  db: Db,
  ws: Workspace,
  input: MetricInput & { checklist?: Checklist },
  now = Date.now(),
): Promise<Metric> {
  return db.write(async (tx) => {
    if (input.kind === 'north_star') {
      const [existing] = await tx
        .select({ id: metrics.id, name: metrics.name })
        .from(metrics)
        .where(and(eq(metrics.workspaceId, ws.id), eq(metrics.kind, 'north_star')));
      if (existing)
        throw new ConflictError(
          `This workspace already has its North Star ("${existing.name}"); a workspace has exactly one. Edit it instead.`,
          'conflict',
        );
    }
    await checkNameFree(tx, ws, input.name);
    const [row] = await tx
      .insert(metrics)
      .values({
        workspaceId: ws.id,
        kind: input.kind,
        name: input.name,
        description: input.description,
        unit: input.unit,
        direction: input.direction,
        cadence: input.cadence ?? 'week',
        owner: input.owner,
        currentValue: input.currentValue ?? null,
        target: input.target ?? null,
        checklist: input.kind === 'north_star' ? (input.checklist ?? emptyChecklist()) : null,
        createdAt: now,
        updatedAt: now,
      })
      .returning();
    if (!row) throw new Error('insert returned no row');
    await recordChange(
      tx,
      { workspaceId: ws.id, entity: 'metric', entityId: row.id, action: 'create', after: snapshot(row) },
      now,
    );
    return row;
  });
}

function stale(current: Metric) {
  return new ConflictError(
    `Someone else saved "${current.name}" first; the current values are shown. Apply your change again if needed.`,
    'stale_version',
    current,
  );
}

export async function updateMetric(
  db: Db,
  ws: Workspace,
  id: number,
  input: MetricUpdate & { checklist?: Checklist },
  now = Date.now(),
): Promise<Metric> {
  const outcome = await db.write(async (tx) => {
    const [current] = await tx
      .select()
      .from(metrics)
      .where(and(eq(metrics.workspaceId, ws.id), eq(metrics.id, id)));
    if (!current) return 'missing';
    if (current.version !== input.version) return 'stale';
    await checkNameFree(tx, ws, input.name, id);
    const cadence = input.cadence ?? current.cadence;
    const measured = await hasMeasurements(tx, ws, current);
    if (cadence !== current.cadence && measured) throw cadenceFixed(current);
    const [updated] = await tx
      .update(metrics)
      .set({
        name: input.name,
        description: input.description,
        unit: input.unit,
        direction: input.direction,
        cadence,
        owner: input.owner,
        // Once a metric has measurements its current value is its latest period's (src/measurements): a form
        // opened before the last value arrived must not write its older number back.
        currentValue: measured ? current.currentValue : (input.currentValue ?? null),
        target: input.target ?? null,
        ...(input.checklist && current.kind === 'north_star' ? { checklist: input.checklist } : {}),
        version: current.version + 1,
        updatedAt: now,
      })
      .where(and(eq(metrics.id, id), eq(metrics.version, current.version)))
      .returning();
    if (!updated) throw new Error('metric vanished inside its own transaction');
    // The North Star checklist is part of the row, so its answers are recorded with the other fields.
    await recordUpdate(
      tx,
      { workspaceId: ws.id, entity: 'metric', entityId: id, action: 'update' },
      current,
      updated,
      now,
    );
    return 'ok';
  });
  if (outcome === 'missing') throw new NotFoundError(`No metric #${id} in this workspace.`);
  const fresh = await requireMetric(db, ws, id);
  if (outcome === 'stale') throw stale(fresh);
  return fresh;
}

/** Archives (a time) or restores (null) a metric row already read in this transaction, and records it. */
async function setArchivedAt(tx: Tx, current: Metric, archivedAt: number | null, now: number): Promise<void> {
  await tx
    .update(metrics)
    .set({ archivedAt, version: current.version + 1, updatedAt: now })
    .where(eq(metrics.id, current.id));
  await recordChange(
    tx,
    {
      workspaceId: current.workspaceId,
      entity: 'metric',
      entityId: current.id,
      action: archivedAt == null ? 'restore' : 'archive',
      before: { name: current.name, archivedAt: current.archivedAt },
      after: { name: current.name, archivedAt },
    },
    now,
  );
}

/**
 * Archives an input metric: it keeps its hypotheses and learnings, drops out of pickers, and can be
 * restored. The North Star is never archived: a workspace always has one.
 */
export async function archiveMetric(db: Db, ws: Workspace, id: number, now = Date.now()): Promise<Metric> {
  const outcome = await db.write(async (tx) => {
    const [current] = await tx
      .select()
      .from(metrics)
      .where(and(eq(metrics.workspaceId, ws.id), eq(metrics.id, id)));
    if (!current) return 'missing' as const;
    if (current.kind === 'north_star') return 'north_star' as const;
    if (current.archivedAt == null) await setArchivedAt(tx, current, now, now);
    return 'ok' as const;
  });
  if (outcome === 'missing') throw new NotFoundError(`No metric #${id} in this workspace.`);
  if (outcome === 'north_star')
    throw new ConflictError(
      'The North Star cannot be archived: a workspace always has exactly one.',
      'conflict',
    );
  return requireMetric(db, ws, id);
}

/**
 * How many hypotheses and learnings refer to the metric row being selected. Named by table on purpose:
 * drizzle leaves a one-table select's columns unqualified, and "id" would bind inside the subqueries.
 */
const references = sql<number>`(select count(*) from hypotheses h where h.metric_id = metrics.id) + (select count(*) from learnings l where l.metric_id = metrics.id)`;

/** How many hypotheses and learnings refer to each metric: a metric nothing refers to may be deleted. */
export async function referenceCounts(db: Db, ws: Workspace): Promise<Map<number, number>> {
  const rows = await db.orm
    .select({ id: metrics.id, n: references })
    .from(metrics)
    .where(eq(metrics.workspaceId, ws.id));
  return new Map(rows.map((r) => [r.id, Number(r.n)]));
}

/** Deletes an archived input metric that nothing refers to (a mistake, a typo); anything else is a 409. */
export async function deleteMetric(db: Db, ws: Workspace, id: number, now = Date.now()): Promise<void> {
  const outcome = await db.write(async (tx) => {
    const [found] = await tx
      .select({ row: metrics, refs: references })
      .from(metrics)
      .where(and(eq(metrics.workspaceId, ws.id), eq(metrics.id, id)));
    if (!found) return 'missing' as const;
    const current = found.row;
    if (current.kind === 'north_star' || current.archivedAt == null) return 'active' as const;
    if (Number(found.refs) > 0) return 'used' as const;
    await tx.delete(metrics).where(eq(metrics.id, id));
    // The trail keeps what was deleted: the record is the only place its name survives.
    await recordChange(
      tx,
      { workspaceId: ws.id, entity: 'metric', entityId: id, action: 'delete', before: snapshot(current) },
      now,
    );
    return 'deleted' as const;
  });
  if (outcome === 'missing') throw new NotFoundError(`No metric #${id} in this workspace.`);
  if (outcome === 'active') throw new ConflictError('Archive the metric before deleting it.', 'conflict');
  if (outcome === 'used')
    throw new ConflictError(
      'Hypotheses or learnings refer to this metric, so it stays archived to keep their history.',
      'conflict',
    );
}

export async function restoreMetric(db: Db, ws: Workspace, id: number, now = Date.now()): Promise<Metric> {
  const found = await db.write(async (tx) => {
    const [current] = await tx
      .select()
      .from(metrics)
      .where(and(eq(metrics.workspaceId, ws.id), eq(metrics.id, id)));
    if (!current) return false;
    if (current.archivedAt != null) await setArchivedAt(tx, current, null, now);
    return true;
  });
  if (!found) throw new NotFoundError(`No metric #${id} in this workspace.`);
  return requireMetric(db, ws, id);
}

export type MetricCounts = { backlog: number; running: number; won: number; lost: number; total: number };

/** Per input metric: how many hypotheses are in the backlog, running, won and lost. */
export async function countsByMetric(
  db: Db,
  ws: Workspace,
  metricIds: number[],
): Promise<Map<number, MetricCounts>> {
  const out = new Map<number, MetricCounts>();
  for (const id of metricIds) out.set(id, { backlog: 0, running: 0, won: 0, lost: 0, total: 0 });
  if (metricIds.length === 0) return out;
  const rows = await db.orm
    .select({
      metricId: hypotheses.metricId,
      backlog: sql<number>`sum(${hypotheses.status} = 'backlog')`,
      running: sql<number>`sum(${hypotheses.status} = 'running')`,
      won: sql<number>`sum(${hypotheses.result} = 'won')`,
      lost: sql<number>`sum(${hypotheses.result} = 'lost')`,
      total: sql<number>`count(*)`,
    })
    .from(hypotheses)
    .where(and(eq(hypotheses.workspaceId, ws.id), inArray(hypotheses.metricId, metricIds)))
    .groupBy(hypotheses.metricId);
  for (const r of rows)
    out.set(r.metricId, {
      backlog: Number(r.backlog ?? 0),
      running: Number(r.running ?? 0),
      won: Number(r.won ?? 0),
      lost: Number(r.lost ?? 0),
      total: Number(r.total),
    });
  return out;
}
