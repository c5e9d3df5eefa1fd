// Customer lines from outside: read one, plan and run operations on it, and bring setups that succeeded before
// lines existed under management. Line workflow ids come from the customer id (domain/naming.ts).
import { ServiceError, WithStartWorkflowOperation, WorkflowExecutionAlreadyStartedError, WorkflowNotFoundError, type Client } from '@temporalio/client';
import type { Payload } from '@temporalio/common';
import { emptyLine, lineFromSetup, type LineOperation, type LineView, type ManagedLine, type OperationReport, type OperationRequest } from '../domain/line';
import type { OperationPlan } from '../domain/line-plans';
import { parseLineOperation, parseOperationRequest } from '../domain/line-operation-request';
import { lineWorkflowId } from '../domain/naming';
import { priorityFor } from '../domain/priority';
import { InputValidationError } from '../domain/issues';
import { lineSearchAttributes, SearchAttributes } from '../domain/search-attributes';
import type { Direction } from '../domain/setup';
import type { InboundSetupInput, OutboundSetupInput } from '../domain/setup';
import type { InboundSetupResult, OutboundSetupResult } from '../domain/setup-result';
import { bareIp, normalizeDestination, rules } from '../domain/rules';
import { sipUserNameFor } from '../domain/naming';
import { DEFAULT_LIST_LIMIT } from './list-limit';
import { lineQuery, operateUpdate, planUpdate } from '../workflows/line-messages';
import { lineSummary } from '../domain/workflow-summaries';

const QUERY_DEADLINE_MS = 10_000;

/** Where a line stands: running (managed), ended (offboarded: its last record), or never set up. */
export type LineLookup = { state: 'managed'; workflowId: string; view: LineView } | { state: 'offboarded'; workflowId: string; line: ManagedLine } | { state: 'absent'; workflowId: string };

/** Where a line stands from Temporal's own records only (no query, so no worker is needed). */
async function lineState(client: Client, direction: Direction, customerId: string): Promise<LineLookup['state']> {
  const handle = client.workflow.getHandle(lineWorkflowId(direction, customerId));
  let status: string;
  try {
    status = (await handle.describe()).status.name;
  } catch (err) {
    if (err instanceof WorkflowNotFoundError) return 'absent';
    throw err;
  }
  if (status === 'RUNNING') return 'managed';
  if (status === 'COMPLETED') return ((await handle.result()) as ManagedLine).status === 'offboarded' ? 'offboarded' : 'absent';
  return 'absent';
}

export async function lookUpLine(client: Client, direction: Direction, customerId: string): Promise<LineLookup> {
  const workflowId = lineWorkflowId(direction, customerId);
  const handle = client.workflow.getHandle(workflowId);
  let described;
  try {
    described = await handle.describe();
  } catch (err) {
    if (err instanceof WorkflowNotFoundError) return { state: 'absent', workflowId };
    throw err;
  }
  const status = described.status.name;
  if (status === 'RUNNING') {
    const deadline = Date.now() + QUERY_DEADLINE_MS;
    try {
      return { state: 'managed', workflowId, view: await client.connection.withDeadline(deadline, () => handle.query(lineQuery)) };
    } catch (err) {
      // A query waits for a worker; with none polling it would wait for ever. Past the deadline, that is why.
      if (err instanceof ServiceError && Date.now() >= deadline) {
        throw new Error(`no worker answered for ${workflowId} within ${QUERY_DEADLINE_MS / 1000} s: is a worker running on task queue ${described.taskQueue}?`);
      }
      throw err;
    }
  }
  if (status === 'COMPLETED') {
    const line = (await handle.result()) as ManagedLine;
    // A line also ends when an adoption it was started for took nothing.
    return line.status === 'offboarded' ? { state: 'offboarded', workflowId, line } : { state: 'absent', workflowId };
  }
  // Terminated or failed by hand: nothing manages it now; a new setup (or import) starts it again.
  return { state: 'absent', workflowId };
}

/** What an operation would send now; changes nothing. The line must be running (see lookUpLine). */
export async function planOperationOn(client: Client, direction: Direction, customerId: string, operation: LineOperation): Promise<OperationPlan> {
  const checked = parseLineOperation(operation);
  return client.workflow.getHandle(lineWorkflowId(direction, customerId)).executeUpdate(planUpdate, { args: [checked] });
}

