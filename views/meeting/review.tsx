import { OUTCOMES } from '../../db/schema';
import { weekLabel } from '../../src/batches/weeks';
import type { LearningWithExperiments } from '../../src/learnings/learnings';
import type { ReviewData, ReviewItem } from '../../src/meeting/data';
import { suggestedReturn } from '../../src/scoring/scores';
import { canEdit } from '../components/access';
import { fmt, fmtDate, fmtLift } from '../components/badges';
import { emptyForm, type FormState, Input, Select, TextArea } from '../components/form';
import { Empty, type Forms, MeetingForm, Section, type Viewer } from './shared';

// b) Review: what ran since the last meeting, each closable in place with its result and what was learned.

export const closeFormKey = (id: number) => `close-${id}`;

/** The close form's starting values: actual days = the estimate, return left to the suggestion. */
export function closeFormDefaults(h: { estimatedDays: number | null; version: number }) {
  return {
    outcome: 'won',
    actualDays: h.estimatedDays == null ? '' : String(h.estimatedDays),
    newStatus: 'emerging',
    linkRelation: 'supports',
    version: String(h.version),
  };
}

const capital = (s: string) => s[0]?.toUpperCase() + s.slice(1);

function CloseForm(props: {
  v: Viewer;
  h: ReviewItem;
  learnings: LearningWithExperiments[];
  state: FormState;
}) {
  const { v, h, state: s } = props;
  const p = `c${h.id}-`;
  const unit = h.metricUnit || 'value';
  const winReturn = suggestedReturn({ outcome: 'won', impact: h.impact });
  const failed = Object.keys(s.errors).length > 0;
  return (
    <details class="m-close" open={failed}>
      <summary>
        Close with a result<span class="sr-only">: {h.title}</span>
      </summary>
      <MeetingForm
        v={v}
        id={`close-form-${h.id}`}
        action={`/hypotheses/${h.id}/close`}
        section="review"
        class="stack"
        label={`Close ${h.title}`}
      >
        {failed ? (
          <p class="alert error" role="alert">
            Not closed: please fix the fields marked below.
          </p>
        ) : null}
        <input type="hidden" name="version" value={s.values.version ?? String(h.version)} />
        <div class="row">
          <Select
            id={`${p}outcome`}
            name="outcome"
            label="Outcome"
            state={s}
            required
            options={OUTCOMES.map((o) => ({ value: o, label: capital(o) }))}
          />
          <Input
            id={`${p}baseline`}
            name="baseline"
            label={`Baseline (${unit})`}
            state={s}
            type="number"
            step="any"
          />
          <Input
            id={`${p}observed`}
            name="observed"
            label={`Observed (${unit})`}
            state={s}
            type="number"
            step="any"
          />
          <Input
            id={`${p}actualDays`}
            name="actualDays"
            label="Actual person-days"
            state={s}
            type="number"
            step="any"
            min={0}
            required
          />
          <Input
            id={`${p}return`}
            name="return"
            label="Return (0–10)"
            state={s}
            type="number"
            step="any"
            min={0}
            max={10}
            hint={`Leave blank for the suggestion: a win returns its Impact (${fmt(winReturn)}) scaled by observed ÷ expected lift, capped at 10; invalid returns 0. For lost, inconclusive or stopped, say what the learning was worth.`}
          />
        </div>
        <TextArea
          id={`${p}newStatement`}
          name="newStatement"
          label="What did we learn? (a new learning)"
          state={s}
          rows={2}
          maxLength={1000}
        />
        <div class="row">
          <Select
            id={`${p}newStatus`}
            name="newStatus"
            label="Its status"
            state={s}
            options={['emerging', 'supported', 'confirmed', 'rejected'].map((x) => ({
              value: x,
              label: capital(x),
            }))}
          />
          {props.learnings.length ? (
            <>
              <Select
                id={`${p}linkLearningId`}
                name="linkLearningId"
                label={`…or an existing learning on ${h.metricName}`}
                state={s}
                placeholder="None"
                options={props.learnings.map((l) => ({ value: String(l.id), label: l.statement }))}
              />
              <Select
                id={`${p}linkRelation`}
                name="linkRelation"
                label="This result…"
                state={s}
                options={[
                  { value: 'supports', label: 'supports it' },
                  { value: 'contradicts', label: 'contradicts it' },
                ]}
              />
            </>
          ) : null}
        </div>
        <button type="submit">
          Close experiment<span class="sr-only">: {h.title}</span>
        </button>
      </MeetingForm>
    </details>
  );
}

function Item(props: { v: Viewer; h: ReviewItem; data: ReviewData; forms: Forms }) {
  const { v, h } = props;
  const base = `/w/${v.ws.slug}`;
  const state = props.forms[closeFormKey(h.id)] ?? emptyForm(closeFormDefaults(h));
  return (
    <li id={`mr-${h.id}`} class="m-item">
      <div class="m-item-head">
        <a class="title" href={`${base}/hypotheses/${h.id}`}>
          {h.title}
        </a>
        <span class="meta">
          {h.metricName} · expected {fmtLift(h.expectedLift)} · estimated {fmt(h.estimatedDays)} d · running
          since {fmtDate(h.startedAt)}
        </span>
      </div>
      {canEdit(v.ws) ? (
        <CloseForm v={v} h={h} learnings={props.data.closeLearnings.get(h.metricId) ?? []} state={state} />
      ) : null}
    </li>
  );
}

export function ReviewSection(props: { v: Viewer; data: ReviewData; forms: Forms }) {
  const { v, data } = props;
  const count = data.groups.reduce((n, g) => n + g.items.length, 0);
  return (
    <Section
      k="review"
      n={2}
      title="Review what ran"
      lede={count ? 'Close each experiment with its result and what the team learned.' : undefined}
    >
      {count === 0 ? (
        <Empty>
          <p>
            Nothing is running. Experiments run once their batch starts (“Start batch” below ends the
            meeting); next week they are reviewed and closed here, and what they taught appears under
            Learnings.
          </p>
        </Empty>
      ) : (
        data.groups.map((g) => (
          <div class="m-group">
            <h3>{g.week ? weekLabel(g.week) : 'Started outside a batch'}</h3>
            <ul class="m-list">
              {g.items.map((h) => (
                <Item v={v} h={h} data={data} forms={props.forms} />
              ))}
            </ul>
          </div>
        ))
      )}
    </Section>
  );
}
