/** A whole-number `--name N` option of a benchmark's command line (`npm run bench:… -- --name N`). */
export function option(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  if (i < 0) return fallback;
  const value = Number(process.argv[i + 1]);
  if (!Number.isInteger(value) || value < 1) {
    console.error(`--${name} needs a whole number from 1`);
    process.exit(2);
  }
  return value;
}
