import type { BatchLoad } from '../../src/batches/batches';
import { weekLabel } from '../../src/batches/weeks';
import type { BatchData } from '../../src/meeting/data';
import { canEdit } from '../components/access';
import { fmt, fmtDate, fmtIce } from '../components/badges';
import { emptyForm, Input } from '../components/form';
import { Empty, type Forms, MeetingForm, plural, Section, type Viewer } from './shared';

// f) The next batch: what is selected against the capacity, and "Start batch", which ends the meeting.

export const NEW_BATCH_FORM = 'batch-new';
export const capacityFormKey = (batchId: number) => `capacity-${batchId}`;

/** Planned against capacity: a bar for the eye, and the same facts (and any overload) in words. */
export function CapacityBar(props: { load: BatchLoad }) {
  const { plannedDays, capacityDays, over } = props.load;
  const used = capacityDays > 0 ? Math.min(100, (plannedDays / capacityDays) * 100) : 100;
  return (
    <div class={`m-capacity${over ? ' over' : ''}`}>
      <svg class="m-bar" viewBox="0 0 100 6" preserveAspectRatio="none" aria-hidden="true">
        <rect class="m-bar-bg" x="0" y="0" width="100" height="6" />
        <rect class="m-bar-used" x="0" y="0" width={used.toFixed(1)} height="6" />
      </svg>
      <p>
        <strong>
          {fmt(plannedDays)} of {fmt(capacityDays)} person-days planned
        </strong>{' '}
        ({plural(props.load.items, 'item')})
      </p>
      {over ? (
        <p class="alert warn" role="status">
          Over capacity by {plural(Math.round((plannedDays - capacityDays) * 10) / 10, 'person-day')}: remove
          an item or raise the capacity before starting.
        </p>
      ) : null}
    </div>
  );
}

function CreateForm(props: { v: Viewer; data: BatchData; forms: Forms }) {
  const { v, data } = props;
  const state =
    props.forms[NEW_BATCH_FORM] ??
    emptyForm({ week: data.defaults.week, capacityDays: String(data.defaults.capacityDays) });
  return (
    <MeetingForm
      v={v}
      id="batch-new-form"
      action="/batch"
      section="batch"
      class="row"
      label="Plan the next batch"
    >
      <Input
        id="mbn-week"
        name="week"
        label="ISO week"
        state={state}
        required
        placeholder="2026-W47"
        hint={`Default: ${weekLabel(data.defaults.week)}`}
      />
      <Input
        id="mbn-capacity"
        name="capacityDays"
        label="Capacity (person-days)"
        state={state}
        type="number"
        step="any"
        min={0.5}
        required
      />
      <button type="submit">Plan this batch</button>
    </MeetingForm>
  );
}

export function BatchSection(props: { v: Viewer; data: BatchData; forms: Forms }) {
  const { v, data } = props;
  const base = `/w/${v.ws.slug}`;
  const editor = canEdit(v.ws);
  const { open, load } = data;
  const links = (
    <p class="m-links">
      {open ? <a href={`${base}/batches/${open.id}/summary`}>Summary of this meeting</a> : null}
      {!open && data.lastStarted ? (
        <a href={`${base}/batches/${data.lastStarted.id}/summary`}>
          Summary of the last meeting ({weekLabel(data.lastStarted.week)})
        </a>
      ) : null}
      <a href={`${base}/batches`}>All batches</a>
    </p>
  );
  if (!open || !load)
    return (
      <Section k="batch" n={6} title="Plan the next batch">
        <Empty>
          <p>
            No batch is being planned.{' '}
            {data.lastStarted
              ? `The batch for ${weekLabel(data.lastStarted.week)} started ${fmtDate(data.lastStarted.startedAt)}.`
              : ''}{' '}
            {editor
              ? 'Plan the next one: pick its week and how many person-days the team has, then select backlog items into it.'
              : 'An editor plans the next one here.'}
          </p>
        </Empty>
        {editor ? <CreateForm v={v} data={data} forms={props.forms} /> : null}
        {links}
      </Section>
    );
  const capState =
    props.forms[capacityFormKey(open.id)] ?? emptyForm({ capacityDays: String(open.capacityDays) });
  return (
    <Section k="batch" n={6} title={`Plan the batch for ${weekLabel(open.week)}`}>
      <CapacityBar load={load} />
      {editor ? (
        <MeetingForm
          v={v}
          id={`capacity-form-${open.id}`}
          action={`/batches/${open.id}/capacity`}
          section="batch"
          class="row m-capacity-form"
          label="Capacity of this batch"
        >
          <Input
            id={`mbc-${open.id}`}
            name="capacityDays"
            label="Capacity (person-days)"
            state={capState}
            type="number"
            step="any"
            min={0.5}
            required
          />
          <button type="submit" class="secondary">
            Save capacity
          </button>
        </MeetingForm>
      ) : null}
      {data.items.length === 0 ? (
        <Empty>
          <p>Nothing selected yet. {editor ? 'Use “Select” on backlog items above.' : ''}</p>
        </Empty>
      ) : (
        <ol class="m-list m-batch-items">
          {data.items.map((h) => (
            <li id={`mi-${h.id}`} class="m-item m-batch-item">
              <a class="title" href={`${base}/hypotheses/${h.id}`}>
                {h.title}
              </a>
              <span class="meta">
                {fmt(h.estimatedDays)} d · ICE {fmtIce(h.ice, v.ws.iceMode)}
              </span>
              {editor && h.status === 'selected' ? (
                <MeetingForm
                  v={v}
                  id={`remove-form-${h.id}`}
                  action={`/batches/${open.id}/items/${h.id}/remove`}
                  section="batch"
                  class="inline"
                >
                  <button type="submit" class="small secondary">
                    Remove<span class="sr-only">: {h.title}</span>
                  </button>
                </MeetingForm>
              ) : null}
            </li>
          ))}
        </ol>
      )}
      {editor ? (
        <MeetingForm v={v} id={`start-form-${open.id}`} action={`/batches/${open.id}/start`} section="batch">
          <button type="submit" class="m-start">
            Start batch
          </button>{' '}
          <span class="hint">
            Moves the selected items to running and ends this meeting; they are reviewed at the next one.
          </span>
        </MeetingForm>
      ) : null}
      {links}
    </Section>
  );
}
