import type { AuditEvent } from '../../db/schema';
import { PASSWORD_MAX, TOKEN_LABEL_MAX } from '../../src/accounts/schemas';
import type { TokenInfo } from '../../src/accounts/tokens';
import { Banner } from '../components/badges';
import { ErrorSummary, type FormState, Input } from '../components/form';
import { Layout } from '../layout';
import { NewPasswordFields } from './fields';

export type AccountProps = {
  user: { name: string; email: string };
  tokens: TokenInfo[];
  trail: AuditEvent[];
  passwordForm: FormState;
  tokenForm: FormState;
  /** A token just created: shown this once, never again. */
  created?: { token: string; label: string };
  saved?: string;
  /** A refusal that is not about one field (too many wrong current passwords). */
  refused?: string;
  /** Where the API lives, for the curl example. */
  apiBase: string;
};

const SAVED: Record<string, string> = {
  password: 'Your password was changed. Every other browser and device was signed out.',
  revoked: 'The token was revoked. Scripts using it now get 401 Unauthorized.',
};

/** Date and minute in UTC, unambiguous for a team spread over time zones. */
export const fmtWhen = (ms: number) => `${new Date(ms).toISOString().slice(0, 16).replace('T', ' ')} UTC`;

function When(props: { ms: number | null; never?: string }) {
  if (props.ms == null) return <span class="muted">{props.never ?? '—'}</span>;
  return <time datetime={new Date(props.ms).toISOString()}>{fmtWhen(props.ms)}</time>;
}

/** `/account`: who you are, your password, your sessions and your personal API tokens. */
export function AccountPage(props: AccountProps) {
  const { user } = props;
  return (
    <Layout title="Your account" nav="account">
      <h1>Your account</h1>
      <Banner tone="ok" message={props.saved ? SAVED[props.saved] : undefined} />
      <dl class="facts">
        <div>
          <dt>Name</dt>
          <dd>{user.name}</dd>
        </div>
        <div>
          <dt>Email (you sign in with it)</dt>
          <dd>{user.email}</dd>
        </div>
      </dl>
      <div class="account-grid">
        <PasswordPanel form={props.passwordForm} refused={props.refused} email={user.email} />
        <SessionsPanel />
      </div>
      <TokensPanel {...props} />
      <TrailPanel trail={props.trail} />
    </Layout>
  );
}

function PasswordPanel(props: { form: FormState; refused?: string; email: string }) {
  const s = props.form;
  return (
    <section class="panel" aria-labelledby="pw-head">
      <h2 id="pw-head">Change password</h2>
      <form method="post" action="/account/password" class="stack">
        <Banner tone="error" message={props.refused} />
        <ErrorSummary state={s} />
        {/* Lets a password manager know whose password this is. */}
        <input type="hidden" name="username" value={props.email} autocomplete="username" />
        <Input
          name="current"
          label="Current password"
          type="password"
          state={s}
          autocomplete="current-password"
          required
          maxLength={PASSWORD_MAX}
        />
        <NewPasswordFields state={s} label="New password" />
        <p class="hint">Changing it signs you out everywhere else; this browser stays signed in.</p>
        <button type="submit">Change password</button>
      </form>
    </section>
  );
}

function SessionsPanel() {
  return (
    <section class="panel" aria-labelledby="sessions-head">
      <h2 id="sessions-head">Signed-in browsers</h2>
      <p>
        Left yourself signed in on a shared or lost computer? Signing out everywhere ends every session of
        your account, this one included. API tokens keep working; revoke them below.
      </p>
      <form method="post" action="/account/sessions/end">
        <button type="submit" class="secondary">
          Sign out everywhere
        </button>
      </form>
    </section>
  );
}

function TokensPanel(props: AccountProps) {
  const live = props.tokens.filter((t) => !t.revokedAt);
  const example = props.created?.token ?? (live[0] ? `${live[0].prefix}…` : 'lsk_…');
  return (
    <section class="panel" aria-labelledby="tokens-head">
      <h2 id="tokens-head">Personal API tokens</h2>
      <p class="muted">
        A token lets a script or another tool use the API as you, with your role in each workspace. Give each
        script its own token, so that you can revoke one without breaking the others.
      </p>
      {props.created ? (
        <div class="alert warn new-token" role="status">
          <label for="new-token">
            Your new token “{props.created.label}”. Copy it now: it will not be shown again.
          </label>
          <input
            id="new-token"
            type="text"
            readonly
            value={props.created.token}
            autocomplete="off"
            spellcheck={false}
            class="token-value"
          />
          <p class="small">
            Lodestar keeps only a fingerprint of it. If you lose it, revoke it and create another.
          </p>
        </div>
      ) : null}
      {props.tokens.length === 0 ? (
        <p class="empty">
          <strong>No tokens yet.</strong> Create one to add hypotheses from another tool or to read the
          backlog from a spreadsheet.
        </p>
      ) : (
        <table class="table tokens">
          <caption class="sr-only">Your API tokens</caption>
          <thead>
            <tr>
              <th scope="col">Label</th>
              <th scope="col">Token</th>
              <th scope="col">Created</th>
              <th scope="col">Last used</th>
              <th scope="col">
                <span class="sr-only">State</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {props.tokens.map((t) => (
              <tr class={t.revokedAt ? 'revoked' : undefined}>
                <td>{t.label}</td>
                <td>
                  <code>{t.prefix}…</code>
                </td>
                <td>
                  <When ms={t.createdAt} />
                </td>
                <td>
                  <When ms={t.lastUsedAt} never="never" />
                </td>
                <td>
                  {t.revokedAt ? (
                    <span>
                      Revoked <When ms={t.revokedAt} />
                    </span>
                  ) : (
                    <form method="post" action={`/account/tokens/${t.id}/revoke`} class="inline">
                      <button type="submit" class="secondary small">
                        Revoke<span class="sr-only"> {t.label}</span>
                      </button>
                    </form>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <form method="post" action="/account/tokens" class="stack token-form">
        <ErrorSummary state={props.tokenForm} />
        <div class="row">
          <Input
            name="label"
            label="New token’s label"
            state={props.tokenForm}
            required
            maxLength={TOKEN_LABEL_MAX}
            placeholder="Nightly metrics import"
            hint="What will use it, so that you know which one to revoke later."
          />
        </div>
        <button type="submit">Create token</button>
      </form>
      <h3>Using a token</h3>
      <p>Send it in the Authorization header of every request:</p>
      <pre class="code">
        <code>{`curl -H "Authorization: Bearer ${example}" ${props.apiBase}/api/v1/workspaces`}</code>
      </pre>
    </section>
  );
}

function describe(e: AuditEvent): string {
  const a = (e.after ?? {}) as Record<string, unknown>;
  const b = (e.before ?? {}) as Record<string, unknown>;
  const label = String(a.label ?? b.label ?? `#${e.entityId}`);
  const prefix = a.prefix ?? b.prefix;
  if (e.entity === 'token' && e.action === 'create')
    return `Created token “${label}”${prefix ? ` (${prefix}…)` : ''}`;
  if (e.entity === 'token' && e.action === 'revoke') return `Revoked token “${label}”`;
  return `${e.action} ${e.entity} #${e.entityId}`;
}

function TrailPanel(props: { trail: AuditEvent[] }) {
  if (props.trail.length === 0) return null;
  return (
    <section class="panel" aria-labelledby="trail-head">
      <h2 id="trail-head">Recent token activity</h2>
      <ul class="trail">
        {props.trail.map((e) => (
          <li>
            <When ms={e.createdAt} /> — {describe(e)}
          </li>
        ))}
      </ul>
    </section>
  );
}
