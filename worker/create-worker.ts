// Wires the workers of one process: the workflows with the local and batch-file activities on the main task queue,
// one worker per Exotel account on that account's queue, rate-limited by the Temporal server to the account's
// request budget, holding the Exotel requests and nothing else (so an Exotel request runs nowhere but on its
// account's queue), and one per voice-AI platform with configured accounts, holding that platform's requests.
import type { DataConverter } from '@temporalio/common';
import { Runtime, Worker, type NativeConnection, type State, type WorkerOptions, type WorkflowBundle } from '@temporalio/worker';
import { createBatchFileActivities } from '../activities/batch-files';
import { createExotelActivities } from '../activities/exotel-requests';
import { activityInterceptors, type ActivityObservers } from '../activities/interceptor';
import { createLineDirectoryActivities } from '../activities/line-directory';
import { createLocalActivities } from '../activities/local';
import { createVoiceAiActivities } from '../activities/voice-ai-requests';
import { PlatformAccounts, type PlatformAccountSettings } from '../voice-ai/accounts';
import type { ProbeOptions } from '../sip/options-probe';
import type { Client } from '@temporalio/client';
import type { ExotelClientOptions } from '../exotel/client';
import type { DriftScanSummary } from '../platform/metrics';
import { FAILURE_CONVERTER_PATH } from '../codec/data-converter';
import { DEFAULT_SHUTDOWN_GRACE_SECONDS } from './config';
import { bundleWorkflows } from './workflow-bundle';
import { exotelTaskQueue, voiceAiTaskQueue } from '../domain/task-queue';
import { EXOTEL_REQUEST_BUDGET, ExotelAccounts, type ExotelAccountSettings, type RequestBudget } from '../exotel/accounts';

export interface SetupWorkerOptions {
  connection: NativeConnection;
  namespace: string;
  taskQueue: string;
  accounts: ExotelAccountSettings[];
  /** Voice-AI platform accounts whose side setups configure by API (voice-ai/accounts.ts); none: every setup is manual. */
  platformAccounts?: PlatformAccountSettings[];
  /** How inbound destinations are probed (tests give a resolver for their made-up hosts). */
  probe?: ProbeOptions;
  /** A prebuilt bundle, in memory (tests share one) or on disk; otherwise the workflows are bundled at start. */
  workflowBundle?: WorkflowBundle;
  workflowBundlePath?: string;
  shutdownGraceSeconds?: number;
  /** The payload codec (codec/): every client reading these setups must use the same keys. */
  dataConverter?: DataConverter;
  /** Observers for metrics: every Exotel request, every delete. */
  onExotelRequest?: ExotelClientOptions['onRequest'];
  onDelete?: ActivityObservers['onDelete'];
  /** Told of each finished drift scan, for metrics. */
  onDriftScan?: (summary: DriftScanSummary) => void;
  /** A client on the same namespace (and codec), for the drift scan to read the lines' records. */
  client?: Client;
}

/**
 * The server-side rate for an account's queue. Temporal's task-queue limiter lets a burst through when its bucket
 * is full (about a second's worth, a little more with fairness on: 1,001 in 60 s measured at a 1 s margin), so the
 * rate leaves two seconds of margin: at most `requests` in any `perSeconds` window even after a burst (200 per 60 s
 * → 3.23/s, 97% of the ceiling).
 */
export function exotelQueueRate(budget: RequestBudget = EXOTEL_REQUEST_BUDGET): number {
  return budget.requests / (budget.perSeconds + 2);
}

/** The workers of one process, run and stopped together. */
export class SetupWorker {
  constructor(readonly workers: Worker[]) {}

  /** Resolves when every worker has stopped; if one fails, the others are shut down too. */
  async run(): Promise<void> {
    const runs = this.workers.map((w) =>
      w.run().catch((err: unknown) => {
        this.shutdown();
        throw err;
      }),
    );
    await Promise.all(runs);
  }

  /** The setup workflows' worker speaks for the process: all of them start and stop together. */
  getState(): State {
    return this.workers[0]?.getState() ?? 'STOPPED';
  }

  shutdown(): void {
    for (const w of this.workers) {
      if (w.getState() === 'RUNNING') w.shutdown();
    }
  }
}

export async function createSetupWorker(o: SetupWorkerOptions): Promise<SetupWorker> {
  const accounts = new ExotelAccounts(o.accounts, { onRequest: o.onExotelRequest });
  const common: Pick<WorkerOptions, 'connection' | 'namespace' | 'dataConverter' | 'interceptors' | 'shutdownGraceTime'> = {
    connection: o.connection,
    namespace: o.namespace,
    // The bundle writes failures through the failure converter; activities' failures go the same way.
    dataConverter: { ...o.dataConverter, failureConverterPath: FAILURE_CONVERTER_PATH },
    interceptors: { activity: [activityInterceptors({ onDelete: o.onDelete })] },
    shutdownGraceTime: `${o.shutdownGraceSeconds ?? DEFAULT_SHUTDOWN_GRACE_SECONDS}s`,
  };
  const exotelActivities = createExotelActivities({ accounts });
  const platforms = new PlatformAccounts(o.platformAccounts);
  const created: Worker[] = [];
  try {
    created.push(
      await Worker.create({
        ...common,
        taskQueue: o.taskQueue,
        activities: { ...createLocalActivities({ accounts, platforms, ...(o.probe ? { probe: o.probe } : {}), onDriftScan: o.onDriftScan }), ...createBatchFileActivities(), ...createLineDirectoryActivities({ client: o.client }) },
        ...(o.workflowBundle
          ? { workflowBundle: o.workflowBundle }
          : o.workflowBundlePath
            ? { workflowBundle: { codePath: o.workflowBundlePath } }
            : // As the SDK bundles for itself: its report through the process's logger.
              { workflowBundle: await bundleWorkflows({ logger: Runtime.instance().logger }) }),
      }),
    );
    for (const account of o.accounts) {
      created.push(
        await Worker.create({
          ...common,
          taskQueue: exotelTaskQueue(account.accountSid),
          activities: exotelActivities,
          // Enforced by the server across every worker polling this queue: all of them together stay under the
          // budget. Every worker must set the same value (the last poller's wins).
          maxTaskQueueActivitiesPerSecond: exotelQueueRate(account.requestBudget),
        }),
      );
    }
    if (platforms.providers.length > 0) {
      const voiceAiActivities = createVoiceAiActivities({ platforms });
      for (const provider of platforms.providers) {
        created.push(await Worker.create({ ...common, taskQueue: voiceAiTaskQueue(provider), activities: voiceAiActivities }));
      }
    }
  } catch (err) {
    // Workers made so far hold the connection: release them, or closing it fails and hides this error.
    await Promise.allSettled(created.map((w) => w.runUntil(Promise.resolve())));
    throw err;
  }
  return new SetupWorker(created);
}
