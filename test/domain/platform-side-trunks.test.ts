// The cross-checks of Bolna's trunk and Daily's SIP trunk against Exotel are pure: each mismatch kind, from what
// Exotel holds and what the platform read back; Daily's trunk name read from a destination host; which directions
// keep the sheet.
import { describe, expect, it } from 'vitest';
import {
  asCidr,
  crossCheckBolnaInbound,
  crossCheckBolnaOutbound,
  crossCheckDailyInbound,
  dailyTrunkNameOf,
  MANUAL_DIRECTIONS,
  type BolnaTrunkSnapshot,
  type DailyTrunkSnapshot,
} from '../../domain/platform-side';
import { signallingIpsOf } from '../../domain/providers/profile';
import { parseSetupRequest } from '../../domain/setup-request';

const edge = { host: 'in.voip.exotel.com', port: 5070, transport: 'tcp' as const };
const dids = ['+919800000001', '+919800000002'];
const trunk = (overrides: Partial<BolnaTrunkSnapshot> = {}): BolnaTrunkSnapshot => ({
  id: 'trk_1',
  inboundEnabled: true,
  outboundEnabled: true,
  transport: 'tcp',
  authUsername: 'sipabc123',
  gateways: [{ host: 'in.voip.exotel.com', port: 5070 }],
  ipAcls: [{ cidr: '203.0.113.10/32' }],
  numbers: dids.map((e164) => ({ e164 })),
  ...overrides,
});
const kinds = (found: { kind: string }[]) => found.map((m) => m.kind);

describe('crossCheckBolnaOutbound', () => {
  const exotel = { edge, userName: 'sipabc123', dids };
  it("agrees when the trunk dials Exotel's edge over tcp as the digest user, from every number", () => {
    expect(crossCheckBolnaOutbound(exotel, trunk())).toEqual([]);
    expect(crossCheckBolnaOutbound(exotel, trunk({ gateways: [{ host: 'IN.voip.exotel.com', port: 5070 }] }))).toEqual([]);
  });
  it('names each mismatch', () => {
    expect(kinds(crossCheckBolnaOutbound(exotel, null))).toEqual(['missing']);
    expect(kinds(crossCheckBolnaOutbound(exotel, trunk({ outboundEnabled: false })))).toEqual(['missing']);
    expect(kinds(crossCheckBolnaOutbound(exotel, trunk({ gateways: [{ host: 'in.voip.exotel.com', port: 5071 }] })))).toEqual(['address']);
    expect(kinds(crossCheckBolnaOutbound(exotel, trunk({ gateways: [] })))).toEqual(['address']);
    expect(kinds(crossCheckBolnaOutbound(exotel, trunk({ transport: 'udp' })))).toEqual(['transport']);
    expect(kinds(crossCheckBolnaOutbound(exotel, trunk({ authUsername: null })))).toEqual(['credential']);
    const [missingNumber] = crossCheckBolnaOutbound(exotel, trunk({ numbers: [{ e164: '+919800000001' }] }));
    expect(missingNumber).toEqual({ kind: 'number', detail: '+919800000002 is mapped on Exotel but not a number of the Bolna trunk' });
  });
});

describe('crossCheckBolnaInbound', () => {
  const destinations = [{ host: 'trunk.bolna.ai', port: 5060, transport: 'tcp' as const }];
  const documented = { host: 'trunk.bolna.ai', ports: { tcp: 5060 } };
  const exotel = { dids, destinations, signallingIps: ['203.0.113.10'] };
  it("agrees when the trunk takes calls for every number from Exotel's IPs, at Bolna's host", () => {
    expect(crossCheckBolnaInbound(exotel, trunk(), documented)).toEqual([]);
  });
  it('names each mismatch', () => {
    expect(kinds(crossCheckBolnaInbound(exotel, trunk({ inboundEnabled: false }), documented))).toEqual(['missing']);
    expect(kinds(crossCheckBolnaInbound(exotel, trunk({ ipAcls: [] }), documented))).toEqual(['address']);
    expect(kinds(crossCheckBolnaInbound(exotel, trunk({ numbers: [] }), documented))).toEqual(['number', 'number']);
    expect(kinds(crossCheckBolnaInbound({ ...exotel, destinations: [{ host: 'sip.bolna.ai', port: 5060, transport: 'tcp' }] }, trunk(), documented))).toEqual(['destination']);
    expect(kinds(crossCheckBolnaInbound({ ...exotel, destinations: [{ host: 'trunk.bolna.ai', port: 5061, transport: 'tcp' }] }, trunk(), documented))).toEqual(['destination']);
  });
  it('reads a bare IP and its /32 as the same entry', () => {
    expect(asCidr('203.0.113.10')).toBe('203.0.113.10/32');
    expect(asCidr(' 10.0.0.0/24 ')).toBe('10.0.0.0/24');
  });
});

