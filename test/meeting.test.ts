import { describe, expect, it } from 'vitest';
import {
  makeBatch,
  makeHypothesis,
  makeInput,
  makeLearning,
  makeMember,
  makeWorkspace,
  measure,
  moveTo,
  scoreAs,
} from '../db/factories';
import { getBatch, newBatchDefaults, openBatch } from '../src/batches/batches';
import { requireHypothesis } from '../src/hypotheses/hypotheses';
import { getNorthStar } from '../src/metrics/metrics';
import { appFor, as, type Credentials, form, freshDb, htmx, person, signIn } from './helpers';

/** A workspace with an owner, an editor and a viewer, and one input metric. */
async function meeting() {
  const db = await freshDb();
  const app = appFor(db);
  const owner = await person(db, { name: 'Olive Owner' });
  const ws = await makeWorkspace(db, { slug: 'acme', ownerId: owner.user.id });
  const editor = await signIn(db, await makeMember(db, ws, 'editor', { name: 'Edda Editor' }));
  const viewer = await signIn(db, await makeMember(db, ws, 'viewer', { name: 'Vic Viewer' }));
  const metric = await makeInput(db, ws, { name: 'Activation rate' });
  const client = (who: Credentials) => as(app, who);
  return { db, app, ws, owner, editor, viewer, metric, client };
}

/** The text of one section of the page (its HTML from its opening tag to the next section). */
function section(html: string, key: string): string {
  const start = html.indexOf(`<section id="m-${key}"`);
  if (start < 0) throw new Error(`no section m-${key}`);
  const end = html.indexOf('</section>', start);
  return html.slice(start, end);
}

