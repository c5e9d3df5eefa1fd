// Processing a platform's lifecycle event exactly once: a record per event id (workflows/line-event.ts) that queues
// the operation on the customer's line under the event's id. An event id seen before queues nothing again.
import { WorkflowExecutionAlreadyStartedError, WorkflowIdReusePolicy, type Client } from '@temporalio/client';
import type { OperationRequest } from '../domain/line';
import { lineEventWorkflowId } from '../domain/naming';
import { priorityFor } from '../domain/priority';
import type { Direction } from '../domain/setup';
import type { lineEvent, LineEventOutcome } from '../workflows/line-event';
import { lineEventSummary } from '../domain/workflow-summaries';

export type LineEventAnswer =
  | { status: 'accepted'; eventId: string; lineWorkflowId: string; operationId: string }
  | { status: 'duplicate'; eventId: string; lineWorkflowId: string; operationId: string; firstReceivedAt: string }
  /** The customer has no running line in that direction: nothing was queued (the record keeps that answer). */
  | { status: 'no-line'; eventId: string; lineWorkflowId: string };

export async function acceptLineEvent(
  client: Client,
  event: { eventId: string; direction: Direction; customerId: string; request: OperationRequest },
  { taskQueue }: { taskQueue: string },
): Promise<LineEventAnswer> {
  const { eventId } = event;
  const recordId = lineEventWorkflowId(eventId);
  const receivedAt = new Date().toISOString();
  let outcome: LineEventOutcome;
  let first = true;
  try {
    const record = await client.workflow.start<typeof lineEvent>('lineEvent', {
      taskQueue,
      workflowId: recordId,
      // Never reused: the memory that this event was delivered (for as long as the namespace retains it).
      workflowIdReusePolicy: WorkflowIdReusePolicy.REJECT_DUPLICATE,
      priority: priorityFor('lifecycle'),
      ...lineEventSummary({ eventId, direction: event.direction, customerId: event.customerId, operationKind: event.request.operation.kind }),
      args: [{ eventId, receivedAt, direction: event.direction, customerId: event.customerId, request: { ...event.request, operationId: eventId } }],
    });
    outcome = await record.result();
  } catch (err) {
    if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
    first = false;
    outcome = await client.workflow.getHandle<typeof lineEvent>(recordId).result();
  }
  if (outcome.outcome === 'no-line') return { status: 'no-line', eventId, lineWorkflowId: outcome.lineWorkflowId };
  if (first) return { status: 'accepted', eventId, lineWorkflowId: outcome.lineWorkflowId, operationId: outcome.operationId };
  const described = await client.workflow.getHandle(recordId).describe();
  return { status: 'duplicate', eventId, lineWorkflowId: outcome.lineWorkflowId, operationId: outcome.operationId, firstReceivedAt: described.startTime.toISOString() };
}
