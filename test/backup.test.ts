import { eq, getTableColumns } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import type { Db } from '../db/client';
import {
  closeAs,
  FACTORY_PASSWORD,
  FACTORY_SCRYPT,
  makeBatch,
  makeHypothesis,
  makeInput,
  makeLearning,
  makeMember,
  makeUser,
  makeWorkspace,
  measure,
  moveTo,
  scoreAs,
} from '../db/factories';
import type { User, Workspace } from '../db/schema';
import * as schema from '../db/schema';
import { removeMember } from '../src/accounts/members';
import { findUserByEmail } from '../src/accounts/users';
import { runAs, userActor } from '../src/audit/actor';
import { exportWorkspace } from '../src/backup/export';
import type { WorkspaceBackup } from '../src/backup/format';
import { importWorkspace } from '../src/backup/import';
import { REDACTED, translateSnapshot } from '../src/backup/refs';
import { openBatch } from '../src/batches/batches';
import { startBatch } from '../src/batches/selection';
import { ValidationError } from '../src/errors';
import { listHypotheses } from '../src/hypotheses/ranking';
import { ListQuery } from '../src/hypotheses/schemas';
import { setLearningStatus } from '../src/learnings/learnings';
import { leversOf } from '../src/levers/levers';
import { archiveMetric, deleteMetric, getNorthStar, listMetrics } from '../src/metrics/metrics';
import { createShareLink } from '../src/share/links';
import { parse } from '../src/validation';
import { getWorkspaceBySlug } from '../src/workspaces/workspaces';
import { appFor, as, freshDb, json, person, signIn } from './helpers';

const OWNER = { email: 'olivia@example.com', name: 'Olivia Owner' };

/**
 * A workspace with one of everything a backup must carry: a North Star and inputs measured weekly and
 * daily, an archived and a deleted metric, hypotheses in every status (closed ones with learnings, one
 * contradicting an existing learning, follow-ups from an experiment and from a learning), tags, a started
 * and an open batch, scores by two members and by one who has since left, a share link, and the trail.
 */
