import { describe, expect, it } from 'vitest';
import type { Db } from '../db/client';
import { makeInput, makeWorkspace } from '../db/factories';
import { testApp } from './helpers';

// What a growth team's real files (and hostile ones) do to the import: spreadsheet row numbers, quotes in
// pasted cells, decimal commas in a comma file, huge cells, garbage. Never a 500, always a readable answer,
// nothing written.

function upload(data: { file?: { name: string; content: string | Uint8Array<ArrayBuffer> }; text?: string }) {
  const body = new FormData();
  if (data.file) body.append('file', new File([data.file.content], data.file.name, { type: 'text/csv' }));
  if (data.text !== undefined) body.append('text', data.text);
  return { method: 'POST', body, headers: { Origin: 'http://localhost' } };
}
const pasted = (text: string) => upload({ text });

async function counts(db: Db) {
  const n = async (table: string) =>
    Number((await db.client.execute(`select count(*) as n from ${table}`)).rows[0]?.n);
  return {
    hypotheses: await n('hypotheses'),
    learnings: await n('learnings'),
    measurements: await n('measurements'),
    audit: await n('audit_events'),
  };
}

async function setup() {
  const t = await testApp();
  const ws = await makeWorkspace(t.db, { slug: 'acme' });
  await makeInput(t.db, ws, { name: 'Activation rate' });
  await makeInput(t.db, ws, { name: 'Invite conversion' });
  return { ...t, ws };
}

/** The visible text of a page, tags dropped and entities read back. */
const visible = (html: string) =>
  html
    .replace(/<[^>]+>/g, ' ')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, '&')
    .replace(/\s+/g, ' ');

