import type { LearningStatus, Outcome, Relation } from '../../db/schema';
import { windowText } from '../batches/markdown';
import type { MeetingSummary } from '../batches/summary';
import { weekLabel } from '../batches/weeks';
import {
  days,
  liftText,
  num,
  type PayloadContext,
  slackEscape,
  slackLink,
  slackMessage,
  type WebhookBody,
  wsUrl,
} from './slack';

export type { PayloadContext, WebhookBody } from './slack';

// The bodies webhooks send: pure functions of the facts events.ts gathers. Every body is a Slack incoming-
// webhook message — `text` in Slack's mrkdwn (required; it is also the notification line) and `blocks`
// laying the same text out in sections — plus fields of Lodestar's own for other receivers: `event`,
// `workspace` and `data` (structured values). Slack ignores top-level fields it does not know, so one body
// serves both; so do Slack-compatible receivers (Mattermost, Discord's /slack endpoint, Rocket.Chat).

// ---- experiment.closed

export type ClosedExperiment = {
  id: number;
  title: string;
  metric: { id: number; name: string } | null;
  outcome: Outcome;
  expectedLift: number | null;
  baseline: number | null;
  observed: number | null;
  lift: number | null;
  actualDays: number | null;
  returnScore: number | null;
  roti: number | null;
  closedAt: number;
  learnings: { id: number; statement: string; status: LearningStatus; relation: Relation }[];
  /** Who closed it (a member's name), when known. */
  closedBy: string | null;
};

const OUTCOME_WORDS: Record<Outcome, string> = {
  won: 'won',
  lost: 'lost',
  inconclusive: 'inconclusive',
  stopped: 'stopped',
  invalid: 'invalid',
};

export function experimentClosedBody(x: ClosedExperiment, ctx: PayloadContext): WebhookBody {
  const url = wsUrl(ctx, `/hypotheses/${x.id}`);
  const head = `*Experiment closed: ${slackLink(url, `#${x.id} ${x.title}`)}* — *${OUTCOME_WORDS[x.outcome]}*`;
  const figures: string[] = [];
  if (x.metric) figures.push(`Input metric: ${slackEscape(x.metric.name)}`);
  if (x.lift != null)
    figures.push(
      `Lift: *${liftText(x.lift)}*${x.expectedLift != null ? ` (expected ${liftText(x.expectedLift)})` : ''}`,
    );
  if (x.roti != null)
    figures.push(
      `ROTI: *${x.roti.toFixed(2)}*${
        x.returnScore != null && x.actualDays != null
          ? ` (return ${num(x.returnScore)} ÷ ${days(x.actualDays)})`
          : ''
      }`,
    );
  const learned = x.learnings.map(
    (l) => `• ${l.relation === 'contradicts' ? 'Contradicts' : 'Learned'}: ${slackEscape(l.statement)}`,
  );
  const by = `${x.closedBy ? `Closed by ${slackEscape(x.closedBy)} in ` : 'In '}${slackLink(wsUrl(ctx), ctx.ws.name)}.`;
  return slackMessage('experiment.closed', ctx, [head, figures.join(' · '), learned.join('\n'), by], {
    id: x.id,
    title: x.title,
    url: url ?? null,
    metric: x.metric,
    outcome: x.outcome,
    expectedLift: x.expectedLift,
    baseline: x.baseline,
    observed: x.observed,
    lift: x.lift,
    actualDays: x.actualDays,
    return: x.returnScore,
    roti: x.roti,
    closedAt: new Date(x.closedAt).toISOString(),
    closedBy: x.closedBy,
    learnings: x.learnings,
  });
}

// ---- batch.started

export type StartedBatch = {
  id: number;
  week: string;
  startedAt: number;
  capacityDays: number;
  plannedDays: number;
  items: {
    id: number;
    title: string;
    estimatedDays: number | null;
    ice: number;
    metricName: string | null;
  }[];
  startedBy: string | null;
};

