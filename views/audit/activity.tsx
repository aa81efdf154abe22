import type { AuditEvent, Metric, Workspace } from '../../db/schema';
import { entityWord } from '../../src/audit/describe';
import { weekLabel } from '../../src/batches/weeks';
import { Banner } from '../components/badges';
import { emptyForm, Select } from '../components/form';
import { Layout } from '../layout';
import { AuditEntry } from './entry';

/** The kinds of record a workspace's trail holds (API tokens belong to people, not to a workspace). */
export const TRAIL_ENTITIES = [
  'hypothesis',
  'metric',
  'learning',
  'batch',
  'membership',
  'invite',
  'workspace',
] as const;
export type TrailEntity = (typeof TRAIL_ENTITIES)[number];

const FILTER_LABELS: Record<TrailEntity, string> = {
  hypothesis: 'Hypotheses',
  metric: 'Metrics',
  learning: 'Learnings',
  batch: 'Batches',
  membership: 'Members',
  invite: 'Invites',
  workspace: 'Workspace settings',
};

/** An event with what it is about: a name, and a link while the record still exists. */
export type ActivityEntry = { event: AuditEvent; name?: string; href?: string };

export type ActivityProps = {
  ws: Workspace;
  entries: ActivityEntry[];
  more: boolean;
  entity?: TrailEntity;
  before?: number;
  metrics: Metric[];
  /** A part of the address that was not understood and so was ignored. */
  problem?: string;
};

export function activityUrl(ws: Workspace, q: { entity?: string; before?: number }): string {
  const p = new URLSearchParams();
  if (q.entity) p.set('entity', q.entity);
  if (q.before) p.set('before', String(q.before));
  const qs = p.toString();
  return `/w/${ws.slug}/activity${qs ? `?${qs}` : ''}`;
}

/** The page of the batch with this id (batches are never deleted, so the link always leads somewhere). */
export const batchHref = (ws: Workspace) => (id: number) => `/w/${ws.slug}/batches/${id}`;

/** A batch is named by its week, which its creation and its start record (a capacity change does not). */
function batchSubject(ws: Workspace, e: AuditEvent): { name?: string; href: string } {
  const week = [e.after?.week, e.before?.week].find((w): w is string => typeof w === 'string');
  return { name: week ? weekLabel(week) : undefined, href: batchHref(ws)(e.entityId) };
}

function Subject(props: { ws: Workspace; entry: ActivityEntry }) {
  const { event: e } = props.entry;
  const { name, href } =
    e.entity === 'batch' && !props.entry.href
      ? { ...batchSubject(props.ws, e), ...(props.entry.name ? { name: props.entry.name } : {}) }
      : props.entry;
  const label = `${entityWord(e.entity)} ${name ? `“${name}”` : `#${e.entityId}`}`;
  return href ? <a href={href}>{label}</a> : <span>{label}</span>;
}

/** The list and its "Older" link: the part htmx swaps when the filter changes. */
export function ActivityResults(props: ActivityProps) {
  const { ws, entries } = props;
  const names = new Map(props.metrics.map((m) => [m.id, m.name]));
  const opts = {
    iceMode: ws.iceMode,
    timeZone: ws.timeZone,
    metricName: (id: number) => names.get(id),
    batchHref: batchHref(ws),
  };
  const last = entries.at(-1);
  return (
    <div id="activity-results">
      <Banner tone="warn" message={props.problem} />
      {entries.length === 0 ? (
        <div class="empty panel">
          {props.before || props.entity ? (
            <p>
              {props.entity
                ? `No changes to ${FILTER_LABELS[props.entity].toLowerCase()} to show.`
                : 'No older changes to show.'}
            </p>
          ) : null}
          <p>
            The trail records every change to this workspace: hypotheses created, edited, scored by each
            member, moved along the lifecycle (into and out of the week's batch) and closed; weekly batches
            planned, resized and started; metrics added, edited, archived, restored or deleted (the North Star
            checklist included); learnings recorded, re-rated or linked to experiments; members added, removed
            or given another role; invite links; and these settings. Each entry says who made the change,
            when, and the values before and after.
          </p>
        </div>
      ) : (
        <ol class="audit-list">
          {entries.map((entry) => (
            <AuditEntry event={entry.event} opts={opts} subject={<Subject ws={ws} entry={entry} />} />
          ))}
        </ol>
      )}
      <nav class="pager" aria-label="Older changes">
        {props.before ? <a href={activityUrl(ws, { entity: props.entity })}>↑ Newest</a> : <span />}
        {props.more && last ? (
          <a href={activityUrl(ws, { entity: props.entity, before: last.event.id })} rel="next">
            Older →
          </a>
        ) : (
          <span />
        )}
      </nav>
    </div>
  );
}

export function ActivityPage(props: ActivityProps) {
  const { ws } = props;
  const url = `/w/${ws.slug}/activity`;
  const filters = emptyForm({ entity: props.entity ?? '' });
  return (
    <Layout title="Activity" ws={ws} nav="activity">
      <h1>Activity</h1>
      <p class="lede">Who changed what in {ws.name}, newest first. Only owners see this trail.</p>
      <search>
        <form
          class="filters"
          method="get"
          action={url}
          hx-get={url}
          hx-trigger="change"
          hx-target="#activity-results"
          hx-swap="outerHTML"
          hx-push-url="true"
        >
          <Select
            name="entity"
            label="Show changes to"
            state={filters}
            placeholder="Everything"
            options={TRAIL_ENTITIES.map((e) => ({ value: e, label: FILTER_LABELS[e] }))}
          />
          <noscript>
            <button type="submit">Apply</button>
          </noscript>
        </form>
      </search>
      <ActivityResults {...props} />
    </Layout>
  );
}
