// LiveKit's SIP API through its official server SDK (livekit-server-sdk's SipClient, Twirp underneath): the trunks
// and dispatch rule a setup makes, each call one request, each failure a PlatformError. Behaviour observed on
// livekit-server 1.9.11 (test/platform/livekit-server.test.ts): a second outbound trunk with the same number is
// accepted, a second inbound one is refused (400 invalid_argument "Conflicting inbound SIP Trunks"), deleting a
// missing trunk succeeds, deleting a missing dispatch rule is a 404.
import { ListUpdate, RoomAgentDispatch, RoomConfiguration, SIPMediaEncryption, SIPTransport, type SIPDispatchRuleInfo, type SIPInboundTrunkInfo, type SIPOutboundTrunkInfo } from '@livekit/protocol';
import { ServerError, SipClient } from 'livekit-server-sdk';
import type { LiveKitOutboundTrunkView, MediaEncryption } from '../domain/platform-side';
import type { LiveKitAccountSettings } from './accounts';
import { kindOfStatus, PlatformError } from './errors';

/** Seconds: like the Exotel client's, well inside an activity attempt. */
const REQUEST_TIMEOUT_S = 15;

const TRANSPORT: Record<'tls' | 'tcp', SIPTransport> = { tls: SIPTransport.SIP_TRANSPORT_TLS, tcp: SIPTransport.SIP_TRANSPORT_TCP };
const MEDIA: Record<MediaEncryption, SIPMediaEncryption> = {
  disable: SIPMediaEncryption.SIP_MEDIA_ENCRYPT_DISABLE,
  allow: SIPMediaEncryption.SIP_MEDIA_ENCRYPT_ALLOW,
  require: SIPMediaEncryption.SIP_MEDIA_ENCRYPT_REQUIRE,
};

export interface LiveKitInboundTrunkView {
  id: string;
  name: string;
  numbers: string[];
  mediaEncryption: MediaEncryption;
}

export interface LiveKitDispatchRuleView {
  id: string;
  name: string;
  trunkIds: string[];
}

export class LiveKitSip {
  private readonly sip: SipClient;

  constructor(account: LiveKitAccountSettings) {
    this.sip = new SipClient(account.url, account.apiKey, account.apiSecret, { requestTimeout: REQUEST_TIMEOUT_S });
  }

  async createOutboundTrunk(o: { name: string; address: string; transport: 'tls' | 'tcp'; numbers: string[]; authUsername: string; authPassword: string; mediaEncryption: MediaEncryption }): Promise<LiveKitOutboundTrunkView & { name: string }> {
    const made = await this.call('CreateSIPOutboundTrunk', () =>
      this.sip.createSipOutboundTrunk(o.name, o.address, o.numbers, {
        transport: TRANSPORT[o.transport],
        authUsername: o.authUsername,
        authPassword: o.authPassword,
        // `mediaEncryption` is deprecated for `media.encryption` in the newest protocol, which servers before it
        // (1.9.11 here) do not know; the old field is still read by both [I from the SDK's deprecation note].
        mediaEncryption: MEDIA[o.mediaEncryption],
      }),
    );
    return outboundView(made);
  }

  async findOutboundTrunk(name: string): Promise<(LiveKitOutboundTrunkView & { name: string }) | null> {
    const all = await this.call('ListSIPOutboundTrunk', () => this.sip.listSipOutboundTrunk());
    const found = all.find((t) => t.name === name);
    return found ? outboundView(found) : null;
  }

  async readOutboundTrunk(id: string): Promise<LiveKitOutboundTrunkView | null> {
    // With trunkIds, a missing trunk is a nil item in its place.
    const [found] = await this.call('ListSIPOutboundTrunk', () => this.sip.listSipOutboundTrunk({ trunkIds: [id] }));
    return found?.sipTrunkId === id ? outboundView(found) : null;
  }

  /** A rotation: the trunk dials Exotel as the new digest user from the next call on. */
  async updateOutboundTrunkAuth(id: string, auth: { authUsername: string; authPassword: string }): Promise<LiveKitOutboundTrunkView & { name: string }> {
    return outboundView(await this.call('UpdateSIPOutboundTrunk', () => this.sip.updateSipOutboundTrunkFields(id, auth)));
  }

  /** A trunk's numbers, replaced whole (ListUpdate.set), for DID changes; answers the numbers it holds now. */
  async setTrunkNumbers(direction: 'outbound' | 'inbound', id: string, numbers: string[]): Promise<string[]> {
    const update = { numbers: new ListUpdate({ set: numbers }) };
    const trunk =
      direction === 'outbound'
        ? await this.call('UpdateSIPOutboundTrunk', () => this.sip.updateSipOutboundTrunkFields(id, update))
        : await this.call('UpdateSIPInboundTrunk', () => this.sip.updateSipInboundTrunkFields(id, update));
    return [...trunk.numbers];
  }

  async createInboundTrunk(o: { name: string; numbers: string[]; mediaEncryption: MediaEncryption }): Promise<LiveKitInboundTrunkView> {
    return inboundView(await this.call('CreateSIPInboundTrunk', () => this.sip.createSipInboundTrunk(o.name, o.numbers, { mediaEncryption: MEDIA[o.mediaEncryption] })));
  }

