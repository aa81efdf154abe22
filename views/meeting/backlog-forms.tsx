import type { Batch } from '../../db/schema';
import { weekLabel } from '../../src/batches/weeks';
import type { MemberScoreRow } from '../../src/hypotheses/member-scores';
import type { RankedItem } from '../../src/hypotheses/ranking';
import { ICE_MAX, ICE_MIN } from '../../src/scoring/scores';
import { emptyForm, type FormState, Input } from '../components/form';
import { type Forms, MeetingForm, type Viewer } from './shared';

// The editor's two forms on a backlog item: their own score, and selecting it into the batch being planned.

export const scoreFormKey = (id: number) => `score-${id}`;
export const selectFormKey = (id: number) => `select-${id}`;

const SCORES = [
  ['impact', 'I', 'Impact'],
  ['confidence', 'C', 'Confidence'],
  ['ease', 'E', 'Ease'],
] as const;

/** "Your score": prefilled with the member's own scores, empty when they have not scored it. */
export function MyScoreForm(props: { v: Viewer; item: RankedItem; mine?: MemberScoreRow; forms: Forms }) {
  const { v, item, mine } = props;
  const state: FormState =
    props.forms[scoreFormKey(item.id)] ??
    emptyForm(
      mine
        ? { impact: String(mine.impact), confidence: String(mine.confidence), ease: String(mine.ease) }
        : {},
    );
  return (
    <MeetingForm
      v={v}
      id={`score-form-${item.id}`}
      action={`/hypotheses/${item.id}/score`}
      section="backlog"
      class="m-score-form"
      label={`Your score for ${item.title}`}
    >
      <fieldset>
        <legend>Your score{mine ? '' : <span class="muted"> (not scored yet)</span>}</legend>
        <div class="m-score-fields">
          {SCORES.map(([name, short, long]) => (
            <Input
              id={`ms-${item.id}-${name}`}
              name={name}
              class="m-score-field"
              label={
                <>
                  <span aria-hidden="true" title={long}>
                    {short}
                  </span>
                  <span class="sr-only">{long}</span>
                </>
              }
              state={state}
              type="number"
              min={ICE_MIN}
              max={ICE_MAX}
              step="1"
              required
            />
          ))}
          <button type="submit" class="small">
            Save<span class="sr-only"> my score for {item.title}</span>
          </button>
        </div>
      </fieldset>
    </MeetingForm>
  );
}

/** Select into the open batch, with the estimate the batch counts (required when there is none yet). */
export function SelectForm(props: { v: Viewer; item: RankedItem; open: Batch; forms: Forms }) {
  const { v, item, open } = props;
  const state: FormState =
    props.forms[selectFormKey(item.id)] ??
    emptyForm({ estimatedDays: item.estimatedDays == null ? '' : String(item.estimatedDays) });
  return (
    <MeetingForm
      v={v}
      id={`select-form-${item.id}`}
      action={`/batches/${open.id}/items`}
      section="backlog"
      class="m-select-form"
      label={`Select ${item.title} into the batch`}
    >
      <input type="hidden" name="hypothesisId" value={String(item.id)} />
      <Input
        id={`sel-${item.id}-days`}
        name="estimatedDays"
        class="m-days-field"
        label="Estimate (person-days)"
        state={state}
        type="number"
        step="any"
        min={0.1}
        required={item.estimatedDays == null}
      />
      <button type="submit" class="small secondary">
        Select into {weekLabel(open.week).split(' · ')[0]}
        <span class="sr-only">: {item.title}</span>
      </button>
    </MeetingForm>
  );
}
