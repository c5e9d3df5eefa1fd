import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Trunk } from '../../simulator';
import { data, expectFailure, expectInvalid, items, startTestSimulator, type TestSimulator } from './support';

let t: TestSimulator;
beforeAll(async () => {
  t = await startTestSimulator();
});
afterAll(() => t.sim.close());
beforeEach(() => t.admin.reset());

const trunkBody = (name: string, overrides: Record<string, unknown> = {}): Record<string, unknown> => ({
  trunk_name: name,
  nso_code: 'ANY-ANY',
  domain_name: 'acme.pstn.exotel.com',
  ...overrides,
});

describe('POST /trunks', () => {
  it('creates a trunk in the single-object envelope with every §4.1 field', async () => {
    const reply = await t.acme.post('/trunks', trunkBody('outbound_1'));
    expect(reply.status).toBe(200);
    expect(reply.body).toMatchObject({ method: 'POST', http_code: 200, response: { code: 200, error_data: null, status: 'success' } });
    expect(reply.body.request_id).toMatch(/^[0-9a-f]{32}$/);
    const trunk = data<Trunk>(reply);
    expect(trunk.trunk_sid).toMatch(/^trmum1[0-9a-f]{18}1a1n$/);
    const base = `/v2/accounts/acme/trunks/${trunk.trunk_sid}`;
    expect(trunk).toEqual({
      trunk_sid: trunk.trunk_sid,
      trunk_name: 'outbound_1',
      status: 'active',
      domain_name: 'acme.pstn.exotel.com',
      nso_code: 'ANY-ANY',
      auth_type: 'IP-WHITELIST',
      registration_enabled: 'disabled',
      edge_preference: 'auto',
      secure_trunking: 'disabled',
      date_created: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/) as unknown,
      date_updated: trunk.date_created,
      destination_uris: `${base}/destination-uris`,
      whitelisted_ips: `${base}/whitelisted-ips`,
      credentials: `${base}/credentials`,
      phone_numbers: `${base}/phone-numbers`,
    });
  });

  it('gives Singapore accounts a trsgp1 sid', async () => {
    const sid = await t.globex.createTrunk('sg_trunk');
    expect(sid).toMatch(/^trsgp1[0-9a-f]{18}1a1n$/);
  });

  it('answers a duplicate name with HTTP 200 carrying an inner 409/1008', async () => {
    await t.acme.createTrunk('dup_name');
    const reply = await t.acme.post('/trunks', trunkBody('dup_name'));
    expectFailure(reply, 200, 409, {
      code: 1008,
      message: 'Duplicate resource',
      description: 'Unable to create trunk with name dup_name',
    });
    // Names are unique per account only.
    await t.globex.createTrunk('dup_name');
  });

  it.each([
    [{ trunk_name: undefined }, 1001, 'TrunkName is mandatory'],
    [{ trunk_name: '' }, 1001, 'TrunkName is mandatory'],
    [{ trunk_name: 'a_name_of_17_char' }, 1002, 'Maximum allowed length for TrunkName is 16'],
    [{ trunk_name: 'my-trunk' }, 1002, 'Allowed characters for TrunkName is alphanumeric and _'],
    [{ nso_code: 'any any' }, 1002, 'Nso code is invalid'],
    [{ nso_code: 'any-any' }, 1002, 'Nso code is invalid'],
    [{ domain_name: 'acme.example.com' }, 1002, 'Domain name should end with .pstn.exotel.com'],
  ] as const)('refuses %j with %i "%s"', async (overrides, code, description) => {
    const reply = await t.acme.post('/trunks', trunkBody('valid_name', overrides));
    expectInvalid(reply, code, description);
  });

  it('accepts a 16-character name of letters, digits and _', async () => {
    await t.acme.createTrunk('Abc_123_def_4567');
  });
});

describe('GET /trunks', () => {
  it('lists trunks with paging metadata and filters by trunk_sid', async () => {
    const first = await t.acme.createTrunk('first');
    await t.acme.createTrunk('second');
    const all = await t.acme.get('/trunks');
    expect(all.body).toMatchObject({
      method: 'GET',
      http_code: 200,
      metadata: {
        page_size: 50,
        first_page_uri: '/v2/accounts/acme/trunks?offset=0&page_size=50',
        prev_page_uri: null,
        next_page_uri: null,
      },
    });
    expect(items<Trunk>(all).map((tr) => tr.trunk_name)).toEqual(['first', 'second']);

    const filtered = await t.acme.get(`/trunks?trunk_sid=${first}`);
    expect(items<Trunk>(filtered).map((tr) => tr.trunk_sid)).toEqual([first]);
    expect(filtered.body.metadata?.first_page_uri).toBe(`/v2/accounts/acme/trunks?offset=0&page_size=50&trunk_sid=${first}`);
  });

  it("never shows another account's trunks", async () => {
    await t.globex.createTrunk('theirs');
    expect(items(await t.acme.get('/trunks'))).toEqual([]);
  });
});

