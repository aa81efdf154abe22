import { parseWeek, WEEK_PATTERN } from '../batches/weeks';
import { ValidationError } from '../errors';
import { parsePeriod } from '../measurements/periods';
import { BACKUP_FORMAT, BACKUP_VERSION, WorkspaceBackup } from './format';
import { REF_KIND_OF_ENTITY, type RefKind, translateSnapshot } from './refs';

// Reading an uploaded backup: JSON, then the format and its version, then every field, then every
// reference between records — all before anything is written, each problem named by its place in the file
// ("hypotheses[3].metric: no metric with ref 7 in this file"). Pure.

export type Problem = { path: string; message: string };

/** How many problems a refusal lists (a broken file can have thousands; the first ones show the pattern). */
export const PROBLEMS_SHOWN = 50;

const isObject = (v: unknown): v is Record<string, unknown> =>
  v !== null && typeof v === 'object' && !Array.isArray(v);

/** "hypotheses[3].metric" from zod's ['hypotheses', 3, 'metric']. */
export function pathText(path: readonly PropertyKey[]): string {
  let out = '';
  for (const part of path) out += typeof part === 'number' ? `[${part}]` : `${out ? '.' : ''}${String(part)}`;
  return out || 'file';
}

/** The problems as a 422: one field per place in the file, the first PROBLEMS_SHOWN of them. */
export function backupRefused(problems: Problem[]): ValidationError {
  const fields: Record<string, string> = {};
  for (const p of problems.slice(0, PROBLEMS_SHOWN)) fields[p.path] ??= p.message;
  const more = problems.length - PROBLEMS_SHOWN;
  if (more > 0) fields['…'] = `and ${more} more ${more === 1 ? 'problem' : 'problems'}`;
  const n = problems.length;
  return new ValidationError(
    fields,
    `This backup cannot be imported: ${n} ${n === 1 ? 'problem' : 'problems'} found. Nothing was imported.`,
  );
}

/** The format and version, judged first: a wrong file gets one clear sentence instead of a hundred. */
function headerProblem(raw: unknown): Problem | undefined {
  if (!isObject(raw) || raw.format !== BACKUP_FORMAT)
    return {
      path: 'format',
      message: `This is not a Lodestar workspace backup (its "format" should be "${BACKUP_FORMAT}"). Backups are the .lodestar.json files a workspace owner downloads under Import & export; CSV files are imported there too.`,
    };
  const v = raw.version;
  if (typeof v === 'number' && Number.isInteger(v) && v > BACKUP_VERSION)
    return {
      path: 'version',
      message: `This backup was made by a newer Lodestar (format version ${v}); this server reads version ${BACKUP_VERSION}. Update Lodestar here, then import it again.`,
    };
  if (v !== BACKUP_VERSION)
    return {
      path: 'version',
      message: `The format version must be ${BACKUP_VERSION}; this file says ${JSON.stringify(v) ?? 'nothing'}.`,
    };
  return undefined;
}

/** The problems of an already parsed JSON value: empty when it is a backup that can be imported. */
export function backupProblems(raw: unknown): { file?: WorkspaceBackup; problems: Problem[] } {
  const header = headerProblem(raw);
  if (header) return { problems: [header] };
  const parsed = WorkspaceBackup.safeParse(raw);
  if (!parsed.success)
    return {
      problems: parsed.error.issues.flatMap((i) =>
        i.code === 'unrecognized_keys'
          ? i.keys.map((key) => ({ path: pathText([...i.path, key]), message: UNKNOWN_FIELD }))
          : [{ path: pathText(i.path), message: i.message }],
      ),
    };
  const problems = referenceProblems(parsed.data);
  return problems.length ? { problems } : { file: parsed.data, problems };
}

const UNKNOWN_FIELD = `is not a field of a Lodestar backup (format version ${BACKUP_VERSION}): the file was changed after it was exported, or made by other software. Remove it and import again (importing would drop it).`;

