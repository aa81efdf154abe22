import { Hono } from 'hono';
import { z } from 'zod';
import { emptyForm, type FormState, formValues } from '../../views/components/form';
import { MetricEditPage, MetricsPage, metricValues } from '../../views/metrics/page';
import { assertRole, requireRole } from '../accounts/auth';
import type { MemberWorkspace } from '../accounts/members';
import type { AppEnv, Deps } from '../env';
import { ConflictError, ValidationError } from '../errors';
import { recentSeries } from '../measurements/measurements';
import { idParam, parse, readForm } from '../validation';
import {
  archiveMetric,
  createMetric,
  deleteMetric,
  listMetrics,
  referenceCounts,
  requireMetric,
  restoreMetric,
  updateMetric,
} from './metrics';
import { MetricFields, MetricUpdate } from './schemas';

const InputMetricForm = z.object(MetricFields);

export function metricRoutes({ db }: Deps) {
  const app = new Hono<AppEnv>();

  const NOTICES: Record<string, string> = {
    added: 'Input metric added.',
    saved: 'Saved.',
    archived:
      'Archived: it keeps its hypotheses and learnings, no longer appears in pickers, and can be restored.',
    deleted: 'Deleted.',
    restored: 'Restored.',
  };

  // After a CSV import of values (src/imports) the count comes from the address: only a plain number is shown.
  const notice = (done = '', count = '') =>
    done === 'imported' && /^\d{1,7}$/.test(count)
      ? `Imported ${count} ${count === '1' ? 'value' : 'values'}.`
      : NOTICES[done];

  /** Whether a metric has values yet: its cadence is then fixed and its current value follows them. */
  const measured = async (ws: MemberWorkspace, id: number) =>
    ((await recentSeries(db, ws, [id], 1)).get(id)?.length ?? 0) > 0;

  /** The metrics page with everything it lists; the caller says what the add form holds and any banner. */
  async function metricsPage(
    ws: MemberWorkspace,
    extra: { form?: FormState; notice?: string; problem?: string } = {},
  ) {
    const [list, refs] = await Promise.all([
      listMetrics(db, ws, { includeArchived: true }),
      referenceCounts(db, ws),
    ]);
    const series = await recentSeries(
      db,
      ws,
      list.map((m) => m.id),
      1,
    );
    const latest = new Map([...series].flatMap(([id, p]) => (p[0] ? [[id, p[0]] as const] : [])));
    return (
      <MetricsPage
        ws={ws}
        metrics={list}
        refs={refs}
        latest={latest}
        form={emptyForm({ direction: 'up', cadence: 'week' })}
        {...extra}
      />
    );
  }

  app.get('/w/:slug/metrics', async (c) =>
    c.html(
      await metricsPage(c.get('workspace'), { notice: notice(c.req.query('done'), c.req.query('count')) }),
    ),
  );

  app.post('/w/:slug/metrics', async (c) => {
    const ws = c.get('workspace');
    const body = await readForm(c);
    try {
      const input = parse(InputMetricForm, body);
      await createMetric(db, ws, { ...input, kind: 'input' });
      return c.redirect(`/w/${ws.slug}/metrics?done=added`, 303);
    } catch (e) {
      if (!(e instanceof ValidationError)) throw e;
      return c.html(await metricsPage(ws, { form: { values: formValues(body), errors: e.fields } }), 422);
    }
  });

  // Viewers are refused the page (403) rather than shown a form whose POST would be refused.
  app.get('/w/:slug/metrics/:id/edit', requireRole('editor'), async (c) => {
    const ws = c.get('workspace');
    const metric = await requireMetric(db, ws, idParam(c.req.param('id')));
    // The North Star is the owners' (its own page edits it): this generic form must not be a way round.
    if (metric.kind === 'north_star') assertRole(ws, 'owner');
    return c.html(
      <MetricEditPage
        ws={ws}
        metric={metric}
        form={emptyForm(metricValues(metric))}
        measured={await measured(ws, metric.id)}
      />,
    );
  });

  app.post('/w/:slug/metrics/:id', async (c) => {
    const ws = c.get('workspace');
    const id = idParam(c.req.param('id'));
    const metric = await requireMetric(db, ws, id);
    if (metric.kind === 'north_star') assertRole(ws, 'owner');
    const body = await readForm(c);
    try {
      await updateMetric(db, ws, id, parse(MetricUpdate, body));
      return c.redirect(`/w/${ws.slug}/metrics?done=saved`, 303);
    } catch (e) {
      if (e instanceof ValidationError)
        return c.html(
          <MetricEditPage
            ws={ws}
            metric={metric}
            form={{ values: formValues(body), errors: e.fields }}
            measured={await measured(ws, id)}
          />,
          422,
        );
      if (e instanceof ConflictError && e.current) {
        const current = e.current as typeof metric;
        return c.html(
          <MetricEditPage
            ws={ws}
            metric={current}
            form={emptyForm(metricValues(current))}
            conflict={e.message}
            measured={await measured(ws, id)}
          />,
          409,
        );
      }
      throw e;
    }
  });

  app.post('/w/:slug/metrics/:id/archive', async (c) => {
    const ws = c.get('workspace');
    await archiveMetric(db, ws, idParam(c.req.param('id')));
    return c.redirect(`/w/${ws.slug}/metrics?done=archived`, 303);
  });

  app.post('/w/:slug/metrics/:id/delete', async (c) => {
    const ws = c.get('workspace');
    try {
      await deleteMetric(db, ws, idParam(c.req.param('id')));
      return c.redirect(`/w/${ws.slug}/metrics?done=deleted`, 303);
    } catch (e) {
      if (!(e instanceof ConflictError)) throw e;
      return c.html(await metricsPage(ws, { problem: e.message }), 409);
    }
  });

  app.post('/w/:slug/metrics/:id/restore', async (c) => {
    const ws = c.get('workspace');
    await restoreMetric(db, ws, idParam(c.req.param('id')));
    return c.redirect(`/w/${ws.slug}/metrics?done=restored`, 303);
  });

  return app;
}
