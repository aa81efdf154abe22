import { asc, eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import type { Db } from '../db/client';
import { makeHypothesis, makeInput, makeMember, makeWorkspace, measure } from '../db/factories';
import { auditEvents, hypotheses, measurements } from '../db/schema';
import { attachTags } from '../src/hypotheses/hypotheses';
import { learningsOfHypothesis } from '../src/learnings/learnings';
import { archiveMetric, getNorthStar, requireMetric } from '../src/metrics/metrics';
import { appFor, as, signIn, testApp } from './helpers';

/** A multipart form as the browser sends the import forms: a file, pasted text, or both. */
function upload(data: { file?: { name: string; content: string | Uint8Array<ArrayBuffer> }; text?: string }) {
  const body = new FormData();
  if (data.file) body.append('file', new File([data.file.content], data.file.name, { type: 'text/csv' }));
  if (data.text !== undefined) body.append('text', data.text);
  return { method: 'POST', body, headers: { Origin: 'http://localhost' } };
}
const pasted = (text: string) => upload({ text });

/** Rows of everything an import can write, and the trail: a preview or a refusal must leave them as they are. */
async function counts(db: Db) {
  const n = async (table: string) =>
    Number((await db.client.execute(`select count(*) as n from ${table}`)).rows[0]?.n);
  return {
    hypotheses: await n('hypotheses'),
    tags: await n('hypothesis_tags'),
    learnings: await n('learnings'),
    measurements: await n('measurements'),
    audit: await n('audit_events'),
  };
}

/** The value of the hidden field a preview carries over to the import. */
const carried = (html: string) =>
  /<input type="hidden" name="text" value="([^"]*)"/
    .exec(html)?.[1]
    ?.replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');

async function setup() {
  const t = await testApp();
  const ws = await makeWorkspace(t.db, { slug: 'acme' });
  const activation = await makeInput(t.db, ws, { name: 'Activation rate' });
  const invites = await makeInput(t.db, ws, { name: 'Invite conversion', direction: 'up' });
  return { ...t, ws, activation, invites };
}

