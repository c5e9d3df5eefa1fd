// One signup event, processed once. Its workflow id comes from the event's id and can never be reused, so the same
// event delivered again (a sender's retry, a replayed request days later) finds this record instead of starting
// anything; and the record itself starts the setup, so an event is never recorded without its setup being started.
import { ParentClosePolicy, startChild } from '@temporalio/workflow';
import { WorkflowExecutionAlreadyStartedError } from '@temporalio/common';
import type { SetupRequest } from '../domain/setup';
import { setupStart } from './setup-start';

export interface SignupEventInput {
  eventId: string;
  receivedAt: string;
  request: SetupRequest;
}

export interface SignupEventOutcome {
  setupWorkflowId: string;
  /** started: this event started the setup. existing: the customer's setup was already running or had succeeded. */
  outcome: 'started' | 'existing';
}

export async function signupEvent({ eventId, request }: SignupEventInput): Promise<SignupEventOutcome> {
  const { workflowType, ...start } = setupStart(request, { startedBy: `signup event ${eventId}` });
  try {
    // The setup outlives this record: it owns its rollback and may wait a day for ops.
    await startChild(workflowType, { ...start, parentClosePolicy: ParentClosePolicy.ABANDON });
    return { setupWorkflowId: start.workflowId, outcome: 'started' };
  } catch (err) {
    if (err instanceof WorkflowExecutionAlreadyStartedError) return { setupWorkflowId: start.workflowId, outcome: 'existing' };
    throw err;
  }
}
