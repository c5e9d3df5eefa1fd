// Bolna's side by API, against the Bolna stand-in over real HTTP and the Exotel simulator, on the dev server: the
// customer's one trunk (both directions share it), with Exotel's edge as its gateway (outbound), Exotel's signalling
// IPs on its ACL (inbound) and every number, each part its own create-or-adopt; cross-checked, rolled back together
// with Exotel's side; the second direction's setup turns its direction on and puts back only that.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { operateOn } from '../../client/lines';
import { platformObjectName } from '../../domain/platform-side';
import type { InboundSetupResult, OutboundSetupResult } from '../../domain/setup-result';
import { startBolnaStandIn, type BolnaStoredTrunk, type RunningStandIn } from '../../simulator/voice-ai';
import { statusQuery } from '../../workflows/progress';
import { managedLine } from '../support/lines';
import { failureOf, keepHistory, startHarness, type Harness, OUTBOUND_EXOTEL_STEPS } from '../support/setup-harness';

const ACCOUNT = 'acme-bolna';
const AGENT = '3c90c3cc-0d44-4b50-8888-8dd25736052a';
const EDGE = { host: 'in.voip.exotel.com', port: 5070, transport: 'tcp' as const };
const EXOTEL_IPS = '203.0.113.10, 203.0.113.11';
const DESTINATION = 'trunk.bolna.ai:5060;transport=tcp';

let bolna: RunningStandIn<BolnaStoredTrunk>;
let h: Harness;
beforeAll(async () => {
  bolna = await startBolnaStandIn({ agents: [AGENT] });
  h = await startHarness({}, { sipEdge: EDGE }, { platformAccounts: [{ name: ACCOUNT, provider: 'bolna', apiKey: bolna.apiKey, baseUrl: bolna.url }] });
}, 120_000);
afterAll(async () => {
  await h?.stop();
  await bolna?.close();
});
beforeEach(async () => bolna.admin.reset());

const logged = async () => (await bolna.admin.requests()).map(({ method, path, body }) => (body === null ? `${method} ${path}` : { method, path, body }));
const lines = async () => (await bolna.admin.requests()).map(({ method, path }) => `${method} ${path.replace(/[0-9a-f]{8}-[0-9a-f-]{27}/g, '{id}')}`);
const trunks = async () => (await bolna.admin.state()).numbers;
const inbound = (customerId: string, did: string, fields: Record<string, string> = { exotelSignallingIps: EXOTEL_IPS, agentId: AGENT }) =>
  h.startInbound({ customerId, did, provider: 'bolna', destinations: [DESTINATION], providerFields: fields });

