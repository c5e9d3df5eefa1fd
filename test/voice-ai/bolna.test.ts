// BolnaTrunks against the Bolna stand-in over real HTTP (no mocks): the exact request each method sends, as the
// stand-in logged it (passwords masked), the views, and how each failure is classified. A last test points it at a
// small local server answering the other readings the client tolerates (paged list of summaries, an add answering
// the whole trunk, Bolna's older `{error, message}` envelope).
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startBolnaStandIn, type BolnaStoredTrunk } from '../../simulator/voice-ai/bolna';
import type { RunningStandIn } from '../../simulator/voice-ai/stand-in';
import { BolnaTrunks, readBolnaError, type BolnaAccountSettings, type BolnaTrunkCreate } from '../../voice-ai/bolna';
import { PlatformError } from '../../voice-ai/errors';

const AGENT = '5c7a1f0e-1b2c-4d3e-8f40-0a1b2c3d4e5f';
const PASSWORD = 'Digest_Pass_9f3b';
const NUMBER = '+918047112233';
const MISSING = '00000000-0000-4000-8000-000000000000';

let standIn: RunningStandIn<BolnaStoredTrunk>;
let account: BolnaAccountSettings;
let bolna: BolnaTrunks;

const outbound = (overrides: Partial<BolnaTrunkCreate> = {}): BolnaTrunkCreate => ({
  name: `Exotel ${NUMBER}`,
  direction: 'outbound',
  transport: 'tcp',
  authUsername: 'acme_out',
  authPassword: PASSWORD,
  ...overrides,
});

/** The PlatformError a call rejects with (fails the test if it resolves). */
const failure = (call: Promise<unknown>): Promise<PlatformError> =>
  call.then(() => expect.unreachable('the call should fail'), (e: unknown) => (expect(e).toBeInstanceOf(PlatformError), e as PlatformError));

/** Method, path, query and (masked) body of each request the stand-in saw, oldest first. */
const logged = async () => (await standIn.admin.requests()).map(({ method, path, query, body }) => ({ method, path, ...(Object.keys(query).length ? { query } : {}), body }));

beforeAll(async () => {
  standIn = await startBolnaStandIn({ agents: [{ id: AGENT, name: 'Front desk' }] });
  account = { name: 'bolna-main', provider: 'bolna', apiKey: standIn.apiKey, baseUrl: standIn.url };
  bolna = new BolnaTrunks(account);
});
afterAll(async () => standIn.close());
beforeEach(async () => standIn.admin.reset());

