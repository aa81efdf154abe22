import { EMAIL_MAX, NAME_MAX, PASSWORD_MAX, PASSWORD_MIN } from '../../src/accounts/schemas';
import { ErrorSummary, type FormState, Input } from '../components/form';
import { Layout } from '../layout';

/** `/setup`: the first run, before any account exists. */
export function SetupPage(props: { form: FormState }) {
  const s = props.form;
  return (
    <Layout title="Set up Lodestar" user={null}>
      <div class="auth">
        <h1>Set up Lodestar</h1>
        <p class="lede">Create the first account. You will be signed in straight away.</p>
        <div class="panel">
          <h2>You will be the server owner</h2>
          <p>A server owner can:</p>
          <ul>
            <li>start new workspaces (one per product team, each with its own North Star);</li>
            <li>
              own every workspace already on this server, such as the demo workspace, and invite the rest of
              the team to them as owners, editors or viewers.
            </li>
          </ul>
          <p class="muted small">
            More server owners can be added later from the command line (
            <code>npm run lodestar -- user add --owner …</code>).
          </p>
        </div>
        <form method="post" action="/setup" class="stack panel">
          <ErrorSummary state={s} />
          <Input
            name="name"
            label="Your name"
            state={s}
            autocomplete="name"
            required
            maxLength={NAME_MAX}
            autofocus
            hint="Shown to your team next to the changes you make."
          />
          <Input
            name="email"
            label="Email"
            type="email"
            state={s}
            autocomplete="email"
            required
            maxLength={EMAIL_MAX}
            hint="You sign in with it."
          />
          <Input
            name="password"
            label="Password"
            type="password"
            state={s}
            autocomplete="new-password"
            required
            minLength={PASSWORD_MIN}
            maxLength={PASSWORD_MAX}
            hint={`At least ${PASSWORD_MIN} characters. A few unrelated words are strong and easy to remember.`}
          />
          <Input
            name="confirm"
            label="Password again"
            type="password"
            state={s}
            autocomplete="new-password"
            required
            maxLength={PASSWORD_MAX}
          />
          <button type="submit">Create account and sign in</button>
        </form>
      </div>
    </Layout>
  );
}
