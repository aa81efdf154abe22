import { and, asc, eq } from 'drizzle-orm';
import { type Context, Hono } from 'hono';
import { hypotheses } from '../../db/schema';
import { emptyForm, type FormState, formValues } from '../../views/components/form';
import { ClosePreview, closeDefaults } from '../../views/hypotheses/close-form';
import { DetailFragment, DetailPage, type DetailProps } from '../../views/hypotheses/detail';
import { editValues, LearningsPanel, myFormScores } from '../../views/hypotheses/form';
import { HISTORY_LIMIT } from '../../views/hypotheses/history';
import { NewHypothesisPage } from '../../views/hypotheses/new';
import { HintPartials } from '../../views/levers/hints';
import { requireRole } from '../accounts/auth';
import type { MemberWorkspace } from '../accounts/members';
import { hypothesisHistory } from '../audit/audit';
import { provenanceOf } from '../drafts/provenance';
import type { AppEnv, Deps } from '../env';
import { ConflictError, type FieldErrors, ValidationError } from '../errors';
import { respond } from '../htmx';
import { learningsForClose, learningsForMetric, learningsOfHypothesis } from '../learnings/learnings';
import { hintFor } from '../levers/hints';
import { activeInputs, requireMetric } from '../metrics/metrics';
import { idParam, parse, readForm } from '../validation';
import { backlogRoutes } from './backlog-routes';
import { closeHypothesis, followUpFromHypothesis } from './close';
import {
  createHypothesis,
  getHypothesis,
  type HypothesisWithTags,
  requireHypothesis,
  transitionHypothesis,
  updateHypothesis,
} from './hypotheses';
import { type MemberScoreRow, scoresOf } from './member-scores';
import { rankOf } from './ranking';
import { CloseInput, HypothesisInput, HypothesisPatch, TransitionInput } from './schemas';

/** The signed-in member a page request runs as (pages are only served to signed-in members). */
function memberId(c: Context<AppEnv>): number {
  const user = c.get('user');
  if (!user) throw new Error('a /w/ page ran without a signed-in user');
  return user.id;
}

type Body = Record<string, string | File | (string | File)[]>;

/** The close form's fields as the domain's CloseInput: a new statement and/or links to existing learnings. */
function closeInputFrom(body: Body): unknown {
  const learnings: unknown[] = [];
  const statement = typeof body.newStatement === 'string' ? body.newStatement.trim() : '';
  if (statement) learnings.push({ statement, status: body.newStatus });
  for (const [key, value] of Object.entries(body)) {
    const m = /^link_(\d+)$/.exec(key);
    if (m && (value === 'supports' || value === 'contradicts'))
      learnings.push({ learningId: Number(m[1]), relation: value });
  }
  return {
    outcome: body.outcome,
    actualDays: body.actualDays,
    return: body.return,
    baseline: body.baseline,
    observed: body.observed,
    version: body.version,
    learnings,
  };
}

/** Close errors keyed by the close form's fields (learnings.0.statement → newStatement). */
function closeFieldErrors(fields: FieldErrors): FieldErrors {
  const out: FieldErrors = {};
  for (const [k, v] of Object.entries(fields)) {
    // A problem with the new statement (or with having none) sits beside the statement box; one about a
    // linked learning is shown in the form's summary.
    const key = !k.startsWith('learnings')
      ? k
      : k === 'learnings' || k.endsWith('statement')
        ? 'newStatement'
        : 'learnings';
    out[key] ??= v;
  }
  return out;
}

/** A form's id field as an id, or undefined when it is not a positive whole number. */
function formId(raw: unknown): number | undefined {
  const n = Number(raw);
  return Number.isSafeInteger(n) && n > 0 ? n : undefined;
}

