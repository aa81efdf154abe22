import type { Hypothesis, Metric, Workspace } from '../../db/schema';
import type { LearningWithExperiments } from '../../src/learnings/learnings';
import type { LeverHint } from '../../src/levers/hints';
import { ICE_MAX, ICE_MIN, type IceScores } from '../../src/scoring/scores';
import { fmt, fmtIce, fmtLift, LearningPill, OutcomePill } from '../components/badges';
import { ErrorSummary, type FormState, Input, Select, TextArea } from '../components/form';
import { ConfidenceHint, EstimateHint } from '../levers/hints';

export function hypothesisValues(h: Hypothesis & { tags: string[] }): Record<string, string> {
  const s = (n: number | null) => (n == null ? '' : String(n));
  return {
    title: h.title,
    change: h.change,
    outcome: h.outcome,
    expectedLift: s(h.expectedLift),
    rationale: h.rationale,
    metricId: String(h.metricId),
    tags: h.tags.join(', '),
    owner: h.owner,
    impact: String(h.impact),
    confidence: String(h.confidence),
    ease: String(h.ease),
    estimatedDays: s(h.estimatedDays),
    version: String(h.version),
  };
}

/**
 * The scores a member's form holds: their own, or (when they have not scored yet) the team's means rounded
 * to whole numbers, since a member's own score is a whole number 1–10.
 */
export function myFormScores(team: IceScores, mine?: IceScores): Record<keyof IceScores, string> {
  const src = mine ?? {
    impact: Math.round(team.impact),
    confidence: Math.round(team.confidence),
    ease: Math.round(team.ease),
  };
  return { impact: String(src.impact), confidence: String(src.confidence), ease: String(src.ease) };
}

/** The edit form's values: the hypothesis, with the member's own scores in place of the team's means. */
export function editValues(h: Hypothesis & { tags: string[] }, mine?: IceScores): Record<string, string> {
  return { ...hypothesisValues(h), ...myFormScores(h, mine) };
}

/**
 * What the team has learned about the chosen input metric, with the closed experiments behind each
 * learning: shown beside the form so the next hypothesis starts from evidence, not from scratch.
 * Swapped by htmx when the metric changes.
 */
export function LearningsPanel(props: {
  ws: Workspace;
  metric?: Metric;
  learnings: LearningWithExperiments[];
  excludeId?: number;
}) {
  const { ws, metric } = props;
  return (
    <aside
      id="learnings-panel"
      class="learnings-panel"
      aria-live="polite"
      aria-labelledby="learnings-panel-title"
    >
      <h2 id="learnings-panel-title">{metric ? `What we’ve learned about ${metric.name}` : 'Learnings'}</h2>
      {!metric ? (
        <p class="muted">Choose the input metric and the learnings recorded for it appear here.</p>
      ) : props.learnings.length === 0 ? (
        <p class="muted">
          No learnings on this lever yet. Closing an experiment records one; the first result here will
          calibrate the next hypotheses.
        </p>
      ) : (
        <ul class="learning-list">
          {props.learnings.map((l) => (
            <li>
              <p>
                <LearningPill status={l.status} /> {l.statement}
              </p>
              {l.experiments.filter((e) => e.id !== props.excludeId).length ? (
                <ul class="experiments">
                  {l.experiments
                    .filter((e) => e.id !== props.excludeId)
                    .map((e) => (
                      <li>
                        {e.relation === 'contradicts' ? 'Contradicted by ' : 'From '}
                        <a href={`/w/${ws.slug}/hypotheses/${e.id}`}>{e.title}</a>{' '}
                        <OutcomePill outcome={e.result as never} />{' '}
                        {e.lift != null ? <span class="muted">lift {fmtLift(e.lift)}</span> : null}
                      </li>
                    ))}
                </ul>
              ) : null}
            </li>
          ))}
        </ul>
      )}
      {metric ? (
        <p>
          <a href={`/w/${ws.slug}/learnings?metricId=${metric.id}`}>All learnings on {metric.name}</a>
        </p>
      ) : null}
    </aside>
  );
}

const scoreHint = {
  impact: 'How much will it move the metric if it works?',
  confidence: 'How sure are you it will work? The lever’s record is just below.',
  ease: 'How cheap is it to run? 10 = an afternoon.',
};

/** The team's means beside a member's own scores (the edit form). */
export type TeamLine = IceScores & { ice: number; scorers: number };

/** What the scores part of the form shows besides the member's own inputs. */
export type ScoresContext = {
  /** The team's means and how many members scored (edit form; none on the new form). */
  team?: TeamLine;
  /** Whether these are the member's own saved scores (false: prefilled from the team's rounded means). */
  mine: boolean;
  /** A closed experiment keeps the scores it closed with: shown, not editable. */
  locked?: boolean;
};

