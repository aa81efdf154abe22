import type { Context } from 'hono';
import type { MemberWorkspace } from '../accounts/members';
import type { AppEnv, Deps } from '../env';
import { isHtmx } from '../htmx';
import { sendPage } from './conditional';
import { workspaceDataVersion } from './data-version';
import { etagOf } from './page-cache';

/**
 * A workspace page served from the page cache while the workspace's data version stands. The key holds
 * everything the bytes depend on besides the data: who is looking (id and the name the header shows), their
 * membership as loaded for this request (role, workspace name and settings), the address with its query, and
 * whether htmx asked for the fragment. A route uses this only when its page reads nothing else: no clock, no
 * cookie, no state outside the database.
 */
export async function keptPage(
  c: Context<AppEnv>,
  deps: Pick<Deps, 'db' | 'pages'>,
  ws: MemberWorkspace,
  render: () => Promise<string>,
): Promise<Response> {
  // A kept page is always a 200: a route renders its refusals itself, outside this function.
  const toPage = async () => ({ status: 200, body: await render() });
  if (!deps.pages) {
    const body = Buffer.from(await render(), 'utf8');
    return sendPage(c, { status: 200, body, etag: etagOf(body), bytes: body.length });
  }
  const user = c.get('user');
  const version = await workspaceDataVersion(deps.db, ws.id);
  // The slot: this view for this member, whatever the version; a newer version's page replaces the older.
  const slot = [
    user?.id ?? '',
    user?.name ?? '',
    JSON.stringify(ws),
    c.req.url,
    isHtmx(c) ? 'fragment' : 'page',
  ].join('\n');
  return sendPage(c, await deps.pages.through(`${version}\n${slot}`, toPage, slot));
}
