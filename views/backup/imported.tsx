import { fmtDateTime } from '../../src/audit/format';
import type { BackupCounts } from '../../src/backup/format';
import type { RoleWorkspace } from '../components/access';
import { Layout } from '../layout';

export type ImportSummary = {
  importedFrom: string;
  exportedAt: number;
  importedAt: number;
  importedBy: string;
  counts: Partial<BackupCounts>;
  createdAccounts: string[];
};

const COUNTED: [keyof BackupCounts, string][] = [
  ['metrics', 'Metrics'],
  ['measurements', 'Measurements'],
  ['hypotheses', 'Hypotheses'],
  ['learnings', 'Learnings'],
  ['batches', 'Batches'],
  ['members', 'Members'],
  ['memberScores', 'Members’ scores'],
  ['auditEvents', 'Trail entries'],
];

/** `/w/:slug/imported`: what an import brought in, and what is left to do (passwords, share links, webhooks). */
export function ImportedPage(props: { ws: RoleWorkspace; summary: ImportSummary }) {
  const { ws, summary: s } = props;
  const base = `/w/${ws.slug}`;
  return (
    <Layout title="Imported" ws={ws} nav="data">
      <h1>Imported {ws.name}</h1>
      <p class="alert ok" role="status">
        Imported from a backup of “{s.importedFrom}” made {fmtDateTime(s.exportedAt, ws.timeZone)}, by{' '}
        {s.importedBy} on {fmtDateTime(s.importedAt, ws.timeZone)}. It lives at <code>{base}</code>.
      </p>
      <section class="panel" aria-labelledby="imported-counts">
        <h2 id="imported-counts">What came in</h2>
        <dl class="counts">
          {COUNTED.map(([key, label]) => (
            <div>
              <dt>{label}</dt>
              <dd>{s.counts[key] ?? 0}</dd>
            </div>
          ))}
        </dl>
      </section>
      <section class="panel" aria-labelledby="imported-accounts">
        <h2 id="imported-accounts">Accounts</h2>
        {s.createdAccounts.length === 0 ? (
          <p>Every member already had an account on this server: they see the workspace in their list now.</p>
        ) : (
          <>
            <p>
              These members had no account on this server, so one was made for each. They cannot sign in until
              whoever runs the server sets a password, which prints a generated one to pass on:
            </p>
            <ul>
              {s.createdAccounts.map((email) => (
                <li>
                  <code>npm run lodestar -- user reset-password --email {email}</code>
                </li>
              ))}
            </ul>
            <p class="hint">
              Everyone else already had an account here and sees the workspace in their list.
            </p>
          </>
        )}
      </section>
      <section class="panel" aria-labelledby="imported-next">
        <h2 id="imported-next">Not in the backup</h2>
        <ul>
          <li>Share links: create new ones for stakeholders (the old server’s links do not open here).</li>
          <li>Webhooks: add them again, with their addresses, if the team used any.</li>
          <li>
            Invite links: <a href={`${base}/members`}>invite</a> anyone who had not joined yet.
          </li>
        </ul>
      </section>
      <p>
        <a class="button" href={base}>
          Open {ws.name}
        </a>{' '}
        <a href={`${base}/activity`}>See the imported activity trail</a>
      </p>
    </Layout>
  );
}
