import type { Context } from 'hono';
import type { JSX } from 'hono/jsx/jsx-runtime';
import { HtmlEscapedCallbackPhase, resolveCallback } from 'hono/utils/html';

// The one place that reads and writes HX-* headers.

/** True for an htmx request that wants a fragment (not a boosted or history-restore full page). */
export function isHtmx(c: Context): boolean {
  return (
    c.req.header('HX-Request') === 'true' &&
    c.req.header('HX-Boosted') !== 'true' &&
    c.req.header('HX-History-Restore-Request') !== 'true'
  );
}

/** Fires client events after the swap (other parts of the page listen `from:body`). */
export function trigger(c: Context, events: Record<string, unknown> | string): void {
  c.header('HX-Trigger', typeof events === 'string' ? events : JSON.stringify(events));
}

/** Tells htmx to navigate (a full page load) instead of swapping: used after creates. */
export function redirect(c: Context, url: string): void {
  c.header('HX-Redirect', url);
}

/** Tells the browser's address bar which URL the swapped content corresponds to. */
export function replaceUrl(c: Context, url: string): void {
  c.header('HX-Replace-Url', url);
}

/**
 * Full document on a normal request, the fragment alone when htmx asks. Both are produced by the page
 * module, so the fragment is exactly the part of the page it replaces.
 */
export function respond(
  c: Context,
  parts: { page: () => JSX.Element; fragment: () => JSX.Element },
  status: 200 | 404 | 409 | 422 = 200,
) {
  return c.html(isHtmx(c) ? parts.fragment() : parts.page(), status);
}

/**
 * The same choice as `respond`, as a string: for a route that keeps what it rendered (src/cache/kept-page.ts)
 * and would otherwise build a Response only to read it back.
 */
export async function renderParts(
  c: Context,
  parts: { page: () => JSX.Element; fragment: () => JSX.Element },
): Promise<string> {
  const element = await (isHtmx(c) ? parts.fragment() : parts.page());
  return resolveCallback(element, HtmlEscapedCallbackPhase.Stringify, false, {});
}
