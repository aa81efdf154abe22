import type { Tactic } from './tactic';

// Referral: existing users bringing in new ones (invites, sharing, word of mouth).
export const REFERRAL: Tactic[] = [
  {
    key: 'invite-at-value-moment',
    gist: 'invite prompt',
    title: 'Invite prompt right after the first success',
    change:
      'show the invite prompt right after a user completes their first successful result, instead of during sign-up, pre-filled with collaborators they mentioned',
    outcome: '{moves} as people invite others when they have just seen why it is worth it',
    rationale:
      'people share what has just worked for them; asking at sign-up asks before there is anything to share',
    lift: 8,
    impact: [7, 'Moves the main invite moment, which most invites pass through.'],
    confidence: [6, 'Timing invites to a success moment is a consistently strong referral lever.'],
    ease: [7, 'Moves an existing prompt and adds one trigger.'],
    days: 3,
    tags: ['referral', 'invites'],
  },
  {
    key: 'pending-invite-reminder',
    gist: 'invite reminder',
    title: 'Reminder for invites not yet accepted',
    change:
      're-send pending invites after three days with the inviter’s name and what they are working on, and show the inviter who has not joined yet with a one-click nudge',
    outcome: '{moves} as invites forgotten in an inbox get a second chance',
    rationale:
      'many invites are not refused, only missed; a personal reminder recovers them at almost no cost',
    lift: 6,
    impact: [5, 'Works on invites already sent: no new demand needed.'],
    confidence: [7, 'Invite reminders are among the most reliable referral wins.'],
    ease: [8, 'One scheduled job and an email template.'],
    days: 2,
    tags: ['referral', 'invites', 'email'],
  },
  {
    key: 'personal-invite-preview',
    gist: 'invite preview',
    title: 'Personal invite with a preview of the shared work',
    change:
      'send invites from the inviter by name, with a preview of the item the invitee will land on and a line from the inviter',
    outcome: '{moves} as invites look like a colleague asking, not a product marketing email',
    rationale:
      'an invitee decides in seconds whether an email is worth opening; a name they know and a glimpse of the work make it one',
    lift: 5,
    impact: [5, 'Improves every invite sent.'],
    confidence: [6, 'Personalised invites consistently out-convert generic ones.'],
    ease: [7, 'Email template work and a rendered preview.'],
    days: 3,
    tags: ['referral', 'invites', 'email'],
  },
  {
    key: 'one-click-join',
    gist: 'join click',
    title: 'Join from an invite in one click',
    change:
      'let invitees join with a magic link or single sign-on and land directly on the shared item, setting a password later',
    outcome: '{moves} as fewer invitees drop out between the email and the product',
    rationale: 'every field between an invite and the shared work loses invitees who had already said yes',
    lift: 7,
    impact: [6, 'Removes the steepest drop in the invite funnel.'],
    confidence: [6, 'Cutting sign-up friction for invitees reliably raises acceptance.'],
    ease: [5, 'Touches authentication, which needs care.'],
    days: 5,
    tags: ['referral', 'signup'],
  },
  {
    key: 'two-sided-reward',
    gist: 'referral reward',
    title: 'Two-sided referral reward',
    change:
      'give both the person who invites and the one who joins a reward (a free month or extra seats) when the invite is accepted',
    outcome: '{moves} as both sides have a reason to act on the invite',
    rationale:
      'a reward for both sides turns an invite into a favour rather than a request, and gives the invitee a reason to accept now',
    lift: 8,
    impact: [6, 'Gives every user a reason to invite.'],
    confidence: [5, 'Strong in consumer products; in team products the reward must be useful to the team.'],
    ease: [4, 'Needs billing credit handling and abuse limits.'],
    days: 6,
    tags: ['referral', 'incentives'],
  },
  {
    key: 'view-only-share-link',
    gist: 'share link',
    title: 'View-only share links with a join prompt',
    change:
      'add a “copy link” option on every item that lets people outside the team view it without an account, with a prompt to join',
    outcome: '{moves} as shared work reaches people who were never invited',
    rationale:
      'every shared link is an ad shown by a trusted colleague; letting people look before signing up widens the top of the funnel',
    lift: 6,
    impact: [6, 'Opens a new channel instead of improving an existing one.'],
    confidence: [5, 'Depends on whether users share items outside their team.'],
    ease: [5, 'Needs public read access with care for privacy.'],
    days: 5,
    tags: ['referral', 'sharing'],
  },
  {
    key: 'same-domain-suggestions',
    gist: 'email domain',
    title: 'Suggest colleagues from the same email domain',
    change:
      'suggest people who signed up with the same company email domain, and colleagues already mentioned in the product, as one-click invites',
    outcome: '{moves} as users invite people they would otherwise not think of',
    rationale:
      'the best next member is often already nearby; naming them removes the effort of recalling and typing addresses',
    lift: 5,
    impact: [5, 'Most useful in companies where several teams use the product.'],
    confidence: [5, 'Works where accounts share work email domains.'],
    ease: [6, 'A domain lookup and a suggestion list.'],
    days: 3,
    tags: ['referral', 'invites'],
  },
];
