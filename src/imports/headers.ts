import { clip, type Finding, quoteList } from './csv-file';

// Which column is which: spreadsheets name the same thing many ways ("Idea", "Expected outcome",
// "Person-days (est.)"), so headers are compared without case, spaces or punctuation, against each field's
// synonyms. Pure functions.

export type ColumnSpec<F extends string> = {
  field: F;
  /** How the preview names the field ("Idea → Title"). */
  label: string;
  /** Header spellings, written as a person would; they are normalised before comparing. */
  synonyms: string[];
};

/** "Person-days (est.)" → "persondaysest": lower case, letters and digits only (accents dropped). */
export function normaliseHeader(header: string): string {
  return header
    .normalize('NFKD')
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]/gu, '');
}

export type HeaderMap<F extends string> = {
  /** The column index of each field the file has. */
  columns: Partial<Record<F, number>>;
  /** Every recognised header with the field it was read as, in file order. */
  mapped: { header: string; label: string }[];
  /** Headers Lodestar does not read (their columns are ignored). */
  unknown: string[];
  findings: Finding[];
};

/**
 * Matches the header row against the specs. A second column for a field already given is ignored (and said);
 * `ignored` names headers that are known but deliberately not read (columns Lodestar's own export adds), with
 * the reason; a column without a name is skipped silently when it holds nothing (`hasData`).
 */
export function mapHeaders<F extends string>(
  headers: string[],
  specs: ColumnSpec<F>[],
  ignored: { synonyms: string[]; why: string }[] = [],
  hasData: (index: number) => boolean = () => true,
): HeaderMap<F> {
  const bySynonym = new Map<string, ColumnSpec<F>>();
  for (const spec of specs)
    for (const s of [spec.label, ...spec.synonyms]) bySynonym.set(normaliseHeader(s), spec);
  const ignoredBy = new Map<string, string>();
  for (const group of ignored) for (const s of group.synonyms) ignoredBy.set(normaliseHeader(s), group.why);

  const columns: Partial<Record<F, number>> = {};
  const mapped: { header: string; label: string }[] = [];
  const unknown: string[] = [];
  const findings: Finding[] = [];
  const firstHeader = new Map<F, string>();
  headers.forEach((header, index) => {
    const key = normaliseHeader(header);
    if (key === '') {
      if (header.trim() !== '') unknown.push(header);
      else if (hasData(index)) unknown.push(`column ${index + 1} (no name in the header row)`);
      return;
    }
    const spec = bySynonym.get(key);
    if (spec) {
      const first = firstHeader.get(spec.field);
      if (first !== undefined) {
        findings.push({
          tone: 'warn',
          message: `“${clip(header, 60)}” is ignored: “${clip(first, 60)}” already gives the ${spec.label.toLowerCase()}.`,
        });
        return;
      }
      firstHeader.set(spec.field, header);
      columns[spec.field] = index;
      mapped.push({ header, label: spec.label });
      return;
    }
    const why = ignoredBy.get(key);
    if (why) findings.push({ tone: 'info', message: `“${clip(header, 60)}” is not read: ${why}` });
    else unknown.push(header);
  });
  if (unknown.length)
    findings.push({
      tone: 'warn',
      message: `${unknown.length === 1 ? 'This column is' : 'These columns are'} not read and will be ignored: ${quoteList(unknown)}.`,
    });
  return { columns, mapped, unknown, findings };
}

/** A field's cell in a row, or '' when the file has no such column. */
export function cellOf<F extends string>(map: HeaderMap<F>, cells: string[], field: F): string | undefined {
  const i = map.columns[field];
  return i === undefined ? undefined : cells[i];
}
