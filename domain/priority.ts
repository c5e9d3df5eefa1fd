// Who goes first on an account's budget. Every Exotel request of an account shares one rate-limited task queue
// (200 requests a minute); Temporal's task-queue priority reorders what waits there, never adds to it. Lower keys go
// first; within a key, fairness keys share the dispatch by weight (a batch each, so two batches split the budget).
// Activities and child workflows inherit the priority of the workflow that schedules them.
import type { Priority } from '@temporalio/common';

/** Highest first. Key 3, Temporal's default, is left for work that says nothing. */
export const PRIORITY_KEYS = {
  /** Signup events, trunkctl starts, and whatever follows a person's decision (retry, rollback). */
  interactive: 1,
  /** Day-two operations on a customer that is set up. */
  lifecycle: 2,
  /** Batch migrations. */
  batch: 4,
  /** Drift scans. */
  drift: 5,
} as const;

export type WorkKind = keyof typeof PRIORITY_KEYS;

/** Fairness keys are at most 64 bytes (Temporal's limit); weights are clamped by the server to [0.001, 1000]. */
export const MAX_FAIRNESS_KEY_BYTES = 64;

export function priorityFor(kind: WorkKind, fairness?: { key: string; weight?: number }): Priority {
  return {
    priorityKey: PRIORITY_KEYS[kind],
    ...(fairness ? { fairnessKey: fairness.key, ...(fairness.weight !== undefined ? { fairnessWeight: fairness.weight } : {}) } : {}),
  };
}
