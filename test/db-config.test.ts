import { describe, expect, it } from 'vitest';
import { clientOptions, dbKind, dbSettings } from '../db/client-options';
import { readConfig } from '../src/config';

const optionsFor = (env: Record<string, string>) => clientOptions(dbSettings(readConfig(env)), 5000);

describe('database configuration', () => {
  it('builds client options for a file, a libSQL server and an embedded replica', () => {
    const table: [Record<string, string>, object, string][] = [
      [{}, { url: 'file:./data/lodestar.db', timeout: 5000 }, 'file'],
      [
        { DATABASE_URL: 'libsql://lodestar-team.turso.io', LIBSQL_AUTH_TOKEN: 'tok' },
        { url: 'libsql://lodestar-team.turso.io', authToken: 'tok' },
        'remote',
      ],
      [{ DATABASE_URL: 'https://sqld.internal:8080' }, { url: 'https://sqld.internal:8080' }, 'remote'],
      [
        {
          DATABASE_URL: 'file:/var/lib/lodestar/replica.db',
          LODESTAR_REPLICA_URL: 'libsql://primary.example.com',
          LIBSQL_AUTH_TOKEN: 'tok',
          LIBSQL_SYNC_INTERVAL: '15',
        },
        {
          url: 'file:/var/lib/lodestar/replica.db',
          syncUrl: 'libsql://primary.example.com',
          syncInterval: 15,
          readYourWrites: true,
          authToken: 'tok',
          timeout: 5000,
        },
        'replica',
      ],
      [
        { DATABASE_URL: 'file:replica.db', LIBSQL_SYNC_URL: 'https://primary.example.com' },
        {
          url: 'file:replica.db',
          syncUrl: 'https://primary.example.com',
          syncInterval: 60,
          readYourWrites: true,
          timeout: 5000,
        },
        'replica',
      ],
    ];
    for (const [env, options, kind] of table) {
      expect(optionsFor(env)).toEqual(options);
      expect(dbKind(dbSettings(readConfig(env)))).toBe(kind);
    }
  });

  it('lets LODESTAR_REPLICA_URL win over LIBSQL_SYNC_URL, and ignores empty values', () => {
    expect(
      optionsFor({
        DATABASE_URL: 'file:r.db',
        LIBSQL_SYNC_URL: 'libsql://b.example.com',
        LODESTAR_REPLICA_URL: 'libsql://a.example.com',
      }),
    ).toMatchObject({ syncUrl: 'libsql://a.example.com' });
    expect(optionsFor({ LIBSQL_AUTH_TOKEN: '', LODESTAR_REPLICA_URL: '' })).toEqual({
      url: 'file:./data/lodestar.db',
      timeout: 5000,
    });
  });

  it('refuses settings that cannot work, saying which and why', () => {
    const refused: [Record<string, string>, string][] = [
      [{ DATABASE_URL: 'postgres://db/lodestar' }, 'DATABASE_URL is file:PATH, or libsql://'],
      [{ DATABASE_URL: './data/lodestar.db' }, 'DATABASE_URL is file:PATH'],
      [
        { DATABASE_URL: 'libsql://a.example.com', LODESTAR_REPLICA_URL: 'libsql://b.example.com' },
        'LODESTAR_REPLICA_URL: An embedded replica keeps a local copy',
      ],
      [{ DATABASE_URL: 'file:r.db', LODESTAR_REPLICA_URL: 'ftp://x' }, "primary's libsql:// or https:// URL"],
      [{ LIBSQL_SYNC_INTERVAL: '0' }, 'LIBSQL_SYNC_INTERVAL'],
    ];
    for (const [env, text] of refused) expect(() => readConfig(env)).toThrow(text);
  });
});
