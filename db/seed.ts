import { sql } from 'drizzle-orm';
import { followUpFromHypothesis } from '../src/hypotheses/close';
import type { HypothesisInput } from '../src/hypotheses/schemas';
import { getLearning, setLearningStatus } from '../src/learnings/learnings';
import type { Db } from './client';
import { closeAs, DAY_MS, makeHypothesis, makeInput, makeLearning, makeWorkspace, moveTo } from './factories';
import { type LearningStatus, type Metric, type Workspace, workspaces } from './schema';

// The demo workspace: a B2B SaaS growth team two months into running experiments, so that every page
// has something true-looking to show. Built through the factories (and so the domain functions): the
// demo can only contain what the app itself could have made. Dates are relative to `now`.

/** Seeds the demo workspace into an empty database; does nothing (undefined) when any workspace exists. */
export async function seedDemoIfEmpty(db: Db, now = Date.now()): Promise<Workspace | undefined> {
  const [row] = await db.orm.select({ n: sql<number>`count(*)` }).from(workspaces);
  if (Number(row?.n ?? 0) > 0) return undefined;
  return seedDemo(db, now);
}

type Idea = Omit<HypothesisInput, 'metricId' | 'tags' | 'status'> & { tags: string[]; status?: 'draft' };

export async function seedDemo(db: Db, now = Date.now()): Promise<Workspace> {
  const ago = (days: number) => now - days * DAY_MS;

  const ws = await makeWorkspace(
    db,
    {
      name: 'Acme Growth',
      slug: 'demo',
      northStar: {
        name: 'Weekly active teams',
        description:
          'Teams of three or more where at least three members worked on a shared board during the ISO week: ' +
          'the moment Acme delivers value to a team rather than to one person.',
        unit: 'teams',
        owner: 'Sam Whitfield',
        currentValue: 1840,
        target: 2500,
        checklist: {
          customer_value: {
            pass: true,
            note: 'It counts teams getting work done together, which is what customers pay for.',
          },
          vision: {
            pass: true,
            note: 'Our vision is the place teams plan together; a lone user is not that.',
          },
          leads_revenue: {
            pass: true,
            note: 'Accounts with three or more weekly active teams expand at 2.4× the rate of the others.',
          },
          actionable: { pass: true, note: 'Each of the three input metrics has an owner and a backlog.' },
          understood: {
            pass: false,
            note: 'Sales and finance still talk in seats sold. We show the number at every all-hands until it sticks.',
          },
          rise_with_less_value: {
            pass: true,
            note: 'Only collaborative edits count, not logins or notifications, so nudging alone cannot inflate it.',
          },
          thirty_percent: {
            pass: true,
            note: 'Yes: in every cohort we have looked at, more active teams means more expansion and less churn.',
          },
        },
      },
    },
    ago(70),
  );

  const activation = await makeInput(
    db,
    ws,
    {
      name: 'Activation rate',
      unit: '%',
      description:
        'Share of new teams that create a shared board and invite a teammate within 7 days of sign-up.',
      owner: 'Priya Nair',
      currentValue: 32.4,
      target: 38,
    },
    ago(70),
  );
  const invites = await makeInput(
    db,
    ws,
    {
      name: 'Invite conversion',
      unit: '%',
      description: 'Share of teammate invites accepted within 14 days of being sent.',
      owner: 'Marco Rossi',
      currentValue: 24.6,
      target: 30,
    },
    ago(70),
  );
  const sessions = await makeInput(
    db,
    ws,
    {
      name: 'Weekly sessions per team',
      unit: 'sessions',
      description: 'Median number of sessions per active team in an ISO week, all members combined.',
      owner: 'Dana Okafor',
      currentValue: 9.3,
      target: 12,
    },
    ago(70),
  );

  const idea = (metric: Metric, fields: Idea, createdDaysAgo: number) =>
    makeHypothesis(db, ws, { ...fields, metricId: metric.id }, ago(createdDaysAgo));
  /** Selected at the prioritisation meeting, then started a couple of days later. */
  const start = async (h: { id: number }, selectedDaysAgo: number, startedDaysAgo: number) => {
    await moveTo(db, ws, h, 'selected', ago(selectedDaysAgo));
    return moveTo(db, ws, h, 'running', ago(startedDaysAgo));
  };
  const setStatus = async (learning: { id: number }, status: LearningStatus, daysAgo: number) => {
    const current = await getLearning(db, ws, learning.id);
    if (!current) throw new Error(`learning #${learning.id} vanished`);
    await setLearningStatus(db, ws, learning.id, status, current.version, ago(daysAgo));
  };
  const only = <T>(list: T[]): T => {
    const [first] = list;
    if (!first) throw new Error('the close recorded no learning');
    return first;
  };

  // ---- Closed experiments, oldest first, so later ones can build on earlier learnings. ----

  const avatars = await idea(
    invites,
    {
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
    68,
  );
  await start(avatars, 64, 62);
  await closeAs(
    db,
    ws,
    avatars,
    {
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
    ago(54),
  );

  const checklist = await idea(
    activation,
    {
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
    67,
  );
  await start(checklist, 64, 61);
  const checklistClosed = await closeAs(
    db,
    ws,
    checklist,
    {
      outcome: 'won',
      baseline: 28,
      observed: 30.2,
      actualDays: 5,
      learnings: [
        {
          statement:
            'New teams activate when the first screen hands them one concrete next step instead of a blank canvas.',
        },
      ],
    },
    ago(50),
  );
  const nextStep = only(checklistClosed.learnings);

  const reminder = await idea(
    invites,
    {
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
    66,
  );
  await start(reminder, 57, 56);
  const reminderClosed = await closeAs(
    db,
    ws,
    reminder,
    {
      outcome: 'lost',
      baseline: 21.5,
      observed: 21.1,
      actualDays: 2,
      return: 3,
      learnings: [
        {
          statement:
            'Invitees who ignore the first invite email ignore the second one too: the inviter, not more email, is the channel that works.',
        },
      ],
    },
    ago(44),
  );
  const inviterChannel = only(reminderClosed.learnings);

  const interviews = await makeLearning(
    db,
    ws,
    {
      statement:
        'New admins stall because they do not understand how boards and spaces relate (8 of 12 interviews).',
      metricId: activation.id,
    },
    ago(63),
  );

  const templates = await idea(
    activation,
    {
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
    64,
  );
  await start(templates, 50, 47);
  await closeAs(
    db,
    ws,
    templates,
    {
      outcome: 'won',
      baseline: 30.2,
      observed: 32.4,
      actualDays: 6,
      learnings: [{ learningId: nextStep.id, relation: 'supports' }],
    },
    ago(37),
  );

  const nudge = await idea(
    invites,
    {
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
    46,
  );
  await start(nudge, 43, 40);
  const nudgeClosed = await closeAs(
    db,
    ws,
    nudge,
    {
      outcome: 'won',
      baseline: 21.3,
      observed: 24.6,
      actualDays: 3.5,
      learnings: [
        { learningId: inviterChannel.id, relation: 'supports' },
        {
          statement: 'A copyable invite link shared in the team’s chat converts better than an invite email.',
        },
      ],
    },
    ago(30),
  );
  await setStatus(inviterChannel, 'supported', 30);
  const copyLink = nudgeClosed.learnings.find((l) => l.id !== inviterChannel.id) ?? inviterChannel;

  const digest = await idea(
    sessions,
    {
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
    55,
  );
  await start(digest, 43, 36);
  await closeAs(
    db,
    ws,
    digest,
    {
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
    ago(22),
  );

  const tour = await idea(
    activation,
    {
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
      sourceLearningId: interviews.id,
    },
    40,
  );
  await start(tour, 36, 29);
  await closeAs(
    db,
    ws,
    tour,
    {
      outcome: 'lost',
      baseline: 31,
      observed: 30.4,
      actualDays: 4,
      return: 3,
      learnings: [
        { learningId: interviews.id, relation: 'contradicts' },
        { learningId: nextStep.id, relation: 'supports' },
      ],
    },
    ago(14),
  );
  await setStatus(interviews, 'rejected', 14);
  await setStatus(nextStep, 'confirmed', 14);

  const slack = await idea(
    sessions,
    {
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
    35,
  );
  await start(slack, 15, 12);
  await closeAs(
    db,
    ws,
    slack,
    {
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
    ago(6),
  );

  // ---- Running: last week's batch. ----

  const dueDates = await idea(
    sessions,
    {
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
    26,
  );
  await start(dueDates, 8, 6);

  const shareLink = await idea(
    invites,
    {
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
      sourceLearningId: copyLink.id,
    },
    28,
  );
  await start(shareLink, 8, 5);

  // ---- Selected: this week's batch. ----

  const batch: [Metric, Idea, number][] = [
    [
      activation,
      {
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
      13,
    ],
    [
      invites,
      {
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
        estimatedDays: 3,
      },
      9,
    ],
    [
      sessions,
      {
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
      20,
    ],
  ];
  for (const [metric, fields, createdDaysAgo] of batch)
    await moveTo(db, ws, await idea(metric, fields, createdDaysAgo), 'selected', ago(1));

  // ---- Backlog: distinct ICE scores, and one tie (7.0) that expected ROTI breaks. ----

  const backlog: [Metric, Idea, number][] = [
    [
      invites,
      {
        title: 'Join your colleagues’ team by email domain',
        change: 'offer people who sign up with a company email to join the existing team on their domain',
        outcome: 'rise as colleagues find their team without waiting for an invite',
        expectedLift: 15,
        rationale:
          '18% of new sign-ups come from a domain that already has an active team, and most are never invited',
        tags: ['invites', 'sign-up'],
        owner: 'Marco Rossi',
        impact: 9,
        confidence: 7,
        ease: 5,
        estimatedDays: 8,
      },
      41,
    ],
    [
      invites,
      {
        title: 'One-click join from a Slack invite',
        change: 'let invitees accept an invite shared in Slack with one click, signing in with Slack',
        outcome: 'rise as accepting no longer needs a new password',
        expectedLift: 8,
        rationale: '34% of invitees who open the invite page leave at the password step',
        tags: ['invites', 'slack', 'integrations'],
        owner: 'Marco Rossi',
        impact: 7,
        confidence: 6,
        ease: 8,
        estimatedDays: 3,
      },
      12,
    ],
    [
      activation,
      {
        title: 'Start the trial without a credit card',
        change: 'remove the credit-card step from the trial sign-up',
        outcome: 'rise as more teams reach their first board before deciding to pay',
        expectedLift: 12,
        rationale:
          '41% of sign-ups drop at the card step, and our two main competitors stopped asking for one',
        tags: ['sign-up', 'pricing'],
        owner: 'Priya Nair',
        impact: 9,
        confidence: 6,
        ease: 4,
        estimatedDays: 8,
      },
      33,
    ],
    [
      sessions,
      {
        title: 'Keyboard shortcut hints in empty states',
        change: 'show one keyboard shortcut hint in each empty state and in the command bar',
        outcome: 'rise slightly as regular users get faster at their daily updates',
        expectedLift: 3,
        rationale:
          'members who use three or more shortcuts have twice the weekly sessions of those who use none',
        tags: ['engagement', 'power-users'],
        owner: 'Dana Okafor',
        impact: 4,
        confidence: 5,
        ease: 9,
        estimatedDays: 1,
      },
      18,
    ],
    [
      activation,
      {
        title: 'Five-day onboarding email course',
        change: 'send new admins a five-day email course with one setup task a day',
        outcome: 'rise as admins who stall on day one come back for the next step',
        expectedLift: 4,
        rationale: 'a third of the admins who do not activate on day one log in again within the week',
        tags: ['onboarding', 'lifecycle-email'],
        owner: 'Priya Nair',
        impact: 5,
        confidence: 4,
        ease: 8,
        estimatedDays: 2,
      },
      25,
    ],
    [
      sessions,
      {
        title: 'Push notifications for assigned cards',
        change: 'send a mobile push notification when a card is assigned to a member',
        outcome: 'rise as assignees open the app the moment work lands on them',
        expectedLift: 6,
        rationale: 'only 22% of mobile users have notifications on, but those who do have 40% more sessions',
        tags: ['engagement', 'mobile'],
        owner: 'Dana Okafor',
        impact: 6,
        confidence: 5,
        ease: 4,
        estimatedDays: 10,
      },
      47,
    ],
  ];
  for (const [metric, fields, createdDaysAgo] of backlog) await idea(metric, fields, createdDaysAgo);

  // ---- Parked, rejected and drafts. ----

  const singlePage = await idea(
    activation,
    {
      title: 'Single-page sign-up',
      change: 'replace the three-step sign-up with a single page',
      outcome: 'rise as fewer visitors drop between steps',
      expectedLift: 6,
      rationale: 'each sign-up step loses 8–12% of visitors; parked until the auth migration ships',
      tags: ['sign-up'],
      owner: 'Priya Nair',
      impact: 7,
      confidence: 5,
      ease: 2,
      estimatedDays: 15,
    },
    60,
  );
  await moveTo(db, ws, singlePage, 'parked', ago(33));

  const nps = await idea(
    sessions,
    {
      title: 'NPS survey after the first session',
      change: 'ask every new member for an NPS score at the end of their first session',
      outcome: 'rise once we know what new members dislike',
      expectedLift: 2,
      rationale: 'we have no sentiment data on new members (rejected: it measures sentiment, not a lever)',
      tags: ['research'],
      owner: 'Sam Whitfield',
      impact: 3,
      confidence: 3,
      ease: 9,
      estimatedDays: 1,
      status: 'draft',
    },
    20,
  );
  await moveTo(db, ws, nps, 'rejected', ago(18));

  const prefill = await followUpFromHypothesis(db, ws, digest.id);
  await makeHypothesis(
    db,
    ws,
    {
      ...prefill,
      title: 'Digest for dormant members only',
      change:
        'send the Monday digest only to members with no session in the last 14 days, to a sample four times larger',
      rationale: `the digest (#${digest.id}) reached mostly active members, and too few dormant ones were in the test to tell`,
      expectedLift: 10,
      confidence: 4,
      ease: 7,
      estimatedDays: 3,
    },
    ago(21),
  );
  await idea(
    sessions,
    {
      title: 'Team streaks for weekly board updates',
      change: 'show each team a streak of consecutive weeks in which someone updated a board',
      outcome: 'rise as teams keep the weekly habit going',
      expectedLift: 5,
      rationale: 'streaks work in consumer apps; untested for teams at work',
      tags: ['engagement', 'gamification'],
      owner: 'Dana Okafor',
      impact: 5,
      confidence: 3,
      ease: 5,
      estimatedDays: 5,
      status: 'draft',
    },
    2,
  );

  return ws;
}
