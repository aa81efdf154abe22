import { type AttemptResult, parseRetryAfter } from './deliveries';

export const USER_AGENT = 'Lodestar-Webhooks/1';
/** How much of a refusing receiver's answer goes into the log (Slack says why: "invalid_payload", "no_service"). */
const ANSWER_MAX_BYTES = 512;

/**
 * One attempt: POST the JSON body, within `timeoutMs` for the whole exchange. Never throws: every way it
 * can go wrong comes back as an AttemptResult the log can show. Redirects are not followed (a POST turned
 * into a GET elsewhere would look delivered while nothing arrived).
 */
export async function postJson(
  url: string,
  body: string,
  opts: { timeoutMs: number; event: string; deliveryId: number },
): Promise<AttemptResult> {
  const started = performance.now();
  const took = () => performance.now() - started;
  try {
    const res = await fetch(url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'user-agent': USER_AGENT,
        // Receivers other than Slack can route on the event and drop a repeat of a delivery they already have.
        'x-lodestar-event': opts.event,
        'x-lodestar-delivery': String(opts.deliveryId),
      },
      body,
      redirect: 'manual',
      signal: AbortSignal.timeout(opts.timeoutMs),
    });
    if (res.status >= 200 && res.status < 300) {
      await res.body?.cancel().catch(() => undefined);
      return { statusCode: res.status, error: null, durationMs: took() };
    }
    const answer = await readSome(res);
    const retryAfterMs = parseRetryAfter(res.headers.get('retry-after'));
    const error =
      res.status >= 300 && res.status < 400
        ? `Redirected (HTTP ${res.status}): webhooks do not follow redirects, so use the address it points to.`
        : `HTTP ${res.status}${res.statusText ? ` ${res.statusText}` : ''}${answer ? `: ${answer}` : ''}`;
    return { statusCode: res.status, error, durationMs: took(), retryAfterMs };
  } catch (e) {
    return { statusCode: null, error: describeFailure(e, opts.timeoutMs), durationMs: took() };
  }
}

/** The start of the answer's body as one line of text (a receiver's reason), without reading it all. */
async function readSome(res: Response): Promise<string> {
  const reader = res.body?.getReader();
  if (!reader) return '';
  const chunks: Uint8Array[] = [];
  let size = 0;
  try {
    while (size < ANSWER_MAX_BYTES) {
      const { done, value } = await reader.read();
      if (done || !value) break;
      chunks.push(value);
      size += value.byteLength;
    }
  } catch {
    // A body cut short still tells what arrived of it.
  } finally {
    await reader.cancel().catch(() => undefined);
  }
  const text = new TextDecoder().decode(Buffer.concat(chunks).subarray(0, ANSWER_MAX_BYTES));
  return text.replace(/\s+/g, ' ').trim();
}

const NETWORK_ERRORS: Record<string, string> = {
  ECONNREFUSED: 'Connection refused: nothing is listening at that address.',
  ENOTFOUND: 'Host not found: check the address.',
  EAI_AGAIN: 'Host not found (DNS did not answer): check the address.',
  ECONNRESET: 'The connection was closed before an answer came.',
  UND_ERR_SOCKET: 'The connection was closed before an answer came.',
  CERT_HAS_EXPIRED: 'The receiver’s TLS certificate has expired.',
  DEPTH_ZERO_SELF_SIGNED_CERT: 'The receiver’s TLS certificate is self-signed.',
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: 'The receiver’s TLS certificate could not be verified.',
};

function describeFailure(e: unknown, timeoutMs: number): string {
  const err = e as { name?: string; message?: string; cause?: { code?: string; message?: string } };
  if (err?.name === 'TimeoutError' || err?.name === 'AbortError')
    return `Timed out: no answer within ${timeoutMs} ms.`;
  const code = err?.cause?.code;
  if (code && NETWORK_ERRORS[code]) return NETWORK_ERRORS[code];
  const detail = err?.cause?.message ?? err?.message ?? String(e);
  return `Could not connect: ${detail}${code ? ` (${code})` : ''}`;
}
