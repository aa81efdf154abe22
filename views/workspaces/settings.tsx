import type { Workspace } from '../../db/schema';
import { Banner } from '../components/badges';
import { ErrorSummary, type FormState, Input, Select } from '../components/form';
import { Layout } from '../layout';

export function SettingsPage(props: { ws: Workspace; form: FormState; saved?: boolean }) {
  const { ws, form: s } = props;
  return (
    <Layout title="Settings" ws={ws} nav="settings">
      <h1>Workspace settings</h1>
      <Banner tone="ok" message={props.saved ? 'Saved.' : undefined} />
      <form method="post" action={`/w/${ws.slug}/settings`} class="stack panel">
        <ErrorSummary state={s} />
        <Input name="name" label="Workspace name" state={s} required maxLength={80} />
        <Select
          name="iceMode"
          label="ICE score"
          state={s}
          options={[
            { value: 'mean', label: 'Mean of Impact, Confidence and Ease (1–10, one decimal)' },
            { value: 'product', label: 'Product of Impact × Confidence × Ease (1–1000)' },
          ]}
          hint="Switching recomputes every hypothesis’s ICE and so re-ranks the backlog."
        />
        <p class="muted">The address of this workspace is /w/{ws.slug}.</p>
        <button type="submit">Save settings</button>
      </form>
    </Layout>
  );
}
