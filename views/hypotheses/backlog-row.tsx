import type { Status, Workspace } from '../../db/schema';
import type { MemberWorkspace } from '../../src/accounts/members';
import type { MemberScoreRow } from '../../src/hypotheses/member-scores';
import type { RankedItem } from '../../src/hypotheses/ranking';
import type { ListQuery } from '../../src/hypotheses/schemas';
import type { Lever } from '../../src/levers/levers';
import { ICE_MAX, ICE_MIN, type IceScores } from '../../src/scoring/scores';
import { spread } from '../../src/scoring/team';
import { fmt, fmtIce, OutcomePill, StatusPill } from '../components/badges';
import { myFormScores } from './form';
import { memoHtml } from './row-memo';

// One backlog row and its parts: the member's own score inputs (or the team's scores, read-only), the
// team's line with its spread and discuss flag, and the lever's ROTI.

export type RowNotice = { id: number; message: string; tone: 'ok' | 'warn' | 'error' };

/** The query string that reproduces this view of the backlog (filters, sort and page). */
export function backlogQuery(q: ListQuery): string {
  const p = new URLSearchParams();
  p.set('status', q.status ?? 'all');
  if (q.metricId) p.set('metricId', String(q.metricId));
  if (q.tag) p.set('tag', q.tag);
  if (q.result) p.set('result', q.result);
  if (q.q) p.set('q', q.q);
  if (q.sort !== 'ice') p.set('sort', q.sort);
  if (q.offset) p.set('offset', String(q.offset));
  return p.toString();
}

/** What every row of one list shares: the member's workspace (slug, ICE mode, role), the query, the role's say. */
export type RowContext = { ws: MemberWorkspace; q: ListQuery; editor: boolean };

/** Everything one row is rendered from, besides its rank: plain data, so that it can key the row memo. */
type RowData = {
  ctx: RowContext;
  /** The item without its rank (which changes for every row between a moved row's old and new place). */
  item: Omit<RankedItem, 'rank'> & { ranked: boolean };
  scores: MemberScoreRow[];
  mine?: MemberScoreRow;
  lever?: Lever;
};

// Objects that many rows share (the list's context, a metric's lever) are serialised once per render.
const serialised = new WeakMap<object, string>();
function once(value: object | undefined): string {
  if (value === undefined) return 'null';
  let json = serialised.get(value);
  if (json === undefined) {
    json = JSON.stringify(value);
    serialised.set(value, json);
  }
  return json;
}

// The row's own part of the key, serialised once per listed item: a rescoring's answer and the next page
// render the same rows (the same objects, kept per data version by src/cache/workspace-memo.ts).
const rowJson = new WeakMap<object, { scores: MemberScoreRow[]; mine?: MemberScoreRow; json: string }>();
function ownJson(listed: RankedItem, d: RowData): string {
  const hit = rowJson.get(listed);
  if (hit && hit.scores === d.scores && hit.mine === d.mine) return hit.json;
  const json = JSON.stringify([d.item, d.scores, d.mine ?? null]);
  rowJson.set(listed, { scores: d.scores, mine: d.mine, json });
  return json;
}

/** The memo key: all of RowData, serialised (`listed` is the item the row's data was made from). */
const keyOf = (listed: RankedItem, d: RowData) => `${once(d.ctx)}\n${once(d.lever)}\n${ownJson(listed, d)}`;

/**
 * One row of the ranked list. Its body is remembered by row-memo under a key made of all its data (the
 * rank is outside it); the row carrying a notice is always rendered afresh.
 */
export function BacklogRow(props: {
  ctx: RowContext;
  item: RankedItem;
  scores: MemberScoreRow[];
  mine?: MemberScoreRow;
  lever?: Lever;
  notice?: RowNotice;
}) {
  const { item, notice } = props;
  const { rank, ...rest } = item;
  const data: RowData = {
    ctx: props.ctx,
    item: { ...rest, ranked: rank != null },
    scores: props.scores,
    mine: props.mine,
    lever: props.lever,
  };
  const flagged = notice?.id === item.id ? notice : undefined;
  return (
    <li id={`h-${item.id}`} class={`backlog-row ${flagged ? `flash ${flagged.tone}` : ''}`}>
      <span class="rank" title="Rank in the backlog">
        {rank != null ? `#${rank}` : <StatusPill status={item.status as Status} />}
      </span>
      {flagged ? (
        <RowBody {...data} notice={flagged} />
      ) : (
        memoHtml(keyOf(item, data), () => String(<RowBody {...data} />))
      )}
    </li>
  );
}

/** A row after its rank: what the hypothesis is, the team's line, the scores, ICE, ROTI and the lever. */
function RowBody(props: RowData & { notice?: RowNotice }) {
  const { item, notice } = props;
  const { ws, q } = props.ctx;
  const base = `/w/${ws.slug}`;
  // A closed experiment keeps the scores it closed with (a save would be refused): shown, not an input.
  const rescorable = props.ctx.editor && item.status !== 'done';
  return (
    <>
      <div class="what">
        <a href={`${base}/hypotheses/${item.id}`} class="title">
          {item.title}
        </a>
        <div class="meta">
          <a href={`${base}/backlog?${backlogQuery({ ...q, metricId: item.metricId, offset: 0 })}`}>
            {item.metricName}
          </a>
          {item.tags.map((t) => (
            <a class="tag" href={`${base}/backlog?${backlogQuery({ ...q, tag: t, offset: 0 })}`}>
              #{t}
            </a>
          ))}
          {item.estimatedDays != null ? <span class="muted">{fmt(item.estimatedDays)} d</span> : null}
          {item.status !== 'backlog' && item.ranked ? <StatusPill status={item.status as Status} /> : null}
          <OutcomePill outcome={item.result} />
        </div>
        <TeamLine item={item} scores={props.scores} withMeans={rescorable} />
        {notice ? (
          <p class={`row-notice ${notice.tone}`} role={notice.tone === 'ok' ? 'status' : 'alert'}>
            {notice.message}
          </p>
        ) : null}
      </div>
      {rescorable ? (
        <ScoreForm ws={ws} item={item} back={backlogQuery(q)} mine={props.mine} />
      ) : (
        <Scores item={item} />
      )}
      <span class="num ice" title="The team’s ICE score">
        {fmtIce(item.ice, ws.iceMode)}
      </span>
      <span class="num" title="Expected ROTI (return per person-day)">
        {item.expectedRoti == null ? '—' : item.expectedRoti.toFixed(2)}
      </span>
      <LeverRoti item={item} lever={props.lever} />
    </>
  );
}

type RowItem = Omit<RankedItem, 'rank'>;

export function ScoreForm(props: { ws: Workspace; item: RowItem; back: string; mine?: IceScores }) {
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
export function Scores(props: { item: RowItem }) {
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
export function TeamLine(props: { item: RowItem; scores: MemberScoreRow[]; withMeans: boolean }) {
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

export function LeverRoti(props: { item: RowItem; lever?: Lever }) {
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
