import { and, eq, inArray } from 'drizzle-orm';
import { Hono } from 'hono';
import { type Checklist, metrics, type User } from '../../db/schema';
import { emptyForm, formValues } from '../../views/components/form';
import { HomePage } from '../../views/workspaces/home';
import { NorthStarPage, northStarValues } from '../../views/workspaces/north-star';
import { SettingsPage } from '../../views/workspaces/settings';
import { TreeFragment, TreePage } from '../../views/workspaces/tree';
import { requireRole, signedIn } from '../accounts/auth';
import { workspacesOf } from '../accounts/members';
import type { AppEnv, Deps } from '../env';
import { ConflictError, ForbiddenError, ValidationError } from '../errors';
import { respond } from '../htmx';
import { learningsForMetric } from '../learnings/learnings';
import { loadCorrelations } from '../measurements/correlation';
import { loadTiles, tileOf as tileOfSeries } from '../measurements/tiles';
import { activeInputs, countsByMetric, createMetric, getNorthStar, updateMetric } from '../metrics/metrics';
import { NSM_CHECKS } from '../metrics/north-star';
import { ChecklistInput, NorthStarInput } from '../metrics/schemas';
import { parse, readForm } from '../validation';
import { SettingsInput, WorkspaceWithNorthStarInput } from './schemas';
import { createWorkspace, updateWorkspaceSettings } from './workspaces';

export function workspaceRoutes({ db }: Deps) {
  const app = new Hono<AppEnv>();

  // Only the workspaces the user is a member of, each with its North Star's name.
  const home = async (user: User, form = emptyForm()) => {
    const list = await workspacesOf(db, user.id);
    const stars = list.length
      ? await db.orm
          .select({ workspaceId: metrics.workspaceId, name: metrics.name })
          .from(metrics)
          .where(
            and(
              eq(metrics.kind, 'north_star'),
              inArray(
                metrics.workspaceId,
                list.map((w) => w.id),
              ),
            ),
          )
      : [];
    const byWs = new Map(stars.map((s) => [s.workspaceId, s.name]));
    return (
      <HomePage
        workspaces={list.map((w) => ({ ...w, northStar: byWs.get(w.id) ?? null }))}
        form={form}
        canCreate={user.isServerOwner}
      />
    );
  };

  app.get('/', async (c) => c.html(await home(signedIn(c))));

  app.post('/workspaces', async (c) => {
    const user = signedIn(c);
    if (!user.isServerOwner)
      throw new ForbiddenError(
        'Only server owners can start workspaces. Ask the person who set up Lodestar.',
      );
    const body = await readForm(c);
    try {
      const input = parse(WorkspaceWithNorthStarInput, body);
      const ws = await createWorkspace(db, input, {
        northStar: { name: input.nsmName, description: input.nsmDescription, unit: input.nsmUnit },
        ownerId: user.id,
      });
      return c.redirect(`/w/${ws.slug}`, 303);
    } catch (e) {
      if (!(e instanceof ValidationError)) throw e;
      return c.html(await home(user, { values: formValues(body), errors: e.fields }), 422);
    }
  });

  app.get('/w/:slug', async (c) => {
    const ws = c.get('workspace');
    const [northStar, inputs] = await Promise.all([getNorthStar(db, ws), activeInputs(db, ws)]);
    const counts = await countsByMetric(
      db,
      ws,
      inputs.map((m) => m.id),
    );
    const [tiles, correlations] = await Promise.all([
      loadTiles(db, ws, [...(northStar ? [northStar] : []), ...inputs]),
      loadCorrelations(db, ws, northStar, inputs),
    ]);
    const tileOf = new Map(tiles.map((t) => [t.metric.id, t]));
    const withDetail = await Promise.all(
      inputs.map(async (m) => ({
        ...m,
        counts: counts.get(m.id) ?? { backlog: 0, running: 0, won: 0, lost: 0, total: 0 },
        learnings: await learningsForMetric(db, ws, m.id, 3),
        tile: tileOf.get(m.id) ?? tileOfSeries(m, []),
        correlation: correlations.get(m.id),
      })),
    );
    const northStarTile = northStar ? tileOf.get(northStar.id) : undefined;
    const props = { ws, northStar, northStarTile, inputs: withDetail };
    return respond(c, { page: () => <TreePage {...props} />, fragment: () => <TreeFragment {...props} /> });
  });

  app.get('/w/:slug/north-star', async (c) => {
    const ws = c.get('workspace');
    const northStar = await getNorthStar(db, ws);
    return c.html(
      <NorthStarPage
        ws={ws}
        northStar={northStar}
        form={emptyForm(northStarValues(northStar))}
        saved={c.req.query('saved') === '1'}
      />,
    );
  });

  app.post('/w/:slug/north-star', requireRole('owner'), async (c) => {
    const ws = c.get('workspace');
    const body = await readForm(c);
    const northStar = await getNorthStar(db, ws);
    try {
      const input = parse(NorthStarInput, body);
      const answers = parse(ChecklistInput, body);
      const checklist: Checklist = Object.fromEntries(
        NSM_CHECKS.map((ch) => {
          const a = answers[`check_${ch.key}`];
          return [
            ch.key,
            {
              pass: a === 'pass' ? true : a === 'fail' ? false : null,
              note: answers[`note_${ch.key}`] ?? '',
            },
          ];
        }),
      );
      const fields = {
        name: input.name,
        description: input.description,
        unit: input.unit,
        direction: input.direction,
        owner: input.owner,
        currentValue: input.currentValue,
        target: input.target,
      };
      if (northStar) {
        await updateMetric(db, ws, northStar.id, {
          ...fields,
          version: Number(input.version ?? 0),
          checklist,
        });
      } else {
        await createMetric(db, ws, { ...fields, kind: 'north_star', checklist });
      }
      return c.redirect(`/w/${ws.slug}/north-star?saved=1`, 303);
    } catch (e) {
      if (e instanceof ValidationError)
        return c.html(
          <NorthStarPage
            ws={ws}
            northStar={northStar}
            form={{ values: formValues(body), errors: e.fields }}
          />,
          422,
        );
      if (e instanceof ConflictError) {
        const current = await getNorthStar(db, ws);
        return c.html(
          <NorthStarPage
            ws={ws}
            northStar={current}
            form={emptyForm(northStarValues(current))}
            conflict={e.message}
          />,
          409,
        );
      }
      throw e;
    }
  });

  app.get('/w/:slug/settings', (c) => {
    const ws = c.get('workspace');
    return c.html(
      <SettingsPage
        ws={ws}
        form={emptyForm({ name: ws.name, iceMode: ws.iceMode })}
        saved={c.req.query('saved') === '1'}
      />,
    );
  });

  app.post('/w/:slug/settings', requireRole('owner'), async (c) => {
    const ws = c.get('workspace');
    const body = await readForm(c);
    try {
      await updateWorkspaceSettings(db, ws, parse(SettingsInput, body));
      return c.redirect(`/w/${ws.slug}/settings?saved=1`, 303);
    } catch (e) {
      if (!(e instanceof ValidationError)) throw e;
      return c.html(<SettingsPage ws={ws} form={{ values: formValues(body), errors: e.fields }} />, 422);
    }
  });

  return app;
}
