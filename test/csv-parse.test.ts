import { describe, expect, it } from 'vitest';
import { safeCell, toCsv } from '../src/exports/csv';
import { CSV_ROWS_MAX, cellText, decodeCsvBytes, detectDelimiter, readCsv } from '../src/imports/csv-file';
import { mapHeaders, normaliseHeader } from '../src/imports/headers';
import { hypothesisSpecs, settleScores } from '../src/imports/hypothesis-columns';

const bytes = (...parts: (string | number[])[]) =>
  new Uint8Array(parts.flatMap((p) => (typeof p === 'string' ? [...new TextEncoder().encode(p)] : p)));
const errors = (t: ReturnType<typeof readCsv>) =>
  t.findings.filter((f) => f.tone === 'error').map((f) => f.message);

describe('csv file reading', () => {
  it('decodes UTF-8, drops a byte-order mark, and refuses other encodings with how to save the file', () => {
    expect(decodeCsvBytes(bytes('Title\nCafé'))).toEqual({ text: 'Title\nCafé', encoding: 'UTF-8' });
    expect(decodeCsvBytes(bytes([0xef, 0xbb, 0xbf], 'Title\nCafé'))).toEqual({
      text: 'Title\nCafé',
      encoding: 'UTF-8 (its byte-order mark was dropped)',
    });
    // "Café" in Latin-1 on the third line: é is the single byte 0xE9.
    const latin1 = decodeCsvBytes(bytes('Title,Metric\nA,B\nCaf', [0xe9], ',B\n'));
    expect('error' in latin1 && latin1.error).toMatch(/not UTF-8 text: row 3 .*CSV UTF-8/);
    // Named by the spreadsheet's row: the two-line cell above it is one row.
    const below = decodeCsvBytes(bytes('Title,Learning\r\nA,"one\r\ntwo"\r\nCaf', [0xe9], ',x\r\n'));
    expect('error' in below && below.error).toMatch(/not UTF-8 text: row 3 /);
    const utf16 = decodeCsvBytes(bytes([0xff, 0xfe], [0x54, 0, 0x69, 0]));
    expect('error' in utf16 && utf16.error).toMatch(/UTF-16.*CSV UTF-8/);
    const xlsx = decodeCsvBytes(bytes([0x50, 0x4b, 0x03, 0x04], 'rest'));
    expect('error' in xlsx && xlsx.error).toMatch(/spreadsheet file \(\.xlsx/);
  });

  it('detects the separator from the header row, ignoring separators inside quotes', () => {
    const table: [string, string, string | undefined][] = [
      ['Title,Metric,Impact', ',', undefined],
      ['Title;Metric;Impact', ';', undefined],
      ['Title\tMetric\tImpact', '\t', undefined],
      ['"Idea, short";Metric;Impact', ';', undefined],
      ['"a;b",c', ',', undefined],
      ['Title\tMetric, the lever', '\t', undefined],
      ['Title', ',', undefined],
      ['Title|Metric|Impact', ',', '|'],
    ];
    for (const [header, delimiter, other] of table)
      expect(detectDelimiter(`${header}\nx`), header).toEqual(other ? { delimiter, other } : { delimiter });
  });

  it('numbers rows as a spreadsheet does: blank rows count, a cell’s line breaks stay in its row', () => {
    const t = readCsv('\uFEFFTitle,Metric\r\nA,B\r\n,\r\n\r\n"two\r\nlines",C\nD,E\n"3\n\nlines",F\nG,H\n');
    expect(t.headers).toEqual(['Title', 'Metric']);
    expect(t.rows).toEqual([
      { line: 2, cells: ['A', 'B'] },
      { line: 5, cells: ['two\nlines', 'C'] },
      { line: 6, cells: ['D', 'E'] },
      { line: 7, cells: ['3\n\nlines', 'F'] },
      { line: 8, cells: ['G', 'H'] },
    ]);
    expect(errors(t)).toEqual([]);
    expect(t.findings.map((f) => f.message)).toContain('Columns are separated by commas.');
  });

  it('reports ragged rows and broken quotes by row, and never guesses which cell moved', () => {
    const t = readCsv(
      'a,b,c\n1,2,3\n4,5\n"multi\nline",7,8\n9,10,11,12\n"x\ny",1\n13,14,15\n"open,1,2\n16,17,18\n',
    );
    const [ragged, quote] = errors(t);
    // Rows as the spreadsheet numbers them, each named once (a ragged row's own line breaks included).
    expect(ragged).toMatch(/^Rows 3, 5 and 6 have more or fewer cells than the header’s 3/);
    // The open quote swallows the rest of the file: the row it starts on is named, and nothing is imported.
    expect(quote).toMatch(/^Row 8: a value starts with a quote \(.\) that is never closed/);
    expect(t.rows.map((r) => r.line)).toEqual([2, 4, 7]);
  });

  it('reads a quote inside a cell that does not start with one as text, as spreadsheets copy it', () => {
    const t = readCsv('Title\tMetric\nRename "Boards" to "Projects"\tActivation\n"Quoted" first\tX\n');
    expect(errors(t)).toEqual([]);
    expect(t.rows.map((r) => r.cells[0])).toEqual(['Rename "Boards" to "Projects"', '"Quoted" first']);
    // Each row named once, even when one row trips the reader more than once.
    expect(errors(readCsv('a,b\n"x"y"z,1,2\n3,4\n'))).toHaveLength(1);
  });

  it('reports an empty file, a header without rows, a file over the row limit, and an unknown separator', () => {
    expect(errors(readCsv(''))[0]).toMatch(/The file is empty/);
    expect(errors(readCsv(' \n\n'))[0]).toMatch(/The file is empty/);
    expect(errors(readCsv('Title,Metric\n'))[0]).toMatch(/header row but no rows/);
    expect(errors(readCsv('Title,Metric\n,\n'))[0]).toMatch(/header row but no rows/);
    const big = `Title\n${Array.from({ length: CSV_ROWS_MAX + 1 }, (_, i) => `Idea ${i}`).join('\n')}`;
    expect(errors(readCsv(big))[0]).toBe(
      'The file has 5,001 rows; one import takes at most 5,000 rows. Split it into smaller files.',
    );
    expect(errors(readCsv(`Title\n${'x\n'.repeat(CSV_ROWS_MAX)}`))).toEqual([]);
    expect(errors(readCsv('Title|Metric\nA|B'))[0]).toMatch(/seems to separate its columns with “\|”/);
  });

  it('takes back the apostrophe an export puts before a formula-like cell, and trims', () => {
    const table: [string, string][] = [
      ["'=SUM(A1)", '=SUM(A1)'],
      ["'+1 day", '+1 day'],
      ["'-3%", '-3%'],
      ["'@here", '@here'],
      ["'quoted'", "'quoted'"],
      ['  spaced  ', 'spaced'],
    ];
    for (const [raw, text] of table) expect(cellText(raw), raw).toBe(text);
  });
});

describe('csv header mapping', () => {
  it('matches headers without case, spaces or punctuation, and reports the rest', () => {
    expect(normaliseHeader(' Person-days (est.) ')).toBe('persondaysest');
    expect(normaliseHeader('Expected  Outcome')).toBe('expectedoutcome');
    const map = mapHeaders(
      ['Idea', 'IMPACT', 'confidence', 'Ease', 'ICE score', 'Why', 'Lever', 'Notes', 'Title', ''],
      hypothesisSpecs,
      [],
      (i) => i !== 9,
    );
    expect(map.mapped).toEqual([
      { header: 'Idea', label: 'Title' },
      { header: 'IMPACT', label: 'Impact' },
      { header: 'confidence', label: 'Confidence' },
      { header: 'Ease', label: 'Ease' },
      { header: 'ICE score', label: 'ICE' },
      { header: 'Why', label: 'Rationale' },
      { header: 'Lever', label: 'Metric' },
    ]);
    expect(map.columns).toMatchObject({ title: 0, impact: 1, ice: 4, rationale: 5, metric: 6 });
    expect(map.unknown).toEqual(['Notes']);
    expect(map.findings.map((f) => f.message)).toEqual([
      '“Title” is ignored: “Idea” already gives the title.',
      'This column is not read and will be ignored: “Notes”.',
    ]);
  });

  it('reads the estimate columns spreadsheets name with their unit or an abbreviation', () => {
    const headers = ['Person-days (est.)', 'Est. days', 'Effort (days)', 'Estimate (days)', 'Days (est.)'];
    for (const header of headers)
      expect(mapHeaders([header], hypothesisSpecs).mapped, header).toEqual([
        { header, label: 'Person-days' },
      ]);
  });
});

describe('csv scores', () => {
  it('settles Impact, Confidence and Ease from what a row gives', () => {
    const table: [Parameters<typeof settleScores>[0], 'mean' | 'product', object | undefined, number][] = [
      // given, mode, → scores, warnings
      [{ impact: 7, confidence: 6, ease: 8 }, 'mean', { impact: 7, confidence: 6, ease: 8 }, 0],
      [{ impact: 7, confidence: 6, ease: 8, ice: 7 }, 'mean', { impact: 7, confidence: 6, ease: 8 }, 0],
      [{ impact: 7, confidence: 6, ease: 8, ice: 9 }, 'mean', { impact: 7, confidence: 6, ease: 8 }, 1],
      [{ impact: 7, confidence: 6, ease: 8, ice: 336 }, 'product', { impact: 7, confidence: 6, ease: 8 }, 0],
      [{ impact: 6.5, confidence: 6, ease: 8.4, ice: 6.8 }, 'mean', { impact: 7, confidence: 6, ease: 8 }, 2],
      [{ ice: 6.6 }, 'mean', { impact: 7, confidence: 7, ease: 7 }, 1],
      [{ ice: 343 }, 'product', { impact: 7, confidence: 7, ease: 7 }, 1],
      [{}, 'mean', { impact: 5, confidence: 5, ease: 5 }, 1],
      [{ impact: 7, ease: 8 }, 'mean', undefined, 0],
      [{ ice: 12 }, 'mean', undefined, 0],
    ];
    for (const [given, mode, scores, warnings] of table) {
      const s = settleScores(given, mode);
      expect(s.scores, JSON.stringify(given)).toEqual(scores);
      expect(s.warnings.length, JSON.stringify(given)).toBe(warnings);
      expect(s.error !== undefined, JSON.stringify(given)).toBe(scores === undefined);
    }
    expect(settleScores({ impact: 7, ease: 8 }, 'mean').error).toBe(
      'Give Impact, Confidence and Ease together (missing: Confidence), or ICE alone.',
    );
    expect(settleScores({}, 'mean').none).toBe(true);
  });
});

describe('csv writing', () => {
  it('neutralises formula-like text and keeps numbers as numbers', () => {
    const table: [string | number | null, string | number | null][] = [
      ['=HYPERLINK("http://x")', '\'=HYPERLINK("http://x")'],
      ['+1', "'+1"],
      ['-2 days', "'-2 days"],
      ['@SUM(A1)', "'@SUM(A1)"],
      ['\tTab', "'\tTab"],
      ['\rCR', "'\rCR"],
      ['plain', 'plain'],
      [-3, -3],
      [0.42, 0.42],
      [null, null],
    ];
    for (const [value, out] of table) expect(safeCell(value), String(value)).toBe(out);
    expect(
      toCsv({
        header: ['A', 'B'],
        rows: [
          ['=1+1', -3],
          ['two\nlines', 'say "hi", then'],
        ],
      }),
    ).toBe('\uFEFFA,B\r\n\'=1+1,-3\r\n"two\nlines","say ""hi"", then"\r\n');
  });
});
