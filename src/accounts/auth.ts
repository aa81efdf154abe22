import type { Context, MiddlewareHandler } from 'hono';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import { createMiddleware } from 'hono/factory';
import type { Role, User } from '../../db/schema';
import { runAs, userActor } from '../audit/actor';
import type { AppEnv, Deps } from '../env';
import { ForbiddenError, NotFoundError } from '../errors';
import { isHtmx } from '../htmx';
import { type MemberWorkspace, memberWorkspace, roleAtLeast } from './members';
import { resolveSession, SESSION_MAX_MS } from './sessions';
import { resolveToken } from './tokens';
import { countUsers } from './users';

// ---- The session cookie

const COOKIE = 'lodestar_session';
// Over https the cookie takes the __Host- prefix: the browser then insists on Secure, Path=/ and no
// Domain, so a sibling subdomain cannot plant a session of its choosing.
const HOST_COOKIE = `__Host-${COOKIE}`;

/** Whether the browser reached Lodestar over https (directly, or through the configured public origin). */
export function isSecure(c: Context, origin?: string): boolean {
  if (origin) return origin.startsWith('https://');
  return new URL(c.req.url).protocol === 'https:';
}

export function setSessionCookie(c: Context, id: string, origin?: string): void {
  const secure = isSecure(c, origin);
  setCookie(c, secure ? HOST_COOKIE : COOKIE, id, {
    httpOnly: true,
    sameSite: 'Lax',
    secure,
    path: '/',
    maxAge: Math.floor(SESSION_MAX_MS / 1000),
  });
}

export function clearSessionCookie(c: Context, origin?: string): void {
  const secure = isSecure(c, origin);
  deleteCookie(c, secure ? HOST_COOKIE : COOKIE, { path: '/', secure, httpOnly: true, sameSite: 'Lax' });
}

export function readSessionId(c: Context, origin?: string): string | undefined {
  return getCookie(c, isSecure(c, origin) ? HOST_COOKIE : COOKIE);
}

/**
 * The client's address for rate limiting: the socket's peer, or (only when the operator says a proxy
 * sits in front) the last address of X-Forwarded-For. Proxies append the address they saw to whatever
 * the client sent, so only the last one is the proxy's word; the first is the client's, free to vary
 * with every request, which would give each guess a fresh address.
 */
export function clientAddress(c: Context, trustProxy = false): string {
  if (trustProxy) {
    const forwarded = c.req.header('x-forwarded-for')?.split(',').at(-1)?.trim();
    if (forwarded) return forwarded;
  }
  const env = c.env as { incoming?: { socket?: { remoteAddress?: string } } } | undefined;
  return env?.incoming?.socket?.remoteAddress ?? 'unknown';
}

// Pages anyone may open without signing in.
// A share link's digest (and its Markdown) is for stakeholders without an account: the token is the key.
const PUBLIC_PAGES = [/^\/login$/, /^\/setup$/, /^\/invite\/[^/]+$/, /^\/share\/[^/]+(?:\/[^/]*)?$/];

const LOCAL = 'http://lodestar.invalid';

/**
 * A local path to come back to after signing in; anything else (another host, //evil) becomes "/". It is
 * read as a browser would read it (which drops tabs and newlines and takes \ for /, so "/\t/evil" is
 * //evil), and only a path on this origin is kept, in its parsed form, so no control character reaches
 * the Location header either.
 */
export function safeNext(next: string | undefined): string {
  if (!next?.startsWith('/')) return '/';
  let url: URL;
  try {
    url = new URL(next, LOCAL);
  } catch {
    return '/';
  }
  // "/..//evil" parses to the path //evil, which a Location header would send to another host again.
  if (url.origin !== LOCAL || url.pathname.startsWith('//')) return '/';
  return url.pathname + url.search + url.hash;
}

/**
 * Resolves who is asking, for pages: the signed-in user of the session cookie, or nobody. Before the first
 * user exists every page leads to /setup; afterwards anonymous requests for private pages go to /login.
 * The user then rides along as the actor of every change the request makes.
 */