async function richWorkspace(db: Db) {
  const owner = await makeUser(db, { ...OWNER, serverOwner: true });
  return runAs(userActor(owner, 'session'), async () => {
    const ws = await makeWorkspace(db, { slug: 'acme', name: 'Acme Growth', ownerId: owner.id });
    const editor = await makeMember(db, ws, 'editor', { email: 'eddie@example.com', name: 'Eddie Editor' });
    await makeMember(db, ws, 'viewer', { email: 'vera@example.com', name: 'Vera Viewer' });
    const fred = await makeMember(db, ws, 'editor', { email: 'fred@example.com', name: 'Fred Former' });

    const nsm = await getNorthStar(db, ws);
    if (!nsm) throw new Error('no North Star');
    await measure(db, ws, nsm, { '2026-W40': 100, '2026-W41': 112.5, '2026-W42': 120 });
    const activation = await makeInput(db, ws, { name: 'Activation rate' });
    await measure(db, ws, activation, { '2026-W41': 0.31, '2026-W42': 0.34 });
    const invites = await makeInput(db, ws, { name: 'Invites sent', unit: 'invites', cadence: 'day' });
    await measure(db, ws, invites, { '2026-10-12': 40, '2026-10-13': 52, '2026-10-14': 47 }, 'api');
    const old = await makeInput(db, ws, { name: 'Old signup rate' });
    await archiveMetric(db, ws, old.id);
    const gone = await makeInput(db, ws, { name: 'Mistyped metric' });
    await archiveMetric(db, ws, gone.id);
    await deleteMetric(db, ws, gone.id);

    const mk = (title: string, extra: Parameters<typeof makeHypothesis>[2] = {}) =>
      makeHypothesis(db, ws, { title, metricId: activation.id, ...extra });
    await mk('Draft idea', { status: 'draft', tags: ['pricing'] });
    const backlogA = await mk('Backlog A', {
      impact: 8,
      confidence: 6,
      ease: 7,
      tags: ['onboarding', 'email'],
    });
    const backlogB = await mk('Backlog B', { impact: 4, confidence: 4, ease: 9, metricId: invites.id });
    await mk('Backlog C', { impact: 8, confidence: 6, ease: 7 });
    await moveTo(db, ws, await mk('Parked one'), 'parked');
    await moveTo(db, ws, await mk('Rejected one', { status: 'draft' }), 'rejected');

    await scoreAs(db, ws, backlogA, owner, { impact: 9, confidence: 6, ease: 7 });
    await scoreAs(db, ws, backlogA, editor, { impact: 6, confidence: 5, ease: 7 });
    await scoreAs(db, ws, backlogB, editor, { impact: 3, confidence: 4, ease: 9 });

    const won = await mk('Won experiment', { impact: 7, tags: ['onboarding'] });
    await scoreAs(db, ws, won, fred, { impact: 7, confidence: 7, ease: 6 });
    await scoreAs(db, ws, backlogB, fred, { impact: 2, confidence: 2, ease: 2 });
    const closedWon = await closeAs(db, ws, won, { outcome: 'won', baseline: 0.3, observed: 0.33 });
    const belief = await makeLearning(db, ws, { statement: 'Tooltips help', metricId: activation.id });
    await closeAs(db, ws, await mk('Lost experiment'), {
      outcome: 'lost',
      learnings: [{ learningId: belief.id, relation: 'contradicts' }],
    });
    await setLearningStatus(db, ws, belief.id, 'rejected', belief.version);
    await mk('Follow-up of the win', { status: 'draft', parentId: closedWon.id });
    const learned = closedWon.learnings[0];
    if (!learned) throw new Error('the close made no learning');
    await mk('Drafted from a learning', { status: 'draft', sourceLearningId: learned.id });
    // A drafter's proposal with its whole provenance (issue 6): rule, learnings, experiments, reasons, twin.
    const drafted = await mk('Drafted by the playbook', { status: 'draft' });
    await db.write((tx) =>
      tx
        .update(schema.hypotheses)
        .set({
          draftSource: 'playbook',
          draftRule: 'extend-win',
          draftLearningIds: [learned.id, belief.id],
          draftExperimentIds: [closedWon.id],
          scoreReasons: { impact: 'Extends a win', confidence: '1 of 2 won', ease: 'Copy change' },
          duplicateOfId: backlogA.id,
        })
        .where(eq(schema.hypotheses.id, drafted.id)),
    );

    // A started batch with running experiments, then next week's batch with one selected.
    await moveTo(db, ws, await mk('Running one'), 'selected');
    await moveTo(db, ws, await mk('Running two', { metricId: invites.id }), 'selected');
    const current = await openBatch(db, ws);
    if (!current) throw new Error('selecting made no batch');
    await startBatch(db, ws, current.id);
    await makeBatch(db, ws, { capacityDays: 8 });
    await moveTo(db, ws, await mk('Selected one', { estimatedDays: 2 }), 'selected');

    await removeMember(db, ws.id, fred.id);
    await createShareLink(db, ws.id, { label: 'Board digest', createdBy: owner.id });
    return { ws, owner, editor };
  });
}

/**
 * Another team's workspace made first, so that ids and refs differ (refs start at 1 per file; ids do not)
 * and a translation that forgot to map one would show.
 */
async function otherTeam(db: Db) {
  const ws = await makeWorkspace(db);
  const h = await makeHypothesis(db, ws, { title: 'Other team idea' });
  await makeHypothesis(db, ws, { title: 'Another idea' });
  await makeLearning(db, ws, { statement: 'Other team learning' });
  await closeAs(db, ws, h, { outcome: 'won' });
  await makeInput(db, ws, { name: 'Other input' });
}

/** A file as it compares across exports: without the moment it was made. */
const comparable = (f: WorkspaceBackup) => JSON.stringify({ ...f, exportedAt: 0 });