describe('GET /trunks/{trunk_sid}', () => {
  it('answers the single-object envelope, and 404/1000 for an unknown or foreign sid', async () => {
    const sid = await t.acme.createTrunk('single');
    expect(data<Trunk>(await t.acme.get(`/trunks/${sid}`)).trunk_name).toBe('single');
    const notFound = { code: 1000, message: 'Not Found', description: 'Not Found' };
    expectFailure(await t.acme.get('/trunks/trmum1000000000000000000001a1n'), 404, 404, notFound);
    expectFailure(await t.globex.get(`/trunks/${sid}`), 404, 404, notFound);
  });
});

describe('PUT /trunks/{trunk_sid}', () => {
  it('renames, validates like create, and refuses a name another trunk has', async () => {
    const sid = await t.acme.createTrunk('before');
    await t.acme.createTrunk('taken');
    const renamed = data<Trunk>(await t.acme.put(`/trunks/${sid}`, { trunk_name: 'after' }));
    expect(renamed).toMatchObject({ trunk_sid: sid, trunk_name: 'after', nso_code: 'ANY-ANY' });
    expectInvalid(await t.acme.put(`/trunks/${sid}`, { trunk_name: 'bad name' }), 1002, 'Allowed characters for TrunkName is alphanumeric and _');
    expectFailure(await t.acme.put(`/trunks/${sid}`, { trunk_name: 'taken' }), 200, 409, { code: 1008 });
    // Keeping its own name is not a duplicate.
    data(await t.acme.put(`/trunks/${sid}`, { trunk_name: 'after' }));
  });
});

describe('DELETE /trunks?trunk_sid=', () => {
  it('returns the deleted trunk, after which it is gone', async () => {
    const sid = await t.acme.createTrunk('doomed');
    const deleted = data<Record<string, unknown>>(await t.acme.del(`/trunks?trunk_sid=${sid}`));
    expect(deleted).toMatchObject({ trunk_sid: sid, trunk_name: 'doomed', status: 'active' });
    expectFailure(await t.acme.get(`/trunks/${sid}`), 404, 404, { code: 1000 });
    expectFailure(await t.acme.del(`/trunks?trunk_sid=${sid}`), 404, 404, { code: 1000 });
  });

  it('answers 405 to the path form, whatever the delete style', async () => {
    const sid = await t.acme.createTrunk('stays');
    const reply = await t.acme.del(`/trunks/${sid}`);
    expectFailure(reply, 405, 405, { message: 'Method Not Allowed' });
    expect(reply.headers.allow).toBe('GET, PUT');
    data(await t.acme.get(`/trunks/${sid}`));
  });

  it('cascades to numbers, ACLs, destinations and settings but leaves credentials as orphans', async () => {
    const sid = await t.acme.createTrunk('cascade');
    const trunk = `/trunks/${sid}`;
    data(await t.acme.post(`${trunk}/phone-numbers`, { phone_number: '+919800000001' }));
    data(await t.acme.post(`${trunk}/whitelisted-ips`, { ip: '44.248.146.11' }));
    expect((await t.acme.post(`${trunk}/destination-uris`, { destinations: [{ destination: '44.248.146.11:5061;transport=tls' }] })).status).toBe(200);
    expect((await t.acme.post(`${trunk}/settings`, { settings: [{ name: 'trunk_external_alias', value: '+919800000001' }] })).status).toBe(200);
    const credential = data<{ id: string }>(await t.acme.post(`${trunk}/credentials`, { user_name: 'agent', password: 'Secret123' }));

    data(await t.acme.del(`/trunks?trunk_sid=${sid}`));

    const state = await t.admin.state();
    expect(state.accounts.acme?.trunks).toEqual([]);
    expect(state.accounts.acme?.orphan_credentials).toEqual([expect.objectContaining({ id: credential.id, trunk_sid: sid, user_name: 'agent' })]);
    for (const sub of ['phone-numbers', 'whitelisted-ips', 'destination-uris', 'credentials', 'settings']) {
      expectFailure(await t.acme.get(`${trunk}/${sub}`), 404, 404, { code: 1000 });
    }
    expectFailure(await t.acme.del(`${trunk}/credentials?id=${credential.id}`), 404, 404, { code: 1000 });
  });
});
