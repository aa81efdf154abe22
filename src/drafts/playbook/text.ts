import type { Metric } from '../../../db/schema';
import { LIFT_LIMIT, LONG_TEXT_MAX, TAG_MAX, TAGS_MAX, TITLE_MAX } from '../../hypotheses/schemas';
import { ICE_MAX, ICE_MIN } from '../../scoring/scores';

// Small, pure helpers shared by the playbook's rules and tactics: every string they build must fit the
// hypothesis form's limits, because a proposal the form would refuse is dropped by the pipeline.

/** Shortens to `max` characters, ending with an ellipsis when cut. */
export function clip(text: string, max: number): string {
  const t = text.trim().replace(/\s+/g, ' ');
  return t.length > max ? `${t.slice(0, max - 1).trimEnd()}…` : t;
}

export const clipTitle = (t: string) => clip(t, TITLE_MAX);
export const clipLong = (t: string) => clip(t, LONG_TEXT_MAX);
/** A quoted name inside a sentence: short enough that a reason stays one line. */
export const quote = (t: string, max = 70) => `“${clip(t, max)}”`;

/** Lower-cases the first letter, so a stored "If we …" clause can continue a sentence. */
export const lowerFirst = (t: string) => (t ? t[0]?.toLowerCase() + t.slice(1) : t);
/** Drops trailing punctuation, so a clause can be followed by more words. */
export const bare = (t: string) => t.trim().replace(/[.!;:,\s]+$/u, '');

export const clampScore = (n: number) => Math.min(ICE_MAX, Math.max(ICE_MIN, Math.round(n)));
export const oneDecimal = (n: number) => Math.round(n * 10) / 10;
/** A person-day estimate the form accepts (at least half a day: a draft never costs an hour). */
export const days = (n: number) => Math.max(0.5, oneDecimal(n));

/** "+7.9%", "-3%": the way growth teams say a lift. */
export function liftText(lift: number): string {
  const r = oneDecimal(lift);
  return `${r > 0 ? '+' : ''}${r}%`;
}

/** Which way a metric has to move to improve: a "down" metric (churn, time to value) improves by falling. */
export const moves = (m: Pick<Metric, 'direction'>) => (m.direction === 'down' ? 'fall' : 'rise');
/** An expected lift of `size` percent in the metric's good direction (within the form's range: history may hold
 * a freak lift, and a draft the form refuses would be dropped). */
export function signedLift(m: Pick<Metric, 'direction'>, size: number): number {
  const s = Math.min(LIFT_LIMIT, Math.abs(size));
  return oneDecimal(m.direction === 'down' ? -s : s);
}

const TAG = /^[\p{L}\p{N}_-]+$/u;

/** Tags the form accepts: lower-case words, unique, at most ten (those already on history may be odd). */
export function cleanTags(tags: string[]): string[] {
  const out: string[] = [];
  for (const raw of tags) {
    const t = raw.trim().toLowerCase().replace(/\s+/g, '-');
    if (t && t.length <= TAG_MAX && TAG.test(t) && !out.includes(t)) out.push(t);
  }
  return out.slice(0, TAGS_MAX);
}

/** Fills `{metric}`, `{moves}` and `{northStar}` in a tactic's template. */
export function fill(template: string, vars: { metric: string; moves: string; northStar: string }): string {
  return template
    .replaceAll('{metric}', vars.metric)
    .replaceAll('{moves}', vars.moves)
    .replaceAll('{northStar}', vars.northStar);
}