/** Runs an operation; asked again with the same operationId, it is answered with the first run's report. */
export async function operateOn(client: Client, direction: Direction, customerId: string, request: OperationRequest): Promise<OperationReport> {
  const checked = parseOperationRequest(request);
  const handle = client.workflow.getHandle(lineWorkflowId(direction, customerId));
  return handle.executeUpdate(operateUpdate, { args: [checked], ...(checked.operationId ? { updateId: checked.operationId } : {}) });
}

/**
 * Adopts a trunk made by hand into a customer's line, starting the line when the customer has none (one atomic
 * Update-with-start: a line that adopts nothing ends by itself). `plan` only reads, like any plan.
 */
export async function adoptInto(
  client: Client,
  where: { direction: Direction; customerId: string; exotelAccountSid: string; taskQueue: string },
  request: OperationRequest & { operation: Extract<LineOperation, { kind: 'adopt' }> },
  { planOnly = false }: { planOnly?: boolean } = {},
): Promise<OperationReport | OperationPlan> {
  const checked = parseOperationRequest(request);
  const line = emptyLine(where.customerId, where.direction, where.exotelAccountSid);
  const startWorkflowOperation = new WithStartWorkflowOperation('customerLine', {
    workflowId: lineWorkflowId(where.direction, where.customerId),
    taskQueue: where.taskQueue,
    args: [{ line }],
    workflowIdConflictPolicy: 'USE_EXISTING',
    priority: priorityFor('lifecycle'),
    typedSearchAttributes: lineSearchAttributes(line),
  });
  if (planOnly) return client.workflow.executeUpdateWithStart(planUpdate, { args: [checked.operation], startWorkflowOperation });
  return client.workflow.executeUpdateWithStart(operateUpdate, { args: [checked], startWorkflowOperation, ...(checked.operationId ? { updateId: checked.operationId } : {}) });
}

export interface ImportOutcome {
  customerId: string;
  direction: Direction;
  setupWorkflowId: string;
  /** imported (or would be, in a dry run); offboarded: its line ended offboarded, and an old setup does not revive it. */
  outcome: 'imported' | 'already-managed' | 'offboarded' | 'unreadable';
  reason?: string;
}

/**
 * Setups that succeeded before lines existed never handed over: each gets its line, started with what its result
 * says it made (nothing is re-created or even read on Exotel; the first plan reads). A line that exists is left.
 */
