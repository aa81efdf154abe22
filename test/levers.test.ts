import { describe, expect, it } from 'vitest';
import type { Db } from '../db/client';
import { closeAs, makeHypothesis, makeInput, makeWorkspace } from '../db/factories';
import type { Workspace } from '../db/schema';
import { leverRotiByMetric, leversOf } from '../src/levers/levers';
import { archiveMetric } from '../src/metrics/metrics';
import { form, htmx, testApp } from './helpers';

/** Rows of a table as text cells (header cells included), tags stripped. */
function tableRows(html: string, cls: string): string[][] {
  const start = html.indexOf(`<table class="table ${cls}"`);
  expect(start, `table.${cls}`).toBeGreaterThan(-1);
  const table = html.slice(start, html.indexOf('</table>', start));
  const body = table.slice(table.indexOf('<tbody>'));
  return [...body.matchAll(/<tr[^>]*>(.*?)<\/tr>/g)].map((m) =>
    [...(m[1] ?? '').matchAll(/<t[hd][^>]*>(.*?)<\/t[hd]>/g)].map((c) =>
      (c[1] ?? '').replace(/<[^>]+>/g, '').trim(),
    ),
  );
}

const text = (html: string) => html.replace(/<[^>]+>/g, '').replace(/\s+/g, ' ');

/**
 * Closes with known outcomes, estimates, actual days and returns:
 *
 * | lever           | experiment | tags              | est | actual | return | ROTI | outcome |
 * | Activation rate | a1         | onboarding        | 2   | 4      | 8      | 2    | won     |
 * |                 | a2         | onboarding, email | 4   | 4      | 2      | 0.5  | lost    |
 * |                 | a3         | email             | 2   | 1      | 6      | 6    | won     |
 * |                 | a4         | onboarding        | 2   | 2      | 1      | 0.5  | stopped |
 * | Invite conv.    | b1         | viral             | 3   | 3      | 9      | 3    | won     |
 * | Retention       | (none)     |                   |     |        |        |      |         |
 */
async function fixture(db: Db, ws: Workspace) {
  const a = await makeInput(db, ws, { name: 'Activation rate' });
  const b = await makeInput(db, ws, { name: 'Invite conversion' });
  const c = await makeInput(db, ws, { name: 'Retention' });
  const close = async (
    metricId: number,
    title: string,
    tags: string[],
    estimatedDays: number,
    outcome: 'won' | 'lost' | 'stopped',
    actualDays: number,
    ret: number,
  ) => {
    const h = await makeHypothesis(db, ws, { metricId, title, tags, estimatedDays });
    return closeAs(db, ws, h, { outcome, actualDays, return: ret });
  };
  await close(a.id, 'A1 checklist', ['onboarding'], 2, 'won', 4, 8);
  await close(a.id, 'A2 welcome email', ['onboarding', 'email'], 4, 'lost', 4, 2);
  await close(a.id, 'A3 nudge email', ['email'], 2, 'won', 1, 6);
  await close(a.id, 'A4 tour', ['onboarding'], 2, 'stopped', 2, 1);
  const b1 = await close(b.id, 'B1 invite link', ['viral'], 3, 'won', 3, 9);
  const open = await makeHypothesis(db, ws, { metricId: a.id, title: 'Open on activation', tags: ['email'] });
  return { a, b, c, b1, open };
}

