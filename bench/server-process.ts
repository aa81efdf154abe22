import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { closeSync, existsSync, openSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startArgs } from '../scripts/start-args';

// The real server in a child process, as `npm start` runs it but without npm in between: the bundle built
// from the current source (scripts/build.mjs, once per benchmark run) under node with the start script's own
// arguments, one process, so its pid is the server's own (for /proc/<pid>/status) and no TypeScript loader
// is measured.

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

// Built here, when the benchmark starts, so that no build time lands in a measured cold start.
execFileSync(process.execPath, ['scripts/build.mjs'], { cwd: root, stdio: ['ignore', 'ignore', 'inherit'] });

export type Server = { child: ChildProcess; pid: number; port: number; base: string; log: string };

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const address = s.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      s.close(() => resolve(port));
    });
  });
}

/** Spawns the built server on a database file; its request log goes to `log` (appended). */
export function spawnServer(
  file: string,
  port: number,
  log: string,
  env: Record<string, string> = {},
): Server {
  const out = openSync(log, 'a');
  const child = spawn(process.execPath, startArgs(root), {
    cwd: root,
    env: {
      ...process.env,
      PORT: String(port),
      DATABASE_URL: `file:${file}`,
      LODESTAR_DEMO: '0',
      LOG_LEVEL: 'info',
      ...env,
    },
    stdio: ['ignore', out, out],
  });
  closeSync(out);
  if (!child.pid) throw new Error('the server did not start');
  return { child, pid: child.pid, port, base: `http://127.0.0.1:${port}`, log };
}

/** Polls `url` until it answers 200; returns the milliseconds since `since`. */
export async function waitFor200(
  server: Server,
  path: string,
  headers: Record<string, string>,
  since: number,
  timeoutMs = 30_000,
): Promise<number> {
  for (;;) {
    if (server.child.exitCode !== null)
      throw new Error(`the server exited (${server.child.exitCode}): see ${server.log}`);
    try {
      const res = await fetch(server.base + path, { headers });
      await res.arrayBuffer();
      if (res.status === 200) return performance.now() - since;
      throw new Error(`${path} answered ${res.status}`);
    } catch (e) {
      if (!(e instanceof TypeError)) throw e; // connection refused: not listening yet
    }
    if (performance.now() - since > timeoutMs) throw new Error(`no 200 from ${path} within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

/** A /proc/<pid>/status field in kB (VmHWM: peak resident set size; VmRSS: now). */
export function procKb(pid: number, field: 'VmHWM' | 'VmRSS'): number | undefined {
  const status = `/proc/${pid}/status`;
  if (!existsSync(status)) return undefined;
  const m = readFileSync(status, 'utf8').match(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm'));
  return m ? Number(m[1]) : undefined;
}

/** Resets the peak RSS to the current RSS (Linux: clear_refs 5), so VmHWM covers only what follows. */
export function resetPeakRss(pid: number): boolean {
  try {
    writeFileSync(`/proc/${pid}/clear_refs`, '5');
    return true;
  } catch {
    return false;
  }
}

/** SIGTERM, then waits for the exit (SIGKILL after 10 s). */
export async function stopServer(server: Server): Promise<number | null> {
  if (server.child.exitCode !== null) return server.child.exitCode;
  const exited = new Promise<number | null>((resolve) => server.child.once('exit', (code) => resolve(code)));
  server.child.kill('SIGTERM');
  const timer = setTimeout(() => server.child.kill('SIGKILL'), 10_000);
  const code = await exited;
  clearTimeout(timer);
  return code;
}

export { percentile } from './percentile';
