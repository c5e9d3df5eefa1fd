// ElevenLabs' side by API, against the ElevenLabs stand-in over real HTTP and the Exotel simulator, on the dev server:
// each DID imported as a sip_trunk number (create-or-adopt by the number, found by listing), its outbound trunk to
// Exotel's edge or its inbound trunk for Exotel's calls, cross-checked, rolled back together with Exotel's side; a
// number both directions share is deleted only by the setup that imported it, and a setup that found it puts back
// only what it changed.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { platformObjectName } from '../../domain/platform-side';
import type { InboundSetupResult, OutboundSetupResult } from '../../domain/setup-result';
import { startElevenLabsStandIn, type ElevenLabsStoredNumber, type RunningStandIn } from '../../simulator/voice-ai';
import { ElevenLabsPhoneNumbers } from '../../voice-ai/elevenlabs';
import { operateOn } from '../../client/lines';
import { statusQuery } from '../../workflows/progress';
import { managedLine } from '../support/lines';
import { failureOf, startHarness, type Harness, OUTBOUND_EXOTEL_STEPS } from '../support/setup-harness';

const ACCOUNT = 'acme-eleven';
const PATH = '/v1/convai/phone-numbers';
const EDGE = 'in.voip.exotel.com:443';
const CODECS = ['PCMA/8000', 'PCMU/8000'];

let eleven: RunningStandIn<ElevenLabsStoredNumber>;
let sdk: ElevenLabsPhoneNumbers;
let h: Harness;
beforeAll(async () => {
  eleven = await startElevenLabsStandIn({ agents: [{ id: 'agent_frontdesk', name: 'Front desk' }] });
  const account = { name: ACCOUNT, provider: 'elevenlabs' as const, apiKey: eleven.apiKey, baseUrl: eleven.url };
  sdk = new ElevenLabsPhoneNumbers(account);
  h = await startHarness({}, {}, { platformAccounts: [account] });
}, 120_000);
afterAll(async () => {
  await h?.stop();
  await eleven?.close();
});
beforeEach(async () => eleven.admin.reset());

/** Method, path and (masked) body of each request the stand-in saw, oldest first. */
const logged = async () => (await eleven.admin.requests()).map(({ method, path, body }) => (body === null ? { method, path } : { method, path, body }));
const numbers = async () => (await eleven.admin.state()).numbers;
const exotelDeletes = async () => (await h.requestsSinceMark()).filter((r) => r.startsWith('DELETE')).map((r) => r.replace(/\?.*/, ''));
const list = { method: 'GET', path: PATH };
const read = (id: string | undefined) => ({ method: 'GET', path: `${PATH}/${id ?? '?'}` });

