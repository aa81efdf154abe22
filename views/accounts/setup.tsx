import { ErrorSummary, type FormState } from '../components/form';
import { Layout } from '../layout';
import { NewAccountFields } from './fields';

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
          <NewAccountFields state={s} autofocus />
          <button type="submit">Create account and sign in</button>
        </form>
      </div>
    </Layout>
  );
}
