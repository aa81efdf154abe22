import type { Tactic } from './tactic';

// Frequency: active users using the product more often (sessions, days active, actions per week).
export const FREQUENCY: Tactic[] = [
  {
    key: 'reminder-at-usual-time',
    gist: 'reminder usual time',
    title: 'Reminder at the time each member usually works',
    change:
      'offer each member a reminder (email or push) at the time of day they usually use the product, tied to something waiting for them',
    outcome: '{moves} as the product fits into the routine members already have',
    rationale:
      'a reminder at the usual moment rides an existing habit; tying it to real pending work keeps it from being noise',
    lift: 5,
    impact: [6, 'Applies to every active member.'],
    confidence: [5, 'Helps when something is genuinely waiting; otherwise it is ignored.'],
    ease: [6, 'Needs usage times per member and a scheduled sender.'],
    days: 4,
    tags: ['frequency', 'notifications'],
  },
  {
    key: 'teammate-activity-notifications',
    gist: 'teammate notification',
    title: 'Notify members when teammates need them',
    change:
      'notify members when a teammate mentions them, assigns them something or comments on their work, batched to at most one message an hour',
    outcome: '{moves} as members come back for the moments that involve them',
    rationale:
      'the strongest reason to open a collaborative product is a colleague waiting; batching keeps the signal from becoming spam',
    lift: 6,
    impact: [6, 'Creates return visits driven by real work.'],
    confidence: [6, 'Social triggers are the main engine of frequency in team products.'],
    ease: [5, 'Needs events for mentions, assignments and comments, plus batching.'],
    days: 5,
    tags: ['frequency', 'notifications'],
  },
  {
    key: 'whats-new-home',
    gist: 'changed since last visit',
    title: 'Home screen showing what changed since the last visit',
    change:
      'make the home screen show what changed since the member’s last visit (new comments, items due, updates to their work) instead of a static list',
    outcome: '{moves} as each visit starts with something useful to act on',
    rationale:
      'a visit that ends with nothing found teaches people not to come back; a fresh list of changes rewards each visit',
    lift: 4,
    impact: [5, 'Every visit starts on the home screen.'],
    confidence: [5, 'Useful when there is enough activity to show.'],
    ease: [5, 'Needs a per-member last-visit marker and a change query.'],
    days: 5,
    tags: ['frequency', 'home'],
  },
  {
    key: 'team-streak',
    gist: 'streak',
    title: 'Weekly team streak',
    change:
      'show each team its streak of consecutive active weeks, with a gentle reminder when this week’s streak is at risk',
    outcome: '{moves} as teams keep their streak going',
    rationale:
      'streaks turn a habit into something to protect; a team streak adds light social accountability',
    lift: 4,
    impact: [4, 'Nudges teams on the edge of a quiet week.'],
    confidence: [5, 'Streaks lift frequency in habit products; less proven in work tools.'],
    ease: [7, 'A weekly count and a badge.'],
    days: 3,
    tags: ['frequency', 'gamification'],
  },
  {
    key: 'mobile-quick-actions',
    gist: 'quick action',
    title: 'One-tap quick actions on mobile',
    change:
      'add the three most frequent actions as one-tap shortcuts in the mobile app and as a home-screen widget',
    outcome: '{moves} as short moments during the day become sessions',
    rationale:
      'many would-be sessions are lost because opening the full app is too much for a 30-second task',
    lift: 5,
    impact: [5, 'Depends on how many members use the mobile app.'],
    confidence: [5, 'Shortcuts raise frequency among mobile users; few desktop users switch.'],
    ease: [4, 'Native work on two platforms.'],
    days: 6,
    tags: ['frequency', 'mobile'],
  },
  {
    key: 'recurring-rituals',
    gist: 'recurring',
    title: 'Recurring items for team rituals',
    change:
      'let teams set up recurring items (weekly planning, retro, check-in) that are created automatically each week and announced to members',
    outcome: '{moves} as team rituals bring members back on a schedule',
    rationale: 'rituals already happen every week; anchoring them in the product makes each one a visit',
    lift: 5,
    impact: [5, 'Each ritual set up is a guaranteed weekly visit.'],
    confidence: [6, 'Recurring structures are a dependable driver of regular use.'],
    ease: [6, 'A recurrence rule and a weekly job.'],
    days: 4,
    tags: ['frequency', 'rituals'],
  },
];
