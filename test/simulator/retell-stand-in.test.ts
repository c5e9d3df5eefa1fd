// The Retell stand-in through the official SDK (retell-sdk), exactly as the project will call Retell: no HTTP mock.

import Retell, { type APIError } from 'retell-sdk';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startRetellStandIn, type RetellStoredNumber, type RunningStandIn } from '../../simulator/voice-ai';

const AGENT = 'agent_frontdesk_0001';
const OTHER_AGENT = 'agent_sales_0002';
const NUMBER = '+918047112233';
const PASSWORD = 'Digest_Pass_9f3b';

let standIn: RunningStandIn<RetellStoredNumber>;
/** No SDK retries: each test sees one request per call (Temporal activities retry on their own). */
let retell: Retell;

const importBody = (overrides: Partial<Retell.PhoneNumberImportParams> = {}): Retell.PhoneNumberImportParams => ({
  phone_number: NUMBER,
  termination_uri: 'in.voip.exotel.com:5070',
  sip_trunk_auth_username: 'acme_out_user',
  sip_trunk_auth_password: PASSWORD,
  transport: 'TLS',
  nickname: 'Acme front desk',
  inbound_agents: [{ agent_id: AGENT, weight: 1 }],
  outbound_agents: [{ agent_id: AGENT, weight: 1 }],
  ...overrides,
});

/** The error the SDK rejects with (fails the test if it resolves). */
const failure = (call: Promise<unknown>): Promise<APIError> =>
  call.then(() => expect.unreachable('the SDK call should fail'), (e: unknown) => (expect(e).toBeInstanceOf(Retell.APIError), e as APIError));

beforeAll(async () => {
  standIn = await startRetellStandIn({ agents: [{ id: AGENT, name: 'Front desk' }, OTHER_AGENT] });
  retell = new Retell({ apiKey: standIn.apiKey, baseURL: standIn.url, maxRetries: 0 });
});
afterAll(async () => standIn.close());
beforeEach(async () => standIn.admin.reset());

