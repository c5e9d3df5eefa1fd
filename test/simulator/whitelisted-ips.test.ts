import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { WhitelistedIp } from '../../simulator';
import { data, expectFailure, expectInvalid, items, startTestSimulator, type TestSimulator } from './support';

let t: TestSimulator;
let path: string;
let trunkSid: string;
beforeAll(async () => {
  t = await startTestSimulator();
});
afterAll(() => t.sim.close());
beforeEach(async () => {
  await t.admin.reset();
  trunkSid = await t.acme.createTrunk('acl');
  path = `/trunks/${trunkSid}/whitelisted-ips`;
});

describe('whitelisted-ips', () => {
  it('whitelists an IP with mask 32 by default and friendly_name null', async () => {
    const acl = data<WhitelistedIp>(await t.acme.post(path, { ip: '203.0.113.50' }));
    expect(acl).toEqual({
      id: expect.stringMatching(/^\d+$/) as unknown,
      ip: '203.0.113.50',
      mask: 32,
      trunk_sid: trunkSid,
      friendly_name: null,
      date_created: expect.any(String) as unknown,
      date_updated: expect.any(String) as unknown,
    });
    expect(data<WhitelistedIp>(await t.acme.post(path, { ip: '44.229.228.186', mask: 16 })).mask).toBe(16);
    expect(items<WhitelistedIp>(await t.acme.get(path)).map((a) => `${a.ip}/${a.mask}`)).toEqual(['203.0.113.50/32', '44.229.228.186/16']);
  });

  it('answers the same IP on the same trunk with HTTP 200 and an inner 409/1008', async () => {
    data(await t.acme.post(path, { ip: '44.248.146.10', mask: 32 }));
    expectFailure(await t.acme.post(path, { ip: '44.248.146.10', mask: 32 }), 200, 409, {
      code: 1008,
      message: 'Duplicate resource',
      description: 'Unable to Whitelist-ip with ip 44.248.146.10',
    });
  });

  it.each([
    [{}, 1001, 'Ip is mandatory'],
    [{ ip: '' }, 1001, 'Ip is mandatory'],
    [{ ip: '999.1.1.1' }, 1002, 'Invalid ip'],
    [{ ip: '192.168.1' }, 1002, 'Invalid ip'],
    [{ ip: '2001:db8::1' }, 1002, 'Invalid ip'],
    [{ ip: '44.1.1.1', mask: 15 }, 1002, 'mask should be in-between 16 and 32'],
    [{ ip: '44.1.1.1', mask: 33 }, 1002, 'mask should be in-between 16 and 32'],
    [{ ip: '44.1.1.1', mask: 0 }, 1002, 'mask should be in-between 16 and 32'],
  ] as const)('refuses %j with %i "%s"', async (body, code, description) => {
    expectInvalid(await t.acme.post(path, body), code, description);
  });

  it.each([
    [-1, 'json: cannot unmarshal number -1 into Go struct field CreateWhitelistipsRequest.mask of type uint8'],
    [24.5, 'json: cannot unmarshal number 24.5 into Go struct field CreateWhitelistipsRequest.mask of type uint8'],
    [256, 'json: cannot unmarshal number 256 into Go struct field CreateWhitelistipsRequest.mask of type uint8'],
    ['32', 'json: cannot unmarshal string into Go struct field CreateWhitelistipsRequest.mask of type uint8'],
  ])('fails mask %j as a 1007 parse error', async (mask, description) => {
    expectFailure(await t.acme.post(path, { ip: '44.1.1.1', mask }), 400, 400, {
      code: 1007,
      message: 'Invalid request body,failed parsing',
      description,
    });
  });

  it('PUT /{id} changes the mask; DELETE ?id= returns and removes the entry', async () => {
    const { id } = data<WhitelistedIp>(await t.acme.post(path, { ip: '44.248.146.10' }));
    expect(data<WhitelistedIp>(await t.acme.put(`${path}/${id}`, { ip: '44.248.146.10', mask: 24 })).mask).toBe(24);
    expectInvalid(await t.acme.put(`${path}/${id}`, { mask: 8 }), 1002, 'mask should be in-between 16 and 32');
    expect(data<WhitelistedIp>(await t.acme.del(`${path}?id=${id}`))).toMatchObject({ id, mask: 24 });
    expect(items(await t.acme.get(path))).toEqual([]);
  });
});
