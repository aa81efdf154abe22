import { describe, expect, it } from 'vitest';
import {
  closeAs,
  makeHypothesis,
  makeInput,
  makeLearning,
  makeMember,
  makeWorkspace,
  moveTo,
} from '../db/factories';
import type { Status } from '../db/schema';
import { archiveMetric } from '../src/metrics/metrics';
import { appFor, as, type Client, freshDb, htmx, person, signIn } from './helpers';

// What each role is SHOWN. The server refuses forbidden writes on its own (the role matrix tests that);
// these tests make sure nobody is offered a form or a button that would only answer 403.

type Who = 'owner' | 'editor' | 'viewer';
const ROLES: Who[] = ['owner', 'editor', 'viewer'];

/** One workspace ("acme") with an owner, an editor and a viewer, each with their own client. */
async function team(northStar: NonNullable<Parameters<typeof makeWorkspace>[1]>['northStar'] = {}) {
  const db = await freshDb();
  const app = appFor(db);
  const owner = await person(db, { serverOwner: false, name: 'Olive Owner' });
  const ws = await makeWorkspace(db, {
    slug: 'acme',
    name: 'Acme growth',
    ownerId: owner.user.id,
    northStar,
  });
  const editor = await signIn(db, await makeMember(db, ws, 'editor'));
  const viewer = await signIn(db, await makeMember(db, ws, 'viewer'));
  const clients: Record<Who, Client> = {
    owner: as(app, owner),
    editor: as(app, editor),
    viewer: as(app, viewer),
  };
  return { db, ws, clients };
}

async function page(client: Client, path: string, headers: Record<string, string> = {}) {
  const res = await client.request(path, { headers });
  expect(res.status, path).toBe(200);
  return res.text();
}

/** The page's own content: the layout around it (navigation, sign-out form) belongs to other tests. */
function main(html: string): string {
  const start = html.indexOf('<main');
  expect(start, 'a full page has a <main>').toBeGreaterThan(-1);
  return html.slice(start, html.indexOf('</main>'));
}

const VIEWER_NOTE = 'You are a viewer in Acme growth: you can see everything here but not change it.';