describe('levers', () => {
  it('shows each lever’s record against a hand-computed table, with links to its backlog', async () => {
    const { app, db } = await testApp();
    const ws = await makeWorkspace(db, { slug: 'lv' });
    const { a, b } = await fixture(db, ws);
    const res = await app.request('/w/lv/levers');
    expect(res.status).toBe(200);
    const html = await res.text();
    const rows = tableRows(html, 'levers').map((r) => r.slice(0, 7));
    // Activation rate: 2 of 4 won; ROTI (2 + 0.5 + 6 + 0.5) / 4 = 2.25; effort (4+4+1+2) / (2+4+2+2) = 1.1;
    // suggested 10 × 3 / 6 = 5. #email: a2, a3. #onboarding: a1, a2, a4: ROTI 3 / 3 = 1, effort 10 / 8.
    expect(rows).toEqual([
      ['Activation rate', '4', '2', '50%', '2.25', '1.1×', '5'],
      ['Activation rate, tag #email', '2', '1', '50%', '3.25', '0.83×', '5'],
      ['Activation rate, tag #onboarding', '3', '1', '33%', '1.00', '1.25×', '4'],
      ['Invite conversion', '1', '1', '100%', '3.00', '1.0×', '6.7'],
      ['Invite conversion, tag #viral', '1', '1', '100%', '3.00', '1.0×', '6.7'],
      ['Retention', '0', '0', '—', '—', '—', '5'],
    ]);
    expect(html).toContain(`href="/w/lv/backlog?status=backlog&amp;metricId=${a.id}"`);
    expect(html).toContain(`href="/w/lv/backlog?status=backlog&amp;metricId=${a.id}&amp;tag=email"`);
    expect(html).toContain(`href="/w/lv/backlog?status=done&amp;metricId=${b.id}"`);

    // Sorted by mean ROTI: metrics highest first (no figure last), tags under their metric sorted alike.
    const byRoti = tableRows(await (await app.request('/w/lv/levers?sort=meanRoti')).text(), 'levers');
    expect(byRoti.map((r) => r[0])).toEqual([
      'Invite conversion',
      'Invite conversion, tag #viral',
      'Activation rate',
      'Activation rate, tag #email',
      'Activation rate, tag #onboarding',
      'Retention',
    ]);
    // An unknown sort is the default order, not an error.
    expect((await app.request('/w/lv/levers?sort=bogus')).status).toBe(200);
  });

  it('teaches what the page is for before anything is closed', async () => {
    const { app, db } = await testApp();
    const ws = await makeWorkspace(db, { slug: 'none' });
    const bare = text(await (await app.request('/w/none/levers')).text());
    expect(bare).toContain('No input metrics yet, so no levers.');
    await makeInput(db, ws, { name: 'Activation rate' });
    const html = await (await app.request('/w/none/levers')).text();
    expect(text(html)).toContain('No closed experiments yet.');
    expect(tableRows(html, 'levers')[0]?.slice(0, 7)).toEqual([
      'Activation rate',
      '0',
      '0',
      '—',
      '—',
      '—',
      '5',
    ]);
  });

  it('shows the lever’s mean ROTI on every backlog row, in both sorts', async () => {
    const { app, db } = await testApp();
    const ws = await makeWorkspace(db, { slug: 'lb' });
    const { open } = await fixture(db, ws);
    for (const sort of ['ice', 'roti']) {
      const html = await (await app.request(`/w/lb/backlog?sort=${sort}`)).text();
      const row = html.slice(
        html.indexOf(`id="h-${open.id}"`),
        html.indexOf('</li>', html.indexOf(`id="h-${open.id}"`)),
      );
      expect(row, sort).toContain('title="Mean ROTI of the 4 closed experiments on Activation rate">2.25<');
      expect(html, sort).toContain('Lever ROTI');
    }
  });

  it('puts the suggested Confidence and the effort ratio beside the inputs of the new form', async () => {
    const { app, db } = await testApp();
    const ws = await makeWorkspace(db, { slug: 'nf' });
    const { a, b, c, b1 } = await fixture(db, ws);

    const none = text(await (await app.request('/w/nf/hypotheses/new')).text());
    expect(none).toContain('Choose the input metric: its closed experiments suggest a Confidence.');

    const onB = await (await app.request(`/w/nf/hypotheses/new?metricId=${b.id}`)).text();
    expect(text(onB)).toContain(
      'Suggested Confidence for Invite conversion: 6.7 — 1 of 1 closed experiment won.',
    );
    expect(onB).toContain(`<a href="/w/nf/hypotheses/${b1.id}">B1 invite link</a>`);
    expect(text(onB)).toContain(
      'Experiments on Invite conversion took 1.0× their estimate, over 1 experiment.',
    );

    const onA = text(await (await app.request(`/w/nf/hypotheses/new?metricId=${a.id}`)).text());
    expect(onA).toContain('Suggested Confidence for Activation rate: 5 — 2 of 4 closed experiments won.');
    expect(onA).toContain('The 4 experiments it came from');
    expect(onA).toContain(
      'Experiments on Activation rate took 1.1× their estimate (longer than estimated), over 4 experiments.',
    );

    const onC = text(await (await app.request(`/w/nf/hypotheses/new?metricId=${c.id}`)).text());
    expect(onC).toContain('No closed experiments on Retention yet: 5 is the neutral prior.');
    expect(onC).toContain('Nothing to go on yet: no closed experiment on Retention has both an estimate');

    // A refused form (422) keeps the hints of the metric it holds.
    const refused = await app.request(
      '/w/nf/hypotheses',
      form({
        title: '',
        change: 'x',
        outcome: 'y',
        rationale: 'z',
        metricId: b.id,
        impact: 5,
        confidence: 5,
        ease: 5,
      }),
    );
    expect(refused.status).toBe(422);
    expect(text(await refused.text())).toContain('Suggested Confidence for Invite conversion: 6.7');
  });

  it('refreshes the hints with htmx when the metric changes, and shows them on the edit form', async () => {
    const { app, db } = await testApp();
    const ws = await makeWorkspace(db, { slug: 'hx' });
    const { a, b, open } = await fixture(db, ws);
    const res = await app.request(`/w/hx/hypotheses/new?metricId=${b.id}`, { headers: htmx });
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html.startsWith('<aside id="learnings-panel"')).toBe(true);
    const confidence = html.slice(
      html.indexOf('<hx-partial hx-target="#confidence-hint" hx-swap="outerHTML">'),
    );
    expect(confidence.length).toBeLessThan(html.length);
    expect(text(confidence.slice(0, confidence.indexOf('</hx-partial>')))).toContain(
      'Suggested Confidence for Invite conversion: 6.7',
    );
    const estimate = html.slice(html.indexOf('<hx-partial hx-target="#estimate-hint" hx-swap="outerHTML">'));
    expect(estimate.length).toBeLessThan(html.length);
    expect(text(estimate.slice(0, estimate.indexOf('</hx-partial>')))).toContain(
      'Experiments on Invite conversion took 1.0× their estimate',
    );
    expect(html).not.toContain('<nav aria-label="Main">');

    // The edit form of a hypothesis on Activation rate shows that lever's hints, with the same ids.
    const page = await (await app.request(`/w/hx/hypotheses/${open.id}`)).text();
    expect(page).toContain('id="confidence-hint"');
    expect(page).toContain('id="estimate-hint"');
    expect(text(page)).toContain(
      'Suggested Confidence for Activation rate: 5 — 2 of 4 closed experiments won.',
    );
    expect(page).toContain('hx-target="#learnings-panel"');
    void a;
  });
});

describe('lever figures for the backlog', () => {
  it('sums in the database exactly what leversOf computes from every closed experiment', async () => {
    const { db } = await testApp();
    const ws = await makeWorkspace(db, { slug: 'sums' });
    const { a } = await fixture(db, ws);
    // An archived input with history stays a lever; one without history is not.
    const gone = await makeInput(db, ws, { name: 'Gone' });
    await archiveMetric(db, ws, gone.id);
    const grouped = await leverRotiByMetric(db, ws);
    const full = (await leversOf(db, ws, { byTag: false })).map((l) => [l.metricId, l] as const);
    expect([...grouped.entries()]).toEqual(full);
    // a1–a4: 2 of 4 won; (4 + 4 + 1 + 2) ÷ (2 + 4 + 2 + 2) = 1.1; ROTI (2 + 0.5 + 6 + 0.5) ÷ 4 = 2.25.
    expect(grouped.get(a.id)).toMatchObject({ closed: 4, wins: 2, effortRatio: 1.1, meanRoti: 2.25 });
    expect(grouped.has(gone.id)).toBe(false);
  });
});
