import { sourceLabel } from '../../src/drafts/labels';
import type { SourceStats } from '../../src/drafts/sources';
import { fmt } from '../components/badges';

// "Where winners come from": per drafter rule, model and the team's own writing, how far their ideas got.

const pct = (r: number | null) => (r == null ? '—' : `${Math.round(r * 100)}%`);

export function SourcesTable(props: { sources: SourceStats[] }) {
  const { sources } = props;
  return (
    <section class="draft-sources" aria-labelledby="sources-h">
      <h2 id="sources-h">Where winners come from</h2>
      {sources.some((s) => s.source !== 'manual') ? (
        <table class="table">
          <caption class="sr-only">
            Hypotheses by source: drafted, accepted, closed, won, win rate, mean ROTI
          </caption>
          <thead>
            <tr>
              <th scope="col">Source</th>
              <th scope="col" class="num">
                Proposed
              </th>
              <th scope="col" class="num">
                Accepted
              </th>
              <th scope="col" class="num">
                Closed
              </th>
              <th scope="col" class="num">
                Won
              </th>
              <th scope="col" class="num">
                Win rate
              </th>
              <th scope="col" class="num">
                Mean ROTI
              </th>
            </tr>
          </thead>
          <tbody>
            {sources.map((s) => (
              <tr>
                <th scope="row">
                  {s.source === 'manual'
                    ? 'Written by the team'
                    : sourceLabel(s.source, s.rule).replace(/^the /, '')}
                </th>
                <td class="num">{s.drafted}</td>
                <td class="num">{s.accepted}</td>
                <td class="num">{s.closed}</td>
                <td class="num">{s.won}</td>
                <td class="num">{pct(s.winRate)}</td>
                <td class="num">{s.meanRoti == null ? '—' : fmt(s.meanRoti, 2)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : (
        <p class="empty">
          Once drafts are accepted and closed, this table shows which playbook rules and models proposed the
          winners, beside the hypotheses the team wrote itself.
        </p>
      )}
    </section>
  );
}