/**
 * An uploaded file's bytes as text, or the 422 that says it is not UTF-8 (Lodestar writes backups as UTF-8;
 * a file re-saved by an editor as Latin-1 or UTF-16 would otherwise import with its accents turned into "�").
 */
export function decodeBackup(bytes: Uint8Array): string {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw backupRefused([
      {
        path: 'file',
        message:
          'This file is not UTF-8 text, as Lodestar writes backups: it was probably opened and saved again in another encoding. Download the backup again (or save it as UTF-8), then import it.',
      },
    ]);
  }
}

/** An upload's text as JSON (a byte-order mark is allowed), or the 422 that says it is not JSON. */
export function parseBackupJson(text: string): unknown {
  try {
    return JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch (e) {
    throw backupRefused([
      {
        path: 'file',
        message: `This file is not JSON (${e instanceof Error ? e.message : 'unreadable'}). Choose the .lodestar.json file a workspace owner downloaded.`,
      },
    ]);
  }
}

/** A parsed JSON value as a backup, or a 422 naming what is wrong with it. */
export function checkBackup(raw: unknown): WorkspaceBackup {
  const { file, problems } = backupProblems(raw);
  if (!file) throw backupRefused(problems);
  return file;
}

const WORDS: Record<RefKind, string> = {
  metric: 'metric',
  batch: 'batch',
  learning: 'learning',
  hypothesis: 'hypothesis',
  person: 'member or former member',
};

/** Every reference between records, and what the database holds unique, checked against the file itself. */
function referenceProblems(f: WorkspaceBackup): Problem[] {
  const problems: Problem[] = [];
  const add = (path: string, message: string) => problems.push({ path, message });

  const refs = (kind: RefKind, lists: [string, { ref: number }[]][]) => {
    const seen = new Set<number>();
    for (const [name, rows] of lists)
      rows.forEach((r, i) => {
        if (seen.has(r.ref)) add(`${name}[${i}].ref`, `ref ${r.ref} is used by two ${WORDS[kind]} records`);
        seen.add(r.ref);
      });
    return seen;
  };
  const known: Record<RefKind, Set<number>> = {
    person: refs('person', [
      ['members', f.members],
      ['formerMembers', f.formerMembers],
    ]),
    metric: refs('metric', [['metrics', f.metrics]]),
    batch: refs('batch', [['batches', f.batches]]),
    learning: refs('learning', [['learnings', f.learnings]]),
    hypothesis: refs('hypothesis', [['hypotheses', f.hypotheses]]),
  };
  const point = (path: string, kind: RefKind, value: number | null) => {
    if (value !== null && !known[kind].has(value))
      add(path, `no ${WORDS[kind]} with ref ${value} in this file`);
  };
  const once = (seen: Set<string>, key: string, path: string, message: string) => {
    if (seen.has(key)) add(path, message);
    seen.add(key);
  };

  const emails = new Set<string>();
  const people = [
    ...f.members.map((m, i) => [`members[${i}].email`, m.email] as const),
    ...f.formerMembers.map((m, i) => [`formerMembers[${i}].email`, m.email] as const),
  ];
  for (const [path, email] of people)
    once(emails, email.toLowerCase(), path, `${email} is listed twice among members and former members`);

  const cadence = new Map(f.metrics.map((m) => [m.ref, m.cadence]));
  let northStars = 0;
  f.metrics.forEach((m, i) => {
    if (m.kind === 'north_star' && ++northStars > 1)
      add(`metrics[${i}].kind`, 'a workspace has only one North Star; this file names two');
  });

  const periods = new Set<string>();
  f.measurements.forEach((m, i) => {
    const at = `measurements[${i}]`;
    point(`${at}.metric`, 'metric', m.metric);
    const c = cadence.get(m.metric);
    if (!c) return;
    const p = parsePeriod(m.period, c);
    if ('error' in p || p.period !== m.period)
      add(
        `${at}.period`,
        `"${m.period}" is not a ${c === 'week' ? 'week like 2026-W47' : 'day like 2026-11-22'}, as this metric is measured per ${c}`,
      );
    once(
      periods,
      `${m.metric} ${m.period}`,
      `${at}.period`,
      `metric ${m.metric} has two values for ${m.period}`,
    );
  });

  const weeks = new Set<string>();
  f.batches.forEach((b, i) => {
    if (!WEEK_PATTERN.test(b.week) || !parseWeek(b.week))
      add(`batches[${i}].week`, `"${b.week}" is not an ISO week like 2026-W47`);
    once(weeks, b.week, `batches[${i}].week`, `two batches are for ${b.week}`);
  });

  f.learnings.forEach((l, i) => {
    point(`learnings[${i}].metric`, 'metric', l.metric);
  });

  f.hypotheses.forEach((h, i) => {
    const at = `hypotheses[${i}]`;
    point(`${at}.metric`, 'metric', h.metric);
    point(`${at}.batch`, 'batch', h.batch);
    point(`${at}.parent`, 'hypothesis', h.parent);
    point(`${at}.sourceLearning`, 'learning', h.sourceLearning);
    point(`${at}.duplicateOf`, 'hypothesis', h.duplicateOf);
    for (const [j, r] of (h.draftLearnings ?? []).entries())
      point(`${at}.draftLearnings[${j}]`, 'learning', r);
    for (const [j, r] of (h.draftExperiments ?? []).entries())
      point(`${at}.draftExperiments[${j}]`, 'hypothesis', r);
    if (h.parent === h.ref) add(`${at}.parent`, 'a hypothesis cannot be its own follow-up');
  });

  const tags = new Set<string>();
  f.tags.forEach((t, i) => {
    point(`tags[${i}].hypothesis`, 'hypothesis', t.hypothesis);
    once(
      tags,
      `${t.hypothesis} ${t.tag}`,
      `tags[${i}].tag`,
      `hypothesis ${t.hypothesis} has the tag "${t.tag}" twice`,
    );
  });

  const links = new Set<string>();
  f.links.forEach((l, i) => {
    point(`links[${i}].hypothesis`, 'hypothesis', l.hypothesis);
    point(`links[${i}].learning`, 'learning', l.learning);
    once(
      links,
      `${l.hypothesis} ${l.learning}`,
      `links[${i}]`,
      `hypothesis ${l.hypothesis} and learning ${l.learning} are linked twice`,
    );
  });

  const scores = new Set<string>();
  f.memberScores.forEach((s, i) => {
    const at = `memberScores[${i}]`;
    point(`${at}.hypothesis`, 'hypothesis', s.hypothesis);
    if (!emails.has(s.member.toLowerCase()))
      add(`${at}.member`, `${s.member} is not among this file's members or former members`);
    once(
      scores,
      `${s.hypothesis} ${s.member.toLowerCase()}`,
      at,
      `${s.member} scored hypothesis ${s.hypothesis} twice`,
    );
  });

  f.auditEvents.forEach((e, i) => {
    const at = `auditEvents[${i}]`;
    const kind = REF_KIND_OF_ENTITY[e.entity];
    if (kind) point(`${at}.ref`, kind, e.ref);
    else if (e.ref !== null) add(`${at}.ref`, `must be null: ${e.entity} records are not in backups`);
    if (e.actor !== null && !emails.has(e.actor.toLowerCase()))
      add(`${at}.actor`, `${e.actor} is not among this file's members or former members`);
    for (const side of ['before', 'after'] as const)
      translateSnapshot(
        e[side],
        e.entity,
        (k, id, path) => {
          if (k) point(path, k, id);
          return id;
        },
        `${at}.${side}`,
        (path) => add(path, 'is nested too deeply for a recorded change'),
      );
  });
  return problems;
}
