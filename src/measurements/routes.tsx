import { Hono } from 'hono';
import { emptyForm, type FormState, formValues } from '../../views/components/form';
import { GridPage, type GridProps, periodField, valueField } from '../../views/measurements/grid';
import type { MemberWorkspace } from '../accounts/members';
import type { AppEnv, Deps } from '../env';
import { type FieldErrors, ValidationError } from '../errors';
import { readForm } from '../validation';
import { gridWeek, loadGrid } from './grid';
import { type MeasurementGroup, recordMeasurements } from './measurements';
import { periodOf } from './periods';

const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

/** "Saved 3 values; 1 unchanged." from the counts a save redirects with. */
export function gridNotice(saved: number, unchanged: number): string {
  if (saved === 0 && unchanged === 0) return 'Nothing to save: every value was left blank.';
  if (saved === 0)
    return `Nothing changed: ${unchanged === 1 ? 'the value was' : `the ${unchanged} values were`} already stored.`;
  return `Saved ${plural(saved, 'value')}${unchanged ? `; ${unchanged} unchanged` : ''}.`;
}

const count = (raw: string | undefined) => (raw && /^\d{1,6}$/.test(raw) ? Number(raw) : undefined);

export function measurementRoutes({ db }: Deps) {
  const app = new Hono<AppEnv>();

  async function gridProps(
    ws: MemberWorkspace,
    week: string,
    extra: { form?: FormState; notice?: GridProps['notice'] } = {},
  ): Promise<GridProps> {
    const now = Date.now();
    const rows = await loadGrid(db, ws, week, now);
    const values: Record<string, string> = {};
    for (const r of rows) if (r.stored !== undefined) values[valueField(r.metric.id)] = String(r.stored);
    return {
      ws,
      week,
      currentWeek: periodOf(now, 'week', ws.timeZone),
      rows,
      form: extra.form ?? emptyForm(values),
      notice: extra.notice,
    };
  }

  app.get('/w/:slug/measurements', async (c) => {
    const ws = c.get('workspace');
    const { week, error } = gridWeek(c.req.query('week'), Date.now(), ws.timeZone);
    if (error)
      return c.html(
        <GridPage {...(await gridProps(ws, week, { notice: { tone: 'warn', message: error } }))} />,
        422,
      );
    const saved = count(c.req.query('saved'));
    const same = count(c.req.query('same'));
    const notice =
      saved !== undefined || same !== undefined
        ? { tone: 'ok' as const, message: gridNotice(saved ?? 0, same ?? 0) }
        : undefined;
    return c.html(<GridPage {...(await gridProps(ws, week, { notice }))} />);
  });

  app.post('/w/:slug/measurements', async (c) => {
    const ws = c.get('workspace');
    const body = formValues(await readForm(c));
    const now = Date.now();
    const { week, error } = gridWeek(body.week, now, ws.timeZone);
    const rows = await loadGrid(db, ws, week, now);
    const errors: FieldErrors = {};
    if (error) errors._ = error;
    // A value typed for a metric archived since the page was loaded would otherwise vanish without a word.
    const active = new Set(rows.map((r) => valueField(r.metric.id)));
    if (Object.entries(body).some(([k, v]) => /^value_\d+$/.test(k) && v.trim() !== '' && !active.has(k)))
      errors._ =
        'A value was typed for a metric that is no longer active (archived meanwhile): reload the page.';
    // Blank leaves the metric as it is; the period is the one the page showed (a hidden field).
    const groups: MeasurementGroup[] = [];
    for (const r of rows) {
      const value = body[valueField(r.metric.id)] ?? '';
      if (value.trim() === '') continue;
      groups.push({
        metric: r.metric,
        items: [{ period: body[periodField(r.metric.id)] || r.period, value }],
      });
    }
    try {
      if (Object.keys(errors).length) throw new ValidationError(errors);
      const result = await recordMeasurements(db, ws, groups, 'manual', {
        keyOf: (g) => valueField(groups[g]?.metric.id ?? 0),
      });
      const q = new URLSearchParams();
      if (week !== periodOf(now, 'week', ws.timeZone)) q.set('week', week);
      q.set('saved', String(result.inserted + result.updated));
      q.set('same', String(result.unchanged));
      return c.redirect(`/w/${ws.slug}/measurements?${q}`, 303);
    } catch (e) {
      if (!(e instanceof ValidationError)) throw e;
      // Errors come keyed value_<id>.period|value: both belong beside the value input (the period is hidden),
      // and name the metric, since the summary above the table lists them without their rows.
      const names = new Map(rows.map((r) => [valueField(r.metric.id), r.metric.name]));
      const fields: FieldErrors = {};
      for (const [k, v] of Object.entries(e.fields)) {
        const key = k.replace(/\.(period|value)$/, '');
        const name = names.get(key);
        fields[key] = fields[key] ? `${fields[key]} ${v}` : name ? `${name}: ${v}` : v;
      }
      const form = { values: body, errors: fields };
      return c.html(<GridPage {...(await gridProps(ws, week, { form }))} />, 422);
    }
  });

  return app;
}