describe('outbound with ElevenLabs by API', () => {
  it("imports a sip_trunk number whose outbound trunk dials Exotel's edge as the digest user, and cross-checks it", async () => {
    const customerId = h.customer('el-out');
    const did = '+919812500001';
    const started = await h.startOutbound({ customerId, did, provider: 'elevenlabs' });
    const result = (await started.handle.result()) as OutboundSetupResult;
    const name = platformObjectName('elevenlabs-phone-number', customerId);
    const [held] = await numbers();
    const id = held?.phone_number_id;

    expect(await logged()).toEqual([
      list,
      {
        method: 'POST',
        path: PATH,
        body: {
          provider: 'sip_trunk',
          phone_number: did,
          label: name,
          outbound_trunk_config: { address: EDGE, transport: 'tls', media_encryption: 'allowed', credentials: { username: result.sipUserName, password: '***' }, enabled_codecs: CODECS },
        },
      },
      read(id),
    ]);
    expect(held).toMatchObject({ phone_number: did, label: name, outbound_trunk: { address: EDGE, transport: 'tls', media_encryption: 'allowed', username: result.sipUserName, has_auth_credentials: true } });
    const made = { kind: 'elevenlabs-phone-number', id, name };
    expect(result.platformSide).toEqual({ mode: 'api', provider: 'elevenlabs', account: ACCOUNT, objects: [made] });
    const { line } = await managedLine(h.client, 'outbound', customerId);
    expect(line.platform?.objects.map(({ since: _at, ...o }) => o)).toEqual([{ ...made, origin: 'created', mayDelete: true, by: `trunk-setup-outbound-${customerId}` }]);

    const status = await started.handle.query(statusQuery);
    expect(status.steps.map((s) => [s.name, s.state])).toEqual([
      ...OUTBOUND_EXOTEL_STEPS,
      ['platform-number', 'done'],
      ['cross-check', 'done'],
    ]);
    expect(status.steps.find((s) => s.name === 'platform-number')?.resource).toEqual({ elevenlabsPhoneNumberIds: [id] });
    const requests = JSON.stringify(await eleven.admin.requests());
    for (const secret of [result.sipPassword, eleven.apiKey]) {
      expect(requests).not.toContain(secret);
      expect(JSON.stringify(status)).not.toContain(secret);
    }
  });

  it("assigns the setup's agent to the number it imports", async () => {
    const customerId = h.customer('el-agent');
    const did = '+919812500091';
    await (await h.startOutbound({ customerId, did, provider: 'elevenlabs', providerFields: { agentId: 'agent_frontdesk' } })).handle.result();
    expect((await numbers()).find((n) => n.phone_number === did)?.assigned_agent).toEqual({ agent_id: 'agent_frontdesk', agent_name: 'Front desk' });
  });

  it('a refused import (400) fails the platform step and rolls back Exotel', async () => {
    const customerId = h.customer('el-refused');
    const did = '+919812500011';
    await eleven.admin.addFault({ kind: 'status', status: 400, method: 'POST', path: `^${PATH}$` });
    await h.mark();
    const failure = await failureOf((await h.startOutbound({ customerId, did, provider: 'elevenlabs' })).handle.result());
    expect(failure.message).toContain('failed at step platform-number');
    expect(await exotelDeletes()).toEqual(['DELETE /trunks/{trunk}/credentials', 'DELETE /trunks/{trunk}/phone-numbers', 'DELETE /trunks']);
    expect((await logged()).map((r) => r.method)).toEqual(['GET', 'POST']);
    expect(await numbers()).toEqual([]);
  });

  it('a lost answer to the import is found on the retry by listing and adopted: exactly one number', async () => {
    const customerId = h.customer('el-lost');
    const did = '+919812500021';
    await eleven.admin.addFault({ kind: 'commit-then-fail', method: 'POST', path: `^${PATH}$`, then: 500 });
    const result = (await (await h.startOutbound({ customerId, did, provider: 'elevenlabs' })).handle.result()) as OutboundSetupResult;
    const held = await numbers();
    expect(held.map((n) => n.phone_number)).toEqual([did]);
    expect(result.platformSide?.objects).toEqual([{ kind: 'elevenlabs-phone-number', id: held[0]?.phone_number_id, name: platformObjectName('elevenlabs-phone-number', customerId) }]);
    expect((await logged()).map((r) => `${r.method} ${r.path}`)).toEqual([`GET ${PATH}`, `POST ${PATH}`, `GET ${PATH}`, `GET ${PATH}/${held[0]?.phone_number_id}`]);
  });

  it('refuses a number ElevenLabs holds under another label, leaves it as it is, and rolls back Exotel', async () => {
    const customerId = h.customer('el-taken');
    const did = '+919812500031';
    const theirs = await sdk.importSipTrunkNumber({ phoneNumber: did, label: 'someone else' });
    await eleven.admin.clearRequests();
    const before = await numbers();
    await h.mark();
    const failure = await failureOf((await h.startOutbound({ customerId, did, provider: 'elevenlabs' })).handle.result());
    expect(failure.message).toContain('failed at step platform-number');
    expect(failure.message).toContain(`ElevenLabs already has number ${did} named someone else (${theirs.phoneNumberId}) that this setup did not make`);
    expect(await logged()).toEqual([list]);
    expect(await numbers()).toEqual(before);
    expect(await exotelDeletes()).toEqual(['DELETE /trunks/{trunk}/credentials', 'DELETE /trunks/{trunk}/phone-numbers', 'DELETE /trunks']);
  });

  it('takes over its own number found there, replaces its outbound trunk, and puts the old one back on rollback', async () => {
    const customerId = h.customer('el-found');
    const did = '+919812500041';
    const name = platformObjectName('elevenlabs-phone-number', customerId);
    const old = { address: 'old.voip.exotel.com:443', transport: 'tls' as const, mediaEncryption: 'require' as const, username: 'old_user' };
    const { phoneNumberId: id } = await sdk.importSipTrunkNumber({ phoneNumber: did, label: name, outbound: { ...old, password: 'old-secret' } });
    await eleven.admin.clearRequests();
    // The cross-check's read fails for good: the setup rolls back.
    await eleven.admin.addFault({ kind: 'status', status: 400, method: 'GET', path: `^${PATH}/[^/]+$` });
    const failure = await failureOf((await h.startOutbound({ customerId, did, provider: 'elevenlabs' })).handle.result());
    expect(failure.message).toContain('failed at step cross-check');
    expect((failure.details?.[0] as { rolledBack: string[] }).rolledBack[0]).toBe(
      `ElevenLabs number ${did}: restored its outbound trunk; not put back: its SIP password (ElevenLabs never shows the one it had; Exotel's credential goes with this rollback)`,
    );
    const sent = (await logged())[1]?.body as { outbound_trunk_config: { credentials: { username: string } } };
    const userName = sent.outbound_trunk_config.credentials.username;
    expect(await logged()).toEqual([
      list,
      {
        method: 'PATCH',
        path: `${PATH}/${id}`,
        body: { outbound_trunk_config: { address: EDGE, transport: 'tls', media_encryption: 'allowed', credentials: { username: userName, password: '***' }, enabled_codecs: CODECS } },
      },
      read(id),
      {
        method: 'PATCH',
        path: `${PATH}/${id}`,
        body: { outbound_trunk_config: { address: old.address, transport: 'tls', media_encryption: 'required', credentials: { username: 'old_user' }, enabled_codecs: CODECS } },
      },
    ]);
    expect(await numbers()).toMatchObject([{ phone_number_id: id, label: name, outbound_trunk: { address: old.address, media_encryption: 'required', username: 'old_user' } }]);
  });
});

