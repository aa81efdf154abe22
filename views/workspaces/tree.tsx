import type { LearningStatus, Metric } from '../../db/schema';
import type { MemberWorkspace } from '../../src/accounts/members';
import type { Correlation } from '../../src/measurements/correlation';
import type { Tile } from '../../src/measurements/tiles';
import type { MetricCounts } from '../../src/metrics/metrics';
import { checklistScore } from '../../src/metrics/north-star';
import { ACTIVE_INPUTS_ADVISED } from '../../src/metrics/schemas';
import { canEdit, isOwner } from '../components/access';
import { LearningPill } from '../components/badges';
import { TileFigures } from '../components/kpi-tile';
import { Layout } from '../layout';

export type TreeInput = Metric & {
  counts: MetricCounts;
  learnings: { id: number; statement: string; status: LearningStatus }[];
  tile: Tile;
  /** Its link with the North Star (absent when there is no North Star). */
  correlation?: Correlation;
};

export type TreeProps = {
  ws: MemberWorkspace;
  northStar?: Metric;
  northStarTile?: Tile;
  inputs: TreeInput[];
};

export function ChecklistBadge(props: { northStar: Metric }) {
  const { passed, answered, total } = checklistScore(props.northStar.checklist);
  const tone = passed === total ? 'good' : answered < total ? 'neutral' : 'warn';
  return (
    <span class={`badge ${tone}`} title={`${answered} of ${total} answered`}>
      {passed}/{total} checks pass
    </span>
  );
}

/** "Does this input drive the North Star?": the reading, r and n, and the caution when there are few pairs. */
function CorrelationNote(props: { input: Metric; c: Correlation }) {
  const { input, c } = props;
  const word = c.unit === 'week' ? 'week' : 'day';
  const pairs = `${c.n} paired ${word}${c.n === 1 ? '' : 's'}`;
  return (
    <div class="correlation">
      <h3>Moves with the North Star?</h3>
      <p>
        <strong class={`corr-reading${c.r == null ? ' muted' : ''}`}>{c.reading}</strong>
        {c.r != null ? (
          <span class="corr-figures">
            {' '}
            (r = {c.r.toFixed(2).replace('-', '−')} over {pairs})
          </span>
        ) : c.n > 0 ? (
          <span class="corr-figures"> ({pairs})</span>
        ) : null}
        {c.hoped === false ? (
          <span class="corr-hope">
            {' '}
            — not the way you would hope: when {input.name} gets better, the North Star tends to get worse.
          </span>
        ) : c.hoped && c.r != null && c.r < 0 ? (
          <span class="corr-hope"> — as hoped, since lower is better for {input.name}.</span>
        ) : null}
      </p>
      {c.caution ? (
        <p class="corr-caution">{c.caution}</p>
      ) : (
        <p class="corr-caution muted">
          Changes from {word} to {word}, compared. A correlation is not proof that this input drives the North
          Star.
        </p>
      )}
    </div>
  );
}

