import { describe, expect, it } from 'vitest';
import { LoginLimiter, MAX_KEYS } from '../src/accounts/rate-limit';

const rule = { max: 3, windowMs: 60_000 };

describe('login limiter', () => {
  it('locks an account after max attempts, until the window ends', () => {
    const limiter = new LoginLimiter({ account: rule, address: { max: 1000, windowMs: 60_000 } });
    for (let i = 0; i < 3; i++) expect(limiter.attempt('a@x', '1.1.1.1', 0).limited).toBe(false);
    expect(limiter.attempt('a@x', '2.2.2.2', 10)).toMatchObject({ limited: true, scope: 'account' });
    expect(limiter.attempt('a@x', '2.2.2.2', 60_000).limited).toBe(false);
  });

  it('keeps a locked account locked while a flood of made-up emails fills its memory', () => {
    const limiter = new LoginLimiter({ account: rule, address: { max: 10 ** 9, windowMs: 60_000 } });
    for (let i = 0; i < 3; i++) limiter.attempt('victim@x', '9.9.9.9', 0);
    for (let i = 0; i < MAX_KEYS * 2; i++) limiter.attempt(`made-up-${i}@x`, '9.9.9.9', 1);
    expect(limiter.attempt('victim@x', '9.9.9.9', 2)).toMatchObject({ limited: true, scope: 'account' });
  });

  it('a success clears the account and gives back its share of the address', () => {
    const limiter = new LoginLimiter({ account: rule, address: { max: 3, windowMs: 60_000 } });
    limiter.attempt('a@x', '1.1.1.1', 0);
    limiter.attempt('a@x', '1.1.1.1', 0);
    limiter.succeeded('a@x', '1.1.1.1', 0);
    expect(limiter.attempt('b@x', '1.1.1.1', 0).limited).toBe(false);
    expect(limiter.attempt('b@x', '1.1.1.1', 0).limited).toBe(false);
    expect(limiter.attempt('c@x', '1.1.1.1', 0)).toMatchObject({ limited: true, scope: 'address' });
  });
});
