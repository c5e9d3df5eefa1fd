// Retell's side by API, against the Retell stand-in over real HTTP and the Exotel simulator, on the dev server: each
// DID imported as a number with Exotel's edge (create-or-adopt by the number), cross-checked, rolled back together
// with Exotel's side; a number both directions share is deleted only by the setup that imported it, and a setup that
// found it puts back only the fields it changed.
import Retell from 'retell-sdk';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { platformObjectName } from '../../domain/platform-side';
import type { InboundSetupResult, OutboundSetupResult } from '../../domain/setup-result';
import { startRetellStandIn, type RetellStoredNumber, type RunningStandIn } from '../../simulator/voice-ai';
import { statusQuery } from '../../workflows/progress';
import { operateOn } from '../../client/lines';
import { managedLine } from '../support/lines';
import { failureOf, keepHistory, startHarness, type Harness, OUTBOUND_EXOTEL_STEPS } from '../support/setup-harness';
import { lineWorkflowId } from '../../domain/naming';

const ACCOUNT = 'acme-retell';
const EDGE = 'in.voip.exotel.com:443';
const DESTINATION = 'sip.retellai.com:5060;transport=tcp';

let retell: RunningStandIn<RetellStoredNumber>;
let h: Harness;
beforeAll(async () => {
  retell = await startRetellStandIn({ agents: ['agent_frontdesk'] });
  h = await startHarness({}, {}, { platformAccounts: [{ name: ACCOUNT, provider: 'retell', apiKey: retell.apiKey, baseUrl: retell.url }] });
}, 120_000);
afterAll(async () => {
  await h?.stop();
  await retell?.close();
});
beforeEach(async () => retell.admin.reset());

/** Method, path and (masked) body of each request the stand-in saw, oldest first. */
const logged = async () => (await retell.admin.requests()).map(({ method, path, body }) => (body === null ? { method, path } : { method, path, body }));
const numbers = async () => (await retell.admin.state()).numbers;
const get = (did: string) => ({ method: 'GET', path: `/get-phone-number/${did}` });
const exotelDeletes = async () => (await h.requestsSinceMark()).filter((r) => r.startsWith('DELETE')).map((r) => r.replace(/\?.*/, ''));

