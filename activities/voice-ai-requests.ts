// The voice-AI platforms' requests, one per activity like Exotel's (a retry repeats exactly one request), on each
// platform's own task queue (worker/create-worker.ts). An activity names a platform account, never carries its key;
// what it throws becomes a Temporal failure in activities/interceptor.ts.
import type { AccountProvider, MediaEncryption } from '../domain/platform-side';
import { PlatformAccounts } from '../voice-ai/accounts';
import { ElevenLabsPhoneNumbers, type ElevenLabsImport, type ElevenLabsUpdate } from '../voice-ai/elevenlabs';
import { LiveKitSip } from '../voice-ai/livekit';
import { BolnaTrunks, type BolnaTrunkUpdate } from '../voice-ai/bolna';
import { DailySipTrunks } from '../voice-ai/daily';
import { RetellPhoneNumbers, terminationUriFor, type RetellImport, type RetellUpdate } from '../voice-ai/retell';
import { AtomsPhoneNumbers, sipTerminationUrlFor } from '../voice-ai/smallest';

interface OnAccount {
  /** The platform account's name in the worker's configuration. */
  account: string;
}

/** Exotel's edge, for Retell's termination URI as its client spells it (terminationUriFor). */
interface EdgeOf {
  edge: { host: string; port: number };
}

/** One client per account, made when first used. */
function perAccount<C>(make: (name: string) => C): (name: string) => C {
  const clients = new Map<string, C>();
  return (name) => {
    let client = clients.get(name);
    if (!client) {
      client = make(name);
      clients.set(name, client);
    }
    return client;
  };
}

