import { parse } from 'csv-parse/sync';

// Reading an uploaded or pasted CSV into a header and rows, and everything that can be wrong with the file as
// a whole (encoding, separator, ragged rows, size), as findings a person can act on. Pure functions: the
// routes read the bytes, these say what they are.

/** One import reads at most this many rows (besides the header). */
export const CSV_ROWS_MAX = 5000;

export type Delimiter = ',' | ';' | '\t';
export const DELIMITER_NAMES: Record<Delimiter, string> = {
  ',': 'commas',
  ';': 'semicolons',
  '\t': 'tabs (as a spreadsheet copies)',
};

/** Something about the file as a whole: `error` blocks the import, `warn` is worth a look, `info` is news. */
export type Finding = { tone: 'info' | 'warn' | 'error'; message: string };

export type Decoded = { text: string; encoding: string } | { error: string };

const SAVE_AS_UTF8 =
  'Save it as “CSV UTF-8” (Excel: File › Save as › CSV UTF-8 (comma delimited); Google Sheets and Numbers ' +
  'write UTF-8 already) and upload it again.';

/**
 * An uploaded file's bytes → its text. Only UTF-8 is read (a UTF-8 byte-order mark is dropped): anything
 * else would turn accents into garbage silently, so it is refused with how to save the file right.
 */
export function decodeCsvBytes(bytes: Uint8Array): Decoded {
  const starts = (...b: number[]) => b.every((x, i) => bytes[i] === x);
  if (starts(0xef, 0xbb, 0xbf)) {
    const rest = decodeUtf8(bytes.subarray(3));
    return 'error' in rest ? rest : { text: rest.text, encoding: 'UTF-8 (its byte-order mark was dropped)' };
  }
  if (starts(0xff, 0xfe) || starts(0xfe, 0xff))
    return {
      error: `This file is UTF-16 text (Excel’s “Unicode text”), which Lodestar does not read. ${SAVE_AS_UTF8}`,
    };
  if (starts(0x50, 0x4b, 0x03, 0x04))
    return {
      error:
        'This is a spreadsheet file (.xlsx or .ods), not CSV text. In the spreadsheet choose File › Save as ' +
        '(or Download) › CSV UTF-8, and upload that file — or copy the cells and paste them in the text box.',
    };
  if (bytes.subarray(0, 8192).includes(0))
    return { error: `This does not look like a text file. ${SAVE_AS_UTF8}` };
  const decoded = decodeUtf8(bytes);
  return 'error' in decoded ? decoded : { text: decoded.text, encoding: 'UTF-8' };
}

function decodeUtf8(bytes: Uint8Array): { text: string } | { error: string } {
  try {
    return { text: new TextDecoder('utf-8', { fatal: true }).decode(bytes) };
  } catch {
    // Where it went wrong, so the person can see which accent or symbol it is.
    const loose = new TextDecoder('utf-8').decode(bytes);
    const at = loose.indexOf('\uFFFD');
    // The row as the spreadsheet numbers it (a cell's line breaks stay in its row); the file's line otherwise.
    const table = readCsv(loose);
    const line = table.headers.some((h) => h.includes('\uFFFD'))
      ? 1
      : (table.rows.find((r) => r.cells.some((cell) => cell.includes('\uFFFD')))?.line ??
        loose.slice(0, at).split(/\r\n?|\n/).length);
    return {
      error:
        `This file is not UTF-8 text: row ${line} has a character saved in another encoding (often an ` +
        `accent or a symbol saved as Latin-1 or Windows-1252). ${SAVE_AS_UTF8}`,
    };
  }
}

/** Pasted text or decoded bytes without a leading byte-order mark. */
export const stripBom = (text: string) => (text.charCodeAt(0) === 0xfeff ? text.slice(1) : text);

/** The first record's line (quoted line breaks included), for looking at the header before parsing. */
function firstLine(text: string): string {
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (ch === '"') quoted = !quoted;
    else if (!quoted && (ch === '\n' || ch === '\r')) return text.slice(0, i);
  }
  return text;
}

/** How often each separator occurs in a line outside quotes. */
function countOutsideQuotes(line: string, chars: string[]): Map<string, number> {
  const counts = new Map(chars.map((c) => [c, 0]));
  let quoted = false;
  for (const ch of line) {
    if (ch === '"') quoted = !quoted;
    else if (!quoted && counts.has(ch)) counts.set(ch, (counts.get(ch) ?? 0) + 1);
  }
  return counts;
}

