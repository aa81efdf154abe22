import { type Context, Hono } from 'hono';
import type { Workspace } from '../../db/schema';
import { emptyForm, formValues } from '../../views/components/form';
import { DigestPage, DigestPreviewPage } from '../../views/share/digest';
import { ShareNotFound, ShareWeekRefused } from '../../views/share/layout';
import { digestMarkdown } from '../../views/share/markdown';
import { ShareSettingsPage, type ShareSettingsProps } from '../../views/share/settings';
import { requireRole, signedIn } from '../accounts/auth';
import { isoWeek } from '../batches/weeks';
import type { AppEnv, Deps } from '../env';
import { ValidationError } from '../errors';
import { idParam, parse, readForm } from '../validation';
import { earliestWeek, loadDigest } from './digest';
import { createShareLink, listShareLinks, resolveShareLink, revokeShareLink } from './links';
import { ShareLinkInput } from './schemas';
import { askedWeek, type WeekRefusal } from './weeks';

type C = Context<AppEnv>;

const DONE: Record<string, string> = {
  revoked: 'Share link revoked: it no longer opens the digest, and cannot be turned back on.',
};

export function shareRoutes(deps: Deps) {
  const { db } = deps;
  const app = new Hono<AppEnv>();

  // ---- Owners manage the links (a link hands the workspace's results to people outside it).

  const settingsProps = async (
    c: C,
    extra: Partial<ShareSettingsProps> = {},
  ): Promise<ShareSettingsProps> => {
    const ws = c.get('workspace');
    return { ws, links: await listShareLinks(db, ws.id), form: emptyForm({ label: '' }), ...extra };
  };

  app.get('/w/:slug/settings/share', requireRole('owner'), async (c) => {
    const message = DONE[c.req.query('done') ?? ''];
    const props = await settingsProps(c, { notice: message ? { tone: 'ok', message } : undefined });
    return c.html(<ShareSettingsPage {...props} />);
  });

  app.post('/w/:slug/settings/share', requireRole('owner'), async (c) => {
    const ws = c.get('workspace');
    const body = await readForm(c);
    let input: ShareLinkInput;
    try {
      input = parse(ShareLinkInput, body);
    } catch (e) {
      if (!(e instanceof ValidationError)) throw e;
      const form = { values: formValues(body), errors: e.fields };
      return c.html(<ShareSettingsPage {...(await settingsProps(c, { form }))} />, 422);
    }
    const { token, link } = await createShareLink(db, ws.id, {
      label: input.label,
      createdBy: signedIn(c).id,
    });
    const origin = (deps.origin ?? new URL(c.req.url).origin).replace(/\/+$/, '');
    const props = await settingsProps(c, { created: { url: `${origin}/share/${token}`, label: link.label } });
    // The only time the link exists outside the owner's clipboard: no cache may keep a copy. (No redirect
    // either: the token would have to travel in the next address.)
    c.header('Cache-Control', 'no-store');
    return c.html(<ShareSettingsPage {...props} />, 201);
  });

  app.post('/w/:slug/settings/share/:id/revoke', requireRole('owner'), async (c) => {
    const ws = c.get('workspace');
    await revokeShareLink(db, ws.id, idParam(c.req.param('id')));
    return c.redirect(`/w/${ws.slug}/settings/share?done=revoked`, 303);
  });

  // What a link would show, before handing one out (owners only, like the links themselves).
  app.get('/w/:slug/settings/share/preview', requireRole('owner'), async (c) => {
    const ws = c.get('workspace');
    const base = `/w/${ws.slug}/settings/share/preview`;
    const found = await digestFor(ws, c.req.query('week'));
    if ('status' in found)
      return c.html(<ShareWeekRefused message={found.message} backHref={base} />, found.status);
    return c.html(<DigestPreviewPage ws={ws} digest={found.digest} links={{ base }} />);
  });

  // ---- The digest itself: public, the token is the key. Unknown and revoked tokens are the same 404.

  // The token is in the address: keep it out of Referer headers, search engines and caches (shared or not).
  app.use('/share/:token', noLeaks);
  app.use('/share/:token/*', noLeaks);

  app.get('/share/:token', async (c) => {
    const token = c.req.param('token');
    const found = await resolveShareLink(db, token);
    if (!found) return c.html(<ShareNotFound />, 404);
    const base = `/share/${token}`;
    const digest = await digestFor(found.workspace, c.req.query('week'));
    if ('status' in digest)
      return c.html(<ShareWeekRefused message={digest.message} backHref={base} />, digest.status);
    const week = c.req.query('week') ? `?week=${digest.digest.week.week}` : '';
    return c.html(
      <DigestPage digest={digest.digest} links={{ base, markdown: `${base}/digest.md${week}` }} />,
    );
  });

  // A link pasted with a trailing slash ("…/share/abc/") still opens the digest (and keeps its week).
  app.get('/share/:token/', (c) => {
    const week = c.req.query('week');
    const to = `/share/${encodeURIComponent(c.req.param('token'))}`;
    return c.redirect(week ? `${to}?week=${encodeURIComponent(week)}` : to, 303);
  });

  app.get('/share/:token/digest.md', async (c) => {
    const found = await resolveShareLink(db, c.req.param('token'));
    if (!found) return c.html(<ShareNotFound />, 404);
    const digest = await digestFor(found.workspace, c.req.query('week'));
    if ('status' in digest) return c.text(`${digest.message}\n`, digest.status);
    c.header('Content-Type', 'text/markdown; charset=utf-8');
    c.header('Content-Disposition', `inline; filename="digest-${digest.digest.week.week}.md"`);
    return c.body(digestMarkdown(digest.digest));
  });

  /** The digest for ?week= (or the default week), or why that week cannot be shown. */
  async function digestFor(ws: Workspace, raw: string | undefined) {
    const earliest = await earliestWeek(db, ws);
    let asked: string | undefined;
    if (raw !== undefined && raw.trim() !== '') {
      const week = askedWeek(raw, isoWeek(Date.now(), ws.timeZone), earliest);
      if ('status' in week) return week satisfies WeekRefusal;
      asked = week.week;
    }
    return { digest: await loadDigest(db, ws, { asked, earliest }) };
  }

  return app;
}

async function noLeaks(c: C, next: () => Promise<void>) {
  await next();
  c.header('Referrer-Policy', 'no-referrer');
  c.header('X-Robots-Tag', 'noindex, nofollow');
  c.header('Cache-Control', 'private, no-store');
}
