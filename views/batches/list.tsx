import type { MemberWorkspace } from '../../src/accounts/members';
import { type BatchOverview, outcomesText } from '../../src/batches/history';
import { dayLabel, weekLabel } from '../../src/batches/weeks';
import { fmt } from '../components/badges';
import { Layout } from '../layout';
import { fmtRoti, LoadMeter } from './parts';

/** Every batch, newest week first: what it planned against capacity and, once started, how it came out. */
export function BatchList(props: { ws: MemberWorkspace; batches: BatchOverview[] }) {
  const { ws, batches } = props;
  const base = `/w/${ws.slug}`;
  return (
    <section id="batches" class="stack" aria-labelledby="batches-title">
      <div class="page-head">
        <h1 id="batches-title">Batches</h1>
        <a class="button" href={`${base}/meeting`}>
          Weekly meeting
        </a>
      </div>
      <p class="lede">
        One batch per week: the hypotheses the team picked at the meeting, their estimated person-days against
        the week's capacity, and once started, how the experiments came out.
      </p>
      {batches.length === 0 ? (
        <div class="empty card">
          <p>
            <strong>No batches yet.</strong> Batches are made at the weekly meeting: the team reviews what
            ran, triages drafts, scores the backlog together, then selects the next hypotheses into the week's
            batch up to its capacity and starts it.
          </p>
          <p>
            <a href={`${base}/meeting`}>Open the meeting</a> to plan the first batch.
          </p>
        </div>
      ) : (
        <table class="table">
          <thead>
            <tr>
              <th scope="col">Week</th>
              <th scope="col">Status</th>
              <th scope="col" class="num">
                Items
              </th>
              <th scope="col">Planned vs capacity</th>
              <th scope="col">Outcomes</th>
              <th scope="col" class="num">
                Actual days
              </th>
              <th scope="col" class="num">
                Mean ROTI
              </th>
              <th scope="col">
                <span class="sr-only">Summary</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {batches.map((b) => {
              const started = b.startedAt != null;
              return (
                <tr id={`batch-${b.id}`}>
                  <td>
                    <a href={`${base}/batches/${b.id}`}>{weekLabel(b.week)}</a>
                  </td>
                  <td>
                    {started ? (
                      <span class="pill status-running">
                        Started {dayLabel(b.startedAt ?? 0, ws.timeZone)}
                      </span>
                    ) : (
                      <span class="pill status-selected">Planning</span>
                    )}
                  </td>
                  <td class="num">{b.load.items}</td>
                  <td>
                    <LoadMeter
                      load={b.load}
                      label={`${weekLabel(b.week)}: planned person-days of capacity`}
                    />
                  </td>
                  <td>{started ? outcomesText(b.results) || 'nothing closed yet' : '—'}</td>
                  <td class="num">{started ? fmt(b.results.actualDays) : '—'}</td>
                  <td class="num">{started ? fmtRoti(b.results.meanRoti) : '—'}</td>
                  <td>
                    <a href={`${base}/batches/${b.id}/summary`}>
                      Summary<span class="sr-only"> of {weekLabel(b.week)}</span>
                    </a>
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
    </section>
  );
}

export function BatchesPage(props: { ws: MemberWorkspace; batches: BatchOverview[] }) {
  return (
    <Layout title="Batches" ws={props.ws} nav="batches">
      <BatchList {...props} />
    </Layout>
  );
}
