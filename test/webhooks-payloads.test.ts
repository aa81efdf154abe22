import { describe, expect, it } from 'vitest';
import type { Batch } from '../db/schema';
import type { MeetingSummary } from '../src/batches/summary';
import { type AttemptResult, parseRetryAfter, permanentFailure, planAfter } from '../src/webhooks/deliveries';
import { experimentClosedBody, meetingSummaryBody } from '../src/webhooks/payloads';
import { slackEscape, slackLink } from '../src/webhooks/slack';
import { maskUrl } from '../src/webhooks/urls';

// The pure parts of webhooks, against hand-written tables: Slack's escaping, masked URLs, the retry plan and
// the bodies sent for each event.

const SLACK = 'https://hooks.slack.com/services/T0123ABCD/B0456EFGH/s3cr3tT0kenXYZabc123';

describe('webhook payloads', () => {
  it('escapes Slack’s control characters in user text and keeps it on one line', () => {
    expect(slackEscape('Tell <!channel> & <@U123>\n> quote')).toBe(
      'Tell &lt;!channel&gt; &amp; &lt;@U123&gt; &gt; quote',
    );
    expect(slackLink('https://l.example/w/acme/hypotheses/3', 'A | B <x>')).toBe(
      '<https://l.example/w/acme/hypotheses/3|A ¦ B &lt;x&gt;>',
    );
    expect(slackLink(undefined, 'Plain & simple')).toBe('Plain &amp; simple');
  });

  it('masks URLs down to their host and route', () => {
    const table: [string, string][] = [
      [SLACK, 'https://hooks.slack.com/services/T0…/…'],
      ['https://discord.com/api/webhooks/1234567890/AbCdEfToken', 'https://discord.com/api/webhooks/12…/…'],
      // A short, lower-case secret is still a secret: only a route's known words are shown whole.
      ['https://hooks.zapier.com/hooks/catch/123456/abcdef/', 'https://hooks.zapier.com/hooks/catch/12…/…'],
      ['https://example.com/abc123', 'https://example.com/ab…'],
      ['http://127.0.0.1:8080/hook', 'http://127.0.0.1:8080/hook'],
      ['https://example.com/Xy9SECRETtoken', 'https://example.com/Xy…'],
      ['https://example.com/in?token=abc', 'https://example.com/in…?…'],
      ['https://example.com', 'https://example.com'],
    ];
    for (const [url, masked] of table) expect(maskUrl(url), url).toBe(masked);
  });

  it('plans retries: delivered on 2xx, failed at once on a 4xx but 408/429, after the last delay otherwise', () => {
    const delays = [10_000, 60_000];
    const at = 1_000_000;
    const r = (statusCode: number | null, extra: Partial<AttemptResult> = {}): AttemptResult => ({
      statusCode,
      error: statusCode != null && statusCode < 300 ? null : 'failed',
      durationMs: 5,
      ...extra,
    });
    const table: [number, AttemptResult, ReturnType<typeof planAfter>][] = [
      [1, r(200), { status: 'delivered', nextAttemptAt: null }],
      [1, r(204), { status: 'delivered', nextAttemptAt: null }],
      [1, r(500), { status: 'pending', nextAttemptAt: at + 10_000 }],
      [2, r(null), { status: 'pending', nextAttemptAt: at + 60_000 }],
      [3, r(500), { status: 'failed', nextAttemptAt: null }],
      [1, r(400), { status: 'failed', nextAttemptAt: null }],
      [1, r(404), { status: 'failed', nextAttemptAt: null }],
      [1, r(408), { status: 'pending', nextAttemptAt: at + 10_000 }],
      [1, r(429, { retryAfterMs: 30_000 }), { status: 'pending', nextAttemptAt: at + 30_000 }],
      [1, r(429, { retryAfterMs: 2 * 60 * 60_000 }), { status: 'pending', nextAttemptAt: at + 10_000 }],
      [1, r(301), { status: 'pending', nextAttemptAt: at + 10_000 }],
    ];
    for (const [attempts, result, plan] of table)
      expect(planAfter(attempts, result, delays, at), `${attempts} ${result.statusCode}`).toEqual(plan);
    expect(planAfter(1, r(500), [], at)).toEqual({ status: 'failed', nextAttemptAt: null });
    expect([400, 401, 403, 404, 410, 422].every(permanentFailure)).toBe(true);
    expect([null, 200, 301, 408, 429, 500, 503].some(permanentFailure)).toBe(false);
    expect(parseRetryAfter('120')).toBe(120_000);
    expect(parseRetryAfter(new Date(1_060_000).toUTCString(), 1_000_000)).toBe(60_000);
    expect(parseRetryAfter('soon')).toBeUndefined();
  });

  const ws = { slug: 'acme', name: 'Acme & co', timeZone: 'UTC' };
  const closed = {
    id: 12,
    title: 'Checklist <on> the empty board',
    metric: { id: 3, name: 'Activation rate' },
    outcome: 'won' as const,
    expectedLift: 5,
    baseline: 40,
    observed: 42,
    lift: 5,
    actualDays: 4,
    returnScore: 6,
    roti: 1.5,
    closedAt: Date.UTC(2026, 10, 18, 10),
    learnings: [
      {
        id: 7,
        statement: 'A next step beats a tour',
        status: 'emerging' as const,
        relation: 'supports' as const,
      },
      { id: 8, statement: 'Tooltips help', status: 'supported' as const, relation: 'contradicts' as const },
    ],
    closedBy: 'Ada',
  };

  it('builds experiment closed with links when the public origin is known, and without them otherwise', () => {
    const body = experimentClosedBody(closed, { ws, origin: 'https://lodestar.example.com/' });
    expect(body.text).toBe(
      [
        '*Experiment closed: <https://lodestar.example.com/w/acme/hypotheses/12|#12 Checklist &lt;on&gt; the empty board>* — *won*',
        'Input metric: Activation rate · Lift: *+5%* (expected +5%) · ROTI: *1.50* (return 6 ÷ 4 person-days)',
        '• Learned: A next step beats a tour\n• Contradicts: Tooltips help',
        'Closed by Ada in <https://lodestar.example.com/w/acme|Acme &amp; co>.',
      ].join('\n\n'),
    );
    expect(body.blocks?.map((b) => b.text.text)).toEqual(body.text.split('\n\n'));
    expect(body).toMatchObject({
      event: 'experiment.closed',
      workspace: { slug: 'acme', name: 'Acme & co' },
      data: {
        id: 12,
        url: 'https://lodestar.example.com/w/acme/hypotheses/12',
        lift: 5,
        roti: 1.5,
        return: 6,
        closedAt: '2026-11-18T10:00:00.000Z',
      },
    });
    // Structured data keeps the user's text as typed: escaping is for Slack's text only.
    expect(body.data.title).toBe('Checklist <on> the empty board');

    const plain = experimentClosedBody(closed, { ws });
    expect(plain.text).toContain('*Experiment closed: #12 Checklist &lt;on&gt; the empty board* — *won*');
    expect(plain.text).toContain('Closed by Ada in Acme &amp; co.');
    expect(plain.text).not.toContain('<http');
    expect(plain.data.url).toBeNull();
  });

  it('turns the meeting summary into mrkdwn and keeps every section within Slack’s limits', () => {
    const batch = {
      id: 5,
      week: '2026-W47',
      capacityDays: 10,
      startedAt: Date.UTC(2026, 10, 16, 9),
    } as Batch;
    const long = 'x'.repeat(200);
    const summary: MeetingSummary = {
      batch,
      window: { from: null, to: batch.startedAt ?? 0, previous: null, final: true },
      closed: [
        {
          id: 1,
          title: 'Setup *checklist*',
          result: 'won',
          lift: 4.2,
          roti: 1.5,
          actualDays: 2,
          returnScore: 3,
          closedAt: 0,
          learnings: [],
        },
      ],
      learned: Array.from({ length: 60 }, (_, i) => ({
        id: 100 + i,
        statement: `${long} ${i}`,
        status: 'emerging' as const,
        metricName: 'Activation',
        createdAt: 0,
      })),
      triaged: { accepted: [{ id: 2, title: 'Invite reminder', decision: 'accepted', at: 0 }], rejected: [] },
      selected: {
        items: [{ id: 3, title: 'Template gallery', status: 'running', estimatedDays: 4, ice: 6 }],
        load: { plannedDays: 4, capacityDays: 10, items: 1, over: false },
        usedPercent: 40,
      },
    };
    const body = meetingSummaryBody(summary, { ws, origin: 'https://l.example' });
    expect(body.text).toContain(
      '*Meeting summary: <https://l.example/w/acme/batches/5/summary|Week 47 · 16–22 Nov 2026>*',
    );
    expect(body.text).toContain('*1* closed · *60* learned · *1* triaged · *1* selected');
    expect(body.text).toContain(
      '• <https://l.example/w/acme/hypotheses/1|#1 Setup *checklist*>: *won*, lift *+4.2%*, ROTI *1.50*',
    );
    expect(body.text).toContain('• Accepted: <https://l.example/w/acme/hypotheses/2|#2 Invite reminder>');
    expect(body.text).toContain(
      '*Selected (1): 4 of 10 person-days (40%)*\n• <https://l.example/w/acme/hypotheses/3|#3 Template gallery>: 4 person-days',
    );
    expect(body.blocks?.length).toBeGreaterThan(6);
    expect(body.blocks?.length).toBeLessThanOrEqual(50);
    for (const b of body.blocks ?? []) expect(b.text.text.length).toBeLessThanOrEqual(3000);
    expect(body.data).toMatchObject({
      final: true,
      selected: { plannedDays: 4, capacityDays: 10, usedPercent: 40 },
    });
  });
});
