import type { Context } from 'hono';
import { Hono } from 'hono';
import type { Metric } from '../../db/schema';
import { emptyForm, type FormState, formValues } from '../../views/components/form';
import { exactValue } from '../../views/measurements/values';
import {
  MetricBody,
  MetricDetailPage,
  type MetricDetailProps,
  type Notice,
} from '../../views/metrics/detail';
import type { MemberWorkspace } from '../accounts/members';
import type { AppEnv, Deps } from '../env';
import { type FieldErrors, NotFoundError, ValidationError } from '../errors';
import { isHtmx, respond } from '../htmx';
import { experimentsForMetric } from '../measurements/annotations';
import {
  deleteMeasurement,
  listMeasurements,
  recordMeasurements,
  valuesForPeriods,
} from '../measurements/measurements';
import { parsePeriod, periodLabel, periodOf } from '../measurements/periods';
import { SPARK_PERIODS, tileOf } from '../measurements/tiles';
import { idParam, readForm } from '../validation';
import { requireMetric } from './metrics';

/** How many of the newest values the metric page lists before "Show all" (a year of weeks, and a bit). */
export const VALUES_SHOWN = 60;

/** A number from a query string (the "was" of a notice), or undefined. */
const queryNumber = (raw: string | undefined) => {
  if (raw === undefined || !/^-?\d+(\.\d+)?(e[-+]?\d+)?$/i.test(raw)) return undefined;
  const n = Number(raw);
  return Number.isFinite(n) ? n : undefined;
};

/** "Saved 0.43 for Week 47 · 16–22 Nov 2026 (was 0.41)." and its variants. */
export function savedNotice(metric: Metric, period: string, value: number, was: number | undefined): string {
  const label = periodLabel(period, metric.cadence);
  if (was === value) return `${label} already had ${exactValue(value)}: nothing changed.`;
  return `Saved ${exactValue(value)} for ${label}${was === undefined ? '' : ` (was ${exactValue(was)})`}.`;
}

/** The single form's errors, keyed as its fields are named (recordMeasurements keys them `item.…`). */
function formFields(e: ValidationError): FieldErrors {
  const out: FieldErrors = {};
  for (const [k, v] of Object.entries(e.fields)) out[k.replace(/^item\./, '')] = v;
  return out;
}