describe('inbound with ElevenLabs by API', () => {
  it("imports the number with an inbound trunk before Exotel sends to ElevenLabs' SIP host, and cross-checks both sides", async () => {
    const customerId = h.customer('el-in');
    const did = '+919812500101';
    const started = await h.startInbound({ customerId, did, provider: 'elevenlabs', destinations: [] });
    const result = (await started.handle.result()) as InboundSetupResult;
    const name = platformObjectName('elevenlabs-phone-number', customerId);
    const [held] = await numbers();

    // TLS (the profile's default): media encryption allowed.
    expect(await logged()).toEqual([
      list,
      { method: 'POST', path: PATH, body: { provider: 'sip_trunk', phone_number: did, label: name, inbound_trunk_config: { media_encryption: 'allowed' } } },
      read(held?.phone_number_id),
    ]);
    expect(result.platformSide).toEqual({ mode: 'api', provider: 'elevenlabs', account: ACCOUNT, objects: [{ kind: 'elevenlabs-phone-number', id: held?.phone_number_id, name }] });
    const [trunk] = await h.exotelTrunksWith(did);
    expect(trunk?.destination_uris.map((d) => d.destination)).toEqual(['sip:sip.rtc.elevenlabs.io:5061;transport=tls']);
    const status = await started.handle.query(statusQuery);
    expect(status.steps.map((s) => s.name)).toEqual(['validate', 'create-trunk', 'map-did', 'platform-number', 'add-destinations', 'verify', 'cross-check']);
    expect(status.steps.every((s) => s.state === 'done')).toBe(true);
    expect(JSON.stringify(status)).not.toContain(eleven.apiKey);
    expect(JSON.stringify(await eleven.admin.requests())).not.toContain(eleven.apiKey);
  });

  it("adds an inbound trunk to the number the customer's outbound setup imported, and on rollback puts back only that", async () => {
    const customerId = h.customer('el-both');
    const did = '+919812500111';
    const outbound = (await (await h.startOutbound({ customerId, did, provider: 'elevenlabs' })).handle.result()) as OutboundSetupResult;
    const [imported] = await numbers();
    const id = imported?.phone_number_id;
    // Exotel maps a DID to one trunk: the inbound side goes on the outbound setup's. Over TCP: no media encryption.
    const inbound = { customerId, did, trunkSid: outbound.trunkSid, provider: 'elevenlabs', providerFields: { transport: 'tcp' }, destinations: [] };

    await eleven.admin.clearRequests();
    await h.admin.addFault({ method: 'GET', path: '/destination-uris$', kind: 'status', status: 400 });
    const failure = await failureOf((await h.startInbound(inbound)).handle.result());
    expect(failure.message).toContain('failed at step add-destinations');
    expect((failure.details?.[0] as { rolledBack: string[] }).rolledBack).toEqual([
      `ElevenLabs number ${did}: restored its inbound trunk to ElevenLabs' defaults (media encryption allowed); not put back: its lack of an inbound trunk (ElevenLabs cannot take one off a number)`,
    ]);
    expect(await logged()).toEqual([
      list,
      { method: 'PATCH', path: `${PATH}/${id}`, body: { inbound_trunk_config: { media_encryption: 'disabled' } } },
      { method: 'PATCH', path: `${PATH}/${id}`, body: { inbound_trunk_config: { media_encryption: 'allowed' } } },
    ]);
    // Not deleted, and its outbound trunk untouched.
    const [after] = await numbers();
    expect(after).toMatchObject({ phone_number_id: id, label: imported?.label, outbound_trunk: imported?.outbound_trunk, inbound_trunk: { media_encryption: 'allowed' } });

    // Again, without the fault: ElevenLabs' defaults suit TCP too, so nothing changes.
    await eleven.admin.clearRequests();
    const result = (await (await h.startInbound(inbound)).handle.result()) as InboundSetupResult;
    expect(await logged()).toEqual([list, read(id)]);
    const shared = { kind: 'elevenlabs-phone-number', id, name: platformObjectName('elevenlabs-phone-number', customerId) };
    expect(result.platformSide?.objects).toEqual([{ ...shared, origin: 'pre-existing', mayDelete: false }]);
    const { line } = await managedLine(h.client, 'inbound', customerId);
    expect(line.platform?.objects).toMatchObject([{ ...shared, origin: 'pre-existing', mayDelete: false }]);
    expect((await numbers()).map((n) => n.phone_number_id)).toEqual([id]);
  });

  it('an Exotel step failing for good after the import deletes the number it imported', async () => {
    const customerId = h.customer('el-in-fail');
    const did = '+919812500121';
    await h.admin.addFault({ method: 'POST', path: '/destination-uris$', kind: 'status', status: 400 });
    const failure = await failureOf((await h.startInbound({ customerId, did, provider: 'elevenlabs', destinations: [] })).handle.result());
    expect(failure.message).toContain('failed at step add-destinations');
    const deleted = (await logged()).find((r) => r.method === 'DELETE');
    const id = deleted?.path.split('/').at(-1);
    expect((failure.details?.[0] as { rolledBack: string[] }).rolledBack).toContain(`deleted ElevenLabs number ${did} ${id} (${platformObjectName('elevenlabs-phone-number', customerId)})`);
    expect((await logged()).map((r) => `${r.method} ${r.path}`)).toEqual([`GET ${PATH}`, `POST ${PATH}`, `DELETE ${PATH}/${id}`]);
    expect(await numbers()).toEqual([]);
    expect(await h.exotelTrunksWith(did)).toEqual([]);
  });

  it("a destination that is not ElevenLabs' SIP host fails the cross-check by name and rolls back both sides", async () => {
    const customerId = h.customer('el-elsewhere');
    const did = '+919812500131';
    const failure = await failureOf((await h.startInbound({ customerId, did, provider: 'elevenlabs', providerFields: { residency: 'in' }, destinations: ['sip.example.com:5061;transport=tls'] })).handle.result());
    expect(failure.message).toContain('failed at step cross-check');
    expect(failure.message).toContain('Exotel sends to sip.example.com, the ElevenLabs SIP host is sip.rtc.in.residency.elevenlabs.io');
    expect(await numbers()).toEqual([]);
    expect(await h.exotelTrunksWith(did)).toEqual([]);
  });
});

