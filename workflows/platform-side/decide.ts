// Whether a setup configures the platform's side by API, and what the platform's API needs beyond Exotel's side
// (checked before any request).
import { ApplicationFailure, patched } from '@temporalio/workflow';
import { FailureTypes } from '../../domain/failures';
import { isApiProvider, PLATFORM_NAMES, dailyTrunkNameOf, MANUAL_DIRECTIONS, type AccountProvider, type PlatformAccountInfo, type PlatformObject, type PlatformSideResult } from '../../domain/platform-side';
import { SIGNALLING_IPS_FIELD, signallingIpsOf } from '../../domain/providers/profile';
import { parseDestination } from '../../domain/rules';
import type { Direction, InboundSetupInput, SetupBase } from '../../domain/setup';
import { local } from '../activity-profiles';
import type { SipEdge } from '../../domain/setup-result';
import { PATCHES } from '../patches';

export type PlatformSideDecision = { mode: 'manual'; reason?: string } | { mode: 'api'; account: PlatformAccountInfo };

/**
 * `api` where the platform has one here for this direction and the worker has an account for it, unless the setup
 * asks for `manual`. Asked for `api` explicitly, a missing account is a configuration failure rather than a quiet
 * sheet. What the platform's API needs beyond Exotel's side (platformInputProblem) is checked here too, before any
 * request.
 */
export async function decidePlatformSide(input: SetupBase, direction: Direction, exotel: { edge: SipEdge | null }): Promise<PlatformSideDecision> {
  if (input.providerSide === 'manual') return { mode: 'manual', reason: 'providerSide manual was asked for' };
  const { provider } = input;
  if (!isApiProvider(provider)) return { mode: 'manual' };
  // Setups begun before platform sides by API stay manual (and so do those of the platforms added later: they
  // returned before this check, so their histories hold no marker either).
  if (!patched(PATCHES.platformSideByApi)) return { mode: 'manual' };
  const sheetOnly = MANUAL_DIRECTIONS[provider]?.[direction];
  if (sheetOnly) return { mode: 'manual', reason: sheetOnly };
  const account = await local.describePlatformAccount({ provider, ...(input.platformAccount ? { name: input.platformAccount } : {}) });
  if (account) {
    const problem = platformInputProblem(account, direction, input, exotel);
    if (problem) throw ApplicationFailure.nonRetryable(`${PLATFORM_NAMES[provider]} by API: ${problem}`, FailureTypes.inputValidation);
    return { mode: 'api', account };
  }
  const missing = `no ${provider} account${input.platformAccount ? ` named ${input.platformAccount}` : ''} is configured on the worker (VOICE_AI_ACCOUNTS)`;
  if (input.providerSide === 'api') throw ApplicationFailure.nonRetryable(`providerSide api: ${missing}`, FailureTypes.configuration);
  return { mode: 'manual', reason: `${missing}: follow the handoff sheet` };
}

/**
 * What a platform's API needs that a sheet would leave to a person: Bolna and Daily admit calls only from listed
 * sources, Daily's trunk is named by the destination host and tests its webhook at creation.
 */
function platformInputProblem(account: PlatformAccountInfo, direction: Direction, input: SetupBase, exotel: { edge: SipEdge | null }): string | null {
  if (direction === 'outbound') {
    const transport = exotel.edge?.transport;
    return account.provider === 'bolna' && transport && transport !== 'tcp' ? `Bolna's trunks dial udp or tcp only, and the Exotel account's sipEdge is ${transport}` : null;
  }
  const fields = input.providerFields ?? {};
  const ips = signallingIpsOf(fields);
  if (account.provider === 'bolna' && ips.length === 0) {
    return `providerFields.${SIGNALLING_IPS_FIELD} is required: Bolna answers 403 to calls from any IP not on the trunk, and Exotel publishes none (ask Exotel)`;
  }
  if (account.provider !== 'pipecat-daily') return null;
  if (!fields.webhookUrl) return "providerFields.webhookUrl is required: Daily creates a SIP trunk only with a webhook that answers its test event";
  if (ips.length === 0 && fields.openTrunk !== 'yes') return `providerFields.${SIGNALLING_IPS_FIELD} is required (or openTrunk: yes): Daily admits calls by source IP or an open trunk`;
  for (const d of (input as Partial<InboundSetupInput>).destinations ?? []) {
    const parsed = parseDestination(d);
    const named = typeof parsed === 'string' ? { problem: parsed } : dailyTrunkNameOf(parsed.host, account.domain ?? '');
    if ('problem' in named) return `destination ${d}: ${named.problem}`;
  }
  return null;
}

export const manualSide = (decision: PlatformSideDecision & { mode: 'manual' }): PlatformSideResult => ({
  mode: 'manual',
  ...(decision.reason ? { reason: decision.reason } : {}),
  objects: [],
});

/** What the line manages from then on: the platform's objects, when this setup made them. */
export function platformOfLine(side: PlatformSideResult | undefined): { platform?: { provider: AccountProvider; account: string; objects: PlatformObject[] } } {
  return side?.mode === 'api' && side.provider && side.account ? { platform: { provider: side.provider, account: side.account, objects: side.objects } } : {};
}
