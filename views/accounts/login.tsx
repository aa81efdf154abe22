import { EMAIL_MAX, PASSWORD_MAX } from '../../src/accounts/schemas';
import { Banner } from '../components/badges';
import { ErrorSummary, type FormState, Input } from '../components/form';
import { Layout } from '../layout';

/**
 * `/login`. A refused sign-in shows one message for the whole form (which of email or password was wrong
 * is not said: that would tell a stranger which addresses have accounts).
 */
export function LoginPage(props: { form: FormState; refused?: string }) {
  const s = props.form;
  return (
    <Layout title="Sign in" user={null}>
      <div class="auth">
        <h1>Sign in to Lodestar</h1>
        <form method="post" action="/login" class="stack panel">
          <Banner tone="error" message={props.refused} />
          <ErrorSummary state={s} />
          <input type="hidden" name="next" value={s.values.next ?? ''} />
          <Input
            name="email"
            label="Email"
            type="email"
            state={s}
            autocomplete="username"
            required
            maxLength={EMAIL_MAX}
            autofocus
          />
          <Input
            name="password"
            label="Password"
            type="password"
            state={s}
            autocomplete="current-password"
            required
            maxLength={PASSWORD_MAX}
          />
          <button type="submit">Sign in</button>
        </form>
        <p class="muted small">
          Forgot your password? Ask the person who runs Lodestar to reset it (
          <code>npm run lodestar -- user reset-password --email …</code>). New here? Ask a workspace owner for
          an invite link.
        </p>
      </div>
    </Layout>
  );
}