describe('outbound with Retell by API', () => {
  it("imports the DID with Exotel's edge as termination URI, the transport and the digest user, and cross-checks it", async () => {
    const customerId = h.customer('rt-out');
    const did = '+919812400001';
    const started = await h.startOutbound({ customerId, did, provider: 'retell' });
    const result = (await started.handle.result()) as OutboundSetupResult;
    await keepHistory('outbound-retell', started.handle);
    const name = platformObjectName('retell-phone-number', customerId);

    expect(await logged()).toEqual([
      get(did),
      {
        method: 'POST',
        path: '/import-phone-number',
        body: { phone_number: did, termination_uri: EDGE, transport: 'TLS', sip_trunk_auth_username: result.sipUserName, sip_trunk_auth_password: '***', nickname: name },
      },
      get(did),
    ]);
    expect(await numbers()).toMatchObject([{ phone_number: did, nickname: name, sip_trunk_auth_password_set: true, sip_outbound_trunk_config: { termination_uri: EDGE, auth_username: result.sipUserName, transport: 'TLS' } }]);
    const made = { kind: 'retell-phone-number', id: did, name };
    expect(result.platformSide).toEqual({ mode: 'api', provider: 'retell', account: ACCOUNT, objects: [made] });
    const { line } = await managedLine(h.client, 'outbound', customerId);
    expect(line.platform?.objects.map(({ since: _at, ...o }) => o)).toEqual([{ ...made, origin: 'created', mayDelete: true, by: `trunk-setup-outbound-${customerId}` }]);

    const status = await started.handle.query(statusQuery);
    expect(status.steps.map((s) => [s.name, s.state])).toEqual([
      ...OUTBOUND_EXOTEL_STEPS,
      ['platform-number', 'done'],
      ['cross-check', 'done'],
    ]);
    expect(status.steps.find((s) => s.name === 'platform-number')?.resource).toEqual({ retellNumbers: [did] });
    // The password went to Retell (masked in its log) and to the asker, never into the status; the key nowhere.
    const requests = JSON.stringify(await retell.admin.requests());
    for (const secret of [result.sipPassword, retell.apiKey]) {
      expect(requests).not.toContain(secret);
      expect(JSON.stringify(status)).not.toContain(secret);
    }
  });

  it('imports each of several DIDs', async () => {
    const customerId = h.customer('rt-several');
    const dids = ['+919812400011', '+919812400012'];
    const result = (await (await h.startOutbound({ customerId, dids, provider: 'retell' })).handle.result()) as OutboundSetupResult;
    expect(result.platformSide?.objects.map((o) => o.id)).toEqual(dids);
    expect((await logged()).map((r) => `${r.method} ${r.path}`)).toEqual([
      `GET /get-phone-number/${dids[0]}`,
      'POST /import-phone-number',
      `GET /get-phone-number/${dids[1]}`,
      'POST /import-phone-number',
      `GET /get-phone-number/${dids[0]}`,
      `GET /get-phone-number/${dids[1]}`,
    ]);
  });

  it('a refused import (400) fails the platform step and rolls back Exotel', async () => {
    const customerId = h.customer('rt-refused');
    const did = '+919812400021';
    await retell.admin.addFault({ kind: 'status', status: 400, method: 'POST', path: '^/import-phone-number$' });
    await h.mark();
    const failure = await failureOf((await h.startOutbound({ customerId, did, provider: 'retell' })).handle.result());
    expect(failure.message).toContain('failed at step platform-number');
    expect(await exotelDeletes()).toEqual(['DELETE /trunks/{trunk}/credentials', 'DELETE /trunks/{trunk}/phone-numbers', 'DELETE /trunks']);
    // Refused on the first attempt: nothing was made, so nothing is looked for or deleted on Retell.
    expect((await logged()).map((r) => r.method)).toEqual(['GET', 'POST']);
    expect(await numbers()).toEqual([]);
  });

  it("a lost answer to the import is found on the retry and adopted: exactly one number", async () => {
    const customerId = h.customer('rt-lost');
    const did = '+919812400031';
    await retell.admin.addFault({ kind: 'commit-then-fail', method: 'POST', path: '^/import-phone-number$', then: 500 });
    const result = (await (await h.startOutbound({ customerId, did, provider: 'retell' })).handle.result()) as OutboundSetupResult;
    expect(result.platformSide?.objects).toEqual([{ kind: 'retell-phone-number', id: did, name: platformObjectName('retell-phone-number', customerId) }]);
    expect((await logged()).map((r) => `${r.method} ${r.path}`)).toEqual([`GET /get-phone-number/${did}`, 'POST /import-phone-number', `GET /get-phone-number/${did}`, `GET /get-phone-number/${did}`]);
    expect((await numbers()).map((n) => n.phone_number)).toEqual([did]);
  });

  it('refuses a number Retell holds under another nickname, leaves it as it is, and rolls back Exotel', async () => {
    const customerId = h.customer('rt-taken');
    const did = '+919812400041';
    const sdk = new Retell({ apiKey: retell.apiKey, baseURL: retell.url, maxRetries: 0 });
    await sdk.phoneNumber.import({ phone_number: did, termination_uri: 'elsewhere.example.com', nickname: 'someone else' });
    await retell.admin.clearRequests();
    const before = await numbers();
    await h.mark();
    const failure = await failureOf((await h.startOutbound({ customerId, did, provider: 'retell' })).handle.result());
    expect(failure.message).toContain('failed at step platform-number');
    expect(failure.message).toContain(`Retell already has number ${did} named someone else (${did}) that this setup did not make`);
    expect(await logged()).toEqual([get(did)]);
    expect(await numbers()).toEqual(before);
    expect(await exotelDeletes()).toEqual(['DELETE /trunks/{trunk}/credentials', 'DELETE /trunks/{trunk}/phone-numbers', 'DELETE /trunks']);
  });

  it('takes over its own number found there, changing only what differs, and puts exactly that back on rollback', async () => {
    const customerId = h.customer('rt-found');
    const did = '+919812400051';
    const name = platformObjectName('retell-phone-number', customerId);
    // This customer's number from before, dialling an old edge as an old user.
    const sdk = new Retell({ apiKey: retell.apiKey, baseURL: retell.url, maxRetries: 0 });
    await sdk.phoneNumber.import({ phone_number: did, termination_uri: 'old.voip.exotel.com:443', transport: 'TLS', sip_trunk_auth_username: 'old_user', sip_trunk_auth_password: 'old-secret', nickname: name });
    await retell.admin.clearRequests();
    // The cross-check's read fails for good (the first GET, the lookup, passes): the setup rolls back.
    await retell.admin.addFault({ kind: 'status', status: 400, method: 'GET', path: '^/get-phone-number/', skip: 1 });
    const failure = await failureOf((await h.startOutbound({ customerId, did, provider: 'retell' })).handle.result());
    expect(failure.message).toContain('failed at step cross-check');
    const rolledBack = (failure.details?.[0] as { rolledBack: string[] }).rolledBack;
    expect(rolledBack[0]).toBe(
      `Retell number ${did}: restored its termination URI, its auth user name; not put back: its SIP password (Retell never shows the one it had; Exotel's credential goes with this rollback)`,
    );
    const userName = (await logged())[1]?.body as { auth_username: string };
    expect(await logged()).toEqual([
      get(did),
      { method: 'PATCH', path: `/update-phone-number/${did}`, body: { termination_uri: EDGE, auth_username: userName.auth_username, auth_password: '***' } },
      get(did),
      { method: 'PATCH', path: `/update-phone-number/${did}`, body: { termination_uri: 'old.voip.exotel.com:443', auth_username: 'old_user' } },
    ]);
    expect(await numbers()).toMatchObject([{ phone_number: did, nickname: name, sip_outbound_trunk_config: { termination_uri: 'old.voip.exotel.com:443', auth_username: 'old_user', transport: 'TLS' } }]);
  });
});

