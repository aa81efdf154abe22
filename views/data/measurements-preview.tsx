import type { MemberWorkspace } from '../../src/accounts/members';
import { clip } from '../../src/imports/csv-file';
import type { MeasurementPreviewItem, MeasurementsCheck } from '../../src/imports/measurements-csv';
import type { UploadSource } from '../../src/imports/upload';
import { periodLabel } from '../../src/measurements/periods';
import { Layout } from '../layout';
import { CommitForm, FileReport, FixForm, PreviewTable, plural, RowMessages, Verdict } from './preview-parts';

/** A value as typed in a spreadsheet: no padding zeros, thousands separated. */
const num = (n: number | undefined) =>
  n === undefined ? '—' : n.toLocaleString('en', { maximumFractionDigits: 6 });

/** The value already stored for a metric (by name) and period, keyed `name|period`. */
export type StoredValues = Map<string, number>;
export const storedKey = (metric: string, period: string) => `${metric}|${period}`;

type Effect = 'new' | 'replace' | 'same';

function effectOf(
  item: MeasurementPreviewItem,
  stored: StoredValues,
): { effect: Effect; before?: number } | undefined {
  if (item.period === undefined || item.value === undefined || item.errors.length) return undefined;
  const before = stored.get(storedKey(item.metric, item.period));
  if (before === undefined) return { effect: 'new' };
  return before === item.value ? { effect: 'same', before } : { effect: 'replace', before };
}

/** The preview of a measurements CSV: each value with what it does (new, replaces, unchanged) or its errors. */
export function MeasurementsPreview(props: {
  ws: MemberWorkspace;
  check: MeasurementsCheck;
  stored: StoredValues;
  source: UploadSource;
  text: string;
  refused?: string;
}) {
  const { ws, check, stored } = props;
  const cadence = new Map(check.groups.map((g) => [g.metric.name, g.metric.cadence]));
  const effects = check.items.map((i) => effectOf(i, stored));
  const tally = (e: Effect) => effects.filter((x) => x?.effect === e).length;
  const [fresh, replaced, same] = [tally('new'), tally('replace'), tally('same')];
  const itemErrors = check.items.filter((i) => i.errors.length).length;
  const fileErrors = check.findings.filter((f) => f.tone === 'error').length;
  const n = check.items.length;
  const changes = fresh + replaced;
  return (
    <Layout title="Preview: import measurements" ws={ws} nav="data">
      <p class="crumbs">
        <a href={`/w/${ws.slug}/data`}>Import &amp; export</a>
      </p>
      <h1>Preview: import measurements</h1>
      {props.refused ? (
        <p class="alert error" role="alert">
          {props.refused}
        </p>
      ) : null}
      <Verdict ok={check.ok} problems={fileErrors + itemErrors}>
        Ready: {plural(n, 'value')} for {plural(check.groups.length, 'metric')} — {fresh} new, {replaced}{' '}
        {replaced === 1 ? 'replaces a stored value' : 'replace stored values'}, {same} already stored as they
        are.
      </Verdict>
      {check.ok ? (
        <CommitForm
          slug={ws.slug}
          kind="measurements"
          text={props.text}
          label={changes ? `Import ${plural(changes, 'value')}` : 'Import (nothing changes)'}
        />
      ) : null}
      <FileReport source={props.source} findings={check.findings} mapped={check.mapped} />
      {check.groups.length ? (
        <ul class="metric-spans">
          {check.groups.map((g) => {
            const periods = g.items.map((i) => i.period).sort();
            return (
              <li>
                <strong>{g.metric.name}</strong> ({g.metric.cadence === 'day' ? 'daily' : 'weekly'}):{' '}
                {plural(g.items.length, 'value')}
                {periods.length
                  ? `, ${periodLabel(periods[0] as string, g.metric.cadence)}${periods.length > 1 ? ` to ${periodLabel(periods.at(-1) as string, g.metric.cadence)}` : ''}`
                  : ''}
              </li>
            );
          })}
        </ul>
      ) : null}
      {n ? (
        <PreviewTable
          id="values-head"
          title="Values"
          count={plural(n, 'value')}
          errors={itemErrors}
          label="Table of the values"
          head={
            <tr>
              <th scope="col" class="num">
                Row
              </th>
              <th scope="col">Metric</th>
              <th scope="col">Period</th>
              <th scope="col" class="num">
                Value
              </th>
              <th scope="col">What happens</th>
            </tr>
          }
        >
          {check.items.map((item, i) => {
            const e = effects[i];
            const c = cadence.get(item.metric);
            return (
              <tr class={item.errors.length ? 'has-row-error' : undefined}>
                <td class="num">{item.line}</td>
                <td>{clip(item.metric, 80) || <span class="muted">—</span>}</td>
                <td>
                  {item.period && c
                    ? periodLabel(item.period, c)
                    : clip(item.raw, 80) || <span class="muted">—</span>}
                </td>
                <td class="num">{num(item.value)}</td>
                <td>
                  {e ? (
                    e.effect === 'new' ? (
                      'New'
                    ) : e.effect === 'same' ? (
                      <span class="muted">Unchanged</span>
                    ) : (
                      `Replaces ${num(e.before)}`
                    )
                  ) : (
                    <RowMessages errors={item.errors} />
                  )}
                </td>
              </tr>
            );
          })}
        </PreviewTable>
      ) : null}
      <FixForm slug={ws.slug} kind="measurements" text={props.text} open={!check.ok} />
    </Layout>
  );
}
