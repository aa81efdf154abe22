import type { Child } from 'hono/jsx';
import { clip, type Finding } from '../../src/imports/csv-file';
import type { UploadSource } from '../../src/imports/upload';
import { type ImportKind, UploadForm } from './upload-form';

// What both previews share: what was read (file, encoding, separator, columns), the verdict, and the two
// ways on: confirm (the checked text rides along in a hidden field) or fix the text and check again.

const TONE_LABEL = { error: 'Problem', warn: 'Check', info: 'Note' } as const;

/**
 * A message as the preview shows it: a long value quoted in it (“…”) is cut short, and so is the message, so
 * that a 1 MB cell gives a readable line rather than a page of its text.
 */
export const shown = (message: string) =>
  clip(
    message.replace(/“([^”]{81,})”/g, (_, quoted: string) => `“${clip(quoted, 80)}”`),
    1000,
  );

export function FileReport(props: {
  source: UploadSource;
  findings: Finding[];
  mapped: { header: string; label: string }[];
}) {
  const { source } = props;
  const order = { error: 0, warn: 1, info: 2 } as const;
  const findings = [...props.findings].sort((a, b) => order[a.tone] - order[b.tone]);
  return (
    <section class="panel file-report" aria-labelledby="file-report">
      <h2 id="file-report">What was read</h2>
      <ul class="findings">
        <li class="finding info">
          <span class="finding-tone">{TONE_LABEL.info}</span>{' '}
          {source.from === 'file' ? (
            <>
              File <strong>{clip(source.filename ?? '', 80) || 'without a name'}</strong>
              {source.encoding ? `, ${source.encoding}` : ''}.
            </>
          ) : (
            'Pasted text.'
          )}
        </li>
        {findings.map((f) => (
          <li class={`finding ${f.tone}`}>
            <span class="finding-tone">{TONE_LABEL[f.tone]}</span> {shown(f.message)}
          </li>
        ))}
      </ul>
      {props.mapped.length ? (
        <>
          <h3>Columns</h3>
          <ul class="mapped">
            {props.mapped.map((m) => (
              <li>
                “{clip(m.header, 80)}” → {m.label}
              </li>
            ))}
          </ul>
        </>
      ) : null}
    </section>
  );
}

/** The verdict above the rows: how many and what happens, or why nothing can be imported yet. */
export function Verdict(props: { ok: boolean; problems: number; children: Child }) {
  return props.ok ? (
    <p class="alert ok" role="status">
      {props.children}
    </p>
  ) : (
    <div class="alert error" role="alert">
      <strong>
        Nothing can be imported yet
        {props.problems ? `: ${props.problems} ${props.problems === 1 ? 'problem' : 'problems'} to fix` : ''}.
      </strong>{' '}
      Fix them in your file and upload it again, or fix the text below and check it again. Nothing was saved.
    </div>
  );
}

/** Confirms the import of exactly the text that was checked (it is checked again when it arrives). */
export function CommitForm(props: { slug: string; kind: ImportKind; text: string; label: string }) {
  return (
    <form
      method="post"
      action={`/w/${props.slug}/import/${props.kind}`}
      enctype="multipart/form-data"
      class="actions commit-form"
    >
      <input type="hidden" name="text" value={props.text} />
      <button type="submit">{props.label}</button>
      <a href={`/w/${props.slug}/data`}>Cancel</a>
    </form>
  );
}

/** The checked text in a box, to correct in place and check again (a file can be fixed without Excel). */
export function FixForm(props: { slug: string; kind: ImportKind; text: string; open: boolean }) {
  return (
    <details class="fix-form panel" open={props.open}>
      <summary>Fix the rows here</summary>
      <UploadForm slug={props.slug} kind={props.kind} text={props.text} pasteOnly submit="Check again" />
    </details>
  );
}

/** A row's messages: errors first, then warnings, then what Lodestar filled in. */
export function RowMessages(props: { errors: string[]; warnings?: string[]; notes?: string[] }) {
  const { errors, warnings = [], notes = [] } = props;
  if (!errors.length && !warnings.length && !notes.length) return <span class="muted">OK</span>;
  return (
    <ul class="row-messages">
      {errors.map((m) => (
        <li class="error">
          <span class="sr-only">Error: </span>
          {shown(m)}
        </li>
      ))}
      {warnings.map((m) => (
        <li class="warn">
          <span class="sr-only">Check: </span>
          {shown(m)}
        </li>
      ))}
      {notes.map((m) => (
        <li class="note">
          <span class="sr-only">Filled in: </span>
          {shown(m)}
        </li>
      ))}
    </ul>
  );
}

export const plural = (n: number, one: string, many = `${one}s`) =>
  `${n.toLocaleString('en')} ${n === 1 ? one : many}`;

/** The preview's table of rows: a heading with the count and the errors, and a sideways-scrolling table. */
export function PreviewTable(props: {
  id: string;
  title: string;
  count: string;
  errors: number;
  label: string;
  head: Child;
  children: Child;
}) {
  return (
    <section aria-labelledby={props.id}>
      <h2 id={props.id}>
        {props.title}{' '}
        <span class="muted small">
          ({props.count}
          {props.errors ? `, ${props.errors} with errors` : ''})
        </span>
      </h2>
      {/* Focusable: on a narrow screen the table scrolls sideways, by keyboard too. */}
      <section class="table-scroll" tabindex={0} aria-label={props.label}>
        <table class="table preview-table">
          <thead>{props.head}</thead>
          <tbody>{props.children}</tbody>
        </table>
      </section>
    </section>
  );
}