export function createVoiceAiActivities({ platforms }: { platforms: PlatformAccounts }) {
  const livekit = perAccount((name) => new LiveKitSip(platforms.settings('livekit', name)));
  const retell = perAccount((name) => new RetellPhoneNumbers(platforms.settings('retell', name)));
  const elevenlabs = perAccount((name) => new ElevenLabsPhoneNumbers(platforms.settings('elevenlabs', name)));
  const bolna = perAccount((name) => new BolnaTrunks(platforms.settings('bolna', name)));
  const daily = perAccount((name) => new DailySipTrunks(platforms.settings('pipecat-daily', name)));
  const atoms = perAccount((name) => new AtomsPhoneNumbers(platforms.settings('smallest-atoms', name)));

  return {
    async livekitCreateOutboundTrunk({ account, ...trunk }: OnAccount & { name: string; address: string; transport: 'tls' | 'tcp'; numbers: string[]; authUsername: string; authPassword: string; mediaEncryption: MediaEncryption }) {
      return livekit(account).createOutboundTrunk(trunk);
    },
    async livekitFindOutboundTrunk({ account, name }: OnAccount & { name: string }) {
      return livekit(account).findOutboundTrunk(name);
    },
    async livekitReadOutboundTrunk({ account, id }: OnAccount & { id: string }) {
      return livekit(account).readOutboundTrunk(id);
    },
    async livekitUpdateOutboundTrunkAuth({ account, id, ...auth }: OnAccount & { id: string; authUsername: string; authPassword: string }) {
      return livekit(account).updateOutboundTrunkAuth(id, auth);
    },
    async livekitSetTrunkNumbers({ account, id, direction, numbers }: OnAccount & { id: string; direction: 'outbound' | 'inbound'; numbers: string[] }) {
      return livekit(account).setTrunkNumbers(direction, id, numbers);
    },
    async livekitCreateInboundTrunk({ account, ...trunk }: OnAccount & { name: string; numbers: string[]; mediaEncryption: MediaEncryption }) {
      return livekit(account).createInboundTrunk(trunk);
    },
    async livekitFindInboundTrunk({ account, name }: OnAccount & { name: string }) {
      return livekit(account).findInboundTrunk(name);
    },
    async livekitReadInboundTrunk({ account, id }: OnAccount & { id: string }) {
      return livekit(account).readInboundTrunk(id);
    },
    async livekitDeleteTrunk({ account, id }: OnAccount & { id: string }): Promise<void> {
      await livekit(account).deleteTrunk(id);
    },
    async livekitCreateDispatchRule({ account, ...rule }: OnAccount & { name: string; trunkId: string; roomPrefix: string; agentName?: string }) {
      return livekit(account).createDispatchRule(rule);
    },
    async livekitFindDispatchRule({ account, name }: OnAccount & { name: string }) {
      return livekit(account).findDispatchRule(name);
    },
    async livekitReadDispatchRule({ account, id }: OnAccount & { id: string }) {
      return livekit(account).readDispatchRule(id);
    },
    async livekitDeleteDispatchRule({ account, id }: OnAccount & { id: string }): Promise<boolean> {
      return livekit(account).deleteDispatchRule(id);
    },

    async retellImportNumber({ account, edge, ...number }: OnAccount & EdgeOf & Omit<RetellImport, 'terminationUri'>) {
      return retell(account).importNumber({ ...number, terminationUri: terminationUriFor(edge) });
    },
    /** null when Retell has no such number. */
    async retellGetNumber({ account, phoneNumber }: OnAccount & { phoneNumber: string }) {
      return retell(account).getNumber(phoneNumber);
    },
    /** Exotel's edge (`edge`) as the termination URI, or one read back earlier (`terminationUri`, to restore it). */
    async retellUpdateNumber({ account, phoneNumber, edge, ...update }: OnAccount & Partial<EdgeOf> & { phoneNumber: string } & RetellUpdate) {
      return retell(account).updateNumber(phoneNumber, { ...update, ...(edge ? { terminationUri: terminationUriFor(edge) } : {}) });
    },
    /** False when it was already gone. */
    async retellDeleteNumber({ account, phoneNumber }: OnAccount & { phoneNumber: string }): Promise<boolean> {
      return retell(account).deleteNumber(phoneNumber);
    },

    async elevenlabsImportNumber({ account, ...number }: OnAccount & ElevenLabsImport) {
      return elevenlabs(account).importSipTrunkNumber(number);
    },
    /** The number imported as `phoneNumber`, or null (one list request). */
    async elevenlabsFindNumber({ account, phoneNumber }: OnAccount & { phoneNumber: string }) {
      return elevenlabs(account).findByNumber(phoneNumber);
    },
    /** null when ElevenLabs has no number with this id. */
    async elevenlabsGetNumber({ account, id }: OnAccount & { id: string }) {
      return elevenlabs(account).getNumber(id);
    },
    async elevenlabsUpdateNumber({ account, id, ...update }: OnAccount & { id: string } & ElevenLabsUpdate) {
      return elevenlabs(account).updateNumber(id, update);
    },
    /** False when it was already gone. */
    async elevenlabsDeleteNumber({ account, id }: OnAccount & { id: string }): Promise<boolean> {
      return elevenlabs(account).deleteNumber(id);
    },

    /** The customer's trunk by its exact name, or null. */
    async bolnaFindTrunk({ account, name }: OnAccount & { name: string }) {
      return bolna(account).findTrunk(name);
    },
    /** With its gateways, ACL entries and numbers; null when Bolna has no such trunk. */
    async bolnaGetTrunk({ account, id }: OnAccount & { id: string }) {
      return bolna(account).getTrunk(id);
    },
    async bolnaCreateTrunk({ account, ...trunk }: OnAccount & Parameters<BolnaTrunks['createTrunk']>[0]) {
      return bolna(account).createTrunk(trunk);
    },
    async bolnaUpdateTrunk({ account, id, ...update }: OnAccount & { id: string } & BolnaTrunkUpdate) {
      return bolna(account).updateTrunk(id, update);
    },
    /** False when it was already gone. */
    async bolnaDeleteTrunk({ account, id }: OnAccount & { id: string }): Promise<boolean> {
      return bolna(account).deleteTrunk(id);
    },
    async bolnaAddGateway({ account, trunkId, ...gateway }: OnAccount & { trunkId: string; host: string; port: number; priority: number }) {
      return bolna(account).addGateway(trunkId, gateway);
    },
    async bolnaDeleteGateway({ account, trunkId, gatewayId }: OnAccount & { trunkId: string; gatewayId: string }): Promise<boolean> {
      return bolna(account).deleteGateway(trunkId, gatewayId);
    },
    async bolnaAddIpAcl({ account, trunkId, cidr }: OnAccount & { trunkId: string; cidr: string }) {
      return bolna(account).addIpAcl(trunkId, cidr);
    },
    async bolnaDeleteIpAcl({ account, trunkId, aclId }: OnAccount & { trunkId: string; aclId: string }): Promise<boolean> {
      return bolna(account).deleteIpAcl(trunkId, aclId);
    },
    async bolnaAddNumber({ account, trunkId, ...number }: OnAccount & { trunkId: string; e164: string; destinationKey: string; agentId?: string }) {
      return bolna(account).addNumber(trunkId, number);
    },
    async bolnaDeleteNumber({ account, trunkId, numberId }: OnAccount & { trunkId: string; numberId: string }): Promise<boolean> {
      return bolna(account).deleteNumber(trunkId, numberId);
    },

    /** The trunk of this exact name, or null. */
    async dailyFindTrunk({ account, trunkName }: OnAccount & { trunkName: string }) {
      return daily(account).findTrunk(trunkName);
    },
    async dailyGetTrunk({ account, id }: OnAccount & { id: string }) {
      return daily(account).getTrunk(id);
    },
    /** Daily tests the webhook before it answers. */
    async dailyCreateTrunk({ account, ...trunk }: OnAccount & Parameters<DailySipTrunks['createTrunk']>[0]) {
      return daily(account).createTrunk(trunk);
    },
    async dailyUpdateTrunk({ account, id, ...update }: OnAccount & { id: string } & Parameters<DailySipTrunks['updateTrunk']>[1]) {
      return daily(account).updateTrunk(id, update);
    },
    /** False when it was already gone. */
    async dailyDeleteTrunk({ account, id }: OnAccount & { id: string }): Promise<boolean> {
      return daily(account).deleteTrunk(id);
    },

    /** Exotel's edge as the termination URL (sipTerminationUrlFor); Atoms cannot read it back. */
    async atomsImportNumber({ account, edge, ...number }: OnAccount & { edge: { host: string; port: number; transport: 'tls' | 'tcp' }; phoneNumber: string; name: string; sipUsername: string; sipPassword: string }) {
      return atoms(account).importNumber({ ...number, sipTerminationUrl: sipTerminationUrlFor(edge) });
    },
    /** The imported number, or null (one list request: GET /product/all-numbers). */
    async atomsFindNumber({ account, phoneNumber }: OnAccount & { phoneNumber: string }) {
      return atoms(account).findImportedNumber(phoneNumber);
    },
  };
}

export type VoiceAiActivities = ReturnType<typeof createVoiceAiActivities>;

/** The platform each activity above talks to, by its name's prefix. */
const PROVIDER_OF_PREFIX: Record<string, AccountProvider> = {
  livekit: 'livekit',
  retell: 'retell',
  elevenlabs: 'elevenlabs',
  bolna: 'bolna',
  daily: 'pipecat-daily',
  atoms: 'smallest-atoms',
};

let activityNames: Set<string> | undefined;

/** The platform an activity of this file sends its request to; undefined for any other activity. */
export function platformOfActivity(activityType: string): AccountProvider | undefined {
  activityNames ??= new Set(Object.keys(createVoiceAiActivities({ platforms: new PlatformAccounts() })));
  if (!activityNames.has(activityType)) return undefined;
  return PROVIDER_OF_PREFIX[/^[a-z]+/.exec(activityType)?.[0] ?? ''];
}
