import type { Webhook, WebhookDelivery } from '../../db/schema';
import type { MemberWorkspace } from '../../src/accounts/members';
import { fmtDateTime } from '../../src/audit/format';
import { EVENT_LABELS } from '../../src/webhooks/schemas';
import { maskUrl, urlHost } from '../../src/webhooks/urls';
import { Banner } from '../components/badges';
import { ErrorSummary, type FormState } from '../components/form';
import { Layout } from '../layout';
import { WebhookFields } from './fields';
import { DeliveryStatus } from './log';

export type WebhooksProps = {
  ws: MemberWorkspace;
  hooks: Webhook[];
  last: Map<number, WebhookDelivery>;
  form: FormState;
  notice?: { tone: 'ok' | 'warn' | 'error'; message: string };
  /** Links in payloads need the public origin (LODESTAR_ORIGIN); without it they are left out. */
  hasOrigin: boolean;
};

export const webhookName = (h: Pick<Webhook, 'label' | 'url'>) => h.label || urlHost(h.url);

export function WebhooksPage(props: WebhooksProps) {
  const { ws } = props;
  const base = `/w/${ws.slug}/settings/webhooks`;
  return (
    <Layout title="Webhooks" ws={ws} nav="settings">
      <p class="crumbs">
        <a href={`/w/${ws.slug}/settings`}>Settings</a> ›
      </p>
      <h1>Webhooks</h1>
      <Banner tone={props.notice?.tone ?? 'ok'} message={props.notice?.message} />
      <p class="lede">
        Lodestar posts a message to Slack (or any HTTP endpoint) when an experiment closes, a batch starts and
        the meeting summary is ready. A slow or broken receiver never holds up the team: messages are sent in
        the background, retried, and logged here.
      </p>
      {props.hooks.length === 0 ? (
        <SlackSteps />
      ) : (
        <table class="table webhook-table">
          <caption class="sr-only">Webhooks of {ws.name}</caption>
          <thead>
            <tr>
              <th scope="col">Webhook</th>
              <th scope="col">Sends</th>
              <th scope="col">Last delivery</th>
            </tr>
          </thead>
          <tbody>
            {props.hooks.map((h) => {
              const last = props.last.get(h.id);
              return (
                <tr>
                  <td>
                    <a href={`${base}/${h.id}`}>{webhookName(h)}</a>
                    {h.active ? null : <span class="pill webhook-off">off</span>}
                    <br />
                    <small class="muted webhook-url">{maskUrl(h.url)}</small>
                  </td>
                  <td>{h.events.map((e) => EVENT_LABELS[e]?.label ?? e).join(', ')}</td>
                  <td>
                    {last ? (
                      <>
                        <DeliveryStatus d={last} /> {fmtDateTime(last.createdAt, ws.timeZone)}
                      </>
                    ) : (
                      <span class="muted">nothing sent yet</span>
                    )}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
      <section class="panel stack" aria-labelledby="add-webhook">
        <h2 id="add-webhook">Add a webhook</h2>
        <form method="post" action={base} class="stack">
          <ErrorSummary
            state={props.form}
            message={
              Object.keys(props.form.errors).length
                ? 'Not added: please fix the highlighted fields.'
                : undefined
            }
          />
          <WebhookFields state={props.form} />
          <button type="submit">Add webhook</button>
        </form>
        {props.hasOrigin ? null : (
          <p class="hint">
            Messages carry no links to Lodestar until the server is told its public address (LODESTAR_ORIGIN).
          </p>
        )}
      </section>
    </Layout>
  );
}

/** The empty state: how to get a URL from Slack, step by step. */
function SlackSteps() {
  return (
    <div class="panel empty stack">
      <p>
        <strong>No webhooks yet.</strong> Create an incoming webhook in Slack, paste its URL below, and the
        channel hears about every closed experiment and each week’s batch.
      </p>
      <ol class="webhook-steps">
        <li>
          In Slack, open <em>Tools › Apps</em> (or api.slack.com/apps), create an app “from scratch” for your
          workspace, and turn on <em>Incoming Webhooks</em>.
        </li>
        <li>
          Choose <em>Add New Webhook to Workspace</em>, pick the channel (e.g. #growth), and copy the URL it
          gives you: https://hooks.slack.com/services/…
        </li>
        <li>
          Paste it here, choose the events, add it, then press <em>Send a test</em> on its page.
        </li>
      </ol>
      <p class="muted">
        Not on Slack? Any endpoint that accepts a JSON POST works: the body has Slack’s <code>text</code> plus{' '}
        <code>event</code>, <code>workspace</code> and <code>data</code> fields for your own code.
      </p>
    </div>
  );
}
