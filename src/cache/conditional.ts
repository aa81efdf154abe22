import type { Context, MiddlewareHandler } from 'hono';
import { type CachedPage, etagOf } from './page-cache';

// Conditional GET for pages: every HTML page carries an ETag computed from its bytes and
// `Cache-Control: private, no-cache`, so the browser keeps a copy but asks each time; when nothing changed the
// answer is a bodiless 304. htmx's polling and a back-and-forth navigation then move headers, not pages.
// A page and its htmx fragment share an address, so the cache must also key on the headers that choose
// between them (src/htmx.ts isHtmx): a fragment must never be served for a full navigation.

export const PAGE_VARY = 'HX-Request, HX-Boosted, HX-History-Restore-Request';
const PAGE_CACHE_CONTROL = 'private, no-cache';

/** Whether an If-None-Match header names this ETag (weak comparison, as RFC 9110 asks for GET). */
export function etagMatches(ifNoneMatch: string | undefined, etag: string): boolean {
  if (!ifNoneMatch) return false;
  if (ifNoneMatch.trim() === '*') return true;
  const bare = (tag: string) => tag.trim().replace(/^W\//, '');
  const mine = bare(etag);
  return ifNoneMatch.split(',').some((tag) => bare(tag) === mine);
}

function validatorHeaders(etag: string): Record<string, string> {
  return { ETag: etag, 'Cache-Control': PAGE_CACHE_CONTROL, Vary: PAGE_VARY };
}

/** Sends a kept page: 304 when the browser already has these bytes, the page otherwise. */
export function sendPage(c: Context, page: CachedPage): Response {
  const headers = validatorHeaders(page.etag);
  if (page.status === 200 && etagMatches(c.req.header('if-none-match'), page.etag))
    return c.body(null, 304, headers);
  // The kept bytes go out as they are (a view, not a copy; Buffers may share a pooled ArrayBuffer).
  const bytes = new Uint8Array(page.body.buffer as ArrayBuffer, page.body.byteOffset, page.body.byteLength);
  return c.body(bytes, page.status as 200, { ...headers, 'Content-Type': 'text/html; charset=UTF-8' });
}

/**
 * For every other GET page: the ETag of the rendered bytes, and 304 when they match. Pages that say how they
 * may be kept (`no-store` on share links, exports, secrets shown once) or set a cookie are left as they are.
 */
export function conditionalPages(): MiddlewareHandler {
  return async (c, next) => {
    await next();
    if (c.req.method !== 'GET' || c.res.status !== 200) return;
    const res = c.res;
    if (!res.headers.get('content-type')?.startsWith('text/html')) return;
    if (res.headers.has('etag') || res.headers.has('cache-control') || res.headers.has('set-cookie')) return;
    const body = await res.text();
    const etag = etagOf(body);
    const headers = new Headers(res.headers);
    for (const [name, value] of Object.entries(validatorHeaders(etag))) headers.set(name, value);
    if (etagMatches(c.req.header('if-none-match'), etag)) {
      headers.delete('content-type');
      headers.delete('content-length');
      c.res = new Response(null, { status: 304, headers });
      return;
    }
    c.res = new Response(body, { status: 200, headers });
  };
}
