// Drift scans from outside: one now, or on a Schedule per account (created, changed, paused, deleted here or in the
// UI). The scan itself is workflows/drift-scan.ts.
import { ScheduleNotFoundError, type Client } from '@temporalio/client';
import type { Duration } from '@temporalio/common';
import type { DriftReport } from '../domain/drift-report';
import type { RepairKind } from '../domain/line';
import { InputValidationError, type ValidationIssue } from '../domain/issues';
import { driftScanWorkflowId, driftScheduleId } from '../domain/naming';
import { priorityFor } from '../domain/priority';
import { durationMs, rules } from '../domain/rules';
import type { driftScan } from '../workflows/drift-scan';
import { driftScanSummary } from '../domain/workflow-summaries';

export interface DriftScanRequest {
  exotelAccountSid: string;
  share?: number;
  requestsPerMinute?: number;
  /** Kinds each line repairs by itself: missing, changed, extra (default none: report only). */
  repair?: RepairKind[];
}

/** Checked before anything starts: the account, the share (0 < share ≤ 1), the budget. */
export function checkDriftScanRequest(r: DriftScanRequest): DriftScanRequest {
  const issues: ValidationIssue[] = [];
  const account = typeof r.exotelAccountSid === 'string' ? r.exotelAccountSid.trim() : '';
  const broken = rules.accountSid(account);
  if (broken) issues.push({ field: 'exotelAccountSid', value: String(r.exotelAccountSid), rule: broken });
  if (r.share !== undefined && !(typeof r.share === 'number' && r.share > 0 && r.share <= 1)) {
    issues.push({ field: 'share', value: String(r.share), rule: 'must be a fraction of the budget, more than 0 and at most 1 (0.2 is a fifth)' });
  }
  if (r.requestsPerMinute !== undefined && !(Number.isInteger(r.requestsPerMinute) && r.requestsPerMinute >= 1)) {
    issues.push({ field: 'requestsPerMinute', value: String(r.requestsPerMinute), rule: 'must be a whole number of requests a minute, at least 1' });
  }
  if (r.repair !== undefined && !(Array.isArray(r.repair) && r.repair.every((k) => ['missing', 'changed', 'extra'].includes(k)))) {
    issues.push({ field: 'repair', value: JSON.stringify(r.repair), rule: 'must list kinds among missing, changed, extra (extra removes what nobody recorded)' });
  }
  if (issues.length) throw new InputValidationError(issues);
  return { ...r, exotelAccountSid: account, ...(r.repair ? { repair: [...new Set(r.repair)] } : {}) };
}

export async function startDriftScan(client: Client, request: DriftScanRequest, { taskQueue }: { taskQueue: string }) {
  const input = checkDriftScanRequest(request);
  return client.workflow.start<typeof driftScan>('driftScan', {
    workflowId: driftScanWorkflowId(input.exotelAccountSid, new Date()),
    taskQueue,
    args: [input],
    priority: priorityFor('drift'),
    ...driftScanSummary(input),
  });
}

export async function runDriftScan(client: Client, request: DriftScanRequest, options: { taskQueue: string }): Promise<DriftReport> {
  return (await startDriftScan(client, request, options)).result();
}

export interface DriftScheduleRequest extends DriftScanRequest {
  /** How often: a duration such as '1h' or '30m' (at least a minute). */
  every: string;
  paused?: boolean;
}

/** Creates the account's Schedule, or updates it (interval, share, pause) when it exists. */
export async function upsertDriftSchedule(client: Client, request: DriftScheduleRequest, { taskQueue }: { taskQueue: string }): Promise<{ scheduleId: string; created: boolean }> {
  const input = checkDriftScanRequest(request);
  const every = request.every.trim() as Duration;
  const ms = durationMs(every);
  if (ms === null || ms < 60_000) throw new InputValidationError([{ field: 'every', value: request.every, rule: "must be a duration of at least a minute, such as '1h' or '30m'" }]);
  const scheduleId = driftScheduleId(input.exotelAccountSid);
  const { every: _every, paused, ...scan } = { ...request, ...input };
  const action = { type: 'startWorkflow' as const, workflowType: 'driftScan', args: [scan], taskQueue, workflowId: scheduleId, ...driftScanSummary(scan) };
  const handle = client.schedule.getHandle(scheduleId);
  try {
    await handle.update((previous) => ({ ...previous, spec: { intervals: [{ every }] }, action, state: { ...previous.state, paused: paused ?? previous.state.paused } }));
    return { scheduleId, created: false };
  } catch (err) {
    if (!(err instanceof ScheduleNotFoundError)) throw err;
  }
  await client.schedule.create({
    scheduleId,
    spec: { intervals: [{ every }] },
    action,
    // A scan still running when the next is due: skip that one, never two at once.
    policies: { overlap: 'SKIP' },
    state: { paused: paused ?? false, note: 'drift scans of the account (trunkctl drift schedule)' },
  });
  return { scheduleId, created: true };
}

export async function deleteDriftSchedule(client: Client, exotelAccountSid: string): Promise<boolean> {
  try {
    await client.schedule.getHandle(driftScheduleId(checkDriftScanRequest({ exotelAccountSid }).exotelAccountSid)).delete();
    return true;
  } catch (err) {
    if (err instanceof ScheduleNotFoundError) return false;
    throw err;
  }
}
