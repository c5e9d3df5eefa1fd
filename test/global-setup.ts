// vitest globalSetup: one Temporal server for the whole run, shared by all test files through `inject`.
// TEMPORAL_ADDRESS (+ optional TEMPORAL_NAMESPACE) reuses a server you already run, e.g. scripts/dev-server.ts.
// resolution-mode: this file is CommonJS to tsc, vitest/node is ESM-only (type import, erased at runtime).
import type { TestProject } from 'vitest/node' with { 'resolution-mode': 'import' };
import { startDevServer, waitForTemporal } from '../scripts/dev-server';

declare module 'vitest' {
  export interface ProvidedContext {
    temporalAddress: string;
    /** One namespace per test worker (VITEST_POOL_ID), so files that run at once never share a task queue. */
    temporalNamespaces: string[];
  }
}

// An external server is already up: only confirm it answers and has the project's search attributes.
const EXTERNAL_SERVER_TIMEOUT_MS = 15_000;

export default async function setup(project: TestProject): Promise<(() => Promise<void>) | undefined> {
  const external = process.env.TEMPORAL_ADDRESS;
  if (external) {
    const namespace = process.env.TEMPORAL_NAMESPACE || 'default';
    await waitForTemporal({ address: external, namespace, timeoutMs: EXTERNAL_SERVER_TIMEOUT_MS }).catch(
      (err: unknown) => {
        throw new Error(
          `TEMPORAL_ADDRESS=${external}: ${err instanceof Error ? err.message : String(err)}. ` +
            'Start it with `npx tsx scripts/dev-server.ts` (registers the search attributes) or unset TEMPORAL_ADDRESS.',
        );
      },
    );
    project.provide('temporalAddress', external);
    // One namespace for all: vitest.config runs files one at a time against an external server.
    project.provide('temporalNamespaces', [namespace]);
    return undefined;
  }

  // Every file's worker polls the account queues (exotel-acme_in …): a namespace per test worker keeps two files
  // that run at once from taking each other's Exotel requests to the wrong simulator. The dev server registers the
  // search attributes in each.
  const namespaces = Array.from({ length: project.config.maxWorkers }, (_, i) => `test-pool-${i + 1}`);
  const server = await startDevServer({ uiPort: false, namespace: namespaces[0], extraArgs: namespaces.slice(1).flatMap((n) => ['--namespace', n]) });
  project.provide('temporalAddress', server.address);
  project.provide('temporalNamespaces', namespaces);
  return () => server.stop();
}
