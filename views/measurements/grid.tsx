import type { MemberWorkspace } from '../../src/accounts/members';
import { addWeeks, weekLabel } from '../../src/batches/weeks';
import type { GridRow } from '../../src/measurements/grid';
import { periodLabel, shortPeriodLabel } from '../../src/measurements/periods';
import { canEdit, isOwner, ReadOnlyNote } from '../components/access';
import { Banner } from '../components/badges';
import { ErrorSummary, type FormState } from '../components/form';
import { Layout } from '../layout';
import { exactValue } from './values';

// The quick grid: this week's value for every active metric on one form (viewers get the same table without
// inputs). Tab goes from one value to the next; Enter saves them all.

export type GridProps = {
  ws: MemberWorkspace;
  week: string;
  /** This week in the workspace's time zone (the "next week" link stops there). */
  currentWeek: string;
  rows: GridRow[];
  form: FormState;
  notice?: { tone: 'ok' | 'warn' | 'error'; message: string };
};

export const valueField = (metricId: number) => `value_${metricId}`;
export const periodField = (metricId: number) => `period_${metricId}`;

const withUnit = (v: number | undefined, unit: string) =>
  v === undefined ? '—' : `${exactValue(v)}${unit ? ` ${unit}` : ''}`;

function WeekNav(props: { ws: MemberWorkspace; week: string; currentWeek: string }) {
  const { week, currentWeek } = props;
  const url = (w: string) => `/w/${props.ws.slug}/measurements${w === currentWeek ? '' : `?week=${w}`}`;
  const prev = addWeeks(week, -1);
  const next = addWeeks(week, 1);
  return (
    <nav class="week-nav" aria-label="Weeks">
      <a href={url(prev)} rel="prev">
        ← {weekLabel(prev).split(' · ')[0]}
      </a>
      {week !== currentWeek ? <a href={url(currentWeek)}>This week</a> : <span class="muted">This week</span>}
      {week < currentWeek ? (
        <a href={url(next)} rel="next">
          {weekLabel(next).split(' · ')[0]} →
        </a>
      ) : null}
    </nav>
  );
}

function ValueCell(props: { row: GridRow; form: FormState; first: boolean }) {
  const { row, form } = props;
  const m = row.metric;
  const name = valueField(m.id);
  const id = `f-${name}`;
  const error = form.errors[name];
  return (
    <td class={`grid-value ${error ? 'has-error' : ''}`}>
      <label class="sr-only" for={id}>
        {m.name}, {periodLabel(row.period, m.cadence)}
        {m.unit ? ` (${m.unit})` : ''}
      </label>
      <input type="hidden" name={periodField(m.id)} value={row.period} />
      <input
        id={id}
        name={name}
        type="text"
        inputmode="decimal"
        autocomplete="off"
        maxlength={40}
        value={form.values[name] ?? ''}
        placeholder={row.previous === undefined ? '' : exactValue(row.previous)}
        aria-invalid={error ? 'true' : undefined}
        aria-describedby={error ? `${id}-error` : undefined}
        // After a refused save the page comes back with focus on the first value to fix.
        autofocus={props.first ? true : undefined}
      />
      {m.unit ? <span class="grid-unit"> {m.unit}</span> : null}
      {error ? (
        <small class="field-error" id={`${id}-error`}>
          {error}
        </small>
      ) : null}
    </td>
  );
}

function GridTable(props: { ws: MemberWorkspace; rows: GridRow[]; form: FormState; editor: boolean }) {
  const base = `/w/${props.ws.slug}`;
  const firstError = props.rows.find((r) => props.form.errors[valueField(r.metric.id)])?.metric.id;
  return (
    <table class="table grid-table">
      <caption class="sr-only">One value per metric; the previous period's value for reference</caption>
      <thead>
        <tr>
          <th scope="col">Metric</th>
          <th scope="col">Period</th>
          <th scope="col" class="num">
            Value
          </th>
          <th scope="col" class="num">
            Previous
          </th>
        </tr>
      </thead>
      <tbody>
        {props.rows.map((row) => {
          const m = row.metric;
          return (
            <tr>
              <th scope="row">
                {/* On the form, Tab goes from value to value (as in a spreadsheet), not through the names;
                    each metric's page stays a click away, and reachable from the Metrics page by keyboard. */}
                <a href={`${base}/metrics/${m.id}`} tabindex={props.editor ? -1 : undefined}>
                  {m.name}
                </a>
                {m.kind === 'north_star' ? <span class="badge">North Star</span> : null}
              </th>
              <td>
                {periodLabel(row.period, m.cadence)}
                {m.cadence === 'day' ? <span class="muted small"> (daily)</span> : null}
              </td>
              {props.editor ? (
                <ValueCell row={row} form={props.form} first={m.id === firstError} />
              ) : (
                <td class="num">{withUnit(row.stored, m.unit)}</td>
              )}
              <td class="num muted">
                {withUnit(row.previous, m.unit)}
                <span class="small"> ({shortPeriodLabel(row.previousPeriod, m.cadence)})</span>
              </td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}

export function GridPage(props: GridProps) {
  const { ws, rows, form } = props;
  const editor = canEdit(ws);
  const base = `/w/${ws.slug}`;
  return (
    <Layout title="Values" ws={ws} nav="metrics">
      <p class="crumbs">
        <a href={`${base}/metrics`}>Metrics</a> ›
      </p>
      <h1>Values for {weekLabel(props.week)}</h1>
      <WeekNav ws={ws} week={props.week} currentWeek={props.currentWeek} />
      <Banner tone={props.notice?.tone ?? 'ok'} message={props.notice?.message} />
      <ReadOnlyNote ws={ws} needs="editor" what="enter values" />
      {rows.length === 0 ? (
        <p class="empty">
          No metrics to measure yet.{' '}
          {isOwner(ws) ? (
            <>
              <a href={`${base}/north-star`}>Name the North Star</a>, then add the input metrics that move it
              on the <a href={`${base}/metrics`}>Metrics</a> page: each week's values are then entered here,
              on one form.
            </>
          ) : editor ? (
            <>
              Add the input metrics on the <a href={`${base}/metrics`}>Metrics</a> page (owners name the North
              Star): each week's values are then entered here, on one form.
            </>
          ) : (
            "Once the North Star and its input metrics are named, each week's values are entered here, on one form."
          )}
        </p>
      ) : editor ? (
        <form method="post" action={`${base}/measurements`} class="grid-form stack">
          <ErrorSummary
            state={form}
            message={
              Object.keys(form.errors).length ? 'Nothing was saved: fix the highlighted values.' : undefined
            }
          />
          <input type="hidden" name="week" value={props.week} />
          <GridTable ws={ws} rows={rows} form={form} editor />
          <p class="hint">
            A blank value leaves that metric as it is; a value already stored is replaced. Press Enter in any
            value to save them all. To delete a value, open the metric.
          </p>
          <p>
            <button type="submit">Save values</button>
          </p>
        </form>
      ) : (
        <GridTable ws={ws} rows={rows} form={form} editor={false} />
      )}
    </Layout>
  );
}
