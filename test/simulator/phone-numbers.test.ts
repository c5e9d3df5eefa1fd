import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { PhoneNumberMapping } from '../../simulator';
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
  trunkSid = await t.acme.createTrunk('numbers');
  path = `/trunks/${trunkSid}/phone-numbers`;
});

describe('phone-numbers', () => {
  it('maps a number; an omitted mode is stored as null', async () => {
    const mapping = data<PhoneNumberMapping>(await t.acme.post(path, { phone_number: '+919876543210' }));
    expect(mapping).toEqual({
      id: expect.stringMatching(/^\d+$/) as unknown,
      phone_number: '+919876543210',
      trunk_sid: trunkSid,
      mode: null,
      date_created: expect.any(String) as unknown,
      date_updated: expect.any(String) as unknown,
    });
    expect(data<PhoneNumberMapping>(await t.acme.post(path, { phone_number: '+14155552671', mode: 'flow' })).mode).toBe('flow');
  });

  it('lists the mappings with paging metadata', async () => {
    await t.acme.post(path, { phone_number: '+919876543210' });
    const reply = await t.acme.get(path);
    expect(reply.body.metadata).toEqual({
      page_size: 50,
      first_page_uri: `/v2/accounts/acme${path}?offset=0&page_size=50`,
      prev_page_uri: null,
      next_page_uri: null,
    });
    expect(items<PhoneNumberMapping>(reply).map((m) => m.phone_number)).toEqual(['+919876543210']);
  });

  it('answers the same number on the same trunk with HTTP 200 and an inner 409/1008', async () => {
    data(await t.acme.post(path, { phone_number: '+919876543210' }));
    expectFailure(await t.acme.post(path, { phone_number: '+919876543210', mode: 'flow' }), 200, 409, {
      code: 1008,
      message: 'Duplicate resource',
      description: `Unable to create DidTrunkMapping with TrunkSid ${trunkSid}`,
    });
  });

  it('refuses a number another trunk of the account carries, by default', async () => {
    const other = await t.acme.createTrunk('other');
    data(await t.acme.post(path, { phone_number: '+919876543210' }));
    expectFailure(await t.acme.post(`/trunks/${other}/phone-numbers`, { phone_number: '+919876543210' }), 200, 409, {
      code: 1008,
      message: 'Duplicate resource',
      description: `Unable to create DidTrunkMapping with TrunkSid ${other}`,
    });
  });

  it.each([
    [{}, 1001, 'PhoneNumber is mandatory'],
    [{ phone_number: '' }, 1001, 'PhoneNumber is mandatory'],
    [{ phone_number: '9876543210' }, 1002, 'Invalid PhoneNumber'],
    [{ phone_number: '080-486-36999' }, 1002, 'Invalid PhoneNumber'],
    [{ phone_number: '+91987654321012345' }, 1002, 'Invalid PhoneNumber'],
  ] as const)('refuses %j with %i "%s"', async (body, code, description) => {
    expectInvalid(await t.acme.post(path, body), code, description);
  });

  it('PUT /{id} needs both phone_number and mode and updates the mapping', async () => {
    const { id } = data<PhoneNumberMapping>(await t.acme.post(path, { phone_number: '+919876543210' }));
    expectInvalid(await t.acme.put(`${path}/${id}`, { mode: 'flow' }), 1001, 'PhoneNumber is mandatory');
    expectInvalid(await t.acme.put(`${path}/${id}`, { phone_number: '+919876543210' }), 1001, 'Mode is mandatory');
    const updated = data<PhoneNumberMapping>(await t.acme.put(`${path}/${id}`, { phone_number: '+919876543210', mode: 'flow' }));
    expect(updated).toMatchObject({ id, mode: 'flow', phone_number: '+919876543210' });
    expectFailure(await t.acme.put(`${path}/99999`, { phone_number: '+919876543210', mode: 'pstn' }), 404, 404, { code: 1000 });
  });

  it('DELETE ?id= returns the mapping and removes it', async () => {
    const { id } = data<PhoneNumberMapping>(await t.acme.post(path, { phone_number: '+919876543210' }));
    expect(data<PhoneNumberMapping>(await t.acme.del(`${path}?id=${id}`)).id).toBe(id);
    expect(items(await t.acme.get(path))).toEqual([]);
    expectFailure(await t.acme.del(`${path}?id=${id}`), 404, 404, { code: 1000 });
  });

  it('answers 404/1000 on an unknown trunk', async () => {
    expectFailure(await t.acme.post('/trunks/trmum1ffffffffffffffffff1a1n/phone-numbers', { phone_number: '+919876543210' }), 404, 404, {
      code: 1000,
      message: 'Not Found',
    });
  });

  it('finds the trunk a number is mapped to through GET /trunk-maps', async () => {
    data(await t.acme.post(path, { phone_number: '+919876543210' }));
    expect(items<PhoneNumberMapping>(await t.acme.get('/trunk-maps?exophone=%2B919876543210')).map((m) => m.trunk_sid)).toEqual([trunkSid]);
    expect(items(await t.acme.get(`/trunk-maps?exophone=%2B919876543211`))).toEqual([]);
    expectInvalid(await t.acme.get('/trunk-maps'), 1001, 'PhoneNumber is mandatory');
  });
});

describe("phone-numbers with numberScope 'trunk'", () => {
  let loose: TestSimulator;
  beforeAll(async () => {
    loose = await startTestSimulator({ numberScope: 'trunk' });
  });
  afterAll(() => loose.sim.close());

  it('allows one number on two trunks, and GET /trunk-maps finds both', async () => {
    const first = await loose.acme.createTrunk('first');
    const second = await loose.acme.createTrunk('second');
    data(await loose.acme.post(`/trunks/${first}/phone-numbers`, { phone_number: '+919876543210' }));
    data(await loose.acme.post(`/trunks/${second}/phone-numbers`, { phone_number: '+919876543210' }));
    const all = items<PhoneNumberMapping>(await loose.acme.get('/trunk-maps?exophone=%2B919876543210'));
    expect(all.map((m) => m.trunk_sid).sort()).toEqual([first, second].sort());
    const one = items<PhoneNumberMapping>(await loose.acme.get(`/trunk-maps?exophone=%2B919876543210&trunk_sid=${second}`));
    expect(one.map((m) => m.trunk_sid)).toEqual([second]);
  });
});
