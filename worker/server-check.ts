// What the worker tells people about the Temporal server it connected to, before it polls. Priorities are how a
// signup goes ahead of a batch on an account's budget; a server that predates them still runs everything, first
// come, first served, and the operator should know that.
import type { NativeConnection } from '@temporalio/worker';

/**
 * Task-queue priority needs the server's priority-enabled task matcher, `matching.useNewMatcher`: on by default from
 * server 1.31.0 (temporalio/temporal#9595). On 1.28 it is off unless dynamic config sets matching.useNewMatcher=true;
 * on 1.29 and 1.30 unless it sets that or matching.enableFairness=true (new in 1.29.0, implies it). No API says
 * whether it does, and matching.useNewMatcher=false turns it off on any version, unreported too; so below 1.31.0 the
 * worker warns, naming the keys. Fairness between batches also needs matching.enableFairness=true (self-hosted) or
 * the namespace setting (Cloud): docs/deploy.md. (Read in common/dynamicconfig/constants.go at each release tag.)
 */
const FIRST_WITH_PRIORITIES = [1, 31, 0];
/** Below 1.31.0, the dynamic-config keys that turn priorities on, by the first version that has each. */
const PRIORITY_KEYS: [since: number[], key: string][] = [
  [[1, 29, 0], 'matching.enableFairness=true'],
  [[1, 28, 0], 'matching.useNewMatcher=true'],
];

export async function priorityWarning(connection: NativeConnection): Promise<string | undefined> {
  try {
    return priorityWarningFor((await connection.workflowService.getSystemInfo({})).serverVersion ?? '');
  } catch {
    // A server too old to answer is too old for priorities too, but the connection check will have said more.
    return undefined;
  }
}

/** The warning for a server version, or undefined when it orders tasks by priority by default (or says no version). */
export function priorityWarningFor(version: string): string | undefined {
  const parts = /^v?(\d+)\.(\d+)\.(\d+)/.exec(version)?.slice(1).map(Number);
  if (!parts || compare(parts, FIRST_WITH_PRIORITIES) >= 0) return undefined;
  const firstComeFirstServed =
    "signups, operators' retries and batches share each account's budget first come, first served (a signup may wait behind a batch)";
  const keys = PRIORITY_KEYS.filter(([since]) => compare(parts, since) >= 0).map(([, key]) => key);
  if (keys.length === 0) {
    return `Temporal server ${version} predates task-queue priorities: ${firstComeFirstServed}. Upgrade to 1.31.0 or later (docs/deploy.md).`;
  }
  return (
    `Temporal server ${version} orders tasks by priority only if its dynamic config sets ${keys.join(' or ')} ` +
    `(priorities are on by default from 1.31.0); without that, ${firstComeFirstServed}. ` +
    `Set ${keys.length > 1 ? 'one of them' : 'it'}, or upgrade to 1.31.0 or later (docs/deploy.md).`
  );
}

function compare(a: number[], b: number[]): number {
  for (let i = 0; i < b.length; i++) if ((a[i] ?? 0) !== (b[i] ?? 0)) return (a[i] ?? 0) - (b[i] ?? 0);
  return 0;
}
