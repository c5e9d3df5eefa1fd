// The platform's saga steps of each provider and direction, and what each shows in a setup's status.
import type { ApiProvider, PlatformObject, PlatformObjectKind } from '../../domain/platform-side';
import type { Direction } from '../../domain/setup';
import type { OpsGate } from '../ops-gate';
import type { SetupProgress } from '../progress';

/** The saga step of each kind: a number is one step in either direction. */
export const STEP_OF: Record<PlatformObjectKind, string> = {
  'livekit-outbound-trunk': 'platform-outbound-trunk',
  'livekit-inbound-trunk': 'platform-inbound-trunk',
  'livekit-dispatch-rule': 'platform-dispatch-rule',
  'retell-phone-number': 'platform-number',
  'elevenlabs-phone-number': 'platform-number',
  // Bolna's trunk and its parts are one step: the parts hang off the trunk, each its own create-or-adopt.
  'bolna-trunk': 'platform-trunk',
  'bolna-gateway': 'platform-trunk',
  'bolna-ip-acl': 'platform-trunk',
  'bolna-number': 'platform-trunk',
  'daily-sip-trunk': 'platform-sip-trunk',
  'atoms-phone-number': 'platform-number',
};

/** The platform's steps of each direction, in order, for the setup to list (addSteps) before it runs them. */
const PLATFORM_STEPS: Record<ApiProvider, Record<Direction, PlatformObjectKind[]>> = {
  livekit: { outbound: ['livekit-outbound-trunk'], inbound: ['livekit-inbound-trunk', 'livekit-dispatch-rule'] },
  retell: { outbound: ['retell-phone-number'], inbound: ['retell-phone-number'] },
  elevenlabs: { outbound: ['elevenlabs-phone-number'], inbound: ['elevenlabs-phone-number'] },
  bolna: { outbound: ['bolna-trunk'], inbound: ['bolna-trunk'] },
  // The other directions are manual (MANUAL_DIRECTIONS): decidePlatformSide never picks api for them.
  'pipecat-daily': { outbound: [], inbound: ['daily-sip-trunk'] },
  'smallest-atoms': { outbound: ['atoms-phone-number'], inbound: [] },
};

/**
 * What a setup's cross-check cannot see on the platform, said in its result: Atoms lists an imported number [C], but
 * not its termination URL, and keeps only `host[:port]` of it (it strips `;transport=` [C]), so which transport it
 * dials Exotel's edge with is neither set nor known.
 */
export const UNVERIFIABLE: Partial<Record<ApiProvider, string>> = {
  'smallest-atoms':
    "Atoms lists the number but shows neither its termination URL nor its transport (it keeps host:port and drops ;transport=): confirm with Smallest that it dials Exotel's edge over TCP or TLS",
};

export const platformSteps = (provider: ApiProvider, direction: Direction): string[] => PLATFORM_STEPS[provider][direction].map((k) => STEP_OF[k]);

/** What a step shows in the status: the ids it made or took over (never a secret). */
const RESOURCE_OF: Record<PlatformObjectKind, { key: string; list: boolean }> = {
  'livekit-outbound-trunk': { key: 'livekitTrunkId', list: false },
  'livekit-inbound-trunk': { key: 'livekitTrunkId', list: false },
  'livekit-dispatch-rule': { key: 'livekitDispatchRuleId', list: false },
  'retell-phone-number': { key: 'retellNumbers', list: true },
  'elevenlabs-phone-number': { key: 'elevenlabsPhoneNumberIds', list: true },
  'bolna-trunk': { key: 'bolnaTrunkId', list: false },
  'bolna-gateway': { key: 'bolnaGatewayIds', list: true },
  'bolna-ip-acl': { key: 'bolnaIpAclIds', list: true },
  'bolna-number': { key: 'bolnaNumberIds', list: true },
  'daily-sip-trunk': { key: 'dailyTrunkId', list: false },
  'atoms-phone-number': { key: 'atomsNumberIds', list: true },
};

/** Runs one of the platform's steps through the ops gate, recording what it made in the status. */
export type PlatformStepRunner<I> = (step: string, body: (asked: I) => Promise<PlatformObject[]>) => Promise<PlatformObject[]>;

export function platformStepRunner<I>({ ops, progress }: { ops: OpsGate<I>; progress: SetupProgress }): PlatformStepRunner<I> {
  return (step, body) =>
    ops.step(step, async (asked) => {
      const made = await body(asked);
      const resource: Record<string, string | string[]> = {};
      for (const o of made) {
        const { key, list } = RESOURCE_OF[o.kind];
        const ids = resource[key];
        resource[key] = list ? [...(Array.isArray(ids) ? ids : []), o.id] : o.id;
      }
      progress.record(step, resource);
      return made;
    });
}
