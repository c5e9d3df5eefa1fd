// Bolna: the customer's one trunk for both directions, and its parts.
import { asCidr, type PlatformObject } from '../../domain/platform-side';
import type { SipEdge } from '../../domain/setup-result';
import { platformFor } from '../activity-profiles';
import type { Saga } from '../saga';
import { changeFound, ensureOnPlatform, ensureParts, type Part, type PlatformRequests, type RestoreAt } from './ensure';
import { STEP_OF } from './steps';

type BolnaWants =
  | { direction: 'outbound'; edge: SipEdge; userName: string; password: string }
  | { direction: 'inbound'; signallingIps: string[]; agentId?: string };

export type BolnaTrunk = NonNullable<Awaited<ReturnType<PlatformRequests['bolnaGetTrunk']>>>;

/**
 * Bolna: the customer's one trunk, which both directions share (a number can be on one trunk only [I]), then its
 * parts: outbound Exotel's edge as the gateway, inbound Exotel's signalling IPs on its ACL, and every number. Found of
 * this setup's name (the other direction made it), the trunk gets this direction turned on and its settings, and a
 * rollback puts back exactly those; a part already there is the other direction's and stays.
 */
export async function ensureBolnaTrunk(saga: Saga, o: { account: string; customerId: string; dids: string[] } & BolnaWants): Promise<PlatformObject[]> {
  const { account, customerId, dids } = o;
  const { platform, platformOnce, undoPlatform } = platformFor('bolna');
  const trunkObject = await ensureOnPlatform<BolnaTrunk>(saga, {
    provider: 'bolna',
    account,
    kind: 'bolna-trunk',
    customerId,
    what: 'a trunk',
    find: (requests, name) => requests.bolnaFindTrunk({ account, name }),
    create: (name) =>
      platformOnce.bolnaCreateTrunk({
        account,
        name,
        direction: o.direction,
        transport: 'tcp',
        ...(o.direction === 'outbound' ? { authUsername: o.userName, authPassword: o.password } : o.agentId ? { defaultInboundAgentId: o.agentId } : {}),
      }),
    adopt: async (found) => {
      const at: RestoreAt = { saga, step: STEP_OF['bolna-trunk'], key: `bolna-trunk:${found.id}`, what: `Bolna trunk ${found.name}` };
      if (o.direction === 'outbound') {
        // Bolna takes the credentials only together [C], and never shows the password it had: they stay.
        await changeFound(at, {
          restored: ['whether it dials out'],
          stays: [`its auth user name and password (Bolna takes them only together and never shows the password${found.authUsername ? `; it had ${found.authUsername}` : ''})`],
          restore: () => undoPlatform.bolnaUpdateTrunk({ account, id: found.id, outboundEnabled: found.outboundEnabled }),
          change: () => platform.bolnaUpdateTrunk({ account, id: found.id, outboundEnabled: true, authUsername: o.userName, authPassword: o.password }),
        });
        return;
      }
      const agent = o.agentId ?? found.defaultInboundAgentId;
      if (found.inboundEnabled && agent === found.defaultInboundAgentId) return;
      await changeFound(at, {
        restored: ['whether it takes calls', 'its default agent'],
        stays: [],
        restore: () => undoPlatform.bolnaUpdateTrunk({ account, id: found.id, inboundEnabled: found.inboundEnabled, defaultInboundAgentId: found.defaultInboundAgentId }),
        change: () => platform.bolnaUpdateTrunk({ account, id: found.id, inboundEnabled: true, ...(agent ? { defaultInboundAgentId: agent } : {}) }),
      });
    },
  });
  const trunkId = trunkObject.id;
  const parts: Part<BolnaTrunk>[] = [];
  if (o.direction === 'outbound') {
    const { host, port } = o.edge;
    parts.push({
      kind: 'bolna-gateway',
      key: `${host}:${port}`,
      on: (t) => t.gateways.find((g) => g.host.toLowerCase() === host.toLowerCase() && g.port === port),
      create: () => platformOnce.bolnaAddGateway({ account, trunkId, host, port, priority: 1 }),
    });
  } else {
    for (const ip of o.signallingIps) {
      const cidr = asCidr(ip);
      parts.push({
        kind: 'bolna-ip-acl',
        key: cidr,
        on: (t) => t.ipAcls.find((a) => asCidr(a.cidr) === cidr),
        create: () => platformOnce.bolnaAddIpAcl({ account, trunkId, cidr }),
      });
    }
  }
  for (const did of dids) parts.push(bolnaNumberPart({ account, trunkId, did }));
  return [trunkObject, ...(await ensureParts(saga, { provider: 'bolna', account, container: trunkObject, read: () => platform.bolnaGetTrunk({ account, id: trunkId }), parts }))];
}

/** A number on a Bolna trunk, keyed by the number. */
export function bolnaNumberPart({ account, trunkId, did }: { account: string; trunkId: string; did: string }): Part<BolnaTrunk> {
  const { platformOnce } = platformFor('bolna');
  return {
    kind: 'bolna-number',
    key: did,
    on: (t) => t.numbers.find((n) => n.e164 === did),
    // destination_key: the called number as Exotel sends it, without + (the bolna profile's sheet) [C]/[I].
    create: () => platformOnce.bolnaAddNumber({ account, trunkId, e164: did, destinationKey: did.replace(/^\+/, '') }),
  };
}
