import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { SimulatorAdmin } from '../../simulator';
import { ACME, data, httpCall, startTestSimulator, type TestSimulator } from './support';

let t: TestSimulator;
beforeAll(async () => {
  t = await startTestSimulator();
});
afterAll(() => t.sim.close());
beforeEach(() => t.admin.reset());

describe('request log', () => {
  it('records each /v2 request with its status, masking passwords and never keeping credentials', async () => {
    const trunk = await t.acme.createTrunk('logged');
    const password = 'VerySecretPassword42';
    data(await t.acme.post(`/trunks/${trunk}/credentials`, { user_name: 'agent', password, friendly_name: 'x' }));
    await t.acme.call('POST', `/trunks/${trunk}/credentials`, { raw: `{"user_name":"a","password":"${password}"`, contentType: 'application/json' });
    await t.acme.get(`/trunks?trunk_sid=${trunk}&api_token=${ACME.apiToken}`);

    const log = await t.admin.requests();
    expect(log.map((e) => [e.seq, e.method, e.path, e.status])).toEqual([
      [1, 'POST', '/v2/accounts/acme/trunks', 200],
      [2, 'POST', `/v2/accounts/acme/trunks/${trunk}/credentials`, 200],
      [3, 'POST', `/v2/accounts/acme/trunks/${trunk}/credentials`, 400],
      [4, 'GET', '/v2/accounts/acme/trunks', 200],
    ]);
    expect(log[1]).toMatchObject({ account: 'acme', body: { user_name: 'agent', password: '***', friendly_name: 'x' }, query: {} });
    expect(log[3]?.query).toEqual({ trunk_sid: trunk, api_token: '***' });
    expect(log[0]?.time).toMatch(/^\d{4}-\d\d-\d\dT/);

    const text = JSON.stringify(log);
    const basic = Buffer.from(`${ACME.apiKey}:${ACME.apiToken}`).toString('base64');
    for (const secret of [password, ACME.apiToken, basic, 'Basic ']) expect(text).not.toContain(secret);
    expect(text.toLowerCase()).not.toContain('authorization');
  });

  it('filters by account and seq, and can be cleared; admin calls are not logged', async () => {
    await t.acme.get('/trunks');
    await t.globex.get('/trunks');
    await t.acme.get('/trunks');
    await t.admin.state();
    expect((await t.admin.requests({ account: 'globex' })).map((e) => e.account)).toEqual(['globex']);
    const all = await t.admin.requests();
    expect(all).toHaveLength(3);
    expect((await t.admin.requests({ since: all[1]?.seq ?? 0 })).map((e) => e.seq)).toEqual([all[2]?.seq]);
    await t.admin.clearRequests();
    expect(await t.admin.requests()).toEqual([]);
  });
});

describe('admin token', () => {
  it('guards /_admin with a Bearer token when set', async () => {
    const guarded = await startTestSimulator({ adminToken: 'let_me_in' });
    try {
      expect((await httpCall(`${guarded.sim.url}/_admin/health`, 'GET', {})).status).toBe(401);
      expect((await httpCall(`${guarded.sim.url}/_admin/state`, 'GET', { Authorization: 'Bearer wrong' })).status).toBe(401);
      await expect(new SimulatorAdmin(guarded.sim.url).state()).rejects.toThrow(/401/);
      expect(await guarded.admin.health()).toEqual({ status: 'ok' });
      // The admin token does not open the Exotel API.
      expect((await guarded.acme.get('/trunks', { auth: null, headers: { Authorization: 'Bearer let_me_in' } })).status).toBe(401);
    } finally {
      await guarded.sim.close();
    }
  });
});
