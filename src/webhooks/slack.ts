import type { WebhookEvent, Workspace } from '../../db/schema';

// Slack's message format, shared by every webhook body: mrkdwn escaping and links, and a message's `text`
// laid out again as `blocks` within Slack's limits.

export type WebhookEventName = WebhookEvent | 'test';

export type SlackBlock = { type: 'section'; text: { type: 'mrkdwn'; text: string } };

export type WebhookBody = {
  text: string;
  blocks?: SlackBlock[];
  event: WebhookEventName;
  workspace: { slug: string; name: string };
  data: Record<string, unknown>;
};

export type PayloadContext = {
  ws: Pick<Workspace, 'slug' | 'name' | 'timeZone'>;
  /** The public origin ("https://lodestar.example.com"); without it no links are sent. */
  origin?: string;
};

// Slack's limits: a section's text is at most 3000 characters, a message at most 50 blocks; `text` is cut
// off after 40,000 characters (kept well under).
const SECTION_MAX = 3000;
const BLOCKS_MAX = 50;
const TEXT_MAX = 35_000;

/**
 * User text made safe for mrkdwn: &, < and > are Slack's control characters (links, mentions such as
 * <!channel>) and must be sent as entities; newlines are collapsed so a title cannot start a quote or a list.
 */
export function slackEscape(text: string): string {
  return text.replace(/\s+/g, ' ').trim().replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** A link in mrkdwn, or the (escaped) text alone without an address. */
export function slackLink(url: string | undefined, text: string): string {
  const label = slackEscape(text).replace(/\|/g, '¦');
  return url ? `<${url.replace(/[<>|\s]/g, encodeURIComponent)}|${label}>` : label;
}

export const num = (n: number, digits = 1) => (Number.isInteger(n) ? String(n) : n.toFixed(digits));
export const days = (n: number) => `${num(n)} person-day${n === 1 ? '' : 's'}`;
export const liftText = (n: number) => `${n > 0 ? '+' : ''}${num(n)}%`;

const base = (ctx: PayloadContext) => ctx.origin?.replace(/\/+$/, '');
export const wsUrl = (ctx: PayloadContext, path = '') => {
  const origin = base(ctx);
  return origin ? `${origin}/w/${ctx.ws.slug}${path}` : undefined;
};

/**
 * A message from its paragraphs: `text` joined and trimmed to Slack's limit, the same paragraphs as sections
 * (none when they would not fit in 50 blocks), then Lodestar's own fields.
 */
export function slackMessage(
  event: WebhookEventName,
  ctx: PayloadContext,
  paragraphs: string[],
  data: Record<string, unknown>,
): WebhookBody {
  let text = paragraphs.filter(Boolean).join('\n\n');
  if (text.length > TEXT_MAX) text = `${text.slice(0, TEXT_MAX)}\n…(cut short: see the rest in Lodestar)`;
  const sections = paragraphs.filter(Boolean).flatMap(chunk);
  const blocks: SlackBlock[] | undefined =
    sections.length > 0 && sections.length <= BLOCKS_MAX
      ? sections.map((s) => ({ type: 'section', text: { type: 'mrkdwn', text: s } }))
      : undefined;
  return {
    text,
    ...(blocks ? { blocks } : {}),
    event,
    workspace: { slug: ctx.ws.slug, name: ctx.ws.name },
    data,
  };
}

/** A paragraph as sections of at most SECTION_MAX characters, split between lines. */
function chunk(paragraph: string): string[] {
  if (paragraph.length <= SECTION_MAX) return [paragraph];
  const out: string[] = [];
  let current = '';
  for (const line of paragraph.split('\n')) {
    const piece = line.length > SECTION_MAX ? `${line.slice(0, SECTION_MAX - 1)}…` : line;
    if (current && current.length + 1 + piece.length > SECTION_MAX) {
      out.push(current);
      current = piece;
    } else current = current ? `${current}\n${piece}` : piece;
  }
  if (current) out.push(current);
  return out;
}