/** Every table's row count: what "nothing was written" means. */
async function rowCounts(db: Db): Promise<Record<string, number>> {
  const tables = await db.client.execute(
    "select name from sqlite_master where type = 'table' and name not like 'sqlite_%' and name not like '%migrations%'",
  );
  const out: Record<string, number> = {};
  for (const { name } of tables.rows) {
    const res = await db.client.execute(`select count(*) as n from "${String(name)}"`);
    out[String(name)] = Number(res.rows[0]?.n);
  }
  return out;
}

async function backlogOf(db: Db, ws: Workspace) {
  const { items } = await listHypotheses(db, ws, parse(ListQuery, { status: 'backlog' }));
  return items.map((h) => ({ rank: h.rank, title: h.title, ice: h.ice, expectedRoti: h.expectedRoti }));
}

async function leversByName(db: Db, ws: Workspace) {
  return (await leversOf(db, ws)).map(({ metricId: _, ...lever }) => lever);
}

/** A multipart upload as the import form sends it. */
function upload(content: string | Uint8Array<ArrayBuffer>, fields: Record<string, string> = {}) {
  const body = new FormData();
  body.append('file', new File([content], 'acme-2026-11-22.lodestar.json', { type: 'application/json' }));
  for (const [k, v] of Object.entries(fields)) body.append(k, v);
  return { method: 'POST', body, headers: { Origin: 'http://localhost' } };
}

async function importedInto(db: Db, file: unknown, owner: User, extra: { slug?: string } = {}) {
  return importWorkspace(db, file, { owner, scrypt: FACTORY_SCRYPT, ...extra });
}

