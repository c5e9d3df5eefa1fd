// Helpers for tests that talk to the Temporal server started (or reused) by test/global-setup.ts.
import { randomUUID } from 'node:crypto';
import { Client, Connection } from '@temporalio/client';
import { inject } from 'vitest';

/** host:port of the shared test server. */
export function temporalAddress(): string {
  return inject('temporalAddress');
}

/** This test worker's namespace on the shared server (see test/global-setup.ts). */
export function temporalNamespace(): string {
  const namespaces = inject('temporalNamespaces');
  const pool = Number(process.env.VITEST_POOL_ID ?? '1');
  const namespace = namespaces[pool - 1];
  if (!namespace) throw new Error(`test worker ${pool} has no namespace: global setup made ${namespaces.length}`);
  return namespace;
}

/** A Client on the shared server; release it with closeClient() (e.g. in afterAll). */
export async function connectClient(): Promise<Client> {
  const connection = await Connection.connect({ address: temporalAddress() });
  return new Client({ connection, namespace: temporalNamespace() });
}

export async function closeClient(client: Client | undefined): Promise<void> {
  await client?.connection.close();
}

/** Task queues (and workflow ids) unique per test, so files sharing one server never steal each other's tasks. */
export function uniqueTaskQueue(prefix: string): string {
  return `${prefix}-${randomUUID()}`;
}

export function uniqueWorkflowId(prefix: string): string {
  return `${prefix}-${randomUUID()}`;
}
