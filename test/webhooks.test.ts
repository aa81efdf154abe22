import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { makeMember, makeWorkspace } from '../db/factories';
import { auditEvents, webhookDeliveries, webhooks } from '../db/schema';
import { parse } from '../src/validation';
import { queueDeliveries } from '../src/webhooks/deliveries';
import { WebhookInput } from '../src/webhooks/schemas';
import { urlForTrail } from '../src/webhooks/urls';
import { createWebhook } from '../src/webhooks/webhooks';
import { appFor, as, form, freshDb, htmx, person, signIn, testApp } from './helpers';

/** Visible text of a page: tags dropped, entities decoded, whitespace collapsed. */
const visible = (html: string) =>
  html
    .replace(/<(script|style)[\s\S]*?<\/\1>/g, ' ')
    .replace(/<[^>]+>/g, ' ')
    .replace(/&amp;/g, '&')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/\s+/g, ' ');

// A Slack incoming-webhook URL: the last two parts are the secret.
const SLACK = 'https://hooks.slack.com/services/T0123ABCD/B0456EFGH/s3cr3tT0kenXYZabc123';
const SECRET = 's3cr3tT0kenXYZabc123';

const ALL_EVENTS = ['experiment.closed', 'batch.started', 'meeting.summary'];

async function setup() {
  const t = await testApp();
  const ws = await makeWorkspace(t.db, { name: 'Acme growth', slug: 'acme' });
  return { ...t, ws };
}

const count = async (db: Awaited<ReturnType<typeof freshDb>>) =>
  (await db.orm.select().from(webhooks)).length;

const webhookTrail = (db: Awaited<ReturnType<typeof freshDb>>) =>
  db.orm.select().from(auditEvents).where(eq(auditEvents.entity, 'webhook')).orderBy(auditEvents.id);

