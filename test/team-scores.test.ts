import { describe, expect, it } from 'vitest';
import { closeAs, makeHypothesis, makeMember, makeWorkspace, scoreAs } from '../db/factories';
import { requireHypothesis } from '../src/hypotheses/hypotheses';
import { scoresOf } from '../src/hypotheses/member-scores';
import { as, form, htmx, signIn, testApp } from './helpers';

/** The value of the (first) input with this name in a page: what the browser would send back. */
function inputValue(html: string, name: string): string | undefined {
  const tag = new RegExp(`<input[^>]*name="${name}"[^>]*>`).exec(html)?.[0];
  return tag ? /value="([^"]*)"/.exec(tag)?.[1] : undefined;
}

/** The text of one backlog row, tags stripped. */
function rowText(html: string, id: number): string {
  const start = html.indexOf(`id="h-${id}"`);
  expect(start, `row h-${id}`).toBeGreaterThan(-1);
  const end = html.indexOf('</li>', start);
  return html
    .slice(start, end)
    .replace(/<[^>]+>/g, ' ')
    .replace(/\s+/g, ' ');
}

/** A workspace where Ada and Bo (editors) have scored; the test owner ("me") has not. */
async function scoredWorkspace() {
  const t = await testApp();
  const ws = await makeWorkspace(t.db, { slug: 'team' });
  const ada = await makeMember(t.db, ws, 'editor', { name: 'Ada Analyst' });
  const bo = await makeMember(t.db, ws, 'editor', { name: 'Bo Builder' });
  const split = await makeHypothesis(t.db, ws, { title: 'Split opinions' });
  const agreed = await makeHypothesis(t.db, ws, { title: 'Agreed idea' });
  await scoreAs(t.db, ws, split, ada, { impact: 8, confidence: 6, ease: 5 });
  await scoreAs(t.db, ws, split, bo, { impact: 3, confidence: 6, ease: 5 });
  await scoreAs(t.db, ws, agreed, ada, { impact: 6, confidence: 6, ease: 6 });
  return { ...t, ws, ada, bo, split, agreed };
}

