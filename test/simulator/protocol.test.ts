// Auth, region, content type, body parsing, routing and the two DELETE styles.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { data, expectFailure, items, startTestSimulator, type TestSimulator } from './support';

let t: TestSimulator;
beforeAll(async () => {
  t = await startTestSimulator();
});
afterAll(() => t.sim.close());

const AUTH_FAILED = { code: 1010, message: 'Authorization failed', description: 'Authorization failed' };

describe('authentication', () => {
  it('accepts the account key and token', async () => {
    expect((await t.acme.get('/trunks')).status).toBe(200);
  });

  it.each([
    ['a wrong token', { key: 'acme_key', token: 'wrong' }],
    ['a wrong key', { key: 'nobody', token: 'acme_secret_token_1' }],
    ["another account's credentials", { key: 'globex_key', token: 'globex_secret_token_2' }],
    ['no credentials', null],
  ])('answers %s with a bare 401/1010', async (_label, auth) => {
    expectFailure(await t.acme.get('/trunks', { auth }), 401, 401, AUTH_FAILED);
  });

  it('answers 401 for an account sid it does not serve', async () => {
    expectFailure(await t.acme.get('/v2/accounts/nobody/trunks'), 401, 401, AUTH_FAILED);
  });

  it("refuses an Exotel host of the other region exactly like a wrong key, and accepts the account's own", async () => {
    const wrongRegion = await t.acme.get('/trunks', { headers: { Host: 'api.exotel.com' } });
    const wrongKey = await t.acme.get('/trunks', { auth: { key: 'acme_key', token: 'nope' } });
    expectFailure(wrongRegion, 401, 401, AUTH_FAILED);
    expect({ ...wrongRegion.body, request_id: '' }).toEqual({ ...wrongKey.body, request_id: '' });
    expect((await t.acme.get('/trunks', { headers: { Host: 'api.in.exotel.com' } })).status).toBe(200);
    expect((await t.globex.get('/trunks', { headers: { Host: 'api.exotel.com:443' } })).status).toBe(200);
    expectFailure(await t.globex.get('/trunks', { headers: { Host: 'api.in.exotel.com' } }), 401, 401, AUTH_FAILED);
    expect((await t.globex.get('/trunks', { headers: { Host: 'localhost' } })).status).toBe(200);
  });
});

describe('request bodies', () => {
  it('answers a POST without application/json with 415/1011 naming the type sent', async () => {
    const reply = await t.acme.call('POST', '/trunks', { raw: 'trunk_name=x', contentType: 'text/plain' });
    expectFailure(reply, 415, 415, { code: 1011, message: 'unsupported content type', description: 'text/plain' });
    const form = await t.acme.call('PUT', '/trunks/x', { raw: 'a=b', contentType: 'application/x-www-form-urlencoded' });
    expectFailure(form, 415, 415, { code: 1011, description: 'application/x-www-form-urlencoded' });
    expectFailure(await t.acme.call('POST', '/trunks', { raw: '{}', contentType: null }), 415, 415, { code: 1011 });
  });

  it('accepts application/json with a charset', async () => {
    const reply = await t.acme.call('POST', '/trunks', {
      raw: JSON.stringify({ trunk_name: 'charset', nso_code: 'ANY-ANY', domain_name: 'acme.pstn.exotel.com' }),
      contentType: 'application/json; charset=utf-8',
    });
    data(reply);
  });

  it.each([
    ['{"trunk_name":"x"', 'unexpected EOF'],
    ['', 'EOF'],
    ['[1,2]', 'json: cannot unmarshal array into Go value of type CreateTrunkRequest'],
    ['{"trunk_name": 5}', 'json: cannot unmarshal number into Go struct field CreateTrunkRequest.trunk_name of type string'],
  ])('answers malformed body %j with 400/1007', async (raw, description) => {
    expectFailure(await t.acme.call('POST', '/trunks', { raw }), 400, 400, {
      code: 1007,
      message: 'Invalid request body,failed parsing',
      description,
    });
  });
});

describe('routing', () => {
  it('answers an unknown route with 404/1000, inside or outside the account path', async () => {
    const notFound = { code: 1000, message: 'Not Found', description: 'Not Found' };
    expectFailure(await t.acme.get('/trunkz'), 404, 404, notFound);
    expectFailure(await t.acme.get('/trunks/'), 404, 404, notFound);
    expectFailure(await t.acme.get('/v1/Accounts/acme/Calls'), 404, 404, notFound);
  });

  it('answers a known path with a wrong method with 405 and an Allow header', async () => {
    const reply = await t.acme.call('PATCH', '/trunks');
    expectFailure(reply, 405, 405, { code: 1004, message: 'Method Not Allowed' });
    expect(reply.headers.allow).toBe('GET, POST, DELETE');
  });
});

describe('delete styles', () => {
  it.each(['phone-numbers', 'whitelisted-ips', 'destination-uris'])(
    "query style (default): %s takes ?id= and answers 405 to /{id}",
    async (resource) => {
      const trunk = await t.acme.createTrunk(`q_${resource.slice(0, 8).replace('-', '_')}`);
      const id = await createOne(t, trunk, resource);
      const path = `/trunks/${trunk}/${resource}`;
      expectFailure(await t.acme.del(`${path}/${id}`), 405, 405, { message: 'Method Not Allowed' });
      expect(data<{ id: string }>(await t.acme.del(`${path}?id=${id}`)).id).toBe(id);
    },
  );

  it('path style: numbers, ACLs and destinations take /{id} and answer 405 to ?id=; trunks and credentials stay query', async () => {
    const p = await startTestSimulator({ deleteStyle: 'path' });
    try {
      const trunk = await p.acme.createTrunk('path_style');
      for (const resource of ['phone-numbers', 'whitelisted-ips', 'destination-uris']) {
        const id = await createOne(p, trunk, resource);
        const path = `/trunks/${trunk}/${resource}`;
        expectFailure(await p.acme.del(`${path}?id=${id}`), 405, 405, { message: 'Method Not Allowed' });
        expect(data<{ id: string }>(await p.acme.del(`${path}/${id}`)).id).toBe(id);
        expect(items(await p.acme.get(path))).toEqual([]);
      }
      const credential = data<{ id: string }>(await p.acme.post(`/trunks/${trunk}/credentials`, { user_name: 'u', password: 'Password1' }));
      expectFailure(await p.acme.del(`/trunks/${trunk}/credentials/${credential.id}`), 405, 405, {});
      data(await p.acme.del(`/trunks/${trunk}/credentials?id=${credential.id}`));
      expectFailure(await p.acme.del(`/trunks/${trunk}`), 405, 405, {});
      data(await p.acme.del(`/trunks?trunk_sid=${trunk}`));
    } finally {
      await p.sim.close();
    }
  });
});

/** Creates one item of `resource` on `trunk` and returns its id. */
async function createOne(sim: TestSimulator, trunk: string, resource: string): Promise<string> {
  const path = `/trunks/${trunk}/${resource}`;
  if (resource === 'phone-numbers') return data<{ id: string }>(await sim.acme.post(path, { phone_number: '+919800000009' })).id;
  if (resource === 'whitelisted-ips') return data<{ id: string }>(await sim.acme.post(path, { ip: '52.66.1.1' })).id;
  const [created] = items<{ id: string }>(await sim.acme.post(path, { destinations: [{ destination: 'sip.vapi.ai:5061;transport=tls' }] }));
  return created?.id ?? '';
}
