// Creates that land but lose their answer, and resources that are not this setup's to take.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { sipUserNameFor, trunkNameFor } from '../../domain/naming';
import type { InboundSetupResult, OutboundSetupResult } from '../../domain/setup-result';
import { ExotelClient } from '../../exotel/client';
import type { FaultSpec } from '../../simulator';
import { failureOf, keepHistory, startHarness, type Harness } from '../support/setup-harness';

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

async function trunkNamed(name: string) {
  const trunks = (await h.admin.state()).accounts[h.exotelAccount.accountSid]?.trunks ?? [];
  const named = trunks.filter((t) => t.trunk_name === name);
  expect(named).toHaveLength(1);
  return named[0]!;
}

const lostAnswers = (then: 500 | 'drop'): FaultSpec[] =>
  ['/trunks$', '/phone-numbers$', '/credentials$', '/whitelisted-ips$', '/destination-uris$'].map((path) => ({
    method: 'POST',
    path,
    kind: 'commit-then-fail',
    then,
  }));

describe('a create that landed but lost its answer', () => {
  for (const then of [500, 'drop'] as const) {
    it(`is adopted, not made twice, on every create endpoint of an outbound setup (answer ${then})`, async () => {
      for (const fault of lostAnswers(then)) await h.admin.addFault(fault);
      const customerId = h.customer(`lost-out-${then}`);
      const started = await h.startOutbound({ customerId, did: `+9198333${then === 'drop' ? 1 : 2}0001`, providerIps: ['15.252.21.46'], allowAclWithDigest: true });
      const result = (await started.handle.result()) as OutboundSetupResult;
      await keepHistory(`outbound-lost-answers-${then}`, started.handle);

      const trunk = await trunkNamed(trunkNameFor(customerId, 'outbound'));
      expect(trunk.trunk_sid).toBe(result.trunkSid);
      expect(trunk.phone_numbers.map((n) => n.id)).toEqual([result.phoneNumberMappingId]);
      expect(trunk.credentials.map((c) => [c.id, c.user_name])).toEqual([[result.credentialId, sipUserNameFor(customerId)]]);
      expect(trunk.whitelisted_ips.map((e) => e.id)).toEqual(result.aclEntryIds);
      const faulted = (await h.loggedSinceMark()).filter((r) => r.fault === 'commit-then-fail');
      expect(faulted).toHaveLength(4);
    });
  }

  it('is adopted on every create endpoint of an inbound setup', async () => {
    for (const fault of lostAnswers(500)) await h.admin.addFault(fault);
    const customerId = h.customer('lost-in');
    const started = await h.startInbound({ customerId, did: '+919833300003', destinations: [LIVEKIT] });
    const result = (await started.handle.result()) as InboundSetupResult;
    await keepHistory('inbound-lost-answers', started.handle);
    const trunk = await trunkNamed(trunkNameFor(customerId, 'inbound'));
    expect(trunk.trunk_sid).toBe(result.trunkSid);
    expect(trunk.phone_numbers.map((n) => n.id)).toEqual([result.phoneNumberMappingId]);
    expect(trunk.destination_uris.map((d) => d.id)).toEqual(result.destinationIds);
  });

  it('is still rolled back when a later step fails for good', async () => {
    const before = await h.admin.state();
    await h.admin.addFault({ method: 'POST', path: '/trunks$', kind: 'commit-then-fail', then: 'drop' });
    await h.admin.addFault({ method: 'POST', path: '/phone-numbers$', kind: 'commit-then-fail', then: 500 });
    await h.admin.addFault({ method: 'POST', path: '/credentials$', kind: 'status', status: 400 });
    const started = await h.startOutbound({ customerId: h.customer('lost-then-fail'), did: '+919833300004' });
    const failure = await failureOf(started.handle.result());
    expect(failure.message).toContain('failed at step create-credential');
    expect(await h.admin.state()).toEqual(before);
  });
});

describe("what is not this setup's", () => {
  it('refuses a DID mapped to another trunk, and leaves that mapping alone', async () => {
    const other = await exotel.createTrunk('someone_else_1');
    const theirs = await exotel.mapPhoneNumber(other.trunk_sid, '+919833300005', 'pstn');
    const before = await h.admin.state();

    const started = await h.startOutbound({ customerId: h.customer('did-taken'), did: '+919833300005' });
    const failure = await failureOf(started.handle.result());
    expect(failure.message).toContain('failed at step map-did');
    expect(failure.message).toContain('+919833300005 is already mapped to another trunk');
    expect(failure.message).toMatch(/Rolled back: deleted trunk/);
    expect(await h.admin.state()).toEqual(before);
    expect((await exotel.listPhoneNumbers(other.trunk_sid)).map((n) => n.id)).toEqual([theirs.id]);
  });

  it("refuses a trunk that has this customer's name but carries other numbers, and leaves it alone", async () => {
    const customerId = h.customer('name-taken');
    const impostor = await exotel.createTrunk(trunkNameFor(customerId, 'outbound'));
    await exotel.mapPhoneNumber(impostor.trunk_sid, '+919833300006', 'pstn');
    const before = await h.admin.state();

    const started = await h.startOutbound({ customerId, did: '+919833300007' });
    const failure = await failureOf(started.handle.result());
    expect(failure.message).toContain('failed at step create-trunk');
    expect(failure.message).toContain('carries other numbers (+919833300006)');
    expect(failure.message).toContain('Rolled back: nothing had been created');
    expect(await h.admin.state()).toEqual(before);
  });

  it("adopts this customer's own trunk and mapping from an earlier setup, and never deletes them", async () => {
    const customerId = h.customer('rerun');
    const first = await h.startOutbound({ customerId, did: '+919833300008' });
    await first.handle.result();
    const before = await h.admin.state();

    // The same customer again under another workflow id (as a hand-started run would be): trunk and DID are
    // taken over, the digest user is refused (its password is unknown), and nothing of the first run is deleted.
    const handle = await h.client.workflow.start('outboundSetup', {
      taskQueue: h.taskQueue,
      workflowId: `rerun-${customerId}`,
      args: [{ customerId, exotelAccountSid: h.exotelAccount.accountSid, did: '+919833300008', opsDecisionTimeout: 0 }],
    });
    const failure = await failureOf(handle.result());
    expect(failure.message).toContain('failed at step create-credential');
    expect(failure.message).toContain('its password is not known to this setup');
    expect(failure.message).toContain('Rolled back: nothing had been created');
    expect(await h.admin.state()).toEqual(before);
  });
});
