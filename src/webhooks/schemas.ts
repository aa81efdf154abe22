import { z } from 'zod';
import { WEBHOOK_EVENTS, type WebhookEvent } from '../../db/schema';
import { blank, optionalText } from '../validation';

export const WEBHOOK_URL_MAX = 2000;
export const WEBHOOK_LABEL_MAX = 80;

/** What each event is, in the words the settings page and the README use. */
export const EVENT_LABELS: Record<WebhookEvent, { label: string; hint: string }> = {
  'experiment.closed': {
    label: 'Experiment closed',
    hint: 'its result, lift, ROTI and what the team learned',
  },
  'batch.started': {
    label: 'Batch started',
    hint: 'the week’s experiments with their estimates, against capacity',
  },
  'meeting.summary': {
    label: 'Meeting summary ready',
    hint: 'when a batch starts: what was closed, learned, triaged and selected',
  },
};

/**
 * The address deliveries go to: http(s) only, since anything else cannot take a JSON POST; without a user
 * name or password, because fetch refuses such URLs (and they would sit in plain sight on the page).
 */
export const webhookUrl = z
  .string({ error: 'The URL is required.' })
  .trim()
  .min(1, { error: 'The URL is required: paste the address from Slack (or your endpoint).' })
  .max(WEBHOOK_URL_MAX, { error: `The URL must be at most ${WEBHOOK_URL_MAX} characters.` })
  .superRefine((raw, ctx) => {
    let url: URL;
    try {
      url = new URL(raw);
    } catch {
      ctx.addIssue({
        code: 'custom',
        message: 'That is not a web address: it should look like https://hooks.slack.com/services/…',
      });
      return;
    }
    if (url.protocol !== 'https:' && url.protocol !== 'http:')
      ctx.addIssue({
        code: 'custom',
        message: `Webhooks are sent over https (or http); “${url.protocol.replace(/:$/, '')}” addresses cannot receive them.`,
      });
    else if (url.username || url.password)
      ctx.addIssue({
        code: 'custom',
        message: 'Leave the user name and password out of the URL: Lodestar cannot send them.',
      });
  });

const events = z.preprocess(
  (v) => (v == null || v === '' ? [] : Array.isArray(v) ? v : [v]),
  z
    .array(z.unknown())
    .min(1, { error: 'Choose at least one event to send.' })
    // One message on the field itself (not on `events.3`, which no field on the form shows).
    .superRefine((list, ctx) => {
      if (list.some((e) => !(WEBHOOK_EVENTS as readonly unknown[]).includes(e)))
        ctx.addIssue({
          code: 'custom',
          message: `Choose among the events listed: ${WEBHOOK_EVENTS.map((e) => EVENT_LABELS[e].label).join(', ')}.`,
        });
    })
    .transform((list) => WEBHOOK_EVENTS.filter((e) => list.includes(e))),
);

/** A checkbox sends "on" (or its value) when ticked and nothing at all when not. */
const checkbox = z.preprocess(
  (v) => (Array.isArray(v) ? v.at(-1) : v),
  z
    .union([z.boolean(), z.string()])
    .optional()
    .transform((v) => v === true || (typeof v === 'string' && v !== '' && v !== 'false' && v !== '0')),
);

export const WebhookInput = z.object({
  url: webhookUrl,
  label: optionalText('Label', WEBHOOK_LABEL_MAX),
  events,
  active: checkbox,
});
export type WebhookInput = z.output<typeof WebhookInput>;

/**
 * The edit form. The saved URL is never sent back into the page (it is a secret), so its field starts
 * blank and a blank URL keeps the one saved.
 */
export const WebhookUpdate = WebhookInput.extend({
  url: z.preprocess(blank, webhookUrl.optional()),
  version: z.preprocess(
    blank,
    z.coerce.number({ error: 'The version you edited is required (reload the page).' }).int().positive(),
  ),
});
export type WebhookUpdate = z.output<typeof WebhookUpdate>;
