// The cross-check of Retell's and ElevenLabs' numbers against Exotel is pure: each mismatch kind, from what Exotel
// holds and what the platform read back; and the names a setup gives the numbers.
import { describe, expect, it } from 'vitest';
import {
  API_PROVIDERS,
  crossCheckNumbersInbound,
  crossCheckNumbersOutbound,
  isEdge,
  mediaSuits,
  platformObjectName,
  type PlatformNumberView,
  type PlatformSipHost,
} from '../../domain/platform-side';

const edge = { host: 'in.voip.exotel.com', port: 443, transport: 'tls' as const };
const exotelOut = { edge, userName: 'sipabc123', dids: ['+919800000001', '+919800000002'] };
const number = (did: string, overrides: Partial<PlatformNumberView> = {}): PlatformNumberView => ({
  number: did,
  name: 'exotel-acme',
  outbound: { address: 'in.voip.exotel.com:443', transport: 'tls', userName: 'sipabc123', mediaEncryption: 'allow' },
  inbound: { mediaEncryption: 'allow' },
  ...overrides,
});
const both = [number('+919800000001'), number('+919800000002')];

describe('numbers by API', () => {
  it('configures Retell and ElevenLabs by API, their numbers named for the customer alone (both directions share them)', () => {
    expect(API_PROVIDERS).toEqual(['livekit', 'retell', 'elevenlabs', 'bolna', 'pipecat-daily', 'smallest-atoms']);
    expect(platformObjectName('retell-phone-number', 'acme')).toBe('exotel-acme');
    expect(platformObjectName('elevenlabs-phone-number', 'acme')).toBe('exotel-acme');
    expect(platformObjectName('livekit-outbound-trunk', 'acme')).toBe('exotel-acme-out');
  });

  it("reads an address as Exotel's edge by host (any case) and port (when given)", () => {
    expect(isEdge('in.voip.exotel.com:443', edge)).toBe(true);
    expect(isEdge('IN.voip.exotel.com', edge)).toBe(true);
    expect(isEdge('in.voip.exotel.com:5070', edge)).toBe(false);
    expect(isEdge(null, edge)).toBe(false);
  });
});

describe('crossCheckNumbersOutbound', () => {
  it('agrees when each number dials the edge in its transport as the digest user', () => {
    expect(crossCheckNumbersOutbound('retell', exotelOut, both)).toEqual([]);
    // Retell has no media encryption setting: nothing to judge there.
    const { mediaEncryption: _none, ...retellDials } = number('+919800000001').outbound ?? { address: null, transport: 'tls', userName: null };
    expect(crossCheckNumbersOutbound('retell', exotelOut, both.map((n) => ({ ...n, outbound: retellDials })))).toEqual([]);
  });

  it('names each mismatch with the number and both sides', () => {
    const kinds = (outbound: Partial<NonNullable<PlatformNumberView['outbound']>>) =>
      crossCheckNumbersOutbound('elevenlabs', exotelOut, [number('+919800000001', { outbound: { ...number('').outbound!, ...outbound } }), number('+919800000002')]).map((m) => m.kind);
    expect(kinds({ address: 'in.voip.exotel.com:5070' })).toEqual(['address']);
    expect(kinds({ address: 'sg.voip.exotel.com:443' })).toEqual(['address']);
    expect(kinds({ address: null })).toEqual(['address']);
    expect(kinds({ transport: 'tcp' })).toEqual(['transport']);
    expect(kinds({ userName: 'someoneelse' })).toEqual(['credential']);
    expect(kinds({ userName: null })).toEqual(['credential']);
    expect(kinds({ mediaEncryption: 'disable' })).toEqual(['media-encryption']);
    const [address] = crossCheckNumbersOutbound('retell', exotelOut, [number('+919800000001', { outbound: { address: 'elsewhere.example.com:5060', transport: 'tls', userName: 'sipabc123' } }), number('+919800000002')]);
    expect(address).toEqual({ kind: 'address', detail: "+919800000001: Retell dials elsewhere.example.com:5060, Exotel's edge is in.voip.exotel.com:443" });
  });

  it('misses a number the platform does not hold, and one without an outbound trunk', () => {
    expect(crossCheckNumbersOutbound('retell', exotelOut, [number('+919800000001')])).toEqual([{ kind: 'number', detail: '+919800000002 is mapped on Exotel but Retell does not hold it' }]);
    expect(crossCheckNumbersOutbound('elevenlabs', exotelOut, [number('+919800000001'), number('+919800000002', { outbound: null })])).toEqual([
      { kind: 'missing', detail: 'ElevenLabs has no outbound trunk for +919800000002' },
    ]);
  });
});

