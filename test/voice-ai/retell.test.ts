// RetellPhoneNumbers against the Retell stand-in over real HTTP (no mocks): the exact request each method sends, as
// the stand-in logged it (passwords masked), and how each failure is classified.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startRetellStandIn, type RetellStoredNumber, type RunningStandIn } from '../../simulator/voice-ai';
import type { KeyedAccountSettings } from '../../voice-ai/accounts';
import { PlatformError } from '../../voice-ai/errors';
import { RetellPhoneNumbers, terminationUriFor, type RetellImport } from '../../voice-ai/retell';

const AGENT = 'agent_frontdesk_0001';
const OTHER_AGENT = 'agent_sales_0002';
const NUMBER = '+918047112233';
const PASSWORD = 'Digest_Pass_9f3b';
const EDGE = { host: 'in.voip.exotel.com', port: 443 };

let standIn: RunningStandIn<RetellStoredNumber>;
let account: KeyedAccountSettings;
let retell: RetellPhoneNumbers;

const importing = (overrides: Partial<RetellImport> = {}): RetellImport => ({
  phoneNumber: NUMBER,
  terminationUri: terminationUriFor(EDGE),
  transport: 'tls',
  authUsername: 'acme_out_user',
  authPassword: PASSWORD,
  inboundAgentId: AGENT,
  outboundAgentId: AGENT,
  nickname: `Exotel ${NUMBER}`,
  ...overrides,
});

/** The PlatformError a call rejects with (fails the test if it resolves). */
const failure = (call: Promise<unknown>): Promise<PlatformError> =>
  call.then(() => expect.unreachable('the call should fail'), (e: unknown) => (expect(e).toBeInstanceOf(PlatformError), e as PlatformError));

/** Method, path and (masked) body of each request the stand-in saw, oldest first. */
const logged = async () => (await standIn.admin.requests()).map(({ method, path, body }) => ({ method, path, body }));

beforeAll(async () => {
  standIn = await startRetellStandIn({ agents: [{ id: AGENT, name: 'Front desk' }, OTHER_AGENT] });
  account = { name: 'retell-main', provider: 'retell', apiKey: standIn.apiKey, baseUrl: standIn.url };
  retell = new RetellPhoneNumbers(account);
});
afterAll(async () => standIn.close());
beforeEach(async () => standIn.admin.reset());

