// A batch survives its worker being killed: the worker runs in its own process, is SIGKILLed mid-batch, a new
// one starts, and every customer ends up set up exactly once.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { batchProgress, startBatch } from '../../client/batches';
import { trunkNameFor } from '../../domain/naming';
import { buildWorkflowBundle } from '../../scripts/build-workflow-bundle';
import { WorkerProcess } from '../../scripts/chaos/worker-process';
import { startTestSimulator, type TestSimulator } from '../support/simulator';
import { closeClient, connectClient, temporalAddress, temporalNamespace, uniqueTaskQueue } from '../support/temporal';
import type { Client } from '@temporalio/client';

let sim: TestSimulator;
let client: Client;
let worker: WorkerProcess;
let dir: string;
const taskQueue = uniqueTaskQueue('batch-resume');

beforeAll(async () => {
  sim = await startTestSimulator();
  client = await connectClient();
  dir = mkdtempSync(join(tmpdir(), 'batch-resume-'));
  const bundle = await buildWorkflowBundle(join(dir, 'bundle.js'), { quiet: true });
  worker = new WorkerProcess({ temporalAddress: temporalAddress(), namespace: temporalNamespace(), taskQueue, accounts: [sim.account()], workflowBundlePath: bundle });
  worker.start();
}, 120_000);
afterAll(async () => {
  await worker.stop();
  await closeClient(client);
  await sim.close();
});

describe('batch resume', () => {
  it('finishes after a worker SIGKILL mid-batch, with every customer set up once', { timeout: 240_000 }, async () => {
    // Slow creates keep requests in flight when the worker dies.
    await sim.admin.addFault({ method: 'POST', path: '/credentials$', kind: 'latency', latencyMs: 400, count: 0 });
    const account = sim.account().accountSid;
    const run = Date.now().toString(36);
    const customers = Array.from({ length: 10 }, (_, i) => `resume-${run}-${i}`);
    const file = join(dir, 'resume.csv');
    writeFileSync(file, ['direction,customerId,exotelAccountSid,did', ...customers.map((c, i) => `outbound,${c},${account},+91987730000${i}`)].join('\n') + '\n');

    const handle = await startBatch(client, file, { taskQueue, window: 3 });
    for (;;) {
      const progress = await batchProgress(handle).catch(() => undefined);
      if (progress && progress.done >= 2) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    await worker.kill();
    worker.start();

    const report = await handle.result();
    expect(worker.kills).toBe(1);
    expect(report.counts).toEqual({ succeeded: 10, failed: 0, skipped: 0, duplicates: 0, invalid: 0 });
    const trunks = (await sim.admin.state()).accounts[account]?.trunks ?? [];
    for (const c of customers) {
      const named = trunks.filter((t) => t.trunk_name === trunkNameFor(c, 'outbound'));
      expect(named).toHaveLength(1);
      expect(named[0]?.credentials).toHaveLength(1);
      expect(named[0]?.phone_numbers).toHaveLength(1);
    }
    expect((await sim.admin.state()).accounts[account]?.orphan_credentials).toEqual([]);
  });
});
