import type { MemberScoreRow } from '../../src/hypotheses/member-scores';
import type { RankedItem } from '../../src/hypotheses/ranking';
import type { BacklogData } from '../../src/meeting/data';
import { memberIce, type Spread, spread } from '../../src/scoring/team';
import { canEdit } from '../components/access';
import { fmt, fmtIce } from '../components/badges';
import { MyScoreForm, SelectForm } from './backlog-forms';
import { Empty, type Forms, meetingUrl, plural, Section, type Viewer } from './shared';

// e) The ranked backlog with everyone's scores: the team's means, how far apart the members are (items the
// team disagrees on most are flagged and listed first, to discuss), who scored what, and the lever's
// track record. Editors give their own score and select items into the batch being planned.

const LABEL = { impact: 'Impact', confidence: 'Confidence', ease: 'Ease' } as const;

/** "Impact 2–9": the range of the score the team disagrees on most. */
function widestRange(s: Spread, rows: MemberScoreRow[]): string {
  if (!s.widest) return '';
  const k = s.widest;
  const values = rows.map((r) => r[k]);
  return `${LABEL[k]} ${Math.min(...values)}–${Math.max(...values)}`;
}

function Who(props: { v: Viewer; rows: MemberScoreRow[] }) {
  const { v, rows } = props;
  return (
    <details class="m-who">
      <summary>Who scored what ({rows.length})</summary>
      {rows.length === 0 ? (
        <p class="muted">Nobody has scored it yet: it keeps the scores it was written with.</p>
      ) : (
        <ul>
          {rows.map((r) => (
            <li>
              <strong>{r.userId === v.userId ? `${r.name} (you)` : r.name}</strong>: I {r.impact} · C{' '}
              {r.confidence} · E {r.ease} (ICE {fmtIce(memberIce(r, v.ws.iceMode), v.ws.iceMode)})
            </li>
          ))}
        </ul>
      )}
    </details>
  );
}

function Row(props: { v: Viewer; item: RankedItem; data: BacklogData; forms: Forms }) {
  const { v, item, data } = props;
  const base = `/w/${v.ws.slug}`;
  const rows = data.scores.get(item.id) ?? [];
  const s = spread(rows);
  const lever = data.levers.get(item.metricId);
  const mine = rows.find((r) => r.userId === v.userId);
  return (
    <li id={`mb-${item.id}`} class={`m-item m-backlog-item${s.disagree ? ' m-disagree' : ''}`}>
      <span class="rank" title="Rank in the backlog">
        #{item.rank}
      </span>
      <div class="m-what">
        <div class="m-item-head">
          <a class="title" href={`${base}/hypotheses/${item.id}`}>
            {item.title}
          </a>
          {s.disagree ? <span class="badge warn">Discuss: {widestRange(s, rows)}</span> : null}
        </div>
        <p class="meta">
          {item.metricName} · {item.estimatedDays == null ? 'no estimate' : `${fmt(item.estimatedDays)} d`} ·{' '}
          {lever && lever.closed > 0 && lever.meanRoti != null
            ? `lever ROTI ${lever.meanRoti.toFixed(2)} (${plural(lever.closed, 'closed experiment')})`
            : 'lever: no closed experiments yet'}
        </p>
        <dl class="m-figures">
          <div>
            <dt>Team I · C · E</dt>
            <dd>
              {item.impact.toFixed(1)} · {item.confidence.toFixed(1)} · {item.ease.toFixed(1)}
            </dd>
          </div>
          <div>
            <dt>ICE</dt>
            <dd class="ice">{fmtIce(item.ice, v.ws.iceMode)}</dd>
          </div>
          <div>
            <dt>Scored by</dt>
            <dd>{s.n}</dd>
          </div>
          <div>
            <dt>Spread</dt>
            <dd>{s.n < 2 ? '—' : `${s.max}${s.widest ? ` (${LABEL[s.widest]})` : ''}`}</dd>
          </div>
          <div>
            <dt>Exp. ROTI</dt>
            <dd>{item.expectedRoti == null ? '—' : item.expectedRoti.toFixed(2)}</dd>
          </div>
        </dl>
        <Who v={v} rows={rows} />
      </div>
      {canEdit(v.ws) ? (
        <div class="m-forms">
          <MyScoreForm v={v} item={item} mine={mine} forms={props.forms} />
          {data.open ? <SelectForm v={v} item={item} open={data.open} forms={props.forms} /> : null}
        </div>
      ) : null}
    </li>
  );
}

function DiscussFirst(props: { data: BacklogData }) {
  const flagged = props.data.items
    .map((item) => {
      const rows = props.data.scores.get(item.id) ?? [];
      return { item, rows, s: spread(rows) };
    })
    .filter((x) => x.s.disagree)
    .sort((a, b) => b.s.max - a.s.max || (a.item.rank ?? 0) - (b.item.rank ?? 0));
  if (flagged.length === 0) return null;
  return (
    <div class="m-discuss">
      <h3>Discuss first</h3>
      <p class="muted small">
        The team's scores are furthest apart on these: hear the high and the low scorer.
      </p>
      <ol>
        {flagged.map(({ item, rows, s }) => (
          <li>
            <a href={`#mb-${item.id}`}>{item.title}</a> — {widestRange(s, rows)} (spread {s.max})
          </li>
        ))}
      </ol>
    </div>
  );
}

export function BacklogSection(props: { v: Viewer; data: BacklogData; forms: Forms }) {
  const { v, data } = props;
  const base = `/w/${v.ws.slug}`;
  const other = data.sort === 'ice' ? 'roti' : 'ice';
  return (
    <Section
      k="backlog"
      n={5}
      title="Score the backlog"
      lede={
        data.total
          ? `Top ${Math.min(data.total, data.items.length)} of ${data.total}, ranked by ${data.sort === 'roti' ? 'expected ROTI' : 'ICE'}: each member scores on their own; the team's score is the mean.`
          : undefined
      }
    >
      <p class="m-sort">
        Rank by:{' '}
        {data.sort === 'ice' ? (
          <strong>ICE</strong>
        ) : (
          <a href={`${meetingUrl(v.ws, { ...v.view, sort: 'ice' })}#m-backlog`}>ICE</a>
        )}{' '}
        ·{' '}
        {data.sort === 'roti' ? (
          <strong>expected ROTI</strong>
        ) : (
          <a href={`${meetingUrl(v.ws, { ...v.view, sort: other })}#m-backlog`}>expected ROTI</a>
        )}
      </p>
      {!data.open && canEdit(v.ws) && data.items.length ? (
        <p class="muted">
          To select items, first <a href="#m-batch">create the next batch</a>.
        </p>
      ) : null}
      <DiscussFirst data={data} />
      {data.items.length === 0 ? (
        <Empty>
          <p>
            The backlog is empty. Accept drafts above, or write a hypothesis: “If we …, then &lt;input
            metric&gt; will …, because …”.{' '}
            {canEdit(v.ws) ? <a href={`${base}/hypotheses/new`}>New hypothesis</a> : null}
          </p>
        </Empty>
      ) : (
        <ol class="m-list m-backlog">
          {data.items.map((item) => (
            <Row v={v} item={item} data={data} forms={props.forms} />
          ))}
        </ol>
      )}
      {data.total > data.items.length ? (
        <p class="muted">
          {data.total - data.items.length} more on the <a href={`${base}/backlog`}>backlog page</a>.
        </p>
      ) : null}
    </Section>
  );
}
