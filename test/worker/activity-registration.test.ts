// An Exotel request runs on its account's rate-limited queue and nowhere else: lint keeps workflows from naming
// the Exotel activities outside workflows/activity-profiles.ts, and the worker registers them only on the
// account's queue, so even a workflow that bypasses lint cannot send one past the account's budget.
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ActivityFailure, ApplicationFailure, WorkflowFailedError } from '@temporalio/client';
import { bundleWorkflowCode, NativeConnection, Worker } from '@temporalio/worker';
import { ESLint } from 'eslint';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { exotelTaskQueue } from '../../domain/task-queue';
import { silentLogger } from '../../worker/workflow-bundle';
import { startHarness, type Harness } from '../support/setup-harness';
import { temporalAddress, temporalNamespace, uniqueTaskQueue, uniqueWorkflowId } from '../support/temporal';

const ROOT = join(__dirname, '..', '..');

describe('lint', () => {
  it('refuses a workflow that names the Exotel activities outside activity-profiles.ts', { timeout: 60_000 }, async () => {
    const probe = join(ROOT, 'workflows', `lint-probe-${process.pid}.ts`);
    writeFileSync(
      probe,
      [
        "import { proxyActivities } from '@temporalio/workflow';",
        "import type { ExotelActivities } from '../activities/exotel-requests';",
        "export const exotel = proxyActivities<ExotelActivities>({ startToCloseTimeout: '20s' });",
        '',
      ].join('\n'),
    );
    try {
      const [result] = await new ESLint({ cwd: ROOT }).lintFiles([probe]);
      expect(result?.messages.map((m) => [m.ruleId, m.message])).toEqual([
        [
          '@typescript-eslint/no-restricted-imports',
          expect.stringContaining("Exotel requests must run on the account's own queue") as string,
        ],
      ]);
    } finally {
      rmSync(probe, { force: true });
    }
  });
});

describe('the worker', () => {
  let h: Harness;
  let connection: NativeConnection;
  let worker: Worker;
  let running: Promise<void>;
  const queue = uniqueTaskQueue('misrouted');
  beforeAll(async () => {
    h = await startHarness();
    connection = await NativeConnection.connect({ address: temporalAddress() });
    const workflowBundle = await bundleWorkflowCode({ workflowsPath: join(__dirname, 'fixtures', 'misrouted-requests.ts'), logger: silentLogger });
    worker = await Worker.create({ connection, namespace: temporalNamespace(), taskQueue: queue, workflowBundle });
    running = worker.run();
  });
  afterAll(async () => {
    worker.shutdown();
    await running;
    await connection.close();
    await h.stop();
  });
  beforeEach(() => h.mark());

  async function failureOf(workflowType: string, args: unknown): Promise<ApplicationFailure> {
    const handle = await h.client.workflow.start(workflowType, { taskQueue: queue, workflowId: uniqueWorkflowId(workflowType), args: [args] });
    const err = await handle.result().then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(WorkflowFailedError);
    const activity = (err as WorkflowFailedError).cause;
    expect(activity).toBeInstanceOf(ActivityFailure);
    return (activity as ActivityFailure).cause as ApplicationFailure;
  }

  it('refuses an Exotel request on the main queue, and nothing reaches Exotel', async () => {
    const failure = await failureOf('exotelRequestOnMainQueue', { mainQueue: h.taskQueue, accountSid: h.exotelAccount.accountSid });
    expect(failure.message).toMatch(/createTrunk is not registered/);
    expect(await h.requestsSinceMark()).toEqual([]);
  });

  it("keeps the account's queue for Exotel requests only", async () => {
    const accountSid = h.exotelAccount.accountSid;
    const failure = await failureOf('localWorkOnAccountQueue', { accountQueue: exotelTaskQueue(accountSid), accountSid });
    expect(failure.message).toMatch(/describeAccount is not registered/);
  });
});
