// What ops do with setups: find them by state, and decide about one that waits for them.
import type { Client } from '@temporalio/client';
import { DEFAULT_LIST_LIMIT } from './list-limit';
import { setupWorkflowId } from '../domain/naming';
import { SearchAttributes, type SetupState } from '../domain/search-attributes';
import type { Direction, OpsDecision } from '../domain/setup';
import { decideUpdate } from '../workflows/ops-gate';
import { statusQuery } from '../workflows/progress';


export interface SetupListing {
  workflowId: string;
  customerId: string;
  direction: string;
  exotelAccount: string;
  provider: string;
  state: string;
  failedStep?: string;
  startTime: string;
}

/** A visibility query over the project's search attributes; values are checked, never pasted in raw. */
export function listQuery(filter: { state?: SetupState; direction?: Direction; exotelAccount?: string }): string {
  const clauses = ["WorkflowType IN ('outboundSetup', 'inboundSetup')"];
  if (filter.state) clauses.push(`${SearchAttributes.state.name} = '${filter.state}'`);
  if (filter.direction) clauses.push(`${SearchAttributes.direction.name} = '${filter.direction}'`);
  if (filter.exotelAccount) {
    if (!/^[A-Za-z0-9_]{1,64}$/.test(filter.exotelAccount)) throw new Error(`--account ${filter.exotelAccount}: must be 1-64 letters, digits or _`);
    clauses.push(`${SearchAttributes.exotelAccount.name} = '${filter.exotelAccount}'`);
  }
  return clauses.join(' AND ');
}

export async function listSetups(client: Client, filter: Parameters<typeof listQuery>[0], limit = DEFAULT_LIST_LIMIT): Promise<SetupListing[]> {
  const listings: SetupListing[] = [];
  for await (const wf of client.workflow.list({ query: listQuery(filter), pageSize: Math.min(limit, 1000) })) {
    const attrs = wf.typedSearchAttributes;
    listings.push({
      workflowId: wf.workflowId,
      customerId: attrs.get(SearchAttributes.customerId) ?? '',
      direction: attrs.get(SearchAttributes.direction) ?? '',
      exotelAccount: attrs.get(SearchAttributes.exotelAccount) ?? '',
      provider: attrs.get(SearchAttributes.provider) ?? '',
      state: attrs.get(SearchAttributes.state) ?? wf.status.name.toLowerCase(),
      failedStep: attrs.get(SearchAttributes.failedStep) ?? undefined,
      startTime: wf.startTime.toISOString(),
    });
    if (listings.length >= limit) break;
  }
  return listings;
}

/**
 * Which of a customer's setups a decision is for: the one named, or the only one waiting for ops.
 * Throws with what was found when that is ambiguous.
 */
export async function setupAwaitingOps(client: Client, customerId: string, direction?: Direction): Promise<Direction> {
  if (direction) return direction;
  const waiting: Direction[] = [];
  for (const d of ['outbound', 'inbound'] as const) {
    try {
      const status = await client.workflow.getHandle(setupWorkflowId(d, customerId)).query(statusQuery);
      if (status.phase === 'awaiting-ops') waiting.push(d);
    } catch {
      // No such setup, or it has ended: not the one.
    }
  }
  if (waiting.length !== 1) {
    throw new Error(
      waiting.length === 0
        ? `no setup of customer ${customerId} is waiting for a decision`
        : `both setups of customer ${customerId} wait for a decision: say --direction outbound or inbound`,
    );
  }
  return waiting[0]!;
}

/** Sends the decision as an Update: refused decisions come back as errors, accepted ones say what will happen. */
export async function decide(client: Client, direction: Direction, customerId: string, decision: OpsDecision): Promise<string> {
  return client.workflow.getHandle(setupWorkflowId(direction, customerId)).executeUpdate(decideUpdate, { args: [decision] });
}
