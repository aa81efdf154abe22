import type { Child } from 'hono/jsx';

export type ImportKind = 'hypotheses' | 'measurements';

const PLACEHOLDER: Record<ImportKind, string> = {
  hypotheses: 'Title,Metric,Impact,Confidence,Ease\nChecklist on the empty board,Activation rate,7,6,8',
  measurements: 'Metric,Period,Value\nActivation rate,2026-W47,0.42',
};

/**
 * A file or pasted rows, to preview. Multipart so that a file travels as it is, and so that the pasted or
 * carried-over text is not percent-encoded (which would triple it against the upload limit).
 */
export function UploadForm(props: {
  slug: string;
  kind: ImportKind;
  /** What the text box holds (the file being fixed, on a preview). */
  text?: string;
  error?: string;
  /** Shown in place of the default button label. */
  submit?: Child;
  /** Without a file input: the preview's "fix it here and check again". */
  pasteOnly?: boolean;
}) {
  const id = (name: string) => `${props.kind}-${name}`;
  return (
    <form
      method="post"
      action={`/w/${props.slug}/import/${props.kind}/preview`}
      enctype="multipart/form-data"
      class="stack upload-form"
    >
      {props.error ? (
        <p class="field-error" id={id('error')} role="alert">
          {props.error}
        </p>
      ) : null}
      {props.pasteOnly ? null : (
        <div class="field">
          <label for={id('file')}>CSV file</label>
          <input
            id={id('file')}
            type="file"
            name="file"
            accept=".csv,.tsv,.txt,text/csv,text/tab-separated-values"
            aria-describedby={props.error ? id('error') : undefined}
          />
        </div>
      )}
      <div class="field">
        <label for={id('text')}>{props.pasteOnly ? 'The rows' : 'Or paste the rows'}</label>
        <textarea
          id={id('text')}
          name="text"
          rows={props.pasteOnly ? 12 : 5}
          class="csv-text"
          spellcheck={false}
          placeholder={PLACEHOLDER[props.kind]}
          aria-describedby={`${id('text-hint')}${props.error ? ` ${id('error')}` : ''}`}
        >
          {props.text ?? ''}
        </textarea>
        <small class="hint" id={id('text-hint')}>
          Copy the cells in your spreadsheet, header row included, and paste them here (tabs are read as
          columns).{props.pasteOnly ? '' : ' A file chosen above is used instead.'}
        </small>
      </div>
      <div class="actions">
        <button type="submit" class={props.pasteOnly ? 'secondary' : undefined}>
          {props.submit ?? 'Preview the import'}
        </button>
        <span class="hint">Nothing is saved until you confirm the preview.</span>
      </div>
    </form>
  );
}
