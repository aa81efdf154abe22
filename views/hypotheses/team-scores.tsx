import { fmtDateTime } from '../../src/audit/format';
import { memberIce, spread } from '../../src/scoring/team';
import { canEdit } from '../components/access';
import { fmt, fmtIce } from '../components/badges';
import type { DetailProps } from './detail';

/** Who scored what: each member's own Impact, Confidence, Ease and ICE, then the team's means and spread. */
export function TeamScores(props: Pick<DetailProps, 'ws' | 'h' | 'scores' | 'userId'>) {
  const { ws, h } = props;
  const scores = props.scores ?? [];
  const s = spread(scores);
  const mine = scores.find((m) => m.userId === props.userId);
  const closed = h.status === 'done';
  const names = { impact: 'Impact', confidence: 'Confidence', ease: 'Ease' } as const;
  return (
    <section class="panel team-scores" aria-labelledby="team-scores-title">
      <h2 id="team-scores-title">Team scores</h2>
      {!mine && canEdit(ws) && !closed ? (
        <p class="alert warn not-scored">
          You have not scored this yet.{' '}
          <a href={`/w/${ws.slug}/hypotheses/${h.id}?edit=1#f-impact`}>
            Give your Impact, Confidence and Ease
          </a>{' '}
          (or on the backlog): the team’s ICE is the mean of everyone’s.
        </p>
      ) : null}
      {scores.length === 0 ? (
        <p class="muted">No member has scored it yet: the scores shown are the ones it was created with.</p>
      ) : (
        <table class="table">
          <caption class="sr-only">Each member’s own scores, and the team’s means</caption>
          <thead>
            <tr>
              <th scope="col">Member</th>
              <th scope="col" class="num">
                Impact
              </th>
              <th scope="col" class="num">
                Confidence
              </th>
              <th scope="col" class="num">
                Ease
              </th>
              <th scope="col" class="num">
                ICE
              </th>
              <th scope="col">Last updated</th>
            </tr>
          </thead>
          <tbody>
            {scores.map((m) => (
              <tr class={m.userId === props.userId ? 'you' : ''}>
                <th scope="row">
                  {m.name}
                  {m.userId === props.userId ? ' (you)' : ''}
                </th>
                <td class="num">{m.impact}</td>
                <td class="num">{m.confidence}</td>
                <td class="num">{m.ease}</td>
                <td class="num">{fmtIce(memberIce(m, ws.iceMode), ws.iceMode)}</td>
                <td>
                  <time datetime={new Date(m.updatedAt).toISOString()}>
                    {fmtDateTime(m.updatedAt, ws.timeZone)}
                  </time>
                </td>
              </tr>
            ))}
          </tbody>
          <tfoot>
            <tr>
              <th scope="row">Team mean ({scores.length})</th>
              <td class="num">{fmt(h.impact)}</td>
              <td class="num">{fmt(h.confidence)}</td>
              <td class="num">{fmt(h.ease)}</td>
              <td class="num">
                <strong>{fmtIce(h.ice, ws.iceMode)}</strong>
              </td>
              <td />
            </tr>
            {s.n >= 2 ? (
              <tr>
                <th scope="row">Spread (highest − lowest)</th>
                <td class="num">{s.impact}</td>
                <td class="num">{s.confidence}</td>
                <td class="num">{s.ease}</td>
                <td />
                <td>
                  {s.disagree ? (
                    <span class="badge warn discuss">
                      discuss: {s.max} apart on {s.widest ? names[s.widest] : 'a score'}
                    </span>
                  ) : (
                    <span class="muted">close enough</span>
                  )}
                </td>
              </tr>
            ) : null}
          </tfoot>
        </table>
      )}
    </section>
  );
}
