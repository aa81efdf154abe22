import { raw } from 'hono/html';
import type { Child } from 'hono/jsx';
import type { Workspace } from '../db/schema';

export type Nav = 'home' | 'tree' | 'backlog' | 'new' | 'learnings' | 'metrics' | 'settings' | undefined;

/** The only full-document markup. hono/jsx emits no doctype, so it is written here by hand. */
export function Layout(props: { title: string; ws?: Workspace; nav?: Nav; children: Child }) {
  const { ws, nav } = props;
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
                  {link(`/w/${ws.slug}/backlog`, 'backlog', 'Backlog')}
                  {link(`/w/${ws.slug}/learnings`, 'learnings', 'Learnings')}
                  {link(`/w/${ws.slug}/metrics`, 'metrics', 'Metrics')}
                  {link(`/w/${ws.slug}/settings`, 'settings', 'Settings')}
                  <a
                    class="button small"
                    href={`/w/${ws.slug}/hypotheses/new`}
                    aria-current={nav === 'new' ? 'page' : undefined}
                  >
                    + New hypothesis
                  </a>
                </>
              ) : (
                link('/', 'home', 'Workspaces')
              )}
            </nav>
          </header>
          <main id="main">{props.children}</main>
        </body>
      </html>
    </>
  );
}