export function hypothesisRoutes(deps: Deps) {
  const { db } = deps;
  const app = new Hono<AppEnv>();

  async function detailProps(
    c: Context<AppEnv>,
    ws: MemberWorkspace,
    h: HypothesisWithTags,
    extra: Partial<DetailProps> = {},
  ): Promise<DetailProps> {
    const userId = memberId(c);
    const [metric, inputs, rank, linked, metricLearnings, closeLearnings, history, scores, hint] =
      await Promise.all([
        requireMetric(db, ws, h.metricId),
        activeInputs(db, ws),
        rankOf(db, ws, h.id),
        learningsOfHypothesis(db, ws, h.id),
        learningsForMetric(db, ws, h.metricId, 20),
        h.status === 'running' ? learningsForClose(db, ws, h.metricId) : Promise.resolve([]),
        hypothesisHistory(db, ws.id, h, HISTORY_LIMIT),
        scoresOf(db, ws, [h.id]),
        // The hints follow the metric the edit form holds (it may be a refused save's other metric), when
        // the form holds an id at all: a refused save's metricId may be anything ("1e309" is Infinity).
        hintFor(db, ws, formId(extra.edit?.values.metricId) ?? h.metricId),
      ]);
    const teamScores: MemberScoreRow[] = scores.get(h.id) ?? [];
    const mine = teamScores.find((s) => s.userId === userId);
    const family = await db.orm
      .select({
        id: hypotheses.id,
        title: hypotheses.title,
        status: hypotheses.status,
        parentId: hypotheses.parentId,
      })
      .from(hypotheses)
      .where(and(eq(hypotheses.workspaceId, ws.id), eq(hypotheses.parentId, h.id)))
      .orderBy(asc(hypotheses.id));
    const [parent] = h.parentId
      ? await db.orm
          .select({ id: hypotheses.id, title: hypotheses.title, status: hypotheses.status })
          .from(hypotheses)
          .where(and(eq(hypotheses.workspaceId, ws.id), eq(hypotheses.id, h.parentId)))
      : [];
    const provenance = await provenanceOf(db, ws, h);
    // An archived metric stays selectable on its own hypotheses, so editing never silently moves them.
    const pickable = inputs.some((m) => m.id === metric.id) ? inputs : [...inputs, metric];
    return {
      ws,
      h,
      metric,
      inputs: pickable,
      rank,
      linked,
      metricLearnings,
      closeLearnings,
      parent,
      children: family,
      history,
      edit: emptyForm(editValues(h, mine)),
      close: emptyForm(closeDefaults(h)),
      scores: teamScores,
      userId,
      hint,
      provenance,
      ...extra,
    };
  }

  /** A refused action on one hypothesis: its page again, with the reason on top (409 or 422). */
  async function refused(c: Context<AppEnv>, ws: MemberWorkspace, id: number, e: unknown) {
    if (!(e instanceof ConflictError || e instanceof ValidationError)) throw e;
    const h = await requireHypothesis(db, ws, id);
    const message = e instanceof ValidationError ? Object.values(e.fields).join(' ') : e.message;
    return detail(c, await detailProps(c, ws, h, { alert: { tone: 'warn', message } }), e.status);
  }

  const detail = (c: Context<AppEnv>, props: DetailProps, status: 200 | 409 | 422 = 200) =>
    respond(
      c,
      { page: () => <DetailPage {...props} />, fragment: () => <DetailFragment {...props} /> },
      status,
    );

  // The backlog and its inline rescoring.
  app.route('/', backlogRoutes(deps));

  // ---- new -----------------------------------------------------------------------------------------

  async function newPage(ws: MemberWorkspace, form: FormState) {
    const inputs = await activeInputs(db, ws);
    const metricId = Number(form.values.metricId);
    const metric = inputs.find((m) => m.id === metricId);
    const [learnings, hint] = await Promise.all([
      metric ? learningsForMetric(db, ws, metric.id) : Promise.resolve([]),
      hintFor(db, ws, metric?.id),
    ]);
    return { ws, inputs, form, metric, learnings, hint };
  }

  // Viewers are refused the page (403) rather than shown a form whose POST would be refused.
  app.get('/w/:slug/hypotheses/new', requireRole('editor'), async (c) => {
    const ws = c.get('workspace');
    const metricId = c.req.query('metricId') ?? '';
    const props = await newPage(ws, emptyForm({ metricId, impact: '5', confidence: '5', ease: '5' }));
    // htmx asks for the learnings panel when the chosen input metric changes (on this form and on the edit
    // form); the calibration hints beside Confidence and the estimate come along in the same answer.
    return respond(c, {
      page: () => <NewHypothesisPage {...props} />,
      fragment: () => (
        <>
          <LearningsPanel ws={ws} metric={props.metric} learnings={props.learnings} />
          <HintPartials ws={ws} metric={props.metric} hint={props.hint} />
        </>
      ),
    });
  });

  app.post('/w/:slug/hypotheses', async (c) => {
    const ws = c.get('workspace');
    const body = await readForm(c);
    try {
      const h = await createHypothesis(db, ws, parse(HypothesisInput, body));
      return c.redirect(`/w/${ws.slug}/hypotheses/${h.id}?done=created`, 303);
    } catch (e) {
      if (!(e instanceof ValidationError)) throw e;
      const props = await newPage(ws, { values: formValues(body), errors: e.fields });
      return c.html(<NewHypothesisPage {...props} />, 422);
    }
  });

  // ---- one hypothesis ------------------------------------------------------------------------------

  const DONE: Record<string, string> = {
    created: 'Hypothesis added.',
    saved: 'Saved.',
    moved: 'Moved.',
    closed: 'Closed. The learning now shows wherever the next hypotheses on this metric are written.',
    followup: 'Follow-up drafted from its parent: edit it, then accept it into the backlog.',
  };

  app.get('/w/:slug/hypotheses/:id', async (c) => {
    const ws = c.get('workspace');
    const h = await requireHypothesis(db, ws, idParam(c.req.param('id')));
    const key = c.req.query('done') ?? '';
    const done = DONE[key];
    // A fresh follow-up opens with its edit form: it is a prefill to rewrite, not a finished hypothesis.
    // ?edit=1 opens the edit form (the "you have not scored this yet" prompt links there).
    const openEdit = key === 'followup' || c.req.query('edit') === '1';
    const extra = done ? { alert: { tone: 'ok' as const, message: done }, openEdit } : { openEdit };
    return detail(c, await detailProps(c, ws, h, extra));
  });

  /**
   * A member who has not scored gets the team's rounded means prefilled as "your scores". Saving an edit
   * with them untouched (a title fix) must not make that member a scorer and move the team's means, so those
   * fields are left out of the patch; any changed score makes all three theirs.
   */
  async function untouchedPrefill(
    ws: MemberWorkspace,
    id: number,
    c: Context<AppEnv>,
    body: Body,
  ): Promise<Body> {
    const own = (await scoresOf(db, ws, [id])).get(id)?.some((m) => m.userId === memberId(c));
    const h = own ? undefined : await getHypothesis(db, ws, id);
    if (!h) return body;
    const prefill = myFormScores(h);
    const untouched = (['impact', 'confidence', 'ease'] as const).every((k) => body[k] === prefill[k]);
    if (!untouched) return body;
    const { impact: _i, confidence: _c, ease: _e, ...rest } = body;
    return rest;
  }

  app.post('/w/:slug/hypotheses/:id', async (c) => {
    const ws = c.get('workspace');
    const id = idParam(c.req.param('id'));
    const body = await readForm(c);
    try {
      await updateHypothesis(
        db,
        ws,
        id,
        parse(HypothesisPatch, { tags: '', ...(await untouchedPrefill(ws, id, c, body)) }),
      );
      return c.redirect(`/w/${ws.slug}/hypotheses/${id}?done=saved`, 303);
    } catch (e) {
      if (e instanceof ValidationError) {
        const h = await requireHypothesis(db, ws, id);
        const props = await detailProps(c, ws, h, {
          edit: { values: formValues(body), errors: e.fields },
          openEdit: true,
          alert: { tone: 'error', message: 'Not saved: please fix the highlighted fields.' },
        });
        return detail(c, props, 422);
      }
      if (e instanceof ConflictError && e.current) {
        const current = e.current as HypothesisWithTags;
        const mine = formValues(body);
        // Scores are compared with the member's own (what their form held), not with the team's means.
        const own = (await scoresOf(db, ws, [id])).get(id)?.find((m) => m.userId === memberId(c));
        const theirs = editValues(current, own);
        const differing = Object.fromEntries(
          Object.entries(mine).filter(([k, v]) => k !== 'version' && k in theirs && theirs[k] !== v),
        );
        const props = await detailProps(c, ws, current, {
          openEdit: true,
          alert: { tone: 'warn', message: e.message },
          theirAttempt: differing,
        });
        return detail(c, props, 409);
      }
      throw e;
    }
  });

  app.post('/w/:slug/hypotheses/:id/transition', async (c) => {
    const ws = c.get('workspace');
    const id = idParam(c.req.param('id'));
    const body = await readForm(c);
    try {
      const input = parse(TransitionInput, body);
      await transitionHypothesis(db, ws, id, input.to, input.version);
      return c.redirect(`/w/${ws.slug}/hypotheses/${id}?done=moved`, 303);
    } catch (e) {
      return refused(c, ws, id, e);
    }
  });

  app.post('/w/:slug/hypotheses/:id/close/preview', async (c) => {
    const ws = c.get('workspace');
    const h = await requireHypothesis(db, ws, idParam(c.req.param('id')));
    const body = await readForm(c);
    return c.html(<ClosePreview h={h} state={emptyForm(formValues(body))} />);
  });

  app.post('/w/:slug/hypotheses/:id/close', async (c) => {
    const ws = c.get('workspace');
    const id = idParam(c.req.param('id'));
    const body = await readForm(c, { all: true });
    try {
      await closeHypothesis(db, ws, id, parse(CloseInput, closeInputFrom(body)));
      return c.redirect(`/w/${ws.slug}/hypotheses/${id}?done=closed`, 303);
    } catch (e) {
      if (e instanceof ValidationError) {
        const h = await requireHypothesis(db, ws, id);
        const props = await detailProps(c, ws, h, {
          close: { values: formValues(body), errors: closeFieldErrors(e.fields) },
          alert: { tone: 'error', message: 'Not closed: please fix the highlighted fields.' },
        });
        return detail(c, props, 422);
      }
      if (e instanceof ConflictError && e.current) {
        const props = await detailProps(c, ws, e.current as HypothesisWithTags, {
          alert: { tone: 'warn', message: e.message },
        });
        return detail(c, props, 409);
      }
      throw e;
    }
  });

  app.post('/w/:slug/hypotheses/:id/follow-up', async (c) => {
    const ws = c.get('workspace');
    const id = idParam(c.req.param('id'));
    try {
      const draft = await createHypothesis(db, ws, await followUpFromHypothesis(db, ws, id));
      return c.redirect(`/w/${ws.slug}/hypotheses/${draft.id}?done=followup`, 303);
    } catch (e) {
      return refused(c, ws, id, e);
    }
  });

  return app;
}
