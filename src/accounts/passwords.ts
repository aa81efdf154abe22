import { randomBytes, type ScryptOptions, scrypt, timingSafeEqual } from 'node:crypto';

/** scrypt cost: N = 2^logN. OWASP's recommendation for scrypt is N=2^17, r=8, p=1. */
export type ScryptParams = { logN: number; r: number; p: number };
export const OWASP_SCRYPT: ScryptParams = { logN: 17, r: 8, p: 1 };

const KEY_LENGTH = 32;
const SALT_LENGTH = 16;
// scrypt needs 128·N·r bytes; Node's default maxmem (32 MiB) is below what N=2^17, r=8 needs (128 MiB).
const maxmem = (p: ScryptParams) => 128 * 2 ** p.logN * p.r * 2;

// Each hash at OWASP's cost takes 128 MiB and a libuv thread for a few hundred milliseconds; a burst of
// logins must queue rather than exhaust memory or starve the thread pool that libSQL also uses.
const MAX_CONCURRENT_HASHES = 2;
let running = 0;
const waiting: (() => void)[] = [];

async function limited<T>(fn: () => Promise<T>): Promise<T> {
  if (running >= MAX_CONCURRENT_HASHES) await new Promise<void>((resolve) => waiting.push(resolve));
  running++;
  try {
    return await fn();
  } finally {
    running--;
    waiting.shift()?.();
  }
}

/** How many hashes have been computed since start: tests use it to check both login paths do the same work. */
export const hashStats = { computed: 0 };

function derive(password: string, salt: Buffer, params: ScryptParams): Promise<Buffer> {
  const options: ScryptOptions = { N: 2 ** params.logN, r: params.r, p: params.p, maxmem: maxmem(params) };
  return limited(
    () =>
      new Promise<Buffer>((resolve, reject) => {
        hashStats.computed++;
        scrypt(password.normalize('NFKC'), salt, KEY_LENGTH, options, (err, key) =>
          err ? reject(err) : resolve(key),
        );
      }),
  );
}

export async function hashPassword(password: string, params: ScryptParams = OWASP_SCRYPT): Promise<string> {
  const salt = randomBytes(SALT_LENGTH);
  const key = await derive(password, salt, params);
  return ['scrypt', params.logN, params.r, params.p, salt.toString('base64'), key.toString('base64')].join(
    '$',
  );
}

function parseHash(stored: string): { params: ScryptParams; salt: Buffer; key: Buffer } | undefined {
  const parts = stored.split('$');
  if (parts.length !== 6 || parts[0] !== 'scrypt') return undefined;
  const [logN, r, p] = parts.slice(1, 4).map(Number);
  if (!logN || !r || !p || logN > 20 || r > 32 || p > 16) return undefined;
  return {
    params: { logN, r, p },
    salt: Buffer.from(parts[4] ?? '', 'base64'),
    key: Buffer.from(parts[5] ?? '', 'base64'),
  };
}

/** True when the password matches; compares in constant time. A malformed stored hash never matches. */
export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const parsed = parseHash(stored);
  if (!parsed || parsed.key.length !== KEY_LENGTH) return false;
  const key = await derive(password, parsed.salt, parsed.params);
  return timingSafeEqual(key, parsed.key);
}

// A hash of a password nobody knows, at the same cost as real ones: checking a login for an unknown email
// against it takes as long as checking a wrong password, so the answer's timing does not reveal accounts.
const dummies = new Map<string, Promise<string>>();
export function dummyHash(params: ScryptParams = OWASP_SCRYPT): Promise<string> {
  const key = `${params.logN}/${params.r}/${params.p}`;
  let hash = dummies.get(key);
  if (!hash) {
    hash = hashPassword(randomBytes(24).toString('base64'), params);
    dummies.set(key, hash);
  }
  return hash;
}
