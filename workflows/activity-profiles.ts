// Every activity a workflow calls, behind the proxy that says where it runs, how long it may take and how it is
// retried (the numbers: domain/retry-policy.ts). This is the only file in workflows/ that names the activities'
// types (lint refuses them anywhere else), so an Exotel request can only be sent through a proxy on the account's
// own task queue, whose server-side rate limit is the account's budget (worker/create-worker.ts sets it).
import { ActivityCancellationType, proxyActivities, type ActivityOptions } from '@temporalio/workflow';
import type { BatchFileActivities } from '../activities/batch-files';
import type { ExotelActivities } from '../activities/exotel-requests';
import type { LineDirectoryActivities } from '../activities/line-directory';
import type { LocalActivities } from '../activities/local';
import type { VoiceAiActivities } from '../activities/voice-ai-requests';
import type { ApiProvider } from '../domain/platform-side';
import {
  COMPENSATION_BACKOFF,
  COMPENSATION_BUDGET_MS,
  FORWARD_BACKOFF,
  FORWARD_STEP_BUDGET_MS,
  temporalRetryPolicy,
} from '../domain/retry-policy';
import { exotelTaskQueue, voiceAiTaskQueue } from '../domain/task-queue';
import { priorityOverride } from './priority';

/** The HTTP clients (Exotel's, the platforms' SDKs) give up at 15 s, so one attempt ends well within this. */
const EXOTEL_ATTEMPT_TIMEOUT = '20s';

/** Reads and other requests Temporal may simply repeat. */
const FORWARD: ActivityOptions = {
  startToCloseTimeout: EXOTEL_ATTEMPT_TIMEOUT,
  // On cancellation, wait for an in-flight request to finish so the rollback sees what it did.
  cancellationType: ActivityCancellationType.WAIT_CANCELLATION_COMPLETED,
  scheduleToCloseTimeout: FORWARD_STEP_BUDGET_MS,
  retry: temporalRetryPolicy(FORWARD_BACKOFF),
};

/**
 * Creates: one request per attempt, never repeated blindly (Exotel has no idempotency keys, and POST
 * destination-uris appends). The workflow retries them itself, looking up by key first (workflows/create-or-adopt.ts).
 */
const ONCE: ActivityOptions = {
  startToCloseTimeout: EXOTEL_ATTEMPT_TIMEOUT,
  cancellationType: ActivityCancellationType.WAIT_CANCELLATION_COMPLETED,
  retry: { maximumAttempts: 1 },
};

/** Compensations: idempotent deletes (not-found counts as done), retried far longer than forward steps. */
const COMPENSATION: ActivityOptions = {
  startToCloseTimeout: EXOTEL_ATTEMPT_TIMEOUT,
  scheduleToCloseTimeout: COMPENSATION_BUDGET_MS,
  retry: temporalRetryPolicy(COMPENSATION_BACKOFF),
};

/**
 * The Exotel requests of one account, on that account's queue, at the workflow's priority (inherited) or, after a
 * person's decision, at theirs (workflows/priority.ts).
 */
export function exotelFor(accountSid: string) {
  const priority = priorityOverride();
  const where = { taskQueue: exotelTaskQueue(accountSid), ...(priority ? { priority } : {}) };
  return {
    exotel: proxyActivities<ExotelActivities>({ ...FORWARD, ...where }),
    exotelOnce: proxyActivities<ExotelActivities>({ ...ONCE, ...where }),
    undoExotel: proxyActivities<ExotelActivities>({ ...COMPENSATION, ...where }),
  };
}

export type ExotelRequests = ReturnType<typeof exotelFor>['exotel'];

/**
 * A voice-AI platform's requests, on its own queue, with the same three profiles as Exotel's: reads repeat, creates
 * go once (the workflow retries them, looking up by name first), deletes are retried long.
 */
export function platformFor(provider: ApiProvider) {
  const priority = priorityOverride();
  const where = { taskQueue: voiceAiTaskQueue(provider), ...(priority ? { priority } : {}) };
  return {
    platform: proxyActivities<VoiceAiActivities>({ ...FORWARD, ...where }),
    platformOnce: proxyActivities<VoiceAiActivities>({ ...ONCE, ...where }),
    undoPlatform: proxyActivities<VoiceAiActivities>({ ...COMPENSATION, ...where }),
  };
}

/** Work on the worker itself (account configuration, password generation): quick, and safe to repeat. */
export const local = proxyActivities<LocalActivities>({
  startToCloseTimeout: '10s',
  retry: { maximumAttempts: 3 },
});

/** Reading a batch's page and writing its report touch only the worker's disk: quick, and safe to repeat. */
export const files = proxyActivities<BatchFileActivities>({
  startToCloseTimeout: '2m',
  retry: { initialInterval: '1s', maximumInterval: '30s', maximumAttempts: 10 },
});

/** Reading a page of lines' records from Temporal: a query each, so it heartbeats; safe to repeat. */
export const directory = proxyActivities<LineDirectoryActivities>({
  startToCloseTimeout: '5m',
  heartbeatTimeout: '1m',
  retry: { initialInterval: '1s', maximumInterval: '30s', maximumAttempts: 10 },
});
