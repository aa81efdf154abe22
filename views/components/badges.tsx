import type { LearningStatus, Outcome, Status } from '../../db/schema';
import { STATUS_LABELS } from '../../src/hypotheses/lifecycle';

export function StatusPill(props: { status: Status }) {
  return <span class={`pill status-${props.status}`}>{STATUS_LABELS[props.status]}</span>;
}

export function OutcomePill(props: { outcome: Outcome | null }) {
  if (!props.outcome) return null;
  return <span class={`pill outcome-${props.outcome}`}>{props.outcome}</span>;
}

export function LearningPill(props: { status: LearningStatus }) {
  return <span class={`pill learning-${props.status}`}>{props.status}</span>;
}

export const fmt = (n: number | null | undefined, digits = 1): string =>
  n == null ? '—' : Number.isInteger(n) ? String(n) : n.toFixed(digits);

export const fmtLift = (n: number | null | undefined): string =>
  n == null ? '—' : `${n > 0 ? '+' : ''}${fmt(n)}%`;

export const fmtDate = (ms: number | null | undefined): string =>
  ms == null ? '—' : new Date(ms).toISOString().slice(0, 10);

/** ICE as the team reads it: one decimal for the mean, a whole number for the product. */
export const fmtIce = (n: number, mode: 'mean' | 'product'): string =>
  mode === 'product' ? String(n) : n.toFixed(1);

/**
 * A message at the top of a page: a success is announced politely (status), a refusal or a conflict
 * interrupts (alert). Renders nothing without a message.
 */
export function Banner(props: { tone: 'ok' | 'warn' | 'error'; message?: string }) {
  if (!props.message) return null;
  return (
    <p class={`alert ${props.tone}`} role={props.tone === 'ok' ? 'status' : 'alert'}>
      {props.message}
    </p>
  );
}
