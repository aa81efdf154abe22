/** Where a command writes: results to `log` (stdout), refusals and usage errors to `error` (stderr). */
export type Output = { log(line: string): void; error(line: string): void };

/** A time as the command line shows it: UTC to the minute, so that columns line up. */
export function fmtTime(ms: number | null | undefined, none = '-'): string {
  if (ms == null) return none;
  return `${new Date(ms).toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}

/** Rows under a header, each column padded to its widest cell. */
export function table(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => c.padEnd(widths[i] ?? 0))
      .join('  ')
      .trimEnd();
  return [line(header), ...rows.map(line)].join('\n');
}

/**
 * Text that came from someone else (a name, a token label typed on the web) with control characters
 * replaced: an escape sequence in a label must not repaint the terminal of the person listing tokens.
 */
export const clean = (s: string) => s.replace(/\p{Cc}/gu, '?');
