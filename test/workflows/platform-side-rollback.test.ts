// One saga across both sides: a permanent failure at each step position, on Exotel's side or the platform's, rolls
// back what the setup made on both, and leaves nothing behind on either (Retell outbound, Bolna inbound: a number
// platform and a trunk with parts; against their stand-ins and the Exotel simulator, on the dev server).
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { FaultSpec } from '../../simulator';
import { startBolnaStandIn, startRetellStandIn, type BolnaStoredTrunk, type RetellStoredNumber, type RunningStandIn } from '../../simulator/voice-ai';
import { failureOf, startHarness, type Harness } from '../support/setup-harness';

const AGENT = '3c90c3cc-0d44-4b50-8888-8dd25736052a';
const refused = (method: string, path: string, skip = 0): FaultSpec => ({ kind: 'status', status: 400, method, path, count: 1, skip });

let retell: RunningStandIn<RetellStoredNumber>;
let bolna: RunningStandIn<BolnaStoredTrunk>;
let h: Harness;
beforeAll(async () => {
  retell = await startRetellStandIn();
  bolna = await startBolnaStandIn({ agents: [AGENT] });
  h = await startHarness({}, { sipEdge: { host: 'in.voip.exotel.com', port: 5070, transport: 'tcp' } }, {
    platformAccounts: [
      { name: 'retell', provider: 'retell', apiKey: retell.apiKey, baseUrl: retell.url },
      { name: 'bolna', provider: 'bolna', apiKey: bolna.apiKey, baseUrl: bolna.url },
    ],
  });
}, 120_000);
afterAll(async () => {
  await h?.stop();
  await retell?.close();
  await bolna?.close();
});
beforeEach(async () => {
  await Promise.all([retell.admin.reset(), bolna.admin.reset(), h.admin.clearFaults()]);
});

/** Nothing of the customer's is left on Exotel (its trunk went, and with it every part) or on the platform. */
async function nothingLeft(did: string): Promise<void> {
  expect(await h.exotelTrunksWith(did)).toEqual([]);
  const trunks = (await h.admin.state()).accounts[h.exotelAccount.accountSid]?.trunks ?? [];
  expect(trunks.filter((t) => t.credentials.length > 0 && t.phone_numbers.length === 0)).toEqual([]);
  expect((await retell.admin.state()).numbers).toEqual([]);
  expect((await bolna.admin.state()).numbers).toEqual([]);
}

let n = 0;
const nextDid = () => `+91981290${String(++n).padStart(4, '0')}`;

describe('Retell outbound: a permanent failure at each step rolls back both sides', () => {
  it.each<[string, 'exotel' | 'retell', FaultSpec]>([
    ['create-trunk', 'exotel', refused('POST', '/trunks$')],
    ['map-did', 'exotel', refused('POST', '/phone-numbers$')],
    ['create-credential', 'exotel', refused('POST', '/credentials$')],
    ['allowlist-ips', 'exotel', refused('POST', '/whitelisted-ips$')],
    ['platform-number', 'retell', refused('POST', '^/import-phone-number$')],
    // The read before the import is the first GET; the cross-check's is the second.
    ['cross-check', 'retell', refused('GET', '^/get-phone-number/', 1)],
  ])('at %s (%s)', async (step, side, fault) => {
    await (side === 'exotel' ? h.admin : retell.admin).addFault(fault);
    const did = nextDid();
    const started = await h.startOutbound({ customerId: h.customer(`rb-${step}`), did, provider: 'retell', providerIps: ['203.0.113.7'], allowAclWithDigest: true });
    const failure = await failureOf(started.handle.result());
    expect(failure.message).toContain(`failed at step ${step}`);
    await nothingLeft(did);
  });
});

describe('Bolna inbound: a permanent failure at each step, or at each part of the platform step, rolls back both sides', () => {
  it.each<[string, string, FaultSpec]>([
    ['create-trunk', 'exotel', refused('POST', '/trunks$')],
    ['map-did', 'exotel', refused('POST', '/phone-numbers$')],
    ['platform-trunk', 'bolna: the trunk', refused('POST', '^/trunk/trunks$')],
    ['platform-trunk', 'bolna: its ACL entry', refused('POST', '^/trunk/trunks/[^/]+/ip-acls$')],
    ['platform-trunk', 'bolna: its number', refused('POST', '^/trunk/trunks/[^/]+/numbers$')],
    ['add-destinations', 'exotel', refused('POST', '/destination-uris$')],
    ['verify', 'exotel', refused('GET', '/phone-numbers$')],
    // The part step reads the trunk once before its parts and once per retry; the cross-check's read follows.
    ['cross-check', 'bolna', refused('GET', '^/trunk/trunks/[^/]+$', 1)],
  ])('at %s (%s)', async (step, side, fault) => {
    await (side === 'exotel' ? h.admin : bolna.admin).addFault(fault);
    const did = nextDid();
    const started = await h.startInbound({
      customerId: h.customer(`rb-in-${step}`),
      did,
      provider: 'bolna',
      destinations: ['trunk.bolna.ai:5060;transport=tcp'],
      providerFields: { exotelSignallingIps: '203.0.113.10', agentId: AGENT },
    });
    const failure = await failureOf(started.handle.result());
    expect(failure.message).toContain(`failed at step ${step}`);
    await nothingLeft(did);
  });
});
