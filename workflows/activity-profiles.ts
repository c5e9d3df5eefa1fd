// How long and how often each kind of activity may try. Whether an Exotel failure is retried at all is decided
// once, in exotel/errors.ts (classifyExotelFailure): validation, auth and conflict failures arrive non-retryable,
// and a 429 arrives with its Retry-After as the next retry delay.
import { ActivityCancellationType, proxyActivities } from '@temporalio/workflow';
import type { Activities } from '../activities';
import { exotelTaskQueue } from '../domain/task-queue';

/**
 * The Exotel request profiles of one account. They run on the account's own task queue, whose server-side rate
 * limit is the account's request budget: however many setups and workers there are, their requests to one account
 * stay under Exotel's ceiling (worker/create-worker.ts sets the limit).
 */
export function exotelFor(accountSid: string) {
  const taskQueue = exotelTaskQueue(accountSid);
  return {
    exotel: proxyActivities<Activities>({ ...FORWARD, taskQueue }),
    exotelOnce: proxyActivities<Activities>({ ...ONCE, taskQueue }),
    undoExotel: proxyActivities<Activities>({ ...COMPENSATION, taskQueue }),
  };
}

export type ExotelRequests = ReturnType<typeof exotelFor>['exotel'];

/**
 * Forward steps: one Exotel request per attempt. The HTTP client times out at 15 s; transient failures back off
 * 1 s, 2 s, 4 s … up to 30 s between attempts, and a step gives up after 3 minutes in all.
 */
const FORWARD = {
  startToCloseTimeout: '20s',
  // On cancellation, wait for an in-flight request to finish so the rollback sees what it did.
  cancellationType: ActivityCancellationType.WAIT_CANCELLATION_COMPLETED,
  scheduleToCloseTimeout: '3m',
  retry: { initialInterval: '1s', backoffCoefficient: 2, maximumInterval: '30s' },
} as const;

/**
 * Requests that must not be repeated blindly (POST destination-uris appends): the workflow re-reads the trunk
 * before each new try instead.
 */
const ONCE = {
  startToCloseTimeout: '20s',
  cancellationType: ActivityCancellationType.WAIT_CANCELLATION_COMPLETED,
  retry: { maximumAttempts: 1 },
} as const;

/**
 * Compensations: deletes are idempotent (not-found counts as done), so they may retry for much longer than
 * forward steps; leaving an orphan behind costs more than waiting.
 */
const COMPENSATION = {
  startToCloseTimeout: '20s',
  scheduleToCloseTimeout: '30m',
  retry: { initialInterval: '2s', backoffCoefficient: 2, maximumInterval: '2m' },
} as const;

/** Work on the worker itself (configuration, password generation): no Exotel request. */
export const local = proxyActivities<Activities>({
  startToCloseTimeout: '10s',
  retry: { maximumAttempts: 3 },
});
