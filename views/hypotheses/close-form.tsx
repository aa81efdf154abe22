import { OUTCOMES } from '../../db/schema';
import type { HypothesisWithTags } from '../../src/hypotheses/hypotheses';
import { lift, roti, suggestedReturn } from '../../src/scoring/scores';
import { fmt, fmtLift } from '../components/badges';
import { ErrorSummary, type FormState, Input, Select, TextArea } from '../components/form';
import type { DetailProps } from './detail';

// Closing a running experiment: the form on its page, and the live preview of lift, suggested return and
// ROTI that htmx asks for while it is filled in.

/** The close form's default values: return pre-filled with the suggestion for a win. */
export function closeDefaults(h: HypothesisWithTags): Record<string, string> {
  const suggestion = suggestedReturn({
    outcome: 'won',
    impact: h.impact,
    expectedLift: h.expectedLift,
    observedLift: null,
  });
  return {
    outcome: 'won',
    actualDays: h.estimatedDays == null ? '' : String(h.estimatedDays),
    return: suggestion == null ? '' : String(suggestion),
    returnSuggested: suggestion == null ? '' : String(suggestion),
    newStatus: 'emerging',
    version: String(h.version),
  };
}

/**
 * Lift, suggested return and ROTI for what the close form holds so far. The return input is re-filled
 * with the new suggestion unless the user typed their own value.
 */
export function ClosePreview(props: { h: HypothesisWithTags; state: FormState }) {
  const v = props.state.values;
  const num = (s: string | undefined) =>
    s == null || s.trim() === '' || Number.isNaN(Number(s)) ? null : Number(s);
  const outcome = (OUTCOMES as readonly string[]).includes(v.outcome ?? '')
    ? (v.outcome as (typeof OUTCOMES)[number])
    : 'won';
  const observedLift = lift(num(v.baseline), num(v.observed));
  const suggestion = suggestedReturn({
    outcome,
    impact: props.h.impact,
    expectedLift: props.h.expectedLift,
    observedLift,
  });
  const userTyped = v.return != null && v.return.trim() !== '' && v.return !== (v.returnSuggested ?? '');
  const returnValue = userTyped ? (v.return ?? '') : suggestion == null ? '' : String(suggestion);
  const days = num(v.actualDays);
  const ret = num(returnValue);
  const r = ret != null && days != null && days > 0 ? roti(ret, days) : null;
  const state = { values: { ...v, return: returnValue }, errors: props.state.errors };
  return (
    <div id="close-preview" class="close-preview">
      <input type="hidden" name="returnSuggested" value={suggestion == null ? '' : String(suggestion)} />
      <Input
        name="return"
        label="Return (0–10)"
        state={state}
        type="number"
        min={0}
        max={10}
        step="any"
        hint={
          suggestion == null
            ? `No suggestion for ${outcome}: score what was learned (0–10).`
            : `Suggested ${fmt(suggestion)} (${outcome === 'won' ? 'Impact scaled by observed ÷ expected lift' : 'invalid experiments return nothing'}); change it if you disagree.`
        }
      />
      <p class="figures" aria-live="polite">
        Lift: <strong>{fmtLift(observedLift)}</strong>
        {observedLift == null && num(v.baseline) === 0 ? ' (a baseline of 0 has no relative lift)' : ''} ·
        ROTI: <strong>{r == null ? '—' : `${r.toFixed(2)} per person-day`}</strong>
      </p>
    </div>
  );
}

export function CloseForm(props: DetailProps) {
  const { ws, h, close: s } = props;
  const url = `/w/${ws.slug}/hypotheses/${h.id}`;
  return (
    <section class="panel" aria-labelledby="close-title">
      <h2 id="close-title">Close with a result</h2>
      <form
        id="close-form"
        method="post"
        action={`${url}/close`}
        class="stack"
        hx-post={`${url}/close/preview`}
        hx-trigger="change"
        hx-target="#close-preview"
        hx-swap="outerHTML"
      >
        <ErrorSummary state={s} />
        <input type="hidden" name="version" value={s.values.version ?? String(h.version)} />
        <div class="row">
          <Select
            name="outcome"
            label="Outcome"
            state={s}
            required
            options={OUTCOMES.map((o) => ({ value: o, label: o[0]?.toUpperCase() + o.slice(1) }))}
          />
          <Input
            name="baseline"
            label={`Baseline (${props.metric.unit || 'value'})`}
            state={s}
            type="number"
            step="any"
          />
          <Input
            name="observed"
            label={`Observed (${props.metric.unit || 'value'})`}
            state={s}
            type="number"
            step="any"
          />
          <Input
            name="actualDays"
            label="Actual person-days"
            state={s}
            type="number"
            step="any"
            min={0}
            required
          />
        </div>
        <ClosePreview h={h} state={s} />
        <fieldset>
          <legend>What did we learn? (at least one)</legend>
          <TextArea
            name="newStatement"
            label="A new learning"
            state={s}
            maxLength={1000}
            rows={2}
            placeholder="New admins act on a checklist when it is the first thing they see."
          />
          <Select
            name="newStatus"
            label="Its status"
            state={s}
            options={[
              { value: 'emerging', label: 'Emerging (one experiment)' },
              { value: 'supported', label: 'Supported (several experiments agree)' },
              { value: 'confirmed', label: 'Confirmed' },
              { value: 'rejected', label: 'Rejected' },
            ]}
          />
          {props.closeLearnings.length ? (
            <>
              <p class="hint">
                …or say how this result bears on what the team already believes about {props.metric.name}:
              </p>
              <ul class="link-learnings">
                {props.closeLearnings.map((l) => (
                  <li>
                    <Select
                      name={`link_${l.id}`}
                      id={`f-link_${l.id}`}
                      label={l.statement}
                      state={s}
                      options={[
                        { value: '', label: 'Not related' },
                        { value: 'supports', label: 'This experiment supports it' },
                        { value: 'contradicts', label: 'This experiment contradicts it' },
                      ]}
                    />
                  </li>
                ))}
              </ul>
            </>
          ) : null}
        </fieldset>
        <button type="submit">Close experiment</button>
      </form>
    </section>
  );
}