/**
 * The separator the header row uses: tabs (pasted from a spreadsheet), semicolons (Excel where the decimal
 * mark is a comma) or commas; the most frequent wins, commas on a tie. `other` names a separator Lodestar
 * does not read when the header has none of the three but one of those.
 */
export function detectDelimiter(text: string): { delimiter: Delimiter; other?: string } {
  const line = firstLine(text);
  const counts = countOutsideQuotes(line, [',', ';', '\t', '|', ':', '^', '~']);
  const n = (c: string) => counts.get(c) ?? 0;
  if (n('\t') > 0 && n('\t') >= n(',') && n('\t') >= n(';')) return { delimiter: '\t' };
  if (n(';') > n(',')) return { delimiter: ';' };
  if (n(',') > 0) return { delimiter: ',' };
  const other = ['|', '^', '~', ':'].find((c) => n(c) > 0);
  return other ? { delimiter: ',', other } : { delimiter: ',' };
}

/** A data row: its line in the file (the header is line 1, as a spreadsheet numbers rows) and its cells. */
export type CsvRow = { line: number; cells: string[] };

export type CsvTable = {
  delimiter: Delimiter;
  headers: string[];
  rows: CsvRow[];
  findings: Finding[];
};

/** "3, 8 and 12" or "3, 8, 12 … and 40 more". */
export function listLines(lines: number[], max = 12): string {
  const shown = lines.slice(0, max).join(', ');
  if (lines.length > max) return `${shown} … and ${lines.length - max} more`;
  return lines.length > 1 ? `${lines.slice(0, -1).join(', ')} and ${lines.at(-1)}` : shown;
}

/** A cell quoted in a message or shown in a preview, cut short: a 1 MB cell would otherwise fill the page. */
export function clip(text: string, max = 120): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

/** “A”, “B” … and 12 more: the names a message lists, each clipped, at most `max` of them. */
export function quoteList(names: string[], max = 12): string {
  const shown = names
    .slice(0, max)
    .map((n) => `“${clip(n, 60)}”`)
    .join(', ');
  return names.length > max ? `${shown} … and ${(names.length - max).toLocaleString('en')} more` : shown;
}

/** How many data rows, for messages. */
const rowsWord = (n: number) => `${n.toLocaleString('en')} ${n === 1 ? 'row' : 'rows'}`;

/**
 * Text → header and rows, or findings saying why not. Rows whose cells are all blank (a spreadsheet's trailing
 * ",,,") are left out. A row with more or fewer cells than the header, or a broken quote, is an error naming
 * its rows: guessing which cell moved would import values into the wrong columns.
 */
