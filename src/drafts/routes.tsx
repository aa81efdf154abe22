import { Hono } from 'hono';
import type { AppEnv, Deps } from '../env';

// Placeholder while the feature is built (issue 6): helper U replaces it.
export function draftRoutes(_deps: Deps) {
  const app = new Hono<AppEnv>();
  return app;
}
