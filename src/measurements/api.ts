import { Hono } from 'hono';
import type { Metric } from '../../db/schema';
import { readJson } from '../api/json';
import type { AppEnv, Deps } from '../env';
import { type FieldErrors, ValidationError } from '../errors';
import { requireMetric } from '../metrics/metrics';
import { idParam } from '../validation';
import {
  listMeasurements,
  MEASUREMENTS_MAX_ITEMS,
  type MeasurementItem,
  recordMeasurements,
} from './measurements';
import { parsePeriod, periodHint } from './periods';

// Pushing values from an analytics pipeline (token-authenticated; the API's guard keeps viewers to GET), and
// reading them back. Mounted inside src/api/routes.ts, so paths start at /workspaces/:slug.

/** Why a JSON value cannot be a measurement's value (numbers, and numbers as text, can). */
function valueShape(v: unknown): string | undefined {
  if (v === undefined || v === null) return 'The value is missing: add "value", e.g. 0.43.';
  if (typeof v !== 'number' && typeof v !== 'string') return 'The value must be a number, e.g. 0.43.';
  return undefined;
}

/**
 * The body as items, with the error keys the caller will recognise: `period`/`value` for the single form,
 * `items.<i>.period|value` for the list. Shapes are checked here; periods and values by recordMeasurements.
 */
export function bodyItems(body: Record<string, unknown>): { items: MeasurementItem[]; single: boolean } {
  const hasItems = 'items' in body;
  const hasSingle = 'period' in body || 'value' in body;
  if (hasItems && hasSingle)
    throw new ValidationError(
      { items: 'Send either one {"period", "value"} or {"items": [...]}, not both.' },
      'Send either one value or a list of items, not both.',
    );
  if (!hasItems) {
    const errors: FieldErrors = {};
    if (body.period === undefined) errors.period = 'The period is missing: add "period", e.g. "2026-W47".';
    else if (typeof body.period !== 'string') errors.period = 'The period must be a string, e.g. "2026-W47".';
    const value = valueShape(body.value);
    if (value) errors.value = value;
    if (Object.keys(errors).length)
      throw new ValidationError(errors, 'Send {"period", "value"} or {"items": [{"period", "value"}, …]}.');
    return { items: [{ period: body.period as string, value: body.value }], single: true };
  }
  const list = body.items;
  if (!Array.isArray(list))
    throw new ValidationError({ items: '"items" must be a list of {"period", "value"} objects.' });
  if (list.length === 0) throw new ValidationError({ items: '"items" is empty: send at least one value.' });
  if (list.length > MEASUREMENTS_MAX_ITEMS)
    throw new ValidationError(
      {
        items: `At most ${MEASUREMENTS_MAX_ITEMS} values at once (${list.length} given): send them in parts.`,
      },
      `At most ${MEASUREMENTS_MAX_ITEMS} values at once.`,
    );
  const errors: FieldErrors = {};
  const items = list.map((x, i): MeasurementItem => {
    if (x === null || typeof x !== 'object' || Array.isArray(x)) {
      errors[`items.${i}`] = 'Each item is an object {"period", "value"}.';
      return { period: '', value: undefined };
    }
    const item = x as Record<string, unknown>;
    if (typeof item.period !== 'string')
      errors[`items.${i}.period`] =
        item.period === undefined
          ? 'The period is missing: add "period", e.g. "2026-W47".'
          : 'The period must be a string, e.g. "2026-W47".';
    const value = valueShape(item.value);
    if (value) errors[`items.${i}.value`] = value;
    return { period: typeof item.period === 'string' ? item.period : '', value: item.value };
  });
  if (Object.keys(errors).length)
    throw new ValidationError(errors, 'Some items need attention; nothing was saved.');
  return { items, single: false };
}

/** A refused single value reports on `period`/`value`, as it was sent, rather than on `items.0.…`. */
function singleFields(e: ValidationError): ValidationError {
  const fields: FieldErrors = {};
  for (const [k, v] of Object.entries(e.fields)) fields[k.replace(/^items\.0\./, '')] = v;
  return new ValidationError(fields, e.message);
}

/** A `from`/`to` query parameter in the metric's cadence (a weekly metric also takes a date in the week). */
function rangeParam(raw: string | undefined, name: 'from' | 'to', metric: Metric, errors: FieldErrors) {
  if (raw === undefined || raw === '') return undefined;
  const p = parsePeriod(raw, metric.cadence);
  if ('error' in p) {
    errors[name] = `${name}: ${p.error}`;
    return undefined;
  }
  return p.period;
}

export function measurementApiRoutes({ db }: Deps) {
  const app = new Hono<AppEnv>();

  app.get('/workspaces/:slug/metrics/:id/measurements', async (c) => {
    const ws = c.get('workspace');
    const metric = await requireMetric(db, ws, idParam(c.req.param('id')));
    const errors: FieldErrors = {};
    const from = rangeParam(c.req.query('from'), 'from', metric, errors);
    const to = rangeParam(c.req.query('to'), 'to', metric, errors);
    if (from && to && from > to) errors.to = `to (${to}) is before from (${from}).`;
    if (Object.keys(errors).length)
      throw new ValidationError(errors, `from and to are periods: ${periodHint(metric.cadence)}.`);
    const rows = await listMeasurements(db, ws, metric.id, { from, to });
    return c.json({
      metric: {
        id: metric.id,
        name: metric.name,
        cadence: metric.cadence,
        unit: metric.unit,
        direction: metric.direction,
      },
      items: rows.map((r) => ({
        period: r.period,
        value: r.value,
        source: r.source,
        updatedAt: r.updatedAt,
      })),
    });
  });

  app.post('/workspaces/:slug/metrics/:id/measurements', async (c) => {
    const ws = c.get('workspace');
    // An unknown metric is a 404 whatever the body holds.
    const metric = await requireMetric(db, ws, idParam(c.req.param('id')));
    const { items, single } = bodyItems(await readJson(c));
    try {
      const result = await recordMeasurements(db, ws, [{ metric, items }], 'api', {
        keyOf: (_g, i) => `items.${i}`,
      });
      return c.json({ metricId: metric.id, ...result });
    } catch (e) {
      if (single && e instanceof ValidationError) throw singleFields(e);
      throw e;
    }
  });

  return app;
}
