import { describe, expect, it } from 'vitest';
import { closeAs, makeHypothesis, makeInput, makeWorkspace, moveTo } from '../db/factories';
import { hypotheses } from '../db/schema';
import { type SourceGroup, sourceStats, winnerSources } from '../src/drafts/sources';
import { freshDb } from './helpers';

const g = (over: Partial<SourceGroup>): SourceGroup => ({
  draftSource: 'playbook',
  draftRule: 'extend-win',
  status: 'draft',
  result: null,
  n: 1,
  rotiSum: 0,
  rotiN: 0,
  ...over,
});

describe('where winners come from', () => {
  it('sums drafted, accepted, closed, won, win rate and mean ROTI per source and rule', () => {
    // Hand-computed:
    // extend-win: 2 draft + 1 rejected + 1 backlog + 3 done (2 won ROTI 1.5 and 2.5, 1 lost ROTI 0.5)
    //   → drafted 7, accepted 4, closed 3, won 2, win rate 0.67, mean ROTI (1.5+2.5+0.5)/3 = 1.5
    // llama3: 1 running + 1 done lost (ROTI 0) → drafted 2, accepted 2, closed 1, won 0, 0%, ROTI 0
    // manual: 3 backlog + 1 done won (ROTI 4) → drafted 4, accepted 4, closed 1, won 1, 100%, ROTI 4
    const rows = sourceStats([
      g({ status: 'draft', n: 2 }),
      g({ status: 'rejected' }),
      g({ status: 'backlog' }),
      g({ status: 'done', result: 'won', n: 2, rotiSum: 4, rotiN: 2 }),
      g({ status: 'done', result: 'lost', rotiSum: 0.5, rotiN: 1 }),
      g({ draftSource: 'model', draftRule: 'llama3', status: 'running' }),
      g({ draftSource: 'model', draftRule: 'llama3', status: 'done', result: 'lost', rotiSum: 0, rotiN: 1 }),
      g({ draftSource: null, draftRule: null, status: 'backlog', n: 3 }),
      g({ draftSource: null, draftRule: null, status: 'done', result: 'won', rotiSum: 4, rotiN: 1 }),
    ]);
    expect(rows).toEqual([
      {
        source: 'playbook',
        rule: 'extend-win',
        drafted: 7,
        accepted: 4,
        closed: 3,
        won: 2,
        winRate: 0.67,
        meanRoti: 1.5,
      },
      {
        source: 'model',
        rule: 'llama3',
        drafted: 2,
        accepted: 2,
        closed: 1,
        won: 0,
        winRate: 0,
        meanRoti: 0,
      },
      { source: 'manual', rule: null, drafted: 4, accepted: 4, closed: 1, won: 1, winRate: 1, meanRoti: 4 },
    ]);
  });

  it('has no win rate or ROTI before anything closed', () => {
    expect(sourceStats([g({ status: 'draft' })])).toEqual([
      {
        source: 'playbook',
        rule: 'extend-win',
        drafted: 1,
        accepted: 0,
        closed: 0,
        won: 0,
        winRate: null,
        meanRoti: null,
      },
    ]);
  });

  it('groups the workspace’s own hypotheses in SQL, ignoring other workspaces', async () => {
    const db = await freshDb();
    const ws = await makeWorkspace(db);
    const other = await makeWorkspace(db);
    const m = await makeInput(db, ws);
    await makeHypothesis(db, other);
    const a = await makeHypothesis(db, ws, { metricId: m.id });
    const b = await makeHypothesis(db, ws, { metricId: m.id });
    await db.orm.update(hypotheses).set({ draftSource: 'playbook', draftRule: 'retest-bolder' });
    await closeAs(db, ws, a, { outcome: 'won', actualDays: 2, return: 6 });
    await moveTo(db, ws, b, 'parked');
    await makeHypothesis(db, ws, { metricId: m.id });
    const rows = await winnerSources(db, ws);
    expect(rows).toEqual([
      {
        source: 'playbook',
        rule: 'retest-bolder',
        drafted: 2,
        accepted: 2,
        closed: 1,
        won: 1,
        winRate: 1,
        meanRoti: 3,
      },
      {
        source: 'manual',
        rule: null,
        drafted: 1,
        accepted: 1,
        closed: 0,
        won: 0,
        winRate: null,
        meanRoti: null,
      },
    ]);
  });
});