describe('csv import of real and hostile files', () => {
  it('numbers rows as the spreadsheet shows them when a cell above holds line breaks', async () => {
    const { app, db } = await setup();
    const before = await counts(db);
    // Row 2 has a three-line learning (as Excel saves it: quoted, with line breaks); row 3 names no metric.
    const csv = [
      'Title,Metric,Status,Result,Actual days,Return,Learning',
      'Checklist,Activation rate,done,lost,2,3,"First\nSecond\nThird"',
      'Nudge,,backlog,,,,',
    ].join('\r\n');
    const res = await app.request(
      '/w/acme/import/hypotheses/preview',
      upload({ file: { name: 'x.csv', content: csv } }),
    );
    expect(res.status).toBe(200);
    const rows = [...(await res.text()).matchAll(/<td class="num">(\d+)<\/td>\s*<td>([^<]+)<\/td>/g)].map(
      (m) => `${m[1]} ${m[2]}`,
    );
    expect(rows).toEqual(['2 Checklist', '3 Nudge']);
    expect(await counts(db)).toEqual(before);
  });

  it('imports pasted cells that hold quotes, as spreadsheets copy them', async () => {
    const { app, db } = await setup();
    const tsv = [
      'Title\tMetric\tImpact\tConfidence\tEase',
      'Rename "Boards" to "Projects"\tActivation rate\t6\t5\t7',
      // A title typed over two lines in a cell (Alt+Enter) is copied quoted: it becomes one line.
      '"Checklist\non the board"\tActivation rate\t5\t5\t5',
    ].join('\n');
    const html = await (await app.request('/w/acme/import/hypotheses/preview', pasted(tsv))).text();
    expect(visible(html)).toContain('Ready: 2 hypotheses will be created');
    const res = await app.request('/w/acme/import/hypotheses', pasted(tsv));
    expect(res.status).toBe(303);
    const titles = await db.client.execute('select title from hypotheses order by title');
    expect(titles.rows.map((r) => r.title)).toEqual([
      'Checklist on the board',
      'Rename "Boards" to "Projects"',
    ]);
  });

  it('warns that a done row without a Closed date counts as closed today', async () => {
    const { app } = await setup();
    const csv = [
      'Title,Metric,Status,Result,Actual days,Return,Closed',
      'Old test,Activation rate,done,lost,2,3,',
      'Dated test,Activation rate,done,lost,2,3,2025-01-15',
    ].join('\n');
    const html = await (await app.request('/w/acme/import/hypotheses/preview', pasted(csv))).text();
    const warning = 'No Closed date: it counts as closed today, so it shows among this week’s results';
    expect(html.split(warning)).toHaveLength(2);
    expect(visible(html)).toContain('Ready: 2 hypotheses will be created (2 Done); 2 rows with something');
  });

  it('says once how to fix a period column saved as local dates', async () => {
    const { app, db } = await setup();
    const before = await counts(db);
    const csv = 'Week,Activation rate\n11/16/2025,31\n11/23/2025,32\n2025-W49,33\n';
    const res = await app.request('/w/acme/import/measurements/preview', pasted(csv));
    const text = visible(await res.text());
    expect(text).toContain(
      '2 periods are written as a local date (like 11/16/2025), which could be read two ways. In the spreadsheet, format the period column as yyyy-mm-dd',
    );
    expect(text).toContain('Nothing can be imported yet: 2 problems to fix.');
    expect(await counts(db)).toEqual(before);
  });

  it('hints at the decimal point when a comma-separated file has decimal commas', async () => {
    const { app, db } = await setup();
    const before = await counts(db);
    const csv = 'Metric,Period,Value\nActivation rate,2025-W40,"0,41"\n';
    const html = await (await app.request('/w/acme/import/measurements/preview', pasted(csv))).text();
    const hint =
      'write decimals with a point (0.41); a decimal comma is read only in a semicolon-separated file.';
    expect(visible(html)).toContain(`“0,41” is not a number: ${hint}`);
    const hyp = 'Title,Metric,Expected lift\nIdea,Activation rate,"2,5%"\n';
    const preview = await (await app.request('/w/acme/import/hypotheses/preview', pasted(hyp))).text();
    expect(visible(preview)).toContain('“2,5%” is not a number: write decimals with a point (2.5%)');
    expect(await counts(db)).toEqual(before);
  });

  it('refuses a period that has not begun at the preview, as recording it would', async () => {
    const { app, db } = await setup();
    const before = await counts(db);
    const csv = 'Metric,Period,Value\nActivation rate,2099-W10,0.4\nActivation rate,2025-W01,0.3\n';
    for (const path of ['/w/acme/import/measurements/preview', '/w/acme/import/measurements']) {
      const res = await app.request(path, pasted(csv));
      expect(res.status).toBe(path.endsWith('preview') ? 200 : 422);
      const text = visible(await res.text());
      expect(text).toContain('“2099-W10” has not begun yet: check the year');
      expect(text).toContain('Nothing can be imported yet: 1 problem to fix.');
    }
    expect(await counts(db)).toEqual(before);
  });

  it('shows a huge cell and a flood of unknown columns cut short, and writes nothing', async () => {
    const { app, db } = await setup();
    const before = await counts(db);
    const title = 'A'.repeat(200_000);
    const res = await app.request(
      '/w/acme/import/hypotheses/preview',
      pasted(`Title,Metric\n${title},Activation rate\n`),
    );
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toContain('Title must be at most 140 characters.');
    expect(html).toContain(`<td>${'A'.repeat(199)}…</td>`);
    // The text box still holds the whole file, to fix it in place; the table and messages do not repeat it.
    expect(html.length).toBeLessThan(2 * title.length + 50_000);

    const headers = Array.from({ length: 3000 }, (_, i) => `Extra ${i}`);
    const wide = `Title,Metric,${headers.join(',')}\nIdea,Activation rate,${headers.map(() => 'x').join(',')}\n`;
    const text = visible(await (await app.request('/w/acme/import/hypotheses/preview', pasted(wide))).text());
    expect(text).toContain(
      'These columns are not read and will be ignored: “Extra 0”, “Extra 1”, “Extra 2”, “Extra 3”, “Extra 4”, “Extra 5”, “Extra 6”, “Extra 7”, “Extra 8”, “Extra 9”, “Extra 10”, “Extra 11” … and 2,988 more.',
    );
    expect(text).not.toContain('“Extra 12”');
    expect(await counts(db)).toEqual(before);
  });

  it('answers garbage, a byte-order mark alone and 5,001 rows with a readable refusal', async () => {
    const { app, db } = await setup();
    const before = await counts(db);
    // Deterministic bytes that are neither text nor a known file type.
    const garbage = new Uint8Array(4096).map((_, i) => (i * 7919 + 13) % 256);
    const bomOnly = new Uint8Array([0xef, 0xbb, 0xbf]);
    const manyRows = `Title,Metric\n${Array.from({ length: 5001 }, (_, i) => `Idea ${i},Activation rate`).join('\n')}`;
    const cases: [string | Uint8Array<ArrayBuffer>, string][] = [
      [garbage, 'This does not look like a text file.'],
      [bomOnly, 'The file is empty'],
      [manyRows, 'The file has 5,001 rows; one import takes at most 5,000 rows.'],
    ];
    for (const kind of ['hypotheses', 'measurements'])
      for (const [content, message] of cases) {
        const preview = await app.request(
          `/w/acme/import/${kind}/preview`,
          upload({ file: { name: 'f.csv', content } }),
        );
        expect(preview.status).toBe(200);
        expect(await preview.text()).toContain(message);
        const confirm = await app.request(
          `/w/acme/import/${kind}`,
          upload({ file: { name: 'f.csv', content } }),
        );
        expect(confirm.status).toBe(422);
      }
    expect(await counts(db)).toEqual(before);
  });
});
