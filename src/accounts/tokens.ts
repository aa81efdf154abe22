import { randomBytes } from 'node:crypto';
import { and, desc, eq, isNull } from 'drizzle-orm';
import type { Db } from '../../db/client';
import { type ApiToken, apiTokens, type User, users } from '../../db/schema';
import { recordChange } from '../audit/audit';
import { NotFoundError } from '../errors';
import { sha256 } from './sessions';

const TOKEN_PREFIX = 'lsk_';
// Last-used is written at most this often, so a busy script does not write on every call.
const TOUCH_EVERY_MS = 60 * 1000;

/** A token as its owner sees it in lists: never the token itself, nor its hash. */
export type TokenInfo = Omit<ApiToken, 'tokenHash'>;

const info = ({ tokenHash: _, ...rest }: ApiToken): TokenInfo => rest;

/** Creates a personal API token; the token itself is returned once and only its hash is kept. */
export async function createToken(
  db: Db,
  userId: number,
  label: string,
  now = Date.now(),
): Promise<{ token: string; info: TokenInfo }> {
  const token = TOKEN_PREFIX + randomBytes(32).toString('base64url');
  const row = await db.write(async (tx) => {
    const [row] = await tx
      .insert(apiTokens)
      .values({ userId, label, tokenHash: sha256(token), prefix: token.slice(0, 10), createdAt: now })
      .returning();
    if (!row) throw new Error('insert returned no row');
    await recordChange(tx, {
      workspaceId: null,
      entity: 'token',
      entityId: row.id,
      action: 'create',
      after: { label, prefix: row.prefix, userId },
    });
    return row;
  });
  return { token, info: info(row) };
}

export async function listTokens(db: Db, userId: number): Promise<TokenInfo[]> {
  const rows = await db.orm
    .select()
    .from(apiTokens)
    .where(eq(apiTokens.userId, userId))
    .orderBy(desc(apiTokens.createdAt), desc(apiTokens.id));
  return rows.map(info);
}

/** Revokes one of the user's tokens; another user's token id is unknown (404). Revoking twice is a no-op. */
export async function revokeToken(
  db: Db,
  userId: number,
  tokenId: number,
  now = Date.now(),
): Promise<TokenInfo> {
  return db.write(async (tx) => {
    const [row] = await tx
      .select()
      .from(apiTokens)
      .where(and(eq(apiTokens.id, tokenId), eq(apiTokens.userId, userId)));
    if (!row) throw new NotFoundError('There is no such token.');
    if (row.revokedAt) return info(row);
    const [updated] = await tx
      .update(apiTokens)
      .set({ revokedAt: now })
      .where(eq(apiTokens.id, tokenId))
      .returning();
    if (!updated) throw new Error('token vanished');
    await recordChange(tx, {
      workspaceId: null,
      entity: 'token',
      entityId: row.id,
      action: 'revoke',
      before: { label: row.label, prefix: row.prefix, revokedAt: null },
      after: { revokedAt: now },
    });
    return info(updated);
  });
}

/** The user a bearer token belongs to, if the token is live; notes when it was last used. */
export async function resolveToken(db: Db, token: string, now = Date.now()): Promise<User | undefined> {
  if (!token.startsWith(TOKEN_PREFIX) || token.length > 100) return undefined;
  const hash = sha256(token);
  const [row] = await db.orm
    .select({ token: apiTokens, user: users })
    .from(apiTokens)
    .innerJoin(users, eq(users.id, apiTokens.userId))
    .where(and(eq(apiTokens.tokenHash, hash), isNull(apiTokens.revokedAt)));
  if (!row) return undefined;
  if (!row.token.lastUsedAt || now - row.token.lastUsedAt > TOUCH_EVERY_MS)
    await db.write((tx) =>
      tx.update(apiTokens).set({ lastUsedAt: now }).where(eq(apiTokens.id, row.token.id)),
    );
  return row.user;
}

/** The token with this exact value (for `token revoke --token`), whoever owns it. */
export async function findTokenByValue(db: Db, token: string): Promise<ApiToken | undefined> {
  const [row] = await db.orm
    .select()
    .from(apiTokens)
    .where(eq(apiTokens.tokenHash, sha256(token)));
  return row;
}
