// One lifecycle event from a platform (add a number, change destinations, offboard …), delivered once. Like a
// signup event's record (signup-event.ts), its workflow id comes from the event's id and is never reused, so a
// redelivery days later finds this record; and the record itself hands the operation to the line, as a signal
// with the event's operation id, so an event is never recorded without its operation being queued.
import { getExternalWorkflowHandle } from '@temporalio/workflow';
import type { OperationRequest } from '../domain/line';
import { lineWorkflowId } from '../domain/naming';
import type { Direction } from '../domain/setup';
import { operationSignal } from './line-messages';

export interface LineEventInput {
  eventId: string;
  receivedAt: string;
  direction: Direction;
  customerId: string;
  request: OperationRequest & { operationId: string };
}

export interface LineEventOutcome {
  lineWorkflowId: string;
  operationId: string;
  /** delivered: queued on the customer's line. no-line: the customer has no running line (never set up, or offboarded). */
  outcome: 'delivered' | 'no-line';
}

export async function lineEvent({ direction, customerId, request }: LineEventInput): Promise<LineEventOutcome> {
  const workflowId = lineWorkflowId(direction, customerId);
  try {
    await getExternalWorkflowHandle(workflowId).signal(operationSignal, request);
    return { lineWorkflowId: workflowId, operationId: request.operationId, outcome: 'delivered' };
  } catch {
    // The only failure of a signal to another workflow is that it does not run.
    return { lineWorkflowId: workflowId, operationId: request.operationId, outcome: 'no-line' };
  }
}
