import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Credential } from '../../simulator';
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
  trunkSid = await t.acme.createTrunk('digest');
  path = `/trunks/${trunkSid}/credentials`;
});

const PASSWORD = 'Str0ngPassw0rdOnlyAlnum';

describe('credentials', () => {
  it('answers an empty list as `"response": []` with no metadata at all', async () => {
    const reply = await t.acme.get(path);
    expect(reply.status).toBe(200);
    expect(reply.body).toEqual({ request_id: expect.stringMatching(/^[0-9a-f]{32}$/) as unknown, method: 'GET', http_code: 200, response: [] });
  });

  it('creates a credential without ever echoing the password', async () => {
    const reply = await t.acme.post(path, { user_name: 'voice_ai_user', password: PASSWORD, friendly_name: 'livekit_prod' });
    expect(data<Credential>(reply)).toEqual({
      id: expect.stringMatching(/^\d+$/) as unknown,
      trunk_sid: trunkSid,
      user_name: 'voice_ai_user',
      friendly_name: 'livekit_prod',
      date_created: expect.any(String) as unknown,
      date_updated: expect.any(String) as unknown,
    });
    expect(data<Credential>(await t.acme.post(path, { user_name: 'second', password: PASSWORD })).friendly_name).toBeNull();
    const list = await t.acme.get(path);
    for (const text of [reply.text, list.text, JSON.stringify(await t.admin.state())]) expect(text).not.toContain(PASSWORD);
  });

  it('lists with total and page in the metadata, and fetches one row by ?id=', async () => {
    const first = data<Credential>(await t.acme.post(path, { user_name: 'one', password: PASSWORD }));
    await t.acme.post(path, { user_name: 'two', password: PASSWORD });
    const list = await t.acme.get(path);
    expect(list.body.metadata).toEqual({
      page_size: 50,
      first_page_uri: `/v2/accounts/acme${path}?page_size=50&offset=0`,
      prev_page_uri: null,
      next_page_uri: null,
      total: 2,
      page: 1,
    });
    expect(items<Credential>(list).map((c) => c.user_name)).toEqual(['one', 'two']);
    expect(items<Credential>(await t.acme.get(`${path}?id=${first.id}`)).map((c) => c.id)).toEqual([first.id]);
    expectFailure(await t.acme.get(`${path}?id=424242`), 404, 404, { code: 1000 });
  });

  it.each([
    [{ password: PASSWORD }, 1001, 'UserName is mandatory'],
    [{ user_name: 'u' }, 1001, 'Password is mandatory'],
    [{ user_name: 'u', password: 'url-safe-secret' }, 1002, 'Allowed characters for Password is alphanumeric and _'],
    [{ user_name: 'u', password: PASSWORD, friendly_name: 'livekit-staging' }, 1002, 'Allowed characters for FriendlyName is alphanumberic and _'],
    [{ user_name: 'u', password: PASSWORD, friendly_name: 'x'.repeat(33) }, 1002, 'Maximum allowed length for FriendlyName is 32'],
  ] as const)('refuses %j with %i "%s"', async (body, code, description) => {
    expectInvalid(await t.acme.post(path, body), code, description);
  });

  it('accepts a 32-character friendly_name', async () => {
    data(await t.acme.post(path, { user_name: 'u', password: PASSWORD, friendly_name: 'x'.repeat(32) }));
  });

  it('answers the same user_name on the same trunk with HTTP 200 and an inner 409/1008', async () => {
    data(await t.acme.post(path, { user_name: 'agent', password: PASSWORD }));
    expectFailure(await t.acme.post(path, { user_name: 'agent', password: PASSWORD }), 200, 409, { code: 1008, message: 'Duplicate resource' });
  });

  it('PUT /{id} updates fields; DELETE takes ?id= and answers 405 to the path form', async () => {
    const { id } = data<Credential>(await t.acme.post(path, { user_name: 'agent', password: PASSWORD }));
    const updated = data<Credential>(await t.acme.put(`${path}/${id}`, { password: 'Rotated123', friendly_name: 'rotated' }));
    expect(updated).toMatchObject({ id, user_name: 'agent', friendly_name: 'rotated' });
    expect(updated).not.toHaveProperty('password');
    expectFailure(await t.acme.del(`${path}/${id}`), 405, 405, { message: 'Method Not Allowed' });
    expect(data<Credential>(await t.acme.del(`${path}?id=${id}`)).id).toBe(id);
    expect((await t.acme.get(path)).body.response).toEqual([]);
  });
});