export function readCsv(input: string): CsvTable {
  // One kind of line end: files mix them (pasted rows arrive with CRLF, a cell's line break is often LF),
  // and csv-parse counts a CRLF inside quotes as two lines, which would put messages on the wrong rows.
  const text = stripBom(input).replace(/\r\n?/g, '\n');
  const findings: Finding[] = [];
  const empty = (delimiter: Delimiter = ','): CsvTable => ({ delimiter, headers: [], rows: [], findings });
  if (text.trim() === '') {
    findings.push({
      tone: 'error',
      message:
        'The file is empty: it needs a header row naming the columns, then one row per line to import.',
    });
    return empty();
  }
  const { delimiter, other } = detectDelimiter(text);
  if (other) {
    findings.push({
      tone: 'error',
      message:
        `The header row reads as a single column: this file seems to separate its columns with “${other}”. ` +
        'Lodestar reads columns separated by commas, semicolons or tabs: export it as CSV again, or paste the ' +
        'cells straight from the spreadsheet.',
    });
    return empty(delimiter);
  }
  // Each event in file order: a record read (where it ends, how many line breaks its quoted cells hold) or a
  // record skipped for an error, so that both can be numbered as a spreadsheet numbers its rows.
  const events: { end: number; breaks: number; kind: 'record' | 'length' | 'quote' }[] = [];
  const breaksIn = (record: string[] | undefined) =>
    (record ?? []).reduce((n, cell) => n + (cell.match(/\n/g)?.length ?? 0), 0);
  let records: { record: string[]; info: { lines: number } }[];
  try {
    records = parse(text, {
      delimiter,
      info: true,
      skip_empty_lines: true,
      relax_column_count: false,
      // A quote inside a cell that does not start with one (`Rename "Boards"`) is text: spreadsheets copy
      // such cells without quoting them. A quoted cell must still close its quote.
      relax_quotes: true,
      skip_records_with_error: true,
      on_skip: (err) => {
        if (!err) return undefined;
        const record = (err as { record?: unknown }).record;
        events.push({
          end: typeof err.lines === 'number' ? err.lines : 0,
          breaks: Array.isArray(record) ? breaksIn(record.map(String)) : 0,
          kind: err.code === 'CSV_RECORD_INCONSISTENT_FIELDS_LENGTH' ? 'length' : 'quote',
        });
        return undefined;
      },
    }) as unknown as { record: string[]; info: { lines: number } }[];
  } catch (e) {
    // Records with errors are skipped above; what is left to throw is a file csv-parse cannot start on.
    const why = e instanceof Error ? e.message : String(e);
    findings.push({
      tone: 'error',
      message: `The file could not be read as CSV (${why}). Check its quotes, or save it as CSV again.`,
    });
    return empty(delimiter);
  }
  // A spreadsheet shows a cell's line breaks inside one row: a record's row is the line it starts on, less
  // the line breaks inside the quoted cells of the records above it. A blank line is a (blank) row.
  for (const { record, info } of records)
    events.push({ end: info.lines, breaks: breaksIn(record), kind: 'record' });
  const broken: { line: number; kind: 'length' | 'quote' }[] = [];
  const rowOfRecord: number[] = [];
  let breaksAbove = 0;
  let previousEnd = 0;
  for (const ev of events.sort((a, b) => a.end - b.end)) {
    // A quote left open runs on to the end of the file: it started right after the record above.
    const start = ev.kind === 'quote' ? Math.min(ev.end - ev.breaks, previousEnd + 1) : ev.end - ev.breaks;
    const row = start - breaksAbove;
    breaksAbove += ev.kind === 'quote' ? 0 : ev.breaks;
    previousEnd = ev.end;
    if (ev.kind === 'record') rowOfRecord.push(row);
    else if (!broken.some((b) => b.line === row && b.kind === ev.kind))
      broken.push({ line: row, kind: ev.kind });
  }
  const [head, ...body] = records;
  const headers = (head?.record ?? []).map((h) => h.trim());
  const rows: CsvRow[] = [];
  body.forEach(({ record, info }, i) => {
    if (record.every((cell) => cell.trim() === '')) return;
    rows.push({ line: rowOfRecord[i + 1] ?? info.lines, cells: record });
  });

  findings.push({ tone: 'info', message: `Columns are separated by ${DELIMITER_NAMES[delimiter]}.` });
  const ragged = broken.filter((b) => b.kind === 'length').map((b) => b.line);
  if (ragged.length)
    findings.push({
      tone: 'error',
      message:
        `${ragged.length === 1 ? 'Row' : 'Rows'} ${listLines(ragged)} ${ragged.length === 1 ? 'has' : 'have'} ` +
        `more or fewer cells than the header’s ${headers.length}. A value with a ` +
        `${delimiter === '\t' ? 'tab' : delimiter === ';' ? 'semicolon' : 'comma'} in it needs quotes ` +
        'around it ("like, this"); otherwise a separator is missing or one too many.',
    });
  const quotes = broken.filter((b) => b.kind === 'quote').map((b) => b.line);
  if (quotes.length)
    findings.push({
      tone: 'error',
      message:
        `${quotes.length === 1 ? 'Row' : 'Rows'} ${listLines(quotes)}: a value starts with a quote (") that is ` +
        'never closed, so everything after it reads as one cell. Put quotes around the whole value and double ' +
        'any quote inside it ("say ""hi"""), or remove the quote.',
    });
  if (!headers.length || headers.every((h) => h === ''))
    findings.push({ tone: 'error', message: 'The first row must name the columns; it is blank.' });
  else if (rows.length === 0 && !broken.length)
    findings.push({
      tone: 'error',
      message: 'The file has a header row but no rows below it: add one row per line to import.',
    });
  if (rows.length > CSV_ROWS_MAX)
    findings.push({
      tone: 'error',
      message: `The file has ${rowsWord(rows.length)}; one import takes at most ${rowsWord(CSV_ROWS_MAX)}. Split it into smaller files.`,
    });
  return { delimiter, headers, rows, findings };
}

/**
 * A cell as text: trimmed, and without the apostrophe Lodestar's exports (and spreadsheets) put before a
 * leading = + - @ so that a spreadsheet does not run it as a formula.
 */
export function cellText(raw: string | undefined): string {
  const t = (raw ?? '').trim();
  return /^'[=+\-@\t\r]/.test(t) ? t.slice(1) : t;
}

export const hasErrors = (findings: Finding[]) => findings.some((f) => f.tone === 'error');
