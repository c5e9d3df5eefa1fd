// Both sides read back and compared, after every setup and in drift scans: the platform's objects as each platform
// shows them, judged by domain/platform-side.ts.
import { ApplicationFailure } from '@temporalio/workflow';
import { FailureTypes } from '../../domain/failures';
import { crossCheckInbound, crossCheckNumbersInbound, crossCheckNumbersOutbound, crossCheckOutbound, crossCheckBolnaInbound, crossCheckBolnaOutbound, crossCheckDailyInbound, crossCheckListedNumbers, type ApiProvider, type CrossCheckMismatch, type NumberProvider, type PlatformAccountInfo, type PlatformNumberView, type PlatformObject, type PlatformSipHost, type BolnaTrunkSnapshot } from '../../domain/platform-side';
import { signallingIpsOf } from '../../domain/providers/profile';
import { PROVIDERS } from '../../domain/providers/catalog';
import { fieldValues, fill, pick } from '../../domain/providers/resolve';
import { parseDestination } from '../../domain/rules';
import { didsOf, type InboundSetupInput } from '../../domain/setup';
import type { SipEdge } from '../../domain/setup-result';
import { platformFor } from '../activity-profiles';

/** Both sides read back and compared; any mismatch fails the step (so ops decide, and a rollback undoes both). */
export async function crossCheckOutboundSide(account: PlatformAccountInfo, objects: PlatformObject[], exotel: { edge: SipEdge; userName: string; dids: string[] }): Promise<void> {
  failOnMismatch(await outboundMismatches(account, objects, exotel));
}

export async function crossCheckInboundSide(account: PlatformAccountInfo, objects: PlatformObject[], exotel: Pick<InboundSetupInput, 'did' | 'dids' | 'destinations' | 'providerFields'>): Promise<void> {
  failOnMismatch(await inboundMismatches(account, objects, { dids: didsOf(exotel), destinations: exotel.destinations }, { fields: exotel.providerFields }));
}

/** What the platform's objects, read back now, disagree on with Exotel's outbound side (a setup's check, a drift scan's). */
export async function outboundMismatches(account: PlatformAccountInfo, objects: PlatformObject[], exotel: { edge: SipEdge; userName: string; dids: string[] }): Promise<CrossCheckMismatch[]> {
  if (account.provider === 'livekit') {
    const { platform } = platformFor('livekit');
    const trunk = objects.find((o) => o.kind === 'livekit-outbound-trunk');
    return crossCheckOutbound(exotel, trunk ? await platform.livekitReadOutboundTrunk({ account: account.name, id: trunk.id }) : null);
  }
  if (account.provider === 'bolna') return crossCheckBolnaOutbound(exotel, await readBolnaTrunk(account.name, objects));
  if (account.provider === 'smallest-atoms') return crossCheckListedNumbers('Atoms', exotel.dids, await readAtomsNumbers(account.name, exotel.dids));
  // Daily has no outbound side by API.
  if (account.provider === 'pipecat-daily') return [];
  return crossCheckNumbersOutbound(account.provider, exotel, await readNumbers(account.provider, account.name, objects));
}

/** The DIDs Atoms lists as imported (one list request each: Atoms reads no number by id). */
async function readAtomsNumbers(account: string, dids: string[]): Promise<string[]> {
  const { platform } = platformFor('smallest-atoms');
  const held: string[] = [];
  for (const did of dids) if (await platform.atomsFindNumber({ account, phoneNumber: did })) held.push(did);
  return held;
}

/** The Bolna trunk a line's objects name, read back with its parts; null when it is not there. */
async function readBolnaTrunk(account: string, objects: PlatformObject[]): Promise<BolnaTrunkSnapshot | null> {
  const trunk = objects.find((o) => o.kind === 'bolna-trunk');
  return trunk ? platformFor('bolna').platform.bolnaGetTrunk({ account, id: trunk.id }) : null;
}

/**
 * The same for the inbound side. Where the platform's SIP host comes from the setup's provider fields (Retell,
 * ElevenLabs) and they are not known (a drift scan has the line's record only), `fields: null` leaves the host out.
 */
