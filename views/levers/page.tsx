import type { MemberWorkspace } from '../../src/accounts/members';
import type { Lever } from '../../src/levers/levers';
import { canEdit } from '../components/access';
import { fmt } from '../components/badges';
import { Layout } from '../layout';
import { fmtRatio } from './hints';

// The lever view (issue 4, point 5): per input metric, and per tag under it, what its closed experiments
// did — experiments closed, wins, win rate, mean ROTI, effort ratio, the Confidence it suggests.

export const LEVER_SORTS = ['metric', 'closed', 'winRate', 'meanRoti', 'effortRatio', 'suggested'] as const;
export type LeverSort = (typeof LEVER_SORTS)[number];

const COLUMNS: { key: LeverSort; label: string; title: string }[] = [
  { key: 'closed', label: 'Closed', title: 'Experiments closed on this lever' },
  { key: 'closed', label: 'Wins', title: 'Of them, won' },
  { key: 'winRate', label: 'Win rate', title: 'Wins ÷ closed' },
  { key: 'meanRoti', label: 'Mean ROTI', title: 'Mean return per person-day of its closed experiments' },
  { key: 'effortRatio', label: 'Effort ratio', title: 'Actual ÷ estimated person-days' },
  {
    key: 'suggested',
    label: 'Suggested Confidence',
    title: '10 × (wins + 1) ÷ (closed + 2): shown beside the Confidence input',
  },
];

const value = (l: Lever, key: LeverSort): number | null =>
  key === 'closed'
    ? l.closed
    : key === 'winRate'
      ? l.winRate
      : key === 'meanRoti'
        ? l.meanRoti
        : key === 'effortRatio'
          ? l.effortRatio
          : key === 'suggested'
            ? l.suggestedConfidence
            : null;

/**
 * Metrics (each followed by its tags) in the workspace's order, or by a column, highest first with the
 * levers that have no figure last. Tags stay under their metric, sorted the same way.
 */
export function sortLevers(levers: Lever[], sort: LeverSort): Lever[] {
  if (sort === 'metric') return levers;
  const byValue = (a: Lever, b: Lever) => {
    const x = value(a, sort);
    const y = value(b, sort);
    if (x == null || y == null) return x == null ? (y == null ? 0 : 1) : -1;
    return y - x;
  };
  const metrics = levers.filter((l) => l.tag == null).sort(byValue);
  return metrics.flatMap((m) => [
    m,
    ...levers.filter((l) => l.tag != null && l.metricId === m.metricId).sort(byValue),
  ]);
}

const pct = (rate: number | null) => (rate == null ? '—' : `${Math.round(rate * 100)}%`);

