import { raw } from 'hono/html';
import { type Metric, OUTCOMES } from '../../db/schema';
import type { MemberWorkspace } from '../../src/accounts/members';
import { STATUS_LABELS } from '../../src/hypotheses/lifecycle';
import type { MemberScoreRow } from '../../src/hypotheses/member-scores';
import type { RankedItem } from '../../src/hypotheses/ranking';
import type { ListQuery } from '../../src/hypotheses/schemas';
import type { Lever } from '../../src/levers/levers';
import { canEdit, ReadOnlyNote } from '../components/access';
import { Banner } from '../components/badges';
import { emptyForm, Input, Select } from '../components/form';
import { Layout } from '../layout';
import { BacklogRow, backlogQuery, type RowContext, type RowNotice } from './backlog-row';
import { memoHtml, rowMemo } from './row-memo';

export { backlogQuery, type RowNotice } from './backlog-row';

/** Everyone's scores for the listed hypotheses, the levers' record, and who is looking. */
export type BacklogScores = {
  scores: Map<number, MemberScoreRow[]>;
  levers: Map<number, Lever>;
  /** The signed-in member, whose own scores the inline forms hold. */
  userId?: number;
};

// The rows of one list as HTML, kept with the list they were rendered from: after a rescoring the htmx
// answer renders the re-ranked rows, and the next page (the same list, kept per data version by
// src/cache/workspace-memo.ts) joins the same strings instead of rendering 50 rows again. Kept on the items
// array itself (a WeakMap: it goes with the list), under everything else the rows are made of.
const rowsKept = new WeakMap<
  RankedItem[],
  {
    context: string;
    scores: BacklogScores['scores'];
    levers: BacklogScores['levers'];
    rows: string[];
    /** The rows joined, once (a 100 KB copy otherwise made by every page that lists them). */
    html: string;
  }
>();

/** The listed rows' HTML; the row a notice is about is rendered afresh with it, in its place. */
function listedRows(
  props: BacklogScores & { items: RankedItem[]; notice?: RowNotice },
  ctx: RowContext,
  mineOf: (id: number) => MemberScoreRow | undefined,
): string {
  const row = (item: RankedItem, notice?: RowNotice) =>
    String(
      <BacklogRow
        ctx={ctx}
        item={item}
        scores={props.scores.get(item.id) ?? []}
        mine={mineOf(item.id)}
        lever={props.levers.get(item.metricId)}
        notice={notice}
      />,
    );
  const { items, notice } = props;
  const flagged = notice ? items.findIndex((item) => item.id === notice.id) : -1;
  const item = items[flagged];
  if (!rowMemo.enabled()) return items.map((each) => row(each, each === item ? notice : undefined)).join('');
  const context = `${JSON.stringify(ctx)}\n${props.userId ?? ''}`;
  let kept = rowsKept.get(items);
  if (!kept || kept.context !== context || kept.scores !== props.scores || kept.levers !== props.levers) {
    const rows = items.map((each) => row(each));
    kept = { context, scores: props.scores, levers: props.levers, rows, html: rows.join('') };
    rowsKept.set(items, kept);
  }
  return item ? kept.rows.with(flagged, row(item, notice)).join('') : kept.html;
}

/** The ranked list: the fragment htmx swaps after filtering or rescoring. */
export function BacklogResults(
  props: BacklogScores & {
    ws: MemberWorkspace;
    q: ListQuery;
    items: RankedItem[];
    total: number;
    notice?: RowNotice;
  },
) {
  const { ws, q, items, total } = props;
  const mineOf = (id: number) => props.scores.get(id)?.find((m) => m.userId === props.userId);
  // A refusal about a row this view does not list (a closed experiment, say) still needs to be seen.
  const loose = props.notice && !items.some((i) => i.id === props.notice?.id) ? props.notice : undefined;
  const editor = canEdit(ws);
  const ctx: RowContext = { ws, q, editor };
  // A closed experiment keeps the scores it closed with (a save would be refused): shown, not an input.
  const rescorable = (item: RankedItem) => editor && item.status !== 'done';
  const base = `/w/${ws.slug}`;
  const page = (offset: number) => `${base}/backlog?${backlogQuery({ ...q, offset })}`;
  return (
    <section id="backlog-results" aria-live="polite" aria-label="Ranked hypotheses">
      <p class="muted count">
        {total === 0
          ? 'No hypotheses match.'
          : `Showing ${q.offset + 1}–${q.offset + items.length} of ${total}, ranked by the team’s ${q.sort === 'roti' ? 'expected ROTI' : 'ICE'}.`}
      </p>
      {loose ? (
        <p class={`alert ${loose.tone}`} role={loose.tone === 'ok' ? 'status' : 'alert'}>
          {loose.message}
        </p>
      ) : null}
      {items.length === 0 ? (
        <div class="empty card">
          {q.q || q.tag || q.metricId || q.result ? (
            <p>
              Nothing matches these filters. <a href={`${base}/backlog`}>Clear the filters</a>.
            </p>
          ) : (
            <p>
              {q.status === 'backlog' || !q.status
                ? editor
                  ? 'The backlog is empty. Write a hypothesis: “If we …, then <input metric> will …, because …”.'
                  : 'The backlog is empty: the hypotheses the team writes will be ranked here.'
                : `No ${q.status} hypotheses.`}
              {editor ? (
                <>
                  {' '}
                  <a href={`${base}/hypotheses/new`}>New hypothesis</a>
                </>
              ) : null}
            </p>
          )}
        </div>
      ) : (
        <ol class="backlog">
          <li class="backlog-head" aria-hidden="true">
            <span>Rank</span>
            <span>Hypothesis</span>
            <span>{items.some(rescorable) ? 'Your scores (I · C · E)' : 'Team scores (I · C · E)'}</span>
            <span class="num">ICE</span>
            <span class="num">Exp. ROTI</span>
            <span class="num">Lever ROTI</span>
          </li>
          {raw(listedRows(props, ctx, mineOf))}
        </ol>
      )}
      {total > q.limit ? (
        <nav class="pager" aria-label="Pages">
          {q.offset > 0 ? <a href={page(Math.max(0, q.offset - q.limit))}>← Previous</a> : <span />}
          {q.offset + q.limit < total ? <a href={page(q.offset + q.limit)}>Next →</a> : <span />}
        </nav>
      ) : null}
    </section>
  );
}

