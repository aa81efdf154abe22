import type { Role } from '../../db/schema';
import type { InviteState } from '../../src/accounts/invites';
import { INVITE_NOTE_MAX } from '../../src/accounts/member-schemas';
import type { Member, MemberWorkspace } from '../../src/accounts/members';
import { Banner, fmtDate } from '../components/badges';
import { ErrorSummary, type FormState, Input, Select } from '../components/form';
import { Layout } from '../layout';

export const ROLE_LABELS: Record<Role, string> = { viewer: 'Viewer', editor: 'Editor', owner: 'Owner' };

// What each role may do, said once here so the page, the invite form and the invite link agree.
export const ROLE_HELP: Record<Role, string> = {
  viewer: 'sees everything, changes nothing.',
  editor: 'does all the backlog work: writes, scores, picks, runs and closes experiments, records learnings.',
  owner: 'also manages members and invites, the North Star and the workspace settings.',
};

const ROLE_OPTIONS = (['viewer', 'editor', 'owner'] as const).map((r) => ({
  value: r,
  label: ROLE_LABELS[r],
}));

export type InviteRow = {
  id: number;
  role: Role;
  note: string;
  createdAt: number;
  expiresAt: number;
  state: InviteState;
  usedAt: number | null;
  usedByName: string | null;
  createdByName: string | null;
};

export type MembersProps = {
  ws: MemberWorkspace;
  meId: number;
  members: Member[];
  /** Owners only: the workspace's invites, newest first. */
  invites: InviteRow[];
  inviteForm: FormState;
  /** The link of the invite just created: shown on this one response and never again. */
  created?: { link: string; role: Role; note: string; expiresAt: number };
  notice?: { tone: 'ok' | 'warn' | 'error'; message: string };
};

export function MembersPage(props: MembersProps) {
  return (
    <Layout title="Members" ws={props.ws}>
      <MembersFragment {...props} />
    </Layout>
  );
}

/** The whole page body: what htmx swaps when a change is refused. */
export function MembersFragment(props: MembersProps) {
  const { ws } = props;
  const isOwner = ws.role === 'owner';
  const owners = props.members.filter((m) => m.role === 'owner');
  return (
    <section id="members" class="members stack">
      <h1>Members of {ws.name}</h1>
      <Banner tone={props.notice?.tone ?? 'ok'} message={props.notice?.message} />
      <RoleGuide />
      {isOwner ? null : (
        <p class="muted" id="members-who-manages">
          Only owners can change roles, remove members and invite people
          {owners.length ? ` (here: ${owners.map((o) => o.name).join(', ')})` : ''}. You are{' '}
          {ws.role === 'editor' ? 'an editor' : 'a viewer'}; ask an owner if you need something changed.
        </p>
      )}
      <MemberTable {...props} soleOwner={owners.length === 1 ? owners[0]?.userId : undefined} />
      {isOwner ? <InviteSection {...props} /> : null}
    </section>
  );
}

function RoleGuide() {
  return (
    <dl class="role-guide" aria-label="What each role can do">
      {(['viewer', 'editor', 'owner'] as const).map((r) => (
        <div>
          <dt>{ROLE_LABELS[r]}</dt>
          <dd>{ROLE_HELP[r]}</dd>
        </div>
      ))}
    </dl>
  );
}

function MemberTable(props: MembersProps & { soleOwner: number | undefined }) {
  const { ws, meId } = props;
  const isOwner = ws.role === 'owner';
  const base = `/w/${ws.slug}/members`;
  return (
    <table class="table member-table">
      <caption class="sr-only">Members and their roles</caption>
      <thead>
        <tr>
          <th scope="col">Name</th>
          <th scope="col">Email</th>
          <th scope="col">Role</th>
          <th scope="col">Member since</th>
          {isOwner ? <th scope="col">Manage</th> : null}
        </tr>
      </thead>
      <tbody>
        {props.members.map((m) => (
          <tr>
            <td>
              {m.name}
              {m.userId === meId ? <span class="muted"> (you)</span> : null}
            </td>
            <td>{m.email}</td>
            <td>
              <span class={`pill role-${m.role}`}>{ROLE_LABELS[m.role]}</span>
            </td>
            <td>{fmtDate(m.createdAt)}</td>
            {isOwner ? (
              <td>
                <div class="member-actions">
                  <form method="post" action={`${base}/${m.userId}/role`} class="role-form">
                    <label class="sr-only" for={`role-${m.userId}`}>
                      Role of {m.name}
                    </label>
                    <select id={`role-${m.userId}`} name="role">
                      {ROLE_OPTIONS.map((o) => (
                        <option value={o.value} selected={o.value === m.role}>
                          {o.label}
                        </option>
                      ))}
                    </select>
                    <button type="submit" class="small secondary">
                      Change
                    </button>
                  </form>
                  <form method="post" action={`${base}/${m.userId}/remove`}>
                    <button
                      type="submit"
                      class="small danger"
                      aria-label={m.userId === meId ? `Remove yourself from ${ws.name}` : `Remove ${m.name}`}
                    >
                      Remove
                    </button>
                  </form>
                </div>
                {m.userId === props.soleOwner ? (
                  <small class="hint">The only owner: make someone else owner before stepping down.</small>
                ) : null}
              </td>
            ) : null}
          </tr>
        ))}
      </tbody>
    </table>
  );
}

