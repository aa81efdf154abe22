import type { Metric } from '../../../db/schema';

// Which kind of growth lever an input metric is, so the playbook offers tactics that move it. Inferred from
// the metric's own words: no setting to fill in, and a renamed metric is reclassified on the next run.

export const LEVER_TYPES = ['activation', 'retention', 'referral', 'monetisation', 'frequency'] as const;
export type LeverType = (typeof LEVER_TYPES)[number];

/** A metric that names none of the keywords is treated as activation: most teams' first lever. */
export const DEFAULT_LEVER_TYPE: LeverType = 'activation';

/**
 * Keywords per lever type, matched at the start of a word (so "activat" finds "activated" and
 * "activation"), case-insensitive. A plain "conversion" or "rate" says nothing on its own and is left out.
 */
export const LEVER_KEYWORDS: Record<LeverType, string[]> = {
  activation: [
    'activat',
    'onboard',
    'sign-up',
    'signup',
    'sign up',
    'setup',
    'set up',
    'first value',
    'time to value',
    'aha',
    'new user',
    'new team',
    'new account',
    'first board',
    'first project',
  ],
  retention: [
    'retention',
    'retain',
    'churn',
    'cohort',
    'returning',
    'return rate',
    'survival',
    'cancel',
    'renewal',
    'lapsed',
    'resurrect',
    'reactivat',
  ],
  referral: [
    'invite',
    'invitation',
    'referral',
    'refer',
    'viral',
    'k-factor',
    'word of mouth',
    'share',
    'sharing',
    'teammate',
  ],
  monetisation: [
    'revenue',
    'mrr',
    'arr',
    'arpu',
    'arpa',
    'ltv',
    'upgrade',
    'paid',
    'paying',
    'purchase',
    'checkout',
    'subscription',
    'pricing',
    'billing',
    'monetis',
    'monetiz',
    'trial conversion',
    'trial-to-paid',
    'expansion',
    'usd',
    'eur',
    'gbp',
    '$',
    '€',
    '£',
  ],
  frequency: [
    'session',
    'frequency',
    'dau',
    'wau',
    'mau',
    'stickiness',
    'engagement',
    'daily use',
    'visits',
    'usage',
    'actions per',
    'events per',
    'per day',
    'per week',
    'per user',
    'per team',
  ],
};

/** The name says what the metric is; the unit and the description only hint (the description often names
 * neighbouring levers: "…create a board and invite a teammate" is still activation). */
const WEIGHT = { name: 3, unit: 2, description: 1 } as const;

const escapeRe = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const patterns = new Map(
  LEVER_TYPES.map((t) => [
    t,
    LEVER_KEYWORDS[t].map((k) => new RegExp(`(^|[^\\p{L}\\p{N}])${escapeRe(k)}`, 'iu')),
  ]),
);

/** How strongly each lever type matches the metric (0 when not at all). */
export function leverScores(m: Pick<Metric, 'name' | 'description' | 'unit'>): Record<LeverType, number> {
  const out = {} as Record<LeverType, number>;
  for (const type of LEVER_TYPES) {
    let score = 0;
    for (const re of patterns.get(type) ?? []) {
      if (re.test(m.name)) score += WEIGHT.name;
      if (re.test(m.unit)) score += WEIGHT.unit;
      if (re.test(m.description)) score += WEIGHT.description;
    }
    out[type] = score;
  }
  return out;
}

/**
 * Ties go to the more specific lever: activation's words ("new team", "first") appear in many metrics' names
 * ("Week-4 retention of new teams"), so it comes last; frequency's "per team" yields to what is counted.
 */
const TIE_ORDER: LeverType[] = ['retention', 'monetisation', 'referral', 'frequency', 'activation'];

/** The lever type with the highest score (ties: TIE_ORDER); a metric no keyword matches → activation. */
export function leverTypeOf(m: Pick<Metric, 'name' | 'description' | 'unit'>): LeverType {
  const scores = leverScores(m);
  let best: LeverType = DEFAULT_LEVER_TYPE;
  let top = 0;
  for (const type of TIE_ORDER)
    if (scores[type] > top) {
      best = type;
      top = scores[type];
    }
  return best;
}
