// What every benchmark runs on: a fresh Temporal dev server, a simulator with one account whose budget the workers
// keep, a prebuilt workflow bundle and N worker processes; all of it stopped afterwards, whatever happened.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client, Connection } from '@temporalio/client';
import type { ExotelAccountSettings } from '../../exotel/accounts';
import { SimulatorAdmin, startSimulator, type SimulatorAccount } from '../../simulator';
import { buildWorkflowBundle } from '../build-workflow-bundle';
import { WorkerProcess } from '../chaos/worker-process';
import { startDevServer } from '../dev-server';

export interface BenchStack {
  dir: string;
  client: Client;
  admin: SimulatorAdmin;
  taskQueue: string;
  workers: WorkerProcess[];
  /** What the workers were configured with (its budget is the simulator's ceiling times `budgetShare`). */
  account: ExotelAccountSettings;
}

export async function withBenchStack<T>(
  o: { account: SimulatorAccount; workers: number; limit: number; windowMs: number; budgetShare?: number; taskQueue: string },
  body: (stack: BenchStack) => Promise<T>,
): Promise<T> {
  const dir = mkdtempSync(join(tmpdir(), `bench-${o.taskQueue}-`));
  const server = await startDevServer({ uiPort: false });
  const simulator = await startSimulator({ accounts: [o.account], rateLimit: { limit: o.limit, windowMs: o.windowMs } });
  const workers: WorkerProcess[] = [];
  const connection = await Connection.connect({ address: server.address });
  try {
    const account: ExotelAccountSettings = {
      accountSid: o.account.sid,
      apiKey: o.account.apiKey,
      apiToken: o.account.apiToken,
      subdomain: 'api.in.exotel.com',
      baseUrl: simulator.url,
      requestBudget: { requests: Math.floor(o.limit * (o.budgetShare ?? 1)), perSeconds: o.windowMs / 1000 },
    };
    const bundle = await buildWorkflowBundle(join(dir, 'bundle.js'), { quiet: true });
    for (let i = 0; i < o.workers; i++) {
      const w = new WorkerProcess({ temporalAddress: server.address, namespace: server.namespace, taskQueue: o.taskQueue, accounts: [account], workflowBundlePath: bundle });
      w.start();
      workers.push(w);
    }
    const client = new Client({ connection, namespace: server.namespace });
    return await body({ dir, client, admin: new SimulatorAdmin(simulator.url), taskQueue: o.taskQueue, workers, account });
  } finally {
    for (const w of workers) await w.stop();
    await connection.close();
    await simulator.close();
    await server.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}
