import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { closeAs, lifecyclePath, makeHypothesis, makeWorkspace, moveTo } from '../db/factories';
import { STATUSES, type Status, workspaces } from '../db/schema';
import { batchItems, DEFAULT_CAPACITY_DAYS, listBatches, openBatch } from '../src/batches/batches';
import { NEEDS_ESTIMATE } from '../src/batches/selection';
import { isoWeek } from '../src/batches/weeks';
import { ConflictError, ValidationError } from '../src/errors';
import { getHypothesis, transitionHypothesis } from '../src/hypotheses/hypotheses';
import { allowedMovesMessage, findMove, MOVES } from '../src/hypotheses/lifecycle';
import { freshDb } from './helpers';

// The lifecycle of DESIGN.md, edge by edge. running → done is close, which needs a result, so it is
// named among the moves but never made by a plain transition.
const ALLOWED: [Status, string, Status][] = [
  ['draft', 'accept', 'backlog'],
  ['draft', 'reject', 'rejected'],
  ['backlog', 'select', 'selected'],
  ['backlog', 'park', 'parked'],
  ['selected', 'start', 'running'],
  ['selected', 'deselect', 'backlog'],
  ['selected', 'park', 'parked'],
  ['parked', 'unpark', 'backlog'],
  ['rejected', 'restore', 'backlog'],
];
const allowed = new Set(ALLOWED.map(([from, , to]) => `${from}→${to}`));
const ILLEGAL: [Status, Status][] = STATUSES.flatMap((from) =>
  STATUSES.filter((to) => !allowed.has(`${from}→${to}`)).map((to): [Status, Status] => [from, to]),
);

