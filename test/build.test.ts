import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startArgs } from '../scripts/start-args';

// What `npm start` runs: scripts/build.mjs bundles src/ into dist/, and plain node runs the bundle. The
// bundle lives elsewhere than the source, so what these tests are about is what moved: files found beside a
// module (views/assets, htmx in node_modules, db/migrations, the migrations journal), and which packages
// are loaded at start. The build goes into a folder of its own inside dist/ (packages left external are
// found from there through the checkout's node_modules), never over the dist/ a running server uses.

const root = fileURLToPath(new URL('..', import.meta.url));
const run = promisify(execFile);
let out: string;
let work: string;

beforeAll(async () => {
  mkdirSync(join(root, 'dist'), { recursive: true });
  out = mkdtempSync(join(root, 'dist', 'test-'));
  work = mkdtempSync(join(tmpdir(), 'lodestar-build-'));
  await run(process.execPath, ['scripts/build.mjs', out], { cwd: root });
}, 60_000);
afterAll(() => {
  if (out) rmSync(out, { recursive: true, force: true });
  if (work) rmSync(work, { recursive: true, force: true });
});

const freePort = () =>
  new Promise<number>((done) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => done(port));
    });
  });

async function waitFor200(child: ChildProcess, url: string, log: () => string) {
  for (let i = 0; i < 400; i++) {
    if (child.exitCode !== null) throw new Error(`the built server exited:\n${log()}`);
    try {
      const res = await fetch(url);
      await res.arrayBuffer();
      if (res.status === 200) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`no 200 from ${url}:\n${log()}`);
}

/** Static imports of a package in an emitted file; `import("ai")` (loaded on demand) does not count. */
function staticImportsOf(code: string, pkg: string): string[] {
  const quoted = `["']${pkg.replace('/', '\\/')}(\\/[^"']*)?["']`;
  return code.match(new RegExp(`(^|\\n)\\s*(import|export)\\b[^;(]*?${quoted}`, 'g')) ?? [];
}

describe('build: the bundle npm start runs', () => {
  it('starts on a new database, migrates it, serves pages and assets, and exits 0 on SIGTERM', async () => {
    const db = join(work, 'live.db');
    const port = await freePort();
    // Every module node loads, written down by a loader hook, to see which packages the start needs.
    const loaded = join(work, 'loaded.txt');
    const hooks = join(work, 'hooks.mjs');
    writeFileSync(
      hooks,
      `import { appendFileSync } from 'node:fs';
export async function load(url, context, next) { appendFileSync(${JSON.stringify(loaded)}, url + '\\n'); return next(url, context); }`,
    );
    const register = join(work, 'register.mjs');
    writeFileSync(
      register,
      `import { register } from 'node:module'; register(${JSON.stringify(pathToFileURL(hooks).href)});`,
    );
    // package.json's start, with this build in place of dist/.
    const args = startArgs(root).map((a) => (a === 'dist/server.js' ? join(out, 'server.js') : a));
    expect(args).toContain(join(out, 'server.js'));
    const child = spawn(process.execPath, ['--import', pathToFileURL(register).href, ...args], {
      cwd: work, // not the checkout: nothing may be found relative to the working directory
      env: {
        PATH: process.env.PATH,
        DATABASE_URL: `file:${db}`,
        PORT: String(port),
        LODESTAR_DEMO: '0',
        LOG_LEVEL: 'info',
      },
    });
    let log = '';
    child.stdout.on('data', (d) => {
      log += d;
    });
    child.stderr.on('data', (d) => {
      log += d;
    });
    const exited = new Promise<number | null>((done) => child.on('exit', (code) => done(code)));
    try {
      const base = `http://127.0.0.1:${port}`;
      await waitFor200(child, `${base}/healthz`, () => log);

      // A new database: migrated from db/migrations, so no account yet and /setup asks for the first owner.
      const setup = await fetch(`${base}/setup`);
      expect(setup.status).toBe(200);
      expect(await setup.text()).toContain('<form');

      // htmx from node_modules, byte for byte; Lodestar's own assets from views/assets.
      const htmx = await fetch(`${base}/assets/htmx.min.js`);
      expect(htmx.status).toBe(200);
      expect(htmx.headers.get('content-type')).toContain('text/javascript');
      const require = createRequire(import.meta.url);
      const shipped = readFileSync(require.resolve('htmx.org/dist/htmx.min.js'));
      expect(Buffer.from(await htmx.arrayBuffer()).equals(shipped)).toBe(true);
      for (const name of ['app.css', 'app.js', 'icon.svg', 'hx-sse.js']) {
        const res = await fetch(`${base}/assets/${name}`);
        expect(res.status, name).toBe(200);
        expect((await res.arrayBuffer()).byteLength, name).toBeGreaterThan(0);
      }
    } finally {
      child.kill('SIGTERM');
    }
    expect(await exited).toBe(0);
    expect(log).toContain('"shutdown":"done"');

    const modules = readFileSync(loaded, 'utf8');
    // The hook did see the packages the start needs…
    expect(modules).toContain('/node_modules/@libsql/client/');
    // …and not the AI SDK: a server with no LODESTAR_LLM_* never loads it.
    expect(modules).not.toContain('/node_modules/ai/');
    expect(modules).not.toContain('/node_modules/@ai-sdk/');
  });

  it('runs the command line from the bundle: a backup of that database restores elsewhere', async () => {
    const cli = (url: string, ...argv: string[]) =>
      run(process.execPath, [join(out, 'cli.js'), ...argv], {
        cwd: work,
        env: { PATH: process.env.PATH, DATABASE_URL: url, LODESTAR_DEMO: '0' },
      });
    const live = join(work, 'cli-live.db');
    const copy = join(work, 'copy.db');
    const backedUp = await cli(`file:${live}`, 'backup', copy);
    expect(backedUp.stdout).toContain('0 workspaces');
    // restore checks the copy against the migrations journal (db/migrations/meta/_journal.json).
    const restored = await cli(`file:${join(work, 'restored.db')}`, 'restore', copy);
    expect(restored.stderr).toBe('');
    expect(restored.stdout).toContain('0 workspaces');
  });

  it('bundles the AI SDK nowhere but behind import(): it is loaded when a model drafts', () => {
    const files = readdirSync(out).filter((f) => f.endsWith('.js'));
    const code = files.map((f) => readFileSync(join(out, f), 'utf8')).join('\n');
    for (const pkg of ['ai', '@ai-sdk/openai-compatible']) {
      expect(staticImportsOf(code, pkg), pkg).toEqual([]);
      expect(code).toContain(`import("${pkg}")`);
    }
    // The check itself finds a static import when there is one.
    expect(staticImportsOf('import { generateText } from "ai";', 'ai')).toHaveLength(1);
    expect(staticImportsOf('import { createClient } from "@libsql/client";', '@libsql/client')).toHaveLength(
      1,
    );
  });
});

describe('build: npm start builds only when the sources changed', () => {
  it('skips the build when the last one was made from the same sources, and builds again otherwise', async () => {
    const again = await run(process.execPath, ['scripts/build.mjs', '--if-changed', out], { cwd: root });
    expect(again.stdout).toContain('is up to date with the sources');

    // A record of other sources (as after an edit or an npm upgrade): built anew, and recorded again.
    const record = join(out, 'build-inputs.json');
    const recorded = JSON.parse(readFileSync(record, 'utf8')) as { hash: string; inputs: string[] };
    expect(recorded.inputs).toContain('src/server.ts');
    writeFileSync(record, JSON.stringify({ ...recorded, hash: 'other sources' }));
    const rebuilt = await run(process.execPath, ['scripts/build.mjs', '--if-changed', out], { cwd: root });
    expect(rebuilt.stdout).toContain('server.js and cli.js in');
    expect(JSON.parse(readFileSync(record, 'utf8')).hash).toBe(recorded.hash);
  });
});
