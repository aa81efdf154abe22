import type { DemoStep } from './types';

// Two months of weekly batches, oldest first, each picked at that week's Monday meeting and started at its
// end, with every experiment in it closed since: every outcome shows up, one learning gathers support
// until it is confirmed, one interview finding is contradicted and rejected, and the team's calibration
// has enough closes per week to chart. Later batches build on what earlier ones taught.

export const HISTORY: DemoStep[] = [
  {
    kind: 'learning',
    key: 'interviews',
    metric: 'activation',
    statement:
      'New admins stall because they do not understand how boards and spaces relate (8 of 12 interviews).',
    daysAgo: 63,
  },

  // ---- Nine weeks ago: the first batch. ----
  {
    kind: 'batch',
    weeksAgo: 9,
    capacityDays: 8,
    items: [
      {
        metric: 'invites',
        createdDaysAgo: 68,
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
        close: {
          daysAgo: 54,
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
      },
      {
        metric: 'activation',
        createdDaysAgo: 67,
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
        close: {
          daysAgo: 50,
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
      },
    ],
  },

  // ---- Eight weeks ago. ----
  {
    kind: 'batch',
    weeksAgo: 8,
    capacityDays: 8,
    items: [
      {
        metric: 'invites',
        createdDaysAgo: 66,
        idea: {
          title: 'Reminder email to invitees after 48 hours',
          change: 'email invitees who have not accepted a reminder 48 hours after the invite',
          outcome: 'rise as late openers get a second chance',
          expectedLift: 10,
          rationale:
            '42% of the invites that are accepted in the end are opened more than a day after sending',
          tags: ['invites', 'lifecycle-email'],
          owner: 'Marco Rossi',
          impact: 6,
          confidence: 6,
          ease: 9,
          estimatedDays: 1.5,
        },
        close: {
          daysAgo: 44,
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
      },
      {
        key: 'digest',
        metric: 'sessions',
        createdDaysAgo: 58,
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
        close: {
          daysAgo: 40,
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
      },
    ],
  },

  // ---- Seven weeks ago. ----
  {
    kind: 'batch',
    weeksAgo: 7,
    capacityDays: 8,
    items: [
      {
        metric: 'activation',
        createdDaysAgo: 64,
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
        close: {
          daysAgo: 37,
          result: {
            outcome: 'won',
            baseline: 30.2,
            observed: 32.4,
            actualDays: 6,
            learnings: [{ learning: 'nextStep', relation: 'supports' }],
          },
        },
      },
      {
        metric: 'sessions',
        createdDaysAgo: 52,
        idea: {
          title: 'Emoji reactions on comments',
          change: 'let members react to a comment with an emoji instead of writing a reply',
          outcome: 'rise as a lighter way to respond brings more members into the conversation',
          expectedLift: 5,
          rationale: 'a third of replies in our comment threads are one word long (“thanks”, “done”, “+1”)',
          tags: ['engagement', 'comments'],
          owner: 'Dana Okafor',
          impact: 5,
          confidence: 4,
          ease: 7,
          estimatedDays: 3,
        },
        close: {
          daysAgo: 39,
          result: {
            outcome: 'lost',
            baseline: 9.2,
            observed: 9.1,
            actualDays: 5,
            return: 1,
            learnings: [
              {
                statement:
                  'Emoji reactions replace replies instead of adding to them: threads got shorter and sessions did not move.',
              },
            ],
          },
        },
      },
    ],
  },

  // ---- Six weeks ago: half the team at a conference, so a smaller batch. ----
  {
    kind: 'batch',
    weeksAgo: 6,
    capacityDays: 8,
    resizedTo: 6,
    items: [
      {
        metric: 'invites',
        createdDaysAgo: 46,
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
        close: {
          daysAgo: 30,
          result: {
            outcome: 'won',
            baseline: 21.3,
            observed: 24.6,
            actualDays: 3.5,
            learnings: [
              { learning: 'inviterChannel', relation: 'supports' },
              {
                key: 'copyLink',
                statement:
                  'A copyable invite link shared in the team’s chat converts better than an invite email.',
              },
            ],
          },
          settles: [['inviterChannel', 'supported']],
        },
      },
      {
        metric: 'invites',
        createdDaysAgo: 45,
        idea: {
          title: 'Inviter’s name in the invite subject line',
          change:
            'change the invite email subject from “You’re invited to Acme” to “Marco invited you to Launch plan”',
          outcome: 'rise as invitees recognise a colleague rather than a product',
          expectedLift: 5,
          rationale: 'the reminder test suggested the inviter, not the product, is what invitees respond to',
          tags: ['invites', 'lifecycle-email'],
          owner: 'Marco Rossi',
          impact: 4,
          confidence: 7,
          ease: 9,
          estimatedDays: 1,
        },
        close: {
          daysAgo: 33,
          result: {
            outcome: 'won',
            baseline: 22.4,
            observed: 23.5,
            actualDays: 1,
            learnings: [{ learning: 'inviterChannel', relation: 'supports' }],
          },
        },
      },
    ],
  },

  // ---- Five weeks ago. ----
  {
    kind: 'batch',
    weeksAgo: 5,
    capacityDays: 8,
    items: [
      {
        metric: 'activation',
        source: 'interviews',
        createdDaysAgo: 40,
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
        close: {
          daysAgo: 22,
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
      },
      {
        metric: 'invites',
        createdDaysAgo: 38,
        idea: {
          title: 'Two fields fewer on the invite acceptance form',
          change: 'drop the job title and team size fields from the form invitees fill in to accept',
          outcome: 'rise as accepting an invite takes less effort',
          expectedLift: 6,
          rationale: 'every extra sign-up field costs us a few percent of visitors on the main sign-up page',
          tags: ['invites', 'sign-up'],
          owner: 'Marco Rossi',
          impact: 5,
          confidence: 5,
          ease: 8,
          estimatedDays: 2,
        },
        close: {
          daysAgo: 25,
          result: {
            outcome: 'inconclusive',
            baseline: 24.1,
            observed: 24.3,
            actualDays: 2,
            return: 2,
            learnings: [
              {
                statement:
                  'Invitees do not leave because the acceptance form is long: without two fields nothing changed, and most still leave at the password step.',
              },
            ],
          },
        },
      },
    ],
  },

  // ---- Four weeks ago. ----
  {
    kind: 'batch',
    weeksAgo: 4,
    capacityDays: 8,
    items: [
      {
        key: 'slack',
        metric: 'sessions',
        createdDaysAgo: 35,
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
        close: {
          daysAgo: 24,
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
      },
      {
        metric: 'sessions',
        createdDaysAgo: 31,
        idea: {
          title: 'Reply to a mention by email',
          change: 'let members answer a mention by replying to its email; the reply is posted as a comment',
          outcome: 'rise as the conversation continues and pulls the others back to the board',
          expectedLift: 4,
          rationale: 'mention emails are opened by 58% of members, but only 9% click through to answer',
          tags: ['engagement', 'comments', 'lifecycle-email'],
          owner: 'Dana Okafor',
          impact: 5,
          confidence: 5,
          ease: 5,
          estimatedDays: 3,
        },
        close: {
          daysAgo: 15,
          result: {
            outcome: 'won',
            baseline: 9.2,
            observed: 9.5,
            actualDays: 3.5,
            learnings: [
              {
                statement:
                  'Members answer where a conversation reaches them, and each answer brings the others back to the board.',
              },
            ],
          },
        },
      },
    ],
  },

  // ---- Three weeks ago: a holiday week, so a light batch. ----
  {
    kind: 'batch',
    weeksAgo: 3,
    capacityDays: 8,
    resizedTo: 5,
    items: [
      {
        metric: 'activation',
        createdDaysAgo: 27,
        idea: {
          title: 'Checklist progress in the sidebar',
          change: 'keep the setup checklist in the sidebar, with its progress, until every step is done',
          outcome: 'rise as teams who leave the checklist half done come back to finish it',
          expectedLift: 4,
          rationale: 'the setup checklist won, but 35% of the teams who start it never see it again',
          tags: ['onboarding', 'empty-state'],
          owner: 'Priya Nair',
          impact: 5,
          confidence: 8,
          ease: 8,
          estimatedDays: 2,
        },
        close: {
          daysAgo: 9,
          result: {
            outcome: 'won',
            baseline: 32.4,
            observed: 33.6,
            actualDays: 2,
            learnings: [{ learning: 'nextStep', relation: 'supports' }],
          },
        },
      },
    ],
  },

  // ---- Two weeks ago: both closed since the last meeting. ----
  {
    kind: 'batch',
    weeksAgo: 2,
    capacityDays: 8,
    items: [
      {
        metric: 'invites',
        source: 'copyLink',
        createdDaysAgo: 21,
        idea: {
          title: 'Board preview for invitees',
          change: 'show invitees a read-only preview of the board they are invited to before they sign up',
          outcome: 'rise as invitees see what they are joining',
          expectedLift: 6,
          rationale:
            'invites shared as a link in chat convert best, and the link lands on a bare sign-up form',
          tags: ['invites', 'sign-up'],
          owner: 'Marco Rossi',
          impact: 6,
          confidence: 6,
          ease: 6,
          estimatedDays: 3,
        },
        close: {
          daysAgo: 4,
          result: {
            outcome: 'won',
            baseline: 24.6,
            observed: 26.1,
            actualDays: 3,
            learnings: [
              {
                key: 'preview',
                statement:
                  'Invitees accept more often when they can see the board they are invited to before creating an account.',
              },
            ],
          },
        },
      },
      {
        metric: 'sessions',
        createdDaysAgo: 17,
        idea: {
          title: 'New teammates first in mention suggestions',
          change: 'list teammates who joined in the last 14 days first when someone types @ on a card',
          outcome: 'rise as new members get pulled into the work sooner',
          expectedLift: 4,
          rationale: 'new members who are mentioned in their first week stay twice as long',
          tags: ['engagement', 'comments'],
          owner: 'Dana Okafor',
          impact: 5,
          confidence: 6,
          ease: 7,
          estimatedDays: 2,
        },
        close: {
          daysAgo: 2,
          result: {
            outcome: 'inconclusive',
            baseline: 9.4,
            observed: 9.5,
            actualDays: 3,
            return: 2,
            learnings: [
              {
                statement:
                  'Members do mention the new teammates they are shown first, but two weeks of new members are too few to see sessions move.',
              },
            ],
          },
        },
      },
    ],
  },
];