describe('rotation with ElevenLabs by API', () => {
  it("closes the loop: the number's outbound trunk is sent again whole with the new credential (read back), the old one goes", async () => {
    const customerId = h.customer('el-rotate');
    const did = '+919812500911';
    const setup = (await (await h.startOutbound({ customerId, did, provider: 'elevenlabs' })).handle.result()) as OutboundSetupResult;
    const { line } = await managedLine(h.client, 'outbound', customerId);
    const id = line.platform?.objects[0]?.id;
    await eleven.admin.clearRequests();
    const report = await operateOn(h.client, 'outbound', customerId, { operation: { kind: 'rotate-credential' } });
    expect(report.state, report.message).toBe('done');
    expect(report.plan?.steps.map((s) => s.action)).toEqual(['create-credential', 'update-platform-credential', 'delete-credential']);
    const issued = report.issuedCredential;
    expect(issued?.userName).not.toBe(setup.sipUserName);
    expect(await logged()).toEqual([
      read(id),
      {
        method: 'PATCH',
        path: `${PATH}/${id}`,
        body: { outbound_trunk_config: { address: EDGE, transport: 'tls', media_encryption: 'allowed', credentials: { username: issued?.userName, password: '***' }, enabled_codecs: CODECS } },
      },
    ]);
    expect((await numbers())[0]).toMatchObject({ outbound_trunk: { address: EDGE, username: issued?.userName, has_auth_credentials: true } });
    const exotel = (await h.admin.state()).accounts[h.exotelAccount.accountSid]?.trunks.find((t) => t.trunk_sid === line.trunk?.sid);
    expect(exotel?.credentials.map((c) => c.user_name)).toEqual([issued?.userName]);
  });
});

