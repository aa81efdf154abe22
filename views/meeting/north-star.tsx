import type { NorthStarData } from '../../src/meeting/north-star';
import { canEdit } from '../components/access';
import { KpiTiles } from '../components/kpi-tile';
import { Empty, Section, type Viewer } from './shared';

// a) The North Star and its active inputs as KPI tiles: where each stands, and how it moved against the
// period before.

export function NorthStarSection(props: { v: Viewer; data: NorthStarData }) {
  const { v, data } = props;
  const base = `/w/${v.ws.slug}`;
  const addHref = canEdit(v.ws) ? `${base}/measurements` : undefined;
  const tiles = [...(data.northStar ? [data.northStar] : []), ...data.inputs];
  return (
    <Section
      k="north-star"
      n={1}
      title="North Star and inputs"
      lede="Each metric’s latest value, and its change against the period before (week or day, as it is measured)."
    >
      {tiles.length ? (
        <KpiTiles
          tiles={tiles}
          label="North Star and inputs: latest values"
          hrefOf={(m) => `${base}/metrics/${m.id}`}
          addHrefOf={() => addHref}
        />
      ) : null}
      {data.inputs.length === 0 ? (
        <Empty>
          <p>
            No input metrics yet. Every hypothesis moves one of the 2–4 inputs that drive the North Star:{' '}
            <a href={`${base}/metrics`}>name them on the Metrics page</a>.
          </p>
        </Empty>
      ) : null}
    </Section>
  );
}
