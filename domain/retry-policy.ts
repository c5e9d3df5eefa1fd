// When an Exotel request is tried again, and how long the project waits before it does: the one place for it.
// Whether a failure may be retried at all is decided before this, by its kind (classifyExotelFailure in
// exotel/errors.ts): validation, auth, duplicate and conflict failures never are.
//
// Three paths read these numbers, so they cannot drift apart:
// - Temporal's retry policies for reads and deletes (workflows/activity-profiles.ts);
// - the workflow's own loop for creates, which are sent once per attempt so that it can look up by key between
//   attempts (workflows/create-or-adopt.ts);
// - the activity's failure, which carries a 429's Retry-After as Temporal's next retry delay
//   (activities/failures.ts).
import type { RetryPolicy } from '@temporalio/common';
import type { ExotelFailureDetails } from './failures';

interface Backoff {
  initialMs: number;
  coefficient: number;
  maximumMs: number;
}

/** Forward steps: 1 s, 2 s, 4 s … at most 30 s apart; a step gives up after 3 minutes in all. */
export const FORWARD_BACKOFF: Backoff = { initialMs: 1_000, coefficient: 2, maximumMs: 30_000 };
export const FORWARD_STEP_BUDGET_MS = 3 * 60_000;

/**
 * Compensations: deletes are idempotent (not-found counts as done), so they may retry for much longer than
 * forward steps; leaving an orphan behind costs more than waiting.
 */
export const COMPENSATION_BACKOFF: Backoff = { initialMs: 2_000, coefficient: 2, maximumMs: 120_000 };
export const COMPENSATION_BUDGET_MS = 30 * 60_000;

/** A 429's Retry-After is honoured as given, but never as "now" (a zero would spin). */
const MIN_RATE_LIMIT_WAIT_MS = 100;

/** The backoff as Temporal's retry policy (attempts unbounded: the schedule-to-close budget ends them). */
export const temporalRetryPolicy = (b: Backoff): RetryPolicy => ({
  initialInterval: b.initialMs,
  backoffCoefficient: b.coefficient,
  maximumInterval: b.maximumMs,
});

/** The wait before attempt `attempt + 1` of a request the workflow retries itself. */
export function backoffMs(attempt: number, b: Backoff = FORWARD_BACKOFF): number {
  return Math.min(b.initialMs * b.coefficient ** (attempt - 1), b.maximumMs);
}

/** A 429 waits what Exotel asked for; Temporal's retry policy takes it as the next retry delay. */
export function rateLimitWaitMs(failure: Pick<ExotelFailureDetails, 'kind' | 'retryAfterMs'>): number | undefined {
  if (failure.kind !== 'rate-limited' || failure.retryAfterMs === undefined) return undefined;
  return Math.max(failure.retryAfterMs, MIN_RATE_LIMIT_WAIT_MS);
}

/** The wait before the workflow's next attempt: Retry-After on a 429, the forward backoff otherwise. */
export function delayBeforeRetryMs(failure: ExotelFailureDetails | undefined, attempt: number): number {
  return (failure && rateLimitWaitMs(failure)) ?? backoffMs(attempt);
}
