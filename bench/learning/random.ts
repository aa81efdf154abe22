// Deterministic randomness for the learning benchmark: every figure it prints can be reproduced from its
// seed, on any machine, so a change in the result means a change in the model or in the app's functions.

export type Rng = () => number;

/** mulberry32: a tiny, fast 32-bit PRNG; plenty for a simulation (not for anything secret). */
export function mulberry32(seed: number): Rng {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export const uniform = (rng: Rng, lo: number, hi: number) => lo + (hi - lo) * rng();

/** A normal draw (Box–Muller). */
export function normal(rng: Rng, mean = 0, sd = 1): number {
  const u = 1 - rng(); // (0, 1]: log(0) would be -Infinity
  const v = rng();
  return mean + sd * Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
}

/** A log-normal draw with the given median and log-scale spread. */
export const logNormal = (rng: Rng, median: number, sdLog: number) =>
  median * Math.exp(normal(rng, 0, sdLog));

export const clamp = (value: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, value));

export const round = (value: number, digits: number) => {
  const f = 10 ** digits;
  return Math.round((value + Number.EPSILON) * f) / f;
};

/** Picks one of the weighted options. */
export function pick<T>(rng: Rng, options: readonly (readonly [T, number])[]): T {
  const total = options.reduce((a, [, w]) => a + w, 0);
  let r = rng() * total;
  for (const [value, weight] of options) {
    r -= weight;
    if (r < 0) return value;
  }
  const last = options[options.length - 1];
  if (!last) throw new Error('pick from no options');
  return last[0];
}

export const mean = (values: number[]) => values.reduce((a, b) => a + b, 0) / values.length;

/** Sample standard deviation (n − 1); 0 for fewer than two values. */
export function sd(values: number[]): number {
  if (values.length < 2) return 0;
  const m = mean(values);
  return Math.sqrt(values.reduce((a, v) => a + (v - m) ** 2, 0) / (values.length - 1));
}