describe('everyone scores', () => {
  it('shows the team’s means, how many scored, the spread and a discuss flag on the backlog', async () => {
    const { app, db, ws, split, agreed } = await scoredWorkspace();
    const html = await (await app.request('/w/team/backlog')).text();
    // Means: Impact (8 + 3) / 2 = 5.5, Confidence 6, Ease 5; ICE (5.5 + 6 + 5) / 3 = 5.5.
    const row = rowText(html, split.id);
    expect(row).toContain('Team 5.5 · 6 · 5');
    expect(row).toContain('2 scorers');
    expect(row).toContain('spread 5 on Impact');
    expect(row).toContain('discuss');
    expect(row).toContain('5.5');
    // My inputs are mine: I have not scored, so they start from the team's means rounded (5.5 → 6).
    expect(row).toContain('Not scored yet');
    const form = html.slice(html.indexOf(`action="/w/team/hypotheses/${split.id}/score"`));
    expect(inputValue(form, 'impact')).toBe('6');
    expect(form.slice(0, form.indexOf('</form>'))).not.toContain('name="version"');

    const calm = rowText(html, agreed.id);
    expect(calm).toContain('1 scorer');
    expect(calm).not.toContain('discuss');
    expect(calm).not.toContain('spread');

    // A viewer sees the team's scores and who disagrees, and no form.
    const viewer = await signIn(db, await makeMember(db, ws, 'viewer'));
    const seen = await (await as(app as never, viewer).request('/w/team/backlog')).text();
    expect(seen).toContain('Team scores (I · C · E)');
    expect(seen).not.toContain(`/hypotheses/${split.id}/score`);
    expect(rowText(seen, split.id)).toContain('discuss');
  });

  it('shows who scored what on the hypothesis, with the means and the spread', async () => {
    const { app, split, me, ws, db } = await scoredWorkspace();
    const html = await (await app.request(`/w/team/hypotheses/${split.id}`)).text();
    const table = html
      .slice(html.indexOf('Team scores'), html.indexOf('</table>', html.indexOf('Team scores')))
      .replace(/<[^>]+>/g, ' ')
      .replace(/\s+/g, ' ');
    // Each member's ICE is the mean of their own three: (8 + 6 + 5) / 3 = 6.3 and (3 + 6 + 5) / 3 = 4.7.
    expect(table).toContain('Ada Analyst 8 6 5 6.3');
    expect(table).toContain('Bo Builder 3 6 5 4.7');
    expect(table).toContain('Team mean (2) 5.5 6 5 5.5');
    expect(table).toContain('Spread (highest − lowest) 5 0 0');
    expect(table).toContain('discuss: 5 apart on Impact');
    expect(html).toContain('You have not scored this yet.');
    expect(html).toContain(`href="/w/team/hypotheses/${split.id}?edit=1#f-impact"`);

    await scoreAs(db, ws, split, me.user, { impact: 5, confidence: 6, ease: 5 });
    const after = await (await app.request(`/w/team/hypotheses/${split.id}`)).text();
    expect(after).not.toContain('You have not scored this yet.');
    expect(after).toContain('Test Owner (you)');
    expect(after).toContain('Team mean (3)');
  });

  it('saves my score from the backlog and leaves every other member’s as it was', async () => {
    const { app, db, ws, split, ada, bo, me } = await scoredWorkspace();
    const res = await app.request(
      `/w/team/hypotheses/${split.id}/score`,
      form({ impact: 4, confidence: 3, ease: 3, back: 'status=backlog' }, htmx),
    );
    expect(res.status).toBe(200);
    const html = await res.text();
    // Means of (8, 3, 4), (6, 6, 3), (5, 5, 3): 5, 5, 4.3; ICE (5 + 5 + 4.3) / 3 = 4.8.
    expect(html).toContain('Saved your scores: team ICE 4.8 from 3 scorers');
    expect(rowText(html, split.id)).toContain('Team 5 · 5 · 4.3');
    expect(rowText(html, split.id)).toContain(' Yours ');
    expect(rowText(html, split.id)).not.toContain('Not scored yet');
    const scores = (await scoresOf(db, ws, [split.id])).get(split.id) ?? [];
    expect(scores.map((s) => [s.userId, s.impact, s.confidence, s.ease])).toEqual([
      [ada.id, 8, 6, 5],
      [bo.id, 3, 6, 5],
      [me.user.id, 4, 3, 3],
    ]);
    const h = await requireHypothesis(db, ws, split.id);
    expect([h.impact, h.confidence, h.ease, h.ice]).toEqual([5, 5, 4.3, 4.8]);

    // Ada saves again after me, from a page that is now out of date: no conflict, mine is kept.
    await scoreAs(db, ws, split, ada, { impact: 9, confidence: 6, ease: 5 });
    const mine = (await scoresOf(db, ws, [split.id])).get(split.id)?.find((s) => s.userId === me.user.id);
    expect(mine).toMatchObject({ impact: 4, confidence: 3, ease: 3 });

    // Bad scores are refused beside the row; nothing changes.
    const bad = await app.request(
      `/w/team/hypotheses/${split.id}/score`,
      form({ impact: 11, confidence: 3, ease: 3, back: 'status=backlog' }, htmx),
    );
    expect(bad.status).toBe(422);
    expect(await bad.text()).toContain('Impact must be a whole number from 1 to 10.');
    expect((await scoresOf(db, ws, [split.id])).get(split.id)?.length).toBe(3);
    expect(
      (await app.request('/w/team/hypotheses/9999/score', form({ impact: 1, confidence: 1, ease: 1 })))
        .status,
    ).toBe(404);
  });

  it('keeps a closed experiment’s scores: 409, shown even though the row is not listed', async () => {
    const { app, db, ws, split } = await scoredWorkspace();
    await closeAs(db, ws, split, { outcome: 'won' });
    const before = await requireHypothesis(db, ws, split.id);
    const res = await app.request(
      `/w/team/hypotheses/${split.id}/score`,
      form({ impact: 1, confidence: 1, ease: 1, back: 'status=backlog' }, htmx),
    );
    expect(res.status).toBe(409);
    expect(await res.text()).toContain('This experiment is closed');
    const plain = await app.request(
      `/w/team/hypotheses/${split.id}/score`,
      form({ impact: 1, confidence: 1, ease: 1, back: 'status=backlog' }),
    );
    expect(plain.status).toBe(409);
    expect(await plain.text()).toContain('This experiment is closed');
    const after = await requireHypothesis(db, ws, split.id);
    expect([after.impact, after.confidence, after.ease]).toEqual([
      before.impact,
      before.confidence,
      before.ease,
    ]);
    expect((await scoresOf(db, ws, [split.id])).get(split.id)?.length).toBe(2);

    // Its edit form shows the scores it closed with instead of inputs.
    const page = await (await app.request(`/w/team/hypotheses/${split.id}`)).text();
    expect(page).toContain('Scores it closed with');
    expect(inputValue(page, 'impact')).toBeUndefined();
    expect(page).not.toContain('You have not scored this yet.');
  });

  it('stops counting a member who leaves: the means, the trail and the version say so', async () => {
    const { app, db, ws, ada, bo, split } = await scoredWorkspace();
    const kept = await makeHypothesis(db, ws, { title: 'Closed with Bo' });
    await scoreAs(db, ws, kept, bo, { impact: 2, confidence: 2, ease: 2 });
    await closeAs(db, ws, kept, { outcome: 'lost' });
    const closedBefore = await requireHypothesis(db, ws, kept.id);
    const before = await requireHypothesis(db, ws, split.id);
    expect(before.impact).toBe(5.5);

    const res = await app.request(`/w/team/members/${bo.id}/remove`, form({}));
    expect(res.status).toBe(303);

    // Only Ada's 8 · 6 · 5 is left: ICE (8 + 6 + 5) / 3 = 6.3. A score overwrites nobody's edit: same version.
    const after = await requireHypothesis(db, ws, split.id);
    expect([after.impact, after.confidence, after.ease, after.ice]).toEqual([8, 6, 5, 6.3]);
    expect(after.version).toBe(before.version);
    expect((await scoresOf(db, ws, [split.id])).get(split.id)?.map((s) => s.userId)).toEqual([ada.id]);
    // A closed experiment keeps the scores it closed with, and who gave them.
    const closedAfter = await requireHypothesis(db, ws, kept.id);
    expect(closedAfter.ice).toBe(closedBefore.ice);
    expect((await scoresOf(db, ws, [kept.id])).get(kept.id)?.map((s) => s.userId)).toEqual([bo.id]);

    const page = (await (await app.request(`/w/team/hypotheses/${split.id}`)).text()).replace(/\s+/g, ' ');
    expect(page).toContain(
      'Bo Builder’s scores (Impact 3, Confidence 6, Ease 5) no longer count: they left the workspace — team ICE 5.5 → 6.3',
    );
    const table = page.slice(
      page.indexOf('id="team-scores-title"'),
      page.indexOf('</section>', page.indexOf('id="team-scores-title"')),
    );
    expect(table).toContain('Ada Analyst');
    expect(table).not.toContain('Bo Builder');
    expect(table).toContain('Team mean (1)');
  });

  it('lists closed experiments on the backlog with the team’s scores, not inputs that would be refused', async () => {
    const { app, db, ws, split, agreed } = await scoredWorkspace();
    await closeAs(db, ws, split, { outcome: 'won' });
    const done = await (await app.request('/w/team/backlog?status=done')).text();
    expect(done).not.toContain(`action="/w/team/hypotheses/${split.id}/score"`);
    expect(rowText(done, split.id)).toContain('team impact 5.5');
    expect(done).toContain('Team scores (I · C · E)');
    // Every status: the open one still takes my scores beside the closed one.
    const all = await (await app.request('/w/team/backlog?status=all')).text();
    expect(all).toContain(`action="/w/team/hypotheses/${agreed.id}/score"`);
    expect(all).not.toContain(`action="/w/team/hypotheses/${split.id}/score"`);
    expect(all).toContain('Your scores (I · C · E)');
  });

  it('edits with my own scores: team means of 6.5 are no obstacle to saving', async () => {
    const { app, db, ws, ada, bo, me } = await scoredWorkspace();
    const h = await makeHypothesis(db, ws, { title: 'Half points' });
    await scoreAs(db, ws, h, ada, { impact: 6, confidence: 7, ease: 5 });
    await scoreAs(db, ws, h, bo, { impact: 7, confidence: 7, ease: 5 });
    expect((await requireHypothesis(db, ws, h.id)).impact).toBe(6.5);

    const page = await (await app.request(`/w/team/hypotheses/${h.id}`)).text();
    expect(page).toContain('Your scores');
    expect(page.replace(/<[^>]+>/g, '')).toContain('Team: Impact 6.5 · Confidence 7 · Ease 5 · ICE 6.2');
    expect(page).toContain('the mean of 2 members’ scores');
    expect(page).toContain('You have not scored this yet: your scores start from the team’s means');
    // What the form sends back as it stands: the title edited, the scores as prefilled (6.5 → 7).
    const fields = ['title', 'impact', 'confidence', 'ease', 'estimatedDays', 'expectedLift', 'version'];
    const values = Object.fromEntries(fields.map((f) => [f, inputValue(page, f) ?? '']));
    expect(values.impact).toBe('7');
    const current = await requireHypothesis(db, ws, h.id);
    const res = await app.request(
      `/w/team/hypotheses/${h.id}`,
      form({
        ...values,
        title: 'Half points, renamed',
        change: current.change,
        outcome: current.outcome,
        rationale: current.rationale,
        metricId: current.metricId,
        tags: 'onboarding',
        owner: '',
      }),
    );
    expect(res.status).toBe(303);
    const saved = await requireHypothesis(db, ws, h.id);
    expect(saved.title).toBe('Half points, renamed');
    // The prefilled scores went back untouched: a title fix does not make me a scorer nor move the means.
    expect([saved.impact, saved.confidence, saved.ease]).toEqual([6.5, 7, 5]);
    expect((await scoresOf(db, ws, [h.id])).get(h.id)?.some((s) => s.userId === me.user.id)).toBe(false);

    // Changing one of them makes all three mine: (7, 8, 5) joins theirs, Impact (6 + 7 + 7) / 3 = 6.7.
    const res2 = await app.request(
      `/w/team/hypotheses/${h.id}`,
      form({
        ...values,
        confidence: '8',
        title: 'Half points, renamed',
        change: current.change,
        outcome: current.outcome,
        rationale: current.rationale,
        metricId: current.metricId,
        tags: 'onboarding',
        owner: '',
        version: String(saved.version),
      }),
    );
    expect(res2.status).toBe(303);
    const rescored = await requireHypothesis(db, ws, h.id);
    expect([rescored.impact, rescored.confidence, rescored.ease]).toEqual([6.7, 7.3, 5]);
    const mine = (await scoresOf(db, ws, [h.id])).get(h.id)?.find((s) => s.userId === me.user.id);
    expect(mine).toMatchObject({ impact: 7, confidence: 8, ease: 5 });

    // Once I have scored, the form holds my own scores, not the team's means.
    const again = await (await app.request(`/w/team/hypotheses/${h.id}`)).text();
    expect(inputValue(again, 'impact')).toBe('7');
    await scoreAs(db, ws, h, me.user, { impact: 2, confidence: 7, ease: 5 });
    const mineNow = await (await app.request(`/w/team/hypotheses/${h.id}`)).text();
    expect(inputValue(mineNow, 'impact')).toBe('2');
    expect(mineNow).not.toContain('You have not scored this yet');
  });
});