describe("an agent on the customer's ElevenLabs number found there", () => {
  it('is assigned by the setup that found the number (one PATCH), and a rollback says it cannot take it off', async () => {
    const customerId = h.customer('el-agent');
    const did = '+919812500921';
    const outbound = (await (await h.startOutbound({ customerId, did, provider: 'elevenlabs' })).handle.result()) as OutboundSetupResult;
    const [imported] = await numbers();
    const id = imported?.phone_number_id;
    expect(imported?.assigned_agent ?? null).toBeNull();
    const inbound = { customerId, did, trunkSid: outbound.trunkSid, provider: 'elevenlabs', providerFields: { transport: 'tcp', agentId: 'agent_frontdesk' }, destinations: [] };

    await eleven.admin.clearRequests();
    await h.admin.addFault({ method: 'GET', path: '/destination-uris$', kind: 'status', status: 400 });
    const failure = await failureOf((await h.startInbound(inbound)).handle.result());
    expect(failure.message).toContain('failed at step add-destinations');
    expect((await logged()).filter((r) => r.method === 'PATCH')[0]).toEqual({ method: 'PATCH', path: `${PATH}/${id}`, body: { agent_id: 'agent_frontdesk' } });
    expect((failure.details?.[0] as { rolledBack: string[] }).rolledBack).toContainEqual(`ElevenLabs number ${did}: left in place; not put back: its agent (ElevenLabs cannot take one off a number)`);
    await h.admin.clearFaults();

    // ElevenLabs cannot take an agent off a number: the rolled-back setup's stays, and the next one finds it there.
    expect((await numbers())[0]?.assigned_agent).toMatchObject({ agent_id: 'agent_frontdesk' });
    await eleven.admin.clearRequests();
    await (await h.startInbound(inbound)).handle.result();
    expect((await logged()).filter((r) => r.method === 'PATCH' && JSON.stringify(r.body ?? {}).includes('agent_id'))).toEqual([]);
  });
});
