// The cross-check of both sides is pure: each mismatch kind, from what Exotel holds and what the platform read back.
import { describe, expect, it } from 'vitest';
import { crossCheckInbound, crossCheckOutbound, mediaEncryptionFor, type LiveKitInboundView, type LiveKitOutboundTrunkView } from '../../domain/platform-side';

const edge = { host: 'in.voip.exotel.com', port: 443, transport: 'tls' as const };
const exotelOut = { edge, userName: 'sipabc123', dids: ['+919800000001', '+919800000002'] };
const trunk: LiveKitOutboundTrunkView = { id: 'ST_1', address: 'in.voip.exotel.com:443', transport: 'tls', numbers: ['+919800000001', '919800000002'], authUsername: 'sipabc123', mediaEncryption: 'allow' };

describe('crossCheckOutbound', () => {
  it('agrees when LiveKit dials the edge as the digest user with every number (a + is optional in its matching)', () => {
    expect(crossCheckOutbound(exotelOut, trunk)).toEqual([]);
    expect(crossCheckOutbound(exotelOut, { ...trunk, address: 'IN.voip.exotel.com' })).toEqual([]);
  });

  it('names each mismatch with both sides', () => {
    const kinds = (t: Partial<LiveKitOutboundTrunkView>) => crossCheckOutbound(exotelOut, { ...trunk, ...t }).map((m) => m.kind);
    expect(kinds({ address: 'in.voip.exotel.com:5070' })).toEqual(['address']);
    expect(kinds({ address: 'sg.voip.exotel.com:443' })).toEqual(['address']);
    expect(kinds({ transport: 'tcp' })).toEqual(['transport']);
    expect(kinds({ authUsername: 'someoneelse' })).toEqual(['credential']);
    expect(kinds({ numbers: ['+919800000001'] })).toEqual(['number']);
    expect(kinds({ mediaEncryption: 'disable' })).toEqual(['media-encryption']);
    expect(crossCheckOutbound(exotelOut, null)).toEqual([{ kind: 'missing', detail: 'the LiveKit outbound trunk is not there' }]);
    expect(crossCheckOutbound(exotelOut, { ...trunk, transport: 'udp' })[0]?.detail).toBe("LiveKit uses udp, Exotel's edge takes tls");
  });
});

describe('crossCheckInbound', () => {
  const livekit: LiveKitInboundView = { trunk: { id: 'ST_2', numbers: ['+919800000003'], mediaEncryption: 'allow' }, rule: { id: 'SDR_1', trunkIds: ['ST_2'] } };
  const tls: { host: string; port: number; transport: 'tls' | 'tcp' } = { host: 'acme.sip.livekit.cloud', port: 5061, transport: 'tls' };
  const exotelIn = { dids: ['+919800000003'], destinations: [tls] };

  it('agrees when Exotel sends to the SIP host on its port, every DID is on the trunk and a rule takes it', () => {
    expect(crossCheckInbound(exotelIn, livekit, 'acme.sip.livekit.cloud')).toEqual([]);
    // Without a configured SIP host, the host cannot be judged; the rest still is.
    expect(crossCheckInbound({ ...exotelIn, destinations: [{ ...tls, host: 'other.example.com' }] }, livekit, undefined)).toEqual([]);
  });

  it('names each mismatch', () => {
    const kinds = (exotel: Partial<typeof exotelIn>, lk: Partial<LiveKitInboundView> = {}) => crossCheckInbound({ ...exotelIn, ...exotel }, { ...livekit, ...lk }, 'acme.sip.livekit.cloud').map((m) => m.kind);
    expect(kinds({ destinations: [{ ...tls, host: 'acme.eu.sip.livekit.cloud' }] })).toEqual(['destination']);
    expect(kinds({ destinations: [{ ...tls, port: 5060 }] })).toEqual(['destination']);
    expect(kinds({ dids: ['+919800000003', '+919800000004'] })).toEqual(['number']);
    expect(kinds({}, { rule: null })).toEqual(['missing']);
    expect(kinds({}, { rule: { id: 'SDR_1', trunkIds: ['ST_other'] } })).toEqual(['dispatch']);
    expect(kinds({}, { trunk: { id: 'ST_2', numbers: ['+919800000003'], mediaEncryption: 'disable' } })).toEqual(['media-encryption']);
    expect(kinds({ destinations: [{ host: 'acme.sip.livekit.cloud', port: 5060, transport: 'tcp' }] }, { trunk: { id: 'ST_2', numbers: ['+919800000003'], mediaEncryption: 'require' } })).toEqual(['media-encryption']);
    expect(kinds({}, { trunk: null })).toEqual(['missing']);
  });

  it('allows media encryption on TLS trunks and leaves it off on TCP', () => {
    expect([mediaEncryptionFor('tls'), mediaEncryptionFor('tcp')]).toEqual(['allow', 'disable']);
  });
});
