import { raw } from 'hono/html';
import type { Child } from 'hono/jsx';

/**
 * The document around a share link's pages. Not the app's Layout: a stakeholder has no account, so there is
 * no navigation into the workspace, no sign-in or sign-out, and no script (the pages are read, not used).
 */
export function ShareLayout(props: { title: string; children: Child }) {
  return (
    <>
      {raw('<!DOCTYPE html>')}
      <html lang="en">
        <head>
          <meta charset="utf-8" />
          <meta name="viewport" content="width=device-width, initial-scale=1" />
          {/* The token is in the address: no request leaving the page may carry it as a referrer, and no
              search engine may keep it (the response headers say the same; these cover saved copies). */}
          <meta name="referrer" content="no-referrer" />
          <meta name="robots" content="noindex, nofollow" />
          <title>{`${props.title} · Lodestar`}</title>
          <link rel="icon" href="/assets/icon.svg" type="image/svg+xml" />
          <link rel="stylesheet" href="/assets/app.css" />
          <link rel="stylesheet" href="/assets/tiles.css" />
        </head>
        <body class="share">
          <a class="skip" href="#main">
            Skip to content
          </a>
          <header class="top">
            <nav aria-label="Lodestar">
              <span class="brand">✦ Lodestar</span>
              {/* The app's header style for the workspace's name: .muted is too dark on the dark header. */}
              <span class="ws-name">Read-only digest</span>
            </nav>
          </header>
          <main id="main">{props.children}</main>
        </body>
      </html>
    </>
  );
}

/** What an unknown, mistyped or revoked link shows: the same page for all three, naming no workspace. */
export function ShareNotFound() {
  return (
    <ShareLayout title="Link not found">
      <section class="panel stack" role="alert">
        <h1>This link does not work</h1>
        <p>
          It may have been copied incompletely, or the team that shared it may have turned it off. Ask the
          person who sent it to you for a new link.
        </p>
      </section>
    </ShareLayout>
  );
}

/** A digest address the link can open but whose week cannot be shown (unreadable, or out of range). */
export function ShareWeekRefused(props: { message: string; backHref: string }) {
  return (
    <ShareLayout title="No digest for that week">
      <section class="panel stack" role="alert">
        <h1>No digest for that week</h1>
        <p>{props.message}</p>
        <p>
          <a href={props.backHref}>See the latest digest</a>
        </p>
      </section>
    </ShareLayout>
  );
}
