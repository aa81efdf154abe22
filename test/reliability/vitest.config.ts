import { defineConfig } from 'vitest/config';

// The reliability suite (npm run test:reliability): real servers in child processes under load, crashes
// and signals. Its files end in .reliability.ts so that the main suite (test/**/*.test.{ts,tsx}) never
// picks them up. One file at a time: each one loads the machine on its own, and figures must be its own.
export default defineConfig({
  test: {
    root: new URL('../..', import.meta.url).pathname,
    include: ['test/reliability/**/*.reliability.ts'],
    globalSetup: ['test/reliability/global-setup.ts'],
    fileParallelism: false,
    testTimeout: 240_000,
    hookTimeout: 60_000,
  },
});
