import { eq } from 'drizzle-orm';
import { type Context, Hono } from 'hono';
import { hypotheses } from '../../db/schema';
import { HypothesesPreview } from '../../views/data/hypotheses-preview';
import { MeasurementsPreview, type StoredValues, storedKey } from '../../views/data/measurements-preview';
import { DataPage } from '../../views/data/page';
import type { ImportKind } from '../../views/data/upload-form';
import { signedIn } from '../accounts/auth';
import type { MemberWorkspace } from '../accounts/members';
import { type AppEnv, CSV_LIMIT_BYTES, type Deps } from '../env';
import { ValidationError } from '../errors';
import { CSV_MEASUREMENTS_MAX, listMeasurements, recordMeasurements } from '../measurements/measurements';
import { listMetrics } from '../metrics/metrics';
import { type Finding, readCsv } from './csv-file';
import { commitHypotheses } from './hypotheses-commit';
import { checkHypothesesCsv, type HypothesesCheck } from './hypotheses-csv';
import type { ImportedHypothesis } from './hypothesis-columns';
import { checkMeasurementsCsv, type MeasurementsCheck } from './measurements-csv';
import { confirmTooLarge, readUpload, type UploadSource } from './upload';

// /w/:slug/data and the CSV imports: a preview that writes nothing, then a confirm that checks the same text
// again and stores every row or none. The text travels in the preview's hidden field, so nothing is kept on
// the server between the two steps.

const REFUSED = 'Nothing was imported: the rows have problems (listed below). Fix them and check again.';

