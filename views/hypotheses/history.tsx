import type { AuditEvent, Metric, Workspace } from '../../db/schema';
import { AuditEntry } from '../audit/entry';

/** How many of a hypothesis's changes its page shows (the owners' Activity page has them all). */
export const HISTORY_LIMIT = 100;

/**
 * The hypothesis's recorded changes, newest first: edits, each member's scores, moves (into, out of and
 * through a weekly batch, linked to it) and its close.
 */
export function HistorySection(props: {
  ws: Workspace;
  events: AuditEvent[];
  metrics: Metric[];
  limit?: number;
}) {
  const { ws, events } = props;
  const names = new Map(props.metrics.map((m) => [m.id, m.name]));
  const opts = {
    iceMode: ws.iceMode,
    timeZone: ws.timeZone,
    metricName: (id: number) => names.get(id),
    batchHref: (id: number) => `/w/${ws.slug}/batches/${id}`,
  };
  return (
    <section class="history" aria-labelledby="history-title">
      <h2 id="history-title">History</h2>
      {events.length === 0 ? (
        <p class="muted">
          No changes recorded yet. Every edit, every member's score, move along the lifecycle and the close
          will be listed here with who made it and when.
        </p>
      ) : (
        <>
          <ol class="audit-list">
            {events.map((e) => (
              <AuditEntry event={e} opts={opts} />
            ))}
          </ol>
          {events.length >= (props.limit ?? HISTORY_LIMIT) ? (
            <p class="muted">Showing the latest {events.length} changes.</p>
          ) : null}
        </>
      )}
    </section>
  );
}
