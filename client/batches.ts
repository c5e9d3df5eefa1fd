// Starting, watching and steering batch migrations.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { basename, resolve } from 'node:path';
import type { Duration } from '@temporalio/common';
import { WorkflowIdConflictPolicy, type Client, type WorkflowHandle, type WorkflowHandleWithFirstExecutionRunId } from '@temporalio/client';
import { IssueCollector } from '../domain/issues';
import { priorityFor } from '../domain/priority';
import { durationMs } from '../domain/rules';
import { batchWorkflowId, type BatchMigrationInput, type BatchProgress } from '../domain/batch';
import { batchProgressQuery, pauseSignal, resumeSignal } from '../workflows/batch-messages';
import type { batchMigration } from '../workflows/batch-migration';
import { batchSummary } from '../domain/workflow-summaries';

/** A batch is named by its file and content: the same file again is the same batch (it attaches, or re-runs). */
export function batchIdFor(file: string): string {
  const digest = createHash('sha256').update(readFileSync(file)).digest('hex').slice(0, 12);
  const name = basename(file).replace(/\.[^.]*$/, '').replace(/[^A-Za-z0-9_-]/g, '_').slice(0, 40);
  return `${name}-${digest}`;
}

export interface BatchOptions {
  taskQueue: string;
  window?: number;
  pageSize?: number;
  rowsPerRun?: number;
  opsDecisionTimeout?: Duration;
  reportDir?: string;
  /**
   * This batch's share of an account's budget against other batches on it (they split it by weight; default 1).
   * Setups from signups and operators go first whatever the weight.
   */
  weight?: number;
}

/** Temporal clamps fairness weights to this range; outside it a weight would silently mean something else. */
const MIN_WEIGHT = 0.001;
const MAX_WEIGHT = 1000;

/** Throws InputValidationError naming each option that breaks its rule, before anything starts. */
function checkBatchOptions(o: BatchOptions): void {
  const c = new IssueCollector();
  for (const field of ['window', 'pageSize', 'rowsPerRun'] as const) {
    const value = o[field];
    if (value !== undefined && !(Number.isInteger(value) && value >= 1)) c.add(field, value, 'must be a whole number ≥ 1');
  }
  if (o.weight !== undefined && !(typeof o.weight === 'number' && o.weight >= MIN_WEIGHT && o.weight <= MAX_WEIGHT)) {
    c.add('weight', o.weight, `must be a number from ${MIN_WEIGHT} to ${MAX_WEIGHT} (1 is an equal share)`);
  }
  if (o.opsDecisionTimeout !== undefined && durationMs(o.opsDecisionTimeout) === null) {
    c.add('opsDecisionTimeout', o.opsDecisionTimeout, "must be a duration such as '24h' or '15m', or milliseconds ≥ 0");
  }
  c.throwIfAny();
}

/**
 * Starts the batch, or attaches to it while it runs. A batch that finished runs again when started again, and
 * skips every customer already set up.
 */
export async function startBatch(client: Client, file: string, o: BatchOptions): Promise<WorkflowHandleWithFirstExecutionRunId<typeof batchMigration>> {
  checkBatchOptions(o);
  const source = resolve(file);
  const batchId = batchIdFor(source);
  const input: BatchMigrationInput = {
    batchId,
    source,
    reportDir: resolve(o.reportDir ?? `${source}.report`),
    ...(o.window !== undefined ? { window: o.window } : {}),
    ...(o.pageSize !== undefined ? { pageSize: o.pageSize } : {}),
    ...(o.rowsPerRun !== undefined ? { rowsPerRun: o.rowsPerRun } : {}),
    ...(o.opsDecisionTimeout !== undefined ? { opsDecisionTimeout: o.opsDecisionTimeout } : {}),
  };
  return client.workflow.start<typeof batchMigration>('batchMigration', {
    taskQueue: o.taskQueue,
    workflowId: batchWorkflowId(batchId),
    // Its setups and their requests inherit this: behind interactive work, and sharing with other batches by weight.
    priority: priorityFor('batch', { key: batchId, weight: o.weight }),
    workflowIdConflictPolicy: WorkflowIdConflictPolicy.USE_EXISTING,
    ...batchSummary(input),
    args: [input],
  });
}

export function batchHandle(client: Client, file: string): WorkflowHandle<typeof batchMigration> {
  return client.workflow.getHandle(batchWorkflowId(batchIdFor(resolve(file))));
}

export const batchProgress = (handle: WorkflowHandle): Promise<BatchProgress> => handle.query(batchProgressQuery);
export const pauseBatch = (handle: WorkflowHandle): Promise<void> => handle.signal(pauseSignal);
export const resumeBatch = (handle: WorkflowHandle): Promise<void> => handle.signal(resumeSignal);
