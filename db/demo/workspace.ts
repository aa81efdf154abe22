import type { MetricInput } from '../../src/metrics/schemas';
import type { NorthStarOverrides } from '../factories';
import type { MetricKey } from './types';

// The demo workspace, its North Star (with the team's answers to the checklist) and its three input
// metrics, all set up on the day the team started.

/** The team set up the workspace and its metrics this many days before `now`. */
export const STARTED_DAYS_AGO = 70;

export const WORKSPACE: { name: string; slug: string; northStar: NorthStarOverrides } = {
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
};

/** The input metrics, in the order they were created. */
export const INPUTS: Record<MetricKey, Partial<Omit<MetricInput, 'kind'>>> = {
  activation: {
    name: 'Activation rate',
    unit: '%',
    description:
      'Share of new teams that create a shared board and invite a teammate within 7 days of sign-up.',
    owner: 'Priya Nair',
    currentValue: 32.4,
    target: 38,
  },
  invites: {
    name: 'Invite conversion',
    unit: '%',
    description: 'Share of teammate invites accepted within 14 days of being sent.',
    owner: 'Marco Rossi',
    currentValue: 24.6,
    target: 30,
  },
  sessions: {
    name: 'Weekly sessions per team',
    unit: 'sessions',
    description: 'Median number of sessions per active team in an ISO week, all members combined.',
    owner: 'Dana Okafor',
    currentValue: 9.3,
    target: 12,
  },
};

/**
 * What each metric read before today's value (the one above): when the team set it up, then at each Monday's
 * meeting from nine weeks ago to last week. The seed records them as that week's measurement, and this week's
 * (today's value) is the change the tiles and the meeting show.
 */
export const VALUE_HISTORY: Record<MetricKey | 'northStar', number[]> = {
  northStar: [1580, 1610, 1645, 1662, 1701, 1725, 1748, 1779, 1796, 1820],
  activation: [27.6, 28, 28.9, 30.2, 30.4, 31, 31.2, 31.8, 32.1, 32],
  invites: [21.7, 21.5, 21.4, 21.3, 21.6, 22.4, 23.9, 24.1, 24.3, 24.2],
  sessions: [9, 9, 9.1, 9.1, 9.2, 9.2, 9.1, 9.3, 9.4, 9.2],
};

/**
 * The sixteen weeks before the team set Lodestar up, oldest first, as imported from its analytics: activation
 * rose with the North Star week by week, invites wobbled on their own, sessions stayed flat — so the tree's
 * "does this input drive the North Star?" has something to say.
 */
export const EARLIER_HISTORY: Record<MetricKey | 'northStar', number[]> = {
  northStar: [1440, 1452, 1460, 1475, 1471, 1481, 1495, 1501, 1499, 1510, 1519, 1532, 1535, 1542, 1554, 1564],
  activation: [20.4, 21.1, 21.3, 22.2, 22, 22.4, 23.3, 23.5, 23.5, 24, 24.3, 25, 25.2, 25.7, 26.2, 26.7],
  invites: [21.2, 21.5, 21.3, 20.9, 21.4, 21.5, 21.2, 21.4, 21.8, 21.3, 21.4, 21.7, 21.5, 21.4, 21.8, 21.5],
  sessions: [9, 9.1, 9.1, 9, 9.1, 9.1, 9, 9, 9.1, 9, 9, 9.1, 9.1, 9, 9, 9.1],
};
