/**
 * Failed sign-ins counted per account and per client address in fixed windows. Kept in memory: Lodestar
 * runs as one process, and a restart forgetting the counts costs an attacker a restart they cannot cause.
 */
export type LimitRule = { max: number; windowMs: number };

export const LOGIN_LIMITS = {
  // Enough for a person mistyping; far too few to guess a password.
  account: { max: 5, windowMs: 15 * 60 * 1000 },
  // An office behind one address has several people signing in; one address guessing many accounts does not.
  address: { max: 20, windowMs: 15 * 60 * 1000 },
} satisfies Record<string, LimitRule>;

// The maps cannot grow without bound under a spray of made-up emails: past this size, finished windows go
// first, then the oldest keys that are not locked out, so flooding cannot unlock an account.
export const MAX_KEYS = 10_000;

class Counter {
  private hits = new Map<string, { count: number; resetAt: number }>();
  constructor(private readonly rule: LimitRule) {}

  /** Milliseconds until the key may try again, or 0 when it may now. */
  blockedFor(key: string, now: number): number {
    const entry = this.hits.get(key);
    if (!entry || entry.resetAt <= now) return 0;
    return entry.count >= this.rule.max ? entry.resetAt - now : 0;
  }

  hit(key: string, now: number): void {
    const entry = this.hits.get(key);
    if (!entry || entry.resetAt <= now) {
      this.hits.delete(key);
      if (this.hits.size >= MAX_KEYS) this.makeRoom(now);
      this.hits.set(key, { count: 1, resetAt: now + this.rule.windowMs });
    } else entry.count++;
  }

  clear(key: string): void {
    this.hits.delete(key);
  }

  private makeRoom(now: number): void {
    for (const [k, e] of this.hits) if (e.resetAt <= now) this.hits.delete(k);
    if (this.hits.size < MAX_KEYS) return;
    // Map order is insertion order: the first unlocked key is the oldest one.
    for (const [k, e] of this.hits) {
      if (e.count < this.rule.max) {
        this.hits.delete(k);
        return;
      }
    }
    // Every key is locked out, which takes max × MAX_KEYS failures inside one window: the oldest lock goes.
    const oldest = this.hits.keys().next().value;
    if (oldest !== undefined) this.hits.delete(oldest);
  }

  /** Takes back one hit (an attempt counted up front that turned out not to be a failure). */
  release(key: string, now: number): void {
    const entry = this.hits.get(key);
    if (entry && entry.resetAt > now && entry.count > 0) entry.count--;
  }
}

export type LimitVerdict =
  | { limited: false }
  | { limited: true; scope: 'account' | 'address'; retryAfterMs: number };

export class LoginLimiter {
  private account: Counter;
  private address: Counter;
  constructor(limits: { account: LimitRule; address: LimitRule } = LOGIN_LIMITS) {
    this.account = new Counter(limits.account);
    this.address = new Counter(limits.address);
  }

  /**
   * Whether this attempt may go ahead; if so it is counted at once, as a failure until `succeeded` says
   * otherwise. Counting only after the (slow) password check would let a burst of parallel guesses all
   * pass the check before the first of them failed.
   */
  attempt(email: string, address: string, now = Date.now()): LimitVerdict {
    const byAccount = this.account.blockedFor(email, now);
    if (byAccount) return { limited: true, scope: 'account', retryAfterMs: byAccount };
    const byAddress = this.address.blockedFor(address, now);
    if (byAddress) return { limited: true, scope: 'address', retryAfterMs: byAddress };
    this.account.hit(email, now);
    this.address.hit(address, now);
    return { limited: false };
  }

  /**
   * The attempt had the right password: the account's count is cleared, and the address's loses this
   * attempt (but keeps the others' failures: several people may share it).
   */
  succeeded(email: string, address: string, now = Date.now()): void {
    this.account.clear(email);
    this.address.release(address, now);
  }
}

export function limitMessage(v: Extract<LimitVerdict, { limited: true }>): string {
  const minutes = Math.max(1, Math.ceil(v.retryAfterMs / 60000));
  const wait = `Try again in ${minutes} minute${minutes === 1 ? '' : 's'}`;
  return v.scope === 'account'
    ? `Too many failed sign-ins for this account. ${wait}, or ask an owner to reset the password.`
    : `Too many failed sign-ins from your network. ${wait}.`;
}
