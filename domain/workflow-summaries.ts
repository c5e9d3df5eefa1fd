// What the Temporal UI shows for each workflow the project starts: a one-line static summary (the workflow list
// and the top of its page) and static details (customer, direction, DIDs, provider, account, operation), built from
// the same business keys as the workflow ids (naming.ts). Both are user metadata: the payload codec encrypts them,
// so a DID here is no more in clear than in the input.
import type { BatchMigrationInput } from './batch';
import type { ManagedLine } from './line';
import { didsOf, type Direction, type SetupRequest } from './setup';

export interface WorkflowSummary {
  staticSummary: string;
  /** Temporal markdown. */
  staticDetails: string;
}

type Fact = [label: string, value: string | undefined];

const details = (facts: Fact[]): string =>
  facts
    .filter((f): f is [string, string] => f[1] !== undefined && f[1] !== '')
    .map(([label, value]) => `- **${label}**: ${value}`)
    .join('\n');

/** Three DIDs at most in a one-line summary; the details list them all. */
function didsInBrief(dids: string[]): string {
  return dids.length <= 3 ? dids.join(', ') : `${dids.slice(0, 2).join(', ')} and ${dids.length - 2} more`;
}

export function setupSummary(request: SetupRequest, { startedBy }: { startedBy?: string } = {}): WorkflowSummary {
  const { direction, input } = request;
  const dids = didsOf(input);
  const provider = input.provider ?? 'no provider named';
  return {
    staticSummary: `${direction} setup · ${input.customerId} · ${didsInBrief(dids)} · ${provider}`,
    staticDetails: details([
      ['operation', `${direction} setup`],
      ['customer', input.customerId],
      ['direction', direction],
      [dids.length === 1 ? 'DID' : 'DIDs', dids.join(', ')],
      ['provider', provider],
      ['Exotel account', input.exotelAccountSid],
      ['destinations', 'destinations' in input ? input.destinations?.join(', ') : undefined],
      ['started by', startedBy],
    ]),
  };
}

export function lineSummary(line: Pick<ManagedLine, 'customerId' | 'direction' | 'exotelAccountSid' | 'provider' | 'numbers'>): WorkflowSummary {
  const dids = line.numbers.map((n) => n.did);
  const provider = line.provider ?? 'no provider named';
  return {
    staticSummary: `${line.direction} line · ${line.customerId} · ${didsInBrief(dids) || 'no DID'} · ${provider}`,
    staticDetails: details([
      ['operation', 'customer line: day-two operations and drift repairs (Updates `operate`, queries `line`)'],
      ['customer', line.customerId],
      ['direction', line.direction],
      ['DIDs when the line began', dids.join(', ')],
      ['provider', provider],
      ['Exotel account', line.exotelAccountSid],
    ]),
  };
}

export function batchSummary(input: Pick<BatchMigrationInput, 'batchId' | 'source' | 'reportDir'>): WorkflowSummary {
  const file = input.source.split(/[\\/]/).pop() ?? input.source;
  return {
    staticSummary: `batch migration · ${file}`,
    staticDetails: details([
      ['operation', 'batch migration: one setup per row, at the batch priority'],
      ['batch', input.batchId],
      ['source', input.source],
      ['report', input.reportDir],
    ]),
  };
}

export function signupEventSummary(eventId: string, request: SetupRequest): WorkflowSummary {
  return {
    staticSummary: `signup event ${eventId} · ${request.direction} · ${request.input.customerId}`,
    staticDetails: details([
      ['operation', 'signup event: the record that this event was processed, and the setup it started'],
      ['event', eventId],
      ['customer', request.input.customerId],
      ['direction', request.direction],
      ['DIDs', didsOf(request.input).join(', ')],
    ]),
  };
}

export function lineEventSummary(event: { eventId: string; direction: Direction; customerId: string; operationKind: string }): WorkflowSummary {
  return {
    staticSummary: `line event ${event.eventId} · ${event.operationKind} · ${event.direction} · ${event.customerId}`,
    staticDetails: details([
      ['operation', `line event: ${event.operationKind}, handed to the customer's line`],
      ['event', event.eventId],
      ['customer', event.customerId],
      ['direction', event.direction],
    ]),
  };
}

export function driftScanSummary(scan: { exotelAccountSid: string; repair?: readonly string[]; share?: number; requestsPerMinute?: number }): WorkflowSummary {
  const mode = scan.repair?.length ? `repairs ${scan.repair.join(', ')}` : 'reports only';
  return {
    staticSummary: `drift scan · ${scan.exotelAccountSid} · ${mode}`,
    staticDetails: details([
      ['operation', 'drift scan: reads every managed line of the account back from Exotel'],
      ['Exotel account', scan.exotelAccountSid],
      ['repairs', scan.repair?.length ? scan.repair.join(', ') : 'none (report only)'],
      ['budget share', scan.share !== undefined ? String(scan.share) : undefined],
      ['requests a minute', scan.requestsPerMinute !== undefined ? String(scan.requestsPerMinute) : undefined],
    ]),
  };
}