describe('outbound with Bolna by API', () => {
  it("makes the customer's trunk dialling Exotel's edge as the digest user, with the number, and cross-checks it", async () => {
    const customerId = h.customer('bo-out');
    const did = '+919812600001';
    const started = await h.startOutbound({ customerId, did, provider: 'bolna' });
    const result = (await started.handle.result()) as OutboundSetupResult;
    await keepHistory('outbound-bolna', started.handle);
    const name = platformObjectName('bolna-trunk', customerId);

    const [trunk] = await trunks();
    expect(await trunks()).toHaveLength(1);
    expect(trunk).toMatchObject({
      name,
      preset: 'exotel',
      outbound_enabled: true,
      inbound_enabled: false,
      transport: 'tcp',
      codecs: 'PCMA,PCMU',
      auth_username: result.sipUserName,
      auth_password_set: true,
      gateways: [{ host: EDGE.host, port: EDGE.port, priority: 1 }],
      numbers: [{ e164: did, destination_key: did.slice(1) }],
    });
    expect(await lines()).toEqual([
      'GET /trunk/trunks',
      'POST /trunk/trunks',
      'GET /trunk/trunks/{id}',
      'POST /trunk/trunks/{id}/gateways',
      'POST /trunk/trunks/{id}/numbers',
      'GET /trunk/trunks/{id}',
    ]);
    const id = trunk?.id ?? '';
    expect(result.platformSide).toEqual({
      mode: 'api',
      provider: 'bolna',
      account: ACCOUNT,
      objects: [
        { kind: 'bolna-trunk', id, name },
        { kind: 'bolna-gateway', id: `${id}/${trunk?.gateways[0]?.id}`, name: `${EDGE.host}:${EDGE.port}` },
        { kind: 'bolna-number', id: `${id}/${trunk?.numbers[0]?.id}`, name: did },
      ],
    });
    const status = await started.handle.query(statusQuery);
    expect(status.steps.map((s) => [s.name, s.state])).toEqual([
      ...OUTBOUND_EXOTEL_STEPS,
      ['platform-trunk', 'done'],
      ['cross-check', 'done'],
    ]);
    expect(status.steps.find((s) => s.name === 'platform-trunk')?.resource).toMatchObject({ bolnaTrunkId: id });
    const everything = JSON.stringify([await bolna.admin.requests(), status, await trunks()]);
    for (const secret of [result.sipPassword, bolna.apiKey]) expect(everything).not.toContain(secret);
  });

  it('a refused number (400) fails the platform step and rolls back both sides, newest first', async () => {
    const customerId = h.customer('bo-refused');
    const did = '+919812600011';
    await bolna.admin.addFault({ kind: 'status', status: 400, method: 'POST', path: '^/trunk/trunks/[^/]+/numbers$' });
    await h.mark();
    const failure = await failureOf((await h.startOutbound({ customerId, did, provider: 'bolna' })).handle.result());
    expect(failure.message).toContain('failed at step platform-trunk');
    expect((await lines()).filter((l) => l.startsWith('DELETE'))).toEqual(['DELETE /trunk/trunks/{id}/gateways/{id}', 'DELETE /trunk/trunks/{id}']);
    expect(await trunks()).toEqual([]);
    expect(await h.exotelTrunksWith(did)).toEqual([]);
  });

  it('a lost answer to the gateway is found on the retry: exactly one gateway', async () => {
    const customerId = h.customer('bo-lost');
    await bolna.admin.addFault({ kind: 'commit-then-fail', method: 'POST', path: '^/trunk/trunks/[^/]+/gateways$', then: 500 });
    await (await h.startOutbound({ customerId, did: '+919812600021', provider: 'bolna' })).handle.result();
    expect((await trunks())[0]?.gateways).toHaveLength(1);
  });

  it("an edge over TLS is refused at validate, before any request: Bolna's trunks dial udp or tcp only", async () => {
    const tls = await startHarness({}, { sipEdge: { host: 'in.voip.exotel.com', port: 443, transport: 'tls' } }, { platformAccounts: [{ name: ACCOUNT, provider: 'bolna', apiKey: bolna.apiKey, baseUrl: bolna.url }] });
    try {
      const failure = await failureOf((await tls.startOutbound({ customerId: tls.customer('bo-tls'), did: '+919812600031', provider: 'bolna' })).handle.result());
      expect(failure.message).toContain('failed at step validate');
      expect(failure.message).toContain("Bolna's trunks dial udp or tcp only");
      expect(await tls.requestsSinceMark()).toEqual([]);
      expect(await trunks()).toEqual([]);
    } finally {
      await tls.stop();
    }
  });
});

