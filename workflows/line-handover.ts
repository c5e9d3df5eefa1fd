// A setup that succeeded hands what it made to the customer's line, which manages it from then on: it starts the
// line (an abandoned child, so the line outlives the setup) or, when the line runs already, signals it.
import {
  getExternalWorkflowHandle,
  log,
  ParentClosePolicy,
  patched,
  startChild,
  workflowInfo,
} from '@temporalio/workflow';
import { WorkflowExecutionAlreadyStartedError } from '@temporalio/common';
import { lineFromSetup } from '../domain/line';
import { lineWorkflowId } from '../domain/naming';
import { priorityFor } from '../domain/priority';
import { lineSearchAttributes } from '../domain/search-attributes';
import type { Direction, SetupBase } from '../domain/setup';
import type { Origin } from './create-or-adopt';
import type { customerLine } from './customer-line';
import { setupSucceededSignal } from './line-messages';
import { PATCHES } from './patches';
import { lineSummary } from '../domain/workflow-summaries';

type Made = Omit<Parameters<typeof lineFromSetup>[1], 'customerId' | 'exotelAccountSid' | 'provider' | 'trunkSid' | 'trunkName' | 'trunkCreated'>;

export async function handOverToLine(
  direction: Direction,
  input: Pick<SetupBase, 'customerId' | 'exotelAccountSid' | 'provider'>,
  trunk: { trunkSid: string; trunkName?: string; origin: Origin },
  made: Made,
): Promise<void> {
  // Setups that began before lines existed finish as they began; `trunkctl line import` brings them under management.
  if (!patched(PATCHES.handOverToLine)) return;
  const setupWorkflowId = workflowInfo().workflowId;
  const { customerId, exotelAccountSid, provider } = input;
  const line = lineFromSetup(
    direction,
    {
      customerId,
      exotelAccountSid,
      ...(provider ? { provider } : {}),
      trunkSid: trunk.trunkSid,
      ...(trunk.trunkName ? { trunkName: trunk.trunkName } : {}),
      trunkCreated: trunk.origin !== 'pre-existing',
      ...made,
    },
    new Date().toISOString(),
    setupWorkflowId,
  );
  const workflowId = lineWorkflowId(direction, customerId);
  try {
    await start(workflowId, line, setupWorkflowId);
    log.info('setup handed over to its line', { lineWorkflowId: workflowId });
  } catch (err) {
    // The setup did what it was asked on Exotel; a line that could not take it over is brought in by `line import`.
    log.warn('setup could not hand over to its line', { lineWorkflowId: workflowId, error: err instanceof Error ? err.message : String(err) });
  }
}

async function start(workflowId: string, line: ReturnType<typeof lineFromSetup>, setupWorkflowId: string): Promise<void> {
  try {
    await startChild<typeof customerLine>('customerLine', {
      workflowId,
      args: [{ line }],
      parentClosePolicy: ParentClosePolicy.ABANDON,
      // Day-two work on the account's budget: after signups, before batches (domain/priority.ts).
      priority: priorityFor('lifecycle'),
      typedSearchAttributes: lineSearchAttributes(line),
      ...lineSummary(line),
    });
  } catch (err) {
    if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
    await getExternalWorkflowHandle(workflowId).signal(setupSucceededSignal, { line, setupWorkflowId });
  }
}
