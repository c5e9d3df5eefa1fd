// vitest globalSetup: one Temporal server for the whole run, shared by all test files through `inject`.
// TEMPORAL_ADDRESS (+ optional TEMPORAL_NAMESPACE) reuses a server you already run, e.g. scripts/dev-server.ts.
// resolution-mode: this file is CommonJS to tsc, vitest/node is ESM-only (type import, erased at runtime).
import type { TestProject } from 'vitest/node' with { 'resolution-mode': 'import' };
import { startDevServer, waitForTemporal } from '../scripts/dev-server';

declare module 'vitest' {
  export interface ProvidedContext {
    temporalAddress: string;
    temporalNamespace: string;
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
    project.provide('temporalNamespace', namespace);
    return undefined;
  }

  const server = await startDevServer({ uiPort: false });
  project.provide('temporalAddress', server.address);
  project.provide('temporalNamespace', server.namespace);
  return () => server.stop();
}
