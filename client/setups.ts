// Starting and reading setups. Workflow ids come from the customer id (domain/naming), so a second start of the
// same setup attaches to the first instead of provisioning twice.
import { WorkflowExecutionAlreadyStartedError, type Client, type WorkflowHandle, type WorkflowStartOptions } from '@temporalio/client';
import { setupWorkflowId } from '../domain/naming';
import { setupSearchAttributes } from '../domain/search-attributes';
import type { Direction, SetupRequest, SetupStatus } from '../domain/setup';
import { resolveSetupRequest } from '../domain/setup-request';
import { recordSetupStart } from '../platform/metrics';
import { statusQuery } from '../workflows/progress';
import type { inboundSetup, outboundSetup } from '../workflows';

export type { SetupRequest };
export { resolveSetupRequest };

export interface StartedSetup {
  workflowId: string;
  handle: WorkflowHandle<typeof outboundSetup> | WorkflowHandle<typeof inboundSetup>;
  /** True when the customer's setup already ran to success and nothing new was started. */
  alreadySucceeded: boolean;
}


/** Validates first (bad input never starts anything), then starts, or attaches to the setup already running. */
export async function startSetup(client: Client, asked: SetupRequest, { taskQueue }: { taskQueue: string }): Promise<StartedSetup> {
  const request = resolveSetupRequest(asked);

  const { input, direction } = request;
  const workflowId = setupWorkflowId(direction, input.customerId);
  const options: Omit<WorkflowStartOptions, 'args'> = {
    taskQueue,
    workflowId,
    // A running setup is attached to; a succeeded one is not run again; a rolled-back one may be retried.
    workflowIdConflictPolicy: 'USE_EXISTING',
    workflowIdReusePolicy: 'ALLOW_DUPLICATE_FAILED_ONLY',
    typedSearchAttributes: setupSearchAttributes(request),
  };
  try {
    const handle =
      request.direction === 'outbound'
        ? await client.workflow.start<typeof outboundSetup>('outboundSetup', { ...options, args: [request.input] })
        : await client.workflow.start<typeof inboundSetup>('inboundSetup', { ...options, args: [request.input] });
    recordSetupStart({ direction, provider: input.provider, outcome: 'started' });
    return { workflowId, handle, alreadySucceeded: false };
  } catch (err) {
    if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
    recordSetupStart({ direction, provider: input.provider, outcome: 'already-succeeded' });
    return { workflowId, handle: client.workflow.getHandle(workflowId), alreadySucceeded: true };
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
  } catch {
    status = undefined;
  }
  return { workflowId, execution: description.status.name, status };
}