describe('RetellPhoneNumbers', () => {
  it('imports a number with the edge, digest credentials and one agent per direction (weight 1)', async () => {
    const view = await retell.importNumber(importing());
    expect(view).toEqual({
      phoneNumber: NUMBER,
      terminationUri: 'in.voip.exotel.com:443',
      authUsername: 'acme_out_user',
      transport: 'tls',
      inboundAgentIds: [AGENT],
      outboundAgentIds: [AGENT],
      nickname: `Exotel ${NUMBER}`,
    });
    expect(JSON.stringify(view)).not.toContain(PASSWORD);
    expect(await logged()).toEqual([
      {
        method: 'POST',
        path: '/import-phone-number',
        body: {
          phone_number: NUMBER,
          termination_uri: 'in.voip.exotel.com:443',
          transport: 'TLS',
          sip_trunk_auth_username: 'acme_out_user',
          sip_trunk_auth_password: '***',
          inbound_agents: [{ agent_id: AGENT, weight: 1 }],
          outbound_agents: [{ agent_id: AGENT, weight: 1 }],
          nickname: `Exotel ${NUMBER}`,
        },
      },
    ]);
    expect((await standIn.admin.state()).numbers[0]).toMatchObject({ sip_trunk_auth_password_set: true });
  });

  it('sends nothing it was not given: no credentials, no agents', async () => {
    const view = await retell.importNumber(importing({ transport: 'tcp', terminationUri: 'in.voip.exotel.com:5070', authUsername: undefined, authPassword: undefined, inboundAgentId: undefined, outboundAgentId: undefined }));
    expect(view).toMatchObject({ transport: 'tcp', authUsername: null, inboundAgentIds: [], outboundAgentIds: [] });
    expect((await logged())[0]?.body).toEqual({ phone_number: NUMBER, termination_uri: 'in.voip.exotel.com:5070', transport: 'TCP', nickname: `Exotel ${NUMBER}` });
  });

  it('reads a number back, and null for one Retell does not have', async () => {
    const imported = await retell.importNumber(importing());
    await standIn.admin.clearRequests();
    const read = await retell.getNumber(NUMBER);
    expect(read).toEqual(imported);
    expect(JSON.stringify(read)).not.toContain(PASSWORD);
    expect(await retell.getNumber('+918047119999')).toBeNull();
    expect(await logged()).toEqual([
      { method: 'GET', path: `/get-phone-number/${NUMBER}`, body: null },
      { method: 'GET', path: '/get-phone-number/+918047119999', body: null },
    ]);
  });

  it('updates with the update\'s own field names (auth_username / auth_password), unbinding with null', async () => {
    await retell.importNumber(importing());
    await standIn.admin.clearRequests();
    const view = await retell.updateNumber(NUMBER, {
      terminationUri: 'in.voip.exotel.com:5070',
      transport: 'tcp',
      authUsername: 'acme_out_user2',
      authPassword: `${PASSWORD}_new`,
      inboundAgentId: OTHER_AGENT,
      outboundAgentId: null,
    });
    expect(view).toEqual({
      phoneNumber: NUMBER,
      terminationUri: 'in.voip.exotel.com:5070',
      authUsername: 'acme_out_user2',
      transport: 'tcp',
      inboundAgentIds: [OTHER_AGENT],
      outboundAgentIds: [],
      nickname: `Exotel ${NUMBER}`,
    });
    expect(JSON.stringify(view)).not.toContain(PASSWORD);
    expect(await logged()).toEqual([
      {
        method: 'PATCH',
        path: `/update-phone-number/${NUMBER}`,
        body: {
          termination_uri: 'in.voip.exotel.com:5070',
          transport: 'TCP',
          auth_username: 'acme_out_user2',
          auth_password: '***',
          inbound_agents: [{ agent_id: OTHER_AGENT, weight: 1 }],
          outbound_agents: null,
        },
      },
    ]);

    await standIn.admin.clearRequests();
    expect((await retell.updateNumber(NUMBER, { outboundAgentId: AGENT })).outboundAgentIds).toEqual([AGENT]);
    expect((await logged())[0]?.body).toEqual({ outbound_agents: [{ agent_id: AGENT, weight: 1 }] });

    const missing = await failure(retell.updateNumber('+918047119999', { inboundAgentId: AGENT }));
    expect(missing.details).toMatchObject({ provider: 'retell', kind: 'not-found', httpStatus: 404, operation: 'PATCH /update-phone-number/{phone_number}' });
  });

  it('deletes a number, and answers false when it is already gone', async () => {
    await retell.importNumber(importing());
    await standIn.admin.clearRequests();
    expect(await retell.deleteNumber(NUMBER)).toBe(true);
    expect(await retell.deleteNumber(NUMBER)).toBe(false);
    expect(await logged()).toEqual([
      { method: 'DELETE', path: `/delete-phone-number/${NUMBER}`, body: null },
      { method: 'DELETE', path: `/delete-phone-number/${NUMBER}`, body: null },
    ]);
    expect((await standIn.admin.state()).numbers).toEqual([]);
  });

  it('classifies a duplicate import (409) as duplicate and an unknown agent as not-found', async () => {
    await retell.importNumber(importing());
    const duplicate = await failure(retell.importNumber(importing({ nickname: 'again' })));
    expect(duplicate.details).toEqual({
      provider: 'retell',
      kind: 'duplicate',
      operation: 'POST /import-phone-number',
      httpStatus: 409,
      description: `Phone number ${NUMBER} already exists`,
    });
    expect(duplicate.retryable).toBe(false);

    const unknownAgent = await failure(retell.importNumber(importing({ phoneNumber: '+918047112244', inboundAgentId: 'agent_nobody' })));
    expect(unknownAgent.details).toMatchObject({ kind: 'not-found', httpStatus: 404, description: 'Agent agent_nobody not found' });
  });

  it('classifies a bad API key as auth', async () => {
    const stranger = new RetellPhoneNumbers({ ...account, apiKey: 'key_wrong' });
    const refused = await failure(stranger.getNumber(NUMBER));
    expect(refused.details).toMatchObject({ provider: 'retell', kind: 'auth', httpStatus: 401 });
    expect(refused.message).not.toContain('key_wrong');
  });

  it('makes exactly one request on a 503 (no SDK retries) and calls it transient', async () => {
    await standIn.admin.addFault({ kind: 'status', status: 503, path: '^/get-phone-number/', count: 0 });
    const failed = await failure(retell.getNumber(NUMBER));
    expect(failed.details).toMatchObject({ kind: 'transient', httpStatus: 503 });
    expect(failed.retryable).toBe(true);
    expect((await standIn.admin.requests()).map((r) => [r.method, r.path, r.status])).toEqual([['GET', `/get-phone-number/${NUMBER}`, 503]]);
  });

  it('calls a 429 rate-limited, after one request', async () => {
    await standIn.admin.addFault({ kind: 'status', status: 429, method: 'POST', path: '^/import-phone-number$', count: 0 });
    const limited = await failure(retell.importNumber(importing()));
    expect(limited.details).toMatchObject({ kind: 'rate-limited', httpStatus: 429 });
    expect(limited.retryable).toBe(true);
    expect(await standIn.admin.requests()).toHaveLength(1);
  });

  it('calls a dropped connection transient, with no status', async () => {
    await standIn.admin.addFault({ kind: 'drop', method: 'POST', path: '^/import-phone-number$' });
    const dropped = await failure(retell.importNumber(importing()));
    expect(dropped.details.kind).toBe('transient');
    expect(dropped.details.httpStatus).toBeUndefined();
    expect(await standIn.admin.requests()).toHaveLength(1);
  });

  it('after a commit-then-fail import, the retry finds the number (getNumber) and a second import is a duplicate', async () => {
    await standIn.admin.addFault({ kind: 'commit-then-fail', method: 'POST', path: '^/import-phone-number$' });
    const lost = await failure(retell.importNumber(importing()));
    expect(lost.details).toMatchObject({ kind: 'transient', httpStatus: 500 });
    const found = await retell.getNumber(NUMBER);
    expect(found).toMatchObject({ phoneNumber: NUMBER, terminationUri: 'in.voip.exotel.com:443', inboundAgentIds: [AGENT] });
    expect((await failure(retell.importNumber(importing()))).details.kind).toBe('duplicate');
  });

  it('refuses an account of another platform', () => {
    expect(() => new RetellPhoneNumbers({ ...account, provider: 'elevenlabs' })).toThrow(/needs a retell account/);
  });
});
