import { raw } from 'hono/html';
import type { Child } from 'hono/jsx';
import type { Role, Workspace } from '../db/schema';
import { currentUser } from '../src/audit/actor';

export type Nav =
  | 'home'
  | 'drafts'
  | 'data'
  | 'tree'
  | 'backlog'
  | 'meeting'
  | 'batches'
  | 'insights'
  | 'new'
  | 'learnings'
  | 'metrics'
  | 'members'
  | 'activity'
  | 'settings'
  | 'account'
  | undefined;

/** Who the header greets; by default the signed-in user the request runs as. */
export type SignedInAs = { name: string };

/** The only full-document markup. hono/jsx emits no doctype, so it is written here by hand. */
export function Layout(props: {
  title: string;
  // At runtime the member's view of the workspace (with their role); plain rows still render.
  ws?: Workspace & { role?: Role };
  nav?: Nav;
  // null: render as signed out (the sign-in pages); undefined: whoever the request runs as.
  user?: SignedInAs | null;
  children: Child;
}) {
  const { ws, nav } = props;
  const user = props.user === undefined ? sessionUser() : props.user;
  const link = (href: string, key: Nav, label: string) => (
    <a href={href} aria-current={nav === key ? 'page' : undefined}>
      {label}
    </a>
  );
  return (
    <>
      {raw('<!DOCTYPE html>')}
      <html lang="en">
        <head>
          <meta charset="utf-8" />
          <meta name="viewport" content="width=device-width, initial-scale=1" />
          <meta name="htmx-config" content='{"includeIndicatorCSS": false, "mode": "same-origin"}' />
          <title>{ws ? `${props.title} · ${ws.name} · Lodestar` : `${props.title} · Lodestar`}</title>
          <link rel="icon" href="/assets/icon.svg" type="image/svg+xml" />
          <link rel="stylesheet" href="/assets/app.css" />
          <link rel="stylesheet" href="/assets/meeting.css" />
          <link rel="stylesheet" href="/assets/insights.css" />
          <link rel="stylesheet" href="/assets/tiles.css" />
          <link rel="stylesheet" href="/assets/measurements.css" />
          <link rel="stylesheet" href="/assets/data.css" />
          <link rel="stylesheet" href="/assets/webhooks.css" />
          <link rel="stylesheet" href="/assets/drafts.css" />
          <script src="/assets/htmx.min.js" defer></script>
          <script src="/assets/app.js" defer></script>
        </head>
        <body>
          <a class="skip" href="#main">
            Skip to content
          </a>
          <header class="top">
            <nav aria-label="Main">
              <a class="brand" href="/">
                ✦ Lodestar
              </a>
              {ws ? (
                <>
                  <span class="ws-name">{ws.name}</span>
                  {link(`/w/${ws.slug}`, 'tree', 'North Star')}
                  {link(`/w/${ws.slug}/meeting`, 'meeting', 'Meeting')}
                  {link(`/w/${ws.slug}/batches`, 'batches', 'Batches')}
                  {link(`/w/${ws.slug}/backlog`, 'backlog', 'Backlog')}
                  {link(`/w/${ws.slug}/drafts`, 'drafts', 'Drafts')}
                  {link(`/w/${ws.slug}/learnings`, 'learnings', 'Learnings')}
                  {link(`/w/${ws.slug}/metrics`, 'metrics', 'Metrics')}
                  {link(`/w/${ws.slug}/insights`, 'insights', 'Insights')}
                  {link(`/w/${ws.slug}/data`, 'data', 'Import & export')}
                  {link(`/w/${ws.slug}/members`, 'members', 'Members')}
                  {ws.role === 'owner' ? link(`/w/${ws.slug}/activity`, 'activity', 'Activity') : null}
                  {link(`/w/${ws.slug}/settings`, 'settings', 'Settings')}
                  {/* Viewers change nothing; a button that can only lead to a 403 is not offered. */}
                  {ws.role === 'viewer' ? null : (
                    <a
                      class="button small"
                      href={`/w/${ws.slug}/hypotheses/new`}
                      aria-current={nav === 'new' ? 'page' : undefined}
                    >
                      + New hypothesis
                    </a>
                  )}
                </>
              ) : user ? (
                link('/', 'home', 'Workspaces')
              ) : null}
              {user ? (
                <span class="nav-user">
                  <a href="/account" aria-current={nav === 'account' ? 'page' : undefined}>
                    <span class="sr-only">Your account: </span>
                    {user.name}
                  </a>
                  {/* Signing out changes state, so it is a POST (a link could be triggered cross-site). */}
                  <form method="post" action="/logout" class="inline">
                    <button type="submit" class="link">
                      Sign out
                    </button>
                  </form>
                </span>
              ) : null}
            </nav>
          </header>
          <main id="main">{props.children}</main>
        </body>
      </html>
    </>
  );
}

// Only a browser session has a page to show: a request made with an API token never renders the layout.
function sessionUser(): SignedInAs | undefined {
  const actor = currentUser();
  return actor?.via === 'session' ? { name: actor.name } : undefined;
}
