import type { Hypothesis, Workspace } from '../../db/schema';
import { sourceLabel } from '../../src/drafts/labels';
import type { ProvenanceExperiment, ProvenanceLearning, ProvenanceTwin } from '../../src/drafts/provenance';

// Where a drafted hypothesis came from, kept once it is accepted (issue 6, point 5): its drafter and rule,
// why each score was suggested, and the learnings and experiments it built on (links). Used on the run page,
// the triage list and the hypothesis page.

type Props = {
  h: Pick<Hypothesis, 'draftSource' | 'draftRule' | 'scoreReasons' | 'duplicateOfId' | 'draftRunId'>;
  ws: Pick<Workspace, 'slug'>;
  learnings: ProvenanceLearning[];
  experiments: ProvenanceExperiment[];
  twin?: ProvenanceTwin;
  /** The run page already says which run it is. */
  hideRun?: boolean;
};

export function DraftProvenance(props: Props) {
  const { h, ws, learnings, experiments, twin } = props;
  if (h.draftSource == null) return null;
  const base = `/w/${ws.slug}`;
  const reasons = h.scoreReasons;
  return (
    // Not a named region: a list of drafts would repeat one landmark name per card (axe: landmark-unique).
    <div class="draft-provenance">
      <p class="draft-source">
        Drafted by <strong>{sourceLabel(h.draftSource, h.draftRule)}</strong>
        {h.draftRunId && !props.hideRun ? (
          <>
            {' '}
            in <a href={`${base}/drafts/runs/${h.draftRunId}`}>run #{h.draftRunId}</a>
          </>
        ) : null}
        .
      </p>
      {reasons ? (
        <dl class="draft-reasons">
          <dt>Impact</dt>
          <dd>{reasons.impact}</dd>
          <dt>Confidence</dt>
          <dd>{reasons.confidence}</dd>
          <dt>Ease</dt>
          <dd>{reasons.ease}</dd>
        </dl>
      ) : null}
      {learnings.length || experiments.length ? (
        <div class="draft-basis">
          <span>Builds on:</span>
          <ul>
            {learnings.map((l) => (
              <li>
                learning <a href={`${base}/learnings#l-${l.id}`}>#{l.id}</a> “{l.statement}” ({l.status})
              </li>
            ))}
            {experiments.map((e) => (
              <li>
                experiment <a href={`${base}/hypotheses/${e.id}`}>#{e.id}</a> {e.title}
                {e.result ? ` (${e.result})` : null}
              </li>
            ))}
          </ul>
        </div>
      ) : (
        <p class="muted">It does not build on a specific learning or experiment.</p>
      )}
      {twin ? <TwinFlag ws={ws} twin={twin} /> : null}
    </div>
  );
}

export function TwinFlag(props: { ws: Pick<Workspace, 'slug'>; twin: ProvenanceTwin }) {
  const { twin } = props;
  return (
    <p class="draft-twin" role="note">
      <span aria-hidden="true">⚠ </span>
      Looks like <a href={`/w/${props.ws.slug}/hypotheses/${twin.id}`}>#{twin.id}</a> {twin.title}
      {twin.status === 'done' || twin.status === 'rejected' ? ` (${twin.status})` : null}
    </p>
  );
}