export function LeversPage(props: { ws: MemberWorkspace; levers: Lever[]; sort: LeverSort }) {
  const { ws, sort } = props;
  const base = `/w/${ws.slug}`;
  const metrics = props.levers.filter((l) => l.tag == null);
  const closed = metrics.reduce((n, l) => n + l.closed, 0);
  const backlog = (l: Lever, status: string) => {
    const p = new URLSearchParams({ status, metricId: String(l.metricId) });
    if (l.tag) p.set('tag', l.tag);
    return `${base}/backlog?${p}`;
  };
  const sortLink = (key: LeverSort) => `${base}/levers${key === 'metric' ? '' : `?sort=${key}`}`;
  return (
    <Layout title="Levers" ws={ws} nav="insights">
      <div class="page-head">
        <h1>Levers</h1>
        <InsightsTabs ws={ws} current="levers" />
      </div>
      <p class="lede">
        A lever is an input metric, or a tag within it. Its record comes from the experiments closed on it:
        how often they won, what they returned per person-day, and how long they took against their estimate.
        The suggested Confidence is what the form shows beside the Confidence input.
      </p>
      {metrics.length === 0 ? (
        <div class="empty card">
          <p>
            No input metrics yet, so no levers. <a href={`${base}/metrics`}>Add the input metrics</a> that
            move your North Star; every hypothesis targets one, and its results build that lever’s record.
          </p>
        </div>
      ) : (
        <>
          {closed === 0 ? (
            <div class="empty card">
              <p>
                <strong>No closed experiments yet.</strong> When the team closes one (outcome, actual days,
                return), its lever’s win rate, ROTI and effort ratio appear here, and the Confidence suggested
                beside the form moves from the neutral 5 towards what happened.{' '}
                <a href={`${base}/backlog?status=running`}>Running experiments</a>
              </p>
            </div>
          ) : null}
          <table class="table levers">
            <caption class="sr-only">
              Each lever’s closed experiments, {sort === 'metric' ? 'by input metric' : 'highest first'}
            </caption>
            <thead>
              <tr>
                <th scope="col" aria-sort={sort === 'metric' ? 'ascending' : undefined}>
                  {sort === 'metric' ? 'Lever' : <a href={sortLink('metric')}>Lever</a>}
                </th>
                {COLUMNS.map((c, i) => (
                  <th
                    scope="col"
                    class="num"
                    title={c.title}
                    aria-sort={sort === c.key && i !== 1 ? 'descending' : undefined}
                  >
                    {i === 1 || sort === c.key ? c.label : <a href={sortLink(c.key)}>{c.label}</a>}
                  </th>
                ))}
                <th scope="col">Experiments</th>
              </tr>
            </thead>
            <tbody>
              {sortLevers(props.levers, sort).map((l) => (
                <tr
                  class={l.tag ? 'lever-tag' : 'lever-metric'}
                  id={l.tag ? undefined : `lever-${l.metricId}`}
                >
                  <th scope="row">
                    {l.tag ? (
                      <span class="tag">
                        <span class="sr-only">{l.metricName}, tag </span>#{l.tag}
                      </span>
                    ) : (
                      l.metricName
                    )}
                  </th>
                  <td class="num">{l.closed}</td>
                  <td class="num">{l.wins}</td>
                  <td class="num">{pct(l.winRate)}</td>
                  <td class="num">{l.meanRoti == null ? '—' : l.meanRoti.toFixed(2)}</td>
                  <td class="num">{l.effortRatio == null ? '—' : fmtRatio(l.effortRatio)}</td>
                  <td class="num">{fmt(l.suggestedConfidence)}</td>
                  <td class="links">
                    <a href={backlog(l, 'backlog')}>
                      Backlog<span class="sr-only"> on {l.tag ? `#${l.tag}` : l.metricName}</span>
                    </a>
                    {l.closed ? (
                      <>
                        {' · '}
                        <a href={backlog(l, 'done')}>
                          Closed<span class="sr-only"> on {l.tag ? `#${l.tag}` : l.metricName}</span>
                        </a>
                      </>
                    ) : null}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          <p class="muted small">
            Every closed outcome counts, invalid and stopped included: they are bets on the lever that did not
            pay. Mean ROTI is over the experiments that have one; the effort ratio over those with both an
            estimate and actual days. A tag row counts the experiments carrying that tag.
            {canEdit(ws) ? ' ' : ''}
            {canEdit(ws) ? <a href={`${base}/hypotheses/new`}>Write a hypothesis</a> : null}
          </p>
        </>
      )}
    </Layout>
  );
}

/** The two pages about what the team's history says: charts over time, and the record per lever. */
export function InsightsTabs(props: { ws: MemberWorkspace; current: 'insights' | 'levers' }) {
  const base = `/w/${props.ws.slug}`;
  return (
    <nav class="tabs" aria-label="Insights">
      <a href={`${base}/insights`} aria-current={props.current === 'insights' ? 'page' : undefined}>
        Calibration &amp; pace
      </a>
      <a href={`${base}/levers`} aria-current={props.current === 'levers' ? 'page' : undefined}>
        Levers
      </a>
    </nav>
  );
}
