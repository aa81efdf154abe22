import type { MemberWorkspace } from '../../src/accounts/members';
import { fmtDateTime } from '../../src/audit/format';
import type { ShareLinkRow } from '../../src/share/links';
import { SHARE_LABEL_MAX } from '../../src/share/schemas';
import { Banner } from '../components/badges';
import { ErrorSummary, type FormState, Input } from '../components/form';
import { Layout } from '../layout';

export type ShareSettingsProps = {
  ws: MemberWorkspace;
  links: ShareLinkRow[];
  form: FormState;
  /** The link just created: shown on this one response and never again (only its hash is kept). */
  created?: { url: string; label: string };
  notice?: { tone: 'ok' | 'warn' | 'error'; message: string };
};

/** What a stakeholder sees and does not see, said once for the empty state and the create form. */
function WhatTheySee() {
  return (
    <div class="stack">
      <p>
        A share link opens a read-only weekly digest for people without an account (your executives,
        investors, the wider company). Anyone who has the link can read it, without signing in.
      </p>
      <div class="row">
        <div class="grow">
          <h3 class="small-head">They see</h3>
          <ul>
            <li>the North Star and its input metrics, with their latest values, change and trend;</li>
            <li>the experiments closed that week: result, lift, ROTI and what was learned;</li>
            <li>the learnings recorded or re-judged that week;</li>
            <li>the titles of the experiments running now and selected for the next batch;</li>
            <li>earlier weeks, week by week.</li>
          </ul>
        </div>
        <div class="grow">
          <h3 class="small-head">They do not see</h3>
          <ul>
            <li>drafts, the backlog, rejected or parked ideas;</li>
            <li>ICE scores, rationales, owners or notes;</li>
            <li>member names or email addresses, the activity trail;</li>
            <li>anything of your other workspaces. They cannot change anything.</li>
          </ul>
        </div>
      </div>
    </div>
  );
}

export function ShareSettingsPage(props: ShareSettingsProps) {
  const { ws, created } = props;
  const s = props.form;
  return (
    <Layout title="Share with stakeholders" ws={ws} nav="settings">
      <p class="crumbs">
        <a href={`/w/${ws.slug}/settings`}>Settings</a> / Share with stakeholders
      </p>
      <section class="stack" aria-labelledby="share-head">
        <h1 id="share-head">Share with stakeholders</h1>
        <Banner tone={props.notice?.tone ?? 'ok'} message={props.notice?.message} />
        {created ? (
          <div class="invite-created alert ok" role="status">
            <label for="share-link">Share link “{created.label}”</label>
            <input
              id="share-link"
              type="text"
              readonly
              autofocus
              value={created.url}
              autocomplete="off"
              spellcheck={false}
              aria-describedby="share-link-hint"
            />
            <button type="button" class="small" data-copy="share-link" hidden>
              Copy link
            </button>
            <small id="share-link-hint">
              Copy it now: it will not be shown again (Lodestar keeps only a fingerprint of it). Anyone with
              the link can read the digest until you revoke it below.
            </small>
          </div>
        ) : null}
        <p>
          <a href={`/w/${ws.slug}/settings/share/preview`}>Preview the digest</a>{' '}
          <span class="muted">exactly as stakeholders will see it, before you hand out a link.</span>
        </p>
        <section class="panel stack" aria-labelledby="share-new-head">
          <h2 id="share-new-head">New share link</h2>
          {props.links.length === 0 ? null : <WhatTheySee />}
          <form method="post" action={`/w/${ws.slug}/settings/share`} class="stack">
            <ErrorSummary state={s} />
            <Input
              name="label"
              label="Who is it for?"
              state={s}
              required
              maxLength={SHARE_LABEL_MAX}
              placeholder="For the exec team"
              hint="Only you and the other owners see this: it tells you which link to revoke later."
            />
            <button type="submit">Create share link</button>
          </form>
        </section>
        <ShareLinkList {...props} />
      </section>
    </Layout>
  );
}

function ShareLinkList(props: ShareSettingsProps) {
  const { ws, links } = props;
  if (links.length === 0)
    return (
      <section class="empty panel stack" aria-labelledby="share-empty-head">
        <h2 id="share-empty-head">No share links yet</h2>
        <WhatTheySee />
        <p>
          Create one above, then paste it into an email or your company chat. Make one link per audience, so
          you can turn one off without cutting off the others.
        </p>
      </section>
    );
  return (
    <table class="table share-table">
      <caption class="invite-caption">Share links</caption>
      <thead>
        <tr>
          <th scope="col">For</th>
          <th scope="col">Created</th>
          <th scope="col">Last opened</th>
          <th scope="col">State</th>
          <th scope="col">
            <span class="sr-only">Actions</span>
          </th>
        </tr>
      </thead>
      <tbody>
        {links.map((l) => (
          <tr class={l.revokedAt == null ? undefined : 'revoked'}>
            <td>{l.label || <span class="muted">(no label)</span>}</td>
            <td>
              {fmtDateTime(l.createdAt, ws.timeZone)}
              {l.createdByName ? <span class="muted"> by {l.createdByName}</span> : null}
            </td>
            {/* To the minute, in the team's zone (as created and revoked): "opened this morning" is what tells a
                live link from a dead one. */}
            <td>
              {l.lastUsedAt == null ? (
                <span class="muted">Never</span>
              ) : (
                fmtDateTime(l.lastUsedAt, ws.timeZone)
              )}
            </td>
            <td>
              {l.revokedAt == null ? (
                <span class="pill invite-pending">Active</span>
              ) : (
                <>
                  <span class="pill">Revoked</span>{' '}
                  <span class="muted">on {fmtDateTime(l.revokedAt, ws.timeZone)}</span>
                </>
              )}
            </td>
            <td>
              {l.revokedAt == null ? (
                <form method="post" action={`/w/${ws.slug}/settings/share/${l.id}/revoke`}>
                  <button
                    type="submit"
                    class="small danger"
                    aria-label={`Revoke the share link “${l.label}”`}
                  >
                    Revoke
                  </button>
                </form>
              ) : null}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