describe('workspace backup', () => {
  it('round-trips into a fresh database: exporting the imported copy gives the same file', async () => {
    const db = await freshDb();
    await otherTeam(db);
    const { ws } = await richWorkspace(db);
    const first = await exportWorkspace(db, ws);
    expect(comparable(await exportWorkspace(db, ws, first.exportedAt + 5000))).toBe(comparable(first));
    expect(first.hypotheses.map((h) => h.status).sort()).toEqual(
      expect.arrayContaining(['draft', 'backlog', 'selected', 'running', 'done', 'parked', 'rejected']),
    );
    expect(first.formerMembers.map((p) => p.email)).toEqual(['fred@example.com']);
    expect(first.links.some((l) => l.relation === 'contradicts')).toBe(true);

    // Another server: only the person who imports it has an account there.
    const db2 = await freshDb();
    await otherTeam(db2);
    await otherTeam(db2);
    const importer = await makeUser(db2, { ...OWNER, serverOwner: true });
    const announced: string[] = [];
    db2.onCommit((c) => announced.push(`${c.entity}:${c.action}`));
    const result = await importedInto(db2, JSON.parse(JSON.stringify(first)), importer);
    expect(result.workspace.slug).toBe('acme');
    expect(result.createdUsers.map((u) => u.email).sort()).toEqual([
      'eddie@example.com',
      'fred@example.com',
      'vera@example.com',
    ]);
    // Past closes are history, not news: only the import itself is announced (no webhooks for old closes).
    expect(announced).toEqual(['workspace:create']);

    const ws2 = (await getWorkspaceBySlug(db2, 'acme')) as Workspace;
    const second = await exportWorkspace(db2, ws2, first.exportedAt);
    // The one addition is the import's own trail entry, after the imported trail.
    const last = second.auditEvents.at(-1);
    expect(last).toMatchObject({ entity: 'workspace', action: 'create', ref: null, actor: OWNER.email });
    expect(last?.after).toMatchObject({ importedFrom: 'acme', exportedAt: first.exportedAt });
    expect(comparable({ ...second, auditEvents: second.auditEvents.slice(0, -1) })).toBe(comparable(first));

    // The imported workspace works the same: backlog ranks, levers, metrics.
    expect(await backlogOf(db2, ws2)).toEqual(await backlogOf(db, ws));
    expect(await leversByName(db2, ws2)).toEqual(await leversByName(db, ws));
    const names = async (d: Db, w: Workspace) =>
      (await listMetrics(d, w, { includeArchived: true })).map((m) => [m.name, m.currentValue, m.archivedAt]);
    expect(await names(db2, ws2)).toEqual(await names(db, ws));
  });

  it('renders the imported workspace’s pages', async () => {
    const db = await freshDb();
    const { ws } = await richWorkspace(db);
    const file = await exportWorkspace(db, ws);
    const db2 = await freshDb();
    const me = await person(db2, OWNER);
    const { workspace } = await importedInto(db2, file, me.user);
    const app = appFor(db2);
    const won = (await listHypotheses(db2, workspace, parse(ListQuery, { status: 'done', result: 'won' })))
      .items[0];
    for (const [path, text] of [
      ['/w/acme', 'Activation rate'],
      ['/w/acme/backlog', 'Backlog A'],
      ['/w/acme/levers', 'Activation rate'],
      ['/w/acme/learnings', 'Tooltips help'],
      ['/w/acme/batches', 'Batches'],
      ['/w/acme/meeting', 'Running one'],
      ['/w/acme/members', 'Vera Viewer'],
      ['/w/acme/activity', 'Olivia Owner'],
      [`/w/acme/hypotheses/${won?.id}`, 'Won experiment'],
      ['/w/acme/imported', 'reset-password --email eddie@example.com'],
    ] as const) {
      const res = await as(app, me).request(path);
      expect(res.status, path).toBe(200);
      expect(await res.text(), path).toContain(text);
    }
  });

  it('imports into the same server as a new workspace with a free address, leaving the original alone', async () => {
    const db = await freshDb();
    const { ws, owner } = await richWorkspace(db);
    const file = await exportWorkspace(db, ws);
    const before = comparable(file);
    const me = await signIn(db, owner);
    const app = appFor(db);

    const res = await as(app, me).request('/workspaces/import', upload(JSON.stringify(file)));
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe('/w/acme-2/imported');
    const page = await (await as(app, me).request('/w/acme-2/imported')).text();
    expect(page).toContain('Every member already had an account');
    expect(page).toContain('Hypotheses');

    const again = await as(app, me).request(
      '/workspaces/import',
      upload(JSON.stringify(file), { name: 'Acme copy' }),
    );
    expect(again.headers.get('location')).toBe('/w/acme-3/imported');
    expect((await getWorkspaceBySlug(db, 'acme-3'))?.name).toBe('Acme copy');
    expect(comparable(await exportWorkspace(db, ws, file.exportedAt))).toBe(before);

    // A chosen address that is taken is refused, beside its field.
    const taken = await as(app, me).request(
      '/workspaces/import',
      upload(JSON.stringify(file), { slug: 'acme' }),
    );
    expect(taken.status).toBe(422);
    expect(await taken.text()).toContain('The address &quot;acme&quot; is taken');
  });

  it('makes a different importer an owner and gives members without an account one that cannot sign in', async () => {
    const db = await freshDb();
    const { ws } = await richWorkspace(db);
    const file = await exportWorkspace(db, ws);
    const db2 = await freshDb();
    const me = await person(db2, { email: 'ines@example.com', name: 'Ines Importer' });
    const res = await as(appFor(db2), me).request('/api/v1/workspace-imports', json('POST', file));
    expect(res.status).toBe(201);
    const body = await res.json();
    expect(body.workspace).toMatchObject({ slug: 'acme', name: 'Acme Growth', role: 'owner' });
    expect(body.counts).toMatchObject({ members: 3, metrics: 4, hypotheses: file.hypotheses.length });
    expect(body.createdUsers).toHaveLength(4);
    expect(res.headers.get('location')).toBe('/api/v1/workspaces/acme');

    const again = await exportWorkspace(db2, (await getWorkspaceBySlug(db2, 'acme')) as Workspace);
    expect(again.members.map((m) => [m.email, m.role])).toEqual([
      ['eddie@example.com', 'editor'],
      ['ines@example.com', 'owner'],
      ['olivia@example.com', 'owner'],
      ['vera@example.com', 'viewer'],
    ]);
    const app = appFor(db2);
    const login = await app.request('/login', {
      method: 'POST',
      body: new URLSearchParams({ email: 'vera@example.com', password: FACTORY_PASSWORD }).toString(),
      headers: { 'Content-Type': 'application/x-www-form-urlencoded', Origin: 'http://localhost' },
    });
    expect(login.headers.get('set-cookie') ?? '').not.toContain('lodestar_session=');
    expect((await findUserByEmail(db2, 'vera@example.com'))?.isServerOwner).toBe(false);
  });

  it('refuses a file with one broken reference, naming it, and writes nothing', async () => {
    const db = await freshDb();
    const { ws, owner } = await richWorkspace(db);
    const file = await exportWorkspace(db, ws);
    const broken = structuredClone(file);
    (broken.hypotheses[3] as { metric: number }).metric = 77;
    const me = await signIn(db, owner);
    const app = appFor(db);
    const counts = await rowCounts(db);

    const res = await as(app, me).request('/workspaces/import', upload(JSON.stringify(broken)));
    expect(res.status).toBe(422);
    const html = await res.text();
    expect(html).toContain('hypotheses[3].metric');
    expect(html).toContain('no metric with ref 77 in this file');
    expect(html).toContain('Nothing was imported');

    const api = await as(app, me).request('/api/v1/workspace-imports', json('POST', broken));
    expect(api.status).toBe(422);
    expect((await api.json()).error.fields).toEqual({
      'hypotheses[3].metric': 'no metric with ref 77 in this file',
    });
    expect(await rowCounts(db)).toEqual(counts);
  });

  it('explains files that are not JSON, not a backup, or from a newer version', async () => {
    const db = await freshDb();
    const me = await person(db, OWNER);
    const app = appFor(db);
    const ws = await makeWorkspace(db, { slug: 'solo', ownerId: me.user.id });
    const file = await exportWorkspace(db, ws);
    const counts = await rowCounts(db);
    for (const [content, text] of [
      ['Idea,Impact\nTooltips,5', 'This file is not JSON'],
      [JSON.stringify({ hello: 'world' }), 'This is not a Lodestar workspace backup'],
      [JSON.stringify({ ...file, version: 2 }), 'made by a newer Lodestar (format version 2)'],
      [JSON.stringify({ ...file, metrics: 'none' }), '<code>metrics</code>: must be a list'],
      [
        JSON.stringify({ ...file, workspace: { ...file.workspace, timeZone: 'Mars/Olympus' } }),
        'not a time zone',
      ],
    ]) {
      const res = await as(app, me).request('/workspaces/import', upload(content as string));
      expect(res.status, text).toBe(422);
      expect(await res.text()).toContain(text);
    }
    // What the file says is echoed as text, never as markup.
    const hostile = {
      ...file,
      batches: [
        {
          ref: 1,
          week: '<b>x</b>',
          capacityDays: 5,
          startedAt: null,
          version: 1,
          createdAt: 0,
          updatedAt: 0,
        },
      ],
    };
    for (const content of [JSON.stringify(hostile), '<script>alert(1)</script>']) {
      const res = await as(app, me).request('/workspaces/import', upload(content));
      expect(res.status).toBe(422);
      const html = await res.text();
      expect(html).not.toMatch(/<b>x<\/b>|<script>alert/);
      expect(html).toMatch(/&lt;b&gt;x&lt;\/b&gt;|&lt;script&gt;al/);
    }
    const none = await as(app, me).request('/workspaces/import', upload(''));
    expect(none.status).toBe(422);
    expect(await none.text()).toContain('Choose the backup file');
    expect(await rowCounts(db)).toEqual(counts);
  });

  it('refuses fields it does not know, values no form accepts, and text that is not UTF-8, writing nothing', async () => {
    const db = await freshDb();
    const { ws, owner } = await richWorkspace(db);
    const file = await exportWorkspace(db, ws);
    const me = await signIn(db, owner);
    const app = appFor(db);
    const counts = await rowCounts(db);

    // A field this version does not know would be dropped without a word: it is named instead.
    const extra = structuredClone(file) as WorkspaceBackup & { surprise?: unknown };
    extra.surprise = { a: 1 };
    (extra.metrics[0] as Record<string, unknown>).colour = 'red';
    const res = await as(app, me).request('/workspaces/import', upload(JSON.stringify(extra)));
    expect(res.status).toBe(422);
    const html = await res.text();
    expect(html).toContain('<code>surprise</code>');
    expect(html).toContain('<code>metrics[0].colour</code>');
    expect(html).toContain('is not a field of a Lodestar backup (format version 1)');
    const api = await as(app, me).request('/api/v1/workspace-imports', json('POST', extra));
    expect(api.status).toBe(422);
    expect(Object.keys((await api.json()).error.fields).sort()).toEqual(['metrics[0].colour', 'surprise']);

    // 1e300 imported would overflow the tree's correlation ("moved by the same amount every week").
    const huge = structuredClone(file);
    (huge.measurements[0] as { value: number }).value = 1e300;
    const big = await as(app, me).request('/workspaces/import', upload(JSON.stringify(huge)));
    expect(big.status).toBe(422);
    expect(await big.text()).toContain('measurements[0].value</code>: must be a number from -1e15 to 1e15');

    // The same file re-saved as Latin-1 (its accents and quotes become single bytes).
    const latin1 = Uint8Array.from(JSON.stringify(file).replace(/[^\x20-\xff]/g, 'é'), (ch) =>
      ch.charCodeAt(0),
    );
    const bytes = await as(app, me).request('/workspaces/import', upload(latin1));
    expect(bytes.status).toBe(422);
    expect(await bytes.text()).toContain('This file is not UTF-8 text');
    expect(await rowCounts(db)).toEqual(counts);
  });

  it('reports every kind of inconsistency with its place in the file', async () => {
    const db = await freshDb();
    const { ws, owner } = await richWorkspace(db);
    const file = structuredClone(await exportWorkspace(db, ws));
    const daily = file.measurements.find((m) => m.period.length === 10);
    const weekly = file.measurements.find((m) => m.period.length === 8);
    if (!daily || !weekly) throw new Error('the rich workspace has daily and weekly values');
    file.measurements.push({ ...weekly }, { ...daily, period: '2026-W42' });
    file.memberScores.push({
      ...(file.memberScores[0] as WorkspaceBackup['memberScores'][number]),
      member: 'x@example.com',
    });
    const event = file.auditEvents.find((e) => e.entity === 'hypothesis' && e.action === 'create');
    if (!event?.after) throw new Error('no create in the trail');
    event.after.metricId = 999;
    file.metrics.push({ ...(file.metrics[0] as WorkspaceBackup['metrics'][number]), ref: 50 });
    const n = file.measurements.length;
    let error: unknown;
    try {
      await importedInto(db, file, owner);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ValidationError);
    const fields = (error as ValidationError).fields;
    expect(fields[`measurements[${n - 2}].period`]).toMatch(/has two values for/);
    expect(fields[`measurements[${n - 1}].period`]).toMatch(/is not a day like 2026-11-22/);
    expect(fields[`memberScores[${file.memberScores.length - 1}].member`]).toMatch(/not among this file/);
    expect(fields[`auditEvents[${file.auditEvents.indexOf(event)}].after.metricId`]).toBe(
      'no metric with ref 999 in this file',
    );
    expect(fields[`metrics[${file.metrics.length - 1}].kind`]).toMatch(/only one North Star/);
  });

  it('lets only owners download a backup, with the file name and type a browser saves', async () => {
    const db = await freshDb();
    const owner = await person(db, OWNER);
    const ws = await makeWorkspace(db, { slug: 'acme', ownerId: owner.user.id });
    const editor = await signIn(db, await makeMember(db, ws, 'editor'));
    const viewer = await signIn(db, await makeMember(db, ws, 'viewer'));
    const app = appFor(db);

    const res = await as(app, owner).request('/w/acme/export.json');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(res.headers.get('content-disposition')).toMatch(
      /^attachment; filename="acme-\d{4}-\d{2}-\d{2}\.lodestar\.json"$/,
    );
    const file = await res.json();
    expect(file).toMatchObject({ format: 'lodestar-workspace', version: 1, workspace: { slug: 'acme' } });
    expect(JSON.stringify(file)).not.toMatch(/tokenHash|passwordHash/);
    const api = await as(app, owner).request('/api/v1/workspaces/acme/export');
    expect(api.status).toBe(200);
    expect((await api.json()).members).toHaveLength(3);

    for (const who of [editor, viewer]) {
      expect((await as(app, who).request('/w/acme/export.json')).status).toBe(403);
      const refused = await as(app, who).request('/api/v1/workspaces/acme/export');
      expect(refused.status).toBe(403);
      expect((await refused.json()).error.message).toContain('Only owners');
    }
  });

  it('lets only server owners import, whatever their role in workspaces', async () => {
    const db = await freshDb();
    const owner = await person(db, OWNER);
    const ws = await makeWorkspace(db, { slug: 'acme', ownerId: owner.user.id });
    const file = JSON.stringify(await exportWorkspace(db, ws));
    const app = appFor(db);
    const wsOwner = await signIn(db, await makeMember(db, ws, 'owner', { serverOwner: false }));
    const editor = await signIn(db, await makeMember(db, ws, 'editor'));
    const viewer = await signIn(db, await makeMember(db, ws, 'viewer'));
    const counts = await rowCounts(db);
    for (const who of [wsOwner, editor, viewer]) {
      expect((await as(app, who).request('/workspaces/import')).status).toBe(403);
      const page = await as(app, who).request('/workspaces/import', upload(file));
      expect(page.status).toBe(403);
      expect(await page.text()).toContain('Only server owners can import');
      const api = await as(app, who).request('/api/v1/workspace-imports', json('POST', JSON.parse(file)));
      expect(api.status).toBe(403);
    }
    expect(await rowCounts(db)).toEqual(counts);
    const form = await as(app, owner).request('/workspaces/import');
    expect(form.status).toBe(200);
    expect(await form.text()).toContain('enctype="multipart/form-data"');
  });

  it('refuses a backup over the size limit with 413 before reading it', async () => {
    const db = await freshDb();
    const owner = await person(db, OWNER);
    const app = appFor(db, { backupLimitBytes: 1000 });
    const big = JSON.stringify({ format: 'lodestar-workspace', padding: 'x'.repeat(5000) });
    const page = await as(app, owner).request('/workspaces/import', upload(big));
    expect(page.status).toBe(413);
    const api = await as(app, owner).request('/api/v1/workspace-imports', json('POST', JSON.parse(big)));
    expect(api.status).toBe(413);
    expect((await api.json()).error.code).toBe('too_large');
  });

  it('keeps secrets out: no share links or webhook addresses, and events about them keep no ref', async () => {
    const db = await freshDb();
    const { ws } = await richWorkspace(db);
    const file = await exportWorkspace(db, ws);
    const share = file.auditEvents.filter((e) => e.entity === 'share_link');
    expect(share).toHaveLength(1);
    expect(share[0]?.ref).toBeNull();
    expect(file.notIncluded?.join(' ')).toContain('Share links');
    expect(Object.keys(file)).not.toContain('shareLinks');
    // The deleted metric's events keep their words but point at no record.
    const deleted = file.auditEvents.find((e) => e.entity === 'metric' && e.action === 'delete');
    expect(deleted).toMatchObject({ ref: null, before: { name: 'Mistyped metric' } });
  });

  it('carries every column of every table it exports (a new column must be added to the format)', async () => {
    const db = await freshDb();
    const { ws } = await richWorkspace(db);
    const file = await exportWorkspace(db, ws);
    const keysOf = (table: Parameters<typeof getTableColumns>[0], renamed: Record<string, string> = {}) =>
      Object.keys(getTableColumns(table))
        .filter((k) => k !== 'workspaceId' && k !== 'id')
        .map((k) => renamed[k] ?? k)
        .sort();
    const keys = (row: object | undefined) =>
      Object.keys(row ?? {})
        .filter((k) => k !== 'ref')
        .sort();
    expect(keys(file.workspace)).toEqual(keysOf(schema.workspaces));
    expect(keys(file.members[0])).toEqual(
      keysOf(schema.memberships, { userId: 'email', createdAt: 'joinedAt' }).concat('name').sort(),
    );
    expect(keys(file.metrics[0])).toEqual(keysOf(schema.metrics));
    expect(keys(file.measurements[0])).toEqual(keysOf(schema.measurements, { metricId: 'metric' }));
    expect(keys(file.batches[0])).toEqual(keysOf(schema.batches));
    expect(keys(file.learnings[0])).toEqual(keysOf(schema.learnings, { metricId: 'metric' }));
    // A draft's run is not exported (runs are a log of button presses); everything else is.
    expect(keys(file.hypotheses[0])).toEqual(
      keysOf(schema.hypotheses, {
        metricId: 'metric',
        parentId: 'parent',
        sourceLearningId: 'sourceLearning',
        batchId: 'batch',
        draftLearningIds: 'draftLearnings',
        draftExperimentIds: 'draftExperiments',
        duplicateOfId: 'duplicateOf',
      })
        .filter((k) => k !== 'draftRunId')
        .sort(),
    );
    expect(keys(file.tags[0])).toEqual(keysOf(schema.hypothesisTags, { hypothesisId: 'hypothesis' }));
    expect(keys(file.links[0])).toEqual(
      keysOf(schema.hypothesisLearnings, { hypothesisId: 'hypothesis', learningId: 'learning' }),
    );
    expect(keys(file.memberScores[0])).toEqual(
      keysOf(schema.memberScores, { hypothesisId: 'hypothesis', userId: 'member' }),
    );
    expect(keys(file.auditEvents[0])).toEqual(
      keysOf(schema.auditEvents, { entityId: 'ref', actorUserId: 'actor' })
        .filter((k) => k !== 'ref')
        .sort(),
    );
  });

  it('translates ids inside recorded changes and redacts secrets', () => {
    const refs: Record<string, Record<number, number>> = { hypothesis: { 10: 1 }, learning: { 20: 2 } };
    const to = (kind: string | undefined, id: number) => (kind ? (refs[kind]?.[id] ?? null) : null);
    expect(
      translateSnapshot(
        {
          status: 'done',
          learnings: [{ learningId: 20, statement: 'x' }, { learningId: 21 }],
          parentId: 10,
          webhookId: 3,
          tokenHash: 'abc',
          url: 'https://example.com/keep',
        },
        'hypothesis',
        to,
        'after',
      ),
    ).toEqual({
      status: 'done',
      learnings: [{ learningId: 2, statement: 'x' }, { learningId: null }],
      parentId: 1,
      webhookId: null,
      tokenHash: REDACTED,
      url: 'https://example.com/keep',
    });
    expect(
      translateSnapshot({ url: 'https://hooks.slack.com/services/T/B/secret' }, 'webhook', to, 'after'),
    ).toEqual({ url: REDACTED });
  });

  it('shows the backup block to owners and a note to others', async () => {
    const { BackupBlock } = await import('../views/backup/block');
    const ws = { id: 1, slug: 'acme', name: 'Acme', iceMode: 'mean', timeZone: 'UTC', createdAt: 0 } as const;
    const owner = String(BackupBlock({ ws: { ...ws, role: 'owner' }, serverOwner: true }));
    expect(owner).toContain('href="/w/acme/export.json"');
    expect(owner).toContain('Download full backup (JSON)');
    expect(owner).toContain('href="/workspaces/import"');
    const editor = String(BackupBlock({ ws: { ...ws, role: 'editor' } }));
    expect(editor).not.toContain('export.json');
    expect(editor).toContain('An owner of Acme can download a full backup');
  });
});
