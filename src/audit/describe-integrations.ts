import { type ChangeRow, type EventLike, edited } from './describe';
import { fieldLabel, formatValue, shorten } from './format';

// The sentences for issue 5's records: measurements, share links, webhooks and CSV imports.

type Row = Record<string, unknown>;

const SOURCES: Record<string, string> = {
  manual: 'by hand',
  csv: 'from a CSV file',
  api: 'through the API',
  backup: 'from a backup',
};

export function integrationSummary(e: EventLike): string {
  const a = e.after ?? {};
  const b = e.before ?? {};
  switch (`${e.entity}:${e.action}`) {
    case 'measurement:record': {
      const n = Number(a.inserted ?? 0) + Number(a.updated ?? 0);
      const span =
        a.from && a.to && a.from !== a.to ? ` (${a.from} to ${a.to})` : a.from ? ` for ${a.from}` : '';
      const how = SOURCES[String(a.source)] ?? '';
      return `Recorded ${n} ${n === 1 ? 'value' : 'values'} of ${shorten(String(a.metricName ?? `metric #${e.entityId}`), 60)}${span}${how ? ` ${how}` : ''}`;
    }
    case 'measurement:delete':
      return `Deleted the value of ${shorten(String(b.metricName ?? `metric #${e.entityId}`), 60)} for ${String(b.period)} (was ${formatValue('value', b.value)})`;
    case 'share_link:create':
      return `Created a share link${a.label ? ` “${shorten(String(a.label), 40)}”` : ''}`;
    case 'share_link:revoke':
      return `Revoked the share link${b.label ? ` “${shorten(String(b.label), 40)}”` : ''}`;
    case 'webhook:create':
      return `Added a webhook${a.label ? ` “${shorten(String(a.label), 40)}”` : ''}`;
    case 'webhook:update':
      return edited(e, 'Changed');
    case 'webhook:delete':
      return `Removed the webhook${b.label ? ` “${shorten(String(b.label), 40)}”` : ''}`;
    case 'workspace:import': {
      const n = Number(a.count ?? 0);
      return `Imported ${n} ${String(a.kind ?? 'rows')} ${SOURCES[String(a.source ?? 'csv')] ?? ''}`.trim();
    }
    default:
      return fieldLabel(e.action);
  }
}

/** A recorded batch of values as one row per period ("2026-W47: 0.41 → 0.43"). */
export function measurementRows(e: EventLike): ChangeRow[] {
  const items = Array.isArray(e.after?.items) ? (e.after.items as Row[]) : [];
  return items.map((x) => ({
    field: String(x.period),
    label: String(x.period),
    before: x.before == null ? '—' : formatValue('value', x.before),
    after: formatValue('value', x.value),
  }));
}
