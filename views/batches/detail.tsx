import type { Batch, Hypothesis } from '../../db/schema';
import type { MemberWorkspace } from '../../src/accounts/members';
import type { BatchLoad } from '../../src/batches/batches';
import { type BatchOutcomes, outcomesText } from '../../src/batches/history';
import { dayLabel, weekLabel } from '../../src/batches/weeks';
import { canEdit } from '../components/access';
import { fmt, OutcomePill, StatusPill } from '../components/badges';
import { Layout } from '../layout';
import { fmtRoti, LoadMeter, OverCapacity } from './parts';

export type BatchDetailProps = {
  ws: MemberWorkspace;
  batch: Batch;
  items: Hypothesis[];
  load: BatchLoad;
  results: BatchOutcomes;
};

/** One batch: its items with estimate, actual days, outcome, return and ROTI, and the totals. */
export function BatchDetail(props: BatchDetailProps) {
  const { ws, batch, items, load, results } = props;
  const base = `/w/${ws.slug}`;
  const started = batch.startedAt != null;
  const label = weekLabel(batch.week);
  return (
    <article id="batch" class="stack" aria-labelledby="batch-title">
      <p class="crumbs">
        <a href={`${base}/batches`}>Batches</a> › {batch.week}
      </p>
      <div class="page-head">
        <h1 id="batch-title">{label}</h1>
        <a class="button" href={`${base}/batches/${batch.id}/summary`}>
          Meeting summary
        </a>
      </div>
      <p class="meta">
        {started ? (
          <span class="pill status-running">Started {dayLabel(batch.startedAt ?? 0, ws.timeZone)}</span>
        ) : (
          <span class="pill status-selected">Planning</span>
        )}{' '}
        {started ? null : (
          <span class="muted">
            Not started yet: the team plans it at the <a href={`${base}/meeting`}>weekly meeting</a>
            {canEdit(ws) ? ', where items are selected and the batch is started' : ''}.
          </span>
        )}
      </p>
      <dl class="facts">
        <div>
          <dt>Planned vs capacity</dt>
          <dd>
            <LoadMeter load={load} label={`${label}: planned person-days of capacity`} />
          </dd>
        </div>
        <div>
          <dt>Items</dt>
          <dd>{load.items}</dd>
        </div>
        {started ? (
          <>
            <div>
              <dt>Outcomes</dt>
              <dd>{outcomesText(results) || 'nothing closed yet'}</dd>
            </div>
            <div>
              <dt>Actual person-days</dt>
              <dd>{fmt(results.actualDays)}</dd>
            </div>
            <div>
              <dt>Mean ROTI</dt>
              <dd>{fmtRoti(results.meanRoti)}</dd>
            </div>
          </>
        ) : null}
      </dl>
      <OverCapacity load={load} />
      {items.length === 0 ? (
        <p class="empty card">
          Nothing selected into this batch yet. At the <a href={`${base}/meeting`}>weekly meeting</a> the team
          picks hypotheses from the ranked backlog into it, each with its estimated person-days.
        </p>
      ) : (
        <table class="table">
          <caption class="sr-only">Items of the batch for {label}</caption>
          <thead>
            <tr>
              <th scope="col">Hypothesis</th>
              <th scope="col">Status</th>
              <th scope="col" class="num">
                Est. days
              </th>
              <th scope="col" class="num">
                Actual days
              </th>
              <th scope="col">Outcome</th>
              <th scope="col" class="num">
                Return
              </th>
              <th scope="col" class="num">
                ROTI
              </th>
            </tr>
          </thead>
          <tbody>
            {items.map((h) => (
              <tr id={`h-${h.id}`}>
                <td>
                  <a href={`${base}/hypotheses/${h.id}`}>
                    #{h.id} {h.title}
                  </a>
                </td>
                <td>
                  <StatusPill status={h.status} />
                </td>
                <td class="num">{fmt(h.estimatedDays)}</td>
                <td class="num">{fmt(h.actualDays)}</td>
                <td>{h.result ? <OutcomePill outcome={h.result} /> : '—'}</td>
                <td class="num">{fmt(h.returnScore)}</td>
                <td class="num">{fmtRoti(h.roti)}</td>
              </tr>
            ))}
          </tbody>
          <tfoot>
            <tr>
              <th scope="row">Totals</th>
              <td>{outcomesText(results) || `${load.items} planned`}</td>
              <td class="num">{fmt(load.plannedDays)}</td>
              <td class="num">{fmt(results.actualDays)}</td>
              <td>{results.closed ? `${results.closed} closed` : '—'}</td>
              <td class="num">—</td>
              <td class="num">
                {results.meanRoti == null ? (
                  '—'
                ) : (
                  <span title="Mean ROTI">{fmtRoti(results.meanRoti)} mean</span>
                )}
              </td>
            </tr>
          </tfoot>
        </table>
      )}
    </article>
  );
}

export function BatchDetailPage(props: BatchDetailProps) {
  return (
    <Layout title={weekLabel(props.batch.week)} ws={props.ws} nav="batches">
      <BatchDetail {...props} />
    </Layout>
  );
}