export function metricDetailRoutes({ db, origin }: Deps) {
  const app = new Hono<AppEnv>();

  async function detailProps(
    c: Context<AppEnv>,
    ws: MemberWorkspace,
    metric: Metric,
    extra: { form?: FormState; notice?: Notice } = {},
  ): Promise<MetricDetailProps> {
    const [series, experiments] = await Promise.all([
      listMeasurements(db, ws, metric.id),
      experimentsForMetric(db, ws, metric.id),
    ]);
    const currentPeriod = periodOf(Date.now(), metric.cadence, ws.timeZone);
    const base = origin ?? new URL(c.req.url).origin;
    return {
      ws,
      metric,
      tile: tileOf(
        metric,
        series.slice(-SPARK_PERIODS).map((r) => ({ period: r.period, value: r.value })),
      ),
      series,
      shown: c.req.query('all') === '1' ? series.length : VALUES_SHOWN,
      experiments,
      form: extra.form ?? emptyForm({ period: currentPeriod, value: '' }),
      currentPeriod,
      apiUrl: `${base}/api/v1/workspaces/${ws.slug}/metrics/${metric.id}/measurements`,
      notice: extra.notice,
    };
  }

  const answer = (c: Context<AppEnv>, props: MetricDetailProps, status: 200 | 422 = 200) =>
    respond(
      c,
      { page: () => <MetricDetailPage {...props} />, fragment: () => <MetricBody {...props} /> },
      status,
    );

  app.get('/w/:slug/metrics/:id', async (c) => {
    const ws = c.get('workspace');
    const metric = await requireMetric(db, ws, idParam(c.req.param('id')));
    const props = await detailProps(c, ws, metric);
    // The notice after a save or delete is rebuilt from the stored data, so a crafted link cannot make the
    // page claim a value it does not hold (only the "was" comes from the address).
    const saved = c.req.query('saved');
    const deleted = c.req.query('deleted');
    const was = queryNumber(c.req.query('was'));
    const stored = saved ? props.series.find((r) => r.period === saved) : undefined;
    if (stored)
      props.notice = {
        tone: 'ok',
        message: savedNotice(
          metric,
          stored.period,
          stored.value,
          c.req.query('same') === '1' ? stored.value : was,
        ),
      };
    else if (deleted && !('error' in parsePeriod(deleted, metric.cadence)))
      props.notice = {
        tone: 'ok',
        message: `Deleted the value for ${periodLabel(deleted, metric.cadence)}${was === undefined ? '' : ` (was ${exactValue(was)})`}.`,
        focus: true,
      };
    return answer(c, props);
  });

  app.post('/w/:slug/metrics/:id/measurements', async (c) => {
    const ws = c.get('workspace');
    const metric = await requireMetric(db, ws, idParam(c.req.param('id')));
    const body = formValues(await readForm(c));
    const item = { period: body.period ?? '', value: body.value ?? '' };
    try {
      // What the period held before, for the notice ("(was 0.41)"); read outside the write, a notice only.
      const parsed = parsePeriod(item.period, metric.cadence);
      const before =
        'period' in parsed
          ? (await valuesForPeriods(db, ws, [{ metricId: metric.id, period: parsed.period }])).get(metric.id)
          : undefined;
      const result = await recordMeasurements(db, ws, [{ metric, items: [item] }], 'manual', {
        keyOf: () => 'item',
      });
      // recordMeasurements accepted the period, so it parsed.
      const period = 'period' in parsed ? parsed.period : item.period;
      const fresh = await requireMetric(db, ws, metric.id);
      const stored = (await valuesForPeriods(db, ws, [{ metricId: metric.id, period }])).get(metric.id);
      if (stored === undefined) throw new Error('a saved value is missing');
      if (!isHtmx(c)) {
        const q = new URLSearchParams({ saved: period });
        if (result.unchanged) q.set('same', '1');
        else if (before !== undefined) q.set('was', String(before));
        return c.redirect(`/w/${ws.slug}/metrics/${metric.id}?${q}`, 303);
      }
      const notice = { tone: 'ok' as const, message: savedNotice(fresh, period, stored, before) };
      return answer(c, await detailProps(c, ws, fresh, { notice }));
    } catch (e) {
      if (!(e instanceof ValidationError)) throw e;
      const form = { values: body, errors: formFields(e) };
      return answer(c, await detailProps(c, ws, metric, { form }), 422);
    }
  });

  app.post('/w/:slug/metrics/:id/measurements/:period/delete', async (c) => {
    const ws = c.get('workspace');
    const metric = await requireMetric(db, ws, idParam(c.req.param('id')));
    const period = c.req.param('period');
    const before = (await valuesForPeriods(db, ws, [{ metricId: metric.id, period }])).get(metric.id);
    if (before === undefined)
      throw new NotFoundError(`${metric.name} has no value for ${period}: it may have been deleted already.`);
    await deleteMeasurement(db, ws, metric, period);
    if (!isHtmx(c)) {
      const q = new URLSearchParams({ deleted: period, was: String(before) });
      return c.redirect(`/w/${ws.slug}/metrics/${metric.id}?${q}`, 303);
    }
    const fresh = await requireMetric(db, ws, metric.id);
    const notice = {
      tone: 'ok' as const,
      message: `Deleted the value for ${periodLabel(period, metric.cadence)} (was ${exactValue(before)}).`,
      focus: true,
    };
    return answer(c, await detailProps(c, ws, fresh, { notice }));
  });

  return app;
}
