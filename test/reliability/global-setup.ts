import { existsSync, rmSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { TestProject } from 'vitest/node';

declare module 'vitest' {
  export interface ProvidedContext {
    /** node's arguments to start the server: the bundle (what `npm start` runs once built) or the source via tsx. */
    serverArgs: string[];
  }
}

const ROOT = resolve(import.meta.dirname, '../..');

// The server the reliability tests start, about 25 times in a run (the crash test alone restarts it 20
// times). The bundle starts in about half a second; src/server.ts through tsx in 1.3–2.4 s, compiling
// TypeScript at every start. So the suite bundles the current source once (scripts/build.mjs, a second),
// into a folder of its own that it removes afterwards, and starts that. RELIABILITY_SERVER=tsx starts the
// source through tsx instead.
export default async function setup(project: TestProject) {
  const build = join(ROOT, 'scripts', 'build.mjs');
  const wanted = process.env.RELIABILITY_SERVER ?? (existsSync(build) ? 'bundle' : 'tsx');
  if (wanted === 'tsx') {
    console.log('reliability: the server is src/server.ts through tsx');
    project.provide('serverArgs', ['--import', 'tsx', 'src/server.ts']);
    return;
  }
  if (wanted !== 'bundle') throw new Error(`RELIABILITY_SERVER is "bundle" or "tsx", not "${wanted}"`);
  // Inside the checkout (the bundle finds node_modules and the files beside src/ relative to itself), in a
  // folder nothing else uses, one per run.
  const out = join(ROOT, 'node_modules', '.cache', `lodestar-reliability-${process.pid}`);
  const { buildLodestar } = (await import(pathToFileURL(build).href)) as {
    buildLodestar: (outdir: string) => Promise<string>;
  };
  const started = performance.now();
  await buildLodestar(out);
  console.log(
    `reliability: the server is the bundle ${relative(ROOT, out)}/server.js, built from the current source in ${Math.round(performance.now() - started)} ms (RELIABILITY_SERVER=tsx: the source through tsx)`,
  );
  project.provide('serverArgs', [join(out, 'server.js')]);
  return () => rmSync(out, { recursive: true, force: true });
}
