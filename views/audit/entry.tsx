import type { Child } from 'hono/jsx';
import type { AuditEvent } from '../../db/schema';
import { type ChangeRow, type Description, describeEvent } from '../../src/audit/describe';
import { type DescribeOptions, fmtDateTime } from '../../src/audit/format';

// One recorded change as the hypothesis history and the workspace trail both show it: who, when, what.

export function ChangeRows(props: { rows: ChangeRow[] }) {
  if (props.rows.length === 0) return null;
  return (
    <ul class="changes">
      {props.rows.map((r) => (
        <li>
          <span class="change-field">{r.label}:</span> <del>{r.before}</del> → <ins>{r.after}</ins>
        </li>
      ))}
    </ul>
  );
}

/** The sentence, with the batch it names linked to that batch's page when the page can be linked. */
export function Summary(props: { description: Description; opts: DescribeOptions }) {
  const { summary, link } = props.description;
  const at = link ? summary.indexOf(link.text) : -1;
  if (!link || at < 0 || !props.opts.batchHref) return <>{summary}</>;
  return (
    <>
      {summary.slice(0, at)}
      <a href={props.opts.batchHref(link.batchId)}>{link.text}</a>
      {summary.slice(at + link.text.length)}
    </>
  );
}

/** The event's line: the actor, the absolute time, optionally what it was about, then the sentence. */
export function AuditEntry(props: { event: AuditEvent; opts: DescribeOptions; subject?: Child }) {
  const { event: e, opts } = props;
  const description = describeEvent(e, opts);
  // A batch's own entry already links to it through its subject: one link to the same page is enough.
  const linkOpts = props.subject && e.entity === 'batch' ? { ...opts, batchHref: undefined } : opts;
  return (
    <li class="audit-entry" id={`e-${e.id}`}>
      <p class="audit-head">
        <strong>{e.actorName}</strong>{' '}
        <time datetime={new Date(e.createdAt).toISOString()}>{fmtDateTime(e.createdAt, opts.timeZone)}</time>
      </p>
      <p class="audit-summary">
        {props.subject ? <>{props.subject}: </> : null}
        <Summary description={description} opts={linkOpts} />.
      </p>
      <ChangeRows rows={description.rows} />
    </li>
  );
}
