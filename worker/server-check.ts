// What the worker tells people about the Temporal server it connected to, before it polls. Priorities are how a
// signup goes ahead of a batch on an account's budget; a server that predates them still runs everything, first
// come, first served, and the operator should know that.
import type { NativeConnection } from '@temporalio/worker';

/**
 * Task-queue priority is on by default from server 1.29 (Temporal's 2025 releases; the exact first version is not
 * verified, and it can be switched off with matching.useNewMatcher=false, which no API reports). Fairness between
 * batches also needs matching.enableFairness=true (self-hosted) or the namespace setting (Cloud): docs/deploy.md.
 */
const FIRST_WITH_PRIORITIES = [1, 29, 0];

export async function priorityWarning(connection: NativeConnection): Promise<string | undefined> {
  try {
    return priorityWarningFor((await connection.workflowService.getSystemInfo({})).serverVersion ?? '');
  } catch {
    // A server too old to answer is too old for priorities too, but the connection check will have said more.
    return undefined;
  }
}

/** The warning for a server version, or undefined when it orders tasks by priority (or says no version). */
export function priorityWarningFor(version: string): string | undefined {
  const parts = /^v?(\d+)\.(\d+)\.(\d+)/.exec(version)?.slice(1).map(Number);
  if (!parts || compare(parts, FIRST_WITH_PRIORITIES) >= 0) return undefined;
  return (
    `Temporal server ${version} predates task-queue priorities: signups, operators' retries and batches share each ` +
    "account's budget first come, first served (a signup may wait behind a batch). Upgrade to 1.29 or later (docs/deploy.md)."
  );
}

function compare(a: number[], b: number[]): number {
  for (let i = 0; i < b.length; i++) if ((a[i] ?? 0) !== (b[i] ?? 0)) return (a[i] ?? 0) - (b[i] ?? 0);
  return 0;
}
