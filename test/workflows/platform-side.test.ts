// The platform's side by API, against a real LiveKit server (livekit-server --dev with its own Redis) and the Exotel
// simulator, on the dev server: both sides made in one saga, cross-checked, rolled back together, and left to the
// sheet where the setup asks for it or the worker has no account.
import { SIPMediaEncryption, SIPTransport } from '@livekit/protocol';
import { SipClient } from 'livekit-server-sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { InboundSetupResult, OutboundSetupResult } from '../../domain/setup-result';
import { platformObjectName } from '../../domain/platform-side';
import { statusQuery } from '../../workflows/progress';
import { failureOf, keepHistory, startHarness, type Harness, OUTBOUND_EXOTEL_STEPS } from '../support/setup-harness';
import { lineWorkflowId } from '../../domain/naming';
import { managedLine } from '../support/lines';
import { operateOn } from '../../client/lines';
import { startLiveKit, type LiveKitServer } from '../support/livekit';

const SUBDOMAIN = 'acmetest1234';

let livekit: LiveKitServer;
let sip: SipClient;
let h: Harness;
beforeAll(async () => {
  livekit = await startLiveKit();
  sip = new SipClient(livekit.url, livekit.apiKey, livekit.apiSecret);
  h = await startHarness({}, {}, {
    platformAccounts: [{ name: 'acme-lk', provider: 'livekit', url: livekit.url, apiKey: livekit.apiKey, apiSecret: livekit.apiSecret, sipHost: `${SUBDOMAIN}.sip.livekit.cloud` }],
  });
}, 300_000);
afterAll(async () => {
  await h?.stop();
  await livekit?.stop();
});

const named = async (customerId: string) => ({
  outbound: (await sip.listSipOutboundTrunk()).filter((t) => t.name === platformObjectName('livekit-outbound-trunk', customerId)),
  inbound: (await sip.listSipInboundTrunk()).filter((t) => t.name === platformObjectName('livekit-inbound-trunk', customerId)),
  rules: (await sip.listSipDispatchRule()).filter((r) => r.name === platformObjectName('livekit-dispatch-rule', customerId)),
});

