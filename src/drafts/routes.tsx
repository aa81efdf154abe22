import type { Context } from 'hono';
import { Hono } from 'hono';
import { z } from 'zod';
import type { Workspace } from '../../db/schema';
import { emptyForm, type FormState, formValues } from '../../views/components/form';
import { DraftsPage, type Notice } from '../../views/drafts/page';
import { type RunData, RunPage, RunSection } from '../../views/drafts/run';
import type { AppEnv, Deps } from '../env';
import { ConflictError, NotFoundError, ValidationError } from '../errors';
import { respond } from '../htmx';
import { requireHypothesis } from '../hypotheses/hypotheses';
import { DONE as MEETING_DONE } from '../meeting/answer';
import { activeInputs, getMetric, listMetrics } from '../metrics/metrics';
import { blank, idParam, parse, readForm } from '../validation';
import { DraftRequest, drafterFor, requireRun, runItems, startDraftRun } from './drafts';
import { drafterLabel } from './labels';
import { draftsToTriage, draftViews, latestRuns } from './provenance';
import { winnerSources } from './sources';
import { mergeDraft, triageDraft } from './triage';

// The Drafts pages (issue 6): ask for drafts (the run works in the background and its page follows it),
// and triage them — accept, drop, or merge a look-alike into its twin. Every form is a plain POST + 303.

const TriageForm = z.object({
  to: z.enum(['backlog', 'rejected'], { error: 'Accept the draft into the backlog or drop it.' }),
  version: z.preprocess(
    blank,
    z.coerce.number({ error: 'Reload the page and try again.' }).int().positive().optional(),
  ),
});
const MergeForm = TriageForm.pick({ version: true });

/** Triage forms send the person back where they were: the drafts page, a run's page or the meeting. */
function backTo(ws: Workspace, raw: unknown): string {
  const base = `/w/${ws.slug}/drafts`;
  if (typeof raw !== 'string') return base;
  if (raw === `/w/${ws.slug}/meeting`) return raw;
  return raw.startsWith(base) && /^\/runs\/\d+$/.test(raw.slice(base.length)) ? raw : base;
}

/** What the page says after a triage redirect (?done=…). */
function doneNotice(c: Context<AppEnv>): Notice | undefined {
  const done = c.req.query('done');
  const into = Number(c.req.query('into'));
  if (done === 'accepted')
    return { tone: 'ok', message: 'Draft accepted: it is in the backlog, ready to score.' };
  if (done === 'dropped') return { tone: 'ok', message: 'Draft dropped (rejected).' };
  if (done === 'merged')
    return {
      tone: 'ok',
      message: `Draft merged${Number.isSafeInteger(into) && into > 0 ? ` into #${into}` : ''}: its idea and tags were added there.`,
    };
  return undefined;
}

