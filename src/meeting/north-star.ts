import type { Db } from '../../db/client';
import type { Workspace } from '../../db/schema';
import { loadTiles, type Tile } from '../measurements/tiles';
import { activeInputs, getNorthStar } from '../metrics/metrics';

// The meeting's first section: the North Star and its active inputs as KPI tiles — each metric's latest
// measured period against the one before it (issue 5 replaced the audit-trail "change since Monday").

/** Plain data (metrics and their recent values), so the live hub can render it for every watcher. */
export type NorthStarData = { northStar?: Tile; inputs: Tile[] };

/** The North Star and its active inputs with their tiles, from one measurements query. */
export async function northStarSection(db: Db, ws: Workspace): Promise<NorthStarData> {
  const [northStar, inputs] = await Promise.all([getNorthStar(db, ws), activeInputs(db, ws)]);
  const tiles = await loadTiles(db, ws, [...(northStar ? [northStar] : []), ...inputs]);
  return northStar ? { northStar: tiles[0], inputs: tiles.slice(1) } : { inputs: tiles };
}
