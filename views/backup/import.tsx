import { NOT_INCLUDED } from '../../src/backup/format';
import { type FormState, Input } from '../components/form';
import { Layout } from '../layout';

/** "50 MB", "900 KB": the upload limit as people read it. */
export function sizeText(bytes: number): string {
  if (bytes >= 1024 * 1024) return `${Math.round((bytes / 1024 / 1024) * 10) / 10} MB`;
  if (bytes >= 1024) return `${Math.round(bytes / 1024)} KB`;
  return `${bytes} bytes`;
}

const FIELDS = new Set(['slug', 'name']);

/**
 * What is wrong with a refused file, each problem named by its place in the file. A file with problems
 * changed nothing, and the page says so.
 */
function Problems(props: { form: FormState; message?: string }) {
  const entries = Object.entries(props.form.errors);
  if (!entries.length) return null;
  const inFile = entries.filter(([k]) => !FIELDS.has(k));
  const inForm = entries.filter(([k]) => FIELDS.has(k));
  return (
    <div class="alert error" role="alert" id="import-problems">
      <strong>{props.message ?? 'Nothing was imported.'}</strong>
      <ul>
        {inForm.map(([k, msg]) => (
          <li>
            <a href={`#f-${k}`}>{msg}</a>
          </li>
        ))}
        {inFile.map(([path, msg]) =>
          path === 'file' || path === 'format' || path === 'version' || path === '…' ? (
            <li>{path === '…' ? `…${msg}` : msg}</li>
          ) : (
            <li>
              <code>{path}</code>: {msg}
            </li>
          ),
        )}
      </ul>
    </div>
  );
}

/** `/workspaces/import`: a backup file becomes a new workspace on this server (server owners only). */
export function ImportPage(props: { form: FormState; limitBytes: number; message?: string }) {
  const s = props.form;
  const fileProblem = Object.keys(s.errors).some((k) => !FIELDS.has(k));
  return (
    <Layout title="Import a workspace" nav="home">
      <p class="crumbs">
        <a href="/">Your workspaces</a>
      </p>
      <h1>Import a workspace from a backup</h1>
      <p class="lede">
        A backup is the <code>.lodestar.json</code> file a workspace owner downloads under{' '}
        <em>Import &amp; export</em>. Importing it makes a <strong>new</strong> workspace on this server with
        everything it holds: North Star and input metrics with their measurements, hypotheses in every status
        with their scores and results, learnings, batches, members and the activity trail. Nothing existing is
        changed, and a file with any problem imports nothing.
      </p>
      <Problems form={s} message={props.message} />
      <section class="panel" aria-labelledby="import-form">
        <h2 id="import-form">Backup file</h2>
        <form method="post" action="/workspaces/import" enctype="multipart/form-data" class="stack">
          <div class={`field ${fileProblem ? 'has-error' : ''}`}>
            <label for="f-file">
              Backup file<span class="req"> (required)</span>
            </label>
            <input
              id="f-file"
              type="file"
              name="file"
              accept=".json,application/json"
              required
              aria-invalid={fileProblem ? 'true' : undefined}
              aria-describedby={fileProblem ? 'f-file-hint import-problems' : 'f-file-hint'}
            />
            <small class="hint" id="f-file-hint">
              Up to {sizeText(props.limitBytes)}. Choose it again after a refusal: browsers do not keep a
              chosen file.
            </small>
          </div>
          <div class="row">
            <Input
              name="slug"
              label="New address (optional)"
              state={s}
              maxLength={40}
              placeholder="growth-team"
              hint="Blank: the backup’s own address, or the same with -2, -3… when it is taken here."
            />
            <Input
              name="name"
              label="New name (optional)"
              state={s}
              maxLength={80}
              hint="Blank: the name in the backup."
            />
          </div>
          <p class="hint">
            You become an owner of the new workspace. The other members keep their roles: people who already
            have an account here (same email) get the workspace in their list; for the others an account is
            made that cannot sign in until you set a password for it on the command line (the next page says
            how).
          </p>
          <button type="submit">Import as a new workspace</button>
        </form>
      </section>
      <section class="panel" aria-labelledby="not-included">
        <h2 id="not-included">Not in a backup</h2>
        <ul>
          {NOT_INCLUDED.map((line) => (
            <li>{line}</li>
          ))}
        </ul>
      </section>
    </Layout>
  );
}
