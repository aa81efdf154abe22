import type { DemoStep } from './types';

// What the team is working on now: last week's batch is running, and this week's batch is being planned
// (two backlog items selected before the meeting, one of them given its estimate as it was selected).
// Most of these build on what the closed experiments taught.

export const PIPELINE: DemoStep[] = [
  // ---- Running: last week's batch. ----
  {
    kind: 'batch',
    weeksAgo: 1,
    capacityDays: 8,
    items: [
      {
        metric: 'sessions',
        createdDaysAgo: 26,
        idea: {
          title: 'Due-date reminders at 9am local time',
          change: 'send due-date reminders at 9am in each member’s time zone instead of at midnight UTC',
          outcome: 'rise as reminders arrive when people plan their day',
          expectedLift: 6,
          rationale:
            'reminders sent at midnight UTC are opened by 9% of members in the Americas against 31% in Europe',
          tags: ['engagement', 'lifecycle-email'],
          owner: 'Dana Okafor',
          impact: 6,
          confidence: 7,
          ease: 8,
          estimatedDays: 2,
        },
      },
      {
        metric: 'invites',
        source: 'copyLink',
        createdDaysAgo: 28,
        idea: {
          title: 'Invite link in the share dialog',
          change: 'put a copyable team invite link at the top of the share dialog, above the email field',
          outcome: 'rise as more invites travel through chat instead of email',
          expectedLift: 10,
          rationale: 'the inviter nudge won with a copyable link (+15% invite conversion)',
          tags: ['invites', 'in-app'],
          owner: 'Marco Rossi',
          impact: 7,
          confidence: 7,
          ease: 8,
          estimatedDays: 2,
        },
      },
      {
        metric: 'sessions',
        createdDaysAgo: 20,
        idea: {
          title: '“Since you were away” panel',
          change:
            'show members who return after three or more days a panel of the cards that changed meanwhile',
          outcome: 'rise as returning members find something to act on straight away',
          expectedLift: 5,
          rationale:
            'the digest test hinted that members respond to seeing what moved, but email was the wrong place for it',
          tags: ['engagement', 'in-app'],
          owner: 'Dana Okafor',
          impact: 6,
          confidence: 5,
          ease: 6,
          estimatedDays: 4,
        },
      },
    ],
  },

  // ---- This week's batch, being planned: room left for one more small item from the backlog. ----
  {
    kind: 'batch',
    weeksAgo: 0,
    capacityDays: 10,
    items: [
      {
        metric: 'activation',
        createdDaysAgo: 13,
        idea: {
          title: 'Pre-filled first board from sign-up answers',
          change: 'pre-fill the first board with three example cards based on the team’s sign-up answers',
          outcome: 'rise as new teams edit something instead of starting from nothing',
          expectedLift: 7,
          rationale:
            'both winning onboarding tests gave teams a concrete first step; a pre-filled board is the most concrete',
          tags: ['onboarding', 'templates'],
          owner: 'Priya Nair',
          impact: 8,
          confidence: 7,
          ease: 6,
          estimatedDays: 5,
        },
      },
      {
        metric: 'invites',
        createdDaysAgo: 9,
        estimateAtSelection: 3,
        idea: {
          title: 'Invite step inside the setup checklist',
          change: 'make “invite a teammate” a step of the setup checklist, with the copyable link inline',
          outcome: 'rise as inviting becomes part of setting up rather than an afterthought',
          expectedLift: 9,
          rationale:
            'the checklist lifted activation and the copyable link lifted invites; together they reach teams who never invite',
          tags: ['invites', 'onboarding'],
          owner: 'Marco Rossi',
          impact: 8,
          confidence: 8,
          ease: 7,
        },
      },
    ],
  },
];