export function batchStartedBody(b: StartedBatch, ctx: PayloadContext): WebhookBody {
  const used = b.capacityDays > 0 ? Math.round((b.plannedDays / b.capacityDays) * 100) : 0;
  const head = `*Batch started: ${slackLink(wsUrl(ctx, `/batches/${b.id}`), weekLabel(b.week))}* in ${slackLink(wsUrl(ctx), ctx.ws.name)}`;
  const load = `${b.items.length} ${b.items.length === 1 ? 'experiment' : 'experiments'}: *${num(b.plannedDays)}* of *${days(b.capacityDays)}* planned (${used}%)${
    b.plannedDays > b.capacityDays
      ? ` — *over capacity* by ${days(Math.round((b.plannedDays - b.capacityDays) * 10) / 10)}`
      : ''
  }`;
  const items = b.items.map(
    (h) =>
      `• ${slackLink(wsUrl(ctx, `/hypotheses/${h.id}`), `#${h.id} ${h.title}`)}: ${
        h.estimatedDays == null ? 'no estimate' : days(h.estimatedDays)
      }${h.metricName ? ` · ${slackEscape(h.metricName)}` : ''}`,
  );
  const by = b.startedBy ? `Started by ${slackEscape(b.startedBy)}.` : '';
  return slackMessage('batch.started', ctx, [head, load, items.join('\n'), by], {
    id: b.id,
    week: b.week,
    url: wsUrl(ctx, `/batches/${b.id}`) ?? null,
    startedAt: new Date(b.startedAt).toISOString(),
    startedBy: b.startedBy,
    capacityDays: b.capacityDays,
    plannedDays: b.plannedDays,
    usedPercent: used,
    items: b.items.map((h) => ({ ...h, url: wsUrl(ctx, `/hypotheses/${h.id}`) ?? null })),
  });
}

// ---- meeting.summary

/** The batch's meeting summary (what summaryMarkdown says) in Slack's mrkdwn. */
export function meetingSummaryBody(s: MeetingSummary, ctx: PayloadContext): WebhookBody {
  const ref = (id: number, title: string) => slackLink(wsUrl(ctx, `/hypotheses/${id}`), `#${id} ${title}`);
  const { closed, learned, triaged, selected } = s;
  const triagedCount = triaged.accepted.length + triaged.rejected.length;
  const summaryUrl = wsUrl(ctx, `/batches/${s.batch.id}/summary`);
  const head = `*Meeting summary${s.window.final ? '' : ' so far'}: ${slackLink(summaryUrl, weekLabel(s.batch.week))}*\n${slackEscape(ctx.ws.name)} · ${slackEscape(windowText(s, ctx.ws.timeZone))}.`;
  const counts = [
    `*${closed.length}* closed`,
    `*${learned.length}* learned`,
    `*${triagedCount}* triaged`,
    `*${selected.load.items}* selected`,
    `*${num(selected.load.plannedDays)}* of *${num(selected.load.capacityDays)}* person-days planned (*${selected.usedPercent}%*)`,
  ].join(' · ');

  const closedLines = [`*Closed (${closed.length})*`];
  if (closed.length === 0) closedLines.push('• Nothing closed.');
  for (const c of closed) {
    const figures = [`*${c.result}*`];
    if (c.lift != null) figures.push(`lift *${liftText(c.lift)}*`);
    if (c.roti != null) figures.push(`ROTI *${c.roti.toFixed(2)}*`);
    closedLines.push(`• ${ref(c.id, c.title)}: ${figures.join(', ')}`);
    for (const l of c.learnings)
      closedLines.push(
        `    ◦ ${l.relation === 'contradicts' ? 'Contradicts' : 'Learned'}: ${slackEscape(l.statement)}`,
      );
  }

  const learnedLines = [`*Learned (${learned.length})*`];
  if (learned.length === 0) learnedLines.push('• Nothing new learned.');
  for (const l of learned)
    learnedLines.push(
      `• ${slackEscape(l.statement)} (${l.status}${l.metricName ? `, ${slackEscape(l.metricName)}` : ''})`,
    );

  const triagedLines = [
    `*Triaged (${triagedCount}: ${triaged.accepted.length} accepted, ${triaged.rejected.length} rejected)*`,
  ];
  if (triagedCount === 0) triagedLines.push('• No drafts triaged.');
  for (const t of triaged.accepted) triagedLines.push(`• Accepted: ${ref(t.id, t.title)}`);
  for (const t of triaged.rejected) triagedLines.push(`• Rejected: ${ref(t.id, t.title)}`);

  const { load } = selected;
  const selectedLines = [
    `*Selected (${load.items}): ${num(load.plannedDays)} of ${days(load.capacityDays)} (${selected.usedPercent}%)*`,
  ];
  if (selected.items.length === 0) selectedLines.push('• Nothing selected.');
  for (const h of selected.items)
    selectedLines.push(
      `• ${ref(h.id, h.title)}: ${h.estimatedDays == null ? 'no estimate' : days(h.estimatedDays)}`,
    );
  if (load.over)
    selectedLines.push(
      `*Over capacity* by *${days(Math.round((load.plannedDays - load.capacityDays) * 10) / 10)}*.`,
    );

  return slackMessage(
    'meeting.summary',
    ctx,
    [
      head,
      counts,
      closedLines.join('\n'),
      learnedLines.join('\n'),
      triagedLines.join('\n'),
      selectedLines.join('\n'),
    ],
    {
      batch: { id: s.batch.id, week: s.batch.week, url: wsUrl(ctx, `/batches/${s.batch.id}`) ?? null },
      url: summaryUrl ?? null,
      final: s.window.final,
      window: {
        from: s.window.from == null ? null : new Date(s.window.from).toISOString(),
        to: new Date(s.window.to).toISOString(),
      },
      closed: closed.map((c) => ({ ...c, closedAt: new Date(c.closedAt).toISOString() })),
      learned: learned.map((l) => ({ ...l, createdAt: new Date(l.createdAt).toISOString() })),
      triaged: {
        accepted: triaged.accepted.map(({ id, title }) => ({ id, title })),
        rejected: triaged.rejected.map(({ id, title }) => ({ id, title })),
      },
      selected: {
        items: selected.items,
        plannedDays: load.plannedDays,
        capacityDays: load.capacityDays,
        usedPercent: selected.usedPercent,
        over: load.over,
      },
    },
  );
}

// ---- test

export function testBody(
  hook: { label: string; host: string },
  ctx: PayloadContext,
  now: number,
): WebhookBody {
  const name = hook.label || hook.host;
  return slackMessage(
    'test',
    ctx,
    [
      `*Test from Lodestar:* the webhook “${slackEscape(name)}” of ${slackLink(wsUrl(ctx), ctx.ws.name)} reaches this channel.`,
      'Closed experiments, started batches and meeting summaries will arrive here, for the events it is set to send.',
    ],
    { sentAt: new Date(now).toISOString(), webhook: name },
  );
}
