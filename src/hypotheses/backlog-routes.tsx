import { type Context, Hono } from 'hono';
import { commitsBetween } from '../../db/commit-stamp';
import { fmtIce } from '../../views/components/badges';
import { BacklogPage, BacklogResults, backlogQuery, type RowNotice } from '../../views/hypotheses/backlog';
import { signedIn } from '../accounts/auth';
import type { MemberWorkspace } from '../accounts/members';
import { keptPage } from '../cache/kept-page';
import { workspaceMemo } from '../cache/workspace-memo';
import type { AppEnv, Deps } from '../env';
import { ConflictError, ValidationError } from '../errors';
import { isHtmx, renderParts, respond } from '../htmx';
import { leverRotiByMetric } from '../levers/levers';
import { activeInputs } from '../metrics/metrics';
import { idParam, parse, readForm } from '../validation';
import { requireHypothesis } from './hypotheses';
import { type MemberScoreRow, saveMyScore, scoresOf } from './member-scores';
import { listHypotheses, rankOf } from './ranking';
import { type Rescoring, rescoredList } from './rescored-list';
import { ListQuery, ScoreInput } from './schemas';
import { tagsInUse } from './tags-in-use';

// The ranked backlog (filters, sorts, pages) and its inline rescoring: each member saves their own scores
// from the row, and the row shows the team's means.

/** A member's own scores from the backlog row: no version, since nobody else's scores can be overwritten. */
const MyScoreInput = ScoreInput.omit({ version: true });

const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

/** The backlog's query: the page defaults to the backlog itself; "all" means every status. */
function backlogListQuery(raw: Record<string, string>): ListQuery {
  const status = raw.status ?? 'backlog';
  const parsed = ListQuery.safeParse({ ...raw, status: status === 'all' ? undefined : status });
  return parsed.success ? parsed.data : ListQuery.parse({ status: 'backlog' });
}

