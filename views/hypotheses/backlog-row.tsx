import type { Workspace } from '../../db/schema';
import type { MemberScoreRow } from '../../src/hypotheses/member-scores';
import type { RankedItem } from '../../src/hypotheses/ranking';
import type { Lever } from '../../src/levers/levers';
import { ICE_MAX, ICE_MIN, type IceScores } from '../../src/scoring/scores';
import { spread } from '../../src/scoring/team';
import { fmt } from '../components/badges';
import { myFormScores } from './form';

// The parts of one backlog row: the member's own score inputs (or the team's scores, read-only), the
// team's line with its spread and discuss flag, and the lever's ROTI.

export function ScoreForm(props: { ws: Workspace; item: RankedItem; back: string; mine?: IceScores }) {
  const { item, ws } = props;
  const url = `/w/${ws.slug}/hypotheses/${item.id}/score`;
  const values = myFormScores(item, props.mine);
  // No version: each member has their own scores, so saving cannot overwrite anyone else's.
  return (
    <form
      method="post"
      action={url}
      class={`score-form ${props.mine ? 'mine' : 'not-mine'}`}
      hx-post={url}
      // Once you have scored, each change saves at once. Before that the inputs hold the team's rounded means,
      // so saving on the first change would make the other two yours without your say: you press Save.
      hx-trigger={props.mine ? 'change, submit' : 'submit'}
      hx-target="#backlog-results"
      hx-swap="outerMorph"
      aria-label={`Your scores of ${item.title}`}
    >
      <input type="hidden" name="back" value={props.back} />
      <span class="score-caption">{props.mine ? 'Yours' : 'Not scored yet'}</span>
      {(['impact', 'confidence', 'ease'] as const).map((k) => (
        <label class="score">
          <span class="score-label" title={k}>
            {k[0]?.toUpperCase()}
          </span>
          <span class="sr-only"> your {k}</span>
          <input
            id={`${k}-${item.id}`}
            type="number"
            name={k}
            min={ICE_MIN}
            max={ICE_MAX}
            step="1"
            required
            value={values[k]}
            inputmode="numeric"
          />
        </label>
      ))}
      <button type="submit" class="small save-score">
        Save<span class="sr-only"> your scores of {item.title}</span>
      </button>
    </form>
  );
}

/** A viewer's view of the scores: the team's three means, with nothing to submit. */
export function Scores(props: { item: RankedItem }) {
  const { item } = props;
  return (
    <span class="score-form" title="The team’s Impact · Confidence · Ease">
      {(['impact', 'confidence', 'ease'] as const).map((k) => (
        <span class="score">
          <span class="score-label" aria-hidden="true">
            {k[0]?.toUpperCase()}
          </span>
          <span class="sr-only"> team {k}</span> {fmt(item[k])}
        </span>
      ))}
    </span>
  );
}

const SCORE_NAMES = { impact: 'Impact', confidence: 'Confidence', ease: 'Ease' } as const;

/** The team's side of a row: its means (for editors, whose inputs hold their own), scorers, spread. */
export function TeamLine(props: { item: RankedItem; scores: MemberScoreRow[]; withMeans: boolean }) {
  const { item, scores } = props;
  const s = spread(scores);
  return (
    <p class="team-line">
      {props.withMeans ? (
        <span>
          {s.n === 0 ? 'As created' : 'Team'} {fmt(item.impact)} · {fmt(item.confidence)} · {fmt(item.ease)}
        </span>
      ) : null}
      <span class="muted">
        {s.n === 0 ? 'no member has scored it yet' : `${s.n} ${s.n === 1 ? 'scorer' : 'scorers'}`}
      </span>
      {s.n >= 2 ? (
        <span class="muted">
          spread {s.max}
          {s.widest ? ` on ${SCORE_NAMES[s.widest]}` : ''}
        </span>
      ) : null}
      {s.disagree ? (
        <span
          class="badge warn discuss"
          title={`Scores differ by ${s.max} on ${s.widest ? SCORE_NAMES[s.widest] : 'a score'}: talk it through`}
        >
          discuss
        </span>
      ) : null}
    </p>
  );
}

export function LeverRoti(props: { item: RankedItem; lever?: Lever }) {
  const { lever, item } = props;
  if (lever?.meanRoti == null)
    return (
      <span class="num lever-roti muted" title={`No closed experiment on ${item.metricName} has a ROTI yet`}>
        —
      </span>
    );
  return (
    <span
      class="num lever-roti"
      title={`Mean ROTI of the ${lever.closed} closed ${lever.closed === 1 ? 'experiment' : 'experiments'} on ${item.metricName}`}
    >
      {lever.meanRoti.toFixed(2)}
    </span>
  );
}
