import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Temporal's native core-bridge is not safe under worker threads.
    pool: 'forks',
    // One file at a time: every file's worker polls the same account queues (exotel-acme_in …) on the shared dev
    // server, so two files at once could take each other's Exotel requests to the wrong simulator.
    fileParallelism: false,
    testTimeout: 60_000,
    hookTimeout: 120_000,
    globalSetup: ['test/global-setup.ts'],
  },
});
