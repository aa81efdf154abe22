import { type Context, Hono } from 'hono';
import type { Webhook } from '../../db/schema';
import { emptyForm, type FormState, formValues } from '../../views/components/form';
import { WebhookPage, type WebhookProps } from '../../views/webhooks/detail';
import { WebhooksPage, type WebhooksProps } from '../../views/webhooks/list';
import { DeliveryLog } from '../../views/webhooks/log';
import { requireRole, signedIn } from '../accounts/auth';
import type { MemberWorkspace } from '../accounts/members';
import type { AppEnv, Deps } from '../env';
import { ConflictError, ValidationError } from '../errors';
import { respond } from '../htmx';
import { idParam, parse, readForm } from '../validation';
import { lastDeliveries, listDeliveries, queueDeliveries, retryDelivery } from './deliveries';
import { dispatcherFor, startDispatcher } from './dispatcher';
import { testBody } from './payloads';
import { WebhookInput, WebhookUpdate } from './schemas';
import { urlHost } from './urls';
import { createWebhook, deleteWebhook, listWebhooks, requireWebhook, updateWebhook } from './webhooks';

type C = Context<AppEnv>;
type Body = Awaited<ReturnType<typeof readForm>>;

const DONE: Record<string, string> = {
  created: 'Webhook added. Send a test to check that messages arrive.',
  saved: 'Saved.',
  deleted: 'Webhook removed: nothing more is sent to that address.',
  test: 'Test queued: it shows below as soon as the receiver answers.',
  retried: 'Queued to be sent again.',
};

/** What the form fields hold, as strings: the ticked events joined by commas (see views/webhooks/fields). */
function formOf(body: Body): Record<string, string> {
  const events = body.events;
  const list = (Array.isArray(events) ? events : events == null ? [] : [events]).filter(
    (e): e is string => typeof e === 'string',
  );
  return { ...formValues(body), events: list.join(','), active: body.active ? 'on' : '' };
}

const savedForm = (h: Webhook): FormState =>
  emptyForm({
    url: '',
    label: h.label,
    events: h.events.join(','),
    active: h.active ? 'on' : '',
    version: String(h.version),
  });

const newForm = () =>
  emptyForm({ url: '', label: '', events: 'experiment.closed,batch.started,meeting.summary', active: 'on' });

// Owners only, the pages too: the log shows what was sent where.
const owner = requireRole('owner');