describe('csv import of hypotheses', () => {
  it('previews every row with its errors and writes nothing', async () => {
    const { app, db } = await setup();
    const before = await counts(db);
    const csv = [
      'Title,Metric,Impact,Confidence,Ease,Status',
      'Checklist on the empty board,Activation rate,7,6,8,backlog',
      'Invite nudge,Churn,5,5,5,',
      'Pricing page test,Activation rate,11,5,5,',
      'Team templates,Invite conversion,4,4,4,selected',
    ].join('\n');
    const res = await app.request('/w/acme/import/hypotheses/preview', pasted(csv));
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toContain('Preview: import hypotheses');
    expect(html).toContain('Checklist on the empty board');
    expect(html).toContain(
      'Metric “Churn” is not an input metric here: use one of “Activation rate”, “Invite conversion”.',
    );
    expect(html).toContain('Impact must be a whole number from 1 to 10.');
    expect(html).toContain('Status “selected” is refused: select it in the meeting');
    expect(html).toContain('Nothing can be imported yet: 3 problems to fix.');
    expect(html).not.toContain('name="text" value=');
    expect(await counts(db)).toEqual(before);
  });

  it('maps spreadsheet headers, reports unknown columns, then imports every row with its trail', async () => {
    const { app, db, ws, activation } = await setup();
    const csv = [
      'Idea,Lever,Impact,Confidence,Ease,ICE,Why,Person-days,Expected lift,Tags,Notes',
      'Checklist on the empty board,activation rate,7,6,8,7,Empty boards stall,2,5%,onboarding; Quick win,call Ana',
      '"Welcome email, day 2",Activation rate,6,5,7,9,,1.5,3,email,',
    ].join('\n');
    const before = await counts(db);
    const preview = await app.request('/w/acme/import/hypotheses/preview', pasted(csv));
    expect(preview.status).toBe(200);
    const html = await preview.text();
    expect(html).toContain('“Idea” → Title');
    expect(html).toContain('“Lever” → Metric');
    expect(html).toContain('“ICE” → ICE');
    expect(html).toContain('This column is not read and will be ignored: “Notes”.');
    expect(html).toContain('ICE 9 differs from the 6 Lodestar computes');
    expect(html).toContain('Columns are separated by commas.');
    expect(html).toContain('Import 2 hypotheses');
    expect(await counts(db)).toEqual(before);

    // (Multipart bodies carry line breaks as CRLF, as browsers send them.)
    const text = carried(html);
    expect(text?.replace(/\r\n/g, '\n')).toBe(csv);
    const res = await app.request('/w/acme/import/hypotheses', pasted(text as string));
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe('/w/acme/backlog?status=all&done=imported&count=2');
    expect(await (await app.request('/w/acme/backlog?status=all&done=imported&count=2')).text()).toContain(
      'Welcome email, day 2',
    );

    const rows = await attachTags(
      db,
      ws,
      await db.orm
        .select()
        .from(hypotheses)
        .where(eq(hypotheses.workspaceId, ws.id))
        .orderBy(asc(hypotheses.id)),
    );
    expect(rows.map((h) => [h.title, h.metricId, h.status, h.impact, h.confidence, h.ease, h.ice])).toEqual([
      ['Checklist on the empty board', activation.id, 'backlog', 7, 6, 8, 7],
      ['Welcome email, day 2', activation.id, 'backlog', 6, 5, 7, 6],
    ]);
    expect(rows[0]).toMatchObject({
      rationale: 'Empty boards stall',
      change: 'Checklist on the empty board',
      outcome: 'Activation rate will rise by 5%',
      estimatedDays: 2,
      expectedLift: 5,
      tags: ['onboarding', 'quick-win'],
    });
    const trail = await db.orm
      .select()
      .from(auditEvents)
      .where(eq(auditEvents.workspaceId, ws.id))
      .orderBy(asc(auditEvents.id));
    const imported = trail.filter((e) => e.createdAt >= (rows[0]?.createdAt ?? 0));
    expect(imported.map((e) => `${e.entity}:${e.action}`)).toEqual([
      'hypothesis:create',
      'hypothesis:create',
      'workspace:import',
    ]);
    expect(imported[0]?.after).toMatchObject({ title: 'Checklist on the empty board', source: 'csv' });
    expect(imported[2]?.after).toEqual({ kind: 'hypotheses', count: 2, source: 'csv' });
    const activity = await app.request('/w/acme/activity');
    expect(activity.status).toBe(200);
    expect(await activity.text()).toContain('Imported 2 hypotheses from a CSV file');
  });

  it('commits all rows or none: a bad row, or a tampered text at confirm, writes nothing', async () => {
    const { app, db } = await setup();
    const good = 'Title,Metric,Impact,Confidence,Ease\nA,Activation rate,5,5,5\nB,Activation rate,6,6,6';
    const before = await counts(db);
    const bad = `${good}\nC,Activation rate,5,five,5`;
    const refused = await app.request('/w/acme/import/hypotheses', pasted(bad));
    expect(refused.status).toBe(422);
    const html = await refused.text();
    expect(html).toContain('Nothing was imported');
    expect(html).toContain('Confidence: “five” is not a number.');
    expect(await counts(db)).toEqual(before);

    // The preview was clean, but the hidden text was changed before confirming: checked again, refused.
    const preview = await (await app.request('/w/acme/import/hypotheses/preview', pasted(good))).text();
    const tampered = `${carried(preview)}\nD,Activation rate,5,5,`;
    const res = await app.request('/w/acme/import/hypotheses', pasted(tampered));
    expect(res.status).toBe(422);
    expect(await res.text()).toContain('Give Impact, Confidence and Ease together (missing: Ease)');
    expect(await counts(db)).toEqual(before);
  });

  it('refuses a metric archived between the preview and the confirm', async () => {
    const { app, db, ws, activation } = await setup();
    const csv = 'Title,Metric\nA,Activation rate';
    expect((await app.request('/w/acme/import/hypotheses/preview', pasted(csv))).status).toBe(200);
    await archiveMetric(db, ws, activation.id);
    const before = await counts(db);
    const res = await app.request('/w/acme/import/hypotheses', pasted(csv));
    expect(res.status).toBe(422);
    expect(await res.text()).toContain('“Activation rate” is archived: restore it first');
    expect(await counts(db)).toEqual(before);
  });

  it('reads semicolon files with decimal commas, and tab-separated rows pasted from a spreadsheet', async () => {
    const { app, db, ws } = await setup();
    const semicolon = 'Title;Metric;Impact;Confidence;Ease;Days\nA;Activation rate;5;5;5;2,5';
    let html = await (await app.request('/w/acme/import/hypotheses/preview', pasted(semicolon))).text();
    expect(html).toContain('Columns are separated by semicolons.');
    expect(html).toContain('Import 1 hypothesis');
    const tabs = 'Idea\tMetric\tImpact\tConfidence\tEase\r\nB, with a comma\tInvite conversion\t3\t4\t5\r\n';
    html = await (await app.request('/w/acme/import/hypotheses/preview', pasted(tabs))).text();
    expect(html).toContain('Columns are separated by tabs');
    expect(html).toContain('B, with a comma');
    expect((await app.request('/w/acme/import/hypotheses', pasted(semicolon))).status).toBe(303);
    expect((await app.request('/w/acme/import/hypotheses', pasted(tabs))).status).toBe(303);
    const rows = await db.orm.select().from(hypotheses).where(eq(hypotheses.workspaceId, ws.id));
    expect(rows.map((r) => [r.title, r.estimatedDays])).toEqual([
      ['A', 2.5],
      ['B, with a comma', null],
    ]);
  });

  it('refuses a Latin-1 file with how to save it, and reads a UTF-8 file with a byte-order mark', async () => {
    const { app, db } = await setup();
    const before = await counts(db);
    const latin1 = new Uint8Array([
      ...new TextEncoder().encode('Title,Metric\nCaf'),
      0xe9,
      ...new TextEncoder().encode(',Activation rate\n'),
    ]);
    const res = await app.request(
      '/w/acme/import/hypotheses/preview',
      upload({ file: { name: 'ideas.csv', content: latin1 } }),
    );
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toContain('This file is not UTF-8 text: row 2');
    expect(html).toContain('Save it as “CSV UTF-8”');
    expect(html).toContain('ideas.csv');
    expect(html).not.toContain('Import 1');
    const confirm = await app.request(
      '/w/acme/import/hypotheses',
      upload({ file: { name: 'ideas.csv', content: latin1 } }),
    );
    expect(confirm.status).toBe(422);
    expect(await counts(db)).toEqual(before);

    const bom = new Uint8Array([
      0xef,
      0xbb,
      0xbf,
      ...new TextEncoder().encode('Title,Metric\nCafé crème,Activation rate\n'),
    ]);
    const ok = await (
      await app.request(
        '/w/acme/import/hypotheses/preview',
        upload({ file: { name: 'bom.csv', content: bom } }),
      )
    ).text();
    expect(ok).toContain('UTF-8 (its byte-order mark was dropped)');
    expect(ok).toContain('“Title” → Title');
    expect(ok).toContain('Café crème');
    expect(ok).toContain('Import 1 hypothesis');
    // The text carried to the confirm no longer has the mark.
    expect(carried(ok)?.startsWith('Title,')).toBe(true);
  });

  it('reports duplicate titles, ragged rows, an empty file and a header without rows', async () => {
    const { app, db } = await setup();
    const before = await counts(db);
    const cases: [string, string][] = [
      [
        'Title,Metric\nA,Activation rate\nB,Activation rate\na,Activation rate',
        'Same title as row 2: give each idea its own title',
      ],
      [
        'Title,Metric\nA,Activation rate,extra\nB\nC,Activation rate',
        'Rows 2 and 3 have more or fewer cells than the header’s 2',
      ],
      ['Title,Metric\n', 'The file has a header row but no rows below it'],
      ['Title|Metric\nA|Activation rate', 'this file seems to separate its columns with “|”'],
      ['Name,Impact\nA,5', 'No metric column: name one “Metric”'],
    ];
    for (const [csv, message] of cases) {
      const res = await app.request('/w/acme/import/hypotheses/preview', pasted(csv));
      expect(res.status, csv).toBe(200);
      const html = await res.text();
      expect(html, csv).toContain(message);
      expect(html, csv).not.toContain('name="text" value=');
    }
    const empty = await app.request(
      '/w/acme/import/hypotheses/preview',
      upload({ file: { name: 'empty.csv', content: '' } }),
    );
    expect(await empty.text()).toContain('The file is empty');
    // A form sent with nothing at all: the page again, with the message beside the form.
    const nothing = await app.request('/w/acme/import/hypotheses/preview', pasted('  '));
    expect(nothing.status).toBe(422);
    expect(await nothing.text()).toContain('Choose a CSV file, or paste the rows, first.');
    expect(await counts(db)).toEqual(before);
  });

  it('creates closed experiments with their result and learnings, and checks them as the close form does', async () => {
    const { app, db, ws } = await setup();
    const head =
      'Title,Metric,Status,Impact,Confidence,Ease,Expected lift,Result,Actual days,Return,Baseline,Observed,Learning,Started,Closed';
    const lost = `${head}\nL,Activation rate,done,5,5,5,,lost,2,,,,,,`;
    let html = await (await app.request('/w/acme/import/hypotheses/preview', pasted(lost))).text();
    expect(html).toContain('Return is required for a lost experiment');
    const noResult = `${head}\nN,Activation rate,done,5,5,5,,,2,3,,,,,`;
    html = await (await app.request('/w/acme/import/hypotheses/preview', pasted(noResult))).text();
    expect(html).toContain('A done row needs a Result');

    const csv = `${head}\nWon one,Activation rate,,8,6,7,10,won,3,,0.40,0.42,"Checklists help\nSecond lesson",2025-10-05,2025-10-16`;
    html = await (await app.request('/w/acme/import/hypotheses/preview', pasted(csv))).text();
    expect(html).toContain('Import 1 hypothesis');
    const res = await app.request('/w/acme/import/hypotheses', pasted(csv));
    expect(res.status).toBe(303);
    const [h] = await db.orm.select().from(hypotheses).where(eq(hypotheses.workspaceId, ws.id));
    // Lift from baseline and observed: (0.42 − 0.40) ÷ 0.40 = 5 %; return suggested: 8 × 5 ÷ 10 = 4; ROTI 4 ÷ 3.
    expect(h).toMatchObject({
      status: 'done',
      result: 'won',
      lift: 5,
      returnScore: 4,
      roti: 1.333,
      actualDays: 3,
    });
    expect(new Date(h?.closedAt ?? 0).toISOString().slice(0, 10)).toBe('2025-10-16');
    expect(new Date(h?.startedAt ?? 0).toISOString().slice(0, 10)).toBe('2025-10-05');
    const page = await app.request(`/w/acme/hypotheses/${h?.id}`);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('Checklists help');
    const linked = await learningsOfHypothesis(db, ws, h?.id ?? 0);
    expect(linked.map((l) => [l.statement, l.relation])).toEqual([
      ['Checklists help', 'supports'],
      ['Second lesson', 'supports'],
    ]);
  });

  it('sets the three scores from ICE alone, and imports unscored ideas as drafts', async () => {
    const { app, db, ws } = await setup();
    const csv = 'Idea,Metric,ICE\nA,Activation rate,6.6\nB,Activation rate,';
    const html = await (await app.request('/w/acme/import/hypotheses/preview', pasted(csv))).text();
    expect(html).toContain('Only ICE given: Impact, Confidence and Ease are each set to 7');
    expect(html).toContain('No scores: Impact, Confidence and Ease are set to 5');
    expect((await app.request('/w/acme/import/hypotheses', pasted(csv))).status).toBe(303);
    const rows = await db.orm
      .select()
      .from(hypotheses)
      .where(eq(hypotheses.workspaceId, ws.id))
      .orderBy(asc(hypotheses.id));
    expect(rows.map((r) => [r.title, r.status, r.impact, r.confidence, r.ease])).toEqual([
      ['A', 'backlog', 7, 7, 7],
      ['B', 'draft', 5, 5, 5],
    ]);
  });

  it('warns about a title the workspace already has', async () => {
    const { app, db, ws } = await setup();
    const existing = await makeHypothesis(db, ws, { title: 'Checklist' });
    const html = await (
      await app.request(
        '/w/acme/import/hypotheses/preview',
        pasted('Title,Metric\nchecklist,Activation rate'),
      )
    ).text();
    expect(html).toContain(`A hypothesis with this title already exists (#${existing.id})`);
    expect(html).toContain('Import 1 hypothesis');
  });

  it('answers a file over the size limit with 413 and writes nothing', async () => {
    const { db, me } = await setup();
    const app = as(appFor(db, { csvLimitBytes: 1000 }), me);
    const before = await counts(db);
    const big = `Title,Metric\n${'An idea that goes on,Activation rate\n'.repeat(60)}`;
    const res = await app.request(
      '/w/acme/import/hypotheses/preview',
      upload({ file: { name: 'big.csv', content: big } }),
    );
    expect(res.status).toBe(413);
    expect(await res.text()).toContain('over 1000 bytes');
    expect(await counts(db)).toEqual(before);
  });

  it('says at the preview when the text could not come back under the limit with the confirm', async () => {
    const { db, me } = await setup();
    const app = as(appFor(db, { csvLimitBytes: 3000 }), me);
    await db.client.execute({
      sql: `insert into memberships (workspace_id, user_id, role, created_at) select id, ?, 'owner', 0 from workspaces`,
      args: [me.user.id],
    });
    const csv = `Title,Metric\n${Array.from({ length: 50 }, (_, i) => `Idea ${i} with some words,Activation rate`).join('\n')}`;
    expect(csv.length).toBeGreaterThan(2000);
    const res = await app.request('/w/acme/import/hypotheses/preview', pasted(csv));
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toContain('too close to the 3000-byte upload limit to be confirmed: split it');
    expect(html).not.toContain('name="text" value=');
  });

  it('lets viewers see the exports but no import forms, and refuses their imports', async () => {
    const { db, ws } = await setup();
    const viewer = await signIn(db, await makeMember(db, ws, 'viewer'));
    const app = as(appFor(db), viewer);
    const page = await app.request('/w/acme/data');
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain('/w/acme/export/hypotheses.csv');
    expect(html).toContain('you can see everything here but not change it');
    expect(html).not.toContain('/import/hypotheses/preview');
    expect(html).not.toContain('type="file"');
    const before = await counts(db);
    for (const path of [
      '/w/acme/import/hypotheses/preview',
      '/w/acme/import/hypotheses',
      '/w/acme/import/measurements/preview',
      '/w/acme/import/measurements',
    ]) {
      const res = await app.request(path, pasted('Title,Metric\nA,Activation rate'));
      expect(res.status, path).toBe(403);
    }
    expect(await counts(db)).toEqual(before);
  });

  it('shows editors both import forms with the columns they read and a template', async () => {
    const { app } = await setup();
    const html = await (await app.request('/w/acme/data')).text();
    expect(html).toContain('Import hypotheses');
    expect(html).toContain('Import measurements');
    expect(html).toContain('action="/w/acme/import/hypotheses/preview"');
    expect(html).toContain('enctype="multipart/form-data"');
    expect(html).toContain('accept=".csv');
    expect(html).toContain('Title (or Idea, Name, Experiment, Hypothesis)');
    expect(html).toContain('<strong>Invite conversion</strong>');
  });
});

