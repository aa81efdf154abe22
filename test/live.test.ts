import { Hono } from 'hono';
import { type SSEStreamingApi, streamSSE } from 'hono/streaming';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { afterCommit } from '../db/client';
import {
  makeBatch,
  makeHypothesis,
  makeInput,
  makeMember,
  makeWorkspace,
  moveTo,
  scoreAs,
} from '../db/factories';
import { removeMember } from '../src/accounts/members';
import { createLiveHub, GONE_EVENT } from '../src/live/hub';
import { latestEventId } from '../src/meeting/data';
import { appFor, as, type Credentials, form, freshDb, htmx, person, signIn } from './helpers';

type Message = { id?: string; event?: string; data: string };

/** Reads server-sent events from a response body, one message at a time, each with a deadline. */
function eventStream(res: Response) {
  if (!res.body) throw new Error('no body');
  const reader = res.body.getReader();
  const decoder = new TextDecoder();
  let buffer = '';
  let pending: Promise<ReadableStreamReadResult<Uint8Array>> | undefined;
  let ended = false;
  return {
    /** The next message with data; 'closed' when the server ended the stream; 'timeout' after `ms`. */
    async next(ms = 2000): Promise<Message | 'closed' | 'timeout'> {
      const deadline = Date.now() + ms;
      for (;;) {
        const cut = buffer.indexOf('\n\n');
        if (cut >= 0) {
          const raw = buffer.slice(0, cut);
          buffer = buffer.slice(cut + 2);
          const msg: Message = { data: '' };
          const data: string[] = [];
          for (const line of raw.split('\n')) {
            if (line.startsWith('id: ')) msg.id = line.slice(4);
            else if (line.startsWith('event: ')) msg.event = line.slice(7);
            else if (line.startsWith('data: ')) data.push(line.slice(6));
          }
          if (data.length === 0) continue; // a keep-alive comment, or an id alone
          msg.data = data.join('\n');
          return msg;
        }
        if (ended) return 'closed';
        const left = deadline - Date.now();
        if (left <= 0) return 'timeout';
        pending ??= reader.read();
        let timer: ReturnType<typeof setTimeout> | undefined;
        const r = await Promise.race([
          pending,
          new Promise<'timeout'>((resolve) => {
            timer = setTimeout(() => resolve('timeout'), left);
          }),
        ]);
        clearTimeout(timer);
        if (r === 'timeout') return 'timeout';
        pending = undefined;
        if (r.done) ended = true;
        else buffer += decoder.decode(r.value, { stream: true });
      }
    },
    cancel: () => reader.cancel().catch(() => undefined),
  };
}

const open: ReturnType<typeof eventStream>[] = [];
afterEach(async () => {
  // Every stream is closed at the end of its test, as a browser leaving the page would.
  for (const s of open.splice(0)) await s.cancel();
});

