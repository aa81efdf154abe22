import type { DemoStep } from './types';

// Two months of closed experiments, oldest first, so later ones can build on earlier learnings: every
// outcome shows up, one learning gathers support until it is confirmed, and one interview finding is
// contradicted and rejected.

export const HISTORY: DemoStep[] = [
  {
    kind: 'experiment',
    metric: 'invites',
    days: { created: 68, selected: 64, started: 62, closed: 54 },
    idea: {
      title: 'Teammate avatars on the invite page',
      change: 'show the avatars of teammates already on the board on the invite acceptance page',
      outcome: 'rise as invitees see who is waiting for them',
      expectedLift: 8,
      rationale: 'social proof lifted sign-up conversion on our pricing page last year',
      tags: ['invites', 'social-proof'],
      owner: 'Marco Rossi',
      impact: 6,
      confidence: 5,
      ease: 8,
      estimatedDays: 2,
    },
    result: {
      outcome: 'invalid',
      baseline: 21.8,
      observed: 25.9,
      actualDays: 2.5,
      learnings: [
        {
          statement:
            'Variant assignment must happen on the server: the CDN cached the avatar page and served it to both groups.',
          status: 'confirmed',
        },
      ],
    },
  },
  {
    kind: 'experiment',
    metric: 'activation',
    days: { created: 67, selected: 64, started: 61, closed: 50 },
    idea: {
      title: 'Setup checklist on the empty board',
      change:
        'replace the empty first board with a three-step setup checklist (name it, add a card, invite someone)',
      outcome: 'rise as more new teams take a first step in their first session',
      expectedLift: 8,
      rationale:
        'session recordings show 60% of new teams leave the empty board without adding a single card',
      tags: ['onboarding', 'empty-state'],
      owner: 'Priya Nair',
      impact: 8,
      confidence: 6,
      ease: 7,
      estimatedDays: 4,
    },
    result: {
      outcome: 'won',
      baseline: 28,
      observed: 30.2,
      actualDays: 5,
      learnings: [
        {
          key: 'nextStep',
          statement:
            'New teams activate when the first screen hands them one concrete next step instead of a blank canvas.',
        },
      ],
    },
  },
  {
    kind: 'experiment',
    metric: 'invites',
    days: { created: 66, selected: 57, started: 56, closed: 44 },
    idea: {
      title: 'Reminder email to invitees after 48 hours',
      change: 'email invitees who have not accepted a reminder 48 hours after the invite',
      outcome: 'rise as late openers get a second chance',
      expectedLift: 10,
      rationale: '42% of the invites that are accepted in the end are opened more than a day after sending',
      tags: ['invites', 'lifecycle-email'],
      owner: 'Marco Rossi',
      impact: 6,
      confidence: 6,
      ease: 9,
      estimatedDays: 1.5,
    },
    result: {
      outcome: 'lost',
      baseline: 21.5,
      observed: 21.1,
      actualDays: 2,
      return: 3,
      learnings: [
        {
          key: 'inviterChannel',
          statement:
            'Invitees who ignore the first invite email ignore the second one too: the inviter, not more email, is the channel that works.',
        },
      ],
    },
  },
  {
    kind: 'learning',
    key: 'interviews',
    metric: 'activation',
    statement:
      'New admins stall because they do not understand how boards and spaces relate (8 of 12 interviews).',
    daysAgo: 63,
  },
  {
    kind: 'experiment',
    metric: 'activation',
    days: { created: 64, selected: 50, started: 47, closed: 37 },
    idea: {
      title: 'Template picker at sign-up',
      change:
        'ask new teams what they are planning (sprint, launch, roadmap) and open a matching template board',
      outcome: 'rise because teams start from a board that already fits their work',
      expectedLift: 6,
      rationale: 'teams who start from a template today activate at 41%, against 27% for blank boards',
      tags: ['onboarding', 'templates'],
      owner: 'Priya Nair',
      impact: 7,
      confidence: 5,
      ease: 6,
      estimatedDays: 5,
    },
    result: {
      outcome: 'won',
      baseline: 30.2,
      observed: 32.4,
      actualDays: 6,
      learnings: [{ learning: 'nextStep', relation: 'supports' }],
    },
  },
  {
    kind: 'experiment',
    metric: 'invites',
    days: { created: 46, selected: 43, started: 40, closed: 30 },
    idea: {
      title: 'Nudge the inviter when invites go unanswered',
      change: 'show the inviter a “your teammates haven’t joined yet” card with a copyable invite link',
      outcome: 'rise as invites reach people through the chat they already read',
      expectedLift: 12,
      rationale:
        'the reminder test showed more email does not work, and support tickets say invites land in spam',
      tags: ['invites', 'in-app'],
      owner: 'Marco Rossi',
      impact: 7,
      confidence: 6,
      ease: 7,
      estimatedDays: 3,
    },
    result: {
      outcome: 'won',
      baseline: 21.3,
      observed: 24.6,
      actualDays: 3.5,
      learnings: [
        { learning: 'inviterChannel', relation: 'supports' },
        {
          key: 'copyLink',
          statement: 'A copyable invite link shared in the team’s chat converts better than an invite email.',
        },
      ],
    },
    settles: [['inviterChannel', 'supported']],
  },
  {
    kind: 'experiment',
    key: 'digest',
    metric: 'sessions',
    days: { created: 55, selected: 43, started: 36, closed: 22 },
    idea: {
      title: 'Monday digest email',
      change: 'send every team member a Monday email digest of the boards that changed last week',
      outcome: 'rise as members come back to follow up on what moved',
      expectedLift: 8,
      rationale: 'members who receive @mention emails have 30% more sessions than those who do not',
      tags: ['engagement', 'lifecycle-email'],
      owner: 'Dana Okafor',
      impact: 6,
      confidence: 5,
      ease: 6,
      estimatedDays: 4,
    },
    result: {
      outcome: 'inconclusive',
      baseline: 9.1,
      observed: 9.3,
      actualDays: 4,
      return: 2,
      learnings: [
        {
          statement:
            'A digest nudges members who are already active; too few dormant members were in the test to tell whether it brings them back.',
        },
      ],
    },
  },
  {
    kind: 'experiment',
    metric: 'activation',
    source: 'interviews',
    days: { created: 40, selected: 36, started: 29, closed: 14 },
    idea: {
      title: 'Product tour video on first login',
      change: 'show a 90-second product tour video the first time an admin logs in',
      outcome: 'rise as admins understand how boards and spaces fit together',
      expectedLift: 5,
      rationale: 'in interviews, new admins said they did not understand how boards and spaces relate',
      tags: ['onboarding', 'education'],
      owner: 'Priya Nair',
      impact: 6,
      confidence: 6,
      ease: 8,
      estimatedDays: 3,
    },
    result: {
      outcome: 'lost',
      baseline: 31,
      observed: 30.4,
      actualDays: 4,
      return: 3,
      learnings: [
        { learning: 'interviews', relation: 'contradicts' },
        { learning: 'nextStep', relation: 'supports' },
      ],
    },
    settles: [
      ['interviews', 'rejected'],
      ['nextStep', 'confirmed'],
    ],
  },
  {
    kind: 'experiment',
    metric: 'sessions',
    days: { created: 35, selected: 15, started: 12, closed: 6 },
    idea: {
      title: 'Slack messages for card mentions',
      change: 'send @mentions on cards to the member’s Slack as direct messages',
      outcome: 'rise as members jump back in from where they already chat',
      expectedLift: 10,
      rationale: '62% of our teams have connected Slack, and mentions are our most-clicked email',
      tags: ['engagement', 'slack', 'integrations'],
      owner: 'Dana Okafor',
      impact: 7,
      confidence: 6,
      ease: 6,
      estimatedDays: 4,
    },
    result: {
      outcome: 'stopped',
      actualDays: 3,
      return: 1,
      learnings: [
        {
          statement:
            'Our Slack app is rate-limited above about 200 messages per workspace per hour: Slack experiments need batching first.',
        },
      ],
    },
  },
];