export function pageAuth(deps: Deps): MiddlewareHandler<AppEnv> {
  let setUp = false;
  return createMiddleware<AppEnv>(async (c, next) => {
    const path = c.req.path;
    if (!setUp) setUp = (await countUsers(deps.db)) > 0;
    if (!setUp) {
      if (path === '/setup') return next();
      return sendTo(c, '/setup');
    }
    const sid = readSessionId(c, deps.origin);
    const user = sid ? await resolveSession(deps.db, sid) : undefined;
    if (user && sid) {
      c.set('user', user);
      c.set('sessionId', sid);
      return runAs(userActor(user, 'session'), () => next());
    }
    // A cookie for a session that ended (expired, signed out, tampered) is dropped.
    if (sid) clearSessionCookie(c, deps.origin);
    if (PUBLIC_PAGES.some((re) => re.test(path))) return next();
    const back = c.req.method === 'GET' ? path + (new URL(c.req.url).search || '') : undefined;
    return sendTo(c, back && back !== '/' ? `/login?next=${encodeURIComponent(back)}` : '/login', 401);
  });
}

/** Sends the browser elsewhere: a 303 for a page, an HX-Redirect (a full navigation) for htmx. */
function sendTo(c: Context, url: string, htmxStatus: 200 | 401 = 200) {
  if (isHtmx(c)) {
    c.header('HX-Redirect', url);
    return c.body(null, htmxStatus === 401 ? 401 : 200);
  }
  return c.redirect(url, 303);
}

/** Resolves who is asking, for the API: a live personal token in `Authorization: Bearer …`, or 401. */
export function apiAuth(deps: Deps): MiddlewareHandler<AppEnv> {
  return createMiddleware<AppEnv>(async (c, next) => {
    const header = c.req.header('authorization') ?? '';
    const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
    const user = match?.[1] ? await resolveToken(deps.db, match[1]) : undefined;
    if (!user) {
      c.header('WWW-Authenticate', 'Bearer realm="lodestar"');
      return c.json(
        {
          error: {
            code: 'unauthorized',
            message: match
              ? 'This API token is not valid or was revoked.'
              : 'Send a personal API token in the header Authorization: Bearer <token>. Create one on your account page.',
          },
        },
        401,
      );
    }
    c.set('user', user);
    return runAs(userActor(user, 'token'), () => next());
  });
}

/**
 * The workspace named by the route's slug, as the signed-in user's membership sees it. Not a member and
 * no such workspace are the same 404, so the existence of other teams' workspaces is not revealed.
 */
export function loadMemberWorkspace(deps: Deps): MiddlewareHandler<AppEnv> {
  return createMiddleware<AppEnv>(async (c, next) => {
    const user = c.get('user');
    const ws = user ? await memberWorkspace(deps.db, user.id, c.req.param('slug') ?? '') : undefined;
    if (!ws) throw new NotFoundError('There is no workspace at this address, or you are not a member of it.');
    c.set('workspace', ws);
    await next();
  });
}

const CAN: Record<Role, string> = {
  viewer: 'view',
  editor: 'view and edit the backlog',
  owner: 'do anything',
};

/** Throws a 403 when the member's role is below `role` (for checks that depend on what is asked for). */
export function assertRole(ws: MemberWorkspace, role: Role): void {
  if (!roleAtLeast(ws.role, role))
    throw new ForbiddenError(
      `Only ${role === 'owner' ? 'owners' : 'editors and owners'} can do this. You are ${
        ws.role === 'editor' ? 'an editor' : 'a viewer'
      } in ${ws.name} and can ${CAN[ws.role]}; ask an owner if you need more.`,
    );
}

/** Refuses (403) members whose role is below `role`. */
export function requireRole(role: Role): MiddlewareHandler<AppEnv> {
  return createMiddleware<AppEnv>(async (c, next) => {
    assertRole(c.get('workspace'), role);
    await next();
  });
}

/** The signed-in user of a route that is behind the session check. */
export function signedIn(c: Context<AppEnv>): User {
  const user = c.get('user');
  if (!user) throw new Error('route reached without a signed-in user');
  return user;
}
