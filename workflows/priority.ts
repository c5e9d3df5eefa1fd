// A person deciding about a setup (retry, roll back) makes what follows their work, whatever the setup began as:
// a batch's setup that an operator retries must not wait behind the rest of the batch. The steps run after a
// decision run inside this scope, and the proxies (activity-profiles.ts) give their requests its priority.
import type { Priority } from '@temporalio/common';
import { AsyncLocalStorage } from '@temporalio/workflow';
import { priorityFor, type WorkKind } from '../domain/priority';

const override = new AsyncLocalStorage<Priority>();

/** Runs `body` with its activities at interactive priority. */
export function asInteractive<T>(body: () => Promise<T>): Promise<T> {
  return withPriority('interactive', body);
}

/** Runs `body` with its activities at the priority of `kind`, whatever the workflow was started with. */
export function withPriority<T>(kind: WorkKind, body: () => Promise<T>): Promise<T> {
  return override.run(priorityFor(kind), body);
}

/** The priority activities scheduled now should carry; undefined means the workflow's own (inherited). */
export const priorityOverride = (): Priority | undefined => override.getStore();
