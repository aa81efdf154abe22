import { WEBHOOK_EVENTS } from '../../db/schema';
import { EVENT_LABELS, WEBHOOK_LABEL_MAX, WEBHOOK_URL_MAX } from '../../src/webhooks/schemas';
import { type FormState, Input } from '../components/form';

// The fields the add form and the edit form share. Form values are strings: `events` holds the ticked
// events joined by commas, `active` is "on" when ticked.

export function WebhookFields(props: {
  state: FormState;
  /** On the edit form: the saved URL, masked; the field then starts blank and blank keeps it. */
  maskedUrl?: string;
}) {
  const s = props.state;
  const ticked = new Set((s.values.events ?? '').split(',').filter(Boolean));
  const eventsError = s.errors.events;
  return (
    <>
      <Input
        name="url"
        label="Webhook URL"
        state={s}
        required={!props.maskedUrl}
        maxLength={WEBHOOK_URL_MAX}
        autocomplete="off"
        placeholder={
          props.maskedUrl ? 'Leave blank to keep the saved address' : 'https://hooks.slack.com/services/…'
        }
        hint={
          props.maskedUrl ? (
            <>
              Saved: <code>{props.maskedUrl}</code> (shown in part: the full address lets anyone post to your
              channel). Paste a new one to replace it.
            </>
          ) : (
            'In Slack: an app’s “Incoming Webhooks” page, “Add New Webhook to Workspace”, pick the channel, copy the URL.'
          )
        }
      />
      <Input
        name="label"
        label="Label"
        state={s}
        maxLength={WEBHOOK_LABEL_MAX}
        placeholder="#growth-team in Slack"
        hint="So you can tell webhooks apart, e.g. the channel it posts to."
      />
      <fieldset
        class={`webhook-events ${eventsError ? 'has-error' : ''}`}
        aria-describedby={eventsError ? 'f-events-error' : undefined}
      >
        <legend>Send when</legend>
        {WEBHOOK_EVENTS.map((event, i) => (
          <label class="check">
            <input
              type="checkbox"
              name="events"
              value={event}
              id={i === 0 ? 'f-events' : `f-events-${i}`}
              checked={ticked.has(event)}
            />
            <span>
              {EVENT_LABELS[event].label} <small class="hint">— {EVENT_LABELS[event].hint}</small>
            </span>
          </label>
        ))}
        {eventsError ? (
          <small class="field-error" id="f-events-error">
            {eventsError}
          </small>
        ) : null}
      </fieldset>
      <label class="check">
        <input type="checkbox" name="active" value="on" id="f-active" checked={s.values.active === 'on'} />
        Switched on (when off, nothing is sent; the settings and the log stay)
      </label>
    </>
  );
}