describe('BolnaTrunks', () => {
  it('creates an outbound trunk: Exotel preset, TCP, PCMA first, leading plus, the carrier credentials', async () => {
    const view = await bolna.createTrunk(outbound());
    expect(view).toEqual({
      id: expect.stringMatching(/^[0-9a-f-]{36}$/) as unknown,
      name: `Exotel ${NUMBER}`,
      inboundEnabled: false,
      outboundEnabled: true,
      transport: 'tcp',
      authUsername: 'acme_out',
      defaultInboundAgentId: null,
      gateways: [],
      ipAcls: [],
      numbers: [],
    });
    expect(JSON.stringify(view)).not.toContain(PASSWORD);
    expect(await logged()).toEqual([
      {
        method: 'POST',
        path: '/trunk/trunks',
        body: {
          name: `Exotel ${NUMBER}`,
          preset: 'exotel',
          inbound_enabled: false,
          outbound_enabled: true,
          transport: 'tcp',
          codecs: 'PCMA,PCMU',
          outbound_leading_plus_enabled: true,
          auth_username: 'acme_out',
          auth_password: '***',
        },
      },
    ]);
    expect((await standIn.admin.state()).numbers[0]).toMatchObject({ preset: 'exotel', codecs: 'PCMA,PCMU', auth_password_set: true });
  });

  it('creates an inbound trunk with a default agent, sending nothing it was not given', async () => {
    const view = await bolna.createTrunk({ name: 'Exotel inbound', direction: 'inbound', transport: 'tcp', defaultInboundAgentId: AGENT });
    expect(view).toMatchObject({ inboundEnabled: true, outboundEnabled: false, authUsername: null, defaultInboundAgentId: AGENT });
    expect((await logged())[0]?.body).toEqual({
      name: 'Exotel inbound',
      preset: 'exotel',
      inbound_enabled: true,
      outbound_enabled: false,
      transport: 'tcp',
      codecs: 'PCMA,PCMU',
      default_inbound_agent_id: AGENT,
    });
  });

  it('adds and removes a gateway, carrier IPs and a number; getTrunk reads them back; a removed one answers false', async () => {
    const { id } = await bolna.createTrunk(outbound());
    await standIn.admin.clearRequests();
    const backup = await bolna.addGateway(id, { host: 'in2.voip.exotel.com', port: 5070, priority: 2 });
    const gateway = await bolna.addGateway(id, { host: 'in.voip.exotel.com', port: 5070, priority: 1 });
    expect(gateway).toEqual({ id: expect.any(String) as unknown, host: 'in.voip.exotel.com', port: 5070, priority: 1 });
    const acl = await bolna.addIpAcl(id, '203.0.113.50');
    expect(acl).toEqual({ id: expect.any(String) as unknown, cidr: '203.0.113.50/32' });
    const range = await bolna.addIpAcl(id, '198.51.100.0/28');
    const number = await bolna.addNumber(id, { e164: NUMBER, destinationKey: '918047112233', agentId: AGENT });
    expect(number).toEqual({ id: expect.any(String) as unknown, e164: NUMBER, destinationKey: '918047112233', agentId: AGENT });
    const plain = await bolna.addNumber(id, { e164: '+918047112244', destinationKey: '918047112244' });
    expect(plain.agentId).toBeNull();

    expect(await bolna.getTrunk(id)).toMatchObject({
      id,
      gateways: [gateway, backup],
      ipAcls: [acl, range],
      numbers: [number, plain],
    });

    expect(await bolna.deleteGateway(id, backup.id)).toBe(true);
    expect(await bolna.deleteGateway(id, backup.id)).toBe(false);
    expect(await bolna.deleteIpAcl(id, range.id)).toBe(true);
    expect(await bolna.deleteIpAcl(id, range.id)).toBe(false);
    expect(await bolna.deleteNumber(id, plain.id)).toBe(true);
    expect(await bolna.deleteNumber(id, plain.id)).toBe(false);
    expect(await bolna.getTrunk(id)).toMatchObject({ gateways: [gateway], ipAcls: [acl], numbers: [number] });

    const requests = (await logged()).filter((r) => r.method !== 'GET');
    expect(requests.slice(0, 6)).toEqual([
      { method: 'POST', path: `/trunk/trunks/${id}/gateways`, body: { host: 'in2.voip.exotel.com', port: 5070, priority: 2 } },
      { method: 'POST', path: `/trunk/trunks/${id}/gateways`, body: { host: 'in.voip.exotel.com', port: 5070, priority: 1 } },
      { method: 'POST', path: `/trunk/trunks/${id}/ip-acls`, body: { cidr: '203.0.113.50' } },
      { method: 'POST', path: `/trunk/trunks/${id}/ip-acls`, body: { cidr: '198.51.100.0/28' } },
      { method: 'POST', path: `/trunk/trunks/${id}/numbers`, body: { e164: NUMBER, destination_key: '918047112233', agent_id: AGENT } },
      { method: 'POST', path: `/trunk/trunks/${id}/numbers`, body: { e164: '+918047112244', destination_key: '918047112244' } },
    ]);
    expect(requests.slice(6).map((r) => `${r.method} ${r.path} ${JSON.stringify(r.body)}`)).toEqual([
      `DELETE /trunk/trunks/${id}/gateways/${backup.id} null`,
      `DELETE /trunk/trunks/${id}/gateways/${backup.id} null`,
      `DELETE /trunk/trunks/${id}/ip-acls/${range.id} null`,
      `DELETE /trunk/trunks/${id}/ip-acls/${range.id} null`,
      `DELETE /trunk/trunks/${id}/numbers/${plain.id} null`,
      `DELETE /trunk/trunks/${id}/numbers/${plain.id} null`,
    ]);
  });

  it('finds a trunk by its exact name, null for none, and null from getTrunk for a trunk Bolna does not have', async () => {
    const made = await bolna.createTrunk(outbound());
    await bolna.createTrunk(outbound({ name: `Exotel ${NUMBER} (2)` }));
    await standIn.admin.clearRequests();
    expect(await bolna.findTrunk(`Exotel ${NUMBER}`)).toEqual(made);
    expect(await bolna.findTrunk('Exotel')).toBeNull();
    expect(await bolna.getTrunk(MISSING)).toBeNull();
    expect(await logged()).toEqual([
      { method: 'GET', path: '/trunk/trunks', body: null },
      { method: 'GET', path: '/trunk/trunks', body: null },
      { method: 'GET', path: `/trunk/trunks/${MISSING}`, body: null },
    ]);
  });

  it('follows the list page by page when Bolna pages it', async () => {
    const paged = await startBolnaStandIn({ listPageSize: 2 });
    try {
      const client = new BolnaTrunks({ ...account, apiKey: paged.apiKey, baseUrl: paged.url });
      for (const name of ['a', 'b', 'c', 'd', 'e']) await client.createTrunk(outbound({ name }));
      await paged.admin.clearRequests();
      expect((await client.findTrunk('e'))?.name).toBe('e');
      expect(await client.findTrunk('z')).toBeNull();
      expect((await paged.admin.requests()).map((r) => `${r.path}?${new URLSearchParams(r.query).toString()}`)).toEqual([
        '/trunk/trunks?',
        '/trunk/trunks?page_number=2',
        '/trunk/trunks?page_number=3',
        '/trunk/trunks?',
        '/trunk/trunks?page_number=2',
        '/trunk/trunks?page_number=3',
      ]);
    } finally {
      await paged.close();
    }
  });

  it('updates the credentials as a pair, a direction and the agent, and deletes a trunk, false when it is already gone', async () => {
    const { id } = await bolna.createTrunk(outbound());
    await standIn.admin.clearRequests();
    const view = await bolna.updateTrunk(id, { authUsername: 'acme_out2', authPassword: `${PASSWORD}_new` });
    expect(view.authUsername).toBe('acme_out2');
    const both = await bolna.updateTrunk(id, { inboundEnabled: true, defaultInboundAgentId: AGENT });
    expect(both).toMatchObject({ inboundEnabled: true, outboundEnabled: true, defaultInboundAgentId: AGENT, authUsername: 'acme_out2' });
    expect((await bolna.updateTrunk(id, { defaultInboundAgentId: null })).defaultInboundAgentId).toBeNull();
    await standIn.admin.clearRequests();
    expect(JSON.stringify(view)).not.toContain(PASSWORD);
    expect(await bolna.deleteTrunk(id)).toBe(true);
    expect(await bolna.deleteTrunk(id)).toBe(false);
    expect(await logged()).toEqual([
      { method: 'DELETE', path: `/trunk/trunks/${id}`, body: null },
      { method: 'DELETE', path: `/trunk/trunks/${id}`, body: null },
    ]);

    const missing = await failure(bolna.updateTrunk(MISSING, { authUsername: 'x', authPassword: PASSWORD }));
    expect(missing.details).toMatchObject({ provider: 'bolna', kind: 'not-found', httpStatus: 404, operation: 'PATCH /trunk/trunks/{trunk_id}' });
    expect(missing.message).not.toContain(PASSWORD);
  });

  it("reads Bolna's edge from GET /trunk/pop", async () => {
    expect(await bolna.pop()).toEqual({ sipDomain: 'trunk.bolna.ai', port: 5060, transports: ['udp', 'tcp'], ips: ['15.252.21.46', '13.206.230.198'] });
  });

  it('classifies a number already on the account, and a carrier IP twice, as duplicate', async () => {
    const first = await bolna.createTrunk(outbound());
    const second = await bolna.createTrunk(outbound({ name: 'Second' }));
    await bolna.addNumber(first.id, { e164: NUMBER, destinationKey: '918047112233' });
    const duplicate = await failure(bolna.addNumber(second.id, { e164: NUMBER, destinationKey: '918047112233' }));
    expect(duplicate.details).toEqual({
      provider: 'bolna',
      kind: 'duplicate',
      operation: 'POST /trunk/trunks/{trunk_id}/numbers',
      httpStatus: 409,
      description: `Number ${NUMBER} already exists on trunk ${first.id}`,
    });
    expect(duplicate.retryable).toBe(false);

    await bolna.addIpAcl(first.id, '203.0.113.50');
    expect((await failure(bolna.addIpAcl(first.id, '203.0.113.50/32'))).details).toMatchObject({ kind: 'duplicate', httpStatus: 409 });
  });

  it('classifies strict-body refusals as validation, with the fields named and no password in the message', async () => {
    const half = await failure(bolna.createTrunk(outbound({ authUsername: undefined })));
    expect(half.details).toMatchObject({ kind: 'validation', httpStatus: 422, code: 'value_error' });
    expect(half.details.description).toContain('auth_username and auth_password must be sent together');
    expect(half.message).not.toContain(PASSWORD);

    const { id } = await bolna.createTrunk(outbound());
    const badNumber = await failure(bolna.addNumber(id, { e164: '918047112233', destinationKey: '' }));
    expect(badNumber.details).toMatchObject({ kind: 'validation', httpStatus: 422, code: 'string_pattern_mismatch' });
    expect(badNumber.details.description).toBe("e164: String should match pattern '^\\+[1-9]\\d{6,14}$'; destination_key: String should have at least 1 character");

    const withPort = await failure(bolna.addGateway(id, { host: 'in.voip.exotel.com:443', port: 443, priority: 1 }));
    expect(withPort.details).toMatchObject({ kind: 'validation', httpStatus: 422 });
    for (let priority = 1; priority <= 8; priority++) await bolna.addGateway(id, { host: `gw${priority}.example.com`, port: 5070, priority });
    const ninth = await failure(bolna.addGateway(id, { host: 'gw9.example.com', port: 5070, priority: 9 }));
    expect(ninth.details).toMatchObject({ kind: 'validation', httpStatus: 400, description: 'A trunk has at most 8 gateways; remove one first' });

    expect((await failure(bolna.getTrunk('not-a-uuid'))).details).toMatchObject({ kind: 'validation', httpStatus: 422, code: 'uuid_parsing' });
    const unknownAgent = await failure(bolna.addNumber(id, { e164: NUMBER, destinationKey: '918047112233', agentId: MISSING }));
    expect(unknownAgent.details).toMatchObject({ kind: 'not-found', httpStatus: 404, description: `Agent ${MISSING} not found` });
  });

  it('classifies a missing key (401) and a wrong one (403) as auth, never showing either key', async () => {
    const none = await failure(new BolnaTrunks({ ...account, apiKey: '' }).findTrunk('x'));
    expect(none.details).toMatchObject({ provider: 'bolna', kind: 'auth', httpStatus: 401, description: 'Not authenticated' });
    const wrong = await failure(new BolnaTrunks({ ...account, apiKey: 'bn-wrong-key-123' }).createTrunk(outbound()));
    expect(wrong.details).toMatchObject({ kind: 'auth', httpStatus: 403, description: 'Invalid API key' });
    expect(wrong.message).not.toContain('bn-wrong-key-123');
    expect(wrong.message).not.toContain(PASSWORD);
    expect(JSON.stringify(await standIn.admin.requests())).not.toContain('bn-wrong-key-123');
  });

  it('makes exactly one request on a 503 and calls it transient; a 429 rate-limited; a dropped connection transient with no status', async () => {
    await standIn.admin.addFault({ kind: 'status', status: 503, path: '^/trunk/trunks/', count: 0 });
    const failed = await failure(bolna.getTrunk(MISSING));
    expect(failed.details).toMatchObject({ kind: 'transient', httpStatus: 503 });
    expect(failed.retryable).toBe(true);
    expect((await standIn.admin.requests()).map((r) => [r.method, r.path, r.status])).toEqual([['GET', `/trunk/trunks/${MISSING}`, 503]]);

    await standIn.admin.reset();
    await standIn.admin.addFault({ kind: 'status', status: 429, method: 'POST', path: '^/trunk/trunks$', count: 0 });
    const limited = await failure(bolna.createTrunk(outbound()));
    expect(limited.details).toMatchObject({ kind: 'rate-limited', httpStatus: 429 });
    expect(limited.retryable).toBe(true);
    expect(await standIn.admin.requests()).toHaveLength(1);

    await standIn.admin.reset();
    await standIn.admin.addFault({ kind: 'drop', method: 'GET', path: '^/trunk/pop$' });
    const dropped = await failure(bolna.pop());
    expect(dropped.details.kind).toBe('transient');
    expect(dropped.details.httpStatus).toBeUndefined();
    expect(dropped.message).not.toContain(standIn.apiKey);
    expect(await standIn.admin.requests()).toHaveLength(1);
  });

  it('after a commit-then-fail create, findTrunk finds the trunk the lost answer made', async () => {
    await standIn.admin.addFault({ kind: 'commit-then-fail', method: 'POST', path: '^/trunk/trunks$' });
    const lost = await failure(bolna.createTrunk(outbound()));
    expect(lost.details).toMatchObject({ kind: 'transient', httpStatus: 500 });
    expect(await bolna.findTrunk(`Exotel ${NUMBER}`)).toMatchObject({ name: `Exotel ${NUMBER}`, authUsername: 'acme_out', outboundEnabled: true });
  });

  it('never puts the key or a password in the request log', async () => {
    const { id } = await bolna.createTrunk(outbound());
    await bolna.updateTrunk(id, { authUsername: 'acme_out2', authPassword: `${PASSWORD}_new` });
    await failure(bolna.createTrunk(outbound({ authUsername: undefined })));
    const everything = JSON.stringify([await standIn.admin.requests(), await standIn.admin.state()]);
    expect(everything).not.toContain(PASSWORD);
    expect(everything).not.toContain(standIn.apiKey);
  });

  it('refuses an account of another platform', () => {
    expect(() => new BolnaTrunks({ ...account, provider: 'retell' } as unknown as BolnaAccountSettings)).toThrow(/needs a bolna account/);
  });
});

