// Look-alike hypotheses: a draft too similar to an existing hypothesis or another draft is flagged with its
// twin, for triage to merge or drop. Pure. Text similarity is the Dice coefficient of word bigrams after
// normalising (lower case, accents off, plurals and a few filler words dropped), of the titles and of the
// changes (the title weighs double): robust to rewording of the rationale, not fooled into calling two "onboarding" ideas,
// or two drafts of one playbook template, twins.

/** At or above this, two hypotheses are flagged as look-alikes. */
export const TWIN_THRESHOLD = 0.5;
/** Changes this similar make a look-alike on their own, whatever the titles. */
const SAME_CHANGE = 0.9;

const FILLER = new Set([
  'a',
  'an',
  'the',
  'to',
  'of',
  'for',
  'on',
  'in',
  'at',
  'and',
  'or',
  'with',
  'by',
  'our',
  'we',
  'us',
  'their',
  'new',
  'add',
  'adding',
  'test',
  'try',
  'if',
  'then',
  'will',
  'is',
  'are',
  'be',
  'it',
  'that',
  'this',
]);

/** The words that carry meaning, normalised ("Checklists on the empty board" → checklist empty board). */
export function words(text: string): string[] {
  return text
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .split(/[^\p{L}\p{N}]+/u)
    .filter((w) => w.length > 1 && !FILLER.has(w))
    .map((w) => (w.length > 3 && w.endsWith('s') && !w.endsWith('ss') ? w.slice(0, -1) : w));
}

function bigrams(list: string[]): Map<string, number> {
  const out = new Map<string, number>();
  // Single words count too, so two one-word titles can still match.
  for (const w of list) out.set(w, (out.get(w) ?? 0) + 1);
  for (let i = 0; i + 1 < list.length; i++) {
    const key = `${list[i]} ${list[i + 1]}`;
    out.set(key, (out.get(key) ?? 0) + 1);
  }
  return out;
}

/** 0 (nothing shared) … 1 (the same words in the same order). */
export function similarity(a: string, b: string): number {
  const x = bigrams(words(a));
  const y = bigrams(words(b));
  let total = 0;
  for (const n of x.values()) total += n;
  for (const n of y.values()) total += n;
  if (total === 0) return 0;
  let shared = 0;
  for (const [k, n] of x) shared += Math.min(n, y.get(k) ?? 0);
  return Math.round(((2 * shared) / total) * 1000) / 1000;
}

export type Comparable = { id: number; title: string; change: string };

/** The text two hypotheses are compared on. */
export const comparableText = (h: Pick<Comparable, 'title' | 'change'>) => `${h.title}. ${h.change}`;

/**
 * How alike two hypotheses are: their titles' similarity weighted 2, their changes' 1 (the title alone when
 * neither has a change). Not title + change as one text: drafts from one template ("take the change that won
 * in “X” further: adapt it for teams of ten or more…") share most of their change's words and would look
 * alike whatever X they build on. The title names the idea; a change's wording is often a drafter's template.
 */
export function likeness(
  a: Pick<Comparable, 'title' | 'change'>,
  b: Pick<Comparable, 'title' | 'change'>,
): number {
  const title = similarity(a.title, b.title);
  if (!words(a.change).length && !words(b.change).length) return title;
  const change = similarity(a.change, b.change);
  // The same change, nearly word for word, is the same idea whatever it is called.
  if (change >= SAME_CHANGE) return change;
  return Math.round(((2 * title + change) / 3) * 1000) / 1000;
}

/** The most similar of `others` at or above the threshold, or undefined. */
export function twinOf<T extends Comparable>(
  draft: Pick<Comparable, 'title' | 'change'>,
  others: T[],
  threshold = TWIN_THRESHOLD,
): { twin: T; score: number } | undefined {
  let best: { twin: T; score: number } | undefined;
  for (const o of others) {
    const score = likeness(draft, o);
    if (score >= threshold && (!best || score > best.score)) best = { twin: o, score };
  }
  return best;
}
