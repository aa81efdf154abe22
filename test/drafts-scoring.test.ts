import { describe, expect, it } from 'vitest';
import { similarity, TWIN_THRESHOLD, twinOf, words } from '../src/drafts/similarity';
import { smartIce } from '../src/drafts/smart-ice';

const draft = {
  confidence: 5,
  ease: 6,
  estimatedDays: 2,
  reasons: { impact: 'Moves activation.', confidence: 'A guess.', ease: 'Front-end only.' },
};
const lever = (over: Partial<Parameters<typeof smartIce>[1]>) => ({
  name: 'Activation rate',
  closed: 0,
  wins: 0,
  winRate: null,
  meanRoti: null,
  effortRatio: null,
  suggestedConfidence: 5,
  ...over,
});

describe('smart ICE', () => {
  it('leaves a draft unchanged on a lever without history', () => {
    expect(smartIce(draft, lever({ closed: 1, wins: 1, suggestedConfidence: 6.7 }))).toEqual(draft);
  });

  it('takes the lever’s suggested Confidence, saying why: 3 of 4 won → 7', () => {
    // 10 × (3 + 1) ÷ (4 + 2) = 6.67 → 7
    const out = smartIce(draft, lever({ closed: 4, wins: 3, winRate: 0.75, suggestedConfidence: 6.7 }));
    expect(out.confidence).toBe(7);
    expect(out.reasons.confidence).toBe('3 of 4 experiments on Activation rate won: Confidence 7.');
    expect(out.ease).toBe(6);
    expect(out.estimatedDays).toBe(2);
  });

  it('stretches the estimate by the effort ratio and lowers Ease: 1.5 → 2 days become 3, Ease 6 → 4', () => {
    const out = smartIce(draft, lever({ closed: 4, wins: 3, suggestedConfidence: 6.7, effortRatio: 1.5 }));
    expect(out.estimatedDays).toBe(3);
    expect(out.ease).toBe(4);
    expect(out.reasons.ease).toBe(
      'Experiments on Activation rate took 1.5× their estimates: 3 person-days, Ease 4.',
    );
    expect(out.reasons.impact).toBe('Moves activation.');
  });

  it('leaves the estimate alone within 15% of the lever’s estimates', () => {
    const out = smartIce(draft, lever({ closed: 3, wins: 1, suggestedConfidence: 4, effortRatio: 1.1 }));
    expect(out.estimatedDays).toBe(2);
    expect(out.ease).toBe(6);
  });
});

describe('look-alikes', () => {
  const others = [
    { id: 1, title: 'Onboarding checklist for new teams', change: 'show a checklist on the first board' },
    { id: 2, title: 'Annual plan discount', change: 'offer 20% off yearly billing at checkout' },
  ];

  it('drops accents, plurals and filler words', () => {
    expect(words('Les Équipes and the Checklists')).toEqual(['les', 'equipe', 'checklist']);
    expect(similarity('Checklists on boards', 'checklist board')).toBe(1);
    expect(similarity('Café onboarding', 'cafe onboarding')).toBe(1);
  });

  it('flags a reworded twin at or above the threshold, and nothing below it', () => {
    const twin = twinOf(
      { title: 'Onboarding checklists for the new teams', change: 'show a checklist on their first board' },
      others,
    );
    expect(twin?.twin.id).toBe(1);
    expect(twin?.score).toBeGreaterThanOrEqual(TWIN_THRESHOLD);
    expect(
      twinOf({ title: 'Referral rewards', change: 'give both sides a free month' }, others),
    ).toBeUndefined();
  });

  it('treats the threshold as inclusive', () => {
    // "alpha beta" vs "alpha gamma": units {alpha, beta, alpha beta} and {alpha, gamma, alpha gamma}:
    // 2 × 1 shared ÷ 6 = 0.333.
    const score = similarity('alpha beta', 'alpha gamma');
    expect(score).toBe(0.333);
    const o = [{ id: 3, title: 'alpha gamma', change: '' }];
    expect(twinOf({ title: 'alpha beta', change: '' }, o, score)?.twin.id).toBe(3);
    expect(twinOf({ title: 'alpha beta', change: '' }, o, score + 0.001)).toBeUndefined();
  });
});
