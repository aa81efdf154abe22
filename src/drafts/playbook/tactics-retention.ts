import type { Tactic } from './tactic';

// Retention: keeping accounts that got value coming back, week after week.
export const RETENTION: Tactic[] = [
  {
    key: 'weekly-digest',
    gist: 'weekly digest',
    title: 'Weekly digest of what changed for the team',
    change:
      'send each member a weekly email summarising what their team did and what is waiting for them, with links straight to each item',
    outcome: '{moves} as quiet members are reminded of work that involves them',
    rationale:
      'members drift away when nothing pulls them back; a digest of their own team’s activity is a reason to return that generic news is not',
    lift: 4,
    impact: [5, 'Reaches every member, including those who stopped opening the app.'],
    confidence: [6, 'Activity digests are a well-worn retention lever in collaborative tools.'],
    ease: [6, 'Reuses existing activity data; needs an email template and a weekly job.'],
    days: 4,
    tags: ['retention', 'email'],
  },
  {
    key: 'win-back-sequence',
    gist: 'win back',
    title: 'Win-back sequence for lapsing accounts',
    change:
      'detect accounts whose usage halved over two weeks and send a three-message sequence showing what they have not tried yet, ending with an offer of help',
    outcome: '{moves} as lapsing accounts are caught before they are gone',
    rationale:
      'an account that is slowing down can still be saved; once it has left, it rarely comes back. Acting on the drop is cheaper than winning a new account',
    lift: 5,
    impact: [6, 'Targets exactly the accounts that move {metric}.'],
    confidence: [5, 'Depends on how well a usage drop predicts leaving.'],
    ease: [6, 'A usage-drop query and three emails.'],
    days: 4,
    tags: ['retention', 'lifecycle-email'],
  },
  {
    key: 'cancellation-save-flow',
    gist: 'cancellation flow',
    title: 'Save flow at cancellation',
    change:
      'ask for the reason at cancellation and answer each reason with a matching alternative: pause, downgrade, help with setup, or an export',
    outcome: '{moves} as some accounts that were about to leave choose an alternative',
    rationale:
      'many cancellations have a fixable reason (a quiet season, price, a missing setup step); offering the matching way out keeps part of them and tells the team why the others leave',
    lift: 6,
    impact: [6, 'Acts at the last moment {metric} can still be saved.'],
    confidence: [6, 'Reason-matched save offers keep a measurable share of cancelling accounts.'],
    ease: [5, 'Touches billing: a pause and a downgrade path must exist.'],
    days: 5,
    tags: ['retention', 'cancellation'],
  },
  {
    key: 'second-feature-adoption',
    gist: 'feature adoption',
    title: 'Prompt to adopt the stickiest second feature',
    change:
      'after an account’s first two weeks, prompt it in context to adopt the one feature most associated with long-term use, at the moment it would need it',
    outcome: '{moves} as more accounts depend on more than one part of the product',
    rationale:
      'accounts that use two core features stay far longer than those using one; a prompt in context is the cheapest way to get them there',
    lift: 5,
    impact: [6, 'Deepens use for every account past its first fortnight.'],
    confidence: [5, 'The feature–retention link may be partly correlation; this test tells.'],
    ease: [6, 'One contextual prompt and an event to time it.'],
    days: 4,
    tags: ['retention', 'feature-adoption'],
  },
  {
    key: 'integration-prompt',
    gist: 'connect integration',
    title: 'Connect the tool the team already uses',
    change:
      'prompt accounts in their first month to connect the integration their team uses most (chat, calendar or email), with a one-click connection',
    outcome: '{moves} as the product becomes part of routines the team already has',
    rationale:
      'an integration brings the product into tools people open every day and raises the cost of leaving, both of which hold {metric} up',
    lift: 5,
    impact: [6, 'Integrated accounts are the hardest to lose.'],
    confidence: [5, 'Depends on an integration most accounts actually want.'],
    ease: [5, 'Needs at least one solid integration to point to.'],
    days: 5,
    tags: ['retention', 'integrations'],
  },
  {
    key: 'value-milestones',
    gist: 'milestone',
    title: 'Milestones that show the value built up',
    change:
      'celebrate team milestones (the 10th board, 100 tasks done) with a short summary of what the team achieved, shareable with their manager',
    outcome: '{moves} as teams see what they would lose by leaving',
    rationale:
      'accumulated value is invisible until it is shown; a milestone makes the switching cost concrete and gives champions something to show',
    lift: 3,
    impact: [4, 'A gentle, broad nudge rather than a rescue.'],
    confidence: [5, 'Visible progress supports habit, though the effect is often modest.'],
    ease: [7, 'Counts the product already has, plus one message.'],
    days: 3,
    tags: ['retention', 'milestones'],
  },
  {
    key: 'resume-where-left',
    gist: 'left off',
    title: 'Resume where you left off',
    change:
      'when a member returns, open on a “continue” card for their unfinished work instead of the generic home screen',
    outcome: '{moves} as returning members get back to useful work at once',
    rationale:
      'a return visit that starts with a hunt for the last task often ends early; picking up the thread keeps the habit alive',
    lift: 3,
    impact: [4, 'Helps every returning member a little.'],
    confidence: [6, 'Continuity cues are a low-risk, commonly positive change.'],
    ease: [7, 'Needs only the last item each member touched.'],
    days: 2,
    tags: ['retention', 'home'],
  },
];
