import type { BatchLoad } from '../../src/batches/batches';
import { usedPercent } from '../../src/batches/summary';
import { fmt } from '../components/badges';

// Pieces the batch pages and the meeting summary share.

/** "9 of 10 person-days (90%)", with a native meter (no script, no inline style) and an over-capacity mark. */
export function LoadMeter(props: { load: BatchLoad; label: string }) {
  const { load } = props;
  return (
    <span class="load">
      <meter
        min={0}
        max={load.capacityDays}
        value={Math.min(load.plannedDays, load.capacityDays)}
        high={load.capacityDays * 0.9}
        optimum={load.capacityDays * 0.5}
        aria-label={props.label}
      />{' '}
      <strong>{fmt(load.plannedDays)}</strong> of {fmt(load.capacityDays)} person-days ({usedPercent(load)}%)
      {load.over ? <span class="badge warn"> over capacity</span> : null}
    </span>
  );
}

/** The warning a batch over its capacity shows. */
export function OverCapacity(props: { load: BatchLoad }) {
  const { load } = props;
  if (!load.over) return null;
  const by = Math.round((load.plannedDays - load.capacityDays) * 10) / 10;
  return (
    <p class="alert warn" role="note">
      Over capacity by {fmt(by)} person-day{by === 1 ? '' : 's'}: {fmt(load.plannedDays)} planned against a
      capacity of {fmt(load.capacityDays)}. Something will slip unless the team takes an item out or raises
      the capacity.
    </p>
  );
}

export const fmtRoti = (n: number | null | undefined): string => (n == null ? '—' : n.toFixed(2));
