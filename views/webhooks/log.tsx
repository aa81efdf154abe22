import type { Webhook, WebhookDelivery } from '../../db/schema';
import type { MemberWorkspace } from '../../src/accounts/members';
import { fmtDateTime } from '../../src/audit/format';
import { EVENT_LABELS } from '../../src/webhooks/schemas';

const STATUS_WORDS: Record<WebhookDelivery['status'], string> = {
  pending: 'waiting',
  delivered: 'delivered',
  failed: 'failed',
};

export function DeliveryStatus(props: { d: Pick<WebhookDelivery, 'status'> }) {
  return <span class={`pill delivery-${props.d.status}`}>{STATUS_WORDS[props.d.status]}</span>;
}

const eventName = (event: string) =>
  event === 'test' ? 'Test' : (EVENT_LABELS[event as keyof typeof EVENT_LABELS]?.label ?? event);

export type LogProps = {
  ws: MemberWorkspace;
  hook: Webhook;
  rows: WebhookDelivery[];
  more: boolean;
  /** Set on the newest page: the log refreshes itself while something is still waiting to be sent. */
  live: boolean;
};

/** The delivery log: what htmx re-fetches every few seconds while a delivery is waiting. */
export function DeliveryLog(props: LogProps) {
  const { ws, hook, rows } = props;
  const base = `/w/${ws.slug}/settings/webhooks/${hook.id}`;
  const waiting = rows.some((r) => r.status === 'pending');
  const poll =
    props.live && waiting ? { 'hx-get': base, 'hx-trigger': 'every 3s', 'hx-swap': 'outerHTML' } : {};
  return (
    <section id="log" class="delivery-log stack" aria-labelledby="log-title" {...poll}>
      <h2 id="log-title">Delivery log</h2>
      {rows.length === 0 ? (
        <p class="empty">
          {hook.active ? (
            <>
              Nothing sent yet. Press <em>Send a test</em> to check the address, or wait for the next closed
              experiment or started batch.
            </>
          ) : (
            'Nothing sent yet, and nothing will be while the webhook is switched off.'
          )}
        </p>
      ) : (
        <table class="table delivery-table">
          <caption class="sr-only">Deliveries of this webhook, newest first</caption>
          <thead>
            <tr>
              <th scope="col">Queued</th>
              <th scope="col">Event</th>
              <th scope="col">Status</th>
              <th scope="col" class="num">
                Attempts
              </th>
              <th scope="col" class="num">
                Code
              </th>
              <th scope="col" class="num">
                Took
              </th>
              <th scope="col">Details</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((d) => (
              <tr>
                <td>{fmtDateTime(d.createdAt, ws.timeZone)}</td>
                <td>{eventName(d.event)}</td>
                <td>
                  <DeliveryStatus d={d} />
                </td>
                <td class="num">{d.attempts}</td>
                <td class="num">{d.lastStatusCode ?? '—'}</td>
                <td class="num">{d.lastDurationMs == null ? '—' : `${d.lastDurationMs} ms`}</td>
                <td class="delivery-details">
                  <DeliveryDetails ws={ws} d={d} base={base} active={hook.active} />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {props.more ? (
        <p class="pager">
          <a href={`${base}?before=${rows.at(-1)?.id ?? ''}#log`}>Older deliveries</a>
        </p>
      ) : null}
    </section>
  );
}

function DeliveryDetails(props: { ws: MemberWorkspace; d: WebhookDelivery; base: string; active: boolean }) {
  const { ws, d, base } = props;
  const when =
    d.status === 'delivered' && d.deliveredAt != null
      ? `Arrived ${fmtDateTime(d.deliveredAt, ws.timeZone)}.`
      : d.status === 'pending' && d.nextAttemptAt != null
        ? d.attempts === 0
          ? 'Being sent.'
          : `Next try after ${fmtDateTime(d.nextAttemptAt, ws.timeZone)}.`
        : null;
  return (
    <div class="stack">
      {d.lastError ? <p class="delivery-error">{d.lastError}</p> : null}
      {when ? <p class="muted">{when}</p> : null}
      <details>
        <summary>What was sent</summary>
        {/* Focusable: a long body scrolls inside its box, and keyboard users must be able to scroll it too. */}
        <section class="payload-box" tabindex={0} aria-label={`What was sent in delivery #${d.id}, as JSON`}>
          <pre class="payload">{JSON.stringify(d.payload, null, 2)}</pre>
        </section>
      </details>
      {d.status !== 'failed' ? null : props.active ? (
        <form method="post" action={`${base}/deliveries/${d.id}/retry`}>
          <button type="submit" class="small secondary" aria-label={`Retry delivery #${d.id}`}>
            Retry
          </button>
        </form>
      ) : (
        <small class="hint">Switch the webhook on to retry this.</small>
      )}
    </div>
  );
}
