// The voice-AI platforms' requests, one per activity like Exotel's (a retry repeats exactly one request), on each
// platform's own task queue (worker/create-worker.ts). An activity names a platform account, never carries its key;
// what it throws becomes a Temporal failure in activities/interceptor.ts.
import type { MediaEncryption } from '../domain/platform-side';
import type { PlatformAccounts } from '../voice-ai/accounts';
import { LiveKitSip } from '../voice-ai/livekit';

interface OnAccount {
  /** The platform account's name in the worker's configuration. */
  account: string;
}

export function createVoiceAiActivities({ platforms }: { platforms: PlatformAccounts }) {
  const clients = new Map<string, LiveKitSip>();
  const livekit = (name: string): LiveKitSip => {
    let client = clients.get(name);
    if (!client) {
      client = new LiveKitSip(platforms.settings('livekit', name));
      clients.set(name, client);
    }
    return client;
  };

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
  };
}

export type VoiceAiActivities = ReturnType<typeof createVoiceAiActivities>;