describe('inbound with Retell by API', () => {
  it("imports the number before Exotel sends to Retell's SIP URI, and cross-checks both sides", async () => {
    const customerId = h.customer('rt-in');
    const did = '+919812400101';
    await h.mark();
    const started = await h.startInbound({ customerId, did, provider: 'retell', destinations: [] });
    const result = (await started.handle.result()) as InboundSetupResult;
    const name = platformObjectName('retell-phone-number', customerId);

    // Retell takes a number only with a termination URI, so even an inbound-only number has Exotel's edge; no credentials.
    expect(await logged()).toEqual([get(did), { method: 'POST', path: '/import-phone-number', body: { phone_number: did, termination_uri: EDGE, transport: 'TLS', nickname: name } }, get(did)]);
    expect(result.platformSide).toEqual({ mode: 'api', provider: 'retell', account: ACCOUNT, objects: [{ kind: 'retell-phone-number', id: did, name }] });
    const [trunk] = await h.exotelTrunksWith(did);
    expect(trunk?.destination_uris.map((d) => d.destination)).toEqual([`sip:${DESTINATION}`]);
    const status = await started.handle.query(statusQuery);
    expect(status.steps.map((s) => s.name)).toEqual(['validate', 'create-trunk', 'map-did', 'platform-number', 'add-destinations', 'verify', 'cross-check']);
    expect(status.steps.every((s) => s.state === 'done')).toBe(true);
    expect(JSON.stringify(status)).not.toContain(retell.apiKey);
    expect(JSON.stringify(await retell.admin.requests())).not.toContain(retell.apiKey);
  });

  it("takes the number the customer's outbound setup imported, changes nothing (no agent to bind), and leaves it on rollback", async () => {
    const customerId = h.customer('rt-both');
    const did = '+919812400111';
    const outbound = (await (await h.startOutbound({ customerId, did, provider: 'retell' })).handle.result()) as OutboundSetupResult;
    const imported = await numbers();
    // Exotel maps a DID to one trunk: the inbound side goes on the outbound setup's.
    const inbound = { customerId, did, trunkSid: outbound.trunkSid, provider: 'retell', destinations: [] };

    // An inbound setup failing at Exotel after the platform step leaves the number be: it did not import it.
    await retell.admin.clearRequests();
    await h.admin.addFault({ method: 'GET', path: '/destination-uris$', kind: 'status', status: 400 });
    const failure = await failureOf((await h.startInbound(inbound)).handle.result());
    // On a given trunk, adding destinations reads the trunk's first.
    expect(failure.message).toContain('failed at step add-destinations');
    expect(failure.message).toContain('Rolled back: nothing had been created');
    expect(await logged()).toEqual([get(did)]);
    expect(await numbers()).toEqual(imported);

    await retell.admin.clearRequests();
    const result = (await (await h.startInbound(inbound)).handle.result()) as InboundSetupResult;
    expect(await logged()).toEqual([get(did), get(did)]);
    const shared = { kind: 'retell-phone-number', id: did, name: platformObjectName('retell-phone-number', customerId) };
    expect(result.platformSide?.objects).toEqual([{ ...shared, origin: 'pre-existing', mayDelete: false }]);
    expect(outbound.platformSide?.objects).toEqual([shared]);
    // The inbound line does not own it: only the outbound line may delete it.
    const { line } = await managedLine(h.client, 'inbound', customerId);
    expect(line.platform?.objects).toMatchObject([{ ...shared, origin: 'pre-existing', mayDelete: false }]);
    expect(await numbers()).toEqual(imported);
  });

  it("binds the setup's agent: at import, or on the number the outbound setup imported (and unbinds it on rollback)", async () => {
    const fresh = h.customer('rt-agent');
    await (await h.startInbound({ customerId: fresh, did: '+919812400141', provider: 'retell', providerFields: { agentId: 'agent_frontdesk' }, destinations: [] })).handle.result();
    expect((await numbers()).find((n) => n.phone_number === '+919812400141')?.inbound_agents).toEqual([{ agent_id: 'agent_frontdesk', weight: 1 }]);

    const both = h.customer('rt-agent-both');
    const did = '+919812400142';
    const outbound = (await (await h.startOutbound({ customerId: both, did, provider: 'retell' })).handle.result()) as OutboundSetupResult;
    const inbound = { customerId: both, did, trunkSid: outbound.trunkSid, provider: 'retell', providerFields: { agentId: 'agent_frontdesk' }, destinations: [] };
    // Failing at Exotel after the agent was bound: the rollback unbinds it.
    await h.admin.addFault({ method: 'GET', path: '/destination-uris$', kind: 'status', status: 400 });
    const failure = await failureOf((await h.startInbound(inbound)).handle.result());
    expect(failure.message).toContain(`Retell number ${did}: restored its inbound agent`);
    expect((await numbers()).find((n) => n.phone_number === did)?.inbound_agents ?? []).toEqual([]);
    await (await h.startInbound(inbound)).handle.result();
    expect((await numbers()).find((n) => n.phone_number === did)?.inbound_agents).toEqual([{ agent_id: 'agent_frontdesk', weight: 1 }]);
  });

  it('an Exotel step failing for good after the import deletes the number it imported', async () => {
    const customerId = h.customer('rt-in-fail');
    const did = '+919812400121';
    await h.admin.addFault({ method: 'POST', path: '/destination-uris$', kind: 'status', status: 400 });
    const failure = await failureOf((await h.startInbound({ customerId, did, provider: 'retell', destinations: [] })).handle.result());
    expect(failure.message).toContain('failed at step add-destinations');
    expect((failure.details?.[0] as { rolledBack: string[] }).rolledBack).toContain(`deleted Retell number ${did} (${platformObjectName('retell-phone-number', customerId)})`);
    expect((await logged()).map((r) => `${r.method} ${r.path}`)).toEqual([`GET /get-phone-number/${did}`, 'POST /import-phone-number', `DELETE /delete-phone-number/${did}`]);
    expect(await numbers()).toEqual([]);
    expect(await h.exotelTrunksWith(did)).toEqual([]);
  });

  it("a destination that is not Retell's SIP host fails the cross-check by name and rolls back both sides", async () => {
    const customerId = h.customer('rt-elsewhere');
    const did = '+919812400131';
    const failure = await failureOf((await h.startInbound({ customerId, did, provider: 'retell', destinations: ['sip.example.com:5060;transport=tcp'] })).handle.result());
    expect(failure.message).toContain('failed at step cross-check');
    expect(failure.message).toContain('Exotel sends to sip.example.com, the Retell SIP host is sip.retellai.com');
    expect(await numbers()).toEqual([]);
    expect(await h.exotelTrunksWith(did)).toEqual([]);
  });
});