describe('inbound with Bolna by API', () => {
  it("admits Exotel's signalling IPs and takes the number on the trunk with its agent, before Exotel sends to trunk.bolna.ai", async () => {
    const customerId = h.customer('bo-in');
    const did = '+919812600101';
    const result = (await (await inbound(customerId, did)).handle.result()) as InboundSetupResult;
    const [trunk] = await trunks();
    expect(trunk).toMatchObject({
      inbound_enabled: true,
      outbound_enabled: false,
      default_inbound_agent_id: AGENT,
      ip_acls: [{ cidr: '203.0.113.10/32' }, { cidr: '203.0.113.11/32' }],
      numbers: [{ e164: did }],
    });
    expect(result.platformSide?.objects.map((o) => o.kind)).toEqual(['bolna-trunk', 'bolna-ip-acl', 'bolna-ip-acl', 'bolna-number']);
  });

  it("refuses, before any request, an inbound setup without Exotel's signalling IPs: Bolna would answer 403", async () => {
    await h.mark();
    const failure = await failureOf((await inbound(h.customer('bo-no-ips'), '+919812600111', { agentId: AGENT })).handle.result());
    expect(failure.message).toContain('providerFields.exotelSignallingIps is required');
    expect(await h.requestsSinceMark()).toEqual([]);
    expect(await logged()).toEqual([]);
  });

  it('the second direction turns its side on in the trunk the first made, and a rollback puts back only that', async () => {
    const customerId = h.customer('bo-both');
    const did = '+919812600121';
    // Exotel maps a number to one trunk: the customer's inbound number is another one.
    const inboundDid = '+919812600122';
    await (await h.startOutbound({ customerId, did, provider: 'bolna' })).handle.result();
    const before = (await trunks())[0];
    // The inbound setup fails at Exotel's destinations, after the platform step: its changes to the trunk go back.
    await h.admin.addFault({ kind: 'status', status: 400, method: 'POST', path: '/destination-uris' });
    const failure = await failureOf((await inbound(customerId, inboundDid)).handle.result());
    expect(failure.message).toContain('failed at step add-destinations');
    const after = (await trunks())[0];
    expect(after).toMatchObject({ id: before?.id, inbound_enabled: false, outbound_enabled: true, default_inbound_agent_id: null, ip_acls: [], numbers: before?.numbers });
    await h.admin.clearFaults();

    const second = await inbound(customerId, inboundDid);
    const result = (await second.handle.result()) as InboundSetupResult;
    await keepHistory('inbound-bolna-second-direction', second.handle);
    expect((await trunks())[0]).toMatchObject({ inbound_enabled: true, outbound_enabled: true, default_inbound_agent_id: AGENT });
    expect((await trunks())[0]?.numbers.map((n) => n.e164)).toEqual([did, inboundDid]);
    // The trunk is the outbound setup's: this setup uses it and never deletes it.
    expect(result.platformSide?.objects.filter((o) => o.origin === 'pre-existing').map((o) => o.kind)).toEqual(['bolna-trunk']);
  });
});

describe('day two with Bolna by API', () => {
  it('rotation closes the loop on the trunk; DIDs come and go on the trunk after Exotel; offboarding deletes it all', async () => {
    const customerId = h.customer('bo-day2');
    const did = '+919812600201';
    await (await h.startOutbound({ customerId, did, provider: 'bolna' })).handle.result();
    await managedLine(h.client, 'outbound', customerId);

    const rotated = await operateOn(h.client, 'outbound', customerId, { operation: { kind: 'rotate-credential' } });
    expect(rotated.state, rotated.message).toBe('done');
    expect((await trunks())[0]).toMatchObject({ auth_username: rotated.issuedCredential?.userName });

    const added = await operateOn(h.client, 'outbound', customerId, { operation: { kind: 'add-dids', dids: ['+919812600202'] } });
    expect(added.state, added.message).toBe('done');
    expect(added.plan?.steps.map((s) => s.action)).toEqual(['map-did', 'add-platform-number']);
    expect((await trunks())[0]?.numbers.map((n) => n.e164)).toEqual([did, '+919812600202']);

    const removed = await operateOn(h.client, 'outbound', customerId, { operation: { kind: 'remove-dids', dids: [did] }, confirm: true });
    expect(removed.state, removed.message).toBe('done');
    expect(removed.plan?.steps.map((s) => s.action)).toEqual(['unmap-did', 'remove-platform-number']);
    expect((await trunks())[0]?.numbers.map((n) => n.e164)).toEqual(['+919812600202']);

    await bolna.admin.clearRequests();
    const offboarded = await operateOn(h.client, 'outbound', customerId, { operation: { kind: 'offboard' }, confirm: true });
    expect(offboarded.state, offboarded.message).toBe('done');
    expect(offboarded.plan?.steps.filter((s) => s.action === 'delete-platform-object').map((s) => s.effect)).toEqual([
      expect.stringMatching(/^bolna number \+919812600202 .* in both directions$/),
      expect.stringMatching(/^bolna gateway in\.voip\.exotel\.com:5070 /),
      expect.stringMatching(/^bolna trunk exotel-.* in both directions$/),
    ]);
    expect(await trunks()).toEqual([]);
    expect((await lines()).filter((l) => l.startsWith('DELETE'))).toEqual(['DELETE /trunk/trunks/{id}/numbers/{id}', 'DELETE /trunk/trunks/{id}/gateways/{id}', 'DELETE /trunk/trunks/{id}']);
  });
});