describe('BolnaTrunks, the other readings it tolerates', () => {
  let server: Server;
  let url: string;
  const seen: string[] = [];
  const TRUNK = { id: 't-1', name: 'Exotel', inbound_enabled: false, outbound_enabled: true, transport: 'TCP', auth_username: '', default_inbound_agent_id: null };
  const FULL = { ...TRUNK, gateways: [{ id: 'g-2', host: 'b.example.com', port: 5070, priority: 2 }, { id: 'g-1', host: 'a.example.com', port: 5070, priority: 1 }], ip_acls: [], numbers: [] };

  beforeAll(async () => {
    // A real HTTP server answering the shapes the docs leave open: a paged list of summaries, adds answering the
    // trunk, and Bolna's older `{error, message}` envelope.
    server = createServer((req, res) => {
      const target = `${req.method ?? ''} ${req.url ?? ''}`;
      seen.push(target);
      const answer = (status: number, body: unknown) => {
        res.writeHead(status, { 'content-type': 'application/json' });
        res.end(JSON.stringify(body));
      };
      if (target === 'GET /trunk/trunks') return answer(200, { page_number: 1, page_size: 1, total: 2, has_more: true, data: [{ id: 't-0', name: 'Other' }] });
      if (target === 'GET /trunk/trunks?page_number=2') return answer(200, { page_number: 2, page_size: 1, total: 2, has_more: false, data: [TRUNK] });
      if (target === 'GET /trunk/trunks/t-1') return answer(200, FULL);
      if (target === 'POST /trunk/trunks/t-1/gateways') return answer(200, FULL);
      if (target === 'POST /trunk/trunks/t-1/ip-acls') return answer(200, { ...FULL, ip_acls: [{ id: 'a-1', cidr: '203.0.113.50/32' }] });
      return answer(400, { error: 400, message: 'trunk is being provisioned' });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => new Promise<void>((resolve) => server.close(() => resolve())));

  it('follows a paged list of summaries, then reads the trunk found in full; reads an add answering the whole trunk', async () => {
    const client = new BolnaTrunks({ name: 'other', provider: 'bolna', apiKey: 'bn-test', baseUrl: url });
    const found = await client.findTrunk('Exotel');
    expect(found).toEqual({
      id: 't-1',
      name: 'Exotel',
      inboundEnabled: false,
      outboundEnabled: true,
      transport: 'tcp',
      authUsername: null,
      defaultInboundAgentId: null,
      gateways: [
        { id: 'g-1', host: 'a.example.com', port: 5070, priority: 1 },
        { id: 'g-2', host: 'b.example.com', port: 5070, priority: 2 },
      ],
      ipAcls: [],
      numbers: [],
    });
    expect(seen.slice(0, 3)).toEqual(['GET /trunk/trunks', 'GET /trunk/trunks?page_number=2', 'GET /trunk/trunks/t-1']);
    expect(await client.addGateway('t-1', { host: 'b.example.com', port: 5070, priority: 2 })).toEqual({ id: 'g-2', host: 'b.example.com', port: 5070, priority: 2 });
    expect(await client.addIpAcl('t-1', '203.0.113.50')).toEqual({ id: 'a-1', cidr: '203.0.113.50/32' });

    const refused = await failure(client.deleteTrunk('t-1'));
    expect(refused.details).toMatchObject({ kind: 'validation', httpStatus: 400, description: 'trunk is being provisioned' });
  });

  it('reads every error envelope Bolna is known to use', () => {
    expect(readBolnaError({ detail: 'Invalid API key' })).toEqual({ description: 'Invalid API key' });
    expect(readBolnaError({ error: 400, message: 'bad' })).toEqual({ description: 'bad' });
    expect(readBolnaError({ detail: [{ type: 'missing', loc: ['body', 'name'], msg: 'Field required', input: { auth_password: PASSWORD } }] })).toEqual({
      code: 'missing',
      description: 'name: Field required',
    });
    expect(readBolnaError('Internal Server Error')).toEqual({ description: 'Internal Server Error' });
    expect(readBolnaError(undefined)).toEqual({});
  });
});