/** The workspace home: the North Star on top, its inputs under it, each with its KPI tile, linking on. */
export function TreeFragment(props: TreeProps) {
  const { ws, northStar, inputs } = props;
  const base = `/w/${ws.slug}`;
  const editor = canEdit(ws);
  // The quick grid takes this period's value for every metric at once.
  const addHref = editor ? `${base}/measurements` : undefined;
  return (
    <div id="tree" class="tree">
      {northStar ? (
        <section class="nsm card" aria-labelledby="nsm-name">
          <p class="eyebrow">North Star Metric</p>
          <h1 id="nsm-name">
            <a href={`${base}/north-star`}>{northStar.name}</a>
          </h1>
          {northStar.description ? <p>{northStar.description}</p> : null}
          {props.northStarTile ? (
            <div class="kpi-tile large bare">
              <TileFigures tile={props.northStarTile} addHref={addHref} />
            </div>
          ) : null}
          <p>
            <ChecklistBadge northStar={northStar} />{' '}
            <a href={`${base}/north-star`}>Review the North Star checklist</a>
            {' · '}
            <a href={`${base}/metrics/${northStar.id}`}>Values and chart</a>
          </p>
        </section>
      ) : isOwner(ws) ? (
        <section class="nsm card empty">
          <h1>Name your North Star</h1>
          <p>Every input metric and experiment here ladders up to one number. Start by naming it.</p>
          <a class="button" href={`${base}/north-star`}>
            Name the North Star
          </a>
        </section>
      ) : (
        <section class="nsm card empty">
          <h1>No North Star yet</h1>
          <p>
            Every input metric and experiment here ladders up to one number, and the owners of {ws.name} have
            not named it yet. Ask one of them to.
          </p>
        </section>
      )}
      {inputs.length > ACTIVE_INPUTS_ADVISED ? (
        <p class="alert warn" role="status">
          {inputs.length} active input metrics: more than {ACTIVE_INPUTS_ADVISED} spreads the team thin.
          {editor ? (
            <>
              {' '}
              Consider archiving the weakest levers on the <a href={`${base}/metrics`}>metrics page</a>.
            </>
          ) : null}
        </p>
      ) : null}
      {inputs.length === 0 ? (
        <div class="empty card">
          <h2>No input metrics yet</h2>
          <p>
            Input metrics are the 2–4 levers the team can move that drive the North Star (activation rate,
            invite conversion…). Every hypothesis targets one.
          </p>
          {editor ? (
            <a class="button" href={`${base}/metrics`}>
              Add input metrics
            </a>
          ) : (
            <p class="muted">Editors and owners add them on the metrics page.</p>
          )}
        </div>
      ) : (
        <ul class="inputs" aria-label="Input metrics">
          {inputs.map((m) => (
            <li class="card input-node">
              <h2>
                <a href={`${base}/backlog?metricId=${m.id}`}>{m.name}</a>
              </h2>
              <div class="kpi-tile bare">
                <TileFigures tile={m.tile} addHref={addHref} />
              </div>
              {m.correlation ? <CorrelationNote input={m} c={m.correlation} /> : null}
              <dl class="counts">
                <div>
                  <dt>
                    <a href={`${base}/backlog?metricId=${m.id}&status=backlog`}>Backlog</a>
                  </dt>
                  <dd>{m.counts.backlog}</dd>
                </div>
                <div>
                  <dt>
                    <a href={`${base}/backlog?metricId=${m.id}&status=running`}>Running</a>
                  </dt>
                  <dd>{m.counts.running}</dd>
                </div>
                <div>
                  <dt>
                    <a href={`${base}/backlog?metricId=${m.id}&status=done&result=won`}>Won</a>
                  </dt>
                  <dd>{m.counts.won}</dd>
                </div>
                <div>
                  <dt>
                    <a href={`${base}/backlog?metricId=${m.id}&status=done&result=lost`}>Lost</a>
                  </dt>
                  <dd>{m.counts.lost}</dd>
                </div>
              </dl>
              <h3>Latest learnings</h3>
              {m.learnings.length === 0 ? (
                <p class="muted">
                  {editor ? 'None yet: close an experiment on this lever to record one.' : 'None yet.'}
                </p>
              ) : (
                <ul class="learning-list">
                  {m.learnings.map((l) => (
                    <li>
                      <LearningPill status={l.status} /> {l.statement}
                    </li>
                  ))}
                </ul>
              )}
              <p class="links">
                <a href={`${base}/metrics/${m.id}`}>Values and chart</a>
                {' · '}
                <a href={`${base}/learnings?metricId=${m.id}`}>All learnings</a>
                {editor ? (
                  <>
                    {' · '}
                    <a href={`${base}/hypotheses/new?metricId=${m.id}`}>New hypothesis</a>
                    {' · '}
                    <a href={`${base}/drafts?metricId=${m.id}`}>Draft hypotheses</a>
                  </>
                ) : null}
              </p>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}

export function TreePage(props: TreeProps) {
  return (
    <Layout title="North Star" ws={props.ws} nav="tree">
      <TreeFragment {...props} />
    </Layout>
  );
}