export function importRoutes({ db, csvLimitBytes = CSV_LIMIT_BYTES }: Deps) {
  const app = new Hono<AppEnv>();

  async function dataPage(c: Context<AppEnv>, refused?: { kind: ImportKind; message: string }) {
    const ws = c.get('workspace');
    const metrics = await listMetrics(db, ws);
    return <DataPage ws={ws} metrics={metrics} serverOwner={signedIn(c).isServerOwner} refused={refused} />;
  }

  app.get('/w/:slug/data', async (c) => c.html(await dataPage(c)));

  /** A form sent with neither a file nor text: the page again, with the message beside that form. */
  const nothingChosen = async (c: Context<AppEnv>, kind: ImportKind) =>
    c.html(await dataPage(c, { kind, message: 'Choose a CSV file, or paste the rows, first.' }), 422);

  // ---- Hypotheses

  async function checkHypotheses(ws: MemberWorkspace, text: string): Promise<HypothesesCheck> {
    const [metrics, titles] = await Promise.all([
      listMetrics(db, ws, { includeArchived: true }),
      db.orm
        .select({ id: hypotheses.id, title: hypotheses.title })
        .from(hypotheses)
        .where(eq(hypotheses.workspaceId, ws.id)),
    ]);
    const existingTitles = new Map<string, number>();
    for (const t of titles)
      if (!existingTitles.has(t.title.toLowerCase())) existingTitles.set(t.title.toLowerCase(), t.id);
    const table = readCsv(text);
    return withSizeCheck(
      checkHypothesesCsv(table, {
        metrics,
        iceMode: ws.iceMode,
        existingTitles,
        timeZone: ws.timeZone,
        now: Date.now(),
        decimalComma: table.delimiter === ';',
      }),
      text,
    );
  }

  function withSizeCheck<T extends { findings: Finding[]; ok: boolean }>(check: T, text: string): T {
    const tooLarge = confirmTooLarge(text, csvLimitBytes);
    return tooLarge ? { ...check, findings: [...check.findings, tooLarge], ok: false } : check;
  }

  const unreadable = (error: string) => ({
    findings: [{ tone: 'error' as const, message: error }],
    mapped: [],
    rows: [],
    items: [],
    groups: [],
    ok: false,
  });

  function hypothesesPreview(
    c: Context<AppEnv>,
    p: { check: HypothesesCheck; source: UploadSource; text: string; refused?: string },
    status: 200 | 422 = 200,
  ) {
    return c.html(<HypothesesPreview ws={c.get('workspace')} {...p} />, status);
  }

  app.post('/w/:slug/import/hypotheses/preview', async (c) => {
    const ws = c.get('workspace');
    const upload = await readUpload(c);
    if (upload.kind === 'nothing') return nothingChosen(c, 'hypotheses');
    if (upload.kind === 'unreadable')
      return hypothesesPreview(c, { check: unreadable(upload.error), source: upload.source, text: '' });
    const check = await checkHypotheses(ws, upload.text);
    return hypothesesPreview(c, { check, source: upload.source, text: upload.text });
  });

  app.post('/w/:slug/import/hypotheses', async (c) => {
    const ws = c.get('workspace');
    const upload = await readUpload(c);
    if (upload.kind === 'nothing') return nothingChosen(c, 'hypotheses');
    if (upload.kind === 'unreadable')
      return hypothesesPreview(c, { check: unreadable(upload.error), source: upload.source, text: '' }, 422);
    const check = await checkHypotheses(ws, upload.text);
    const p = { check, source: upload.source, text: upload.text };
    if (!check.ok) return hypothesesPreview(c, { ...p, refused: REFUSED }, 422);
    try {
      const n = await commitHypotheses(
        db,
        ws,
        check.rows.map((r) => r.value as ImportedHypothesis),
      );
      return c.redirect(`/w/${ws.slug}/backlog?status=all&done=imported&count=${n}`, 303);
    } catch (e) {
      if (!(e instanceof ValidationError)) throw e;
      return hypothesesPreview(c, { ...p, refused: Object.values(e.fields)[0] ?? e.message }, 422);
    }
  });

  // ---- Measurements

  async function checkMeasurements(ws: MemberWorkspace, text: string): Promise<MeasurementsCheck> {
    const metrics = await listMetrics(db, ws, { includeArchived: true });
    const table = readCsv(text);
    return withSizeCheck(
      checkMeasurementsCsv(table, {
        metrics,
        decimalComma: table.delimiter === ';',
        now: Date.now(),
      }),
      text,
    );
  }

  /** What is stored now for the periods the file gives, so the preview can say new, replaces or unchanged. */
  async function storedValues(ws: MemberWorkspace, check: MeasurementsCheck): Promise<StoredValues> {
    const out: StoredValues = new Map();
    for (const g of check.groups) {
      const periods = g.items.map((i) => i.period).sort();
      const rows = await listMeasurements(db, ws, g.metric.id, { from: periods[0], to: periods.at(-1) });
      for (const r of rows) out.set(storedKey(g.metric.name, r.period), r.value);
    }
    return out;
  }

  async function measurementsPreview(
    c: Context<AppEnv>,
    p: { check: MeasurementsCheck; source: UploadSource; text: string; refused?: string },
    status: 200 | 422 = 200,
  ) {
    const ws = c.get('workspace');
    const stored = await storedValues(ws, p.check);
    return c.html(<MeasurementsPreview ws={ws} stored={stored} {...p} />, status);
  }

  app.post('/w/:slug/import/measurements/preview', async (c) => {
    const ws = c.get('workspace');
    const upload = await readUpload(c);
    if (upload.kind === 'nothing') return nothingChosen(c, 'measurements');
    if (upload.kind === 'unreadable')
      return measurementsPreview(c, { check: unreadable(upload.error), source: upload.source, text: '' });
    const check = await checkMeasurements(ws, upload.text);
    return measurementsPreview(c, { check, source: upload.source, text: upload.text });
  });

  app.post('/w/:slug/import/measurements', async (c) => {
    const ws = c.get('workspace');
    const upload = await readUpload(c);
    if (upload.kind === 'nothing') return nothingChosen(c, 'measurements');
    if (upload.kind === 'unreadable')
      return measurementsPreview(
        c,
        { check: unreadable(upload.error), source: upload.source, text: '' },
        422,
      );
    const check = await checkMeasurements(ws, upload.text);
    const p = { check, source: upload.source, text: upload.text };
    if (!check.ok) return measurementsPreview(c, { ...p, refused: REFUSED }, 422);
    try {
      const result = await recordMeasurements(
        db,
        ws,
        check.groups.map((g) => ({ metric: g.metric, items: g.items })),
        'csv',
        { keyOf: (g, i) => `${g}.${i}`, maxItems: CSV_MEASUREMENTS_MAX },
      );
      return c.redirect(`/w/${ws.slug}/metrics?done=imported&count=${result.inserted + result.updated}`, 303);
    } catch (e) {
      if (!(e instanceof ValidationError)) throw e;
      // Put each message on the row it came from; anything else (a limit) heads the page.
      let general = '';
      for (const [key, message] of Object.entries(e.fields)) {
        const m = /^(\d+)\.(\d+)\./.exec(key);
        const index = m ? check.groups[Number(m[1])]?.from[Number(m[2])] : undefined;
        const item = index === undefined ? undefined : check.items[index];
        if (item) item.errors.push(message);
        else general ||= message;
      }
      const failed = { ...check, ok: false };
      return measurementsPreview(c, { ...p, check: failed, refused: general || REFUSED }, 422);
    }
  });

  return app;
}
