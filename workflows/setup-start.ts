// How a setup is started, the same from every starter (trunkctl, signup events, a batch's child): which workflow,
// its id from the customer id, its reuse policy, its search attributes and what the UI shows of it. The starters add only what is theirs
// (a client's task queue and conflict policy, a batch's parent-close policy).
import { WorkflowIdReusePolicy, type SearchAttributePair } from '@temporalio/common';
import { setupWorkflowId } from '../domain/naming';
import { setupSearchAttributes } from '../domain/search-attributes';
import { setupSummary, type WorkflowSummary } from '../domain/workflow-summaries';
import type { InboundSetupInput, OutboundSetupInput, SetupRequest } from '../domain/setup';

export interface SetupStart extends WorkflowSummary {
  workflowType: 'outboundSetup' | 'inboundSetup';
  workflowId: string;
  /** A succeeded setup is not run again; one that failed or was rolled back may be. */
  workflowIdReusePolicy: WorkflowIdReusePolicy;
  typedSearchAttributes: SearchAttributePair[];
  args: [OutboundSetupInput] | [InboundSetupInput];
}

/** `startedBy` says so in the details when a batch or an event starts it. */
export function setupStart(request: SetupRequest, { startedBy }: { startedBy?: string } = {}): SetupStart {
  return {
    ...setupSummary(request, startedBy ? { startedBy } : {}),
    workflowType: request.direction === 'outbound' ? 'outboundSetup' : 'inboundSetup',
    workflowId: setupWorkflowId(request.direction, request.input.customerId),
    workflowIdReusePolicy: WorkflowIdReusePolicy.ALLOW_DUPLICATE_FAILED_ONLY,
    typedSearchAttributes: setupSearchAttributes(request),
    args: [request.input],
  };
}