export function webhookRoutes(deps: Deps) {
  const { db } = deps;
  const app = new Hono<AppEnv>();
  startDispatcher(deps);

  const listProps = async (
    ws: MemberWorkspace,
    extra: Partial<WebhooksProps> = {},
  ): Promise<WebhooksProps> => ({
    ws,
    hooks: await listWebhooks(db, ws),
    last: await lastDeliveries(db, ws),
    form: newForm(),
    hasOrigin: !!deps.origin,
    ...extra,
  });

  const hookProps = async (c: C, hook: Webhook, extra: Partial<WebhookProps> = {}): Promise<WebhookProps> => {
    const ws = c.get('workspace');
    const raw = c.req.query('before');
    const before = raw && /^\d+$/.test(raw) ? Number(raw) : undefined;
    const { rows, more } = await listDeliveries(db, ws, hook.id, { before });
    return { ws, hook, rows, more, live: before == null, form: savedForm(hook), ...extra };
  };

  // The fragment is the delivery log the page polls; a refused change (only ever a plain form post) gets the
  // whole page, whose form carries the messages, even when sent by htmx.
  const renderHook = (c: C, props: WebhookProps, status: 200 | 409 | 422 = 200) =>
    status === 200
      ? respond(
          c,
          { page: () => <WebhookPage {...props} />, fragment: () => <DeliveryLog {...props} /> },
          status,
        )
      : c.html(<WebhookPage {...props} />, status);

  app.get('/w/:slug/settings/webhooks', owner, async (c) => {
    const message = DONE[c.req.query('done') ?? ''];
    const props = await listProps(c.get('workspace'), {
      notice: message ? { tone: 'ok', message } : undefined,
    });
    return c.html(<WebhooksPage {...props} />);
  });

  app.post('/w/:slug/settings/webhooks', owner, async (c) => {
    const ws = c.get('workspace');
    const body = await readForm(c, { all: true });
    let input: WebhookInput;
    try {
      input = parse(WebhookInput, body);
    } catch (e) {
      if (!(e instanceof ValidationError)) throw e;
      const props = await listProps(ws, { form: { values: formOf(body), errors: e.fields } });
      return c.html(<WebhooksPage {...props} />, 422);
    }
    const hook = await createWebhook(db, ws, input, { createdBy: signedIn(c).id });
    return c.redirect(`/w/${ws.slug}/settings/webhooks/${hook.id}?done=created`, 303);
  });

  app.get('/w/:slug/settings/webhooks/:id', owner, async (c) => {
    const hook = await requireWebhook(db, c.get('workspace'), idParam(c.req.param('id')));
    const message = DONE[c.req.query('done') ?? ''];
    return renderHook(c, await hookProps(c, hook, { notice: message ? { tone: 'ok', message } : undefined }));
  });

  app.post('/w/:slug/settings/webhooks/:id', owner, async (c) => {
    const ws = c.get('workspace');
    const hook = await requireWebhook(db, ws, idParam(c.req.param('id')));
    const body = await readForm(c, { all: true });
    try {
      await updateWebhook(db, ws, hook.id, parse(WebhookUpdate, body));
    } catch (e) {
      if (e instanceof ValidationError)
        return renderHook(
          c,
          await hookProps(c, hook, { form: { values: formOf(body), errors: e.fields } }),
          422,
        );
      if (e instanceof ConflictError && e.current) {
        const current = e.current as Webhook;
        return renderHook(
          c,
          await hookProps(c, current, { notice: { tone: 'error', message: e.message } }),
          409,
        );
      }
      throw e;
    }
    return c.redirect(`/w/${ws.slug}/settings/webhooks/${hook.id}?done=saved`, 303);
  });

  app.post('/w/:slug/settings/webhooks/:id/delete', owner, async (c) => {
    const ws = c.get('workspace');
    await deleteWebhook(db, ws, idParam(c.req.param('id')));
    return c.redirect(`/w/${ws.slug}/settings/webhooks?done=deleted`, 303);
  });

  app.post('/w/:slug/settings/webhooks/:id/test', owner, async (c) => {
    const ws = c.get('workspace');
    const hook = await requireWebhook(db, ws, idParam(c.req.param('id')));
    if (!hook.active)
      return renderHook(
        c,
        await hookProps(c, hook, {
          notice: { tone: 'error', message: 'This webhook is switched off: switch it on to send a test.' },
        }),
        409,
      );
    const now = Date.now();
    const body = testBody({ label: hook.label, host: urlHost(hook.url) }, { ws, origin: deps.origin }, now);
    await queueDeliveries(db, ws.id, [hook], 'test', body, now);
    dispatcherFor(db)?.kick();
    return c.redirect(`/w/${ws.slug}/settings/webhooks/${hook.id}?done=test#log`, 303);
  });

  app.post('/w/:slug/settings/webhooks/:id/deliveries/:deliveryId/retry', owner, async (c) => {
    const ws = c.get('workspace');
    const hook = await requireWebhook(db, ws, idParam(c.req.param('id')));
    const deliveryId = idParam(c.req.param('deliveryId'));
    const refuse = async (message: string) =>
      renderHook(c, await hookProps(c, hook, { notice: { tone: 'error', message } }), 409);
    if (!hook.active) return refuse('This webhook is switched off: switch it on to retry its deliveries.');
    try {
      await retryDelivery(db, ws, hook.id, deliveryId);
    } catch (e) {
      if (e instanceof ConflictError) return refuse(e.message);
      throw e;
    }
    dispatcherFor(db)?.kick();
    return c.redirect(`/w/${ws.slug}/settings/webhooks/${hook.id}?done=retried#log`, 303);
  });

  return app;
}
