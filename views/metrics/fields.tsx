import type { Metric } from '../../db/schema';
import { type FormState, Input, Select, TextArea } from '../components/form';

// The fields of a metric's form (the add form and the edit page): name, unit, direction, cadence, definition,
// owner, current value and target.

export function metricValues(m: Metric): Record<string, string> {
  return {
    name: m.name,
    description: m.description,
    unit: m.unit,
    direction: m.direction,
    cadence: m.cadence,
    owner: m.owner,
    currentValue: m.currentValue == null ? '' : String(m.currentValue),
    target: m.target == null ? '' : String(m.target),
    version: String(m.version),
  };
}

const DIRECTION_OPTIONS = [
  { value: 'up', label: 'Up is good' },
  { value: 'down', label: 'Down is good' },
];

export const CADENCE_OPTIONS = [
  { value: 'week', label: 'Weekly (one value per ISO week)' },
  { value: 'day', label: 'Daily' },
];

/**
 * How often the metric is measured. Its values are stored per period of the cadence, so once it has any the
 * select is shown disabled (a disabled control is not submitted: a hidden field sends the cadence unchanged).
 */
function CadenceField(props: { state: FormState; measured?: boolean }) {
  const s = props.state;
  if (!props.measured)
    return (
      <Select
        name="cadence"
        label="Measured"
        state={s}
        options={CADENCE_OPTIONS}
        hint="Fixed once the metric has values."
      />
    );
  return (
    <div class="field">
      <label for="f-cadence">Measured</label>
      <select id="f-cadence" disabled aria-describedby="f-cadence-hint">
        {CADENCE_OPTIONS.map((o) => (
          <option value={o.value} selected={o.value === s.values.cadence}>
            {o.label}
          </option>
        ))}
      </select>
      <input type="hidden" name="cadence" value={s.values.cadence ?? 'week'} />
      <small class="hint" id="f-cadence-hint">
        It has values by {s.values.cadence === 'day' ? 'day' : 'week'}, so this cannot change: create a new
        metric for the other cadence.
      </small>
    </div>
  );
}

export function MetricFields(props: { state: FormState; measured?: boolean }) {
  const s = props.state;
  return (
    <>
      <div class="row">
        <Input name="name" label="Name" state={s} required maxLength={80} placeholder="Activation rate" />
        <Input name="unit" label="Unit" state={s} maxLength={24} placeholder="%" />
        <Select name="direction" label="Direction" state={s} options={DIRECTION_OPTIONS} />
        <CadenceField state={s} measured={props.measured} />
      </div>
      <TextArea
        name="description"
        label="Definition"
        state={s}
        maxLength={1000}
        rows={2}
        placeholder="Share of new teams that create their first project within 7 days."
      />
      <div class="row">
        <Input name="owner" label="Owner" state={s} maxLength={80} />
        {props.measured ? (
          // Read-only (still submitted): the latest period's value is the current value; typing another here
          // would disagree with the metric's own chart until the next value arrives.
          <div class="field">
            <label for="f-currentValue">Current value</label>
            <input
              id="f-currentValue"
              name="currentValue"
              type="number"
              step="any"
              readonly
              value={s.values.currentValue ?? ''}
              aria-describedby="f-currentValue-hint"
            />
            <small class="hint" id="f-currentValue-hint">
              The latest period's value: enter or correct values on the metric's page.
            </small>
          </div>
        ) : (
          <Input
            name="currentValue"
            label="Current value"
            state={s}
            type="number"
            step="any"
            hint="Follows the latest period once the metric has values."
          />
        )}
        <Input name="target" label="Target" state={s} type="number" step="any" />
      </div>
    </>
  );
}