  async findInboundTrunk(name: string): Promise<LiveKitInboundTrunkView | null> {
    const found = (await this.call('ListSIPInboundTrunk', () => this.sip.listSipInboundTrunk())).find((t) => t.name === name);
    return found ? inboundView(found) : null;
  }

  async readInboundTrunk(id: string): Promise<LiveKitInboundTrunkView | null> {
    const [found] = await this.call('ListSIPInboundTrunk', () => this.sip.listSipInboundTrunk({ trunkIds: [id] }));
    return found?.sipTrunkId === id ? inboundView(found) : null;
  }

  /** Both kinds of trunk are deleted by id alike; a trunk already gone is deleted without complaint. */
  async deleteTrunk(id: string): Promise<void> {
    await this.call('DeleteSIPTrunk', () => this.sip.deleteSipTrunk(id));
  }

  /** One room per call (`<roomPrefix>_<caller>_<random>`), the agent dispatched into it when one is named. */
  async createDispatchRule(o: { name: string; trunkId: string; roomPrefix: string; agentName?: string }): Promise<LiveKitDispatchRuleView> {
    const roomConfig = o.agentName ? new RoomConfiguration({ agents: [new RoomAgentDispatch({ agentName: o.agentName })] }) : undefined;
    const made = await this.call('CreateSIPDispatchRule', () =>
      this.sip.createSipDispatchRule({ type: 'individual', roomPrefix: o.roomPrefix }, { name: o.name, trunkIds: [o.trunkId], ...(roomConfig ? { roomConfig } : {}) }),
    );
    return ruleView(made);
  }

  async findDispatchRule(name: string): Promise<LiveKitDispatchRuleView | null> {
    const found = (await this.call('ListSIPDispatchRule', () => this.sip.listSipDispatchRule())).find((r) => r.name === name);
    return found ? ruleView(found) : null;
  }

  async readDispatchRule(id: string): Promise<LiveKitDispatchRuleView | null> {
    const [found] = await this.call('ListSIPDispatchRule', () => this.sip.listSipDispatchRule({ dispatchRuleIds: [id] }));
    return found?.sipDispatchRuleId === id ? ruleView(found) : null;
  }

  /** False when it was already gone (a 404). */
  async deleteDispatchRule(id: string): Promise<boolean> {
    try {
      await this.call('DeleteSIPDispatchRule', () => this.sip.deleteSipDispatchRule(id));
      return true;
    } catch (err) {
      if (err instanceof PlatformError && err.details.kind === 'not-found') return false;
      throw err;
    }
  }

  private async call<T>(operation: string, send: () => Promise<T>): Promise<T> {
    try {
      return await send();
    } catch (err) {
      throw toPlatformError(operation, err);
    }
  }
}

function toPlatformError(operation: string, err: unknown): PlatformError {
  if (err instanceof ServerError) {
    // Twirp's invalid_argument for a number another inbound trunk holds: that trunk is not this setup's.
    const kind = /conflicting/i.test(err.message) ? 'duplicate' : kindOfStatus(err.status);
    return new PlatformError({ provider: 'livekit', kind, operation, httpStatus: err.status, ...(err.code ? { code: err.code } : {}), description: err.message });
  }
  const description = err instanceof Error ? `${err.message}${err.cause instanceof Error ? `: ${err.cause.message}` : ''}` : String(err);
  // fetch's own failures (refused, reset, DNS) and the request timeout: no answer, so worth another try. Anything
  // else was thrown before a request went out (the SDK refusing its input): trying again changes nothing.
  const noAnswer = err instanceof Error && ((err instanceof TypeError && /fetch failed/i.test(err.message)) || err.name === 'AbortError' || err.name === 'TimeoutError');
  return new PlatformError({ provider: 'livekit', kind: noAnswer ? 'transient' : 'rejected', operation, description });
}

const mediaOf = (m: SIPMediaEncryption): MediaEncryption => (m === SIPMediaEncryption.SIP_MEDIA_ENCRYPT_REQUIRE ? 'require' : m === SIPMediaEncryption.SIP_MEDIA_ENCRYPT_ALLOW ? 'allow' : 'disable');

const transportOf = (t: SIPTransport): LiveKitOutboundTrunkView['transport'] =>
  t === SIPTransport.SIP_TRANSPORT_TLS ? 'tls' : t === SIPTransport.SIP_TRANSPORT_TCP ? 'tcp' : t === SIPTransport.SIP_TRANSPORT_UDP ? 'udp' : 'auto';

/** Never the password: LiveKit returns it in clear, and a view ends up in workflow history. */
function outboundView(t: SIPOutboundTrunkInfo): LiveKitOutboundTrunkView & { name: string } {
  return { id: t.sipTrunkId, name: t.name, address: t.address, transport: transportOf(t.transport), numbers: [...t.numbers], authUsername: t.authUsername, mediaEncryption: mediaOf(t.mediaEncryption) };
}

function inboundView(t: SIPInboundTrunkInfo): LiveKitInboundTrunkView {
  return { id: t.sipTrunkId, name: t.name, numbers: [...t.numbers], mediaEncryption: mediaOf(t.mediaEncryption) };
}

function ruleView(r: SIPDispatchRuleInfo): LiveKitDispatchRuleView {
  return { id: r.sipDispatchRuleId, name: r.name, trunkIds: [...r.trunkIds] };
}
