import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // One in-memory DynamoDB Local for the run; each test runtime attaches under its own access key.
    globalSetup: ['test/support/global-setup.ts'],
    // Integration tests share one local runtime per worker; keep the 2-core machines unclogged.
    pool: 'forks',
    maxWorkers: 2,
    // Powertools in development mode: no EMF metrics printed into the test output.
    env: { POWERTOOLS_DEV: 'true' },
    testTimeout: 60_000,
    hookTimeout: 120_000,
  },
});
