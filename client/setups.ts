// Starting and reading setups. Workflow ids come from the customer id (domain/naming), so a second start of the
// same setup attaches to the first instead of provisioning twice.
import { WorkflowExecutionAlreadyStartedError, type Client, type WorkflowHandle } from '@temporalio/client';
import { PayloadDecryptionError } from '../codec/encryption-codec';
import { setupWorkflowId } from '../domain/naming';
import type { Direction, SetupStatus } from '../domain/setup';
import { priorityFor } from '../domain/priority';
import type { CheckedSetupRequest } from '../domain/setup-request';
import { recordSetupStart } from '../platform/metrics';
import type { inboundSetup, outboundSetup } from '../workflows';
import { statusQuery } from '../workflows/progress';
import { setupStart } from '../workflows/setup-start';

export interface StartedSetup {
  workflowId: string;
  handle: WorkflowHandle<typeof outboundSetup> | WorkflowHandle<typeof inboundSetup>;
  /** True when the customer's setup already ran to success and nothing new was started. */
  alreadySucceeded: boolean;
}

/**
 * Starts the setup, or attaches to the one already running. The request comes from parseSetupRequest
 * (domain/setup-request.ts), so bad input never gets this far.
 */
export async function startSetup(client: Client, request: CheckedSetupRequest, { taskQueue }: { taskQueue: string }): Promise<StartedSetup> {
  const { workflowType, ...start } = setupStart(request);
  const { direction, input } = request;
  try {
    const handle = await client.workflow.start(workflowType, {
      ...start,
      taskQueue,
      // A running setup is attached to.
      workflowIdConflictPolicy: 'USE_EXISTING',
      // Someone is waiting for it: ahead of batches and scans on the account's budget.
      priority: priorityFor('interactive'),
    });
    recordSetupStart({ direction, provider: input.provider, outcome: 'started' });
    return { workflowId: start.workflowId, handle, alreadySucceeded: false };
  } catch (err) {
    if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
    recordSetupStart({ direction, provider: input.provider, outcome: 'already-succeeded' });
    return { workflowId: start.workflowId, handle: client.workflow.getHandle(start.workflowId), alreadySucceeded: true };
  }
}

export interface SetupOverview {
  workflowId: string;
  /** Temporal's view: RUNNING, COMPLETED, FAILED, CANCELLED, TERMINATED, … */
  execution: string;
  status?: SetupStatus;
}

/** The steps come from the workflow's `status` query, which needs a worker; without one only Temporal's view is shown. */
export async function describeSetup(client: Client, direction: Direction, customerId: string): Promise<SetupOverview> {
  const workflowId = setupWorkflowId(direction, customerId);
  const handle = client.workflow.getHandle(workflowId);
  const description = await handle.describe();
  let status: SetupStatus | undefined;
  try {
    status = await client.connection.withDeadline(Date.now() + 5_000, () => handle.query(statusQuery));
  } catch (err) {
    // No keys for an encrypted answer is this process's problem, not a missing worker: say so.
    if (err instanceof PayloadDecryptionError) throw err;
    status = undefined;
  }
  return { workflowId, execution: description.status.name, status };
}