describe('outbound with the platform side by API', () => {
  it("makes LiveKit's outbound trunk to Exotel's edge with the digest user Exotel has, and cross-checks it", async () => {
    const customerId = h.customer('lk-out');
    const started = await h.startOutbound({ customerId, dids: ['+919812300001', '+919812300002'], provider: 'livekit' });
    const result = (await started.handle.result()) as OutboundSetupResult;
    await keepHistory('outbound-livekit', started.handle);

    const [trunk, ...more] = (await named(customerId)).outbound;
    expect(more).toEqual([]);
    expect(trunk).toMatchObject({
      address: 'in.voip.exotel.com:443',
      transport: SIPTransport.SIP_TRANSPORT_TLS,
      numbers: ['+919812300001', '+919812300002'],
      authUsername: result.sipUserName,
      // LiveKit answers with it: the platform got exactly the password Exotel's credential has.
      authPassword: result.sipPassword,
      mediaEncryption: SIPMediaEncryption.SIP_MEDIA_ENCRYPT_ALLOW,
    });
    const made = { kind: 'livekit-outbound-trunk', id: trunk?.sipTrunkId, name: platformObjectName('livekit-outbound-trunk', customerId) };
    expect(result.platformSide).toEqual({ mode: 'api', provider: 'livekit', account: 'acme-lk', objects: [made] });
    // The customer's line manages it from now on, as this project's.
    const { line } = await managedLine(h.client, 'outbound', customerId);
    expect(line.platform?.objects.map(({ since: _at, ...o }) => o)).toEqual([{ ...made, origin: 'created', mayDelete: true, by: `trunk-setup-outbound-${customerId}` }]);
    expect(line.platform).toMatchObject({ provider: 'livekit', account: 'acme-lk' });
    const status = await started.handle.query(statusQuery);
    expect(status.steps.map((s) => [s.name, s.state])).toEqual([
      ...OUTBOUND_EXOTEL_STEPS,
      ['platform-outbound-trunk', 'done'],
      ['cross-check', 'done'],
    ]);
    // The password is in the result (for the asker) and on LiveKit, never in what the status shows.
    expect(JSON.stringify(status)).not.toContain(result.sipPassword);
  });

  it('refuses a LiveKit trunk of its name that it did not make, and rolls back Exotel', async () => {
    const customerId = h.customer('lk-taken');
    const theirs = await sip.createSipOutboundTrunk(platformObjectName('livekit-outbound-trunk', customerId), 'elsewhere.example.com', ['+919812300011'], { transport: SIPTransport.SIP_TRANSPORT_TCP });
    await h.mark();
    const failure = await failureOf((await h.startOutbound({ customerId, did: '+919812300011', provider: 'livekit' })).handle.result());
    expect(failure.message).toContain('failed at step platform-outbound-trunk');
    expect(failure.message).toContain(`(${theirs.sipTrunkId}) that this setup did not make`);
    // Theirs stays; Exotel's side is gone again, newest first.
    expect((await named(customerId)).outbound.map((t) => t.sipTrunkId)).toEqual([theirs.sipTrunkId]);
    const deletes = (await h.requestsSinceMark()).filter((r) => r.startsWith('DELETE')).map((r) => r.replace(/\?.*/, ''));
    expect(deletes).toEqual(['DELETE /trunks/{trunk}/credentials', 'DELETE /trunks/{trunk}/phone-numbers', 'DELETE /trunks']);
    await sip.deleteSipTrunk(theirs.sipTrunkId);
  });

  it('leaves the platform to the sheet when the setup asks for manual, and says why', async () => {
    const customerId = h.customer('lk-manual');
    const result = (await (await h.startOutbound({ customerId, did: '+919812300021', provider: 'livekit', providerSide: 'manual' })).handle.result()) as OutboundSetupResult;
    expect(result.platformSide).toEqual({ mode: 'manual', reason: 'providerSide manual was asked for', objects: [] });
    expect(result.handoff?.provider).toBe('livekit');
    expect((await named(customerId)).outbound).toEqual([]);
  });

  it('falls back to the sheet without an account of that name, and fails for providerSide api', async () => {
    const quiet = h.customer('lk-noaccount');
    const result = (await (await h.startOutbound({ customerId: quiet, did: '+919812300031', provider: 'livekit', platformAccount: 'other-lk' })).handle.result()) as OutboundSetupResult;
    expect(result.platformSide?.mode).toBe('manual');
    expect(result.platformSide?.reason).toContain('no livekit account named other-lk is configured on the worker');
    const strict = h.customer('lk-strict');
    const failure = await failureOf((await h.startOutbound({ customerId: strict, did: '+919812300032', provider: 'livekit', platformAccount: 'other-lk', providerSide: 'api' })).handle.result());
    expect(failure.message).toContain('failed at step validate: providerSide api: no livekit account named other-lk');
  });
});

