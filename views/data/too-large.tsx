import { CSV_ROWS_MAX } from '../../src/imports/csv-file';
import { CSV_MEASUREMENTS_MAX } from '../../src/measurements/measurements';
import { Layout } from '../layout';

/** "2 MB", "900 KB": a size as people read it. */
function sizeText(bytes: number): string {
  if (bytes >= 1024 * 1024) return `${Math.round((bytes / 1024 / 1024) * 10) / 10} MB`;
  if (bytes >= 1024) return `${Math.round(bytes / 1024)} KB`;
  return `${bytes} bytes`;
}

/** The slug of a /w/:slug/import/… path, to lead back to that workspace's import page. */
export const importSlug = (path: string): string | undefined => /^\/w\/([^/]+)\/import\//.exec(path)?.[1];

/**
 * The 413 answer to a CSV upload over the limit. The body limit refuses it before the request is read (and
 * before the workspace is loaded), so this page knows only the limit and the address: it says what to do.
 */
export function CsvTooLargeFragment(props: { limitBytes: number; slug?: string }) {
  return (
    <section class="error-page too-large" role="alert">
      <h1>That file is too large</h1>
      <p>
        That file is over {sizeText(props.limitBytes)}, the most one CSV import takes on this server. Nothing
        was imported.
      </p>
      <dl>
        <dt>Split it</dt>
        <dd>
          Import it in parts, one after the other: up to {CSV_ROWS_MAX.toLocaleString('en')} hypotheses or{' '}
          {CSV_MEASUREMENTS_MAX.toLocaleString('en')} values per file (by year, or by metric). Each part is
          checked and saved on its own.
        </dd>
        <dt>Leave out what Lodestar does not read</dt>
        <dd>Delete columns it does not need (comments, helper columns) and empty rows at the end.</dd>
        <dt>Make sure it is CSV</dt>
        <dd>A spreadsheet file (.xlsx) is much larger: save it as “CSV UTF-8” first.</dd>
      </dl>
      <p>
        {props.slug ? (
          <a href={`/w/${props.slug}/data`}>Back to Import &amp; export</a>
        ) : (
          <a href="/">Back to your workspaces</a>
        )}
      </p>
    </section>
  );
}

export function CsvTooLargePage(props: { limitBytes: number; slug?: string }) {
  return (
    <Layout title="Too large">
      <CsvTooLargeFragment {...props} />
    </Layout>
  );
}
