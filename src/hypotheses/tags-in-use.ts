import { sql } from 'drizzle-orm';
import type { Db } from '../../db/client';
import type { Workspace } from '../../db/schema';

/**
 * The workspace's tags in use, alphabetically (at most `limit`): the backlog's tag filter. A plain SELECT
 * DISTINCT reads every tag row of the workspace (thousands, for a few distinct tags); this hops from one
 * distinct tag to the next along hypothesis_tags_tag_idx (workspace_id, tag), one index seek per tag.
 */
export async function tagsInUse(db: Db, ws: Workspace, limit = 200): Promise<string[]> {
  const rows = await db.orm.all<{ tag: string }>(sql`
    with recursive next_tag(tag) as (
      select min(tag) from hypothesis_tags where workspace_id = ${ws.id}
      union all
      select (select min(t.tag) from hypothesis_tags t where t.workspace_id = ${ws.id} and t.tag > next_tag.tag)
      from next_tag where next_tag.tag is not null
      limit ${limit + 1}
    )
    select tag from next_tag where tag is not null order by tag limit ${limit}`);
  return rows.map((r) => r.tag);
}