const STATUS_FILTERS: { value: string; label: string }[] = [
  { value: 'all', label: 'All statuses' },
  ...(['draft', 'backlog', 'selected', 'running', 'done', 'parked', 'rejected'] as const).map((s) => ({
    value: s,
    label: STATUS_LABELS[s],
  })),
];

type FilterBarData = {
  base: string;
  values: Record<'q' | 'metricId' | 'tag' | 'status' | 'result' | 'sort', string>;
  inputs: { value: string; label: string }[];
  tags: string[];
};

/** The filter bar: an ordinary form whose values are the current query. */
function FilterBar(props: FilterBarData) {
  const filters = emptyForm(props.values);
  return (
    <search>
      <form
        id="backlog-filters"
        class="filters"
        method="get"
        action={`${props.base}/backlog`}
        hx-get={`${props.base}/backlog`}
        hx-trigger='input changed delay:300ms from:"find input", change'
        hx-target="#backlog-results"
        hx-swap="outerHTML"
        hx-push-url="true"
      >
        <Input
          id="q"
          name="q"
          type="search"
          label="Search"
          state={filters}
          maxLength={200}
          placeholder="Title, change, rationale…"
        />
        <Select
          id="metricId"
          name="metricId"
          label="Input metric"
          state={filters}
          placeholder="All input metrics"
          options={props.inputs}
        />
        <Select
          id="tag"
          name="tag"
          label="Tag"
          state={filters}
          placeholder="All tags"
          options={props.tags.map((t) => ({ value: t, label: t }))}
        />
        <Select id="status" name="status" label="Status" state={filters} options={STATUS_FILTERS} />
        <Select
          id="result"
          name="result"
          label="Outcome"
          state={filters}
          placeholder="Any outcome"
          options={OUTCOMES.map((o) => ({ value: o, label: o[0]?.toUpperCase() + o.slice(1) }))}
        />
        <Select
          id="sort"
          name="sort"
          label="Rank by"
          state={filters}
          options={[
            { value: 'ice', label: 'ICE' },
            { value: 'roti', label: 'Expected ROTI' },
          ]}
        />
        <noscript>
          <button type="submit">Apply</button>
        </noscript>
      </form>
    </search>
  );
}

export function BacklogPage(
  props: BacklogScores & {
    ws: MemberWorkspace;
    q: ListQuery;
    inputs: Metric[];
    tags: string[];
    items: RankedItem[];
    total: number;
    notice?: RowNotice;
    /** A page-level notice after a redirect ("Imported 42 hypotheses."). */
    banner?: string;
  },
) {
  const { ws, q } = props;
  const base = `/w/${ws.slug}`;
  // Everything the filter bar is rendered from (it is remembered by it, like the rows).
  const bar: FilterBarData = {
    base,
    values: {
      q: q.q ?? '',
      metricId: q.metricId ? String(q.metricId) : '',
      tag: q.tag ?? '',
      status: q.status ?? 'all',
      result: q.result ?? '',
      sort: q.sort,
    },
    inputs: props.inputs.map((m) => ({ value: String(m.id), label: m.name })),
    tags: props.tags,
  };
  return (
    <Layout title="Backlog" ws={ws} nav="backlog">
      <div class="page-head">
        <h1>Backlog</h1>
        {canEdit(ws) ? (
          <span class="links">
            <a class="button secondary" href={`${base}/drafts`}>
              Draft hypotheses
            </a>{' '}
            <a class="button" href={`${base}/hypotheses/new`}>
              + New hypothesis
            </a>
          </span>
        ) : null}
      </div>
      <Banner tone="ok" message={props.banner} />
      <ReadOnlyNote ws={ws} needs="editor" what="write or rescore hypotheses" />
      <p class="muted small">
        ICE and expected ROTI are the team’s: the mean of every member’s own scores.{' '}
        {canEdit(ws) ? 'The inputs in each row are yours; saving never changes anyone else’s. ' : ''}
        Lever ROTI is what the closed experiments on the same input metric returned per person-day (
        <a href={`${base}/levers`}>all levers</a>).
      </p>
      {memoHtml(JSON.stringify(bar), () => String(<FilterBar {...bar} />))}
      <BacklogResults
        ws={ws}
        q={q}
        items={props.items}
        total={props.total}
        notice={props.notice}
        scores={props.scores}
        levers={props.levers}
        userId={props.userId}
      />
    </Layout>
  );
}
