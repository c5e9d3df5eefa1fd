import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { trunkNameFor } from '../../domain/naming';
import type { InboundSetupResult } from '../../domain/setup-result';
import { ExotelClient } from '../../exotel/client';
import { statusQuery } from '../../workflows/progress';
import { expectCancelled, failureOf, keepHistory, startHarness, waitForStep, type Harness } from '../support/setup-harness';

let h: Harness;
let exotel: ExotelClient;
beforeAll(async () => {
  h = await startHarness();
  exotel = new ExotelClient(h.exotelAccount);
});
afterAll(() => h.stop());
beforeEach(async () => {
  await h.admin.clearFaults();
  await h.mark();
});

const LIVEKIT = 'acme1234.india.sip.livekit.cloud:5061;transport=tls';
const BACKUP = 'sip.rtc.elevenlabs.io:5060;transport=tcp';

async function trunkState(trunkSid: string) {
  return (await h.admin.state()).accounts[h.exotelAccount.accountSid]?.trunks.find((t) => t.trunk_sid === trunkSid);
}

describe('inboundSetup', () => {
  it('creates a trunk, maps the DID, adds the destinations and verifies by reading back', async () => {
    const customerId = h.customer('in-happy');
    const started = await h.startInbound({ customerId, did: '+919822200001', destinations: [LIVEKIT, `sip:${BACKUP.toUpperCase().replace('TRANSPORT=TCP', 'transport=tcp')}`] });
    const result = (await started.handle.result()) as InboundSetupResult;
    await keepHistory('inbound-succeeded', started.handle);
    expect(await h.requestsSinceMark()).toEqual([
      'POST /trunks',
      'POST /trunks/{trunk}/phone-numbers',
      'POST /trunks/{trunk}/destination-uris',
      'GET /trunks?trunk_sid={trunk}',
      'GET /trunks/{trunk}/phone-numbers?page_size=50&offset=0',
      'GET /trunks/{trunk}/destination-uris?page_size=50&offset=0',
    ]);
    expect(result).toMatchObject({
      trunkName: trunkNameFor(customerId, 'inbound'),
      trunkCreated: true,
      connectAppletDialWhom: `sip:${result.trunkSid}`,
    });
    const trunk = await trunkState(result.trunkSid);
    expect(trunk?.phone_numbers).toEqual([expect.objectContaining({ id: result.phoneNumberMappingId, phone_number: '+919822200001', mode: 'pstn' })]);
    expect(trunk?.destination_uris.map((d) => [d.id, d.destination])).toEqual([
      [result.destinationIds[0], `sip:${LIVEKIT}`],
      [result.destinationIds[1], `sip:${BACKUP}`],
    ]);
    expect((await started.handle.query(statusQuery)).steps.map((s) => [s.name, s.state])).toEqual([
      ['validate', 'done'],
      ['create-trunk', 'done'],
      ['map-did', 'done'],
      ['add-destinations', 'done'],
      ['verify', 'done'],
    ]);
  });

  it('uses a given trunk, keeps a DID already mapped, reads destinations before adding, and adds only what is missing', async () => {
    const existing = await exotel.createTrunk('given_trunk_1');
    const mapping = await exotel.mapPhoneNumber(existing.trunk_sid, '+919822200002', 'pstn');
    const [kept] = await exotel.addDestinationUris(existing.trunk_sid, [BACKUP]);
    await h.mark();

    const started = await h.startInbound({
      customerId: h.customer('in-given'),
      did: '+919822200002',
      trunkSid: existing.trunk_sid,
      destinations: [BACKUP, LIVEKIT],
    });
    const result = (await started.handle.result()) as InboundSetupResult;
    await keepHistory('inbound-succeeded-on-given-trunk', started.handle);
    expect(await h.requestsSinceMark()).toEqual([
      'GET /trunks?trunk_sid={trunk}',
      'POST /trunks/{trunk}/phone-numbers',
      'GET /trunks/{trunk}/phone-numbers?page_size=50&offset=0',
      'GET /trunks/{trunk}/destination-uris?page_size=50&offset=0',
      'POST /trunks/{trunk}/destination-uris',
      'GET /trunks?trunk_sid={trunk}',
      'GET /trunks/{trunk}/phone-numbers?page_size=50&offset=0',
      'GET /trunks/{trunk}/destination-uris?page_size=50&offset=0',
    ]);
    expect(result).toMatchObject({ trunkSid: existing.trunk_sid, trunkCreated: false, phoneNumberMappingId: mapping.id });
    expect(result.destinationIds[0]).toBe(kept?.id);
    expect((await trunkState(existing.trunk_sid))?.destination_uris.map((d) => d.destination)).toEqual([`sip:${BACKUP}`, `sip:${LIVEKIT}`]);
  });

  it('refuses a trunk sid that does not exist, before changing anything', async () => {
    const before = await h.admin.state();
    const started = await h.startInbound({ customerId: h.customer('in-missing'), did: '+919822200003', trunkSid: 'trmum1000000000000000000a1n', destinations: [LIVEKIT] });
    const failure = await failureOf(started.handle.result());
    expect(failure.message).toContain('failed at step use-trunk');
    expect(failure.message).toContain('does not exist');
    expect(await h.admin.state()).toEqual(before);
  });

  it('refuses UDP and malformed destinations before any request', async () => {
    const err = await h
      .startInbound({ customerId: h.customer('in-bad'), did: '+919822200004', destinations: ['sip.example.com:5060;transport=udp', 'nohost'] })
      .then(
        () => undefined,
        (e: unknown) => e as Error,
      );
    expect(err?.message).toContain('destinations[0] = "sip.example.com:5060;transport=udp": UDP is not supported');
    expect(err?.message).toContain('destinations[1] = "nohost": must be host:port;transport=tls');
    expect(await h.requestsSinceMark()).toEqual([]);
  });

  const refuse = (method: string, path: string) => ({ method, path, kind: 'status' as const, status: 400 });
  const newTrunkFailures = [
    { step: 'create-trunk', fault: refuse('POST', '/trunks$'), rolledBack: 0 },
    { step: 'map-did', fault: refuse('POST', '/phone-numbers$'), rolledBack: 1 },
    { step: 'add-destinations', fault: refuse('POST', '/destination-uris$'), rolledBack: 2 },
    { step: 'verify', fault: refuse('GET', '/destination-uris$'), rolledBack: 3 },
  ];
  for (const point of newTrunkFailures) {
    it(`rolls back a new trunk's setup when ${point.step} fails for good`, async () => {
      const before = await h.admin.state();
      await h.admin.addFault(point.fault);
      const started = await h.startInbound({ customerId: h.customer(`in-fail-${point.step}`), did: '+919822200005', destinations: [LIVEKIT] });
      const failure = await failureOf(started.handle.result());
      await keepHistory(`inbound-rolled-back-at-${point.step}`, started.handle);
      expect(failure.message).toContain(`failed at step ${point.step}`);
      expect((failure.details?.[0] as { rolledBack: string[] }).rolledBack).toHaveLength(point.rolledBack);
      expect(await h.admin.state()).toEqual(before);
    });
  }

  it('rolls back a partly accepted destination batch (207) on a given trunk, leaving what was there before', async () => {
    const existing = await exotel.createTrunk('given_trunk_2');
    await exotel.mapPhoneNumber(existing.trunk_sid, '+919822200006', 'pstn');
    await exotel.addDestinationUris(existing.trunk_sid, [BACKUP]);
    const before = await h.admin.state();

    // 198.51.100.7 is a documentation address Exotel refuses; LIVEKIT in the same batch is accepted.
    const started = await h.startInbound({
      customerId: h.customer('in-207'),
      did: '+919822200006',
      trunkSid: existing.trunk_sid,
      destinations: [LIVEKIT, '198.51.100.7:5061;transport=tls'],
    });
    const failure = await failureOf(started.handle.result());
    await keepHistory('inbound-rolled-back-partial-batch', started.handle);
    expect(failure.message).toContain('failed at step add-destinations');
    expect(failure.message).toContain('198.51.100.7:5061;transport=tls');
    expect((failure.details?.[0] as { rolledBack: string[] }).rolledBack).toEqual([expect.stringContaining(`removed destinations ${LIVEKIT}`)]);
    expect(await h.admin.state()).toEqual(before);
  });

  it('does not append a destination twice when the POST committed but its answer was lost', async () => {
    await h.admin.addFault({ method: 'POST', path: '/destination-uris$', kind: 'commit-then-fail', then: 500 });
    const started = await h.startInbound({ customerId: h.customer('in-lost'), did: '+919822200007', destinations: [LIVEKIT] });
    const result = (await started.handle.result()) as InboundSetupResult;
    await keepHistory('inbound-lost-answer-reread', started.handle);
    expect((await trunkState(result.trunkSid))?.destination_uris.map((d) => d.destination)).toEqual([`sip:${LIVEKIT}`]);
    expect((await h.requestsSinceMark()).filter((r) => r.startsWith('POST /trunks/{trunk}/destination-uris'))).toHaveLength(1);
  });

  it('compensates when cancelled mid-flow', async () => {
    const before = await h.admin.state();
    await h.admin.addFault({ method: 'POST', path: '/destination-uris$', kind: 'latency', latencyMs: 1_500 });
    const started = await h.startInbound({ customerId: h.customer('in-cancel'), did: '+919822200008', destinations: [LIVEKIT] });
    await waitForStep(started.handle, 'add-destinations', 'running');
    await started.handle.cancel();
    await expectCancelled(started.handle.result());
    await keepHistory('inbound-cancelled', started.handle);
    expect(await h.admin.state()).toEqual(before);
  });
});