describe('csv import of measurements', () => {
  it('imports the long layout, upserts, and says what each value does', async () => {
    const { app, db, ws, activation } = await setup();
    await measure(db, ws, activation, { '2026-W45': 0.4, '2026-W46': 0.41 });
    const nsm = await getNorthStar(db, ws);
    const csv = [
      'Metric,Period,Value',
      'Activation rate,2026-W45,0.40',
      'Activation rate,2026-W46,0.45',
      'Activation rate,2026-11-18,0.43',
      'Weekly active teams,2026w47,"1,250"',
    ].join('\n');
    const before = await counts(db);
    const html = await (await app.request('/w/acme/import/measurements/preview', pasted(csv))).text();
    expect(html).toContain('Read as one row per metric and period');
    expect(html).toContain('Replaces 0.41');
    expect(html).toContain('Unchanged');
    expect(html).toContain(
      'Ready: 4 values for 2 metrics — 2 new, 1 replaces a stored value, 1 already stored',
    );
    expect(html).toContain('Import 3 values');
    expect(await counts(db)).toEqual(before);

    const res = await app.request('/w/acme/import/measurements', pasted(carried(html) as string));
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe('/w/acme/metrics?done=imported&count=3');
    const values = await db.orm
      .select({
        metricId: measurements.metricId,
        period: measurements.period,
        value: measurements.value,
        source: measurements.source,
      })
      .from(measurements)
      .where(eq(measurements.workspaceId, ws.id))
      .orderBy(asc(measurements.metricId), asc(measurements.period));
    expect(values).toEqual([
      { metricId: nsm?.id, period: '2026-W47', value: 1250, source: 'csv' },
      { metricId: activation.id, period: '2026-W45', value: 0.4, source: 'manual' },
      { metricId: activation.id, period: '2026-W46', value: 0.45, source: 'csv' },
      { metricId: activation.id, period: '2026-W47', value: 0.43, source: 'csv' },
    ]);
    expect((await requireMetric(db, ws, activation.id)).currentValue).toBe(0.43);

    // The same file again changes nothing.
    const again = await counts(db);
    expect((await app.request('/w/acme/import/measurements', pasted(csv))).status).toBe(303);
    expect(await counts(db)).toEqual(again);
  });

  it('imports the wide layout from a semicolon file with decimal commas, skipping empty cells', async () => {
    const { app, db, ws, activation, invites } = await setup();
    const csv = 'Week;Activation rate;Invite conversion;Comment\n2026-W46;0,41;0,12;ok\n2026-W47;0,43;;late';
    const html = await (await app.request('/w/acme/import/measurements/preview', pasted(csv))).text();
    expect(html).toContain('Read as one row per period with a column per metric.');
    expect(html).toContain('“Comment”');
    expect(html).toContain('Import 3 values');
    expect((await app.request('/w/acme/import/measurements', pasted(csv))).status).toBe(303);
    const values = await db.orm
      .select({ metricId: measurements.metricId, period: measurements.period, value: measurements.value })
      .from(measurements)
      .where(eq(measurements.workspaceId, ws.id))
      .orderBy(asc(measurements.metricId), asc(measurements.period));
    expect(values).toEqual([
      { metricId: activation.id, period: '2026-W46', value: 0.41 },
      { metricId: activation.id, period: '2026-W47', value: 0.43 },
      { metricId: invites.id, period: '2026-W46', value: 0.12 },
    ]);
  });

  it('reports wrong periods, non-numeric values and duplicate rows, and writes nothing', async () => {
    const { app, db, ws } = await setup();
    await makeInput(db, ws, { name: 'Daily signups', cadence: 'day' });
    const before = await counts(db);
    const csv = [
      'Metric,Period,Value',
      'Activation rate,2026-W60,0.4',
      'Activation rate,Nov 2026,0.4',
      'Daily signups,2026-W47,12',
      'Daily signups,2026-02-30,12',
      'Activation rate,2026-W46,about half',
      'Activation rate,2026-W45,0.4',
      'Activation rate,2026-11-03,0.5',
      'Revenue,2026-W45,10',
    ].join('\n');
    for (const path of ['/w/acme/import/measurements/preview', '/w/acme/import/measurements']) {
      const res = await app.request(path, pasted(csv));
      expect(res.status).toBe(path.endsWith('preview') ? 200 : 422);
      const html = await res.text();
      expect(html).toContain('“2026-W60” is not a week of 2026');
      expect(html).toContain('“Nov 2026” is not a period');
      expect(html).toContain('“2026-W47” is a week, but this metric is measured daily');
      expect(html).toContain('“2026-02-30” is not a date');
      expect(html).toContain('“about half” is not a number.');
      expect(html).toContain('Activation rate for 2026-W45 is also on row 7: give each period once.');
      expect(html).toContain('“Revenue” is not a metric here');
      expect(html).not.toContain('name="text" value=');
    }
    expect(await counts(db)).toEqual(before);
  });

  it('refuses values of an archived metric and a file without a period column', async () => {
    const { app, db, ws, invites } = await setup();
    await archiveMetric(db, ws, invites.id);
    let html = await (
      await app.request('/w/acme/import/measurements/preview', pasted('Week,Invite conversion\n2026-W47,0.1'))
    ).text();
    expect(html).toContain('“Invite conversion” is archived: restore it before importing its values.');
    html = await (
      await app.request('/w/acme/import/measurements/preview', pasted('Metric,Value\nActivation rate,1'))
    ).text();
    expect(html).toContain('No period column');
    const before = await counts(db);
    expect(
      (await app.request('/w/acme/import/measurements', pasted('Week,Invite conversion\n2026-W47,0.1')))
        .status,
    ).toBe(422);
    expect(await counts(db)).toEqual(before);
  });
});
