// Processing a signup event exactly once: a record per event id (workflows/signup-event.ts) that starts the setup.
// An event id seen before starts nothing, however long ago and whatever happened to its setup since; a new event
// for a customer whose setup asks for something else is refused rather than silently ignored.
import {
  WorkflowExecutionAlreadyStartedError,
  WorkflowIdReusePolicy,
  WorkflowNotFoundError,
  type Client,
} from '@temporalio/client';
import { decodeFromPayloadsAtIndex } from '@temporalio/common/lib/internal-non-workflow';
import { setupWorkflowId, signupEventWorkflowId } from '../domain/naming';
import { priorityFor } from '../domain/priority';
import type { InboundSetupInput, OutboundSetupInput, SetupRequest } from '../domain/setup';
import { requestDifferences, type CheckedSetupRequest } from '../domain/setup-request';
import { recordSetupStart } from '../platform/metrics';
import type { signupEvent, SignupEventOutcome } from '../workflows/signup-event';
import { signupEventSummary } from '../domain/workflow-summaries';

export type SignupEventAnswer =
  /** This event started the setup, or attached to the same setup already running. */
  | { status: 'accepted'; eventId: string; workflowId: string }
  /** The customer's setup already succeeded with what this event asks for: nothing was started. */
  | { status: 'already-succeeded'; eventId: string; workflowId: string }
  /** This event id was processed before: nothing was started again. */
  | { status: 'duplicate'; eventId: string; workflowId: string; firstReceivedAt: string; setupState: string }
  /** The customer's setup (running or succeeded) asks for something else: refused, nothing started. */
  | { status: 'conflict'; eventId: string; workflowId: string; setupState: string; differences: { field: string; current: unknown; asked: unknown }[] };

/** How long the answer waits for the event's record to start the setup; past it, the event is still accepted (durably). */
const RECORD_WAIT_MS = 10_000;

export async function acceptSignupEvent(
  client: Client,
  { eventId, request }: { eventId: string; request: CheckedSetupRequest },
  { taskQueue }: { taskQueue: string },
): Promise<SignupEventAnswer> {
  const workflowId = setupWorkflowId(request.direction, request.input.customerId);
  const recordId = signupEventWorkflowId(eventId);
  const existing = await currentSetup(client, workflowId, request.direction);
  if (existing && existing.state !== 'failed') {
    const differences = requestDifferences(existing.request, request);
    if (differences.length > 0) {
      // A replay of a processed event may differ from the setup a later event changed: a duplicate first.
      const duplicate = await duplicateAnswer(client, recordId, eventId, workflowId);
      return duplicate ?? { status: 'conflict', eventId, workflowId, setupState: existing.state, differences };
    }
  }
  let record;
  try {
    record = await client.workflow.start<typeof signupEvent>('signupEvent', {
      taskQueue,
      workflowId: recordId,
      // Never reused: the memory that this event was processed (for as long as the namespace retains it).
      workflowIdReusePolicy: WorkflowIdReusePolicy.REJECT_DUPLICATE,
      // A signup waits for it; the setup this record starts inherits it.
      priority: priorityFor('interactive'),
      ...signupEventSummary(eventId, request),
      args: [{ eventId, receivedAt: new Date().toISOString(), request }],
    });
  } catch (err) {
    if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
    const duplicate = await duplicateAnswer(client, recordId, eventId, workflowId);
    if (duplicate) return duplicate;
    throw err;
  }
  const outcome = await Promise.race([record.result(), new Promise<undefined>((resolve) => setTimeout(() => resolve(undefined), RECORD_WAIT_MS))]);
  const alreadySucceeded = outcome?.outcome === 'existing' && existing?.state === 'succeeded';
  recordSetupStart({ direction: request.direction, provider: request.input.provider, outcome: alreadySucceeded ? 'already-succeeded' : 'started' });
  return { status: alreadySucceeded ? 'already-succeeded' : 'accepted', eventId, workflowId };
}

async function duplicateAnswer(client: Client, recordId: string, eventId: string, workflowId: string): Promise<SignupEventAnswer | undefined> {
  const record = client.workflow.getHandle<typeof signupEvent>(recordId);
  const described = await record.describe().catch((err: unknown) => {
    if (err instanceof WorkflowNotFoundError) return undefined;
    throw err;
  });
  if (!described) return undefined;
  const outcome: SignupEventOutcome | undefined = described.status.name === 'COMPLETED' ? await record.result() : undefined;
  const setup = await client.workflow
    .getHandle(outcome?.setupWorkflowId ?? workflowId)
    .describe()
    .then((d) => d.status.name.toLowerCase())
    .catch(() => 'unknown');
  return { status: 'duplicate', eventId, workflowId: outcome?.setupWorkflowId ?? workflowId, firstReceivedAt: described.startTime.toISOString(), setupState: setup };
}

/** The customer's latest setup run, what it was asked for, and how it stands; undefined when there is none. */
async function currentSetup(
  client: Client,
  workflowId: string,
  direction: SetupRequest['direction'],
): Promise<{ request: SetupRequest; state: 'running' | 'succeeded' | 'failed' } | undefined> {
  let status: string;
  try {
    status = (await client.workflow.getHandle(workflowId).describe()).status.name;
  } catch (err) {
    if (err instanceof WorkflowNotFoundError) return undefined;
    throw err;
  }
  const history = await client.workflowService.getWorkflowExecutionHistory({
    namespace: client.options.namespace,
    execution: { workflowId },
    maximumPageSize: 1,
  });
  const payloads = history.history?.events?.[0]?.workflowExecutionStartedEventAttributes?.input?.payloads;
  const input = await decodeFromPayloadsAtIndex<OutboundSetupInput | InboundSetupInput>(client.options.loadedDataConverter, 0, payloads);
  const state = status === 'RUNNING' ? 'running' : status === 'COMPLETED' ? 'succeeded' : 'failed';
  return { request: { direction, input } as SetupRequest, state };
}
