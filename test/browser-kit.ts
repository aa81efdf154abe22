import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { type Browser, chromium } from 'playwright-core';
import type { Db } from '../db/client';
import { createApp } from '../src/app';

// What every real-browser test needs: Chromium from apt (never downloaded: there is no internet in CI),
// the real app served on a free loopback port, a session cookie, and axe-core's source to inject.

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

const require = createRequire(import.meta.url);
export const axeSource = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

export async function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM))
    throw new Error(`Chromium not found at ${CHROMIUM}: apt-get install -y chromium (see .ci/run).`);
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
  });
}

/** The app on its own database, listening on a free port of 127.0.0.1. */
export async function serveApp(db: Db): Promise<{ base: string; close: () => void }> {
  const app = createApp({ db, logLevel: 'silent' });
  return serveFetch(app.fetch);
}

/** Any fetch handler (an app made with other deps, or one wrapped to watch its answers) on a free port. */
export async function serveFetch(
  fetch: (req: Request) => Response | Promise<Response>,
): Promise<{ base: string; close: () => void }> {
  const server = serve({ fetch, port: 0, hostname: '127.0.0.1' });
  await new Promise<void>((resolve) => server.once('listening', () => resolve()));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    base,
    close: () => {
      // Open live streams (the meeting page) would hold a plain close open.
      if ('closeAllConnections' in server) server.closeAllConnections();
      server.close();
    },
  };
}

/** The session cookie a signed-in browser sends. */
export function sessionCookie(base: string, sessionId: string) {
  return {
    name: 'lodestar_session',
    value: sessionId,
    url: base,
    httpOnly: true,
    sameSite: 'Lax' as const,
  };
}