export async function importSucceededSetups(
  client: Client,
  {
    taskQueue,
    limit = DEFAULT_LIST_LIMIT,
    dryRun = false,
    exotelAccount,
    customerId,
  }: { taskQueue: string; limit?: number; dryRun?: boolean; exotelAccount?: string; customerId?: string },
): Promise<ImportOutcome[]> {
  const outcomes: ImportOutcome[] = [];
  const clauses = ["WorkflowType IN ('outboundSetup', 'inboundSetup')", "ExecutionStatus = 'Completed'"];
  // Checked, never pasted in raw: these end up in a visibility query.
  if (exotelAccount !== undefined) {
    const broken = rules.accountSid(exotelAccount);
    if (broken) throw new InputValidationError([{ field: 'exotelAccount', value: exotelAccount, rule: broken }]);
    clauses.push(`${SearchAttributes.exotelAccount.name} = '${exotelAccount}'`);
  }
  if (customerId !== undefined) {
    const broken = rules.customerId(customerId);
    if (broken) throw new InputValidationError([{ field: 'customerId', value: customerId, rule: broken }]);
    clauses.push(`${SearchAttributes.customerId.name} = '${customerId}'`);
  }
  const query = clauses.join(' AND ');
  for await (const wf of client.workflow.list({ query, pageSize: Math.min(limit, 1000) })) {
    if (outcomes.length >= limit) break;
    const direction: Direction = wf.type === 'outboundSetup' ? 'outbound' : 'inbound';
    const handle = client.workflow.getHandle(wf.workflowId, wf.runId);
    let line: ManagedLine;
    try {
      const input = (await firstInput(client, wf.workflowId, wf.runId)) as OutboundSetupInput & InboundSetupInput;
      const result = (await handle.result()) as OutboundSetupResult & InboundSetupResult;
      line = lineFromSetupResult(direction, input, result, wf.closeTime ?? wf.startTime, wf.workflowId);
    } catch (err) {
      outcomes.push({ customerId: '', direction, setupWorkflowId: wf.workflowId, outcome: 'unreadable', reason: err instanceof Error ? err.message : String(err) });
      continue;
    }
    const base = { customerId: line.customerId, direction, setupWorkflowId: wf.workflowId };
    if (dryRun) {
      const state = await lineState(client, direction, line.customerId);
      outcomes.push({ ...base, outcome: state === 'absent' ? 'imported' : state === 'managed' ? 'already-managed' : 'offboarded' });
      continue;
    }
    try {
      await client.workflow.start('customerLine', {
        workflowId: lineWorkflowId(direction, line.customerId),
        taskQueue,
        args: [{ line }],
        priority: priorityFor('lifecycle'),
        typedSearchAttributes: lineSearchAttributes(line),
        ...lineSummary(line),
        // A line that runs is the newer truth; one that ended (offboarded) is not brought back by an old setup, but
        // one that was terminated by hand is.
        workflowIdConflictPolicy: 'FAIL',
        workflowIdReusePolicy: 'ALLOW_DUPLICATE_FAILED_ONLY',
      });
      outcomes.push({ ...base, outcome: 'imported' });
    } catch (err) {
      if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
      outcomes.push({ ...base, outcome: (await lineState(client, direction, line.customerId)) === 'offboarded' ? 'offboarded' : 'already-managed' });
    }
  }
  return outcomes;
}

async function firstInput(client: Client, workflowId: string, runId: string | undefined): Promise<unknown> {
  const history = await client.workflow.getHandle(workflowId, runId).fetchHistory();
  const started = history.events?.[0]?.workflowExecutionStartedEventAttributes;
  const payload = started?.input?.payloads?.[0];
  if (!payload) throw new Error(`${workflowId}: its history holds no input`);
  const [input] = await decode(client, [payload]);
  return input;
}

async function decode(client: Client, payloads: Payload[]): Promise<unknown[]> {
  const { payloadCodecs, payloadConverter } = client.options.loadedDataConverter;
  let decoded = payloads;
  for (const codec of [...payloadCodecs].reverse()) decoded = await codec.decode(decoded);
  return decoded.map((p) => payloadConverter.fromPayload(p));
}

/** A setup's input and result as the line its handover would have started. */
export function lineFromSetupResult(
  direction: Direction,
  input: OutboundSetupInput & InboundSetupInput,
  result: OutboundSetupResult & InboundSetupResult,
  closedAt: Date,
  setupWorkflowId: string,
): ManagedLine {
  const dids = result.dids ?? [result.did];
  const mappingIds = result.phoneNumberMappingIds ?? { [result.did]: result.phoneNumberMappingId };
  const made: Parameters<typeof lineFromSetup>[1] = {
    customerId: input.customerId,
    exotelAccountSid: input.exotelAccountSid,
    ...(input.provider ? { provider: input.provider } : {}),
    trunkSid: result.trunkSid,
    ...(result.trunkName ? { trunkName: result.trunkName } : {}),
    trunkCreated: direction === 'outbound' ? true : result.trunkCreated,
    mappingIds: Object.fromEntries(dids.map((d) => [d, mappingIds[d] ?? ''])),
  };
  if (direction === 'outbound') {
    made.credential = { id: result.credentialId, userName: result.sipUserName ?? sipUserNameFor(input.customerId) };
    made.aclEntries = (input.providerIps ?? []).map((ip, i) => ({ id: result.aclEntryIds?.[i] ?? '', ip: bareIp(ip) }));
  } else {
    made.destinations = (input.destinations ?? []).map((d, i) => ({ id: result.destinationIds?.[i] ?? '', value: normalizeDestination(d) }));
  }
  return lineFromSetup(direction, made, closedAt.toISOString(), `import of ${setupWorkflowId}`);
}
