import { weekLabel } from '../../src/batches/weeks';
import type { Correlation } from '../../src/measurements/correlation';
import type { Digest, DigestInput } from '../../src/share/digest';
import { TileFigures } from '../components/kpi-tile';

// The digest's North Star tree: the same cards as the workspace home (so the same styles apply), without
// links into the app, counts of the backlog or anything only members should see.

/**
 * "Does this input drive the North Star?", for readers outside the team: the reading, r and the number of
 * paired changes, and the caution when there are few (same classes as the workspace home's note).
 */
function CorrelationNote(props: { name: string; c: Correlation | null }) {
  const { c } = props;
  if (!c) return null;
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
        ) : null}
        {c.hoped === false ? (
          <span class="corr-hope">
            {' '}
            — when {props.name} gets better, the North Star has tended to get worse.
          </span>
        ) : null}
      </p>
      <p class="corr-caution muted">
        {c.caution ??
          `Changes from ${word} to ${word}, compared. A correlation is not proof that this input drives the North Star.`}
      </p>
    </div>
  );
}

export function Tree(props: { digest: Digest }) {
  const { northStar, inputs, week } = props.digest;
  const asOf =
    week.week === week.current
      ? 'Latest values.'
      : `Values as they stood at the end of ${weekLabel(week.week)}.`;
  return (
    <section class="stack" aria-labelledby="digest-tree">
      <h2 id="digest-tree">North Star and its inputs</h2>
      <p class="muted">
        The one number the team steers by, and the input metrics it works on to move it. {asOf}
      </p>
      <div class="tree">
        {northStar ? (
          <section class="nsm card" aria-labelledby="digest-nsm">
            <p class="eyebrow">North Star Metric</p>
            <h3 id="digest-nsm">{northStar.metric.name}</h3>
            {northStar.metric.description ? <p>{northStar.metric.description}</p> : null}
            <div class="kpi-tile large bare">
              <TileFigures tile={northStar} />
            </div>
          </section>
        ) : (
          <p class="empty">The team has not named its North Star yet.</p>
        )}
        {inputs.length ? (
          <ul class="inputs" aria-label="Input metrics">
            {inputs.map((i: DigestInput) => (
              <li class="card input-node">
                <h3>{i.tile.metric.name}</h3>
                <div class="kpi-tile bare">
                  <TileFigures tile={i.tile} />
                </div>
                <CorrelationNote name={i.tile.metric.name} c={i.correlation} />
              </li>
            ))}
          </ul>
        ) : (
          <p class="empty">No input metrics yet.</p>
        )}
      </div>
    </section>
  );
}
