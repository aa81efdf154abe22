import { parseValue } from '../measurements/measurements';

/**
 * A number cell as the importer reads it (parseValue's rules), with the one hint people need most: a decimal
 * comma ("0,42", as a spreadsheet in a comma-decimal locale writes it) is read only in a semicolon-separated
 * file, where it cannot be mistaken for a separator or a thousands mark ("1,250" is 1250 in a comma file).
 */
export function readNumber(raw: string, opts: { decimalComma: boolean }): number | { error: string } {
  const value = parseValue(raw, opts);
  if (typeof value === 'number' || opts.decimalComma) return value;
  const t = raw.trim();
  const m = /^([-+\u2212]?\d*),(\d{1,2}|\d{4,})(%?)$/.exec(t);
  if (!m) return value;
  return {
    error: `“${t}” is not a number: write decimals with a point (${m[1]}.${m[2]}${m[3]}); a decimal comma is read only in a semicolon-separated file.`,
  };
}