describe('crossCheckNumbersInbound', () => {
  const retellHost: PlatformSipHost = { host: 'sip.retellai.com', ports: { tcp: 5060, tls: 5061 } };
  const tcp: { host: string; port: number; transport: 'tls' | 'tcp' } = { host: 'sip.retellai.com', port: 5060, transport: 'tcp' };
  const exotelIn = { dids: ['+919800000003'], destinations: [tcp] };
  const retellNumber = number('+919800000003', { inbound: {} });

  it("agrees when Exotel sends to the platform's documented SIP host on its port and the number is held", () => {
    expect(crossCheckNumbersInbound('retell', exotelIn, [retellNumber], retellHost)).toEqual([]);
    expect(crossCheckNumbersInbound('retell', { ...exotelIn, destinations: [{ ...tcp, host: 'SIP.retellai.com' }] }, [retellNumber], retellHost)).toEqual([]);
    // Without a documented host, the host cannot be judged; the rest still is.
    expect(crossCheckNumbersInbound('retell', { ...exotelIn, destinations: [{ ...tcp, host: 'other.example.com' }] }, [retellNumber], undefined)).toEqual([]);
  });

  it('names each mismatch', () => {
    const kinds = (exotel: Partial<typeof exotelIn>, numbers: PlatformNumberView[] = [retellNumber], provider: 'retell' | 'elevenlabs' = 'retell') =>
      crossCheckNumbersInbound(provider, { ...exotelIn, ...exotel }, numbers, retellHost).map((m) => m.kind);
    expect(kinds({ destinations: [{ ...tcp, host: 'sip.example.com' }] })).toEqual(['destination']);
    expect(kinds({ destinations: [{ ...tcp, port: 5070 }] })).toEqual(['destination']);
    expect(kinds({ destinations: [{ ...tcp, transport: 'tls' }] })).toEqual(['destination']);
    expect(kinds({ dids: ['+919800000003', '+919800000004'] })).toEqual(['number']);
    expect(kinds({}, [{ ...retellNumber, inbound: null }], 'elevenlabs')).toEqual(['missing']);
    expect(kinds({}, [{ ...retellNumber, inbound: { mediaEncryption: 'require' } }], 'elevenlabs')).toEqual(['media-encryption']);
    expect(kinds({ destinations: [{ ...tcp, transport: 'tls', port: 5061 }] }, [{ ...retellNumber, inbound: { mediaEncryption: 'disable' } }], 'elevenlabs')).toEqual(['media-encryption']);
    const [destination] = crossCheckNumbersInbound('elevenlabs', { ...exotelIn, destinations: [{ host: 'evil.example.com', port: 5061, transport: 'tls' }] }, [retellNumber], {
      host: 'sip.rtc.elevenlabs.io',
      ports: { tls: 5061, tcp: 5060 },
    });
    expect(destination).toEqual({ kind: 'destination', detail: 'Exotel sends to evil.example.com, the ElevenLabs SIP host is sip.rtc.elevenlabs.io' });
  });

  it('judges media encryption by the rule of the cross-checks', () => {
    expect([mediaSuits('tls', 'allow'), mediaSuits('tls', 'require'), mediaSuits('tls', 'disable')]).toEqual([true, true, false]);
    expect([mediaSuits('tcp', 'allow'), mediaSuits('tcp', 'disable'), mediaSuits('tcp', 'require')]).toEqual([true, true, false]);
  });
});