describe('day two with Retell by API', () => {
  it('offboarding deletes the Retell number this line imported, then Exotel', async () => {
    const customerId = h.customer('rt-offboard');
    const did = '+919812400901';
    await (await h.startOutbound({ customerId, did, provider: 'retell' })).handle.result();
    await managedLine(h.client, 'outbound', customerId);
    const report = await operateOn(h.client, 'outbound', customerId, { operation: { kind: 'offboard' }, confirm: true });
    expect(report.state, report.message).toBe('done');
    expect(report.plan?.steps[0]).toMatchObject({ action: 'delete-platform-object', effect: expect.stringContaining('in both directions') as string });
    expect(await numbers()).toEqual([]);
    expect((await logged()).filter((r) => r.method === 'DELETE')).toEqual([{ method: 'DELETE', path: `/delete-phone-number/${did}` }]);
    expect(await h.exotelTrunksWith(did)).toEqual([]);
  });
});

describe('rotation with Retell by API', () => {
  it('closes the loop: a new Exotel credential, each Retell number signs in with it (read back), the old one goes', async () => {
    const customerId = h.customer('rt-rotate');
    const dids = ['+919812400911', '+919812400912'];
    const setup = (await (await h.startOutbound({ customerId, dids, provider: 'retell' })).handle.result()) as OutboundSetupResult;
    const { line } = await managedLine(h.client, 'outbound', customerId);
    await retell.admin.clearRequests();
    const report = await operateOn(h.client, 'outbound', customerId, { operation: { kind: 'rotate-credential' } });
    expect(report.state, report.message).toBe('done');
    expect(report.plan?.steps.map((s) => s.action)).toEqual(['create-credential', 'update-platform-credential', 'update-platform-credential', 'delete-credential']);
    const issued = report.issuedCredential;
    expect(issued?.userName).not.toBe(setup.sipUserName);
    expect(await logged()).toEqual(dids.map((did) => ({ method: 'PATCH', path: `/update-phone-number/${did}`, body: { auth_username: issued?.userName, auth_password: '***' } })));
    expect((await numbers()).map((n) => n.sip_outbound_trunk_config?.auth_username)).toEqual([issued?.userName, issued?.userName]);
    const exotel = (await h.admin.state()).accounts[h.exotelAccount.accountSid]?.trunks.find((t) => t.trunk_sid === line.trunk?.sid);
    expect(exotel?.credentials.map((c) => c.user_name)).toEqual([issued?.userName]);
    expect(JSON.stringify(await retell.admin.requests())).not.toContain(issued?.password);
  });

  it('a rotation Retell refuses is rolled back on Exotel: the old credential stays, the new one is gone', async () => {
    const customerId = h.customer('rt-rotate-refused');
    const did = '+919812400921';
    const setup = (await (await h.startOutbound({ customerId, did, provider: 'retell' })).handle.result()) as OutboundSetupResult;
    const { line } = await managedLine(h.client, 'outbound', customerId);
    await retell.admin.addFault({ kind: 'status', status: 400, method: 'PATCH', path: '^/update-phone-number/' });
    const report = await operateOn(h.client, 'outbound', customerId, { operation: { kind: 'rotate-credential' }, opsDecisionTimeout: '0s' });
    expect(report.state, report.message).toBe('rolled-back');
    expect(report.message).toContain('update-platform-credential');
    const exotel = (await h.admin.state()).accounts[h.exotelAccount.accountSid]?.trunks.find((t) => t.trunk_sid === line.trunk?.sid);
    expect(exotel?.credentials.map((c) => c.user_name)).toEqual([setup.sipUserName]);
  });
});

