import { createRequire } from 'node:module';
import { defineConfig } from 'vitest/config';

const require = createRequire(import.meta.url);

export default defineConfig({
  resolve: {
    // graphql 16 ships CommonJS ("main") and ESM ("module") builds without an exports map: Node
    // (and so type-graphql and Apollo) loads the CommonJS one, Vite would pick the ESM one, and two
    // copies of graphql cannot share a schema. Point Vite at the one Node loads.
    alias: [{ find: /^graphql$/, replacement: require.resolve('graphql') }],
  },
  test: {
    include: ['tests/**/*.test.ts'],
    exclude: ['tests/console/**', 'node_modules/**'],
    pool: 'forks',
    reporters: ['default', './tests/support/summary-reporter.ts'],
    // Generous: spawned servers and cold starts of the embedded database share two cores.
    testTimeout: 90_000,
    hookTimeout: 60_000,
  },
});
