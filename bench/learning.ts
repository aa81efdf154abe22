import { BLOCK_WEEKS, runBench, summaryLine } from './learning/simulate';
import { DEFAULT_PARAMS, LEVER_NAMES, type WorldParams } from './learning/world';

// `npm run bench:learning [-- --seeds N --first S --set name=value …]`: does the learning loop pay?
// Simulates twelve weekly meetings of a team with noisy, biased scores, once per seed, and compares the
// return per person-day of plain ICE ranking, Lodestar's calibrated expected-ROTI ranking and an oracle.
// The model and the defence of its parameters: bench/learning/world.ts. `--set` changes one parameter
// (e.g. `--set optimism=0`, `--set leverWinRate=0.2,0.4`) to see how the figures depend on it.

function fail(message: string): never {
  console.error(message);
  process.exit(2);
}

function option(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  if (i < 0) return fallback;
  const value = Number(process.argv[i + 1]);
  if (!Number.isInteger(value) || value < 1) fail(`--${name} needs a whole number from 1`);
  return value;
}

function params(): WorldParams {
  const p: Record<string, number | number[]> = { ...DEFAULT_PARAMS };
  process.argv.forEach((arg, i) => {
    if (arg !== '--set') return;
    const [name, value] = (process.argv[i + 1] ?? '').split('=');
    if (!name || value === undefined || !(name in p)) {
      fail(`--set needs name=value with one of: ${Object.keys(DEFAULT_PARAMS).join(', ')}`);
    }
    const numbers = value.split(',').map(Number);
    const wanted = Array.isArray(p[name]) ? 2 : 1;
    if (numbers.length !== wanted || numbers.some((n) => !Number.isFinite(n))) {
      fail(`--set ${name} needs ${wanted === 2 ? 'two numbers: low,high' : 'a number'}`);
    }
    p[name] = wanted === 2 ? numbers : (numbers[0] as number);
  });
  return p as WorldParams;
}

const count = option('seeds', 200);
const first = option('first', 1);
const p = params();
const seeds = Array.from({ length: count }, (_, i) => first + i);
const started = performance.now();
const result = runBench(seeds, p);
const elapsed = (performance.now() - started) / 1000;

const changed = Object.entries(p).filter(
  ([k, v]) => JSON.stringify(v) !== JSON.stringify(DEFAULT_PARAMS[k as keyof WorldParams]),
);
console.log(
  `learning loop benchmark: ${count} seeds (${first}–${first + count - 1}), ${p.weeks} weeks, ` +
    `${p.capacityDays} person-days a week, ${p.newPerWeek} new hypotheses a week, ${p.scorers} scorers, ` +
    `${LEVER_NAMES.length} levers`,
);
if (changed.length) console.log(`changed: ${changed.map(([k, v]) => `${k}=${v}`).join(' ')}`);
console.log('');
console.log('Cumulative return per person-day (mean ± sd across seeds), its ratio to plain ICE and to the');
console.log(`oracle, and the return per person-day within each block of ${BLOCK_WEEKS} weeks:`);
console.log('');
const plain = result.byName.plain?.mean ?? Number.NaN;
const best = result.byName.oracle?.mean ?? Number.NaN;
const width = Math.max(...result.figures.map((f) => f.label.length));
const blockHeads = (result.figures[0]?.blocks ?? []).map((_, i) => {
  const from = i * BLOCK_WEEKS + 1;
  return `wk ${from}–${Math.min(p.weeks, from + BLOCK_WEEKS - 1)}`.padStart(8);
});
console.log(`${'strategy'.padEnd(width)}   return/day       ÷ plain  ÷ oracle  ${blockHeads.join(' ')}`);
for (const f of result.figures) {
  const cells = [
    `${f.mean.toFixed(3)} ± ${f.sd.toFixed(3)}`,
    (f.mean / plain).toFixed(3).padStart(7),
    (f.mean / best).toFixed(3).padStart(8),
    ...f.blocks.map((b) => b.toFixed(3).padStart(8)),
  ];
  console.log(`${f.label.padEnd(width)}   ${cells.join('  ')}`);
}
console.log('');
console.log(`Lodestar beats plain ICE on ${(100 * result.lodestarBeatsPlain).toFixed(0)} % of seeds.`);
console.log(
  `Brier score of the Confidence behind Lodestar's picks: as stated ${result.brier.stated?.toFixed(3)}, ` +
    `calibrated ${result.brier.calibrated?.toFixed(3)} (0 is perfect, 0.25 is always saying 5).`,
);
console.log(`Ran in ${elapsed.toFixed(1)} s.`);
console.log(summaryLine(result));
