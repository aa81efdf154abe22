import type { Workspace } from '../../db/schema';
import type { MeetingSummary } from './summary';
import { dayLabel, weekLabel } from './weeks';

// The meeting summary as Markdown that pastes well into the team's chat: a pure function of the facts
// summary.ts gathers, with every piece of user text made inert.

/**
 * User text made inert for Markdown: whitespace (newlines included) collapsed, so a title cannot open a
 * heading or a list; and the characters that make links, emphasis, code, HTML or strikethrough
 * backslash-escaped, so a title like "[Click](https://evil.example)" shows as typed.
 */
export function escapeMarkdown(text: string): string {
  return (
    text
      .replace(/\s+/g, ' ')
      .trim()
      .replace(/[\\`*_[\]<>~|]/g, (ch) => `\\${ch}`)
      // At the start of a line (the workspace's name is), these would open a heading, a list or a quote.
      .replace(/^([#+=-]|\d+(?=[.)]))/, (m) => (/^\d/.test(m) ? `${m}\\` : `\\${m}`))
  );
}

const num = (n: number, digits = 1) => (Number.isInteger(n) ? String(n) : n.toFixed(digits));
const days = (n: number) => `${num(n)} person-day${n === 1 ? '' : 's'}`;

export type MarkdownOptions = {
  ws: Pick<Workspace, 'slug' | 'name' | 'timeZone'>;
  /** The public origin ("https://lodestar.example.com"): links become absolute. Without it, "#12" only. */
  origin?: string;
};

/** The window in words, e.g. "since the previous batch (2026-W46) started on 9 Nov 2026, up to now". */
export function windowText(s: Pick<MeetingSummary, 'window'>, timeZone: string): string {
  const w = s.window;
  const since =
    w.from == null || w.previous == null
      ? 'since the team began'
      : `since the previous batch (${w.previous.week}) started on ${dayLabel(w.from, timeZone)}`;
  const until = w.final
    ? `until this batch started on ${dayLabel(w.to, timeZone)}`
    : 'up to now (the batch has not started yet)';
  return `${since}, ${until}`;
}

/** The summary as Markdown that pastes well into chat: headings, bullet lists, bold figures. */
export function summaryMarkdown(s: MeetingSummary, opts: MarkdownOptions): string {
  const { ws } = opts;
  const origin = opts.origin?.replace(/\/+$/, '');
  const base = `/w/${ws.slug}`;
  const ref = (id: number, title: string) => {
    const text = `#${id} ${escapeMarkdown(title)}`;
    return origin ? `[${text}](${origin}${base}/hypotheses/${id})` : text;
  };
  const { closed, learned, triaged, selected } = s;
  const triagedCount = triaged.accepted.length + triaged.rejected.length;
  const lines: string[] = [];
  lines.push(`## Meeting summary${s.window.final ? '' : ' so far'}: ${weekLabel(s.batch.week)}`);
  lines.push('');
  lines.push(`${escapeMarkdown(ws.name)} · ${windowText(s, ws.timeZone)}.`);
  lines.push('');
  lines.push(
    [
      `**${closed.length}** closed`,
      `**${learned.length}** learned`,
      `**${triagedCount}** triaged`,
      `**${selected.load.items}** selected`,
      `**${num(selected.load.plannedDays)}** of **${num(selected.load.capacityDays)}** person-days planned (**${selected.usedPercent}%**)`,
    ].join(' · '),
  );

  lines.push('', `### Closed (${closed.length})`);
  if (closed.length === 0) lines.push('- Nothing closed.');
  for (const c of closed) {
    const figures = [`**${c.result}**`];
    if (c.lift != null) figures.push(`lift **${c.lift > 0 ? '+' : ''}${num(c.lift)}%**`);
    if (c.roti != null) figures.push(`ROTI **${c.roti.toFixed(2)}**`);
    lines.push(`- ${ref(c.id, c.title)}: ${figures.join(', ')}`);
    for (const l of c.learnings)
      lines.push(
        `  - ${l.relation === 'contradicts' ? 'Contradicts' : 'Learned'}: ${escapeMarkdown(l.statement)}`,
      );
  }

  lines.push('', `### Learned (${learned.length})`);
  if (learned.length === 0) lines.push('- Nothing new learned.');
  for (const l of learned)
    lines.push(
      `- ${escapeMarkdown(l.statement)} (${l.status}${l.metricName ? `, ${escapeMarkdown(l.metricName)}` : ''})`,
    );

  lines.push(
    '',
    `### Triaged (${triagedCount}: ${triaged.accepted.length} accepted, ${triaged.rejected.length} rejected)`,
  );
  if (triagedCount === 0) lines.push('- No drafts triaged.');
  for (const t of triaged.accepted) lines.push(`- Accepted: ${ref(t.id, t.title)}`);
  for (const t of triaged.rejected) lines.push(`- Rejected: ${ref(t.id, t.title)}`);

  const { load } = selected;
  lines.push(
    '',
    `### Selected (${load.items}): ${num(load.plannedDays)} of ${days(load.capacityDays)} (${selected.usedPercent}%)`,
  );
  if (selected.items.length === 0) lines.push('- Nothing selected yet.');
  for (const h of selected.items)
    lines.push(`- ${ref(h.id, h.title)}: ${h.estimatedDays == null ? 'no estimate' : days(h.estimatedDays)}`);
  if (load.over)
    lines.push(
      '',
      `**Over capacity** by **${days(Math.round((load.plannedDays - load.capacityDays) * 10) / 10)}**.`,
    );
  if (origin) lines.push('', `[Open in Lodestar](${origin}${base}/batches/${s.batch.id}/summary)`);
  return `${lines.join('\n')}\n`;
}
