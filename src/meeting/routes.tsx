import { Hono } from 'hono';
import { streamSSE } from 'hono/streaming';
import type { Hypothesis } from '../../db/schema';
import { fmtIce } from '../../views/components/badges';
import { formValues } from '../../views/components/form';
import { scoreFormKey, selectFormKey } from '../../views/meeting/backlog-forms';
import { capacityFormKey, NEW_BATCH_FORM } from '../../views/meeting/batch';
import { MeetingPage } from '../../views/meeting/page';
import { closeFormKey } from '../../views/meeting/review';
import { signedIn } from '../accounts/auth';
import { createBatch, requireBatch, setCapacity } from '../batches/batches';
import { BatchInput, BatchItemInput, CapacityInput, MyScoreInput } from '../batches/schemas';
import { addToBatch, removeFromBatch, startBatch } from '../batches/selection';
import { weekLabel } from '../batches/weeks';
import type { AppEnv, Deps } from '../env';
import { ConflictError } from '../errors';
import { closeHypothesis } from '../hypotheses/close';
import { requireHypothesis, transitionHypothesis } from '../hypotheses/hypotheses';
import { setMyScore } from '../hypotheses/member-scores';
import { CloseInput } from '../hypotheses/schemas';
import { createLiveHub } from '../live/hub';
import { idParam, parse, readForm } from '../validation';
import { answers, DONE, viewer } from './answer';
import { latestEventId, loadMeeting, SECTIONS, type SectionKey } from './data';
import { meetingSource, type Watcher } from './live';
import { closeFieldErrors, closeInputFrom, TriageInput } from './schemas';

