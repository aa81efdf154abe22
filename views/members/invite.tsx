import type { Role, User, Workspace } from '../../db/schema';
import type { InviteState } from '../../src/accounts/invites';
import { NewAccountFields } from '../accounts/fields';
import { fmtDate } from '../components/badges';
import { ErrorSummary, type FormState } from '../components/form';
import { Layout } from '../layout';
import { ROLE_HELP, ROLE_LABELS } from './page';

/** What an invite link leads to, from the visitor's point of view. */
export type InviteView =
  | { kind: 'unknown' }
  | { kind: 'refused'; state: Exclude<InviteState, 'pending'>; workspace: Workspace }
  | {
      kind: 'open';
      token: string;
      workspace: Workspace;
      role: Role;
      expiresAt: number;
      /** The signed-in visitor, and their role there if they already belong. */
      user?: User;
      currentRole?: Role;
      form: FormState;
    };

const a = (role: Role) => (role === 'viewer' ? 'a viewer' : role === 'editor' ? 'an editor' : 'an owner');

export function InvitePage(props: { view: InviteView }) {
  const { view } = props;
  const title =
    view.kind === 'unknown'
      ? 'Invite not found'
      : view.kind === 'refused'
        ? 'Invite no longer valid'
        : `Join ${view.workspace.name}`;
  return (
    <Layout title={title}>
      {/* The link's token is in this page's address: no request leaving it may carry it as a referrer. */}
      <meta name="referrer" content="no-referrer" />
      <section class="invite-page panel stack">
        <h1>{title}</h1>
        {view.kind === 'unknown' ? <Unknown /> : view.kind === 'refused' ? <Refused {...view} /> : null}
        {view.kind === 'open' ? <Open {...view} /> : null}
      </section>
    </Layout>
  );
}

function Unknown() {
  return (
    <>
      <p>
        This invite link is not valid. Check that you copied all of it: the part after <code>/invite/</code>{' '}
        is 43 letters, digits, dashes and underscores.
      </p>
      <p>If it still does not work, ask the person who invited you for a new link.</p>
      <p>
        <a href="/" rel="noreferrer">
          Go to Lodestar
        </a>
      </p>
    </>
  );
}

const REFUSED: Record<Exclude<InviteState, 'pending'>, string> = {
  used: 'This invite link has already been used: each link works once.',
  expired: 'This invite link has expired: links last 7 days.',
  revoked: 'This invite link was withdrawn by an owner of the workspace.',
};

function Refused(props: { state: Exclude<InviteState, 'pending'>; workspace: Workspace }) {
  return (
    <>
      <p class="alert warn" role="alert">
        {REFUSED[props.state]}
      </p>
      <p>
        Ask an owner of {props.workspace.name} for a new link.
        {props.state === 'used'
          ? ' If you used it yourself, sign in: you are already a member.'
          : ' Nothing was changed.'}
      </p>
      <p>
        <a href="/" rel="noreferrer">
          Go to Lodestar
        </a>
      </p>
    </>
  );
}

function Open(props: Extract<InviteView, { kind: 'open' }>) {
  const { workspace: ws, role } = props;
  const action = `/invite/${props.token}`;
  return (
    <>
      <p class="lede">
        You are invited to join <strong>{ws.name}</strong> as {a(role)}.
      </p>
      <p class="muted">
        {ROLE_LABELS[role]}: {ROLE_HELP[role]} This link works once and expires on {fmtDate(props.expiresAt)}.
      </p>
      {props.user ? (
        props.currentRole ? (
          <p>
            You ({props.user.email}) are already {a(props.currentRole)} in {ws.name}, so this link would not
            change anything; it stays unused for the person it was meant for.{' '}
            <a href={`/w/${ws.slug}`}>Open {ws.name}</a>
          </p>
        ) : (
          <form method="post" action={action} class="stack">
            <p>
              You are signed in as {props.user.name} ({props.user.email}).
            </p>
            <button type="submit">Join {ws.name}</button>
          </form>
        )
      ) : (
        <SignUp action={action} form={props.form} />
      )}
    </>
  );
}

function SignUp(props: { action: string; form: FormState }) {
  const f = props.form;
  const next = encodeURIComponent(props.action);
  return (
    <>
      <form method="post" action={props.action} class="stack">
        <h2>Create your account</h2>
        <ErrorSummary state={f} />
        <NewAccountFields state={f} />
        <button type="submit">Create account and join</button>
      </form>
      <p>
        Already have an account? <a href={`/login?next=${next}`}>Sign in</a>, and you come back here to join.
      </p>
    </>
  );
}
