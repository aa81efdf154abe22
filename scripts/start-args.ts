import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * node's arguments exactly as package.json's `start` gives them (`exec node <flags> dist/server.js`): what
 * the benchmark and the build test run, so they measure and check the V8 flags a deployment gets.
 */
export function startArgs(root: string): string[] {
  const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { scripts: { start: string } };
  const words = pkg.scripts.start.trim().split(/\s+/);
  if (words[0] === 'exec') words.shift();
  if (words[0] !== 'node' || words.some((w) => /["'$;&|]/.test(w)))
    throw new Error(`package.json's start is not a plain \`node …\` command: ${pkg.scripts.start}`);
  return words.slice(1);
}
