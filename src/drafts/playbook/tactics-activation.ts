import type { Tactic } from './tactic';

// Activation: getting new accounts to the moment they first get value.
export const ACTIVATION: Tactic[] = [
  {
    key: 'empty-state-templates',
    gist: 'empty template',
    title: 'Starter templates in the empty state',
    change:
      'replace the blank first screen with three starter templates matched to the use case given at sign-up, each created in one click',
    outcome: '{moves} as fewer new accounts stall on a blank screen',
    rationale:
      'a blank screen asks new users to design before they have seen any value; a template gets them to a useful first state in one click, which is the moment {metric} counts',
    lift: 8,
    impact: [6, 'Every new account meets the empty state, so the change reaches all of {metric}.'],
    confidence: [6, 'Templates in the empty state are among the most reliably positive onboarding changes.'],
    ease: [7, 'One empty-state component and three templates: no new back-end.'],
    days: 3,
    tags: ['onboarding', 'templates'],
  },
  {
    key: 'checklist-progress',
    gist: 'setup checklist',
    title: 'Setup checklist with a progress bar',
    change:
      'show new accounts a four-step setup checklist with a progress bar; each step links straight to where it is done and ticks itself off',
    outcome: '{moves} as more new accounts finish the steps that lead to their first value',
    rationale:
      'a visible, partly complete checklist uses the goal-gradient effect: people speed up as they near the end, and its steps are the path {metric} measures',
    lift: 6,
    impact: [6, 'The checklist frames the whole first session for every new account.'],
    confidence: [6, 'Progress checklists routinely lift completion of the steps they list.'],
    ease: [6, 'Needs the four steps tracked as events, then one small component.'],
    days: 4,
    tags: ['onboarding', 'checklist'],
  },
  {
    key: 'first-value-shortcut',
    gist: 'shorter signup',
    title: 'Shortcut to first value at sign-up',
    change:
      'drop every sign-up step the first result does not need (optional profile fields, the tour, settings) and land new accounts on the action that produces their first result',
    outcome: '{moves} because fewer steps stand between sign-up and the first result',
    rationale:
      'each step before the first result loses a share of new accounts; the fewer there are, the more reach the value moment {metric} counts',
    lift: 10,
    impact: [7, 'Removes drop-off at the top of the funnel that feeds {metric}.'],
    confidence: [5, 'Fewer steps usually help, but some dropped steps may feed later use.'],
    ease: [5, 'Touches the sign-up flow, which other teams and analytics depend on.'],
    days: 5,
    tags: ['onboarding', 'signup'],
  },
  {
    key: 'sample-data',
    gist: 'sample data',
    title: 'Sample project for every new account',
    change:
      'create a realistic, clearly labelled sample project in every new account, removable in one click, so the product shows what it does before anything is entered',
    outcome: '{moves} as new accounts see a finished example before building their own',
    rationale:
      'people copy what they can see; a working example shows the value {metric} is about without asking for effort first',
    lift: 5,
    impact: [5, 'Helps accounts that do not know where to start, a large share of sign-ups.'],
    confidence: [5, 'Sample data helps comprehension but can be ignored as clutter.'],
    ease: [6, 'A seed script per new account and a one-click removal.'],
    days: 3,
    tags: ['onboarding', 'sample-data'],
  },
  {
    key: 'day-one-nudge',
    gist: 'onboarding nudge',
    title: 'Day-one nudge for accounts that stalled',
    change:
      'send an email, and an in-app message on the next visit, 24 hours after sign-up to accounts that have not taken the first key action, with one button that deep-links to it',
    outcome: '{moves} as stalled accounts are brought back to the step they missed',
    rationale:
      'a message triggered by a missing action reaches people while their intent is fresh, and the deep link removes the search for where to start',
    lift: 4,
    impact: [5, 'Reaches only the accounts that stalled, but they are the ones {metric} loses.'],
    confidence: [6, 'Behaviour-triggered messages reliably beat generic drip sequences.'],
    ease: [8, 'One template and one trigger on an event already tracked.'],
    days: 2,
    tags: ['onboarding', 'lifecycle-email'],
  },
  {
    key: 'guided-first-action',
    gist: 'guided action',
    title: 'Guided first action instead of a product tour',
    change:
      'replace the multi-step product tour with a short guided sequence in which the new user performs the first key action themselves',
    outcome: '{moves} as new users learn by doing the action that counts',
    rationale:
      'tours are skipped or forgotten; doing the action once teaches it and already counts towards {metric}',
    lift: 6,
    impact: [6, 'Changes the first minutes of every new account.'],
    confidence: [5, 'Learning by doing beats watching, but guidance can annoy experienced users.'],
    ease: [6, 'A guided sequence on existing screens: front-end only.'],
    days: 4,
    tags: ['onboarding', 'tour'],
  },
  {
    key: 'use-case-question',
    gist: 'use case question',
    title: 'One use-case question that tailors the first screen',
    change:
      'ask one question at sign-up ("what will you use it for?") and tailor the first screen, template and checklist to the answer',
    outcome: '{moves} as each new account starts from a path that fits its goal',
    rationale:
      'a generic first screen fits nobody exactly; one answer is enough to show the path most likely to reach first value',
    lift: 7,
    impact: [6, 'Personalises the start for every new account.'],
    confidence: [5, 'Works when use cases differ clearly; otherwise it only adds a question.'],
    ease: [4, 'Needs a tailored variant of the first screen per answer.'],
    days: 6,
    tags: ['onboarding', 'personalisation'],
  },
];
