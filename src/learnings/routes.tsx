import { Hono } from 'hono';
import { emptyForm, type FormState, formValues } from '../../views/components/form';
import {
  LearningItem,
  type LearningNotice,
  LearningResults,
  LearningsPage,
  learningsQueryString,
} from '../../views/learnings/page';
import type { MemberWorkspace } from '../accounts/members';
import type { AppEnv, Deps } from '../env';
import { ConflictError, ValidationError } from '../errors';
import { isHtmx, respond } from '../htmx';
import { followUpFromLearning } from '../hypotheses/close';
import { createHypothesis } from '../hypotheses/hypotheses';
import { listMetrics } from '../metrics/metrics';
import { idParam, parse, readForm } from '../validation';
import { createLearning, getLearning, listLearnings, setLearningStatus } from './learnings';
import { LearningInput, LearningQuery, LearningStatusInput } from './schemas';

function learningQuery(raw: Record<string, string>): LearningQuery {
  const parsed = LearningQuery.safeParse(raw);
  return parsed.success ? parsed.data : {};
}

export function learningRoutes({ db }: Deps) {
  const app = new Hono<AppEnv>();

  async function page(ws: MemberWorkspace, q: LearningQuery, form: FormState, notice?: string) {
    const [items, metrics] = await Promise.all([listLearnings(db, ws, q), listMetrics(db, ws)]);
    return { ws, q, items, metrics, form, notice };
  }

  const NOTICES: Record<string, string> = { added: 'Learning recorded.', status: 'Status updated.' };

  app.get('/w/:slug/learnings', async (c) => {
    const ws = c.get('workspace');
    const q = learningQuery(c.req.query());
    const props = await page(
      ws,
      q,
      emptyForm({ status: 'emerging', metricId: q.metricId ? String(q.metricId) : '' }),
      NOTICES[c.req.query('done') ?? ''],
    );
    return respond(c, {
      page: () => <LearningsPage {...props} />,
      fragment: () => <LearningResults {...props} />,
    });
  });

  app.post('/w/:slug/learnings', async (c) => {
    const ws = c.get('workspace');
    const body = await readForm(c);
    try {
      await createLearning(db, ws, parse(LearningInput, body));
      return c.redirect(`/w/${ws.slug}/learnings?done=added`, 303);
    } catch (e) {
      if (!(e instanceof ValidationError)) throw e;
      const props = await page(ws, {}, { values: formValues(body), errors: e.fields });
      return c.html(<LearningsPage {...props} />, 422);
    }
  });

  app.post('/w/:slug/learnings/:id/status', async (c) => {
    const ws = c.get('workspace');
    const id = idParam(c.req.param('id'));
    const body = await readForm(c);
    // The filters to return to, re-parsed so nothing the client sent ends up raw in a Location header.
    const back = learningsQueryString(
      learningQuery(Object.fromEntries(new URLSearchParams(typeof body.back === 'string' ? body.back : ''))),
    );
    let notice: LearningNotice | undefined;
    let status: 200 | 409 | 422 = 200;
    try {
      const input = parse(LearningStatusInput, body);
      await setLearningStatus(db, ws, id, input.status, input.version);
      if (!isHtmx(c))
        return c.redirect(`/w/${ws.slug}/learnings?${back}${back ? '&' : ''}done=status#l-${id}`, 303);
      notice = { id, tone: 'ok', message: `Status set to ${input.status}.` };
    } catch (e) {
      if (e instanceof ValidationError) {
        notice = { id, tone: 'warn', message: Object.values(e.fields).join(' ') };
        status = 422;
      } else if (e instanceof ConflictError) {
        notice = { id, tone: 'warn', message: e.message };
        status = 409;
      } else throw e;
    }
    const l = await getLearning(db, ws, id);
    if (!l) return c.notFound();
    if (isHtmx(c)) return c.html(<LearningItem ws={ws} l={l} back={back} notice={notice} />, status);
    const props = await page(
      ws,
      learningQuery(Object.fromEntries(new URLSearchParams(back))),
      emptyForm(),
      notice?.message,
    );
    return c.html(<LearningsPage {...props} noticeTone={status === 200 ? 'ok' : 'warn'} />, status);
  });

  app.post('/w/:slug/learnings/:id/follow-up', async (c) => {
    const ws = c.get('workspace');
    const id = idParam(c.req.param('id'));
    try {
      const draft = await createHypothesis(db, ws, await followUpFromLearning(db, ws, id));
      return c.redirect(`/w/${ws.slug}/hypotheses/${draft.id}?done=followup`, 303);
    } catch (e) {
      if (!(e instanceof ValidationError)) throw e;
      const props = await page(ws, {}, emptyForm(), Object.values(e.fields).join(' '));
      return c.html(<LearningsPage {...props} noticeTone="warn" />, 422);
    }
  });

  return app;
}
