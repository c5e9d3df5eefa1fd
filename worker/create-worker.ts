// Wires a Temporal worker: the setup workflows plus activities bound to the configured Exotel accounts.
import { join } from 'node:path';
import type { DataConverter } from '@temporalio/common';
import { Worker, type NativeConnection, type WorkflowBundle } from '@temporalio/worker';
import { createActivities } from '../activities';
import { ExotelAccounts, type ExotelAccountSettings } from '../exotel/accounts';

export interface SetupWorkerOptions {
  connection: NativeConnection;
  namespace: string;
  taskQueue: string;
  accounts: ExotelAccountSettings[];
  /** A prebuilt bundle, in memory (tests share one) or on disk; otherwise the workflows are bundled at start. */
  workflowBundle?: WorkflowBundle;
  workflowBundlePath?: string;
  shutdownGraceSeconds?: number;
  /** The payload codec (codec/): every client reading these setups must use the same keys. */
  dataConverter?: DataConverter;
}

/** A folder, not a resolved file, so the same line works from TypeScript sources (tsx, tests) and from dist/. */
export const workflowsPath = join(__dirname, '..', 'workflows');

export async function createSetupWorker(o: SetupWorkerOptions): Promise<Worker> {
  const accounts = new ExotelAccounts(o.accounts);
  return Worker.create({
    connection: o.connection,
    namespace: o.namespace,
    taskQueue: o.taskQueue,
    ...(o.workflowBundle
      ? { workflowBundle: o.workflowBundle }
      : o.workflowBundlePath
        ? { workflowBundle: { codePath: o.workflowBundlePath } }
        : { workflowsPath }),
    activities: createActivities({ accounts }),
    dataConverter: o.dataConverter,
    shutdownGraceTime: `${o.shutdownGraceSeconds ?? 30}s`,
  });
}
