import type { Metric, Workspace } from '../../db/schema';
import type { LearningWithExperiments } from '../../src/learnings/learnings';
import type { LeverHint } from '../../src/levers/hints';
import type { FormState } from '../components/form';
import { Layout } from '../layout';
import { HypothesisFieldset, LearningsPanel } from './form';

export function NewHypothesisPage(props: {
  ws: Workspace;
  inputs: Metric[];
  form: FormState;
  metric?: Metric;
  learnings: LearningWithExperiments[];
  /** The chosen metric's closed experiments, for the calibration hints. */
  hint?: LeverHint;
}) {
  const { ws } = props;
  const base = `/w/${ws.slug}`;
  return (
    <Layout title="New hypothesis" ws={ws} nav="new">
      <h1>New hypothesis</h1>
      {props.inputs.length === 0 ? (
        <div class="empty card">
          <p>
            Every hypothesis targets one input metric, and this workspace has none yet.{' '}
            <a href={`${base}/metrics`}>Add the input metrics</a> that move your North Star first.
          </p>
        </div>
      ) : (
        <div class="with-aside">
          <form method="post" action={`${base}/hypotheses`} class="stack">
            <HypothesisFieldset
              ws={ws}
              state={props.form}
              inputs={props.inputs}
              panelUrl={`${base}/hypotheses/new`}
              metric={props.metric}
              hint={props.hint}
            />
            <div class="row">
              <label class="check">
                <input
                  type="checkbox"
                  name="status"
                  value="draft"
                  checked={props.form.values.status === 'draft'}
                />{' '}
                Save as a draft (needs triage before it joins the backlog)
              </label>
            </div>
            <button type="submit">Add hypothesis</button>
          </form>
          <LearningsPanel ws={ws} metric={props.metric} learnings={props.learnings} />
        </div>
      )}
    </Layout>
  );
}
