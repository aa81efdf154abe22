// `node scripts/build.mjs [outdir]`: bundles the server and the CLI into dist/ (ESM, Node 20), so that
// `npm start` runs plain JavaScript with node instead of compiling TypeScript at every start through tsx.
// Plain .mjs so that node runs it without any loader.
//
// The pure-JavaScript packages (hono, zod, drizzle-orm, csv-*) are bundled in too: left external, node's
// ESM loader resolves, reads and links some 350 files of theirs one by one at every start (zod 95,
// drizzle-orm 114, hono 57), which cost more than everything else the start does. Kept external, read
// from node_modules at run time: libSQL (a native binding, and the driver's own loader finds it), the AI
// SDK (loaded only when a model drafts: src/drafts/model.ts) and htmx (served as a file: src/assets.ts).

import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

export const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/**
 * A few modules find files next to themselves through `import.meta.url` (src/assets.ts: views/assets and
 * htmx; db/migrate.ts: db/migrations; src/operations/snapshot.ts: the migrations journal). In a bundle
 * `import.meta.url` is the bundle's own URL, so each such module gets its original file's URL back,
 * written relative to the bundle: the output keeps working wherever the checkout is moved, as long as
 * the output directory stays inside it (beside src/, db/, views/ and node_modules/).
 */
function ownUrls(outdir) {
  return {
    name: 'own-import-meta-url',
    setup(b) {
      b.onLoad({ filter: /\.(ts|tsx)$/ }, async (args) => {
        if (/[\\/]node_modules[\\/]/.test(args.path)) return undefined;
        const source = await readFile(args.path, 'utf8');
        if (!source.includes('import.meta.url')) return undefined;
        const fromBundle = relative(outdir, args.path).split('\\').join('/');
        return {
          contents: source.replaceAll(
            'import.meta.url',
            `new URL(${JSON.stringify(fromBundle)}, import.meta.url).href`,
          ),
          loader: args.path.endsWith('.tsx') ? 'tsx' : 'ts',
        };
      });
    },
  };
}

/** Packages read from node_modules at run time; everything else imported is bundled. */
export const EXTERNAL = ['@libsql/*', 'libsql', 'ai', '@ai-sdk/*'];

const RECORD = 'build-inputs.json';

/**
 * One hash of everything a build reads: each bundled file's content (own and packages'), this script,
 * esbuild's version and the installed packages (npm's record of node_modules: package files keep npm's
 * fixed 1985 mtimes, so only content tells an upgrade).
 */
async function inputsHash(inputs) {
  const hash = createHash('sha256');
  const always = [
    'scripts/build.mjs',
    'node_modules/esbuild/package.json',
    'node_modules/.package-lock.json',
  ];
  const files = [...always, ...[...inputs].sort()];
  const contents = await Promise.all(files.map((f) => readFile(join(root, f)).catch(() => 'missing')));
  files.forEach((file, i) => {
    hash.update(`${file}\0`);
    hash.update(contents[i]);
  });
  return hash.digest('hex');
}

/**
 * Whether `out` already holds the build of these very sources: `npm start` then skips the build (about a
 * second) and a restart on an unchanged checkout costs only the server's own start.
 */
export async function upToDate(outdir = join(root, 'dist')) {
  const out = resolve(outdir);
  let record;
  try {
    record = JSON.parse(await readFile(join(out, RECORD), 'utf8'));
  } catch {
    return false;
  }
  if (!Array.isArray(record.inputs) || !Array.isArray(record.outputs)) return false;
  if (!record.outputs.every((f) => existsSync(join(out, f)))) return false;
  return record.hash === (await inputsHash(record.inputs));
}

/** Builds dist/server.js and dist/cli.js (shared code in chunks); answers with the output directory. */
export async function buildLodestar(outdir = join(root, 'dist')) {
  const { build } = await import('esbuild');
  const out = resolve(outdir);
  // Chunks are named by content hash: last build's would pile up beside the new ones. Only the files
  // directly in the output directory go, so a build into a folder inside it is left alone.
  const old = await readdir(out).catch(() => []);
  await Promise.all(
    old
      .filter((f) => /\.js(\.map)?$|^build-inputs\.json$/.test(f))
      .map((f) => rm(join(out, f), { force: true })),
  );
  const result = await build({
    absWorkingDir: root,
    entryPoints: { server: 'src/server.ts', cli: 'src/cli.ts' },
    outdir: out,
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    external: EXTERNAL,
    jsx: 'automatic',
    jsxImportSource: 'hono/jsx',
    sourcemap: 'linked',
    // Stack traces in the logs keep their function names; the bundle is read by node, not downloaded.
    minify: false,
    logLevel: 'warning',
    metafile: true,
    plugins: [ownUrls(out)],
  });
  const inputs = Object.keys(result.metafile.inputs);
  const outputs = Object.keys(result.metafile.outputs).map((f) => relative(out, resolve(root, f)));
  const record = { hash: await inputsHash(inputs), inputs, outputs };
  await writeFile(join(out, RECORD), `${JSON.stringify(record)}\n`);
  return out;
}

// `--if-changed` (npm start's prestart): build only when the sources differ from the last build's.
if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  const args = process.argv.slice(2);
  const ifChanged = args.includes('--if-changed');
  const dir = args.find((a) => !a.startsWith('--'));
  const out = dir ? resolve(dir) : undefined;
  const started = performance.now();
  const shown = relative(process.cwd(), out ?? join(root, 'dist')) || '.';
  if (ifChanged && (await upToDate(out))) {
    const ms = Math.round(performance.now() - started);
    console.log(`${shown}/ is up to date with the sources (checked in ${ms} ms)`);
  } else {
    await buildLodestar(out);
    const ms = Math.round(performance.now() - started);
    console.log(`Built ${shown}/server.js and cli.js in ${ms} ms`);
  }
}
