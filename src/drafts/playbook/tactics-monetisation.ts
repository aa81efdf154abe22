import type { Tactic } from './tactic';

// Monetisation: turning use into revenue (upgrades, plan choice, checkout, expansion).
export const MONETISATION: Tactic[] = [
  {
    key: 'upgrade-at-limit',
    gist: 'upgrade limit',
    title: 'Upgrade prompt in context at the usage limit',
    change:
      'when an account reaches a free-plan limit, show what the paid plan unlocks right there, with a one-click trial of it instead of a hard block',
    outcome: '{moves} as the upgrade is offered at the moment the paid plan is needed',
    rationale:
      'the limit is the one moment the value of paying is concrete; a hard block frustrates, a contextual trial converts',
    lift: 8,
    impact: [7, 'Sits on the main path from free to paid.'],
    confidence: [6, 'Contextual upgrade prompts reliably beat a pricing page visit.'],
    ease: [6, 'The limit exists already; this adds a prompt and a trial switch.'],
    days: 4,
    tags: ['monetisation', 'upgrade'],
  },
  {
    key: 'annual-plan-default',
    gist: 'annual plan',
    title: 'Annual plan selected by default',
    change:
      'pre-select the annual plan on the pricing page and at checkout, showing the saving in months rather than percent',
    outcome: '{moves} as more buyers choose the annual plan',
    rationale:
      'defaults are chosen far more often than alternatives, and "two months free" is easier to grasp than a percentage',
    lift: 5,
    impact: [6, 'Changes the revenue of every new paying account.'],
    confidence: [6, 'Defaults are one of the most robust effects in pricing.'],
    ease: [8, 'Copy and a default on existing pages.'],
    days: 1,
    tags: ['monetisation', 'pricing'],
  },
  {
    key: 'reverse-trial',
    gist: 'reverse trial',
    title: 'Reverse trial of the paid plan',
    change:
      'give new accounts every paid feature for 14 days, then move them to the free plan unless they upgrade, showing what they used and would lose',
    outcome: '{moves} as accounts experience the paid plan before deciding',
    rationale:
      'people value what they already have more than what they might get; after two weeks with paid features, losing them is felt',
    lift: 10,
    impact: [8, 'Changes what every new account experiences.'],
    confidence: [5, 'Strong when paid features are visibly used early; risky otherwise.'],
    ease: [4, 'Plan switching and downgrade handling across the product.'],
    days: 8,
    tags: ['monetisation', 'trial'],
  },
  {
    key: 'trial-end-recap',
    gist: 'trial ending',
    title: 'Trial-ending reminders with a recap of value',
    change:
      'three days and one day before a trial ends, email what the team built during the trial and what stops working if they do not upgrade',
    outcome: '{moves} as trials end with a decision rather than silence',
    rationale:
      'trials often lapse unnoticed; reminding people of their own work, not of features, makes the price worth paying',
    lift: 5,
    impact: [5, 'Reaches every trial at its deciding moment.'],
    confidence: [7, 'Trial-end reminders are standard practice because they work.'],
    ease: [8, 'Two emails using counts already stored.'],
    days: 2,
    tags: ['monetisation', 'trial', 'email'],
  },
  {
    key: 'one-page-checkout',
    gist: 'checkout',
    title: 'One-page checkout',
    change:
      'cut checkout to one page (card and email only, company and tax details later) and offer wallet payments',
    outcome: '{moves} as fewer buyers abandon checkout',
    rationale:
      'buyers who reached checkout have decided; every extra field is a chance to reconsider or be interrupted',
    lift: 6,
    impact: [6, 'Every paid conversion passes through checkout.'],
    confidence: [6, 'Shorter checkouts consistently reduce abandonment.'],
    ease: [5, 'Payment provider work and invoicing details moved later.'],
    days: 5,
    tags: ['monetisation', 'checkout'],
  },
  {
    key: 'good-better-best',
    gist: 'pricing plan',
    title: 'Three-plan pricing with a recommended middle plan',
    change:
      'show three plans with the middle one marked “most popular” and a higher plan that anchors the price',
    outcome: '{moves} as buyers move from the cheapest plan to the recommended one',
    rationale:
      'a higher anchor makes the middle plan feel reasonable, and a recommendation removes the hardest part of choosing',
    lift: 6,
    impact: [6, 'Affects the plan mix of every new buyer.'],
    confidence: [5, 'Anchoring is robust, but plan contents must make sense.'],
    ease: [6, 'Pricing page work, plus billing for a new plan if needed.'],
    days: 4,
    tags: ['monetisation', 'pricing'],
  },
  {
    key: 'inline-seat-expansion',
    gist: 'seat expansion',
    title: 'Add a seat inline when a team grows',
    change:
      'when a paying team invites someone beyond its seats, offer to add the seat inline with the prorated price, instead of sending the admin to billing',
    outcome: '{moves} as growing teams pay for growth without friction',
    rationale:
      'expansion revenue is lost when adding a seat is a chore; the invite is the moment the need is obvious',
    lift: 4,
    impact: [5, 'Grows revenue from accounts already paying.'],
    confidence: [6, 'Inline expansion removes a known admin bottleneck.'],
    ease: [6, 'Prorated billing must already be supported.'],
    days: 4,
    tags: ['monetisation', 'expansion'],
  },
];
