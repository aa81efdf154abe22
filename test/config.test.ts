import { describe, expect, it } from 'vitest';
import { readConfig } from '../src/config';

describe('config', () => {
  it('has defaults for a fresh machine', () => {
    const c = readConfig({});
    expect(c).toMatchObject({
      PORT: 3000,
      DATABASE_URL: 'file:./data/lodestar.db',
      LODESTAR_TRUST_PROXY: false,
    });
    expect(c.LODESTAR_ORIGIN).toBeUndefined();
  });

  it('keeps LODESTAR_ORIGIN in the form browsers send (lower-case host, no default port)', () => {
    expect(readConfig({ LODESTAR_ORIGIN: 'https://Lodestar.Example.com:443' }).LODESTAR_ORIGIN).toBe(
      'https://lodestar.example.com',
    );
    expect(readConfig({ LODESTAR_ORIGIN: 'http://proxy.local:8080' }).LODESTAR_ORIGIN).toBe(
      'http://proxy.local:8080',
    );
  });

  it('refuses a malformed origin or port with a message naming the variable', () => {
    expect(() => readConfig({ LODESTAR_ORIGIN: 'lodestar.example.com' })).toThrow(/LODESTAR_ORIGIN/);
    expect(() => readConfig({ PORT: 'eighty' })).toThrow(/PORT/);
  });

  it('turns the trust-proxy switch on only for 1 or true', () => {
    expect(readConfig({ LODESTAR_TRUST_PROXY: '1' }).LODESTAR_TRUST_PROXY).toBe(true);
    expect(readConfig({ LODESTAR_TRUST_PROXY: 'true' }).LODESTAR_TRUST_PROXY).toBe(true);
    expect(readConfig({ LODESTAR_TRUST_PROXY: 'yes' }).LODESTAR_TRUST_PROXY).toBe(false);
  });
});
