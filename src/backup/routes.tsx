import { and, desc, eq } from 'drizzle-orm';
import type { Context } from 'hono';
import { Hono } from 'hono';
import { auditEvents } from '../../db/schema';
import { ImportPage } from '../../views/backup/import';
import { ImportedPage, type ImportSummary } from '../../views/backup/imported';
import { emptyForm, formValues } from '../../views/components/form';
import { requireRole, signedIn } from '../accounts/auth';
import { type AppEnv, BACKUP_LIMIT_BYTES, type Deps } from '../env';
import { ForbiddenError, NotFoundError, ValidationError } from '../errors';
import { periodOf } from '../measurements/periods';
import { readForm } from '../validation';
import { decodeBackup, parseBackupJson } from './check';
import { exportWorkspace } from './export';
import { backupFilename } from './format';
import { importWorkspace } from './import';

/** Only a server owner may import: the file becomes a new workspace, and may create accounts. */
export function requireServerOwner(c: Context<AppEnv>) {
  const user = signedIn(c);
  if (!user.isServerOwner)
    throw new ForbiddenError(
      'Only server owners can import a workspace: it becomes a new workspace on this server and may add accounts. Ask the person who set up Lodestar.',
    );
  return user;
}

type Upload = { size: number; arrayBuffer(): Promise<ArrayBuffer> };
const isUpload = (v: unknown): v is Upload =>
  typeof v === 'object' && v !== null && 'size' in v && typeof (v as Upload).arrayBuffer === 'function';

export function backupRoutes(deps: Deps) {
  const { db } = deps;
  const app = new Hono<AppEnv>();
  const limit = deps.backupLimitBytes ?? BACKUP_LIMIT_BYTES;

  // Owners only: the file holds every member's email address.
  app.get('/w/:slug/export.json', requireRole('owner'), async (c) => {
    const ws = c.get('workspace');
    const file = await exportWorkspace(db, ws);
    const name = backupFilename(ws.slug, periodOf(file.exportedAt, 'day', ws.timeZone));
    return c.body(JSON.stringify(file, null, 2), 200, {
      'Content-Type': 'application/json; charset=utf-8',
      'Content-Disposition': `attachment; filename="${name}"`,
      'Cache-Control': 'no-store',
    });
  });

  app.get('/workspaces/import', (c) => {
    requireServerOwner(c);
    return c.html(<ImportPage form={emptyForm()} limitBytes={limit} />);
  });

  app.post('/workspaces/import', async (c) => {
    const user = requireServerOwner(c);
    const body = await readForm(c);
    const { file: _, ...values } = formValues(body);
    try {
      const upload = body.file;
      if (!isUpload(upload) || upload.size === 0)
        throw new ValidationError(
          { file: 'Choose the backup file to import: the .lodestar.json file a workspace owner downloaded.' },
          'Nothing was imported: no file was chosen.',
        );
      const raw = parseBackupJson(decodeBackup(new Uint8Array(await upload.arrayBuffer())));
      const result = await importWorkspace(db, raw, {
        owner: user,
        slug: values.slug,
        name: values.name,
        scrypt: deps.scrypt,
      });
      return c.redirect(`/w/${result.workspace.slug}/imported`, 303);
    } catch (e) {
      if (!(e instanceof ValidationError)) throw e;
      return c.html(
        <ImportPage form={{ values, errors: e.fields }} message={e.message} limitBytes={limit} />,
        422,
      );
    }
  });

  // Where an import leads: what came in and what is left to do. Read from the import's own trail entry,
  // so the page can be opened again later.
  app.get('/w/:slug/imported', requireRole('owner'), async (c) => {
    const ws = c.get('workspace');
    const created = await db.orm
      .select()
      .from(auditEvents)
      .where(
        and(
          eq(auditEvents.workspaceId, ws.id),
          eq(auditEvents.entity, 'workspace'),
          eq(auditEvents.action, 'create'),
        ),
      )
      .orderBy(desc(auditEvents.id));
    const event = created.find((e) => typeof e.after?.importedFrom === 'string');
    if (!event?.after) throw new NotFoundError(`${ws.name} was not imported from a backup.`);
    const a = event.after;
    const summary: ImportSummary = {
      importedFrom: String(a.importedFrom),
      exportedAt: Number(a.exportedAt ?? 0),
      importedAt: event.createdAt,
      importedBy: event.actorName,
      counts: typeof a.counts === 'object' && a.counts !== null ? (a.counts as ImportSummary['counts']) : {},
      createdAccounts: Array.isArray(a.createdAccounts) ? a.createdAccounts.map(String) : [],
    };
    return c.html(<ImportedPage ws={ws} summary={summary} />);
  });

  return app;
}