describe('DID changes with Retell by API', () => {
  it('an outbound DID added comes with a new credential every number signs in with; one removed goes after Exotel unmaps it', async () => {
    const customerId = h.customer('rt-dids');
    const [first, second] = ['+919812400931', '+919812400932'];
    await (await h.startOutbound({ customerId, did: first, provider: 'retell', providerFields: { agentId: 'agent_frontdesk' } })).handle.result();
    await managedLine(h.client, 'outbound', customerId);
    const added = await operateOn(h.client, 'outbound', customerId, { operation: { kind: 'add-dids', dids: [second] } });
    expect(added.state, added.message).toBe('done');
    await keepHistory('line-did-added-retell', h.client.workflow.getHandle(lineWorkflowId('outbound', customerId)));
    expect(added.plan?.steps.map((s) => s.action)).toEqual(['map-did', 'create-credential', 'update-platform-credential', 'add-platform-number', 'delete-credential']);
    expect(added.plan?.notes).toContainEqual(expect.stringContaining('takes a new number only with the digest password'));
    const userName = added.issuedCredential?.userName;
    // The new number calls with the agent the line's other number has.
    expect((await numbers()).map((n) => [n.phone_number, n.sip_outbound_trunk_config?.auth_username, n.outbound_agents?.[0]?.agent_id])).toEqual([
      [first, userName, 'agent_frontdesk'],
      [second, userName, 'agent_frontdesk'],
    ]);
    const { line } = await managedLine(h.client, 'outbound', customerId);
    expect(line.platform?.objects.map((o) => o.id)).toEqual([first, second]);

    const removed = await operateOn(h.client, 'outbound', customerId, { operation: { kind: 'remove-dids', dids: [first] }, confirm: true });
    expect(removed.state, removed.message).toBe('done');
    expect(removed.plan?.steps.map((s) => s.action)).toEqual(['unmap-did', 'remove-platform-number']);
    expect((await numbers()).map((n) => n.phone_number)).toEqual([second]);
    expect((await managedLine(h.client, 'outbound', customerId)).line.platform?.objects.map((o) => o.id)).toEqual([second]);
  });

  it('an inbound DID added is imported with the edge and the agent of the line, no credential made', async () => {
    const customerId = h.customer('rt-dids-in');
    const [first, second] = ['+919812400941', '+919812400942'];
    await (await h.startInbound({ customerId, did: first, provider: 'retell', providerFields: { agentId: 'agent_frontdesk' } })).handle.result();
    await managedLine(h.client, 'inbound', customerId);
    const added = await operateOn(h.client, 'inbound', customerId, { operation: { kind: 'add-dids', dids: [second] } });
    expect(added.state, added.message).toBe('done');
    expect(added.plan?.steps.map((s) => s.action)).toEqual(['map-did', 'add-platform-number']);
    const held = (await numbers()).find((n) => n.phone_number === second);
    expect(held).toMatchObject({ sip_outbound_trunk_config: { termination_uri: EDGE }, inbound_agents: [{ agent_id: 'agent_frontdesk', weight: 1 }] });
  });
});