/** The fields of a hypothesis, shared by the new and edit forms. */
export function HypothesisFieldset(props: {
  ws: Workspace;
  state: FormState;
  inputs: Metric[];
  /** The URL htmx asks for the learnings panel (and the calibration hints) when the metric changes. */
  panelUrl: string;
  /** The chosen metric's closed experiments, for the hints beside Confidence and the estimate. */
  metric?: Metric;
  hint?: LeverHint;
  scores?: ScoresContext;
}) {
  const s = props.state;
  const options = props.inputs.map((m) => ({ value: String(m.id), label: m.name }));
  const scores = props.scores ?? { mine: true };
  const team = scores.team;
  return (
    <>
      <ErrorSummary state={s} />
      <Input
        name="title"
        label="Title"
        state={s}
        required
        maxLength={140}
        placeholder="Checklist on the empty project page"
      />
      <TextArea
        name="change"
        label="If we …"
        state={s}
        required
        maxLength={2000}
        rows={2}
        placeholder="add a 3-step setup checklist to the empty project page"
      />
      <div class="row">
        <Select
          name="metricId"
          label="then (input metric)"
          state={s}
          required
          placeholder="Choose the input metric…"
          options={options}
          attrs={{
            'hx-get': props.panelUrl,
            'hx-trigger': 'change',
            'hx-target': '#learnings-panel',
            'hx-swap': 'outerHTML',
            'hx-include': 'this',
          }}
        />
        <Input
          name="expectedLift"
          label="will move by (expected lift, %)"
          state={s}
          type="number"
          step="any"
          placeholder="5"
          hint="Negative for a drop (e.g. churn -2)."
        />
      </div>
      <TextArea
        name="outcome"
        label="will … (the expected outcome)"
        state={s}
        required
        maxLength={2000}
        rows={2}
        placeholder="rise, because more new teams reach their first shared project"
      />
      <TextArea
        name="rationale"
        label="because …"
        state={s}
        required
        maxLength={2000}
        rows={2}
        placeholder="interviews show new admins do not know what to do first"
      />
      <fieldset class="scores">
        <legend>{scores.locked ? 'Scores it closed with' : 'Your scores'}</legend>
        {team ? (
          <p class="team-line">
            Team: Impact <strong>{fmt(team.impact)}</strong> · Confidence{' '}
            <strong>{fmt(team.confidence)}</strong> · Ease <strong>{fmt(team.ease)}</strong> · ICE{' '}
            <strong>{fmtIce(team.ice, props.ws.iceMode)}</strong>{' '}
            <span class="muted">
              {team.scorers === 0
                ? '(nobody has scored it yet)'
                : `(the mean of ${team.scorers} ${team.scorers === 1 ? 'member’s scores' : 'members’ scores'})`}
            </span>
          </p>
        ) : null}
        {scores.locked ? (
          <p class="muted">
            A closed experiment keeps the scores it closed with: calibration compares them with what happened.
          </p>
        ) : !scores.mine ? (
          <p class="muted">
            You have not scored this yet: your scores start from the team’s means, rounded. Saving makes them
            yours.
          </p>
        ) : null}
        <div class="row">
          {scores.locked
            ? null
            : (['impact', 'confidence', 'ease'] as const).map((k) =>
                k === 'confidence' ? (
                  <div class="field-with-hint">
                    <Input
                      name={k}
                      label="Confidence"
                      state={s}
                      type="number"
                      min={ICE_MIN}
                      max={ICE_MAX}
                      step="1"
                      required
                      hint={scoreHint[k]}
                    />
                    <ConfidenceHint ws={props.ws} metric={props.metric} hint={props.hint} />
                  </div>
                ) : (
                  <Input
                    name={k}
                    label={k[0]?.toUpperCase() + k.slice(1)}
                    state={s}
                    type="number"
                    min={ICE_MIN}
                    max={ICE_MAX}
                    step="1"
                    required
                    hint={scoreHint[k]}
                  />
                ),
              )}
          <div class="field-with-hint">
            <Input
              name="estimatedDays"
              label="Estimated person-days"
              state={s}
              type="number"
              step="any"
              min={0.1}
              hint="Needed to pick it into a batch and for expected ROTI."
            />
            <EstimateHint metric={props.metric} hint={props.hint} />
          </div>
        </div>
      </fieldset>
      <div class="row">
        <Input
          name="tags"
          label="Tags"
          state={s}
          maxLength={400}
          hint="Comma-separated, e.g. onboarding, email"
        />
        <Input name="owner" label="Owner" state={s} maxLength={80} />
      </div>
    </>
  );
}