describe('webhook settings', () => {
  it('explains how to get a Slack URL when there is none, to owners only', async () => {
    const db = await freshDb();
    const app = appFor(db);
    const owner = await person(db);
    const ws = await makeWorkspace(db, { slug: 'acme', ownerId: owner.user.id });
    const editor = await signIn(db, await makeMember(db, ws, 'editor'));
    const viewer = await signIn(db, await makeMember(db, ws, 'viewer'));

    const page = await as(app, owner).request('/w/acme/settings/webhooks');
    expect(page.status).toBe(200);
    const text = visible(await page.text());
    expect(text).toContain('No webhooks yet. Create an incoming webhook in Slack, paste its URL below');
    expect(text).toContain('Add New Webhook to Workspace');

    for (const who of [editor, viewer]) {
      expect((await as(app, who).request('/w/acme/settings/webhooks')).status).toBe(403);
      const created = await as(app, who).request(
        '/w/acme/settings/webhooks',
        form({ url: SLACK, events: ALL_EVENTS, active: 'on' }),
      );
      expect(created.status).toBe(403);
    }
    const h = await createWebhook(
      db,
      ws,
      parse(WebhookInput, { url: SLACK, events: ALL_EVENTS, active: true }),
    );
    // The log shows where messages go and what they said: owners only, and no one can act on it otherwise.
    expect((await as(app, editor).request(`/w/acme/settings/webhooks/${h.id}`)).status).toBe(403);
    for (const path of ['', '/delete', '/test']) {
      const res = await as(app, editor).request(`/w/acme/settings/webhooks/${h.id}${path}`, form({}));
      expect(res.status, path).toBe(403);
    }
    expect(await count(db)).toBe(1);
    // Someone who is not a member does not learn the workspace exists.
    const stranger = await person(db, { serverOwner: false });
    expect((await as(app, stranger).request('/w/acme/settings/webhooks')).status).toBe(404);
  });

  it('adds a webhook and never shows its secret URL again, on pages or in the trail', async () => {
    const { app, db } = await setup();
    const res = await app.request(
      '/w/acme/settings/webhooks',
      form({
        url: ` ${SLACK} `,
        label: '#growth in Slack',
        events: ['experiment.closed', 'batch.started'],
        active: 'on',
      }),
    );
    expect(res.status).toBe(303);
    const [h] = await db.orm.select().from(webhooks);
    expect(h).toMatchObject({
      url: SLACK,
      label: '#growth in Slack',
      events: ['experiment.closed', 'batch.started'],
      active: true,
    });
    expect(res.headers.get('location')).toBe(`/w/acme/settings/webhooks/${h?.id}?done=created`);

    const list = await (await app.request('/w/acme/settings/webhooks')).text();
    expect(visible(list)).toContain(
      '#growth in Slack https://hooks.slack.com/services/T0…/… Experiment closed, Batch started nothing sent yet',
    );
    const detail = await (await app.request(`/w/acme/settings/webhooks/${h?.id}?done=created`)).text();
    expect(visible(detail)).toContain('Webhook added. Send a test to check that messages arrive.');
    expect(visible(detail)).toContain('Saved: https://hooks.slack.com/services/T0…/…');
    expect(visible(detail)).toContain('Nothing sent yet.');
    for (const html of [list, detail]) {
      expect(visible(html)).not.toContain('fix the highlighted fields');
      expect(html).not.toContain(SECRET);
      expect(html).not.toContain('B0456EFGH');
    }

    const [event] = await webhookTrail(db);
    expect(event).toMatchObject({
      action: 'create',
      after: { label: '#growth in Slack', url: urlForTrail(SLACK), active: true },
    });
    expect(JSON.stringify(event)).not.toContain(SECRET);
    expect(String(event?.after?.url)).toMatch(/^hooks\.slack\.com #[0-9a-f]{6}$/);
    const activity = visible(await (await app.request('/w/acme/activity')).text());
    expect(activity).toContain('Added a webhook “#growth in Slack”');
  });

  it('refuses bad input with a message beside the field and writes nothing', async () => {
    const { app, db } = await setup();
    const cases: [Record<string, string | string[]>, string][] = [
      [
        { url: 'ftp://files.example.com/drop', events: ALL_EVENTS },
        'Webhooks are sent over https (or http); “ftp” addresses cannot receive them.',
      ],
      [{ url: SLACK }, 'Choose at least one event to send.'],
      [
        { url: SLACK, events: ['experiment.closed', 'experiment.deleted'] },
        'Choose among the events listed: Experiment closed, Batch started, Meeting summary ready.',
      ],
      [
        { url: '', events: ALL_EVENTS },
        'The URL is required: paste the address from Slack (or your endpoint).',
      ],
      [
        { url: 'hooks.slack.com/services/x', events: ALL_EVENTS },
        'That is not a web address: it should look like https://hooks.slack.com/services/…',
      ],
      [
        { url: 'https://ada:pw@example.com/hook', events: ALL_EVENTS },
        'Leave the user name and password out of the URL: Lodestar cannot send them.',
      ],
      [
        { url: `https://example.com/${'x'.repeat(2000)}`, events: ALL_EVENTS },
        'The URL must be at most 2000 characters.',
      ],
      [{ url: SLACK, events: ALL_EVENTS, label: 'x'.repeat(81) }, 'Label must be at most 80 characters.'],
    ];
    for (const [fields, message] of cases) {
      const res = await app.request('/w/acme/settings/webhooks', form({ label: 'Typed label', ...fields }));
      expect(res.status, message).toBe(422);
      const html = await res.text();
      const text = visible(html);
      expect(text, message).toContain('Not added: please fix the highlighted fields.');
      // Beside its field, not only in the summary at the top.
      const besideFields = [...html.matchAll(/class="field-error"[^>]*>([^<]*)</g)].map((m) =>
        visible(m[1] ?? ''),
      );
      expect(besideFields, message).toContain(message);
    }
    // What was typed comes back (the ticked events too), so nothing has to be typed again.
    const again = await app.request(
      '/w/acme/settings/webhooks',
      form({ url: 'ftp://x.example', label: 'Growth', events: ['batch.started'] }),
    );
    const html = await again.text();
    expect(html).toContain('value="ftp://x.example"');
    expect(html).toContain('value="Growth"');
    expect(html).toMatch(/value="batch\.started"[^>]*checked/);
    expect(html).not.toMatch(/value="experiment\.closed"[^>]*checked/);
    expect(await count(db)).toBe(0);
    expect(await webhookTrail(db)).toHaveLength(0);
  });

  it('edits a webhook, keeping the saved URL when the field is left blank', async () => {
    const { app, db, ws } = await setup();
    const h = await createWebhook(
      db,
      ws,
      parse(WebhookInput, { url: SLACK, events: ALL_EVENTS, active: true, label: 'Old' }),
    );

    const page = await (await app.request(`/w/acme/settings/webhooks/${h.id}`)).text();
    // The edit form starts with a blank URL field: the saved one is not sent back into the page.
    expect(page).toMatch(/name="url"[^>]*value=""/);

    const saved = await app.request(
      `/w/acme/settings/webhooks/${h.id}`,
      form({ url: '', label: 'New', events: ['meeting.summary'], version: h.version }),
    );
    expect(saved.status).toBe(303);
    expect(saved.headers.get('location')).toBe(`/w/acme/settings/webhooks/${h.id}?done=saved`);
    const [row] = await db.orm.select().from(webhooks);
    expect(row).toMatchObject({
      url: SLACK,
      label: 'New',
      events: ['meeting.summary'],
      active: false,
      version: 2,
    });

    const moved = await app.request(
      `/w/acme/settings/webhooks/${h.id}`,
      form({
        url: 'https://hooks.slack.com/services/T0123ABCD/B999/another',
        label: 'New',
        events: ['meeting.summary'],
        active: 'on',
        version: 2,
      }),
    );
    expect(moved.status).toBe(303);
    const trail = await webhookTrail(db);
    expect(trail.map((e) => e.action)).toEqual(['create', 'update', 'update']);
    // The second edit changed the address on the same host: the trail tells them apart without the URLs.
    expect(trail[2]?.before?.url).not.toBe(trail[2]?.after?.url);
    expect(JSON.stringify(trail)).not.toContain('another');
    expect(visible(await (await app.request('/w/acme/activity')).text())).toContain('Changed');
  });

  it('refuses a stale edit with 409 and shows the webhook as it is now', async () => {
    const { app, db, ws } = await setup();
    const h = await createWebhook(
      db,
      ws,
      parse(WebhookInput, { url: SLACK, events: ALL_EVENTS, active: true, label: 'First' }),
    );
    const first = await app.request(
      `/w/acme/settings/webhooks/${h.id}`,
      form({ label: 'Saved by Ada', events: ALL_EVENTS, active: 'on', version: 1 }),
    );
    expect(first.status).toBe(303);
    const late = await app.request(
      `/w/acme/settings/webhooks/${h.id}`,
      form({ label: 'Saved by Grace', events: ['batch.started'], active: 'on', version: 1 }),
    );
    expect(late.status).toBe(409);
    const html = await late.text();
    expect(visible(html)).toContain('Someone else changed this webhook first.');
    expect(html).toContain('value="Saved by Ada"');
    expect(html).toContain('name="version" value="2"');
    expect((await db.orm.select().from(webhooks))[0]?.label).toBe('Saved by Ada');

    const bad = await app.request(`/w/acme/settings/webhooks/${h.id}`, form({ label: 'x', version: 2 }));
    expect(bad.status).toBe(422);
    const badText = visible(await bad.text());
    expect(badText).toContain('Not saved: please fix the highlighted fields.');
    expect(badText).toContain('Choose at least one event to send.');
  });

  it('answers unknown and other workspaces’ webhooks with 404', async () => {
    const { app, db } = await setup();
    const other = await makeWorkspace(db, { slug: 'other' });
    const theirs = await createWebhook(
      db,
      other,
      parse(WebhookInput, { url: SLACK, events: ALL_EVENTS, active: true }),
    );
    for (const path of [
      `/w/acme/settings/webhooks/${theirs.id}`,
      '/w/acme/settings/webhooks/999',
      '/w/acme/settings/webhooks/abc',
    ])
      expect((await app.request(path)).status, path).toBe(404);
    for (const path of ['', '/delete', '/test', '/deliveries/1/retry'])
      expect(
        (
          await app.request(
            `/w/acme/settings/webhooks/${theirs.id}${path}`,
            form({ events: ALL_EVENTS, version: 1 }),
          )
        ).status,
        path,
      ).toBe(404);
    expect(await count(db)).toBe(1);
  });

  it('removes a webhook with its log', async () => {
    const { app, db, ws } = await setup();
    const h = await createWebhook(
      db,
      ws,
      parse(WebhookInput, { url: SLACK, events: ALL_EVENTS, active: false, label: 'Old channel' }),
    );
    await queueDeliveries(db, ws.id, [h], 'test', { text: 'hi' }, Date.now() + 60_000);
    const res = await app.request(`/w/acme/settings/webhooks/${h.id}/delete`, form({}));
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe('/w/acme/settings/webhooks?done=deleted');
    expect(await count(db)).toBe(0);
    expect(await db.orm.select().from(webhookDeliveries)).toHaveLength(0);
    expect((await webhookTrail(db)).at(-1)?.action).toBe('delete');
    const list = visible(await (await app.request('/w/acme/settings/webhooks?done=deleted')).text());
    expect(list).toContain('Webhook removed: nothing more is sent to that address.');
    expect(visible(await (await app.request('/w/acme/activity')).text())).toContain(
      'Removed the webhook “Old channel”',
    );
  });

  it('refuses a test from a switched-off webhook, and refreshes the log only while something waits', async () => {
    const { app, db, ws } = await setup();
    const h = await createWebhook(
      db,
      ws,
      parse(WebhookInput, { url: SLACK, events: ALL_EVENTS, active: false }),
    );
    const page = visible(await (await app.request(`/w/acme/settings/webhooks/${h.id}`)).text());
    expect(page).toContain('This webhook is switched off: switch it on to send a test.');
    expect(page).not.toContain('Send a test');
    const res = await app.request(`/w/acme/settings/webhooks/${h.id}/test`, form({}));
    expect(res.status).toBe(409);
    expect(await db.orm.select().from(webhookDeliveries)).toHaveLength(0);

    // A delivery due later (not picked up by the dispatcher during this test) keeps the log polling.
    await queueDeliveries(db, ws.id, [h], 'test', { text: 'hi' }, Date.now() + 60 * 60_000);
    const fragment = await (await app.request(`/w/acme/settings/webhooks/${h.id}`, { headers: htmx })).text();
    expect(fragment).not.toContain('<nav aria-label="Main">');
    expect(fragment).toContain('id="log"');
    expect(fragment).toContain('hx-trigger="every 3s"');
    expect(visible(fragment)).toContain('waiting');
    await db.orm.update(webhookDeliveries).set({ status: 'delivered', deliveredAt: Date.now() });
    const done = await (await app.request(`/w/acme/settings/webhooks/${h.id}`, { headers: htmx })).text();
    expect(done).not.toContain('hx-trigger');
    expect(visible(done)).toContain('delivered');
  });
});

describe('webhook pages and user text', () => {
  it('shows labels, payloads and receivers’ answers as text, never as markup', async () => {
    const { app, db, ws } = await setup();
    const h = await createWebhook(
      db,
      ws,
      parse(WebhookInput, {
        url: SLACK,
        events: ALL_EVENTS,
        active: true,
        label: '<img src=x onerror=alert(1)>',
      }),
    );
    await queueDeliveries(
      db,
      ws.id,
      [h],
      'test',
      { text: '<script>alert(2)</script>' },
      Date.now() + 60 * 60_000,
    );
    await db.orm
      .update(webhookDeliveries)
      .set({ status: 'failed', attempts: 1, lastError: 'HTTP 400: <b onmouseover=alert(3)>bad</b>' });
    for (const path of ['/w/acme/settings/webhooks', `/w/acme/settings/webhooks/${h.id}`]) {
      const html = await (await app.request(path)).text();
      expect(html, path).not.toContain('<img src=x');
      expect(html, path).not.toContain('<script>alert');
      expect(html, path).not.toContain('<b onmouseover');
      expect(html, path).toContain('&lt;img src=x onerror=alert(1)&gt;');
    }
    const detail = visible(await (await app.request(`/w/acme/settings/webhooks/${h.id}`)).text());
    expect(detail).toContain('"text": "<script>alert(2)</script>"');
    expect(detail).toContain('HTTP 400: <b onmouseover=alert(3)>bad</b>');
  });
});
