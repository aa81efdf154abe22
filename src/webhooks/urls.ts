import { createHash } from 'node:crypto';

// A webhook URL is a password: whoever has a Slack incoming-webhook URL can post into that channel. After it is
// saved, pages show it masked and the audit trail keeps only its host (with a short fingerprint, so that a
// change of address on the same host still shows as a change).

// Path segments that are a route's words, shown as they are. Anything else may be (part of) the secret: a
// short lower-case segment can be one too (Zapier's /hooks/catch/123456/abc1de/), so only known words pass.
const ROUTE_WORDS = new Set([
  'api',
  'services',
  'hooks',
  'hook',
  'webhooks',
  'webhook',
  'catch',
  'incoming',
  'integrations',
  'slack',
  'v1',
  'v2',
  'v3',
  'v4',
]);
const isRoute = (segment: string) => ROUTE_WORDS.has(segment.toLowerCase());

/**
 * The URL as pages show it: scheme, host and the route-like start of the path, then the first two
 * characters of the first secret-looking segment and an ellipsis — https://hooks.slack.com/services/T0…/…
 */
export function maskUrl(raw: string): string {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return '…';
  }
  const segments = url.pathname.split('/').filter(Boolean);
  const shown: string[] = [];
  let i = 0;
  while (i < segments.length && isRoute(segments[i] ?? '')) shown.push(segments[i++] ?? '');
  if (i < segments.length) {
    shown.push(`${(segments[i] ?? '').slice(0, 2)}…`);
    if (i + 1 < segments.length) shown.push('…');
  }
  const path = shown.length ? `/${shown.join('/')}` : '';
  return `${url.protocol}//${url.host}${path}${url.search ? '?…' : ''}`;
}

/** The host alone ("hooks.slack.com"), for the trail and for a webhook without a label. */
export function urlHost(raw: string): string {
  try {
    return new URL(raw).host;
  } catch {
    return 'an invalid address';
  }
}

/**
 * The host and a short fingerprint of the whole URL ("hooks.slack.com #3f9a12"): tells two addresses apart
 * in the trail without revealing either (24 bits of a hash cannot be turned back into the URL).
 */
export function urlForTrail(raw: string): string {
  const digest = createHash('sha256').update(raw).digest('hex').slice(0, 6);
  return `${urlHost(raw)} #${digest}`;
}