export async function inboundMismatches(
  account: PlatformAccountInfo,
  objects: PlatformObject[],
  exotel: { dids: string[]; destinations: string[] },
  { fields }: { fields: Record<string, string> | undefined | null },
): Promise<CrossCheckMismatch[]> {
  // Validated when they were given: each parses.
  const destinations = exotel.destinations.flatMap((d) => {
    const parsed = parseDestination(d);
    return typeof parsed === 'string' ? [] : [parsed];
  });
  const { dids } = exotel;
  if (account.provider === 'livekit') {
    const { platform } = platformFor('livekit');
    const [trunkObject, ruleObject] = [objects.find((o) => o.kind === 'livekit-inbound-trunk'), objects.find((o) => o.kind === 'livekit-dispatch-rule')];
    const trunk = trunkObject ? await platform.livekitReadInboundTrunk({ account: account.name, id: trunkObject.id }) : null;
    const rule = ruleObject ? await platform.livekitReadDispatchRule({ account: account.name, id: ruleObject.id }) : null;
    return crossCheckInbound({ dids, destinations }, { trunk, rule }, account.sipHost);
  }
  if (account.provider === 'bolna') {
    // The IPs it was given are the ACL entries it recorded (a drift scan has no fields).
    const signallingIps = objects.filter((o) => o.kind === 'bolna-ip-acl').map((o) => o.name);
    return crossCheckBolnaInbound({ dids, destinations, signallingIps }, await readBolnaTrunk(account.name, objects), fields === null ? undefined : documentedSipHost(account.provider, fields));
  }
  if (account.provider === 'pipecat-daily') {
    const trunk = objects.find((o) => o.kind === 'daily-sip-trunk');
    const read = trunk ? await platformFor('pipecat-daily').platform.dailyGetTrunk({ account: account.name, id: trunk.id }) : null;
    return crossCheckDailyInbound({ destinations, signallingIps: fields ? signallingIpsOf(fields) : [] }, read);
  }
  if (account.provider === 'smallest-atoms') return [];
  const numbers = await readNumbers(account.provider, account.name, objects);
  return crossCheckNumbersInbound(account.provider, { dids, destinations }, numbers, fields === null ? undefined : documentedSipHost(account.provider, fields));
}

/** Each number read back by its id, as the cross-check compares it. */
async function readNumbers(provider: NumberProvider, account: string, objects: PlatformObject[]): Promise<PlatformNumberView[]> {
  const { platform } = platformFor(provider);
  const views: PlatformNumberView[] = [];
  for (const { id } of objects) {
    if (provider === 'retell') {
      const n = await platform.retellGetNumber({ account, phoneNumber: id });
      if (n) views.push({ number: n.phoneNumber, name: n.nickname, outbound: { address: n.terminationUri, transport: n.transport, userName: n.authUsername }, inbound: {} });
    } else {
      const n = await platform.elevenlabsGetNumber({ account, id });
      if (n) {
        views.push({
          number: n.phoneNumber,
          name: n.label,
          outbound: n.outbound && { address: n.outbound.address, transport: n.outbound.transport, userName: n.outbound.username, mediaEncryption: n.outbound.mediaEncryption },
          inbound: n.inbound && { mediaEncryption: n.inbound.mediaEncryption },
        });
      }
    }
  }
  return views;
}

/** Where the platform's profile says it takes SIP (its inbound target), for the setup's fields. */
function documentedSipHost(provider: ApiProvider, fields: Record<string, string> | undefined): PlatformSipHost | undefined {
  const profile = PROVIDERS[provider];
  const values = fieldValues(profile, fields);
  const target = profile.inbound && pick(profile.inbound.targets, values);
  return target?.kind === 'template' ? { host: fill(target.host, values), ports: target.ports } : undefined;
}

function failOnMismatch(mismatches: CrossCheckMismatch[]): void {
  if (mismatches.length === 0) return;
  throw ApplicationFailure.nonRetryable(`Exotel and the platform disagree: ${mismatches.map((m) => m.detail).join('; ')}`, FailureTypes.crossCheckMismatch, mismatches);
}
