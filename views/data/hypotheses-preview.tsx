import type { MemberWorkspace } from '../../src/accounts/members';
import { STATUS_LABELS } from '../../src/hypotheses/lifecycle';
import { clip } from '../../src/imports/csv-file';
import type { HypothesesCheck } from '../../src/imports/hypotheses-csv';
import type { ImportStatus } from '../../src/imports/hypothesis-columns';
import type { UploadSource } from '../../src/imports/upload';
import { ice } from '../../src/scoring/scores';
import { fmtIce, OutcomePill } from '../components/badges';
import { Layout } from '../layout';
import { CommitForm, FileReport, FixForm, PreviewTable, plural, RowMessages, Verdict } from './preview-parts';

/** The preview of a hypotheses CSV: every row with what it becomes, or its errors; confirm only when clean. */
export function HypothesesPreview(props: {
  ws: MemberWorkspace;
  check: HypothesesCheck;
  source: UploadSource;
  text: string;
  /** Set when a confirmed import was refused (the file changed, or a metric did). */
  refused?: string;
}) {
  const { ws, check } = props;
  const rowErrors = check.rows.filter((r) => r.errors.length).length;
  const fileErrors = check.findings.filter((f) => f.tone === 'error').length;
  const warned = check.rows.filter((r) => r.warnings.length).length;
  const byStatus = new Map<string, number>();
  for (const r of check.rows) byStatus.set(r.status, (byStatus.get(r.status) ?? 0) + 1);
  const n = check.rows.length;
  return (
    <Layout title="Preview: import hypotheses" ws={ws} nav="data">
      <p class="crumbs">
        <a href={`/w/${ws.slug}/data`}>Import &amp; export</a>
      </p>
      <h1>Preview: import hypotheses</h1>
      {props.refused ? (
        <p class="alert error" role="alert">
          {props.refused}
        </p>
      ) : null}
      <Verdict ok={check.ok} problems={fileErrors + rowErrors}>
        Ready: {plural(n, 'hypothesis', 'hypotheses')} will be created (
        {[...byStatus].map(([s, k]) => `${k} ${STATUS_LABELS[s as ImportStatus] ?? s}`).join(', ')})
        {warned ? `; ${plural(warned, 'row')} with something to check below` : ''}.
      </Verdict>
      {check.ok ? (
        <CommitForm
          slug={ws.slug}
          kind="hypotheses"
          text={props.text}
          label={`Import ${plural(n, 'hypothesis', 'hypotheses')}`}
        />
      ) : null}
      <FileReport source={props.source} findings={check.findings} mapped={check.mapped} />
      {n ? (
        <PreviewTable
          id="rows-head"
          title="Rows"
          count={plural(n, 'row')}
          errors={rowErrors}
          label="Table of the rows"
          head={
            <tr>
              <th scope="col" class="num">
                Row
              </th>
              <th scope="col">Title</th>
              <th scope="col">Metric</th>
              <th scope="col">Status</th>
              <th scope="col" class="num">
                ICE <span class="muted small">(I · C · E)</span>
              </th>
              <th scope="col">Notes</th>
            </tr>
          }
        >
          {check.rows.map((r) => (
            <tr class={r.errors.length ? 'has-row-error' : undefined}>
              <td class="num">{r.line}</td>
              <td>{clip(r.title, 200) || <span class="muted">(no title)</span>}</td>
              <td>{clip(r.metric, 80) || <span class="muted">—</span>}</td>
              <td>
                {STATUS_LABELS[r.status as ImportStatus] ?? clip(r.status, 40)}
                {r.result ? (
                  <>
                    {' '}
                    <OutcomePill outcome={r.result} />
                  </>
                ) : null}
              </td>
              <td class="num">
                {r.scores ? (
                  <>
                    {fmtIce(ice(r.scores, ws.iceMode), ws.iceMode)}{' '}
                    <span class="muted small">
                      ({r.scores.impact} · {r.scores.confidence} · {r.scores.ease})
                    </span>
                  </>
                ) : (
                  '—'
                )}
              </td>
              <td>
                <RowMessages errors={r.errors} warnings={r.warnings} notes={r.notes} />
              </td>
            </tr>
          ))}
        </PreviewTable>
      ) : null}
      <FixForm slug={ws.slug} kind="hypotheses" text={props.text} open={!check.ok} />
    </Layout>
  );
}
