// The handoff sheet a succeeded setup answers with, when it names a known provider.
import { isProviderId } from '../domain/providers/catalog';
import { buildHandoffSheet } from '../domain/providers/handoff';
import type { HandoffSheet } from '../domain/providers/handoff-sheet';
import type { Direction, InboundSetupInput, OutboundSetupInput } from '../domain/setup';
import type { InboundSetupResult, OutboundSetupResult } from '../domain/setup-result';

export function handoffFor(
  direction: Direction,
  input: OutboundSetupInput | InboundSetupInput,
  results: { outbound?: OutboundSetupResult; inbound?: InboundSetupResult },
): { handoff?: HandoffSheet } {
  if (input.provider === undefined || !isProviderId(input.provider)) return {};
  const providerIps = direction === 'outbound' ? (input as OutboundSetupInput).providerIps : undefined;
  return {
    handoff: buildHandoffSheet({ provider: input.provider, direction, fields: input.providerFields, ...results, did: input.did, providerIps }),
  };
}
