// What a provider's profile fills into a setup before it starts: the inbound destinations when none are given, and
// the platform's published /32s when ACL authentication was chosen. Done before the workflow starts, so the
// workflow's input shows exactly what will be configured (and a later catalog change never alters a running setup).
import type { InboundSetupInput, OutboundSetupInput } from '../setup';
import { bareIp } from '../validation';
import { isProviderId } from './catalog';
import { inboundDestinationsFor, outboundAclIpsFor, validateProviderInput } from './validate';

export function withProviderDefaults(direction: 'outbound', input: OutboundSetupInput): OutboundSetupInput;
export function withProviderDefaults(direction: 'inbound', input: InboundSetupInput): InboundSetupInput;
export function withProviderDefaults(
  direction: 'outbound' | 'inbound',
  input: OutboundSetupInput | InboundSetupInput,
): OutboundSetupInput | InboundSetupInput {
  const { provider, providerFields } = input;
  // Invalid provider input is left as it is, for validation to report with everything else.
  if (provider === undefined || !isProviderId(provider)) return input;
  if (validateProviderInput({ direction, provider, fields: providerFields }).length > 0) return input;
  if (direction === 'inbound') {
    const inbound = input as InboundSetupInput;
    if (inbound.destinations?.length) return inbound;
    return { ...inbound, destinations: inboundDestinationsFor(provider, providerFields) };
  }
  const outbound = input as OutboundSetupInput;
  const published = outboundAclIpsFor(provider, providerFields);
  if (published.length === 0) return outbound;
  const given = outbound.providerIps ?? [];
  return { ...outbound, providerIps: [...given, ...published.filter((ip) => !given.some((g) => bareIp(g) === ip))] };
}
