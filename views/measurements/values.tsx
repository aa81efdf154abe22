import type { Measurement, MeasurementSource, Metric } from '../../db/schema';
import type { MemberWorkspace } from '../../src/accounts/members';
import { dayLabel } from '../../src/batches/weeks';
import { periodHint, periodLabel, periodWord } from '../../src/measurements/periods';
import { canEdit } from '../components/access';
import { ErrorSummary, type FormState, Input } from '../components/form';

// A metric's values on its page: the add/replace form, and the table of values newest first with a delete
// button per row for editors.

const EXACT = new Intl.NumberFormat('en-GB', { maximumFractionDigits: 10 });
/** A stored value as entered (every decimal kept: this is where typos are found), thousands separated. */
export const exactValue = (n: number) => EXACT.format(n);

const SOURCE_LABELS: Record<MeasurementSource, string> = {
  manual: 'by hand',
  csv: 'CSV import',
  api: 'API',
  backup: 'backup',
};

const clocks = new Map<string, Intl.DateTimeFormat>();
/** "22 Nov 2026, 09:14" in the workspace's time zone. */
function when(ms: number, timeZone: string): string {
  let f = clocks.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-GB', { timeZone, hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
    clocks.set(timeZone, f);
  }
  return `${dayLabel(ms, timeZone)}, ${f.format(ms)}`;
}

/** Add or replace one period's value. Period and value carry their messages beside them. */
export function ValueForm(props: { ws: MemberWorkspace; metric: Metric; form: FormState }) {
  const { ws, metric, form } = props;
  const url = `/w/${ws.slug}/metrics/${metric.id}/measurements`;
  return (
    <form
      method="post"
      action={url}
      class="value-form"
      hx-post={url}
      hx-target="#metric-body"
      hx-swap="outerHTML"
      aria-labelledby="value-form-title"
    >
      <h3 id="value-form-title" class="small-head">
        Add or replace a value
      </h3>
      <ErrorSummary
        state={form}
        message={Object.keys(form.errors).length ? 'Not saved: fix the highlighted fields.' : undefined}
      />
      <div class="row">
        <Input
          name="period"
          label={metric.cadence === 'week' ? 'Week' : 'Day'}
          state={form}
          required
          maxLength={20}
          autofocus={Boolean(form.errors.period)}
          hint={`${periodHint(metric.cadence)}; a ${periodWord(metric.cadence)} already measured is replaced.`}
        />
        <Input
          name="value"
          label={metric.unit ? `Value (${metric.unit})` : 'Value'}
          state={form}
          required
          maxLength={40}
          autofocus={Boolean(form.errors.value) && !form.errors.period}
          hint="A number, e.g. 0.43 or 1,234.5."
        />
      </div>
      <button type="submit">Save value</button>
    </form>
  );
}

/** What to do when a metric has no values yet: every way to add them. */
function NoValues(props: { ws: MemberWorkspace; metric: Metric; apiUrl: string; period: string }) {
  const { ws, metric } = props;
  const base = `/w/${ws.slug}`;
  if (!canEdit(ws))
    return (
      <p class="empty">
        No values yet. Editors add them here, on the <a href={`${base}/measurements`}>quick grid</a>, by CSV
        import or from an analytics pipeline through the API.
      </p>
    );
  const curl = [
    `curl -fsS -X POST -H "Authorization: Bearer $LODESTAR_TOKEN" -H 'Content-Type: application/json' \\`,
    `  -d '${JSON.stringify({ period: props.period, value: 0.43 })}' \\`,
    `  ${props.apiUrl}`,
  ].join('\n');
  return (
    <div class="empty">
      <p>
        <strong>No values yet.</strong> Each {periodWord(metric.cadence)} gets one value; the chart, the tile
        and the change against the previous {periodWord(metric.cadence)} appear as they come in. Add them:
      </p>
      <ul>
        <li>
          one at a time with the form above (a {periodWord(metric.cadence)} already measured is replaced);
        </li>
        <li>
          for every metric at once on the <a href={`${base}/measurements`}>quick grid</a>
          {';'}
        </li>
        <li>
          from a spreadsheet: import a CSV file of periods and values on{' '}
          <a href={`${base}/data`}>Import &amp; export</a>
          {';'}
        </li>
        <li>
          from your analytics pipeline, with a personal API token (from <a href="/account">your account</a>):
        </li>
      </ul>
      <pre class="code">
        <code>{curl}</code>
      </pre>
    </div>
  );
}

/** The values, newest first, with a delete button per row for editors. */
export function ValuesTable(props: {
  ws: MemberWorkspace;
  metric: Metric;
  /** Newest first; at most `shown` of `total`. */
  rows: Measurement[];
  total: number;
  apiUrl: string;
  period: string;
}) {
  const { ws, metric, rows } = props;
  const editor = canEdit(ws);
  const url = `/w/${ws.slug}/metrics/${metric.id}`;
  if (!rows.length) return <NoValues ws={ws} metric={metric} apiUrl={props.apiUrl} period={props.period} />;
  return (
    <>
      <table class="table values-table">
        <caption class="sr-only">Values of {metric.name}, newest first</caption>
        <thead>
          <tr>
            <th scope="col">{metric.cadence === 'week' ? 'Week' : 'Day'}</th>
            <th scope="col" class="num">
              Value{metric.unit ? ` (${metric.unit})` : ''}
            </th>
            <th scope="col">Source</th>
            <th scope="col">Last updated</th>
            {editor ? (
              <th scope="col">
                <span class="sr-only">Actions</span>
              </th>
            ) : null}
          </tr>
        </thead>
        <tbody>
          {rows.map((r) => (
            <tr id={`v-${r.period}`}>
              <th scope="row">{periodLabel(r.period, metric.cadence)}</th>
              <td class="num">{exactValue(r.value)}</td>
              <td>{SOURCE_LABELS[r.source]}</td>
              <td>{when(r.updatedAt, ws.timeZone)}</td>
              {editor ? (
                <td class="actions">
                  <form
                    method="post"
                    action={`${url}/measurements/${r.period}/delete`}
                    class="inline"
                    hx-post={`${url}/measurements/${r.period}/delete`}
                    hx-target="#metric-body"
                    hx-swap="outerHTML"
                  >
                    <button type="submit" class="link">
                      Delete
                      <span class="sr-only"> the value for {periodLabel(r.period, metric.cadence)}</span>
                    </button>
                  </form>
                </td>
              ) : null}
            </tr>
          ))}
        </tbody>
      </table>
      {props.total > rows.length ? (
        <p class="muted small">
          The latest {rows.length} of {props.total} values.{' '}
          <a href={`${url}?all=1#values`}>Show all {props.total}</a>
        </p>
      ) : null}
    </>
  );
}