describe('lifecycle', () => {
  it.each(ALLOWED)('%s may %s to %s', (from, action, to) => {
    expect(findMove(from, to)).toMatchObject({ action, to });
  });

  it('has no moves but those of DESIGN.md (plus close from running)', () => {
    const all = STATUSES.flatMap((from) => MOVES[from].map((m) => `${from} ${m.action} ${m.to}`));
    expect(all.sort()).toEqual([...ALLOWED.map((e) => e.join(' ')), 'running close done'].sort());
  });

  it.each([
    ['draft', 'selected'],
    ['draft', 'running'],
    ['draft', 'done'],
    ['draft', 'parked'],
    ['backlog', 'running'],
    ['backlog', 'done'],
    ['backlog', 'rejected'],
    ['backlog', 'draft'],
    ['selected', 'done'],
    ['selected', 'rejected'],
    ['running', 'done'],
    ['running', 'backlog'],
    ['running', 'parked'],
    ['done', 'backlog'],
    ['done', 'running'],
    ['parked', 'selected'],
    ['parked', 'running'],
    ['rejected', 'selected'],
    ['rejected', 'draft'],
    ['backlog', 'backlog'],
  ] as [Status, Status][])('refuses %s → %s', (from, to) => {
    expect(findMove(from, to)).toBeUndefined();
  });

  it.each(ILLEGAL.filter(([from, to]) => from !== 'done' && !(from === 'running' && to === 'done')))(
    'the message for %s → %s names the target and every move allowed',
    (from, to) => {
      const message = allowedMovesMessage(from, to);
      expect(message).toContain(`to ${to}.`);
      expect(message).toContain(`Allowed from ${from}:`);
      for (const m of MOVES[from]) expect(message).toContain(`${m.action} → ${m.to}`);
    },
  );

  it.each(STATUSES.filter((s) => s !== 'done'))(
    'done → %s says done is final and suggests a follow-up',
    (to) => {
      expect(allowedMovesMessage('done', to)).toMatch(/done hypothesis is final; draft a follow-up/);
    },
  );

  it('running → done points to Close and what it needs', () => {
    expect(allowedMovesMessage('running', 'done')).toMatch(
      /use Close \(outcome, actual days, return and a learning\)/,
    );
  });

  describe('transitionHypothesis', () => {
    it.each(ALLOWED)('from %s, %s moves to %s', async (from, _action, to) => {
      const db = await freshDb();
      const ws = await makeWorkspace(db);
      const h = await moveTo(db, ws, await makeHypothesis(db, ws, { status: 'draft' }), from);
      const moved = await transitionHypothesis(db, ws, h.id, to, h.version);
      expect(moved).toMatchObject({ status: to, version: h.version + 1 });
    });

    it('stamps selectedAt and startedAt with the time of the move', async () => {
      const db = await freshDb();
      const ws = await makeWorkspace(db);
      const h = await makeHypothesis(db, ws);
      await moveTo(db, ws, h, 'selected', 1_000);
      const running = await moveTo(db, ws, h, 'running', 2_000);
      expect(running).toMatchObject({ status: 'running', selectedAt: 1_000, startedAt: 2_000 });
    });

    it('refuses an illegal move with a 409 naming the allowed moves, and changes nothing', async () => {
      const db = await freshDb();
      const ws = await makeWorkspace(db);
      const h = await makeHypothesis(db, ws);
      const error = await transitionHypothesis(db, ws, h.id, 'running').catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ConflictError);
      expect(error).toMatchObject({
        status: 409,
        code: 'illegal_transition',
        message:
          'Cannot move a backlog hypothesis to running. Allowed from backlog: select → selected, park → parked.',
        current: { id: h.id, status: 'backlog' },
      });
      expect(await getHypothesis(db, ws, h.id)).toMatchObject({ status: 'backlog', version: h.version });
    });

    it('will not close a running experiment without a result', async () => {
      const db = await freshDb();
      const ws = await makeWorkspace(db);
      const h = await moveTo(db, ws, await makeHypothesis(db, ws), 'running');
      await expect(transitionHypothesis(db, ws, h.id, 'done')).rejects.toMatchObject({
        code: 'illegal_transition',
        message: expect.stringContaining('use Close'),
      });
      const closed = await closeAs(db, ws, h, { outcome: 'lost' });
      expect(closed).toMatchObject({ status: 'done', result: 'lost', returnScore: 2 });
      expect(closed.learnings).toHaveLength(1);
    });

    it('refuses a stale version with the current record', async () => {
      const db = await freshDb();
      const ws = await makeWorkspace(db);
      const h = await makeHypothesis(db, ws);
      await transitionHypothesis(db, ws, h.id, 'selected', h.version);
      await expect(transitionHypothesis(db, ws, h.id, 'parked', h.version)).rejects.toMatchObject({
        code: 'stale_version',
        current: { status: 'selected', version: h.version + 1 },
      });
    });
  });

  describe('select: the week’s batch', () => {
    it('refuses to select a hypothesis without an estimate, naming estimatedDays, and changes nothing', async () => {
      const db = await freshDb();
      const ws = await makeWorkspace(db);
      const h = await makeHypothesis(db, ws, { estimatedDays: undefined });
      expect(h.estimatedDays).toBeNull();
      const error = await transitionHypothesis(db, ws, h.id, 'selected', h.version).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ValidationError);
      expect((error as ValidationError).fields).toEqual({ estimatedDays: NEEDS_ESTIMATE });
      expect(await getHypothesis(db, ws, h.id)).toMatchObject({
        status: 'backlog',
        batchId: null,
        version: h.version,
      });
      // The whole move is one transaction: the batch it would have gone into was not planned either.
      expect(await listBatches(db, ws)).toEqual([]);
    });

    it('selects into the open batch, planning one for the current ISO week in the workspace’s zone', async () => {
      const db = await freshDb();
      const created = await makeWorkspace(db);
      await db.orm.update(workspaces).set({ timeZone: 'Europe/Berlin' }).where(eq(workspaces.id, created.id));
      const ws = { ...created, timeZone: 'Europe/Berlin' };
      // Sunday 22 Nov 2026, 23:30 UTC: still week 47 in UTC, already Monday of week 48 in Berlin.
      const now = Date.UTC(2026, 10, 22, 23, 30);
      expect(isoWeek(now, 'UTC')).toBe('2026-W47');
      const a = await makeHypothesis(db, ws);
      const b = await makeHypothesis(db, ws);
      const first = await transitionHypothesis(db, ws, a.id, 'selected', a.version, now);
      const batches = await listBatches(db, ws);
      expect(batches).toEqual([
        expect.objectContaining({ week: '2026-W48', capacityDays: DEFAULT_CAPACITY_DAYS, startedAt: null }),
      ]);
      expect(first).toMatchObject({ status: 'selected', batchId: batches[0]?.id, selectedAt: now });
      // The next selection goes into the same open batch rather than planning another.
      const second = await transitionHypothesis(db, ws, b.id, 'selected', b.version, now + 60_000);
      expect(second.batchId).toBe(batches[0]?.id);
      expect(await listBatches(db, ws)).toHaveLength(1);
      expect((await openBatch(db, ws))?.id).toBe(batches[0]?.id);
    });

    it.each([
      ['deselect', 'backlog'],
      ['park', 'parked'],
    ] as const)('%s takes it out of its batch (%s, no batch)', async (_action, to) => {
      const db = await freshDb();
      const ws = await makeWorkspace(db);
      const h = await moveTo(db, ws, await makeHypothesis(db, ws), 'selected');
      expect(h.batchId).not.toBeNull();
      const moved = await transitionHypothesis(db, ws, h.id, to, h.version);
      expect(moved).toMatchObject({ status: to, batchId: null });
      const batch = await openBatch(db, ws);
      expect(batch && (await batchItems(db, ws, batch.id))).toEqual([]);
    });

    it('keeps the batch when a selected hypothesis starts running', async () => {
      const db = await freshDb();
      const ws = await makeWorkspace(db);
      const h = await moveTo(db, ws, await makeHypothesis(db, ws), 'selected');
      const running = await transitionHypothesis(db, ws, h.id, 'running', h.version);
      expect(running).toMatchObject({ status: 'running', batchId: h.batchId });
    });
  });

  describe('lifecyclePath (factories)', () => {
    it.each([
      ['draft', 'running', ['backlog', 'selected', 'running']],
      ['draft', 'done', ['backlog', 'selected', 'running', 'done']],
      ['backlog', 'parked', ['parked']],
      ['parked', 'running', ['backlog', 'selected', 'running']],
      ['rejected', 'selected', ['backlog', 'selected']],
      ['running', 'running', []],
    ] as [Status, Status, Status[]][])('%s → %s walks %j', (from, to, path) => {
      expect(lifecyclePath(from, to)).toEqual(path);
    });

    it.each([
      ['backlog', 'rejected'],
      ['backlog', 'draft'],
      ['done', 'backlog'],
    ] as [Status, Status][])('has no path from %s to %s', (from, to) => {
      expect(lifecyclePath(from, to)).toBeUndefined();
    });
  });
});