const STATE_TEXT: Record<InviteState, string> = {
  pending: 'Waiting',
  used: 'Used',
  expired: 'Expired',
  revoked: 'Withdrawn',
};

function InviteSection(props: MembersProps) {
  const { ws, created } = props;
  const s = props.inviteForm;
  return (
    <section class="panel stack" aria-labelledby="invite-head">
      <h2 id="invite-head">Invite someone</h2>
      {created ? (
        <div class="invite-created alert ok" role="status">
          <label for="invite-link">
            Invite link for {created.note || 'a new member'} ({ROLE_LABELS[created.role].toLowerCase()})
          </label>
          <input
            id="invite-link"
            type="text"
            readonly
            autofocus
            value={created.link}
            autocomplete="off"
            spellcheck={false}
            aria-describedby="invite-link-hint"
          />
          <small id="invite-link-hint">
            Copy it now and send it to them: it works once, expires on {fmtDate(created.expiresAt)} (in 7
            days), and will not be shown again. Whoever opens it can join, so send it only to that person.
          </small>
        </div>
      ) : null}
      <p class="muted">
        An invite is a link that works once and expires after 7 days. The person opens it, creates an account
        (or signs in) and joins {ws.name} with the role you choose here.
      </p>
      <form method="post" action={`/w/${ws.slug}/invites`} class="stack">
        <ErrorSummary state={s} />
        <div class="row">
          <Select
            name="role"
            label="Role"
            state={s}
            options={ROLE_OPTIONS}
            hint="Editors do the backlog work; give owner only to people who manage the workspace."
          />
          <Input
            name="note"
            label="Who is it for?"
            state={s}
            maxLength={INVITE_NOTE_MAX}
            placeholder="Sam from analytics"
            hint="A reminder for you; the link works for whoever opens it."
            class="grow"
          />
        </div>
        <button type="submit">Create invite link</button>
      </form>
      <InviteList {...props} />
    </section>
  );
}

function InviteList(props: MembersProps) {
  const { ws } = props;
  if (props.invites.length === 0)
    return (
      <p class="empty">
        <strong>No invites yet.</strong> Create a link above and send it to a teammate; it will be listed here
        until it is used or expires, and you can withdraw it if it went to the wrong person.
      </p>
    );
  return (
    <table class="table invite-table">
      <caption class="invite-caption">Invites</caption>
      <thead>
        <tr>
          <th scope="col">For</th>
          <th scope="col">Role</th>
          <th scope="col">Created</th>
          <th scope="col">State</th>
          <th scope="col">
            <span class="sr-only">Actions</span>
          </th>
        </tr>
      </thead>
      <tbody>
        {props.invites.map((i) => (
          <tr>
            <td>{i.note || <span class="muted">(no note)</span>}</td>
            <td>{ROLE_LABELS[i.role]}</td>
            <td>
              {fmtDate(i.createdAt)}
              {i.createdByName ? <span class="muted"> by {i.createdByName}</span> : null}
            </td>
            <td>
              <span class={`pill invite-${i.state}`}>{STATE_TEXT[i.state]}</span>{' '}
              <span class="muted">
                {i.state === 'pending'
                  ? `until ${fmtDate(i.expiresAt)}`
                  : i.state === 'used'
                    ? `by ${i.usedByName ?? 'a deleted account'} on ${fmtDate(i.usedAt)}`
                    : i.state === 'expired'
                      ? `on ${fmtDate(i.expiresAt)}`
                      : ''}
              </span>
            </td>
            <td>
              {i.state === 'pending' ? (
                <form method="post" action={`/w/${ws.slug}/invites/${i.id}/revoke`}>
                  <button
                    type="submit"
                    class="small secondary"
                    aria-label={`Withdraw the invite${i.note ? ` for ${i.note}` : ''}`}
                  >
                    Withdraw
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
