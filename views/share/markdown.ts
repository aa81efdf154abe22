import { escapeMarkdown } from '../../src/batches/markdown';
import { weekLabel } from '../../src/batches/weeks';
import type { Tile } from '../../src/measurements/tiles';
import type { Digest } from '../../src/share/digest';
import { fmtLift } from '../components/badges';
import { fmtDelta, fmtPct, fmtValue } from '../components/kpi-tile';

// The digest as Markdown, to paste into an email or a chat: the same facts as the page, every piece of
// user text made inert (a title cannot become a link or a heading).

// Rounded as the page rounds it, so the text and the page never disagree.
const lift = (n: number | null) => (n == null ? null : `lift **${fmtLift(n)}**`);

function tileLine(t: Tile): string {
  const m = t.metric;
  const unit = m.unit ? ` ${escapeMarkdown(m.unit)}` : '';
  // A rate moves in percentage points (as on the tiles): "−0.1 % (−0.3 %)" would read as two relative changes.
  const deltaUnit = m.unit === '%' ? ' pp' : unit;
  const name = `**${escapeMarkdown(m.name)}**`;
  if (!t.latest)
    return m.currentValue == null
      ? `${name}: no value yet`
      : `${name}: ${fmtValue(m.currentValue)}${unit} (no measurements yet)`;
  const change =
    t.delta == null
      ? 'no previous value to compare with'
      : t.delta === 0
        ? 'unchanged'
        : `${fmtDelta(t.delta)}${deltaUnit}${t.pct == null ? '' : ` (${fmtPct(t.pct)})`}, ${t.better ? 'better' : 'worse'}`;
  return `${name}: ${fmtValue(t.latest.value)}${unit} in ${t.latest.period} (${change})`;
}

/**
 * The digest as Markdown. The link's own address is deliberately left out: the text gets forwarded further
 * than the link was meant to go, and the address is the key to every later week.
 */
export function digestMarkdown(d: Digest): string {
  const current = d.week.week === d.week.current;
  const lines: string[] = [];
  lines.push(`## ${escapeMarkdown(d.workspace.name)}: weekly digest`);
  lines.push('', `${weekLabel(d.week.week)}${current ? ' (this week, so far)' : ''}`);

  lines.push('', '### North Star and its inputs');
  if (d.northStar) lines.push(`- North Star: ${tileLine(d.northStar)}`);
  else lines.push('- No North Star named yet.');
  for (const i of d.inputs) {
    const c = i.correlation;
    const link = c && c.r != null ? `; ${c.reading} (r = ${c.r.toFixed(2)}, ${c.n} changes)` : '';
    lines.push(`- ${tileLine(i.tile)}${link}`);
  }

  lines.push('', `### Results (${d.results.length})`);
  if (!d.results.length) lines.push(`- No experiment was closed ${current ? 'yet this week' : 'that week'}.`);
  for (const r of d.results) {
    const figures = [
      `**${r.result}**`,
      lift(r.lift),
      r.roti == null ? null : `ROTI **${r.roti.toFixed(2)}**`,
    ];
    lines.push(
      `- ${escapeMarkdown(r.title)} (${escapeMarkdown(r.metricName)}): ${figures.filter(Boolean).join(', ')}`,
    );
    for (const l of r.learnings)
      lines.push(
        `  - ${l.relation === 'contradicts' ? 'Contradicts: ' : 'Learned: '}${escapeMarkdown(l.statement)}`,
      );
  }

  lines.push('', `### Learnings (${d.learnings.length})`);
  if (!d.learnings.length) lines.push(`- None ${current ? 'yet this week' : 'that week'}.`);
  for (const l of d.learnings) {
    const change = l.isNew ? 'new, ' : l.was ? `was ${l.was}, now ` : '';
    lines.push(`- ${escapeMarkdown(l.statement)} (${change}${l.status})`);
  }

  lines.push('', '### Now');
  const running = d.running.titles.map((t) => escapeMarkdown(t));
  lines.push(
    `- Running: ${running.length ? running.join('; ') : 'nothing'}${d.running.more ? ` and ${d.running.more} more` : ''}`,
  );
  if (!d.selected.length) lines.push('- Selected for the next batch: nothing yet');
  for (const s of d.selected)
    lines.push(`- Selected for ${weekLabel(s.week)}: ${s.titles.map((t) => escapeMarkdown(t)).join('; ')}`);
  if (d.selectedMore) lines.push(`- and ${d.selectedMore} more selected`);
  return `${lines.join('\n')}\n`;
}
