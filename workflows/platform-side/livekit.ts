// LiveKit: a trunk per direction, and a dispatch rule for the inbound trunk's calls.
import { mediaEncryptionFor, type PlatformObject } from '../../domain/platform-side';
import type { SipEdge } from '../../domain/setup-result';
import { platformFor } from '../activity-profiles';
import type { Saga } from '../saga';
import { ensureOnPlatform } from './ensure';

/** Outbound: LiveKit dials Exotel's edge as the digest user, with the customer's numbers as caller ids. */
export function ensureLiveKitOutboundTrunk(
  saga: Saga,
  { account, customerId, dids, edge, userName, password }: { account: string; customerId: string; dids: string[]; edge: SipEdge; userName: string; password: string },
): Promise<PlatformObject> {
  const { platformOnce } = platformFor('livekit');
  return ensureOnPlatform(saga, {
    provider: 'livekit',
    account,
    kind: 'livekit-outbound-trunk',
    customerId,
    what: 'an outbound trunk',
    find: (requests, name) => requests.livekitFindOutboundTrunk({ account, name }),
    create: (name) =>
      platformOnce.livekitCreateOutboundTrunk({
        account,
        name,
        address: `${edge.host}:${edge.port}`,
        transport: edge.transport,
        numbers: dids,
        authUsername: userName,
        authPassword: password,
        mediaEncryption: mediaEncryptionFor(edge.transport),
      }),
  });
}

/** Inbound: LiveKit accepts the customer's numbers (before Exotel sends it anything). */
export function ensureLiveKitInboundTrunk(
  saga: Saga,
  { account, customerId, dids, transport }: { account: string; customerId: string; dids: string[]; transport: 'tls' | 'tcp' },
): Promise<PlatformObject> {
  const { platformOnce } = platformFor('livekit');
  return ensureOnPlatform(saga, {
    provider: 'livekit',
    account,
    kind: 'livekit-inbound-trunk',
    customerId,
    what: 'an inbound trunk',
    find: (requests, name) => requests.livekitFindInboundTrunk({ account, name }),
    create: (name) => platformOnce.livekitCreateInboundTrunk({ account, name, numbers: dids, mediaEncryption: mediaEncryptionFor(transport) }),
  });
}

/** A room per call for the inbound trunk's calls, with the agent dispatched into it when the setup names one. */
export function ensureLiveKitDispatchRule(
  saga: Saga,
  { account, customerId, trunkId, agentName }: { account: string; customerId: string; trunkId: string; agentName?: string },
): Promise<PlatformObject> {
  const { platformOnce } = platformFor('livekit');
  return ensureOnPlatform(saga, {
    provider: 'livekit',
    account,
    kind: 'livekit-dispatch-rule',
    customerId,
    what: 'a dispatch rule',
    find: (requests, name) => requests.livekitFindDispatchRule({ account, name }),
    create: (name) => platformOnce.livekitCreateDispatchRule({ account, name, trunkId, roomPrefix: `call-${customerId}`, ...(agentName ? { agentName } : {}) }),
  });
}
