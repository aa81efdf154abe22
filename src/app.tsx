import type { Context } from 'hono';
import { Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { csrf } from 'hono/csrf';
import { HTTPException } from 'hono/http-exception';
import { requestId } from 'hono/request-id';
import { secureHeaders } from 'hono/secure-headers';
import { CsvTooLargeFragment, CsvTooLargePage, importSlug } from '../views/data/too-large';
import { ErrorFragment, ErrorPage } from '../views/errors/pages';
import { apiAuth, loadMemberWorkspace, pageAuth, requireRole } from './accounts/auth';
import { memberRoutes } from './accounts/member-routes';
import { accountRoutes } from './accounts/routes';
import { apiRoutes } from './api/routes';
import { assetRoutes } from './assets';
import { auditRoutes } from './audit/routes';
import { backupRoutes } from './backup/routes';
import { batchRoutes } from './batches/routes';
import { mountBenchLimit } from './bench-limit';
import { conditionalPages } from './cache/conditional';
import { createPageCache } from './cache/page-cache';
import { draftRoutes } from './drafts/routes';
import { type AppEnv, BACKUP_LIMIT_BYTES, CSV_LIMIT_BYTES, type Deps } from './env';
import { isDomainError, logBug } from './errors';
import { exportRoutes } from './exports/routes';
import { healthRoutes } from './health/routes';
import { isHtmx } from './htmx';
import { hypothesisRoutes } from './hypotheses/routes';
import { importRoutes } from './imports/routes';
import { learningRoutes } from './learnings/routes';
import { leverRoutes } from './levers/routes';
import { measurementRoutes } from './measurements/routes';
import { meetingRoutes } from './meeting/routes';
import { metricDetailRoutes } from './metrics/detail-routes';
import { metricRoutes } from './metrics/routes';
import { shareRoutes } from './share/routes';
import { webhookRoutes } from './webhooks/routes';
import { workspaceRoutes } from './workspaces/routes';

/**
 * A request's path as the log shows it: an invite link's token is as good as the invite itself for seven
 * days, and logs are read (and kept) by more people than the owners who hand out links.
 */
export function loggedPath(path: string): string {
  return path.replace(/^\/invite\/[^/]+/, '/invite/[token]').replace(/^\/share\/[^/]+/, '/share/[token]');
}

export function createApp(given: Deps) {
  const app = new Hono<AppEnv>();
  const cacheBytes = given.pageCacheBytes ?? 16 * 1024 * 1024;
  const deps: Deps = {
    ...given,
    pages: given.pages ?? (cacheBytes > 0 ? createPageCache(cacheBytes) : undefined),
  };

  app.use(requestId());
  if (deps.logLevel !== 'silent') {
    app.use(async (c, next) => {
      const start = performance.now();
      await next();
      // A load balancer asks every few seconds: only a failing check is worth a line.
      if (c.req.path === '/healthz' && c.res.status === 200) return;
      console.log(
        JSON.stringify({
          t: new Date().toISOString(),
          id: c.get('requestId'),
          method: c.req.method,
          path: loggedPath(c.req.path),
          status: c.res.status,
          ms: Math.round((performance.now() - start) * 10) / 10,
        }),
      );
    });
  }
  app.use(
    secureHeaders({
      // A route may set its own stricter header (invite pages: no Referer at all, the token is in the URL).
      overwrite: false,
      referrerPolicy: 'strict-origin-when-cross-origin',
      contentSecurityPolicy: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'"],
        imgSrc: ["'self'", 'data:'],
        objectSrc: ["'none'"],
        baseUri: ["'self'"],
        formAction: ["'self'"],
        frameAncestors: ["'none'"],
      },
    }),
  );
  // `npm run bench` only (src/bench-limit.tsx): the same page bytes precomputed, the limit for this stack.
  if (deps.benchLimit) mountBenchLimit(app);
  // Uploads get their own, larger limits (a CSV file, a workspace backup); everything else stays small.
  const sizeLimit = (limit: number, what: string) =>
    bodyLimit({
      maxSize: limit,
      onError: (c) =>
        c.req.path.startsWith('/api/')
          ? c.json({ error: { code: 'too_large', message: `${what} is over ${limit} bytes.` } }, 413)
          : c.html(<ErrorPage title="Too large" message={`${what} is over ${limit} bytes.`} />, 413),
    });
  const defaultLimit = sizeLimit(deps.bodyLimitBytes ?? 256 * 1024, 'That request');
  const csvBytes = deps.csvLimitBytes ?? CSV_LIMIT_BYTES;
  // An over-size CSV gets a page that says how to split the file, and a way back to the import form.
  const csvLimit = bodyLimit({
    maxSize: csvBytes,
    onError: (c) => {
      const slug = importSlug(c.req.path);
      return c.html(
        isHtmx(c) ? (
          <CsvTooLargeFragment limitBytes={csvBytes} slug={slug} />
        ) : (
          <CsvTooLargePage limitBytes={csvBytes} slug={slug} />
        ),
        413,
      );
    },
  });
  const backupLimit = sizeLimit(deps.backupLimitBytes ?? BACKUP_LIMIT_BYTES, 'That backup');
  app.use((c, next) => {
    // A GET or HEAD has no body to limit (the Fetch API gives it none); asking for it would only make the
    // node adapter build a full Request on every page view.
    if (c.req.method === 'GET' || c.req.method === 'HEAD') return next();
    const path = c.req.path;
    if (/^\/w\/[^/]+\/import\//.test(path)) return csvLimit(c, next);
    if (path === '/workspaces/import' || path === '/api/v1/workspace-imports') return backupLimit(c, next);
    return defaultLimit(c, next);
  });

  // Cross-site form posts are refused (403): the browser's Sec-Fetch-Site or Origin must say the form
  // came from Lodestar itself. Behind a proxy that rewrites the host, set LODESTAR_ORIGIN. The API is
  // left out: it accepts only application/json, which a cross-site form cannot send without CORS.
  const csrfCheck = csrf(deps.origin ? { origin: deps.origin } : undefined);
  // hono/csrf judges only the content types a plain HTML form can send. A page route has no business with
  // any other kind of body from another site either, so a browser's own cross-site marker (Sec-Fetch-Site,
  // or an Origin that is not Lodestar's) refuses it whatever the content type.
  // A page served with Referrer-Policy: no-referrer (the invite page) makes the browser send `Origin: null`
  // on its own form posts: that says nothing about the site, so Sec-Fetch-Site (or hono/csrf) decides.
  const crossSite = (c: Context<AppEnv>) => {
    const site = c.req.header('sec-fetch-site');
    const origin = c.req.header('origin');
    return (
      (site !== undefined && site !== 'same-origin' && site !== 'none') ||
      (!!origin && origin !== 'null' && origin !== (deps.origin ?? new URL(c.req.url).origin))
    );
  };
  app.use((c, next) => {
    if (c.req.path.startsWith('/api/')) return next();
    if (!/^(GET|HEAD|OPTIONS)$/.test(c.req.method) && crossSite(c)) throw new HTTPException(403);
    return csrfCheck(c, next);
  });

  app.route('/', assetRoutes());
  app.route('/', healthRoutes(deps, deps.lifecycle));

  // Who is asking: the API by personal token (401 without one), pages by session cookie (to /login or,
  // before the first user exists, to /setup). Assets above need neither.
  app.use('/api/*', apiAuth(deps));
  const pages = pageAuth(deps);
  app.use('*', async (c, next) => (c.req.path.startsWith('/api/') ? next() : pages(c, next)));
  // Pages carry an ETag and are revalidated (304 when unchanged): htmx polling and navigation.
  const conditional = conditionalPages();
  app.use('*', async (c, next) => (c.req.path.startsWith('/api/') ? next() : conditional(c, next)));

  // The workspace of every /w/:slug page, resolved from the user's membership once; a workspace the user
  // is not a member of is the same 404 as one that does not exist. Changes need at least an editor; the
  // owner-only routes (members, invites, North Star, settings, trail) say so where they are declared.
  const loadWorkspace = loadMemberWorkspace(deps);
  app.use('/w/:slug', loadWorkspace);
  app.use('/w/:slug/*', loadWorkspace);
  app.on(['POST', 'PUT', 'PATCH', 'DELETE'], ['/w/:slug', '/w/:slug/*'], requireRole('editor'));

  app.route('/', accountRoutes(deps));
  app.route('/', memberRoutes(deps));
  app.route('/', workspaceRoutes(deps));
  app.route('/', metricRoutes(deps));
  app.route('/', hypothesisRoutes(deps));
  app.route('/', learningRoutes(deps));
  app.route('/', auditRoutes(deps));
  app.route('/', meetingRoutes(deps));
  app.route('/', batchRoutes(deps));
  app.route('/', leverRoutes(deps));
  app.route('/', measurementRoutes(deps));
  app.route('/', metricDetailRoutes(deps));
  app.route('/', importRoutes(deps));
  app.route('/', exportRoutes(deps));
  app.route('/', backupRoutes(deps));
  app.route('/', webhookRoutes(deps));
  app.route('/', shareRoutes(deps));
  app.route('/', draftRoutes(deps));
  app.route('/api/v1', apiRoutes(deps));

  app.notFound((c) => notFound(c, 'There is nothing at this address.'));
  app.onError((err, c) => {
    const api = c.req.path.startsWith('/api/');
    if (isDomainError(err)) {
      if (api) {
        const fields = 'fields' in err ? { fields: err.fields } : {};
        return c.json({ error: { code: err.code, message: err.message, ...fields } }, err.status);
      }
      const title =
        err.status === 404
          ? 'Not found'
          : err.status === 409
            ? 'Conflict'
            : err.status === 403
              ? 'Not allowed'
              : 'Check your input';
      const ws = c.get('workspace');
      return c.html(
        isHtmx(c) ? (
          <ErrorFragment title={title} message={err.message} ws={ws} />
        ) : (
          <ErrorPage title={title} message={err.message} ws={ws} />
        ),
        err.status,
      );
    }
    // (Matched by its shape too: vitest can load hono's module twice, which breaks instanceof.)
    if ((err instanceof HTTPException || 'getResponse' in err) && (err as HTTPException).status === 403) {
      const message =
        'This request came from another site, so it was refused. Reload Lodestar and try again from its own page.';
      if (api) return c.json({ error: { code: 'forbidden', message } }, 403);
      return c.html(<ErrorPage title="Refused" message={message} />, 403);
    }
    logBug(c.get('requestId'), err);
    if (api)
      return c.json({ error: { code: 'internal', message: 'Something went wrong on our side.' } }, 500);
    return c.html(
      <ErrorPage
        title="Something went wrong"
        message="That is a bug on our side; nothing you typed is lost if you go back."
      />,
      500,
    );
  });

  return app;
}

function notFound(c: Context<AppEnv>, message: string) {
  if (c.req.path.startsWith('/api/')) return c.json({ error: { code: 'not_found', message } }, 404);
  const ws = c.get('workspace');
  return c.html(
    isHtmx(c) ? (
      <ErrorFragment title="Not found" message={message} ws={ws} />
    ) : (
      <ErrorPage title="Not found" message={message} ws={ws} />
    ),
    404,
  );
}
