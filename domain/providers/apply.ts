// What a provider's profile fills into a setup before it starts: the inbound destinations when none are given, and
// the platform's published /32s when ACL authentication was chosen. Done before the workflow starts, so the
// workflow's input shows exactly what will be configured (and a later catalog change never alters a running setup).
import { bareIp } from '../rules';
import type { Direction, InboundSetupInput, OutboundSetupInput } from '../setup';
import { isProviderId } from './catalog';
import { deriveInboundDestinations, outboundAclIpsFor } from './validate';

/** For an input whose provider fields passed validation (domain/setup-validation.ts checks them first). */
export function withProviderDefaults<I extends OutboundSetupInput | InboundSetupInput>(direction: Direction, input: I): I {
  const { provider, providerFields } = input;
  if (provider === undefined || !isProviderId(provider)) return input;
  if (direction === 'inbound') {
    const inbound = input as InboundSetupInput;
    if (inbound.destinations?.length) return input;
    return { ...input, destinations: deriveInboundDestinations(provider, providerFields) };
  }
  const outbound = input as OutboundSetupInput;
  const published = outboundAclIpsFor(provider, providerFields);
  if (published.length === 0) return input;
  const given = outbound.providerIps ?? [];
  return { ...input, providerIps: [...given, ...published.filter((ip) => !given.some((g) => bareIp(g) === ip))] };
}
