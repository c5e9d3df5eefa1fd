import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Temporal's native core-bridge is not safe under worker threads.
    pool: 'forks',
    // Two files at a time, each test worker in a namespace of its own (test/global-setup.ts). Against a server you
    // run yourself (TEMPORAL_ADDRESS) there is one namespace, so one file at a time: every file's worker polls the
    // same account queues (exotel-acme_in …) and two at once could take each other's Exotel requests.
    maxWorkers: 2,
    fileParallelism: !process.env.TEMPORAL_ADDRESS,
    testTimeout: 60_000,
    hookTimeout: 120_000,
    globalSetup: ['test/global-setup.ts'],
  },
});
