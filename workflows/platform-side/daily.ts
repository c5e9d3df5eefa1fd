// Daily (Pipecat): the SIP trunk an inbound destination names.
import { ApplicationFailure } from '@temporalio/workflow';
import { FailureTypes } from '../../domain/failures';
import { dailyTrunkNameOf, type PlatformAccountInfo, type PlatformObject } from '../../domain/platform-side';
import { signallingIpsOf } from '../../domain/providers/profile';
import { parseDestination } from '../../domain/rules';
import type { InboundSetupInput } from '../../domain/setup';
import { platformFor } from '../activity-profiles';
import type { Saga } from '../saga';
import { ensureOnPlatform } from './ensure';

/**
 * Daily: the SIP trunk the destination names (`<domain>-<trunk name>.siptrunk.sip-us.daily.co`: Daily derives the
 * host from the name [C]), admitting Exotel's signalling IPs (or open, when asked), with the customer's webhook, which
 * Daily tests before it creates the trunk [C].
 */
export function ensureDailyTrunk(saga: Saga, account: PlatformAccountInfo, asked: InboundSetupInput): Promise<PlatformObject> {
  const { platformOnce } = platformFor('pipecat-daily');
  const parsed = parseDestination(asked.destinations[0] ?? '');
  // decidePlatformSide checked that every destination names a trunk of the account's domain.
  const named = typeof parsed === 'string' ? { problem: parsed } : dailyTrunkNameOf(parsed.host, account.domain ?? '');
  if ('problem' in named) throw ApplicationFailure.nonRetryable(named.problem, FailureTypes.inputValidation);
  const fields = asked.providerFields ?? {};
  const ips = signallingIpsOf(fields);
  return ensureOnPlatform(saga, {
    provider: 'pipecat-daily',
    account: account.name,
    kind: 'daily-sip-trunk',
    customerId: asked.customerId,
    name: named.trunkName,
    what: 'a SIP trunk',
    find: async (requests, trunkName) => {
      const found = await requests.dailyFindTrunk({ account: account.name, trunkName });
      return found && { ...found, name: found.trunkName };
    },
    create: async (trunkName) => {
      const made = await platformOnce.dailyCreateTrunk({
        account: account.name,
        trunkName,
        webhookUrl: fields.webhookUrl ?? '',
        ...(ips.length > 0 ? { allowedIps: ips } : { isOpen: true }),
      });
      return { ...made, name: made.trunkName };
    },
  });
}
