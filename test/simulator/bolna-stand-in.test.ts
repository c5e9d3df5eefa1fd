// The Bolna stand-in (new `/trunk/...` API) over real HTTP with fetch, as any client without an SDK calls it: its
// rules, envelopes and faults. No HTTP mock.

import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  BOLNA_POP,
  startBolnaStandIn,
  type BolnaGatewayAnswer,
  type BolnaIpAclAnswer,
  type BolnaNumberAnswer,
  type BolnaStoredTrunk,
  type BolnaTrunkAnswer,
} from '../../simulator/voice-ai/bolna';
import type { RunningStandIn } from '../../simulator/voice-ai/stand-in';

const AGENT = '5c7a1f0e-1b2c-4d3e-8f40-0a1b2c3d4e5f';
const PASSWORD = 'Carrier_Pass_77d1';
const MISSING = '00000000-0000-4000-8000-000000000000';

let standIn: RunningStandIn<BolnaStoredTrunk>;

interface ValidationError {
  type: string;
  loc: (string | number)[];
  msg: string;
  ctx?: unknown;
}

/** What the stand-in answered; `T` is what the test expects the body to be (not checked: the assertions do that). */
interface Answer<T> {
  status: number;
  body: T;
}

/** One request to the stand-in; `key: null` sends no Authorization header. */
async function call<T = unknown>(method: string, path: string, body?: unknown, key: string | null = standIn.apiKey): Promise<Answer<T>> {
  const headers: Record<string, string> = {};
  if (key !== null) headers.authorization = `Bearer ${key}`;
  if (body !== undefined) headers['content-type'] = 'application/json';
  const res = await fetch(`${standIn.url}${path}`, { method, headers, ...(body !== undefined ? { body: typeof body === 'string' ? body : JSON.stringify(body) } : {}) });
  const text = await res.text();
  return { status: res.status, body: (text ? JSON.parse(text) : undefined) as T };
}

/** The pydantic errors of a 422. */
const errors = async (answer: Promise<Answer<unknown>>): Promise<ValidationError[]> => ((await answer).body as { detail: ValidationError[] }).detail;
/** `type` and dotted `loc` of each error. */
const where = (list: ValidationError[]): string[][] => list.map((e) => [e.type, e.loc.join('.')]);

const trunkBody = (overrides: Record<string, unknown> = {}) => ({
  name: 'Exotel +918047112233',
  preset: 'exotel',
  inbound_enabled: false,
  outbound_enabled: true,
  transport: 'tcp',
  codecs: 'PCMA,PCMU',
  auth_username: 'acme_out',
  auth_password: PASSWORD,
  outbound_leading_plus_enabled: true,
  ...overrides,
});

async function createTrunk(overrides: Record<string, unknown> = {}): Promise<string> {
  const made = await call<BolnaTrunkAnswer>('POST', '/trunk/trunks', trunkBody(overrides));
  expect(made.status).toBe(200);
  return made.body.id;
}

beforeAll(async () => {
  standIn = await startBolnaStandIn({ agents: [{ id: AGENT, name: 'Front desk' }], seed: 7 });
});
afterAll(async () => standIn.close());
beforeEach(async () => standIn.admin.reset());