describe('a DID moved from a Retell line', () => {
  it("is deleted on Retell after Exotel hands it over (the target's platform side is its own to set)", async () => {
    const from = h.customer('rt-move-from');
    const to = h.customer('rt-move-to');
    const [did, moved] = ['+919812400961', '+919812400962'];
    await (await h.startOutbound({ customerId: from, dids: [did, moved], provider: 'retell' })).handle.result();
    await (await h.startOutbound({ customerId: to, did: '+919812400963', provider: 'retell', providerSide: 'manual' })).handle.result();
    await managedLine(h.client, 'outbound', from);
    const target = (await managedLine(h.client, 'outbound', to)).line;
    const report = await operateOn(h.client, 'outbound', from, { operation: { kind: 'move-did', did: moved, toCustomerId: to, toTrunkSid: target.trunk?.sid ?? '' }, confirm: true });
    expect(report.state, report.message).toBe('done');
    expect(report.plan?.steps.map((s) => s.action)).toEqual(['map-did-on-target', 'unmap-did', 'hand-over-did', 'remove-platform-number']);
    expect((await numbers()).map((n) => n.phone_number)).toEqual([did]);
    expect((await managedLine(h.client, 'outbound', from)).line.platform?.objects.map((o) => o.id)).toEqual([did]);
  });
});
