import { Hono } from 'hono';
import type { AppEnv, Deps } from '../env';

// Placeholder while the feature is built (issue 5): the owner of this file replaces it.
export function backupApiRoutes(_deps: Deps) {
  const app = new Hono<AppEnv>();
  return app;
}
