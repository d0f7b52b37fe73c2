import { createRequire } from 'node:module';
import { defineConfig } from 'vitest/config';

const require = createRequire(import.meta.url);

/**
 * The browser tests: the built console in Debian's Chromium (through playwright-core), against the
 * real server on a fresh database. `npm run test:browser`; not part of `npm test`.
 */
export default defineConfig({
  root: new URL('../..', import.meta.url).pathname,
  resolve: {
    // As in the root config: one copy of graphql (the CommonJS one Node loads).
    alias: [{ find: /^graphql$/, replacement: require.resolve('graphql') }],
  },
  test: {
    include: ['tests/console/**/*.test.ts'],
    globalSetup: ['tests/console/support/global-setup.ts'],
    pool: 'forks',
    // One browser at a time: two cores, and Chromium is the heavy part.
    fileParallelism: false,
    reporters: ['default', ['./tests/support/summary-reporter.ts', { label: 'Browser' }]],
    testTimeout: 60_000,
    hookTimeout: 120_000,
  },
});