async function scenario() {
  const db = await freshDb();
  const app = appFor(db);
  const owner = await person(db, { name: 'Olive Owner' });
  const ws = await makeWorkspace(db, { slug: 'acme', ownerId: owner.user.id });
  const editor = await signIn(db, await makeMember(db, ws, 'editor', { name: 'Edda Editor' }));
  const viewer = await signIn(db, await makeMember(db, ws, 'viewer', { name: 'Vic Viewer' }));
  const metric = await makeInput(db, ws, { name: 'Activation rate' });
  const h = await makeHypothesis(db, ws, { metricId: metric.id, title: 'Checklist on the first board' });
  const subscribe = async (who: Credentials, query = '', headers: Record<string, string> = {}) => {
    const res = await as(app, who).request(`/w/acme/meeting/events${query}`, {
      headers: { ...htmx, ...headers },
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/event-stream');
    const s = eventStream(res);
    open.push(s);
    return s;
  };
  const since = async () => `?since=${await latestEventId(db, ws.id)}`;
  return { db, app, ws, owner, editor, viewer, metric, h, subscribe, since };
}

const parts = (data: string) => [...data.matchAll(/<hx-partial hx-target="#m-([a-z-]+)"/g)].map((m) => m[1]);

describe('live', () => {
  it("sends another member's change within 2 s, and only the sections it changed", async () => {
    const { app, db, ws, owner, editor, h, subscribe, since } = await scenario();
    const b = await subscribe(editor, await since());
    const res = await as(app, owner).request(
      `/w/acme/meeting/hypotheses/${h.id}/score`,
      form({ impact: 9, confidence: 9, ease: 9 }),
    );
    expect(res.status).toBe(303);
    const msg = await b.next(2000);
    if (typeof msg === 'string') throw new Error(`no update: ${msg}`);
    // The first message is this change (the page was up to date, so no catch-up came first).
    expect(parts(msg.data)).toEqual(['backlog']);
    expect(msg.data).toContain('<dd class="ice">9.0</dd>');
    expect(msg.data).toContain('Olive Owner');
    expect(msg.id).toBe(String(await latestEventId(db, ws.id)));
  });

  it('sends a new measurement to the North Star section only, with the tile showing it', async () => {
    const { app, owner, editor, metric, subscribe, since } = await scenario();
    const b = await subscribe(editor, await since());
    const res = await as(app, owner).request(
      `/w/acme/metrics/${metric.id}/measurements`,
      form({ period: '2026-W47', value: '41.5' }),
    );
    expect(res.status).toBe(303);
    const msg = await b.next(2000);
    if (typeof msg === 'string') throw new Error(`no update: ${msg}`);
    expect(parts(msg.data)).toEqual(['north-star']);
    expect(msg.data).toContain('41.5');
  });

  it('renders each member their own view: no forms for a viewer, your own score for an editor', async () => {
    const { db, ws, owner, editor, viewer, h, subscribe, since } = await scenario();
    await scoreAs(db, ws, h, editor.user, { impact: 3, confidence: 4, ease: 2 });
    const q = await since();
    const asEditor = await subscribe(editor, q);
    const asViewer = await subscribe(viewer, q);
    await scoreAs(db, ws, h, owner.user, { impact: 9, confidence: 8, ease: 7 });
    const e = await asEditor.next();
    const v = await asViewer.next();
    if (typeof e === 'string' || typeof v === 'string') throw new Error('no update');
    expect(parts(e.data)).toEqual(['backlog']);
    expect(parts(v.data)).toEqual(['backlog']);
    // The team's mean moved for both; the editor's own score is still theirs.
    for (const m of [e, v]) expect(m.data).toContain('6.0 · 6.0 · 4.5');
    expect(e.data).toMatch(new RegExp(`id="ms-${h.id}-impact"[^>]*value="3"`));
    expect(e.data).toContain('Edda Editor (you)');
    expect(v.data).not.toContain('<form');
    expect(v.data).not.toContain('(you)');
  });

  it('catches up from Last-Event-ID (or the page’s since) with every section, once', async () => {
    const { app, db, ws, owner, editor, metric, subscribe } = await scenario();
    const seen = await latestEventId(db, ws.id);
    const draft = await makeHypothesis(db, ws, {
      metricId: metric.id,
      status: 'draft',
      title: 'Drafted meanwhile',
    });
    const triaged = await as(app, owner).request(
      `/w/acme/meeting/hypotheses/${draft.id}/triage`,
      form({ to: 'backlog', version: draft.version }),
    );
    expect(triaged.status).toBe(303);
    const latest = await latestEventId(db, ws.id);
    expect(latest).toBeGreaterThan(seen);
    // A reconnect says what it saw last: everything since then arrives at once, under the latest id.
    const again = await subscribe(editor, `?since=${seen}`, { 'Last-Event-ID': String(seen) });
    const msg = await again.next();
    if (typeof msg === 'string') throw new Error('no catch-up');
    expect(parts(msg.data)).toEqual(['north-star', 'review', 'learnings', 'drafts', 'backlog', 'batch']);
    expect(msg.data).toContain('Drafted meanwhile');
    expect(msg.id).toBe(String(latest));
    // Up to date (Last-Event-ID newer than the page's since): the next message is the next change only.
    const current = await subscribe(editor, `?since=${seen}`, { 'Last-Event-ID': String(latest) });
    await scoreAs(db, ws, draft, owner.user, { impact: 2, confidence: 2, ease: 2 });
    const next = await current.next();
    if (typeof next === 'string') throw new Error('no update');
    expect(parts(next.data)).toEqual(['backlog']);
  });

  it('sends a score to every section that shows it: a draft’s ICE in the drafts, a running one’s close form', async () => {
    const { db, ws, owner, editor, metric, subscribe, since } = await scenario();
    const draft = await makeHypothesis(db, ws, {
      metricId: metric.id,
      status: 'draft',
      title: 'Drafted idea',
    });
    const running = await moveTo(
      db,
      ws,
      await makeHypothesis(db, ws, { metricId: metric.id, title: 'Running one' }),
      'running',
    );
    const b = await subscribe(editor, await since());
    await scoreAs(db, ws, draft, owner.user, { impact: 9, confidence: 9, ease: 9 });
    const d = await b.next();
    if (typeof d === 'string') throw new Error(`no update: ${d}`);
    expect(parts(d.data)).toEqual(['drafts']);
    expect(d.data).toContain('ICE 9.0');
    // A running experiment rescored (through the API): its close form suggests a win's return from Impact
    // (and its batch lists its ICE).
    await scoreAs(db, ws, running, owner.user, { impact: 2, confidence: 9, ease: 9 });
    const r = await b.next();
    if (typeof r === 'string') throw new Error(`no update: ${r}`);
    expect(parts(r.data)).toEqual(['review', 'batch']);
    expect(r.data).toContain('a win returns its Impact (2) scaled');
  });

  it('renders each way of seeing the page as its own: the view in every form’s `back`, and your own score', async () => {
    const { db, app, ws, owner, editor, h, subscribe, since } = await scenario();
    await scoreAs(db, ws, h, editor.user, { impact: 2, confidence: 2, ease: 2 });
    await scoreAs(db, ws, h, owner.user, { impact: 7, confidence: 7, ease: 7 });
    // (An open batch: the backlog has a "Select" form too.)
    await makeBatch(db, ws, { capacityDays: 10 });
    const q = await since();
    const onProjector = await subscribe(owner, `${q}&view=projector`);
    const onLaptop = await subscribe(editor, q);
    const res = await as(app, owner).request(
      `/w/acme/meeting/hypotheses/${h.id}/score`,
      form({ impact: 8, confidence: 8, ease: 8 }),
    );
    expect(res.status).toBe(303);
    const p = await onProjector.next();
    const l = await onLaptop.next();
    if (typeof p === 'string' || typeof l === 'string') throw new Error('no update');
    expect(parts(p.data)).toEqual(['backlog']);
    expect(parts(l.data)).toEqual(['backlog']);
    // The same sections, rendered for each: the projector page's forms come back to the projector view.
    expect(p.data).toContain('name="back" value="view=projector"');
    expect(p.data).not.toContain('name="back" value=""');
    expect(l.data).toContain('name="back" value=""');
    expect(l.data).not.toContain('view=projector');
    expect(p.data).toMatch(new RegExp(`id="ms-${h.id}-impact"[^>]*value="8"`));
    expect(l.data).toMatch(new RegExp(`id="ms-${h.id}-impact"[^>]*value="2"`));
  });

  it('sends nothing to a member who can no longer see the workspace, and ends their stream', async () => {
    const { db, ws, owner, editor, h, subscribe, since } = await scenario();
    const b = await subscribe(editor, await since());
    await removeMember(db, ws.id, editor.user.id);
    // The stream says goodbye (the page stops reconnecting and says why), then ends.
    expect(await b.next()).toEqual({ event: GONE_EVENT, data: '' });
    expect(await b.next()).toBe('closed');
    // A change afterwards reaches nobody who left.
    await scoreAs(db, ws, h, owner.user, { impact: 1, confidence: 1, ease: 1 });
    expect(await b.next(200)).toBe('closed');
    // And they cannot open a new one.
    const res = await as(appFor(db), editor).request('/w/acme/meeting/events');
    expect(res.status).toBe(404);
  });

  it('answers the stream only to members of the workspace', async () => {
    const { db, app } = await scenario();
    const outsider = await person(db, { name: 'Oscar Outsider' });
    expect((await as(app, outsider).request('/w/acme/meeting/events')).status).toBe(404);
    expect((await as(app, 'anonymous').request('/w/acme/meeting/events')).status).toBe(303);
  });

  it('coalesces a burst of changes into one message, and forgets a stream once its reader leaves', async () => {
    const db = await freshDb();
    const renders: string[][] = [];
    let allowed = true;
    const hub = createLiveHub<string>(
      db,
      {
        parts: ['a', 'b'],
        affects: (c) => (c.entity === 'hypothesis' ? ['a'] : []),
        async render(_ws, parts, who) {
          renders.push([...parts]);
          const n = renders.length;
          return who.map(() => (allowed ? new Map(parts.map((p) => [p, `${p}${n}`])) : undefined));
        },
        envelope: (parts) => parts.map(([k, h]) => `${k}=${h}`).join(';'),
        latest: async () => 5,
      },
      { keepAliveMs: 50 },
    );
    const app = new Hono();
    app.get('/', (c) => streamSSE(c, (stream) => hub.serve(stream, 1, 'me', 5)));
    const s = eventStream(await app.request('/'));
    open.push(s);
    expect(hub.connections(1)).toBe(1);
    // Five changes in one write, and one to another workspace: one message, under the last id.
    await db.write(async (tx) => {
      for (let i = 0; i < 5; i++)
        afterCommit(tx, {
          workspaceId: 1,
          entity: 'hypothesis',
          entityId: i,
          action: 'score',
          eventId: 10 + i,
          actorUserId: null,
        });
      afterCommit(tx, {
        workspaceId: 2,
        entity: 'hypothesis',
        entityId: 9,
        action: 'score',
        eventId: 20,
        actorUserId: null,
      });
    });
    const msg = await s.next();
    expect(msg).toEqual({ id: '14', data: expect.stringMatching(/^a=a\d+$/) });
    expect(renders.filter((r) => r.length > 0)).toEqual([['a', 'b'], ['a']]);
    // Access is checked at every keep-alive too: once refused, the stream ends.
    allowed = false;
    expect(await s.next()).toEqual({ event: GONE_EVENT, data: '' });
    expect(await s.next()).toBe('closed');
    await expect.poll(() => hub.connections(1)).toBe(0);
  });

  it('drops a stream whose reader stopped reading, without holding up the others', async () => {
    const db = await freshDb();
    let renders = 0;
    const hub = createLiveHub<string>(
      db,
      {
        parts: ['a'],
        affects: () => ['a'],
        render: async (_ws, parts, who) => {
          renders++;
          return who.map(() => new Map(parts.map((p) => [p, `${p}${renders}`])));
        },
        envelope: (parts) => parts.map(([k, h]) => `${k}=${h}`).join(';'),
        latest: async () => 1,
      },
      { debounceMs: 5, writeTimeoutMs: 50 },
    );
    /** A stream as the hub sees it; a stuck one never finishes a write (a browser that stopped reading). */
    const fake = (stuck: boolean) => {
      const got: string[] = [];
      const aborts: (() => void)[] = [];
      let aborted = false;
      const write = (data: string) => {
        got.push(data);
        return stuck ? new Promise<void>(() => {}) : Promise.resolve();
      };
      const stream = {
        writeSSE: (m: { data: string }) => write(m.data),
        write,
        onAbort: (f: () => void) => aborts.push(f),
        abort: () => {
          aborted = true;
          for (const f of aborts) f();
        },
      } as unknown as SSEStreamingApi;
      return { stream, got, aborted: () => aborted };
    };
    const slow = fake(true);
    const fast = fake(false);
    const served = [hub.serve(slow.stream, 1, 'slow', 1), hub.serve(fast.stream, 1, 'fast', 1)];
    expect(hub.connections(1)).toBe(2);
    const change = (eventId: number) =>
      db.write(async (tx) =>
        afterCommit(tx, {
          workspaceId: 1,
          entity: 'x',
          entityId: 1,
          action: 'y',
          eventId,
          actorUserId: null,
        }),
      );
    await change(2);
    await expect.poll(() => fast.got).toEqual([expect.stringMatching(/^a=a\d+$/)]);
    expect(slow.got).toEqual(fast.got);
    // The stuck write is given up: the stream is aborted (the browser reconnects and catches up) and forgotten.
    await expect.poll(() => slow.aborted()).toBe(true);
    await expect.poll(() => hub.connections(1)).toBe(1);
    await served[0];
    // The others still get every change.
    await change(3);
    await expect.poll(() => fast.got.length).toBe(2);
    expect(slow.got).toHaveLength(1);
    fast.stream.abort();
    await Promise.all(served);
    expect(hub.connections(1)).toBe(0);
  });

  it('survives a failing render: the streams it was for end, writes go on, the next stream works', async () => {
    const db = await freshDb();
    const logged = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    let broken = false;
    const hub = createLiveHub<string>(
      db,
      {
        parts: ['a'],
        affects: () => ['a'],
        async render(_ws, parts, who) {
          if (broken && parts.length) throw new Error('template bug');
          return who.map(() => new Map(parts.map((p) => [p, `${p}${Date.now()}`])));
        },
        envelope: (parts) => parts.map(([k, h]) => `${k}=${h}`).join(';'),
        latest: async () => 1,
      },
      { debounceMs: 5 },
    );
    const app = new Hono();
    app.get('/', (c) => streamSSE(c, (stream) => hub.serve(stream, 1, 'me', 1)));
    const first = eventStream(await app.request('/'));
    open.push(first);
    broken = true;
    const change = () =>
      db.write(async (tx) => {
        afterCommit(tx, {
          workspaceId: 1,
          entity: 'x',
          entityId: 1,
          action: 'y',
          eventId: 2,
          actorUserId: null,
        });
        return 'written';
      });
    // The write that triggered the failing render commits and answers as usual.
    await expect(change()).resolves.toBe('written');
    expect(await first.next()).toBe('closed');
    expect(logged).toHaveBeenCalledWith('live update failed', expect.any(Error));
    await expect.poll(() => hub.connections(1)).toBe(0);
    // Fixed (or a passing glitch): a new page's stream gets the next change.
    broken = false;
    const second = eventStream(await app.request('/'));
    open.push(second);
    await change();
    const msg = await second.next();
    expect(typeof msg === 'string' ? msg : msg.data).toMatch(/^a=a\d+$/);
    logged.mockRestore();
  });

  it('forgets a stream when the browser goes away', async () => {
    const db = await freshDb();
    const hub = createLiveHub<string>(db, {
      parts: ['a'],
      affects: () => ['a'],
      render: async (_ws, parts, who) => who.map(() => new Map(parts.map((p) => [p, p]))),
      envelope: (parts) => parts.map(([k]) => k).join(';'),
      latest: async () => 0,
    });
    const app = new Hono();
    app.get('/', (c) => streamSSE(c, (stream) => hub.serve(stream, 1, 'me')));
    const s = eventStream(await app.request('/'));
    // Without a `since`, everything is sent at once.
    expect(await s.next()).toEqual({ id: '0', data: 'a' });
    expect(hub.connections(1)).toBe(1);
    await s.cancel();
    await expect.poll(() => hub.connections(1)).toBe(0);
  });
});
