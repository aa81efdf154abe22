import { maskUrl } from '../../src/webhooks/urls';
import { Banner } from '../components/badges';
import { ErrorSummary, type FormState } from '../components/form';
import { Layout } from '../layout';
import { WebhookFields } from './fields';
import { webhookName } from './list';
import { DeliveryLog, type LogProps } from './log';

export type WebhookProps = LogProps & {
  form: FormState;
  notice?: { tone: 'ok' | 'warn' | 'error'; message: string };
};

/** One webhook: its settings, a test, removal, and the log of what it sent. */
export function WebhookPage(props: WebhookProps) {
  const { ws, hook } = props;
  const list = `/w/${ws.slug}/settings/webhooks`;
  const base = `${list}/${hook.id}`;
  return (
    <Layout title={`Webhook ${webhookName(hook)}`} ws={ws} nav="settings">
      <p class="crumbs">
        <a href={`/w/${ws.slug}/settings`}>Settings</a> › <a href={list}>Webhooks</a> ›
      </p>
      <h1>Webhook {webhookName(hook)}</h1>
      <Banner tone={props.notice?.tone ?? 'ok'} message={props.notice?.message} />
      <div class="webhook-head">
        <section class="panel stack" aria-labelledby="edit-webhook">
          <h2 id="edit-webhook">Settings</h2>
          <form method="post" action={base} class="stack">
            <ErrorSummary
              state={props.form}
              message={
                Object.keys(props.form.errors).length
                  ? 'Not saved: please fix the highlighted fields.'
                  : undefined
              }
            />
            <input type="hidden" name="version" value={props.form.values.version ?? String(hook.version)} />
            <WebhookFields state={props.form} maskedUrl={maskUrl(hook.url)} />
            <button type="submit">Save webhook</button>
          </form>
        </section>
        <section class="panel stack" aria-labelledby="try-webhook">
          <h2 id="try-webhook">Try it</h2>
          {hook.active ? (
            <form method="post" action={`${base}/test`} class="stack">
              <p class="muted">Sends a short test message now; it shows in the log below.</p>
              <button type="submit" class="secondary">
                Send a test
              </button>
            </form>
          ) : (
            <p class="muted">This webhook is switched off: switch it on to send a test.</p>
          )}
          <h2 id="remove-webhook">Remove</h2>
          <form method="post" action={`${base}/delete`} class="stack">
            <p class="muted">
              Stops all messages to this address and deletes its log. To pause instead, switch it off.
            </p>
            <button type="submit" class="danger">
              Remove webhook
            </button>
          </form>
        </section>
      </div>
      <DeliveryLog {...props} />
    </Layout>
  );
}
