import type { MemberWorkspace } from '../../src/accounts/members';
import { isOwner, ReadOnlyNote } from '../components/access';
import { Banner } from '../components/badges';
import { ErrorSummary, type FormState, Input, Select } from '../components/form';
import { Layout } from '../layout';

const ICE_MODES = [
  { value: 'mean', label: 'Mean of Impact, Confidence and Ease (1–10, one decimal)' },
  { value: 'product', label: 'Product of Impact × Confidence × Ease (1–1000)' },
];

export function SettingsPage(props: { ws: MemberWorkspace; form: FormState; saved?: boolean }) {
  const { ws, form: s } = props;
  return (
    <Layout title="Settings" ws={ws} nav="settings">
      <h1>Workspace settings</h1>
      <Banner tone="ok" message={props.saved ? 'Saved.' : undefined} />
      <ReadOnlyNote ws={ws} needs="owner" what="the workspace settings" />
      {isOwner(ws) ? (
        <form method="post" action={`/w/${ws.slug}/settings`} class="stack panel">
          <ErrorSummary state={s} />
          <Input name="name" label="Workspace name" state={s} required maxLength={80} />
          <Select
            name="iceMode"
            label="ICE score"
            state={s}
            options={ICE_MODES}
            hint="Switching recomputes every hypothesis’s ICE and so re-ranks the backlog."
          />
          <p class="muted">The address of this workspace is /w/{ws.slug}.</p>
          <button type="submit">Save settings</button>
        </form>
      ) : (
        <dl class="facts panel">
          <div>
            <dt>Workspace name</dt>
            <dd>{ws.name}</dd>
          </div>
          <div>
            <dt>ICE score</dt>
            <dd>{ICE_MODES.find((m) => m.value === ws.iceMode)?.label ?? ws.iceMode}</dd>
          </div>
          <div>
            <dt>Address</dt>
            <dd>/w/{ws.slug}</dd>
          </div>
          <div>
            <dt>Your role</dt>
            <dd>{ws.role}</dd>
          </div>
        </dl>
      )}
      {isOwner(ws) ? (
        <section class="panel stack" aria-labelledby="integrations">
          <h2 id="integrations">Integrations and sharing</h2>
          <ul>
            <li>
              <a href={`/w/${ws.slug}/settings/webhooks`}>Webhooks</a>: tell Slack (or any HTTP endpoint) when
              an experiment closes, a batch starts and the meeting summary is ready.
            </li>
            <li>
              <a href={`/w/${ws.slug}/settings/share`}>Share with stakeholders</a>: a read-only link to the
              weekly digest for people without an account.
            </li>
            <li>
              <a href={`/w/${ws.slug}/data`}>Import &amp; export</a>: CSV files and a full backup of this
              workspace.
            </li>
          </ul>
        </section>
      ) : null}
    </Layout>
  );
}
