import type { Metric } from '../../db/schema';
import type { MemberWorkspace } from '../../src/accounts/members';
import { CSV_ROWS_MAX } from '../../src/imports/csv-file';
import { CSV_MEASUREMENTS_MAX } from '../../src/measurements/measurements';
import { BackupBlock } from '../backup/block';
import { canEdit, ReadOnlyNote } from '../components/access';
import { Layout } from '../layout';
import { type ImportKind, UploadForm } from './upload-form';

const count = (n: number) => n.toLocaleString('en');

/** `/w/:slug/data`: import hypotheses and measurements from CSV, download CSV exports and the backup. */
export function DataPage(props: {
  ws: MemberWorkspace;
  metrics: Metric[];
  serverOwner: boolean;
  /** The upload that was refused before any preview (nothing chosen), with why. */
  refused?: { kind: ImportKind; message: string };
}) {
  const { ws } = props;
  const base = `/w/${ws.slug}`;
  const inputs = props.metrics.filter((m) => m.kind === 'input');
  const error = (kind: ImportKind) => (props.refused?.kind === kind ? props.refused.message : undefined);
  return (
    <Layout title="Import & export" ws={ws} nav="data">
      <h1>Import &amp; export</h1>
      <p class="lede">
        Bring in a backlog or a metric’s history from a spreadsheet, and take your data out as CSV files that
        open in any spreadsheet.
      </p>
      <ReadOnlyNote ws={ws} needs="editor" what="import hypotheses or measurements" />
      {canEdit(ws) ? (
        <>
          <section class="panel" aria-labelledby="import-hypotheses">
            <h2 id="import-hypotheses">Import hypotheses</h2>
            <p>
              One row per idea, up to {count(CSV_ROWS_MAX)} rows. You see every row before anything is saved,
              and the import saves all rows or none.{' '}
              <a href={`${base}/export/hypotheses.csv`} download>
                Download the hypotheses CSV
              </a>{' '}
              for a template with every column (it holds your current hypotheses; keep the header row).
            </p>
            <HypothesisColumns inputs={inputs} />
            <UploadForm slug={ws.slug} kind="hypotheses" error={error('hypotheses')} />
          </section>
          <section class="panel" aria-labelledby="import-measurements">
            <h2 id="import-measurements">Import measurements</h2>
            <p>
              Values for your metrics by period, up to {count(CSV_MEASUREMENTS_MAX)} values per file. A period
              that already has a value gets the new one; the same value again changes nothing, so a file can
              be imported twice.
            </p>
            <MeasurementColumns metrics={props.metrics} base={base} />
            <UploadForm slug={ws.slug} kind="measurements" error={error('measurements')} />
          </section>
        </>
      ) : null}
      <section class="panel" aria-labelledby="exports">
        <h2 id="exports">Export as CSV</h2>
        <ul class="exports">
          <li>
            <a href={`${base}/export/hypotheses.csv`} download>
              Hypotheses
            </a>{' '}
            — every hypothesis in every status, with the columns the importer reads: import it into another
            workspace as it is.
          </li>
          <li>
            <a href={`${base}/export/results.csv`} download>
              Results
            </a>{' '}
            — closed experiments: result, baseline, observed value, lift, effort, return, ROTI, dates, batch
            week and learnings.
          </li>
          <li>
            <a href={`${base}/export/learnings.csv`} download>
              Learnings
            </a>{' '}
            — each statement with its status, metric and the experiments that support or contradict it.
          </li>
          <li>
            <a href={`${base}/export/measurements.csv`} download>
              Measurements
            </a>{' '}
            — every value of every metric by period; it imports back as it is.
          </li>
        </ul>
        <p class="hint">
          UTF-8 with a byte-order mark, so Excel shows accents right. A cell that starts with = + - or @ gets
          an apostrophe in front, so a spreadsheet does not run it as a formula (the importer removes it
          again).
        </p>
      </section>
      <BackupBlock ws={ws} serverOwner={props.serverOwner} />
    </Layout>
  );
}

function HypothesisColumns(props: { inputs: Metric[] }) {
  return (
    <details class="columns-help">
      <summary>The columns it reads</summary>
      <p class="small">
        Headers are matched without regard to case, spaces or punctuation; other columns are reported and
        ignored.
      </p>
      <dl class="columns">
        <dt>Title (or Idea, Name, Experiment, Hypothesis) — required</dt>
        <dd>The hypothesis in a few words.</dd>
        <dt>Metric (or Input metric, Lever) — required</dt>
        <dd>
          The input metric it moves, by name:{' '}
          {props.inputs.length ? (
            props.inputs.map((m, i) => (
              <>
                {i ? ', ' : ''}
                <strong>{m.name}</strong>
              </>
            ))
          ) : (
            <em>no input metrics yet — add them on the Metrics page first</em>
          )}
          .
        </dd>
        <dt>Impact, Confidence, Ease</dt>
        <dd>
          Whole numbers 1–10. An <strong>ICE</strong> column alone sets all three to it; next to them it is
          only checked. Without any score a row is imported as a draft scored 5, 5, 5.
        </dd>
        <dt>Status</dt>
        <dd>
          draft, backlog (the default), parked, rejected, running or done. Not selected: ideas are selected in
          the weekly meeting.
        </dd>
        <dt>Change, Expected outcome, Rationale (or Why)</dt>
        <dd>
          “If we <em>change</em>, then <em>outcome</em>, because <em>rationale</em>.” When left out, the title
          stands for the change and the outcome says the metric will move; rewrite them in triage.
        </dd>
        <dt>Person-days (or Estimate, Days), Expected lift, Owner, Tags</dt>
        <dd>Tags separated by commas or semicolons.</dd>
        <dt>
          For done rows: Result, Actual days, Return, Baseline, Observed, Lift, Learning, Started, Closed
        </dt>
        <dd>
          Result (won, lost, inconclusive, stopped or invalid) and Actual days are required; Return (0–10) too
          unless the result is won or invalid. Learning: one statement per line, each becomes a learning the
          experiment supports. Dates like 2026-11-22.
        </dd>
      </dl>
    </details>
  );
}

function MeasurementColumns(props: { metrics: Metric[]; base: string }) {
  const active = props.metrics.filter((m) => m.archivedAt == null);
  return (
    <details class="columns-help">
      <summary>The two layouts it reads</summary>
      <div class="layouts">
        <div>
          <h3>One row per value</h3>
          <pre class="csv-sample">
            {'Metric,Period,Value\nActivation rate,2026-W46,0.41\nActivation rate,2026-W47,0.43'}
          </pre>
        </div>
        <div>
          <h3>One column per metric</h3>
          <pre class="csv-sample">
            {'Week,Activation rate,Invite conversion\n2026-W46,0.41,0.12\n2026-W47,0.43,0.13'}
          </pre>
        </div>
      </div>
      <p class="small">
        The period column may be called Period, Week, Date or Day. A weekly metric takes an ISO week
        (2026-W47) or any date in that week; a daily one a date (2026-11-22). Values may use thousands
        separators (1,234.5) and a trailing %; in a semicolon-separated file a decimal comma (0,42) is read
        too. An empty cell records nothing.{' '}
        <a href={`${props.base}/export/measurements.csv`} download>
          The measurements export
        </a>{' '}
        is a template.
      </p>
      {active.length ? (
        <p class="small">
          Metrics here:{' '}
          {active.map((m, i) => (
            <>
              {i ? ', ' : ''}
              <strong>{m.name}</strong> ({m.cadence === 'day' ? 'daily' : 'weekly'})
            </>
          ))}
          .
        </p>
      ) : null}
    </details>
  );
}