export function draftRoutes(deps: Deps) {
  const { db } = deps;
  const app = new Hono<AppEnv>();
  const drafterName = () => drafterLabel(drafterFor(deps));

  const drafts = async (c: Context<AppEnv>, state: FormState, status: 200 | 409 | 422, notice?: Notice) => {
    const ws = c.get('workspace');
    const [inputs, runs, list, sources, all] = await Promise.all([
      activeInputs(db, ws),
      latestRuns(db, ws),
      draftsToTriage(db, ws),
      winnerSources(db, ws),
      listMetrics(db, ws, { includeArchived: true }),
    ]);
    const data = {
      drafter: drafterName(),
      inputs,
      runs,
      drafts: list,
      sources,
      metricNames: new Map(all.map((m) => [m.id, m.name])),
    };
    return c.html(<DraftsPage ws={ws} data={data} state={state} notice={notice} />, status);
  };

  const runData = async (ws: Workspace, id: number): Promise<RunData> => {
    const run = await requireRun(db, ws, id);
    const [items, metric] = await Promise.all([
      runItems(db, ws, run).then((rows) => draftViews(db, ws, rows)),
      run.metricId ? getMetric(db, ws, run.metricId) : undefined,
    ]);
    // In the order the drafter proposed them.
    const order = new Map(run.createdIds.map((id, i) => [id, i]));
    items.sort((a, b) => (order.get(a.id) ?? 0) - (order.get(b.id) ?? 0));
    return { run, items, metricName: metric?.name };
  };

  /** After a refused triage: the page the person came from, with why, showing where things stand now. */
  const refusedAt = async (c: Context<AppEnv>, back: string, e: unknown) => {
    const ws = c.get('workspace');
    if (!(e instanceof ConflictError || e instanceof ValidationError)) throw e;
    const notice: Notice = {
      tone: e instanceof ConflictError ? 'warn' : 'error',
      message: e instanceof ValidationError ? (Object.values(e.fields)[0] ?? e.message) : e.message,
    };
    const status = e instanceof ConflictError ? 409 : 422;
    const run = /\/runs\/(\d+)$/.exec(back)?.[1];
    if (run) return c.html(<RunPage ws={ws} data={await runData(ws, Number(run))} notice={notice} />, status);
    return drafts(c, emptyForm(), status, notice);
  };

  // ?metricId=… (from a metric's page or the tree) preselects that input; anything else is ignored.
  app.get('/w/:slug/drafts', (c) => {
    const metricId = c.req.query('metricId') ?? '';
    return drafts(c, emptyForm(/^\d{1,9}$/.test(metricId) ? { metricId } : {}), 200, doneNotice(c));
  });

  app.post('/w/:slug/drafts', async (c) => {
    const ws = c.get('workspace');
    const body = await readForm(c);
    const state = (errors: Record<string, string>) => ({ values: formValues(body), errors });
    try {
      const req = parse(DraftRequest, body);
      if (!(await activeInputs(db, ws)).length)
        throw new ValidationError({
          metricId: 'This workspace has no active input metric to draft for: add one on the Metrics page.',
        });
      const { run, done } = await startDraftRun(db, ws, req, drafterFor(deps), c.get('user')?.id ?? null);
      // The run records its own failures; nothing awaits it here, so this request answers at once.
      done.catch(() => {});
      return c.redirect(`/w/${ws.slug}/drafts/runs/${run.id}`, 303);
    } catch (e) {
      if (e instanceof ValidationError) return drafts(c, state(e.fields), 422);
      // An unknown metric id in the form is bad input, not a missing page.
      if (e instanceof NotFoundError)
        return drafts(c, state({ metricId: 'Choose one of this workspace’s input metrics.' }), 422);
      throw e;
    }
  });

  app.get('/w/:slug/drafts/runs/:id', async (c) => {
    const ws = c.get('workspace');
    const data = await runData(ws, idParam(c.req.param('id')));
    return respond(c, {
      page: () => <RunPage ws={ws} data={data} notice={doneNotice(c)} />,
      fragment: () => <RunSection ws={ws} data={data} />,
    });
  });

  app.post('/w/:slug/drafts/:id/triage', async (c) => {
    const ws = c.get('workspace');
    const id = idParam(c.req.param('id'));
    const body = await readForm(c);
    const back = backTo(ws, body.back);
    // Another workspace's id is unknown here (404), whatever the form holds.
    await requireHypothesis(db, ws, id);
    try {
      const input = parse(TriageForm, body);
      await triageDraft(db, ws, id, input.to, input.version);
      return c.redirect(`${back}?done=${input.to === 'backlog' ? 'accepted' : 'dropped'}`, 303);
    } catch (e) {
      return refusedAt(c, back, e);
    }
  });

  app.post('/w/:slug/drafts/:id/merge', async (c) => {
    const ws = c.get('workspace');
    const id = idParam(c.req.param('id'));
    const body = await readForm(c);
    const back = backTo(ws, body.back);
    try {
      const input = parse(MergeForm, body);
      const { twin } = await mergeDraft(db, ws, id, input.version);
      // The meeting page says only the outcomes it knows (?done=…): back at its drafts section, with the
      // merge's own sentence once it has one, else the general one, never silently.
      if (back === `/w/${ws.slug}/meeting`)
        return c.redirect(`${back}?done=${'merged' in MEETING_DONE ? 'merged' : 'triaged'}#m-drafts`, 303);
      return c.redirect(`${back}?done=merged&into=${twin.id}`, 303);
    } catch (e) {
      return refusedAt(c, back, e);
    }
  });

  return app;
}