export function meetingRoutes({ db }: Deps) {
  const app = new Hono<AppEnv>();
  const hub = createLiveHub<Watcher>(db, meetingSource(db));

  const { answer, refusal } = answers(db);

  app.get('/w/:slug/meeting', async (c) => {
    const v = viewer(c, c.req.query());
    // Read before the sections, so a change made while they load is caught up by the live stream.
    const since = await latestEventId(db, v.ws.id);
    const data = await loadMeeting(db, v.ws, SECTIONS, { sort: v.view.sort });
    const done = DONE[c.req.query('done') ?? ''];
    return c.html(
      <MeetingPage
        v={v}
        data={data}
        since={since}
        notice={done ? { tone: 'ok', message: done } : undefined}
      />,
    );
  });

  // The live stream: GET under /w/:slug, so only members open it; src/live keeps checking they still are.
  app.get('/w/:slug/meeting/events', (c) => {
    const v = viewer(c, c.req.query());
    const seen = [c.req.query('since'), c.req.header('last-event-id')]
      .map((s) => (s && /^\d{1,15}$/.test(s) ? Number(s) : undefined))
      .filter((n): n is number => n != null);
    const since = seen.length ? Math.max(...seen) : undefined;
    const who: Watcher = { userId: v.userId, sessionId: c.get('sessionId'), view: v.view };
    // A reverse proxy (nginx) would otherwise buffer the stream and deliver updates in lumps.
    c.header('X-Accel-Buffering', 'no');
    return streamSSE(c, (stream) => hub.serve(stream, v.ws.id, who, since));
  });

  app.post('/w/:slug/meeting/hypotheses/:id/score', async (c) => {
    const ws = c.get('workspace');
    const id = idParam(c.req.param('id'));
    await requireHypothesis(db, ws, id);
    const body = await readForm(c);
    try {
      const h = await setMyScore(db, ws, id, signedIn(c).id, parse(MyScoreInput, body));
      return answer(c, body, 'scored', {
        main: 'backlog',
        also: ['batch'],
        notice: {
          tone: 'ok',
          message: `Your score for “${h.title}” is saved: team ICE ${fmtIce(h.ice, ws.iceMode)}.`,
        },
      });
    } catch (e) {
      return answer(c, body, 'scored', refusal(e, 'backlog', ['batch'], scoreFormKey(id), body));
    }
  });

  app.post('/w/:slug/meeting/hypotheses/:id/triage', async (c) => {
    const ws = c.get('workspace');
    const id = idParam(c.req.param('id'));
    const current = await requireHypothesis(db, ws, id);
    const body = await readForm(c);
    const also: SectionKey[] = ['backlog'];
    try {
      const input = parse(TriageInput, body);
      // Triage acts on drafts only: anything else was triaged (or moved) by someone else meanwhile.
      if (current.status !== 'draft')
        throw new ConflictError(
          `“${current.title}” is no longer a draft (it is ${current.status}): someone triaged it first.`,
          'conflict',
        );
      const h = await transitionHypothesis(db, ws, id, input.to, input.version);
      return answer(c, body, 'triaged', {
        main: 'drafts',
        also,
        notice: {
          tone: 'ok',
          message:
            input.to === 'backlog'
              ? `“${h.title}” joined the backlog: score it below.`
              : `“${h.title}” rejected.`,
        },
      });
    } catch (e) {
      if (e instanceof ConflictError && e.code === 'stale_version')
        return answer(c, body, 'triaged', {
          main: 'drafts',
          also,
          status: 409,
          notice: {
            tone: 'warn',
            message: 'Someone else changed this draft first; here is where it stands now.',
          },
        });
      return answer(c, body, 'triaged', refusal(e, 'drafts', also, `triage-${id}`, body));
    }
  });

  app.post('/w/:slug/meeting/hypotheses/:id/close', async (c) => {
    const ws = c.get('workspace');
    const id = idParam(c.req.param('id'));
    await requireHypothesis(db, ws, id);
    const body = await readForm(c);
    const also: SectionKey[] = ['learnings'];
    try {
      const h = await closeHypothesis(db, ws, id, parse(CloseInput, closeInputFrom(body)));
      return answer(c, body, 'closed', {
        main: 'review',
        also,
        notice: {
          tone: 'ok',
          message: `“${h.title}” closed as ${h.result}: its learning is listed under “What we learned”.`,
        },
      });
    } catch (e) {
      const o = refusal(e, 'review', also, closeFormKey(id), body, (f) => closeFieldErrors(f, body));
      // Usually another member closed it a moment earlier: the form is gone from the page, so say so,
      // and give back the learning this member wrote rather than lose it.
      if (e instanceof ConflictError) {
        const now = e.current as Hypothesis | undefined;
        const what =
          now?.status === 'done'
            ? `“${now.title}” was closed by someone else first (${now.result}).`
            : e.message;
        const typed = typeof body.newStatement === 'string' ? body.newStatement.trim() : '';
        o.notice = {
          tone: 'warn',
          message: typed
            ? `${what} Your learning was not saved: “${typed}” — add it on the learnings page if it still holds.`
            : what,
        };
      }
      return answer(c, body, 'closed', o);
    }
  });

  app.post('/w/:slug/meeting/batch', async (c) => {
    const ws = c.get('workspace');
    const body = await readForm(c);
    try {
      const b = await createBatch(db, ws, parse(BatchInput, body));
      return answer(c, body, 'planned', {
        main: 'batch',
        also: ['backlog'],
        notice: {
          tone: 'ok',
          message: `Planning the batch for ${weekLabel(b.week)}: select backlog items into it.`,
        },
      });
    } catch (e) {
      const o = refusal(e, 'batch', ['backlog'], NEW_BATCH_FORM, body);
      // A week that already has a batch is a problem with the week field, shown beside it.
      if (e instanceof ConflictError)
        return answer(c, body, 'planned', {
          ...o,
          forms: { [NEW_BATCH_FORM]: { values: formValues(body), errors: { week: e.message } } },
        });
      return answer(c, body, 'planned', o);
    }
  });

  app.post('/w/:slug/meeting/batches/:id/capacity', async (c) => {
    const ws = c.get('workspace');
    const batch = await requireBatch(db, ws, idParam(c.req.param('id')));
    const body = await readForm(c);
    try {
      await setCapacity(db, ws, batch.id, parse(CapacityInput, body).capacityDays);
      return answer(c, body, 'capacity', { main: 'batch', also: [] });
    } catch (e) {
      return answer(c, body, 'capacity', refusal(e, 'batch', [], capacityFormKey(batch.id), body));
    }
  });

  app.post('/w/:slug/meeting/batches/:id/items', async (c) => {
    const ws = c.get('workspace');
    const batch = await requireBatch(db, ws, idParam(c.req.param('id')));
    const body = await readForm(c);
    const raw = typeof body.hypothesisId === 'string' ? body.hypothesisId : '';
    const key = selectFormKey(/^\d+$/.test(raw) ? Number(raw) : 0);
    try {
      const input = parse(BatchItemInput, body);
      const h = await addToBatch(db, ws, batch.id, input.hypothesisId, input.estimatedDays);
      return answer(c, body, 'selected', {
        main: 'backlog',
        also: ['batch'],
        notice: { tone: 'ok', message: `“${h.title}” selected into ${weekLabel(batch.week)}.` },
      });
    } catch (e) {
      return answer(c, body, 'selected', refusal(e, 'backlog', ['batch'], key, body));
    }
  });

  app.post('/w/:slug/meeting/batches/:id/items/:hypothesisId/remove', async (c) => {
    const ws = c.get('workspace');
    const batch = await requireBatch(db, ws, idParam(c.req.param('id')));
    const id = idParam(c.req.param('hypothesisId'));
    await requireHypothesis(db, ws, id);
    const body = await readForm(c);
    try {
      const h = await removeFromBatch(db, ws, batch.id, id);
      return answer(c, body, 'removed', {
        main: 'batch',
        also: ['backlog'],
        notice: { tone: 'ok', message: `“${h.title}” is back in the backlog.` },
      });
    } catch (e) {
      return answer(c, body, 'removed', refusal(e, 'batch', ['backlog'], 'remove', body));
    }
  });

  app.post('/w/:slug/meeting/batches/:id/start', async (c) => {
    const ws = c.get('workspace');
    const batch = await requireBatch(db, ws, idParam(c.req.param('id')));
    const body = await readForm(c);
    const also: SectionKey[] = ['review', 'learnings', 'backlog'];
    try {
      await startBatch(db, ws, batch.id);
      return answer(c, body, 'started', { main: 'batch', also });
    } catch (e) {
      return answer(c, body, 'started', refusal(e, 'batch', also, 'start', body));
    }
  });

  return app;
}