describe('roles in pages', () => {
  it('tree: editors get the "new hypothesis" links, viewers only the data', async () => {
    const { db, ws, clients } = await team();
    const m = await makeInput(db, ws, { name: 'Activation rate' });
    await makeLearning(db, ws, { statement: 'Checklists help new admins', metricId: m.id });
    const newLink = `href="/w/acme/hypotheses/new?metricId=${m.id}"`;
    for (const who of ['owner', 'editor'] as const) {
      const html = await page(clients[who], '/w/acme');
      expect(html, who).toContain('Activation rate');
      expect(html, who).toContain(newLink);
    }
    const html = await page(clients.viewer, '/w/acme');
    expect(html).toContain('Weekly active teams');
    expect(html).toContain('Activation rate');
    expect(html).toContain('Checklists help new admins');
    expect(html).not.toContain(newLink);
  });

  it('tree empty states: only owners are told to name the North Star, only editors to add inputs', async () => {
    const { clients } = await team(false);
    const owner = await page(clients.owner, '/w/acme', htmx);
    expect(owner).toContain('Name the North Star');
    expect(owner).toContain('Add input metrics');
    const editor = await page(clients.editor, '/w/acme', htmx);
    expect(editor).not.toContain('Name the North Star');
    expect(editor).toContain('No North Star yet');
    expect(editor).toContain('Add input metrics');
    const viewer = await page(clients.viewer, '/w/acme', htmx);
    expect(viewer).toContain('No North Star yet');
    expect(viewer).not.toContain('Name the North Star');
    expect(viewer).not.toContain('Add input metrics');
    expect(viewer).not.toContain('href="/w/acme/metrics"');
  });

  it('backlog: editors rescore inline; viewers see the scores as numbers, and the filters', async () => {
    const { db, ws, clients } = await team();
    const h = await makeHypothesis(db, ws, { title: 'Checklist on empty board', impact: 7, confidence: 4 });
    const score = `action="/w/acme/hypotheses/${h.id}/score"`;
    for (const who of ['owner', 'editor'] as const) {
      const html = await page(clients[who], '/w/acme/backlog');
      expect(html, who).toContain(score);
      expect(html, who).toContain('name="impact"');
      expect(html, who).toContain('<a class="button" href="/w/acme/hypotheses/new">');
      expect(html, who).not.toContain(VIEWER_NOTE);
    }
    const html = await page(clients.viewer, '/w/acme/backlog');
    expect(html).toContain('Checklist on empty board');
    expect(html).toContain('id="backlog-filters"');
    expect(html).toContain('name="q"');
    expect(html).not.toContain(score);
    expect(html).not.toContain('name="impact"');
    expect(html).not.toContain('<a class="button" href="/w/acme/hypotheses/new">');
    expect(html).toContain(VIEWER_NOTE);
    // The fragment htmx swaps after filtering holds no form at all for a viewer, and shows the numbers.
    const fragment = await page(clients.viewer, '/w/acme/backlog?status=all', htmx);
    expect(fragment).toContain('Checklist on empty board');
    expect(fragment).not.toContain('<form');
    expect(fragment).toMatch(/impact<\/span> 7/);
    expect(fragment).toMatch(/confidence<\/span> 4/);
  });

  it('backlog empty state: only editors are invited to write a hypothesis', async () => {
    const { clients } = await team();
    const editor = await page(clients.editor, '/w/acme/backlog', htmx);
    expect(editor).toContain('The backlog is empty. Write a hypothesis');
    expect(editor).toContain('href="/w/acme/hypotheses/new"');
    const viewer = await page(clients.viewer, '/w/acme/backlog', htmx);
    expect(viewer).toContain('The backlog is empty');
    expect(viewer).not.toContain('Write a hypothesis');
    expect(viewer).not.toContain('hypotheses/new');
  });

  it('new hypothesis: viewers are refused the page (403); editors and owners get the form', async () => {
    const { db, ws, clients } = await team();
    const m = await makeInput(db, ws);
    for (const who of ['owner', 'editor'] as const) {
      const html = await page(clients[who], `/w/acme/hypotheses/new?metricId=${m.id}`);
      expect(html, who).toContain('action="/w/acme/hypotheses"');
    }
    for (const path of ['/w/acme/hypotheses/new', `/w/acme/hypotheses/new?metricId=${m.id}`]) {
      const res = await clients.viewer.request(path);
      expect(res.status, path).toBe(403);
      const html = await res.text();
      expect(html).toContain('Only editors and owners can do this.');
      expect(html).not.toContain('action="/w/acme/hypotheses"');
    }
    const fragment = await clients.viewer.request(`/w/acme/hypotheses/new?metricId=${m.id}`, {
      headers: htmx,
    });
    expect(fragment.status).toBe(403);
  });

  // The actions each status offers: the move buttons, the close form, the follow-up.
  const ACTIONS: Record<Status, { labels: string[]; action: string }> = {
    draft: { labels: ['Accept to backlog', 'Reject'], action: 'transition' },
    backlog: { labels: ['Select for the batch', 'Park'], action: 'transition' },
    selected: { labels: ['Start', 'Deselect (back to backlog)'], action: 'transition' },
    running: { labels: ['Close experiment'], action: 'close' },
    parked: { labels: ['Return to backlog'], action: 'transition' },
    rejected: { labels: ['Reconsider (to backlog)'], action: 'transition' },
    done: { labels: ['Draft a follow-up'], action: 'follow-up' },
  };

  it('hypothesis detail: in every status, editors get its actions and the edit form; viewers only read', async () => {
    const { db, ws, clients } = await team();
    const m = await makeInput(db, ws, { name: 'Activation rate' });
    for (const status of Object.keys(ACTIONS) as Status[]) {
      const made = await makeHypothesis(db, ws, {
        metricId: m.id,
        title: `A ${status} hypothesis`,
        // Only a draft can be rejected.
        status: status === 'draft' || status === 'rejected' ? 'draft' : undefined,
      });
      const h =
        status === 'done'
          ? await closeAs(db, ws, made, { outcome: 'won' })
          : status === 'draft' || status === 'backlog'
            ? made
            : await moveTo(db, ws, made, status);
      expect(h.status).toBe(status);
      const path = `/w/acme/hypotheses/${h.id}`;
      const { labels, action } = ACTIONS[status];
      for (const who of ['owner', 'editor'] as const) {
        const html = await page(clients[who], path);
        expect(html, `${who} ${status}`).toContain(`action="${path}/${action}"`);
        for (const label of labels) expect(html, `${who} ${status}`).toContain(label);
        expect(html, `${who} ${status}`).toContain(`action="${path}"`);
        expect(html, `${who} ${status}`).toContain('Save changes');
      }
      const html = await page(clients.viewer, path);
      expect(html, status).toContain(`A ${status} hypothesis`);
      expect(html, status).toContain('Activation rate');
      expect(html, status).toContain(VIEWER_NOTE);
      for (const gone of ['transition', 'close', 'follow-up'])
        expect(html, status).not.toContain(`action="${path}/${gone}"`);
      expect(html, status).not.toContain(`action="${path}"`);
      for (const label of [...labels, 'Save changes', 'Edit hypothesis'])
        expect(html, `${status} ${label}`).not.toContain(label);
      const fragment = await page(clients.viewer, path, htmx);
      expect(fragment, status).toContain(`A ${status} hypothesis`);
      expect(fragment, status).not.toContain('<form');
    }
  });

  it('hypothesis detail: a closed one still shows its result and learnings to a viewer', async () => {
    const { db, ws, clients } = await team();
    const h = await makeHypothesis(db, ws, { title: 'Invite prompt after first board' });
    await closeAs(db, ws, h, {
      outcome: 'won',
      learnings: [{ statement: 'Teams invite when they have something to show' }],
    });
    const html = await page(clients.viewer, `/w/acme/hypotheses/${h.id}`);
    expect(html).toContain('Result:');
    expect(html).toContain('Teams invite when they have something to show');
    expect(html).not.toContain('Draft a follow-up');
  });

  it('learnings: editors change a status, draft follow-ups and record learnings; viewers only read', async () => {
    const { db, ws, clients } = await team();
    const l = await makeLearning(db, ws, { statement: 'Admins act on checklists' });
    const status = `action="/w/acme/learnings/${l.id}/status"`;
    const followUp = `action="/w/acme/learnings/${l.id}/follow-up"`;
    for (const who of ['owner', 'editor'] as const) {
      const html = await page(clients[who], '/w/acme/learnings');
      expect(html, who).toContain(status);
      expect(html, who).toContain(followUp);
      expect(html, who).toContain('Record learning');
      expect(html, who).toContain('method="post" action="/w/acme/learnings"');
    }
    const html = await page(clients.viewer, '/w/acme/learnings');
    expect(html).toContain('Admins act on checklists');
    expect(html).toContain('method="get" action="/w/acme/learnings"');
    expect(html).toContain(VIEWER_NOTE);
    expect(html).not.toContain(status);
    expect(html).not.toContain(followUp);
    expect(html).not.toContain('Record learning');
    expect(main(html)).not.toContain('method="post"');
  });

  it('learnings empty state: a viewer is not told to add one below', async () => {
    const { clients } = await team();
    const editor = await page(clients.editor, '/w/acme/learnings', htmx);
    expect(editor).toContain('added below from research');
    const viewer = await page(clients.viewer, '/w/acme/learnings', htmx);
    expect(viewer).toContain('No learnings yet.');
    expect(viewer).not.toContain('added below');
  });

  it('metrics: editors add, edit, archive, restore and delete inputs; viewers only read', async () => {
    const { db, ws, clients } = await team();
    const m = await makeInput(db, ws, { name: 'Activation rate' });
    const old = await makeInput(db, ws, { name: 'Old lever' });
    await archiveMetric(db, ws, old.id);
    const controls = [
      'method="post" action="/w/acme/metrics"',
      `href="/w/acme/metrics/${m.id}/edit"`,
      `action="/w/acme/metrics/${m.id}/archive"`,
      `action="/w/acme/metrics/${old.id}/restore"`,
      `action="/w/acme/metrics/${old.id}/delete"`,
      'Add input metric',
    ];
    for (const who of ['owner', 'editor'] as const) {
      const html = await page(clients[who], '/w/acme/metrics');
      for (const c of controls) expect(html, `${who} ${c}`).toContain(c);
    }
    const html = await page(clients.viewer, '/w/acme/metrics');
    expect(html).toContain('Activation rate');
    expect(html).toContain('Old lever');
    expect(html).toContain(VIEWER_NOTE);
    for (const c of controls) expect(html, c).not.toContain(c);
    expect(main(html)).not.toContain('method="post"');
  });

  it('metric edit page: refused to viewers (403), open to editors', async () => {
    const { db, ws, clients } = await team();
    const m = await makeInput(db, ws, { name: 'Activation rate' });
    const path = `/w/acme/metrics/${m.id}/edit`;
    expect((await clients.editor.request(path)).status).toBe(200);
    const res = await clients.viewer.request(path);
    expect(res.status).toBe(403);
    expect(await res.text()).not.toContain(`action="/w/acme/metrics/${m.id}"`);
  });

  it('north star: only owners get the form; editors and viewers see its values and checklist', async () => {
    const { clients } = await team({
      owner: 'Priya',
      currentValue: 412,
      target: 600,
      checklist: { customer_value: { pass: true, note: 'Teams pay for collaboration' } },
    });
    const form = 'action="/w/acme/north-star"';
    const owner = await page(clients.owner, '/w/acme/north-star');
    expect(owner).toContain(form);
    expect(owner).toContain('Save North Star');
    expect(owner).not.toContain('Only owners can change');
    for (const who of ['editor', 'viewer'] as const) {
      const html = await page(clients[who], '/w/acme/north-star');
      expect(html, who).toContain('North Star: Weekly active teams');
      expect(html, who).toContain('412');
      expect(html, who).toContain('600');
      expect(html, who).toContain('Priya');
      expect(html, who).toContain('Yes (passes)');
      expect(html, who).toContain('Teams pay for collaboration');
      expect(html, who).toContain('Not answered yet');
      expect(html, who).toContain(
        `Only owners can change the North Star and its checklist. You are ${who === 'editor' ? 'an editor' : 'a viewer'} in Acme growth`,
      );
      expect(html, who).not.toContain(form);
      expect(html, who).not.toContain('Save North Star');
      expect(main(html), who).not.toContain('method="post"');
    }
  });

  it('north star not named yet: only an owner is offered to name it', async () => {
    const { clients } = await team(false);
    expect(await page(clients.owner, '/w/acme/north-star')).toContain('Name the North Star');
    for (const who of ['editor', 'viewer'] as const) {
      const html = await page(clients[who], '/w/acme/north-star');
      expect(html, who).toContain('No North Star has been named');
      expect(html, who).not.toContain('Name the North Star');
      expect(html, who).not.toContain('action="/w/acme/north-star"');
    }
    const metrics = await page(clients.viewer, '/w/acme/metrics');
    expect(metrics).toContain('not named yet');
    expect(metrics).not.toContain('href="/w/acme/north-star"');
  });

  it('settings: only owners get the form; editors and viewers see the settings read-only', async () => {
    const { clients } = await team();
    const form = 'action="/w/acme/settings"';
    const owner = await page(clients.owner, '/w/acme/settings');
    expect(owner).toContain(form);
    expect(owner).toContain('Save settings');
    for (const who of ['editor', 'viewer'] as const) {
      const html = await page(clients[who], '/w/acme/settings');
      expect(html, who).toContain('Acme growth');
      expect(html, who).toContain('Mean of Impact, Confidence and Ease');
      expect(html, who).toContain('Only owners can change the workspace settings.');
      expect(html, who).not.toContain(form);
      expect(html, who).not.toContain('Save settings');
      expect(html, who).not.toContain('name="iceMode"');
    }
  });

  it('every role can open every page of its workspace', async () => {
    const { db, ws, clients } = await team();
    const h = await makeHypothesis(db, ws);
    for (const who of ROLES)
      for (const path of [
        '/w/acme',
        '/w/acme/backlog',
        `/w/acme/hypotheses/${h.id}`,
        '/w/acme/learnings',
        '/w/acme/metrics',
        '/w/acme/north-star',
        '/w/acme/settings',
      ])
        expect((await clients[who].request(path)).status, `${who} ${path}`).toBe(200);
  });
});
