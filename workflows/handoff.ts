// The handoff sheet a succeeded setup answers with, when it names a known provider.
import { isProviderId } from '../domain/providers/catalog';
import { buildHandoffSheet } from '../domain/providers/handoff';
import type { HandoffSheet } from '../domain/providers/handoff-sheet';
import type { InboundSetupInput, OutboundSetupInput } from '../domain/setup';
import type { InboundSetupResult, OutboundSetupResult } from '../domain/setup-result';

export type SucceededSetup =
  | { direction: 'outbound'; input: OutboundSetupInput; result: OutboundSetupResult }
  | { direction: 'inbound'; input: InboundSetupInput; result: InboundSetupResult };

export function handoffFor(setup: SucceededSetup): { handoff?: HandoffSheet } {
  const { direction, input } = setup;
  if (input.provider === undefined || !isProviderId(input.provider)) return {};
  const sides = setup.direction === 'outbound' ? { outbound: setup.result, providerIps: setup.input.providerIps } : { inbound: setup.result };
  return { handoff: buildHandoffSheet({ provider: input.provider, direction, fields: input.providerFields, did: input.did, ...sides }) };
}