const text = (html: string) =>
  html
    .replace(/<[^>]+>/g, ' ')
    .replace(/&amp;/g, '&')
    .replace(/&#39;/g, "'")
    .replace(/&quot;/g, '"')
    .replace(/\s+/g, ' ');

describe('meeting', () => {
  it('shows the agenda in order, with empty states that teach', async () => {
    const { client, owner } = await meeting();
    const res = await client(owner).request('/w/acme/meeting');
    expect(res.status).toBe(200);
    const html = await res.text();
    const order = ['north-star', 'review', 'learnings', 'drafts', 'backlog', 'batch'].map((k) =>
      html.indexOf(`<section id="m-${k}"`),
    );
    expect(order.every((i) => i > 0)).toBe(true);
    expect([...order].sort((a, b) => a - b)).toEqual(order);
    const page = text(html);
    expect(page).toContain('Nothing is running.');
    expect(page).toContain('Nothing learned since the last meeting yet.');
    expect(page).toContain('No drafts to triage.');
    expect(page).toContain('The backlog is empty.');
    expect(page).toContain('No batch is being planned.');
    expect(page).toContain('No measurements yet');
    // The live stream connects from where the page was read.
    expect(html).toMatch(/hx-sse:connect="\/w\/acme\/meeting\/events\?since=\d+"/);
    expect(html).toContain('src="/assets/hx-sse.js"');
    // Projector mode is a link; the page in that mode carries the class and a way back.
    expect(html).toContain('href="/w/acme/meeting?view=projector"');
    const projector = await (await client(owner).request('/w/acme/meeting?view=projector')).text();
    expect(projector).toContain('class="meeting projector"');
    expect(projector).toContain('Leave projector mode');
    expect(projector).toMatch(/events\?since=\d+&amp;view=projector/);
  });

  it('shows the North Star and each input as a tile: latest value and change against the period before', async () => {
    const db = await freshDb();
    const app = appFor(db);
    const owner = await person(db);
    const ws = await makeWorkspace(db, {
      slug: 'acme',
      ownerId: owner.user.id,
      northStar: { currentValue: 100, target: 150 },
    });
    const viewer = await signIn(db, await makeMember(db, ws, 'viewer'));
    await makeInput(db, ws, { name: 'Invite conversion', currentValue: 12, direction: 'down' });
    const nsm = await getNorthStar(db, ws);
    if (!nsm) throw new Error('no North Star');
    await measure(db, ws, nsm, { '2026-W45': 100, '2026-W46': 120 });
    const html = await (await as(app, owner).request('/w/acme/meeting')).text();
    const ns = text(section(html, 'north-star'));
    expect(ns).toContain('Weekly active teams');
    expect(ns).toContain('120 teams');
    expect(ns).toContain('Week 46');
    expect(ns).toContain('target 150 teams');
    // 120 against 100: +20, +20.0 % of 100, and up is good.
    expect(ns).toContain('+20 teams (+20.0 %) vs W45 · better');
    // No measurements yet: its current value, and (for editors) where to add one.
    expect(ns).toMatch(/Invite conversion 12 % No measurements yet: add this week’s value/);
    expect(section(html, 'north-star')).toContain('href="/w/acme/measurements"');
    const seen = section(await (await as(app, viewer).request('/w/acme/meeting')).text(), 'north-star');
    expect(text(seen)).toContain('No measurements yet.');
    expect(seen).not.toContain('href="/w/acme/measurements"');
  });

  it('shows viewers everything but no forms', async () => {
    const { db, ws, client, viewer, metric } = await meeting();
    const running = await moveTo(db, ws, await makeHypothesis(db, ws, { metricId: metric.id }), 'running');
    const draft = await makeHypothesis(db, ws, { metricId: metric.id, status: 'draft', title: 'A draft' });
    const backlog = await makeHypothesis(db, ws, { metricId: metric.id, title: 'In the backlog' });
    await makeBatch(db, ws, {});
    const html = await (await client(viewer).request('/w/acme/meeting')).text();
    expect(html).toContain(running.title);
    expect(html).toContain(draft.title);
    expect(html).toContain(backlog.title);
    expect(html).not.toContain('action="/w/acme/meeting');
    expect(html).not.toContain('Your score');
    expect(html).not.toContain('Start batch');
    expect(text(html)).toContain('you can see everything here but not change it');
  });

  it("shows everyone's scores: the means, the spread, who scored what, and flags disagreement", async () => {
    const { db, ws, client, owner, editor, metric } = await meeting();
    const calm = await makeHypothesis(db, ws, { metricId: metric.id, title: 'Calm one' });
    const split = await makeHypothesis(db, ws, { metricId: metric.id, title: 'Split one' });
    await scoreAs(db, ws, split, owner.user, { impact: 9, confidence: 6, ease: 5 });
    await scoreAs(db, ws, split, editor.user, { impact: 2, confidence: 5, ease: 6 });
    await scoreAs(db, ws, calm, owner.user, { impact: 6, confidence: 6, ease: 6 });
    await scoreAs(db, ws, calm, editor.user, { impact: 7, confidence: 6, ease: 5 });
    const html = await (await client(editor).request('/w/acme/meeting')).text();
    const backlog = section(html, 'backlog');
    const row = text(backlog.slice(backlog.indexOf(`id="mb-${split.id}"`)));
    expect(row).toContain('Team I · C · E 5.5 · 5.5 · 5.5');
    expect(row).toContain('Scored by 2');
    expect(row).toContain('Spread 7 (Impact)');
    expect(row).toContain('Discuss: Impact 2–9');
    expect(row).toMatch(/Olive Owner ?: I 9 · C 6 · E 5 \(ICE 6\.7\)/);
    expect(row).toMatch(/Edda Editor \(you\) ?: I 2 · C 5 · E 6/);
    // The discuss strip lists the split item first, and only it.
    const strip = text(backlog.slice(backlog.indexOf('Discuss first'), backlog.indexOf('</ol>')));
    expect(strip).toContain('Split one — Impact 2–9 (spread 7)');
    expect(strip).not.toContain('Calm one');
    // "Your score" is prefilled with the editor's own scores; an unscored item's form is empty.
    expect(backlog).toMatch(new RegExp(`id="ms-${split.id}-impact"[^>]*value="2"`));
    const fresh = await makeHypothesis(db, ws, { metricId: metric.id, title: 'Nobody scored' });
    const again = section(await (await client(editor).request('/w/acme/meeting')).text(), 'backlog');
    expect(again).toMatch(new RegExp(`id="ms-${fresh.id}-impact"[^>]*value=""`));
    expect(text(again)).toContain('Nobody has scored it yet');
  });

  it('saves my score: a fragment for htmx, a redirect without JavaScript, messages beside fields', async () => {
    const { db, ws, client, editor, metric } = await meeting();
    const h = await makeHypothesis(db, ws, { metricId: metric.id, title: 'Score me' });
    const url = `/w/acme/meeting/hypotheses/${h.id}/score`;
    const plain = await client(editor).request(
      url,
      form({ impact: 8, confidence: 6, ease: 4, back: 'sort=roti' }),
    );
    expect(plain.status).toBe(303);
    expect(plain.headers.get('location')).toBe('/w/acme/meeting?sort=roti&done=scored#m-backlog');
    expect((await requireHypothesis(db, ws, h.id)).ice).toBe(6);

    const frag = await client(editor).request(url, form({ impact: 9, confidence: 6, ease: 6 }, htmx));
    expect(frag.status).toBe(200);
    const html = await frag.text();
    expect(html.startsWith('<section id="m-backlog"')).toBe(true);
    expect(html).not.toContain('<!DOCTYPE');
    expect(html).toContain('<hx-partial hx-target="#m-batch"');
    expect(text(html)).toContain('Your score for “Score me” is saved: team ICE 7.0.');

    const bad = await client(editor).request(url, form({ impact: 11, confidence: '', ease: 5 }, htmx));
    expect(bad.status).toBe(422);
    const refused = await bad.text();
    expect(refused).toMatch(/id="ms-\d+-impact-error"[^>]*>Impact must be a whole number from 1 to 10\./);
    expect(refused).toContain('Confidence must be a whole number from 1 to 10.');
    // What was typed stays in the form.
    expect(refused).toMatch(new RegExp(`id="ms-${h.id}-impact"[^>]*value="11"`));
    expect((await requireHypothesis(db, ws, h.id)).ice).toBe(7);
  });

  it('triages drafts in place, and a stale triage shows where the draft stands now (409)', async () => {
    const { db, ws, client, editor, owner, metric } = await meeting();
    const a = await makeHypothesis(db, ws, { metricId: metric.id, status: 'draft', title: 'Draft A' });
    const b = await makeHypothesis(db, ws, { metricId: metric.id, status: 'draft', title: 'Draft B' });
    const triage = (id: number, to: string, version: number, headers = {}) =>
      client(editor).request(`/w/acme/meeting/hypotheses/${id}/triage`, form({ to, version }, headers));
    const accepted = await triage(a.id, 'backlog', a.version, htmx);
    expect(accepted.status).toBe(200);
    const html = await accepted.text();
    expect(html.startsWith('<section id="m-drafts"')).toBe(true);
    expect(section(html, 'drafts')).not.toContain('Draft A');
    expect(section(html, 'backlog')).toContain('Draft A');
    expect((await requireHypothesis(db, ws, a.id)).status).toBe('backlog');

    const rejected = await triage(b.id, 'rejected', b.version);
    expect(rejected.status).toBe(303);
    expect(rejected.headers.get('location')).toBe('/w/acme/meeting?done=triaged#m-drafts');
    expect((await requireHypothesis(db, ws, b.id)).status).toBe('rejected');

    // Someone else accepted C while this page still showed it as a draft.
    const c = await makeHypothesis(db, ws, { metricId: metric.id, status: 'draft', title: 'Draft C' });
    await client(owner).request(
      `/w/acme/meeting/hypotheses/${c.id}/triage`,
      form({ to: 'backlog', version: c.version }),
    );
    const stale = await triage(c.id, 'rejected', c.version, htmx);
    expect(stale.status).toBe(409);
    const current = await stale.text();
    expect(text(current)).toContain('no longer a draft');
    expect(section(current, 'backlog')).toContain('Draft C');
    expect((await requireHypothesis(db, ws, c.id)).status).toBe('backlog');
    // Without JavaScript the same refusal is the whole page, with the reason.
    const page = await triage(c.id, 'rejected', c.version);
    expect(page.status).toBe(409);
    expect(text(await page.text())).toContain('someone triaged it first');
  });

  it('closes a running experiment inline; its learning appears under what we learned', async () => {
    const { db, ws, client, editor, metric } = await meeting();
    const old = await makeLearning(db, ws, { metricId: metric.id, statement: 'Checklists help new admins' });
    const h = await moveTo(
      db,
      ws,
      await makeHypothesis(db, ws, { metricId: metric.id, title: 'Run me' }),
      'running',
    );
    const url = `/w/acme/meeting/hypotheses/${h.id}/close`;
    const before = await (await client(editor).request('/w/acme/meeting')).text();
    expect(text(section(before, 'review'))).toContain('Run me');
    expect(section(before, 'review')).toContain('Checklists help new admins');

    const bad = await client(editor).request(
      url,
      form({ outcome: 'lost', actualDays: '', version: h.version }, htmx),
    );
    expect(bad.status).toBe(422);
    const refused = await bad.text();
    expect(refused).toMatch(
      new RegExp(`id="c${h.id}-actualDays-error"[^>]*>Actual person-days are required\\.`),
    );
    expect(refused).toMatch(new RegExp(`id="c${h.id}-newStatement-error"[^>]*>Record at least one learning`));
    expect(refused).toMatch(/<details class="m-close" open/);

    const ok = await client(editor).request(
      url,
      form(
        {
          outcome: 'won',
          baseline: 10,
          observed: 11,
          actualDays: 2,
          newStatement: 'A first-board checklist lifts activation',
          newStatus: 'emerging',
          linkLearningId: old.id,
          linkRelation: 'supports',
          version: h.version,
        },
        htmx,
      ),
    );
    expect(ok.status).toBe(200);
    const html = await ok.text();
    expect(html.startsWith('<section id="m-review"')).toBe(true);
    expect(section(html, 'review')).not.toContain('Run me');
    expect(text(section(html, 'learnings'))).toContain('A first-board checklist lifts activation');
    expect(text(section(html, 'learnings'))).toContain('Run me');
    const closed = await requireHypothesis(db, ws, h.id);
    expect(closed.status).toBe('done');
    expect(closed.result).toBe('won');

    // Without JavaScript the form posts and comes back to the review.
    const other = await moveTo(db, ws, await makeHypothesis(db, ws, { metricId: metric.id }), 'running');
    const plain = await client(editor).request(
      `/w/acme/meeting/hypotheses/${other.id}/close`,
      form({
        outcome: 'invalid',
        actualDays: 1,
        newStatement: 'The tracking was broken',
        version: other.version,
      }),
    );
    expect(plain.status).toBe(303);
    expect(plain.headers.get('location')).toBe('/w/acme/meeting?done=closed#m-review');
    expect((await requireHypothesis(db, ws, other.id)).returnScore).toBe(0);

    // Closing it again (a second tab) is a conflict that shows the current state.
    const again = await client(editor).request(
      url,
      form({ outcome: 'won', actualDays: 2, newStatement: 'x' }, htmx),
    );
    expect(again.status).toBe(409);
    expect(section(await again.text(), 'review')).toContain('Nothing is running.');
  });

  it('tells the second member to close an experiment who closed it, and gives back the learning they wrote', async () => {
    const { db, ws, client, editor, owner, metric } = await meeting();
    const h = await moveTo(
      db,
      ws,
      await makeHypothesis(db, ws, { metricId: metric.id, title: 'Closed twice' }),
      'running',
    );
    const url = `/w/acme/meeting/hypotheses/${h.id}/close`;
    const close = (who: Credentials, statement: string, headers = {}) =>
      client(who).request(
        url,
        form({ outcome: 'won', actualDays: 2, newStatement: statement, version: h.version }, headers),
      );
    expect((await close(owner, 'Olive was first')).status).toBe(303);
    // Edda's page still showed the form: her answer says what happened, and what she wrote is not lost.
    const late = await close(editor, 'Edda wrote this <b>too</b>', htmx);
    expect(late.status).toBe(409);
    const html = await late.text();
    const notice = text(html.slice(html.indexOf('hx-target="#m-notice"')));
    expect(notice).toContain('“Closed twice” was closed by someone else first (won).');
    expect(notice).toContain('Your learning was not saved: “Edda wrote this &lt;b&gt;too&lt;/b&gt;”');
    expect(html).not.toContain('<b>too</b>');
    // The notice region stays in place (a live region is announced only when its content changes).
    expect(html).toContain('<hx-partial hx-target="#m-notice" hx-swap="innerHTML"><p class="alert warn">');
    expect(html).not.toContain('id="m-notice"');
  });

  it('without JavaScript, a refused form comes back as the page with a link down to the form', async () => {
    const { db, ws, client, editor, metric } = await meeting();
    const h = await moveTo(db, ws, await makeHypothesis(db, ws, { metricId: metric.id }), 'running');
    const res = await client(editor).request(
      `/w/acme/meeting/hypotheses/${h.id}/close`,
      form({ outcome: 'won', actualDays: 0, newStatement: 'x', version: h.version }),
    );
    expect(res.status).toBe(422);
    const html = await res.text();
    expect(html).toMatch(
      /<div id="m-notice" class="m-notice" role="status" aria-live="polite"><p class="alert error">Not saved: Actual person-days must be at least [^<]*<a href="#m-review">Go to Review<\/a>/,
    );
    expect(html).toMatch(
      new RegExp(
        `id="c${h.id}-actualDays"[^>]*aria-invalid="true"|aria-invalid="true"[^>]*id="c${h.id}-actualDays"`,
      ),
    );
  });

  it('plans a batch: create, select (an estimate is needed), capacity warning, remove and start', async () => {
    const { db, ws, client, editor, metric } = await meeting();
    const post = (path: string, data: Record<string, string | number>, headers = {}) =>
      client(editor).request(`/w/acme/meeting${path}`, form(data, headers));
    const big = await makeHypothesis(db, ws, { metricId: metric.id, title: 'Big one', estimatedDays: 8 });
    const unsized = await makeHypothesis(db, ws, {
      metricId: metric.id,
      title: 'No estimate',
      estimatedDays: undefined,
    });

    // No open batch: a form to plan one, prefilled with the defaults.
    const first = section(await (await client(editor).request('/w/acme/meeting')).text(), 'batch');
    expect(first).toContain('name="week"');
    expect(first).toMatch(/id="mbn-capacity"[^>]*value="10"/);
    const bad = await post('/batch', { week: '2026-W99', capacityDays: 10 }, htmx);
    expect(bad.status).toBe(422);
    expect(await bad.text()).toContain('2026-W99 is not a real week');
    const { week } = await newBatchDefaults(db, ws);
    const created = await post('/batch', { week, capacityDays: 10 });
    expect(created.status).toBe(303);
    const batch = await openBatch(db, ws);
    if (!batch) throw new Error('no open batch');

    // Starting an empty batch is refused with the reason.
    const empty = await post(`/batches/${batch.id}/start`, {}, htmx);
    expect(empty.status).toBe(409);
    expect(text(await empty.text())).toContain(
      'Select at least one hypothesis into the batch before starting it.',
    );

    // Selecting an item without an estimate asks for one beside its field, then takes it.
    const noDays = await post(`/batches/${batch.id}/items`, { hypothesisId: unsized.id }, htmx);
    expect(noDays.status).toBe(422);
    expect(await noDays.text()).toMatch(
      new RegExp(`id="sel-${unsized.id}-days-error"[^>]*>Estimate its person-days`),
    );
    const withDays = await post(
      `/batches/${batch.id}/items`,
      { hypothesisId: unsized.id, estimatedDays: 3 },
      htmx,
    );
    expect(withDays.status).toBe(200);
    const selected = await withDays.text();
    expect(selected.startsWith('<section id="m-backlog"')).toBe(true);
    expect(text(section(selected, 'batch'))).toContain('3 of 10 person-days planned');
    expect((await requireHypothesis(db, ws, unsized.id)).estimatedDays).toBe(3);

    // Over capacity: said in words.
    const plainSelect = await post(`/batches/${batch.id}/items`, { hypothesisId: big.id, estimatedDays: 8 });
    expect(plainSelect.status).toBe(303);
    expect(plainSelect.headers.get('location')).toBe('/w/acme/meeting?done=selected#m-backlog');
    const over = text(section(await (await client(editor).request('/w/acme/meeting')).text(), 'batch'));
    expect(over).toContain('11 of 10 person-days planned');
    expect(over).toContain('Over capacity by 1 person-day:');
    const plainCapacity = await post(`/batches/${batch.id}/capacity`, {
      capacityDays: 11,
      back: 'view=projector',
    });
    expect(plainCapacity.headers.get('location')).toBe(
      '/w/acme/meeting?view=projector&done=capacity#m-batch',
    );
    const raised = await post(`/batches/${batch.id}/capacity`, { capacityDays: 12 }, htmx);
    expect(text(await raised.text())).not.toContain('Over capacity');
    expect((await getBatch(db, ws, batch.id))?.capacityDays).toBe(12);

    const removed = await post(`/batches/${batch.id}/items/${big.id}/remove`, {});
    expect(removed.status).toBe(303);
    expect(removed.headers.get('location')).toBe('/w/acme/meeting?done=removed#m-batch');
    expect((await requireHypothesis(db, ws, big.id)).status).toBe('backlog');

    const started = await post(`/batches/${batch.id}/start`, {}, htmx);
    expect(started.status).toBe(200);
    const after = await started.text();
    expect(text(section(after, 'review'))).toContain('No estimate');
    expect(text(section(after, 'batch'))).toContain('No batch is being planned.');
    expect((await requireHypothesis(db, ws, unsized.id)).status).toBe('running');
    // Starting it again is a conflict.
    const twice = await post(`/batches/${batch.id}/start`, {});
    expect(twice.status).toBe(409);
    expect(text(await twice.text())).toContain('has already started');
  });

  it('shows hostile text as text in every section', async () => {
    const { db, ws, client, editor } = await meeting();
    const evil = '<script>window.__x=1</script><hx-partial hx-target="#m-batch">';
    const metric = await makeInput(db, ws, { name: `${evil} metric` });
    await makeHypothesis(db, ws, { metricId: metric.id, title: `${evil} backlog` });
    await makeHypothesis(db, ws, { metricId: metric.id, title: `${evil} draft`, status: 'draft' });
    await moveTo(
      db,
      ws,
      await makeHypothesis(db, ws, { metricId: metric.id, title: `${evil} run` }),
      'running',
    );
    await makeLearning(db, ws, { metricId: metric.id, statement: `${evil} learning` });
    await scoreAs(db, ws, { id: (await makeHypothesis(db, ws, { metricId: metric.id })).id }, editor.user, {
      impact: 5,
      confidence: 5,
      ease: 5,
    });
    const html = await (await client(editor).request('/w/acme/meeting')).text();
    expect(html).not.toContain('<script>window');
    expect(html).not.toContain('<hx-partial');
    expect(html.match(/&lt;script&gt;window.__x=1&lt;\/script&gt;/g)?.length).toBeGreaterThanOrEqual(5);
  });

  it('answers another workspace’s ids with 404 before reading the form', async () => {
    const { db, client, editor } = await meeting();
    const other = await makeWorkspace(db, { slug: 'other' });
    const h = await makeHypothesis(db, other, { status: 'draft' });
    const b = await makeBatch(db, other, {});
    for (const path of [
      `/hypotheses/${h.id}/score`,
      `/hypotheses/${h.id}/triage`,
      `/hypotheses/${h.id}/close`,
      `/batches/${b.id}/capacity`,
      `/batches/${b.id}/items`,
      `/batches/${b.id}/items/${h.id}/remove`,
      `/batches/${b.id}/start`,
    ]) {
      const res = await client(editor).request(`/w/acme/meeting${path}`, form({}));
      expect(res.status, path).toBe(404);
    }
  });
});
