import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { and, eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import type { Db } from '../db/client';
import { FACTORY_PASSWORD, FACTORY_SCRYPT, makeMember, makeUser, makeWorkspace } from '../db/factories';
import { apiTokens, auditEvents, memberships, sessions, users } from '../db/schema';
import { hashStats, verifyPassword } from '../src/accounts/passwords';
import { countSessions, createSession } from '../src/accounts/sessions';
import { createToken, resolveToken } from '../src/accounts/tokens';
import { findUserByEmail } from '../src/accounts/users';
import { personalTrail } from '../src/audit/audit';
import { runCli } from '../src/cli/commands';
import { freshDb, signIn } from './helpers';

/** Runs one command line in-process, with a cheap scrypt cost; returns the exit code and what it printed. */
async function cli(db: Db, ...argv: string[]) {
  const stdout: string[] = [];
  const stderr: string[] = [];
  const code = await runCli(
    argv,
    db,
    { log: (l) => stdout.push(l), error: (l) => stderr.push(l) },
    { scrypt: FACTORY_SCRYPT },
  );
  return { code, stdout: stdout.join('\n'), stderr: stderr.join('\n') };
}

const PASSWORD = 'a long enough password';
const allUsers = (db: Db) => db.orm.select().from(users);
const allTokens = (db: Db) => db.orm.select().from(apiTokens);
const allMemberships = (db: Db) => db.orm.select().from(memberships);
const roleOf = async (db: Db, workspaceId: number, userId: number) =>
  (
    await db.orm
      .select({ role: memberships.role })
      .from(memberships)
      .where(and(eq(memberships.workspaceId, workspaceId), eq(memberships.userId, userId)))
  )[0]?.role;

describe('command line: usage', () => {
  it('help and --help list every command on stdout', async () => {
    const db = await freshDb();
    for (const word of ['help', '--help']) {
      const r = await cli(db, word);
      expect(r.code).toBe(0);
      expect(r.stderr).toBe('');
      for (const command of [
        'user add --email E --name N --password P [--owner]',
        'user reset-password --email E [--password P]',
        'user list',
        'member add --workspace SLUG --email E --role owner|editor|viewer',
        'token create --email E [--name LABEL]',
        'token list --email E',
        'token revoke --id N | --token T',
      ])
        expect(r.stdout).toContain(command);
    }
  });

  it('a command with --help shows its own usage', async () => {
    const db = await freshDb();
    const r = await cli(db, 'token', 'create', '--help');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('Usage: npm run lodestar -- token create --email E [--name LABEL]');
    expect(await allTokens(db)).toEqual([]);
  });

  it('no command, an unknown command, an unknown option or a missing option is bad usage (2) and writes nothing', async () => {
    const db = await freshDb();
    const none = await cli(db);
    expect(none.code).toBe(2);
    expect(none.stdout).toBe('');
    expect(none.stderr).toContain('Usage: npm run lodestar -- <command>');

    const unknown = await cli(db, 'user', 'delete', '--email', 'ada@example.com');
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('Unknown command "user delete".');
    expect(unknown.stderr).toContain('user add --email E');

    expect((await cli(db, 'frobnicate')).stderr).toContain('Unknown command "frobnicate".');
    expect((await cli(db, 'token')).stderr).toContain('"token" needs a command after it.');

    const option = await cli(
      db,
      'user',
      'add',
      '--email',
      'a@example.com',
      '--name',
      'A',
      '--pasword',
      PASSWORD,
    );
    expect(option.code).toBe(2);
    expect(option.stderr).toContain("Unknown option '--pasword'");
    expect(option.stderr).toContain('Usage: npm run lodestar -- user add --email E --name N --password P');

    const missing = await cli(db, 'user', 'add', '--email', 'a@example.com', '--name', 'A');
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('--password is required.');

    const noValue = await cli(db, 'token', 'list', '--email');
    expect(noValue.code).toBe(2);
    expect(noValue.stderr).toContain("Option '--email <value>' argument missing");

    const extra = await cli(db, 'user', 'list', 'everyone');
    expect(extra.code).toBe(2);
    expect(extra.stderr).toContain("Unexpected argument 'everyone'");

    expect(await allUsers(db)).toEqual([]);
  });
});

describe('command line: user add', () => {
  it('the first person becomes a server owner and owns every workspace without members, as /setup does', async () => {
    const db = await freshDb();
    const orphan = await makeWorkspace(db, { slug: 'growth-team' });
    const r = await cli(
      db,
      'user',
      'add',
      '--email',
      ' Ada@Example.COM ',
      '--name',
      ' Ada ',
      '--password',
      PASSWORD,
    );
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('Added Ada <ada@example.com> as the first person on this server.');
    expect(r.stdout).toContain('They own every workspace that had no members: growth-team.');
    const [ada, ...others] = await allUsers(db);
    expect(others).toEqual([]);
    expect(ada).toMatchObject({ email: 'ada@example.com', name: 'Ada', isServerOwner: true });
    expect(await verifyPassword(PASSWORD, ada?.passwordHash ?? '')).toBe(true);
    expect(await roleOf(db, orphan.id, ada?.id ?? 0)).toBe('owner');
    expect(r.stdout).not.toContain(ada?.passwordHash);
  });

  it('later people adopt nothing; --owner decides whether they may start workspaces', async () => {
    const db = await freshDb();
    await makeUser(db, { serverOwner: true });
    await makeWorkspace(db);

    const plain = await cli(
      db,
      'user',
      'add',
      '--email',
      'bo@example.com',
      '--name',
      'Bo',
      '--password',
      PASSWORD,
    );
    expect(plain.code).toBe(0);
    expect(plain.stdout).toContain('Added Bo <bo@example.com>.');
    expect(plain.stdout).toContain('member add --workspace SLUG --email bo@example.com --role editor');
    const owner = await cli(
      db,
      'user',
      'add',
      '--email',
      'cy@example.com',
      '--name',
      'Cy',
      '--password',
      PASSWORD,
      '--owner',
    );
    expect(owner.code).toBe(0);
    expect(owner.stdout).toContain('They are a server owner: they may start workspaces.');

    expect(await findUserByEmail(db, 'bo@example.com')).toMatchObject({ isServerOwner: false });
    expect(await findUserByEmail(db, 'cy@example.com')).toMatchObject({ isServerOwner: true });
    // The workspace without members stays so: only the very first person adopts.
    expect(await allMemberships(db)).toEqual([]);
  });

  it('refuses an email already taken (1) and bad input (2), without hashing or writing', async () => {
    const db = await freshDb();
    await makeUser(db, { email: 'ada@example.com', name: 'Ada' });
    const before = await allUsers(db);
    const hashes = hashStats.computed;

    const taken = await cli(
      db,
      'user',
      'add',
      '--email',
      'ADA@example.com',
      '--name',
      'Other',
      '--password',
      PASSWORD,
    );
    expect(taken.code).toBe(1);
    expect(taken.stderr).toBe('There is already an account for ada@example.com.');

    const short = await cli(
      db,
      'user',
      'add',
      '--email',
      'b@example.com',
      '--name',
      'B',
      '--password',
      '123456789',
    );
    expect(short.code).toBe(2);
    expect(short.stderr).toContain('--password needs at least 10 characters.');
    const long = await cli(
      db,
      'user',
      'add',
      '--email',
      'b@example.com',
      '--name',
      'B',
      '--password',
      'x'.repeat(201),
    );
    expect(long.code).toBe(2);
    expect(long.stderr).toContain('--password is at most 200 characters.');
    const email = await cli(
      db,
      'user',
      'add',
      '--email',
      'not-an-email',
      '--name',
      'B',
      '--password',
      PASSWORD,
    );
    expect(email.code).toBe(2);
    expect(email.stderr).toContain('--email must be an email address');
    const name = await cli(
      db,
      'user',
      'add',
      '--email',
      'b@example.com',
      '--name',
      '   ',
      '--password',
      PASSWORD,
    );
    expect(name.code).toBe(2);
    expect(name.stderr).toContain('--name is required.');

    expect(hashStats.computed).toBe(hashes);
    expect(await allUsers(db)).toEqual(before);
  });
});

describe('command line: user reset-password', () => {
  it('sets the given password and ends every session of the person', async () => {
    const db = await freshDb();
    const me = await signIn(db, await makeUser(db, { email: 'ada@example.com' }));
    await createSession(db, me.user.id);
    const r = await cli(db, 'user', 'reset-password', '--email', 'Ada@example.com', '--password', PASSWORD);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('Set a new password for ada@example.com and ended 2 sessions.');
    expect(await countSessions(db, me.user.id)).toBe(0);
    const after = await findUserByEmail(db, 'ada@example.com');
    expect(await verifyPassword(PASSWORD, after?.passwordHash ?? '')).toBe(true);
    expect(await verifyPassword(FACTORY_PASSWORD, after?.passwordHash ?? '')).toBe(false);
  });

  it('without --password generates a strong one and prints it once', async () => {
    const db = await freshDb();
    await makeUser(db, { email: 'ada@example.com' });
    const r = await cli(db, 'user', 'reset-password', '--email', 'ada@example.com');
    expect(r.code).toBe(0);
    const password = r.stdout.match(/New password \(shown only this once\): (\S+)/)?.[1] ?? '';
    expect(password).toMatch(/^[A-Za-z0-9][A-Za-z0-9_-]{15,}$/);
    expect(r.stdout.split(password)).toHaveLength(2);
    const after = await findUserByEmail(db, 'ada@example.com');
    expect(await verifyPassword(password, after?.passwordHash ?? '')).toBe(true);
  });

  it('an unknown email is refused (1) and nobody is signed out', async () => {
    const db = await freshDb();
    const me = await signIn(db, await makeUser(db));
    const r = await cli(
      db,
      'user',
      'reset-password',
      '--email',
      'nobody@example.com',
      '--password',
      PASSWORD,
    );
    expect(r.code).toBe(1);
    expect(r.stderr).toBe('There is no account for nobody@example.com.');
    expect(await countSessions(db, me.user.id)).toBe(1);
    const short = await cli(db, 'user', 'reset-password', '--email', me.user.email, '--password', 'short');
    expect(short.code).toBe(2);
    expect(await db.orm.select().from(sessions)).toHaveLength(1);
  });
});

describe('command line: user list', () => {
  it('lists email, name, server owner and created, never a password hash', async () => {
    const db = await freshDb();
    const empty = await cli(db, 'user', 'list');
    expect(empty.code).toBe(0);
    expect(empty.stdout).toContain('Nobody has an account yet.');

    const ada = await makeUser(
      db,
      { email: 'ada@example.com', name: 'Ada', serverOwner: true },
      Date.UTC(2025, 0, 2, 9, 30),
    );
    await makeUser(db, { email: 'bo@example.com', name: 'Bo \u001b[31mRed' });
    const r = await cli(db, 'user', 'list');
    expect(r.code).toBe(0);
    const lines = r.stdout.split('\n');
    expect(lines[0]).toMatch(/^email\s+name\s+server owner\s+created$/);
    expect(lines[1]).toMatch(/^ada@example\.com\s+Ada\s+yes\s+2025-01-02 09:30 UTC$/);
    expect(lines[2]).toMatch(/^bo@example\.com\s+Bo \?\[31mRed\s+no\s+/);
    expect(r.stdout).not.toContain(ada.passwordHash);
    expect(r.stdout).not.toContain('scrypt$');
  });
});

describe('command line: member add', () => {
  it('adds a member, changes a role, leaves a role as it is; recorded as "command line"', async () => {
    const db = await freshDb();
    const owner = await makeUser(db);
    const ws = await makeWorkspace(db, { slug: 'growth-team', ownerId: owner.id });
    const bo = await makeUser(db, { email: 'bo@example.com' });

    const add = await cli(
      db,
      'member',
      'add',
      '--workspace',
      'growth-team',
      '--email',
      'BO@example.com',
      '--role',
      'viewer',
    );
    expect(add.code).toBe(0);
    expect(add.stdout).toBe('Added bo@example.com to growth-team as viewer.');
    expect(await roleOf(db, ws.id, bo.id)).toBe('viewer');

    const change = await cli(
      db,
      'member',
      'add',
      '--workspace',
      'growth-team',
      '--email',
      'bo@example.com',
      '--role',
      'editor',
    );
    expect(change.code).toBe(0);
    expect(change.stdout).toBe('bo@example.com is now editor of growth-team (was viewer).');
    expect(await roleOf(db, ws.id, bo.id)).toBe('editor');

    const same = await cli(
      db,
      'member',
      'add',
      '--workspace',
      'growth-team',
      '--email',
      'bo@example.com',
      '--role',
      'editor',
    );
    expect(same.code).toBe(0);
    expect(same.stdout).toContain('already editor of growth-team; nothing changed.');

    const events = await db.orm
      .select()
      .from(auditEvents)
      .where(and(eq(auditEvents.entity, 'membership'), eq(auditEvents.entityId, bo.id)));
    expect(events.map((e) => [e.action, e.actorName, e.actorUserId, e.after?.role])).toEqual([
      ['add', 'command line', null, 'viewer'],
      ['role', 'command line', null, 'editor'],
    ]);
  });

  it('refuses to demote the last owner (1) and unknown workspaces or people (1); a bad role is bad usage (2)', async () => {
    const db = await freshDb();
    const owner = await makeUser(db, { email: 'ada@example.com' });
    const ws = await makeWorkspace(db, { slug: 'growth-team', ownerId: owner.id });
    await makeMember(db, ws, 'viewer', { email: 'bo@example.com' });
    const before = await allMemberships(db);

    const last = await cli(
      db,
      'member',
      'add',
      '--workspace',
      'growth-team',
      '--email',
      'ada@example.com',
      '--role',
      'editor',
    );
    expect(last.code).toBe(1);
    expect(last.stderr).toBe('A workspace needs at least one owner: make someone else owner first.');

    const noWs = await cli(
      db,
      'member',
      'add',
      '--workspace',
      'nowhere',
      '--email',
      'bo@example.com',
      '--role',
      'editor',
    );
    expect(noWs.code).toBe(1);
    expect(noWs.stderr).toContain('There is no workspace "nowhere"');

    const nobody = await cli(
      db,
      'member',
      'add',
      '--workspace',
      'growth-team',
      '--email',
      'cy@example.com',
      '--role',
      'editor',
    );
    expect(nobody.code).toBe(1);
    expect(nobody.stderr).toContain('There is no account for cy@example.com.');

    const role = await cli(
      db,
      'member',
      'add',
      '--workspace',
      'growth-team',
      '--email',
      'bo@example.com',
      '--role',
      'admin',
    );
    expect(role.code).toBe(2);
    expect(role.stderr).toContain('--role is one of viewer, editor, owner.');

    expect(await allMemberships(db)).toEqual(before);
  });
});

describe('command line: tokens', () => {
  it('token create prints the token once with a hint; it works as a bearer token; recorded as "command line"', async () => {
    const db = await freshDb();
    const ada = await makeUser(db, { email: 'ada@example.com' });
    const r = await cli(db, 'token', 'create', '--email', 'ada@example.com');
    expect(r.code).toBe(0);
    const token = r.stdout.split('\n').find((l) => l.startsWith('lsk_')) ?? '';
    expect(r.stdout.split(token)).toHaveLength(2);
    expect(r.stdout).toContain('Authorization: Bearer <token>');
    expect(r.stdout).toContain('"command line" for ada@example.com');
    expect((await resolveToken(db, token))?.id).toBe(ada.id);
    const [row] = await allTokens(db);
    expect(row).toMatchObject({ userId: ada.id, label: 'command line' });
    expect(r.stdout).not.toContain(row?.tokenHash);

    const named = await cli(
      db,
      'token',
      'create',
      '--email',
      'ada@example.com',
      '--name',
      ' nightly import ',
    );
    expect(named.code).toBe(0);
    expect((await allTokens(db)).map((t) => t.label).sort()).toEqual(['command line', 'nightly import']);

    const events = await db.orm.select().from(auditEvents).where(eq(auditEvents.entity, 'token'));
    expect(events.map((e) => [e.action, e.actorName])).toEqual([
      ['create', 'command line'],
      ['create', 'command line'],
    ]);
  });

  it('token create and list refuse an unknown email (1) and a blank label (2)', async () => {
    const db = await freshDb();
    await makeUser(db, { email: 'ada@example.com' });
    const unknown = await cli(db, 'token', 'create', '--email', 'nobody@example.com');
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toBe('There is no account for nobody@example.com.');
    const blank = await cli(db, 'token', 'create', '--email', 'ada@example.com', '--name', ' ');
    expect(blank.code).toBe(2);
    expect(blank.stderr).toContain('--name, when given, must not be blank.');
    expect((await cli(db, 'token', 'list', '--email', 'nobody@example.com')).code).toBe(1);
    expect(await allTokens(db)).toEqual([]);
  });

  it('token list shows id, label, prefix, created, last used and revoked, never the token or its hash', async () => {
    const db = await freshDb();
    const ada = await makeUser(db, { email: 'ada@example.com' });
    const empty = await cli(db, 'token', 'list', '--email', 'ada@example.com');
    expect(empty.code).toBe(0);
    expect(empty.stdout).toContain('ada@example.com has no API tokens.');

    const used = await createToken(db, ada.id, 'ci', Date.UTC(2025, 0, 2, 9, 0));
    await resolveToken(db, used.token, Date.UTC(2025, 0, 3, 10, 15));
    const gone = await createToken(db, ada.id, 'old laptop', Date.UTC(2025, 0, 1, 8, 0));
    await cli(db, 'token', 'revoke', '--id', String(gone.info.id));

    const r = await cli(db, 'token', 'list', '--email', 'ada@example.com');
    expect(r.code).toBe(0);
    const lines = r.stdout.split('\n');
    expect(lines[0]).toMatch(/^id\s+label\s+prefix\s+created\s+last used\s+revoked$/);
    expect(lines[1]).toMatch(
      new RegExp(
        `^${used.info.id}\\s+ci\\s+${used.info.prefix}…\\s+2025-01-02 09:00 UTC\\s+2025-01-03 10:15 UTC\\s+-$`,
      ),
    );
    expect(lines[2]).toMatch(
      new RegExp(`^${gone.info.id}\\s+old laptop\\s+\\S+\\s+2025-01-01 08:00 UTC\\s+never\\s+\\d{4}-`),
    );
    for (const t of await allTokens(db)) expect(r.stdout).not.toContain(t.tokenHash);
    expect(r.stdout).not.toContain(used.token);
  });

  it('token revoke by id or by value stops the token working; recorded as "command line"', async () => {
    const db = await freshDb();
    const ada = await makeUser(db, { email: 'ada@example.com' });
    const one = await createToken(db, ada.id, 'one');
    const two = await createToken(db, ada.id, 'two');

    const byId = await cli(db, 'token', 'revoke', '--id', String(one.info.id));
    expect(byId.code).toBe(0);
    expect(byId.stdout).toContain(`Revoked the token ${one.info.id} "one"`);
    expect(byId.stdout).toContain('of ada@example.com: it no longer works.');
    expect(await resolveToken(db, one.token)).toBeUndefined();
    expect((await resolveToken(db, two.token))?.id).toBe(ada.id);

    const byValue = await cli(db, 'token', 'revoke', '--token', two.token);
    expect(byValue.code).toBe(0);
    expect(byValue.stdout).toContain(`Revoked the token ${two.info.id} "two"`);
    expect(await resolveToken(db, two.token)).toBeUndefined();

    const again = await cli(db, 'token', 'revoke', '--id', String(one.info.id));
    expect(again.code).toBe(0);
    expect(again.stdout).toContain('was already revoked');

    const events = await db.orm
      .select()
      .from(auditEvents)
      .where(and(eq(auditEvents.entity, 'token'), eq(auditEvents.action, 'revoke')));
    expect(events.map((e) => [e.entityId, e.actorName])).toEqual([
      [one.info.id, 'command line'],
      [two.info.id, 'command line'],
    ]);
    // The token's owner sees on their account page what the command line did to their tokens.
    const trail = await personalTrail(db, ada.id);
    expect(trail.map((e) => `${e.action} ${e.entityId}`)).toEqual(
      expect.arrayContaining([`revoke ${one.info.id}`, `revoke ${two.info.id}`]),
    );
    const other = await makeUser(db);
    expect(await personalTrail(db, other.id)).toEqual([]);
  });

  it('token revoke refuses unknown tokens (1) and needs exactly one of --id or --token (2)', async () => {
    const db = await freshDb();
    const ada = await makeUser(db);
    const live = await createToken(db, ada.id, 'live');

    const noId = await cli(db, 'token', 'revoke', '--id', '999');
    expect(noId.code).toBe(1);
    expect(noId.stderr).toContain('There is no token 999.');
    const noValue = await cli(db, 'token', 'revoke', '--token', `${live.token}x`);
    expect(noValue.code).toBe(1);
    expect(noValue.stderr).toBe('No token has that value; check that it was copied whole.');

    const both = await cli(db, 'token', 'revoke', '--id', String(live.info.id), '--token', live.token);
    expect(both.code).toBe(2);
    expect(both.stderr).toContain('Give exactly one of --id or --token.');
    const neither = await cli(db, 'token', 'revoke');
    expect(neither.code).toBe(2);
    const notANumber = await cli(db, 'token', 'revoke', '--id', 'one');
    expect(notANumber.code).toBe(2);
    expect(notANumber.stderr).toContain('--id is a token number');

    expect((await resolveToken(db, live.token))?.id).toBe(ada.id);
    expect((await allTokens(db)).map((t) => t.revokedAt)).toEqual([null]);
  });
});

const root = fileURLToPath(new URL('..', import.meta.url));

/** Runs `npm run lodestar -- …` as a self-hoster would, in a child process. */
function npmRun(databaseUrl: string, ...args: string[]) {
  return new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve, reject) => {
    const child = spawn('npm', ['run', '--silent', 'lodestar', '--', ...args], {
      cwd: root,
      env: { ...process.env, DATABASE_URL: databaseUrl },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => {
      stdout += d;
    });
    child.stderr.on('data', (d) => {
      stderr += d;
    });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

describe('command line: the real command', () => {
  it('npm run lodestar -- user add, then token create, on a new database', { timeout: 30_000 }, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'lodestar-cli-'));
    try {
      const url = `file:${join(dir, 'x.db')}`;
      const add = await npmRun(
        url,
        'user',
        'add',
        '--email',
        'ada@example.com',
        '--name',
        'Ada',
        '--password',
        PASSWORD,
      );
      expect(add.stdout).toContain('Added Ada <ada@example.com> as the first person on this server.');
      // The demo is seeded as the server would seed it, and the first person owns it.
      expect(add.stdout).toContain('They own every workspace that had no members: ');
      expect(add.code).toBe(0);

      const token = await npmRun(url, 'token', 'create', '--email', 'ada@example.com', '--name', 'ci');
      expect(token.code).toBe(0);
      const value = token.stdout.split('\n').find((l) => l.startsWith('lsk_')) ?? '';
      expect(value).toMatch(/^lsk_[A-Za-z0-9_-]{43}$/);

      const bad = await npmRun(url, 'user', 'add', '--email', 'ada@example.com');
      expect(bad.code).toBe(2);
      expect(bad.stderr).toContain('--name is required.');

      const { createDb } = await import('../db/client');
      const db = createDb(url);
      try {
        const user = await findUserByEmail(db, 'ada@example.com');
        expect(user?.isServerOwner).toBe(true);
        // Hashed at OWASP's cost by the real command.
        expect(user?.passwordHash).toMatch(/^scrypt\$17\$8\$1\$/);
        expect((await resolveToken(db, value))?.email).toBe('ada@example.com');
      } finally {
        db.close();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