describe('Bolna stand-in', () => {
  it('creates a trunk (200, not 201) with its defaults, reads it back with gateways, carrier IPs and numbers, patches, lists and deletes it', async () => {
    const made = await call<BolnaTrunkAnswer>('POST', '/trunk/trunks', { name: 'Plain' });
    expect(made.status).toBe(200);
    expect(made.body).toMatchObject({
      name: 'Plain',
      description: null,
      preset: null,
      is_active: true,
      inbound_enabled: true,
      outbound_enabled: true,
      channels: 10,
      default_inbound_agent_id: null,
      auth_username: null,
      transport: 'udp',
      codecs: 'PCMU,PCMA',
      outbound_leading_plus_enabled: true,
      gateways: [],
      ip_acls: [],
      numbers: [],
      health: 'waiting_for_carrier',
      active_calls: 0,
    });
    expect(made.body.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    const { id } = made.body;

    const gateway = await call<BolnaGatewayAnswer>('POST', `/trunk/trunks/${id}/gateways`, { host: 'in.voip.exotel.com', port: 5070, priority: 1 });
    expect(gateway).toMatchObject({ status: 200, body: { host: 'in.voip.exotel.com', port: 5070, priority: 1 } });
    const acl = await call<BolnaIpAclAnswer>('POST', `/trunk/trunks/${id}/ip-acls`, { cidr: '203.0.113.50' });
    expect(acl).toMatchObject({ status: 200, body: { cidr: '203.0.113.50/32' } });
    const number = await call<BolnaNumberAnswer>('POST', `/trunk/trunks/${id}/numbers`, { e164: '+918047112233', destination_key: '918047112233', agent_id: AGENT });
    expect(number).toMatchObject({ status: 200, body: { trunk_id: id, e164: '+918047112233', destination_key: '918047112233', agent_id: AGENT } });

    const read = await call<BolnaTrunkAnswer>('GET', `/trunk/trunks/${id}`);
    expect(read.body.gateways).toEqual([gateway.body]);
    expect(read.body.ip_acls).toEqual([acl.body]);
    expect(read.body.numbers).toEqual([number.body]);

    // The id is a UUID: upper case or without hyphens names the same trunk, as a UUID path parameter would.
    expect((await call<BolnaTrunkAnswer>('GET', `/trunk/trunks/${id.toUpperCase().replace(/-/g, '')}`)).body.id).toBe(id);

    const patched = await call<BolnaTrunkAnswer>('PATCH', `/trunk/trunks/${id}`, { description: 'Acme', channels: 20, is_active: false, default_inbound_agent_id: AGENT });
    expect(patched).toMatchObject({ status: 200, body: { description: 'Acme', channels: 20, is_active: false, health: 'disabled', default_inbound_agent_id: AGENT } });
    expect(patched.body.gateways).toHaveLength(1);
    const cleared = await call('PATCH', `/trunk/trunks/${id}`, { description: null, default_inbound_agent_id: null });
    expect(cleared.body).toMatchObject({ description: null, default_inbound_agent_id: null, channels: 20 });
    expect((await call('PATCH', `/trunk/trunks/${id}`)).status).toBe(200);

    const other = await createTrunk({ name: 'Second' });
    const listed = await call<BolnaTrunkAnswer[]>('GET', '/trunk/trunks');
    expect(listed.status).toBe(200);
    expect(listed.body.map((t) => t.id)).toEqual([id, other]);

    // Delete answers the trunk's own settings and takes its numbers with it: the e164 is free again.
    const deleted = await call<Partial<BolnaTrunkAnswer>>('DELETE', `/trunk/trunks/${id}`);
    expect(deleted.status).toBe(200);
    expect(deleted.body).toMatchObject({ id, name: 'Plain' });
    expect(deleted.body.gateways).toBeUndefined();
    expect(await call('GET', `/trunk/trunks/${id}`)).toEqual({ status: 404, body: { detail: `No live trunk with id ${id}` } });
    expect((await call('DELETE', `/trunk/trunks/${id}`)).status).toBe(404);
    expect((await call('POST', `/trunk/trunks/${other}/numbers`, { e164: '+918047112233', destination_key: '918047112233' })).status).toBe(200);
    expect((await standIn.admin.state()).numbers.map((t) => t.id)).toEqual([other]);
  });

  it('refuses unknown fields, missing required fields, wrong types and out-of-range values with a pydantic 422', async () => {
    const refused = await call('POST', '/trunk/trunks', {
      preset: 'acme',
      channels: '10',
      inbound_enabled: 'yes',
      auth_secret: 'x',
    });
    expect(refused.status).toBe(422);
    expect(refused.body).toEqual({
      detail: [
        { type: 'missing', loc: ['body', 'name'], msg: 'Field required' },
        { type: 'enum', loc: ['body', 'preset'], msg: "Input should be 'plivo', 'telnyx', 'twilio', 'exotel', 'vobiz', 'vonage' or 'custom'", ctx: expect.any(Object) as unknown },
        { type: 'bool_type', loc: ['body', 'inbound_enabled'], msg: 'Input should be a valid boolean' },
        { type: 'int_type', loc: ['body', 'channels'], msg: 'Input should be a valid integer' },
        { type: 'extra_forbidden', loc: ['body', 'auth_secret'], msg: 'Extra inputs are not permitted' },
      ],
    });

    // The shape is checked first: a wrong enum hides the range rules.
    expect(where(await errors(call('POST', '/trunk/trunks', { name: 'x'.repeat(101), channels: 0, codecs: 'PCMA,G729', transport: 'tls' })))).toEqual([
      ['enum', 'body.transport'],
    ]);
    expect(where(await errors(call('POST', '/trunk/trunks', { name: 'x'.repeat(101), channels: 1001, codecs: 'PCMA,PCMA' })))).toEqual([
      ['string_too_long', 'body.name'],
      ['less_than_equal', 'body.channels'],
      ['value_error', 'body.codecs'],
    ]);
    expect((await errors(call('POST', '/trunk/trunks', { name: '' })))[0]).toMatchObject({ type: 'string_too_short', loc: ['body', 'name'] });

    // Credentials go together, and a password is never echoed in a refusal.
    const alone = await call<{ detail: ValidationError[] }>('POST', '/trunk/trunks', { name: 'Half', auth_password: PASSWORD });
    expect(alone.status).toBe(422);
    expect(alone.body.detail[0]).toMatchObject({ type: 'value_error', loc: ['body'] });
    expect(JSON.stringify(alone.body)).not.toContain(PASSWORD);

    expect((await call('POST', '/trunk/trunks')).body).toEqual({ detail: [{ type: 'missing', loc: ['body'], msg: 'Field required' }] });
    expect((await errors(call('POST', '/trunk/trunks', '{"name": ')))[0]).toMatchObject({ type: 'json_invalid' });
    expect((await errors(call('POST', '/trunk/trunks', [])))[0]).toMatchObject({ type: 'model_attributes_type', loc: ['body'] });
    expect((await errors(call('GET', '/trunk/trunks/not-a-uuid')))[0]).toMatchObject({ type: 'uuid_parsing', loc: ['path', 'trunk_id'] });
    expect((await standIn.admin.state()).numbers).toEqual([]);
  });

  it('patches credentials only as a pair, clears them with null on both, and never stores the password', async () => {
    const id = await createTrunk();
    expect((await standIn.admin.state()).numbers[0]).toMatchObject({ auth_username: 'acme_out', auth_password_set: true });

    expect((await call('PATCH', `/trunk/trunks/${id}`, { auth_username: 'acme_out2' })).status).toBe(422);
    expect((await call('PATCH', `/trunk/trunks/${id}`, { auth_username: 'acme_out2', auth_password: null })).status).toBe(422);
    expect((await errors(call('PATCH', `/trunk/trunks/${id}`, { auth_username: 'acme_out2', auth_password: '' })))[0]).toMatchObject({
      type: 'string_too_short',
      loc: ['body', 'auth_password'],
    });
    expect((await call<BolnaTrunkAnswer>('PATCH', `/trunk/trunks/${id}`, { auth_username: 'acme_out2', auth_password: `${PASSWORD}2` })).body.auth_username).toBe('acme_out2');

    const cleared = await call<BolnaTrunkAnswer>('PATCH', `/trunk/trunks/${id}`, { auth_username: null, auth_password: null });
    expect(cleared.body.auth_username).toBeNull();
    expect((await standIn.admin.state()).numbers[0]).toMatchObject({ auth_username: null, auth_password_set: false });
    expect(JSON.stringify(await standIn.admin.state())).not.toContain(PASSWORD);
    expect((await call('PATCH', `/trunk/trunks/${MISSING}`, { channels: 2 })).status).toBe(404);
  });

  it('takes at most 8 gateways, lists them by priority, and refuses a host with a port', async () => {
    const id = await createTrunk();
    for (const priority of [5, 1, 3, 1, 2, 8, 7, 6]) {
      expect((await call('POST', `/trunk/trunks/${id}/gateways`, { host: `gw${priority}.example.com`, priority })).status).toBe(200);
    }
    const ninth = await call('POST', `/trunk/trunks/${id}/gateways`, { host: 'gw9.example.com', port: 5060, priority: 9 });
    expect(ninth).toEqual({ status: 400, body: { detail: 'A trunk has at most 8 gateways; remove one first' } });

    const { body } = await call<BolnaTrunkAnswer>('GET', `/trunk/trunks/${id}`);
    expect(body.gateways.map((g) => g.priority)).toEqual([1, 1, 2, 3, 5, 6, 7, 8]);
    const [first] = body.gateways;
    expect(first).toMatchObject({ host: 'gw1.example.com', port: 5060 });

    const removed = await call('DELETE', `/trunk/trunks/${id}/gateways/${first?.id ?? ''}`);
    expect(removed.status).toBe(200);
    expect((await call('POST', `/trunk/trunks/${id}/gateways`, { host: 'gw9.example.com', priority: 9 })).status).toBe(200);
    expect((await call('DELETE', `/trunk/trunks/${id}/gateways/${first?.id ?? ''}`)).status).toBe(404);

    const withPort = await errors(call('POST', `/trunk/trunks/${id}/gateways`, { host: 'in.voip.exotel.com:443', port: 0 }));
    expect(where(withPort)).toEqual([
      ['value_error', 'body.host'],
      ['greater_than_equal', 'body.port'],
    ]);
    expect((await call('POST', `/trunk/trunks/${MISSING}/gateways`, { host: 'gw.example.com' })).status).toBe(404);
  });

  it('stores a bare carrier IP as /32, keeps a range, and refuses host bits, non-IPv4 text and the same CIDR twice', async () => {
    const id = await createTrunk();
    expect((await call<BolnaIpAclAnswer>('POST', `/trunk/trunks/${id}/ip-acls`, { cidr: '203.0.113.50' })).body.cidr).toBe('203.0.113.50/32');
    const range = await call<BolnaIpAclAnswer>('POST', `/trunk/trunks/${id}/ip-acls`, { cidr: '198.51.100.0/28' });
    expect(range.body.cidr).toBe('198.51.100.0/28');

    const twice = await call('POST', `/trunk/trunks/${id}/ip-acls`, { cidr: '203.0.113.50/32' });
    expect(twice).toEqual({ status: 409, body: { detail: `Carrier IP 203.0.113.50/32 already exists on trunk ${id}` } });
    expect((await errors(call('POST', `/trunk/trunks/${id}/ip-acls`, { cidr: '198.51.100.5/28' })))[0]).toMatchObject({ type: 'value_error', loc: ['body', 'cidr'] });
    expect((await call('POST', `/trunk/trunks/${id}/ip-acls`, { cidr: 'in.voip.exotel.com' })).status).toBe(422);
    expect((await call('POST', `/trunk/trunks/${id}/ip-acls`, { cidr: '300.1.1.1' })).status).toBe(422);
    // The field is `cidr`, for a bare address too.
    expect(where(await errors(call('POST', `/trunk/trunks/${id}/ip-acls`, { ip: '203.0.113.51' })))).toEqual([
      ['missing', 'body.cidr'],
      ['extra_forbidden', 'body.ip'],
    ]);

    expect((await call('DELETE', `/trunk/trunks/${id}/ip-acls/${range.body.id}`)).status).toBe(200);
    expect((await call('DELETE', `/trunk/trunks/${id}/ip-acls/${range.body.id}`)).status).toBe(404);
    expect((await call<BolnaTrunkAnswer>('GET', `/trunk/trunks/${id}`)).body.ip_acls.map((a) => a.cidr)).toEqual(['203.0.113.50/32']);
  });

  it('checks numbers: the E.164 pattern, a duplicate on the account (409), an unknown agent (404); a removed number can come back', async () => {
    const first = await createTrunk();
    const second = await createTrunk({ name: 'Second' });
    const bad = await call<{ detail: ValidationError[] }>('POST', `/trunk/trunks/${first}/numbers`, { e164: '918047112233', destination_key: '' });
    expect(bad.status).toBe(422);
    expect(bad.body.detail).toEqual([
      { type: 'string_pattern_mismatch', loc: ['body', 'e164'], msg: "String should match pattern '^\\+[1-9]\\d{6,14}$'", ctx: expect.any(Object) as unknown },
      { type: 'string_too_short', loc: ['body', 'destination_key'], msg: 'String should have at least 1 character', ctx: { min_length: 1 } },
    ]);
    expect((await errors(call('POST', `/trunk/trunks/${first}/numbers`, { e164: '+918047112233' })))[0]).toMatchObject({ type: 'missing', loc: ['body', 'destination_key'] });

    const added = await call<BolnaNumberAnswer>('POST', `/trunk/trunks/${first}/numbers`, { e164: '+918047112233', destination_key: '918047112233' });
    expect(added.body.agent_id).toBeNull();
    const elsewhere = await call('POST', `/trunk/trunks/${second}/numbers`, { e164: '+918047112233', destination_key: '918047112233' });
    expect(elsewhere).toEqual({ status: 409, body: { detail: `Number +918047112233 already exists on trunk ${first}` } });

    const nobody = '11111111-2222-4333-8444-555555555555';
    expect(await call('POST', `/trunk/trunks/${second}/numbers`, { e164: '+918047112244', destination_key: '918047112244', agent_id: nobody })).toEqual({
      status: 404,
      body: { detail: `Agent ${nobody} not found` },
    });
    expect((await call('POST', '/trunk/trunks', { name: 'Default agent', default_inbound_agent_id: nobody })).status).toBe(404);
    expect((await call('PATCH', `/trunk/trunks/${second}`, { default_inbound_agent_id: nobody })).status).toBe(404);

    expect((await call('DELETE', `/trunk/trunks/${first}/numbers/${added.body.id}`)).status).toBe(200);
    expect((await call('DELETE', `/trunk/trunks/${first}/numbers/${added.body.id}`)).status).toBe(404);
    expect((await call('POST', `/trunk/trunks/${second}/numbers`, { e164: '+918047112233', destination_key: '918047112233', agent_id: AGENT })).status).toBe(200);
  });

  it("answers GET /trunk/pop with Bolna's edge", async () => {
    expect(await call('GET', '/trunk/pop')).toEqual({
      status: 200,
      body: { sip_domain: 'trunk.bolna.ai', port: 5060, transports: ['udp', 'tcp'], ips: ['15.252.21.46', '13.206.230.198'], rtp_ports: { start: 30000, end: 40000 } },
    });
    expect(BOLNA_POP.ips).toHaveLength(2);
  });

  it('refuses no bearer token (401) and a wrong key (403); answers an unknown route 404 and a wrong method 405', async () => {
    expect(await call('GET', '/trunk/trunks', undefined, null)).toEqual({ status: 401, body: { detail: 'Not authenticated' } });
    expect(await call('GET', '/trunk/trunks', undefined, 'bn-wrong')).toEqual({ status: 403, body: { detail: 'Invalid API key' } });
    expect(await call('GET', '/trunk/trunkz')).toEqual({ status: 404, body: { detail: 'Not Found' } });
    expect(await call('PUT', '/trunk/trunks')).toEqual({ status: 405, body: { detail: 'Method Not Allowed' } });
  });

  it('answers an injected 503 without applying it, a commit-then-fail after applying it, and drops a connection', async () => {
    await standIn.admin.addFault({ kind: 'status', status: 503, method: 'POST', path: '^/trunk/trunks$' });
    expect(await call('POST', '/trunk/trunks', trunkBody())).toEqual({ status: 503, body: { detail: 'injected fault' } });
    expect((await standIn.admin.state()).numbers).toEqual([]);

    await standIn.admin.addFault({ kind: 'commit-then-fail', method: 'POST', path: '^/trunk/trunks/[^/]+/numbers$' });
    const id = await createTrunk();
    const lost = await call('POST', `/trunk/trunks/${id}/numbers`, { e164: '+918047112233', destination_key: '918047112233' });
    expect(lost.status).toBe(500);
    expect((await call<BolnaTrunkAnswer>('GET', `/trunk/trunks/${id}`)).body.numbers.map((n) => n.e164)).toEqual(['+918047112233']);
    // The caller's retry meets its own earlier write.
    expect((await call('POST', `/trunk/trunks/${id}/numbers`, { e164: '+918047112233', destination_key: '918047112233' })).status).toBe(409);

    await standIn.admin.addFault({ kind: 'drop', method: 'GET', path: '^/trunk/pop$' });
    await expect(call('GET', '/trunk/pop')).rejects.toThrow();
    expect((await standIn.admin.requests()).map((r) => [r.method, r.path, r.status, r.fault ?? null])).toContainEqual(['GET', '/trunk/pop', null, 'drop']);
  });

  it('pages the list with Bolna\'s envelope when asked to', async () => {
    const paged = await startBolnaStandIn({ listPageSize: 2 });
    try {
      const ids: string[] = [];
      for (const name of ['a', 'b', 'c']) {
        const res = await fetch(`${paged.url}/trunk/trunks`, { method: 'POST', headers: { authorization: `Bearer ${paged.apiKey}`, 'content-type': 'application/json' }, body: JSON.stringify({ name }) });
        ids.push(((await res.json()) as { id: string }).id);
      }
      interface Page {
        page_number: number;
        has_more: boolean;
        data: BolnaTrunkAnswer[];
        detail?: ValidationError[];
      }
      const page = async (query: string): Promise<Page> =>
        (await (await fetch(`${paged.url}/trunk/trunks${query}`, { headers: { authorization: `Bearer ${paged.apiKey}` } })).json()) as Page;
      const first = await page('');
      expect(first).toMatchObject({ page_number: 1, page_size: 2, total: 3, has_more: true });
      expect(first.data.map((t) => t.id)).toEqual(ids.slice(0, 2));
      const second = await page('?page_number=2');
      expect(second).toMatchObject({ page_number: 2, has_more: false });
      expect(second.data.map((t) => t.id)).toEqual(ids.slice(2));
      expect((await page('?page_number=0')).detail?.[0]).toMatchObject({ type: 'greater_than_equal', loc: ['query', 'page_number'] });
    } finally {
      await paged.close();
    }
  });

  it('logs requests with the carrier password masked and never records the key', async () => {
    const id = await createTrunk();
    await call('PATCH', `/trunk/trunks/${id}`, { auth_username: 'acme_out2', auth_password: `${PASSWORD}_new` });
    const log = await standIn.admin.requests();
    expect(log.map((r) => `${r.method} ${r.path} ${r.status}`)).toEqual([`POST /trunk/trunks 200`, `PATCH /trunk/trunks/${id} 200`]);
    expect(log[0]?.body).toMatchObject({ auth_username: 'acme_out', auth_password: '***' });
    expect(log[1]?.body).toEqual({ auth_username: 'acme_out2', auth_password: '***' });
    const everything = JSON.stringify([log, await standIn.admin.state()]);
    expect(everything).not.toContain(PASSWORD);
    expect(everything).not.toContain(standIn.apiKey);
  });
});