export function backlogRoutes(deps: Pick<Deps, 'db' | 'pages'>) {
  const { db } = deps;
  const app = new Hono<AppEnv>();

  /** The ranked rows and their scores, and the commit stamp taken before they were read. */
  type KeptList = Awaited<ReturnType<typeof listHypotheses>> & {
    scores: Map<number, MemberScoreRow[]>;
    stamp?: string;
  };

  /**
   * The list after this process's own rescoring, worked out from the list kept just before it
   * (src/hypotheses/rescored-list.ts), or undefined to read it. Only when nothing else was committed: the
   * kept list was read at the stamp the rescoring started from, and the stamp has moved by that one commit
   * since (checked again after reading the moved row's scores, the one read this needs).
   */
  async function rescoredFrom(
    ws: MemberWorkspace,
    q: ListQuery,
    previous: Promise<KeptList> | undefined,
    rescored: { rescoring?: Rescoring; stampBefore?: string },
  ): Promise<KeptList | undefined> {
    const { rescoring, stampBefore } = rescored;
    if (!previous || !rescoring || stampBefore === undefined) return undefined;
    const before = await previous.catch(() => undefined);
    const onlyThis = () => {
      const now = db.stamp();
      return commitsBetween(stampBefore, now) === 1 ? now : undefined;
    };
    if (!before || before.stamp !== stampBefore || !onlyThis()) return undefined;
    const next = rescoredList(before, q, rescoring);
    if (!next) return undefined;
    if (next.same) return { ...before, stamp: onlyThis() };
    const scores = new Map(before.scores);
    const mine = (await scoresOf(db, ws, [rescoring.id])).get(rescoring.id);
    if (mine) scores.set(rescoring.id, mine);
    else scores.delete(rescoring.id);
    const stamp = onlyThis();
    return stamp ? { items: next.items, total: before.total, scores, stamp } : undefined;
  }

  async function backlogView(
    c: Context<AppEnv>,
    ws: MemberWorkspace,
    q: ListQuery,
    rescored?: { rescoring?: Rescoring; stampBefore?: string },
  ) {
    const kept = await workspaceMemo(db, ws.id);
    const name = `backlog-list:${JSON.stringify(q)}`;
    // The list kept before this version's replaces it: after a rescoring, the page is worked out from it.
    const previous = rescored ? kept.latest<KeptList>(name) : undefined;
    const [{ items, total, scores }, inputs, tags, levers] = await Promise.all([
      // The ranked rows and their scores, read once per data version: after a rescoring the POST's answer
      // and the next page (src/cache/kept-page.ts) share them.
      kept.byVersion(name, async (): Promise<KeptList> => {
        // A failure working it out (the one read it makes) is no reason to fail a save already made: read.
        const worked = rescored && (await rescoredFrom(ws, q, previous, rescored).catch(() => undefined));
        if (worked) return worked;
        // Taken before reading: a commit landing meanwhile leaves newer rows under an older stamp, never
        // older rows under a newer one (a rescoring works from the list only at the stamp it began from).
        const stamp = db.stamp();
        // How many match the filters is a structural figure: a rescoring reorders rows, it adds none.
        const list = await listHypotheses(db, ws, q, (key, count) =>
          kept.byStructure(`backlog-count:${key}`, count),
        );
        const ids = list.items.map((i) => i.id);
        return { ...list, scores: await scoresOf(db, ws, ids), stamp };
      }),
      // What a rescoring cannot change is kept until the workspace's structure changes (src/cache).
      kept.byStructure('backlog-inputs', () => activeInputs(db, ws)),
      kept.byStructure('backlog-tags', () => tagsInUse(db, ws)),
      kept.byStructure('backlog-levers', () => leverRotiByMetric(db, ws)),
    ]);
    return {
      ws,
      q,
      items,
      total,
      inputs,
      tags,
      scores,
      levers,
      userId: signedIn(c).id,
    };
  }

  // The meeting's screen: everyone's backlog asks again after each rescoring, so a rendered page is kept until
  // the workspace's data changes (src/cache/kept-page.ts) and served again, or answered 304.
  app.get('/w/:slug/backlog', async (c) => {
    const ws = c.get('workspace');
    return keptPage(c, deps, ws, async () => {
      const q = backlogListQuery(c.req.query());
      const view = await backlogView(c, ws, q);
      // After a CSV import (src/imports): the count comes from the address, so only a plain number is shown.
      const count = c.req.query('count') ?? '';
      const banner =
        c.req.query('done') === 'imported' && /^\d{1,7}$/.test(count)
          ? `Imported ${plural(Number(count), 'hypothesis', 'hypotheses')}.`
          : undefined;
      return renderParts(c, {
        page: () => <BacklogPage {...view} banner={banner} />,
        fragment: () => <BacklogResults {...view} />,
      });
    });
  });

  // Inline rescoring saves the member's own scores (everyone scores; the row shows the team's means). The htmx
  // request gets the re-ranked list (the row moves to its new rank); without JavaScript the same form posts
  // and is redirected back to the same view of the backlog. No version: members never overwrite each other.
  app.post('/w/:slug/hypotheses/:id/score', async (c) => {
    const ws = c.get('workspace');
    const id = idParam(c.req.param('id'));
    const body = await readForm(c);
    const back = typeof body.back === 'string' ? body.back : 'status=backlog';
    const q = backlogListQuery(Object.fromEntries(new URLSearchParams(back)));
    let notice: RowNotice;
    let status: 200 | 409 | 422 = 200;
    try {
      const input = parse(MyScoreInput, body);
      const saved = await saveMyScore(db, ws, id, signedIn(c).id, input);
      if (!isHtmx(c)) return c.redirect(`/w/${ws.slug}/backlog?${backlogQuery(q)}#h-${id}`, 303);
      const view = await backlogView(c, ws, q, saved);
      // The re-ranked list usually holds the row: its rank and scorers come from there, not another query.
      const listed = view.items.find((i) => i.id === id);
      const rank = listed ? listed.rank : await rankOf(db, ws, id, q.sort);
      // How many scored: the save counted them (unless it changed nothing), or the list holds them.
      const n =
        saved.scorers ?? (listed ? view.scores.get(id) : (await scoresOf(db, ws, [id])).get(id))?.length ?? 0;
      notice = {
        id,
        tone: 'ok',
        message: `Saved your scores: team ICE ${fmtIce(saved.ice, ws.iceMode)} from ${plural(n, 'scorer')}${rank ? `, now rank #${rank}` : ''}.`,
      };
      return respond(c, {
        page: () => <BacklogPage {...view} notice={notice} />,
        fragment: () => <BacklogResults {...view} notice={notice} />,
      });
    } catch (e) {
      if (e instanceof ValidationError) {
        await requireHypothesis(db, ws, id);
        notice = { id, tone: 'error', message: `Not saved. ${Object.values(e.fields).join(' ')}` };
        status = 422;
      } else if (e instanceof ConflictError) {
        notice = { id, tone: 'warn', message: `Not saved. ${e.message}` };
        status = 409;
      } else throw e;
    }
    const view = await backlogView(c, ws, q);
    return respond(
      c,
      {
        page: () => <BacklogPage {...view} notice={notice} />,
        fragment: () => <BacklogResults {...view} notice={notice} />,
      },
      status,
    );
  });

  return app;
}