describe('crossCheckDailyInbound', () => {
  const sipHost = 'examplecorp-exotelacme.siptrunk.sip-us.daily.co';
  const daily = (overrides: Partial<DailyTrunkSnapshot> = {}): DailyTrunkSnapshot => ({ id: 'st_1', sipHost, enabled: true, allowedIps: ['203.0.113.10'], isOpen: false, ...overrides });
  const exotel = { destinations: [{ host: sipHost, port: 5060, transport: 'tcp' as const }], signallingIps: ['203.0.113.10'] };
  it("agrees when Exotel sends to the trunk's own host, which admits Exotel's IPs", () => {
    expect(crossCheckDailyInbound(exotel, daily())).toEqual([]);
    expect(crossCheckDailyInbound(exotel, daily({ allowedIps: [], isOpen: true }))).toEqual([]);
  });
  it('names each mismatch', () => {
    expect(kinds(crossCheckDailyInbound(exotel, null))).toEqual(['missing']);
    expect(kinds(crossCheckDailyInbound(exotel, daily({ enabled: false })))).toEqual(['missing']);
    expect(kinds(crossCheckDailyInbound(exotel, daily({ allowedIps: ['198.51.100.1'] })))).toEqual(['address']);
    expect(kinds(crossCheckDailyInbound(exotel, daily({ sipHost: 'examplecorp-other.siptrunk.sip-us.daily.co' })))).toEqual(['destination']);
  });
});

describe('dailyTrunkNameOf', () => {
  it("reads the trunk's name out of its host on the account's domain", () => {
    expect(dailyTrunkNameOf('examplecorp-exotelacme.siptrunk.sip-us.daily.co', 'examplecorp')).toEqual({ trunkName: 'exotelacme' });
    expect(dailyTrunkNameOf('ExampleCorp-Support.siptrunk.sip-us.daily.co', 'examplecorp')).toEqual({ trunkName: 'support' });
    expect(dailyTrunkNameOf('example-corp-support.siptrunk.sip-us.daily.co', 'example-corp')).toEqual({ trunkName: 'support' });
  });
  it('says why a host names no trunk of the domain', () => {
    expect(dailyTrunkNameOf('othercorp-support.siptrunk.sip-us.daily.co', 'examplecorp')).toMatchObject({ problem: expect.stringContaining('not a SIP trunk host of Daily domain examplecorp') as string });
    expect(dailyTrunkNameOf('examplecorp.sip-us.daily.co', 'examplecorp')).toMatchObject({ problem: expect.stringContaining('not a SIP trunk host') as string });
    expect(dailyTrunkNameOf('examplecorp-exotel-acme.siptrunk.sip-us.daily.co', 'examplecorp')).toMatchObject({ problem: expect.stringContaining('no hyphens') as string });
    expect(dailyTrunkNameOf('examplecorp-ab.siptrunk.sip-us.daily.co', 'examplecorp')).toMatchObject({ problem: expect.stringContaining('3-63') as string });
    expect(dailyTrunkNameOf(`examplecorp-${'a'.repeat(55)}.siptrunk.sip-us.daily.co`, 'examplecorp')).toMatchObject({ problem: expect.stringContaining('longer than a host label') as string });
  });
});

describe('directions by API', () => {
  it('keeps the sheet for Daily outbound and Atoms inbound, saying why', () => {
    expect(Object.keys(MANUAL_DIRECTIONS)).toEqual(['pipecat-daily', 'smallest-atoms']);
    expect(MANUAL_DIRECTIONS['pipecat-daily']?.outbound).toContain('dials out per call');
    expect(MANUAL_DIRECTIONS['smallest-atoms']?.inbound).toContain('no origination URL by API');
    expect(MANUAL_DIRECTIONS['pipecat-daily']?.inbound).toBeUndefined();
  });
});

describe("Exotel's signalling IPs as users paste them", () => {
  const inbound = (exotelSignallingIps: string) =>
    parseSetupRequest({ direction: 'inbound', customerId: 'acme-1', exotelAccountSid: 'acme_in', did: '+919876543210', provider: 'bolna', providerFields: { exotelSignallingIps } });
  it('takes commas, semicolons, spaces and a spreadsheet column (CRLF), trimmed', () => {
    for (const pasted of [' 203.0.113.10 ,203.0.113.11\r\n', '203.0.113.10;203.0.113.11', '203.0.113.10\r\n203.0.113.11', '203.0.113.10 203.0.113.11']) {
      expect(signallingIpsOf(inbound(pasted).input.providerFields), JSON.stringify(pasted)).toEqual(['203.0.113.10', '203.0.113.11']);
    }
  });
  it('refuses anything else by field, value and rule', () => {
    expect(() => inbound('203.0.113.10, exotel.com')).toThrow(/providerFields\.exotelSignallingIps = "203\.0\.113\.10, exotel\.com": must be IPv4 addresses or CIDRs/);
  });
});
