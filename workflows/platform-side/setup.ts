// The platform's side of a setup, as saga steps beside Exotel's: each provider's objects for each direction, run
// through the setup's ops gate. A failure on either side rolls back both, newest first (the one saga).
import { ApplicationFailure } from '@temporalio/workflow';
import { FailureTypes } from '../../domain/failures';
import { MANUAL_DIRECTIONS, type PlatformAccountInfo, type PlatformObject } from '../../domain/platform-side';
import { signallingIpsOf } from '../../domain/providers/profile';
import { didsOf, type InboundSetupInput, type OutboundSetupInput } from '../../domain/setup';
import type { SipEdge } from '../../domain/setup-result';
import type { Saga } from '../saga';
import { importOnAtoms } from './atoms';
import { ensureBolnaTrunk } from './bolna';
import { ensureDailyTrunk } from './daily';
import { edgeOf, parsedTransport } from './ensure';
import { ensureLiveKitDispatchRule, ensureLiveKitInboundTrunk, ensureLiveKitOutboundTrunk } from './livekit';
import { agentOf, ensureNumbers } from './numbers';
import { platformSteps, type PlatformStepRunner } from './steps';

/** Outbound (the platform dials Exotel's edge as the digest user): its one step, run through `step`. */
export async function ensureOutboundOnPlatform(
  saga: Saga,
  step: PlatformStepRunner<OutboundSetupInput>,
  account: PlatformAccountInfo,
  { exotel, userName, password }: { exotel: { accountSid: string; edge: SipEdge | null }; userName: string; password: string },
): Promise<PlatformObject[]> {
  const { provider } = account;
  return step(platformSteps(provider, 'outbound')[0] ?? '', async (asked) => {
    const edge = edgeOf(exotel, provider, 'needs the address to dial');
    const base = { account: account.name, customerId: asked.customerId, dids: didsOf(asked) };
    switch (provider) {
      case 'livekit':
        return [await ensureLiveKitOutboundTrunk(saga, { ...base, edge, userName, password })];
      case 'bolna':
        if (edge.transport !== 'tcp') throw ApplicationFailure.nonRetryable(`Bolna's trunks dial udp or tcp only, and Exotel account ${exotel.accountSid}'s sipEdge is ${edge.transport}`, FailureTypes.configuration);
        return ensureBolnaTrunk(saga, { ...base, direction: 'outbound', edge, userName, password });
      case 'smallest-atoms':
        return importOnAtoms(saga, { ...base, edge, userName, password });
      case 'pipecat-daily':
        throw ApplicationFailure.nonRetryable(MANUAL_DIRECTIONS['pipecat-daily']?.outbound ?? 'Daily has no outbound side by API', FailureTypes.configuration);
      default:
        return ensureNumbers(saga, provider, base, { direction: 'outbound', edge, userName, password, ...agentOf(asked) });
    }
  });
}

/** Inbound (the platform takes the numbers before Exotel sends it a call): its steps, each run through `step`. */
export async function ensureInboundOnPlatform(
  saga: Saga,
  step: PlatformStepRunner<InboundSetupInput>,
  account: PlatformAccountInfo,
  { exotel }: { exotel: { accountSid: string; edge: SipEdge | null } },
): Promise<PlatformObject[]> {
  const { provider } = account;
  const [first = '', second = ''] = platformSteps(provider, 'inbound');
  const base = (asked: InboundSetupInput) => ({ account: account.name, customerId: asked.customerId, dids: didsOf(asked) });
  if (provider === 'bolna') {
    return step(first, (asked) =>
      ensureBolnaTrunk(saga, { ...base(asked), direction: 'inbound', signallingIps: signallingIpsOf(asked.providerFields), ...agentOf(asked) }),
    );
  }
  if (provider === 'pipecat-daily') {
    return step(first, async (asked) => [await ensureDailyTrunk(saga, account, asked)]);
  }
  if (provider === 'smallest-atoms') throw ApplicationFailure.nonRetryable(MANUAL_DIRECTIONS['smallest-atoms']?.inbound ?? 'Atoms has no inbound side by API', FailureTypes.configuration);
  if (provider !== 'livekit') {
    return step(first, async (asked) => {
      // Retell refuses a number without a termination URI, even for inbound only (the retell profile's sheet).
      const edge = provider === 'retell' ? edgeOf(exotel, provider, 'takes a number only with a termination URI, the edge, even for inbound') : undefined;
      return ensureNumbers(saga, provider, base(asked), { direction: 'inbound', transport: parsedTransport(asked.destinations[0]), ...(edge ? { edge } : {}), ...agentOf(asked) });
    });
  }
  const [trunk] = await step(first, async (asked) => [await ensureLiveKitInboundTrunk(saga, { ...base(asked), transport: parsedTransport(asked.destinations[0]) })]);
  const [rule] = await step(second, async (asked) => {
    const agentName = asked.providerFields?.agentName;
    return [await ensureLiveKitDispatchRule(saga, { account: account.name, customerId: asked.customerId, trunkId: trunk?.id ?? '', ...(agentName ? { agentName } : {}) })];
  });
  return [trunk, rule].filter((o): o is PlatformObject => o !== undefined);
}