describe('inbound with the platform side by API', () => {
  it("makes LiveKit's inbound trunk and dispatch rule before Exotel sends to it, and cross-checks both sides", async () => {
    const customerId = h.customer('lk-in');
    await h.mark();
    const started = await h.startInbound({ customerId, did: '+919812300101', provider: 'livekit', providerFields: { subdomain: SUBDOMAIN, agentName: 'frontdesk' }, destinations: [] });
    const result = (await started.handle.result()) as InboundSetupResult;
    await keepHistory('inbound-livekit', started.handle);

    const { inbound, rules } = await named(customerId);
    expect(inbound).toHaveLength(1);
    expect(inbound[0]).toMatchObject({ numbers: ['+919812300101'], mediaEncryption: SIPMediaEncryption.SIP_MEDIA_ENCRYPT_ALLOW });
    expect(rules).toHaveLength(1);
    expect(rules[0]?.trunkIds).toEqual([inbound[0]?.sipTrunkId]);
    // The agent named in the setup is dispatched into each call's room.
    expect(rules[0]?.roomConfig?.agents.map((a) => a.agentName)).toEqual(['frontdesk']);
    expect(result.platformSide?.objects.map((o) => [o.kind, o.id])).toEqual([
      ['livekit-inbound-trunk', inbound[0]?.sipTrunkId],
      ['livekit-dispatch-rule', rules[0]?.sipDispatchRuleId],
    ]);
    expect(await h.requestsSinceMark()).toContain('POST /trunks/{trunk}/destination-uris');
    const status = await started.handle.query(statusQuery);
    expect(status.steps.map((s) => s.name)).toEqual(['validate', 'create-trunk', 'map-did', 'platform-inbound-trunk', 'platform-dispatch-rule', 'add-destinations', 'verify', 'cross-check']);
    expect(status.steps.every((s) => s.state === 'done')).toBe(true);
  });

  it('a destination that is not the LiveKit SIP host fails the cross-check by name and rolls back both sides', async () => {
    const customerId = h.customer('lk-elsewhere');
    const failure = await failureOf(
      (await h.startInbound({ customerId, did: '+919812300111', provider: 'livekit', providerFields: { subdomain: 'someoneelse99' }, destinations: [] })).handle.result(),
    );
    expect(failure.message).toContain('failed at step cross-check');
    expect(failure.message).toContain(`Exotel sends to someoneelse99.sip.livekit.cloud, the LiveKit SIP host is ${SUBDOMAIN}.sip.livekit.cloud`);
    expect(await named(customerId)).toEqual({ outbound: [], inbound: [], rules: [] });
    const trunks = (await h.admin.state()).accounts[h.exotelAccount.accountSid]?.trunks ?? [];
    expect(trunks.filter((t) => t.phone_numbers.some((n) => n.phone_number === '+919812300111'))).toEqual([]);
  });

  it('a number LiveKit already takes on another inbound trunk fails the platform step; Exotel is rolled back', async () => {
    const customerId = h.customer('lk-conflict');
    const other = await sip.createSipInboundTrunk('someone-else', ['+919812300121']);
    const failure = await failureOf((await h.startInbound({ customerId, did: '+919812300121', provider: 'livekit', providerFields: { subdomain: SUBDOMAIN }, destinations: [] })).handle.result());
    expect(failure.message).toContain('failed at step platform-inbound-trunk');
    expect(failure.message).toContain('Conflicting inbound SIP Trunks');
    const trunks = (await h.admin.state()).accounts[h.exotelAccount.accountSid]?.trunks ?? [];
    expect(trunks.filter((t) => t.phone_numbers.some((n) => n.phone_number === '+919812300121'))).toEqual([]);
    await sip.deleteSipTrunk(other.sipTrunkId);
  });
});

