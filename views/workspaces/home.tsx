import type { MemberWorkspace } from '../../src/accounts/members';
import { ErrorSummary, type FormState, Input, TextArea } from '../components/form';
import { Layout } from '../layout';

export type WorkspaceCard = MemberWorkspace & { northStar: string | null };

/** `/`: your workspaces and the form that starts a new one (a workspace is about one North Star). */
export function HomePage(props: { workspaces: WorkspaceCard[]; form: FormState; canCreate: boolean }) {
  return (
    <Layout title="Your workspaces" nav="home">
      <h1>Your workspaces</h1>
      {props.workspaces.length === 0 ? (
        <div class="empty">
          <p>
            <strong>No workspace yet.</strong> A workspace is one product team’s space: its North Star Metric,
            the input metrics that move it, and the backlog of experiments aimed at them.{' '}
            {props.canCreate
              ? 'Start one below.'
              : 'Ask a workspace owner for an invite link: opening it adds you to their workspace.'}
          </p>
        </div>
      ) : (
        <ul class="cards">
          {props.workspaces.map((w) => (
            <li class="card">
              <h2>
                <a href={`/w/${w.slug}`}>{w.name}</a>
              </h2>
              <p class="muted">{w.northStar ? `North Star: ${w.northStar}` : 'No North Star named yet'}</p>
              <p class="muted">
                You are {w.role === 'owner' ? 'an owner' : w.role === 'editor' ? 'an editor' : 'a viewer'}
              </p>
              <p class="links">
                <a href={`/w/${w.slug}/backlog`}>Backlog</a> ·{' '}
                <a href={`/w/${w.slug}/learnings`}>Learnings</a>
              </p>
            </li>
          ))}
        </ul>
      )}
      {props.canCreate ? <NewWorkspaceForm form={props.form} /> : null}
      {props.canCreate ? (
        <p class="muted">
          Moving from another Lodestar server, or restoring a backup?{' '}
          <a href="/workspaces/import">Import a workspace from its backup file</a>.
        </p>
      ) : null}
    </Layout>
  );
}

export function NewWorkspaceForm(props: { form: FormState }) {
  const s = props.form;
  return (
    <section class="panel" aria-labelledby="new-ws">
      <h2 id="new-ws">Start a workspace</h2>
      <form method="post" action="/workspaces" class="stack">
        <ErrorSummary state={s} />
        <div class="row">
          <Input
            name="name"
            label="Team or product name"
            state={s}
            required
            maxLength={80}
            placeholder="Acme Growth"
          />
          <Input
            name="slug"
            label="Address"
            state={s}
            maxLength={40}
            hint="Lower-case letters, digits and dashes; made from the name when left blank."
            placeholder="acme-growth"
          />
        </div>
        <fieldset>
          <legend>North Star Metric</legend>
          <p class="hint">
            The one number that captures the value customers get, e.g. “Weekly active teams”.
          </p>
          <div class="row">
            <Input name="nsmName" label="Name" state={s} required maxLength={80} />
            <Input name="nsmUnit" label="Unit" state={s} maxLength={24} placeholder="teams" />
          </div>
          <TextArea
            name="nsmDescription"
            label="Definition of the value moment"
            state={s}
            maxLength={1000}
            rows={2}
            placeholder="A team counts when 3+ members collaborate on a project in a week."
          />
        </fieldset>
        <button type="submit">Create workspace</button>
      </form>
    </section>
  );
}
