import type { Child } from 'hono/jsx';
import type { AuditEvent } from '../../db/schema';
import { type ChangeRow, describeEvent } from '../../src/audit/describe';
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

/** The event's line: the actor, the absolute time, optionally what it was about, then the sentence. */
export function AuditEntry(props: { event: AuditEvent; opts: DescribeOptions; subject?: Child }) {
  const { event: e, opts } = props;
  const { summary, rows } = describeEvent(e, opts);
  return (
    <li class="audit-entry" id={`e-${e.id}`}>
      <p class="audit-head">
        <strong>{e.actorName}</strong>{' '}
        <time datetime={new Date(e.createdAt).toISOString()}>{fmtDateTime(e.createdAt, opts.timeZone)}</time>
      </p>
      <p class="audit-summary">
        {props.subject ? <>{props.subject}: </> : null}
        {summary}.
      </p>
      <ChangeRows rows={rows} />
    </li>
  );
}