describe('Retell stand-in through retell-sdk', () => {
  it('imports a number with trunk settings and agents, reads it back, rebinds it, lists and deletes it', async () => {
    const imported = await retell.phoneNumber.import(importBody());
    expect(imported).toMatchObject({
      phone_number: NUMBER,
      phone_number_type: 'custom',
      nickname: 'Acme front desk',
      inbound_agents: [{ agent_id: AGENT, weight: 1 }],
      outbound_agents: [{ agent_id: AGENT, weight: 1 }],
      sip_outbound_trunk_config: { termination_uri: 'in.voip.exotel.com:5070', auth_username: 'acme_out_user', transport: 'TLS' },
    });
    expect(JSON.stringify(imported)).not.toContain(PASSWORD);

    expect(await retell.phoneNumber.retrieve(NUMBER)).toEqual(imported);

    const updated = await retell.phoneNumber.update(NUMBER, {
      inbound_agents: [
        { agent_id: AGENT, weight: 0.7 },
        { agent_id: OTHER_AGENT, weight: 0.3, agent_version: 'latest' },
      ],
      outbound_agents: null,
    });
    expect(updated.inbound_agents).toEqual([
      { agent_id: AGENT, weight: 0.7 },
      { agent_id: OTHER_AGENT, weight: 0.3, agent_version: 'latest' },
    ]);
    expect(updated.outbound_agents).toBeNull();
    expect(updated.last_modification_timestamp).toBeGreaterThan(imported.last_modification_timestamp);
    expect(await retell.phoneNumber.retrieve(NUMBER)).toEqual(updated);

    await retell.phoneNumber.import(importBody({ phone_number: '+918047112244', inbound_agents: null, outbound_agents: null }));
    const listed = await retell.phoneNumber.list();
    expect(listed.has_more).toBe(false);
    expect(listed.items.map((n) => n.phone_number)).toEqual(['+918047112244', NUMBER]);
    const firstPage = await retell.phoneNumber.list({ limit: 1, sort_order: 'ascending' });
    expect(firstPage).toMatchObject({ has_more: true, pagination_key: NUMBER, items: [{ phone_number: NUMBER }] });
    const secondPage = await retell.phoneNumber.list({ limit: 1, sort_order: 'ascending', pagination_key: NUMBER });
    expect(secondPage).toMatchObject({ has_more: false, items: [{ phone_number: '+918047112244' }] });

    await expect(retell.phoneNumber.delete(NUMBER)).resolves.toBeNull();
    const gone = await failure(retell.phoneNumber.retrieve(NUMBER));
    expect(gone).toBeInstanceOf(Retell.NotFoundError);
    expect(gone.status).toBe(404);
    expect((await standIn.admin.state()).numbers.map((n) => n.phone_number)).toEqual(['+918047112244']);
  });

  it('reads seeded agents and refuses to bind or read an unknown one (404)', async () => {
    const agent = await retell.agent.retrieve(AGENT);
    expect(agent).toMatchObject({ agent_id: AGENT, agent_name: 'Front desk' });

    const unknownRead = await failure(retell.agent.retrieve('agent_nobody'));
    expect(unknownRead).toBeInstanceOf(Retell.NotFoundError);

    const unknownBind = await failure(retell.phoneNumber.import(importBody({ outbound_agents: [{ agent_id: 'agent_nobody', weight: 1 }] })));
    expect(unknownBind.status).toBe(404);
    expect(unknownBind.message).toBe('404 Agent agent_nobody not found');
    expect((await standIn.admin.state()).numbers).toEqual([]);
  });

  it('refuses a body missing a required field, with an unknown field or a wrong type (400)', async () => {
    const { termination_uri: _dropped, ...withoutUri } = importBody();
    const missing = await failure(retell.phoneNumber.import(withoutUri as Retell.PhoneNumberImportParams));
    expect(missing).toBeInstanceOf(Retell.BadRequestError);
    expect(missing.error).toEqual({ status: 'error', message: 'Invalid request body: termination_uri is required' });

    const unknown = await failure(retell.phoneNumber.import({ ...importBody(), sip_trunk_password: 'x' } as Retell.PhoneNumberImportParams));
    expect(unknown.status).toBe(400);
    expect(unknown.message).toContain('sip_trunk_password is not a known field');

    const wrongType = await failure(
      retell.phoneNumber.update(NUMBER, { inbound_agents: [{ agent_id: AGENT, weight: '1' }] } as unknown as Retell.PhoneNumberUpdateParams),
    );
    expect(wrongType.status).toBe(400);
    expect(wrongType.message).toContain('inbound_agents[0].weight must be a number');

    const badTransport = await failure(retell.phoneNumber.import(importBody({ transport: 'SCTP' })));
    expect(badTransport.message).toContain('transport "SCTP" must be one of');
  });

  it('refuses agent weights that do not add up to 1 (400) and accepts ones that do, up to rounding', async () => {
    const refused = await failure(
      retell.phoneNumber.import(
        importBody({
          inbound_agents: [
            { agent_id: AGENT, weight: 0.5 },
            { agent_id: OTHER_AGENT, weight: 0.4 },
          ],
        }),
      ),
    );
    expect(refused).toBeInstanceOf(Retell.BadRequestError);
    expect(refused.message).toContain('inbound_agents weights must add up to 1');

    const accepted = await retell.phoneNumber.import(
      importBody({
        inbound_agents: [
          { agent_id: AGENT, weight: 0.7 },
          { agent_id: OTHER_AGENT, weight: 0.2 },
          { agent_id: AGENT, weight: 0.1 },
        ],
      }),
    );
    expect(accepted.inbound_agents).toHaveLength(3);
  });

  it('refuses a duplicate import (409), a missing number (404) and a bad API key (401)', async () => {
    await retell.phoneNumber.import(importBody());
    const duplicate = await failure(retell.phoneNumber.import(importBody({ nickname: 'again' })));
    expect(duplicate).toBeInstanceOf(Retell.ConflictError);
    expect(duplicate.status).toBe(409);
    expect((await retell.phoneNumber.retrieve(NUMBER)).nickname).toBe('Acme front desk');

    const missing = await failure(retell.phoneNumber.delete('+918047119999'));
    expect(missing).toBeInstanceOf(Retell.NotFoundError);
    const missingUpdate = await failure(retell.phoneNumber.update('+918047119999', { nickname: 'x' }));
    expect(missingUpdate.status).toBe(404);

    const stranger = new Retell({ apiKey: 'key_wrong', baseURL: standIn.url, maxRetries: 0 });
    const refused = await failure(stranger.phoneNumber.list());
    expect(refused).toBeInstanceOf(Retell.AuthenticationError);
    expect(refused.status).toBe(401);
  });

  it('answers an injected 500 without applying it, and a commit-then-fail after applying it', async () => {
    await standIn.admin.addFault({ kind: 'status', status: 500, method: 'POST', path: '^/import-phone-number$' });
    const failed = await failure(retell.phoneNumber.import(importBody()));
    expect(failed).toBeInstanceOf(Retell.InternalServerError);
    expect(failed.status).toBe(500);
    expect((await standIn.admin.state()).numbers).toEqual([]);

    await standIn.admin.addFault({ kind: 'commit-then-fail', method: 'POST', path: '^/import-phone-number$' });
    const lost = await failure(retell.phoneNumber.import(importBody()));
    expect(lost.status).toBe(500);
    expect((await retell.phoneNumber.retrieve(NUMBER)).phone_number).toBe(NUMBER);
    // The caller's retry of the import now meets its own earlier write.
    expect(await failure(retell.phoneNumber.import(importBody()))).toBeInstanceOf(Retell.ConflictError);
  });

  it('drops a connection (APIConnectionError) and times out behind injected latency without applying the import', async () => {
    await standIn.admin.addFault({ kind: 'drop', method: 'POST', path: '^/import-phone-number$' });
    expect(await failure(retell.phoneNumber.import(importBody()))).toBeInstanceOf(Retell.APIConnectionError);

    await standIn.admin.addFault({ kind: 'latency', latencyMs: 400, method: 'POST', path: '^/import-phone-number$' });
    const impatient = new Retell({ apiKey: standIn.apiKey, baseURL: standIn.url, maxRetries: 0, timeout: 100 });
    expect(await failure(impatient.phoneNumber.import(importBody()))).toBeInstanceOf(Retell.APIConnectionTimeoutError);
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect((await standIn.admin.state()).numbers).toEqual([]);
  });

  it('is retried twice by the SDK by default on a 5xx', async () => {
    await standIn.admin.addFault({ kind: 'status', status: 503, path: '^/get-phone-number/', count: 0 });
    const defaults = new Retell({ apiKey: standIn.apiKey, baseURL: standIn.url });
    expect((await failure(defaults.phoneNumber.retrieve(NUMBER))).status).toBe(503);
    const attempts = (await standIn.admin.requests()).filter((r) => r.path === `/get-phone-number/${NUMBER}`);
    expect(attempts.map((r) => [r.status, r.fault])).toEqual([
      [503, 'status'],
      [503, 'status'],
      [503, 'status'],
    ]);
  });

  it('logs requests with passwords masked', async () => {
    await retell.phoneNumber.import(importBody());
    await retell.phoneNumber.update(NUMBER, { auth_username: 'acme_out_user2', auth_password: `${PASSWORD}_new` });
    const log = await standIn.admin.requests();
    expect(log.map((r) => `${r.method} ${r.path} ${r.status}`)).toEqual([`POST /import-phone-number 201`, `PATCH /update-phone-number/${NUMBER} 200`]);
    expect(log[0]?.body).toMatchObject({ sip_trunk_auth_username: 'acme_out_user', sip_trunk_auth_password: '***' });
    expect(log[1]?.body).toEqual({ auth_username: 'acme_out_user2', auth_password: '***' });
    const everything = JSON.stringify([log, await standIn.admin.state()]);
    expect(everything).not.toContain(PASSWORD);
    expect(everything).not.toContain(standIn.apiKey);
    expect((await standIn.admin.state()).numbers[0]).toMatchObject({ sip_trunk_auth_password_set: true });
  });
});
