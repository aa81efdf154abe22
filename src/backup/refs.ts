import type { AuditEntity } from '../../db/schema';

// The trail's records name other records by id: the event's entityId, and ids inside its before/after
// snapshots (a transition's batchId, a close's learnings[].learningId, a follow-up's parentId…). In a backup
// these become the file's refs, and on import the new server's ids. Pure, shared by export, check and import.

/** The kinds of record a backup numbers (people share one numbering: members, then former members). */
export type RefKind = 'metric' | 'batch' | 'learning' | 'hypothesis' | 'person';

/**
 * Which kind of record an event's entityId names. The workspace's own events always name the workspace;
 * invites, share links, webhooks and tokens are not in backups, so their events keep no ref (0 on import).
 */
export const REF_KIND_OF_ENTITY: Partial<Record<AuditEntity, RefKind>> = {
  hypothesis: 'hypothesis',
  metric: 'metric',
  learning: 'learning',
  batch: 'batch',
  measurement: 'metric',
  membership: 'person',
};

/** Keys inside snapshots whose number is the id of a record of this kind. */
export const ID_KEYS: Readonly<Record<string, RefKind>> = {
  metricId: 'metric',
  batchId: 'batch',
  parentId: 'hypothesis',
  sourceLearningId: 'learning',
  hypothesisId: 'hypothesis',
  learningId: 'learning',
  userId: 'person',
  createdBy: 'person',
};

/** Any other key like `webhookId` names a record a backup does not hold: its number is dropped (null). */
const OTHER_ID = /^[a-z][A-Za-z]*Id$/;

// Values a backup never carries, wherever they were recorded. A webhook's address is one too: it often
// holds a secret (a Slack incoming webhook's does), and webhooks themselves are left out of backups.
const SECRET_KEYS = new Set(['token', 'tokenHash', 'passwordHash', 'secret']);
export const REDACTED = '(not in backups)';

/** Deeper than this a snapshot is not something Lodestar recorded. */
export const MAX_DEPTH = 32;

/**
 * Turns one id (or ref) into its counterpart: the export gives refs (null when the record is not in the
 * file), the import gives new ids (and reports refs the file does not hold). `kind` is undefined for ids of
 * records backups never hold.
 */
export type Translate = (kind: RefKind | undefined, id: number, path: string) => number | null;

type Row = Record<string, unknown>;

/**
 * A snapshot with its ids translated and its secrets redacted. `path` names it in messages
 * ("auditEvents[12].after"); `tooDeep` hears of nesting past MAX_DEPTH (left as it is).
 */
export function translateSnapshot(
  snapshot: Row | null,
  entity: string,
  translate: Translate,
  path: string,
  tooDeep: (path: string) => void = () => {},
): Row | null {
  if (snapshot === null) return null;
  const webhook = entity === 'webhook';
  const walk = (value: unknown, at: string, depth: number): unknown => {
    if (value === null || typeof value !== 'object') return value;
    if (depth > MAX_DEPTH) {
      tooDeep(at);
      return value;
    }
    if (Array.isArray(value)) return value.map((v, i) => walk(v, `${at}[${i}]`, depth + 1));
    // fromEntries defines own properties, so a "__proto__" key stays a plain key.
    return Object.fromEntries(
      Object.entries(value as Row).map(([k, v]) => {
        const here = `${at}.${k}`;
        if (SECRET_KEYS.has(k) || (webhook && k === 'url')) return [k, typeof v === 'string' ? REDACTED : v];
        if (typeof v === 'number' && (Object.hasOwn(ID_KEYS, k) || OTHER_ID.test(k)))
          return [k, Object.hasOwn(ID_KEYS, k) ? translate(ID_KEYS[k], v, here) : null];
        return [k, walk(v, here, depth + 1)];
      }),
    );
  };
  return walk(snapshot, path, 1) as Row;
}