describe('day two with the platform side by API', () => {
  it('rotates in a closed loop: a new Exotel credential, LiveKit signs in with it, the old one goes; nobody confirms', async () => {
    const customerId = h.customer('lk-rotate');
    const setup = (await (await h.startOutbound({ customerId, did: '+919812300201', provider: 'livekit' })).handle.result()) as OutboundSetupResult;
    const { line } = await managedLine(h.client, 'outbound', customerId);
    const report = await operateOn(h.client, 'outbound', customerId, { operation: { kind: 'rotate-credential' } });
    expect(report.state, report.message).toBe('done');
    await keepHistory('line-rotated-livekit', h.client.workflow.getHandle(lineWorkflowId('outbound', customerId)));
    expect(report.plan?.steps.map((s) => s.action)).toEqual(['create-credential', 'update-platform-credential', 'delete-credential']);
    const issued = report.issuedCredential;
    expect(issued?.userName).not.toBe(setup.sipUserName);

    const [trunk] = (await named(customerId)).outbound;
    expect(trunk).toMatchObject({ authUsername: issued?.userName, authPassword: issued?.password });
    const exotel = (await h.admin.state()).accounts[h.exotelAccount.accountSid]?.trunks.find((t) => t.trunk_sid === line.trunk?.sid);
    expect(exotel?.credentials.map((c) => c.user_name)).toEqual([issued?.userName]);
    const after = (await managedLine(h.client, 'outbound', customerId)).line;
    expect(after.pendingRotation).toBeUndefined();
    expect(after.credentials.map((c) => c.userName)).toEqual([issued?.userName]);
  });

  it('a rotation LiveKit refuses is rolled back on Exotel: the old credential still works, the new one is gone', async () => {
    const customerId = h.customer('lk-rotate-fails');
    const setup = (await (await h.startOutbound({ customerId, did: '+919812300211', provider: 'livekit' })).handle.result()) as OutboundSetupResult;
    const { line } = await managedLine(h.client, 'outbound', customerId);
    // Behind the project's back, LiveKit's trunk is deleted: its update fails for good.
    await sip.deleteSipTrunk(line.platform?.objects[0]?.id ?? '');
    const report = await operateOn(h.client, 'outbound', customerId, { operation: { kind: 'rotate-credential' }, opsDecisionTimeout: '0s' });
    expect(report.state, report.message).toBe('rolled-back');
    expect(report.message).toContain('update-platform-credential');
    const exotel = (await h.admin.state()).accounts[h.exotelAccount.accountSid]?.trunks.find((t) => t.trunk_sid === line.trunk?.sid);
    expect(exotel?.credentials.map((c) => c.user_name)).toEqual([setup.sipUserName]);
  });

  it("adds and removes DIDs on both sides: LiveKit's numbers after Exotel maps, before Exotel unmaps", async () => {
    const customerId = h.customer('lk-dids');
    await (await h.startOutbound({ customerId, did: '+919812300231', provider: 'livekit' })).handle.result();
    await managedLine(h.client, 'outbound', customerId);
    const added = await operateOn(h.client, 'outbound', customerId, { operation: { kind: 'add-dids', dids: ['+919812300232'] } });
    expect(added.state, added.message).toBe('done');
    expect(added.plan?.steps.map((s) => s.action)).toEqual(['map-did', 'set-platform-numbers']);
    expect((await named(customerId)).outbound[0]?.numbers).toEqual(['+919812300231', '+919812300232']);
    const removed = await operateOn(h.client, 'outbound', customerId, { operation: { kind: 'remove-dids', dids: ['+919812300231'] }, confirm: true });
    expect(removed.state, removed.message).toBe('done');
    expect(removed.plan?.steps.map((s) => s.action)).toEqual(['set-platform-numbers', 'unmap-did']);
    expect((await named(customerId)).outbound[0]?.numbers).toEqual(['+919812300232']);
  });

  it('a DID Exotel refuses to unmap after LiveKit let go of it is given back to LiveKit; the last DID is refused', async () => {
    const customerId = h.customer('lk-dids-fail');
    await (await h.startOutbound({ customerId, dids: ['+919812300241', '+919812300242'], provider: 'livekit' })).handle.result();
    const { line } = await managedLine(h.client, 'outbound', customerId);
    await h.admin.addFault({ method: 'DELETE', path: `/trunks/${line.trunk?.sid ?? ''}/phone-numbers$`, kind: 'status', status: 400, count: 1 });
    const report = await operateOn(h.client, 'outbound', customerId, { operation: { kind: 'remove-dids', dids: ['+919812300241'] }, confirm: true, opsDecisionTimeout: '0s' });
    expect(report.state, report.message).toBe('rolled-back');
    expect((await named(customerId)).outbound[0]?.numbers).toEqual(['+919812300241', '+919812300242']);
    const all = await operateOn(h.client, 'outbound', customerId, { operation: { kind: 'remove-dids', dids: ['+919812300241', '+919812300242'] }, confirm: true });
    expect(all.state).toBe('refused');
    expect(all.message).toContain('offboard the customer instead');
  });

  it('offboards both sides: the platform objects first (the rule before its trunk), then Exotel', async () => {
    const customerId = h.customer('lk-offboard');
    await (await h.startInbound({ customerId, did: '+919812300221', provider: 'livekit', providerFields: { subdomain: SUBDOMAIN }, destinations: [] })).handle.result();
    await managedLine(h.client, 'inbound', customerId);
    const report = await operateOn(h.client, 'inbound', customerId, { operation: { kind: 'offboard' }, confirm: true });
    expect(report.state, report.message).toBe('done');
    expect(report.plan?.steps.map((s) => s.action)).toEqual(['delete-platform-object', 'delete-platform-object', 'delete-destination', 'unmap-did', 'delete-trunk']);
    expect(report.plan?.steps.slice(0, 2).map((s) => s.effect)).toEqual([expect.stringContaining('livekit dispatch rule'), expect.stringContaining('livekit inbound trunk')]);
    expect(await named(customerId)).toEqual({ outbound: [], inbound: [], rules: [] });
    const trunks = (await h.admin.state()).accounts[h.exotelAccount.accountSid]?.trunks ?? [];
    expect(trunks.filter((t) => t.phone_numbers.some((n) => n.phone_number === '+919812300221'))).toEqual([]);
  });
});
