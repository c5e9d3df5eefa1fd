import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { TrunkSetting } from '../../simulator';
import { data, expectFailure, items, startTestSimulator, type TestSimulator } from './support';

let t: TestSimulator;
let path: string;
let trunkSid: string;
beforeAll(async () => {
  t = await startTestSimulator();
});
afterAll(() => t.sim.close());
beforeEach(async () => {
  await t.admin.reset();
  trunkSid = await t.acme.createTrunk('alias');
  path = `/trunks/${trunkSid}/settings`;
});

const alias = (value: string) => ({ settings: [{ name: 'trunk_external_alias', value }] });

describe('settings', () => {
  it('sets trunk_external_alias in the batch envelope whose metadata has no `failed`', async () => {
    const reply = await t.acme.post(path, alias('+919876543210'));
    expect(reply.status).toBe(200);
    expect(reply.body).toMatchObject({ method: 'POST', http_code: 200, metadata: { total: 1, success: 1 } });
    expect(reply.body.metadata).not.toHaveProperty('failed');
    expect(items<TrunkSetting>(reply)).toEqual([
      { name: 'trunk_external_alias', value: '+919876543210', trunk_sid: trunkSid, date_created: expect.any(String) as unknown, date_updated: expect.any(String) as unknown },
    ]);
  });

  it('replaces the value when the name is posted again, and lists it', async () => {
    await t.acme.post(path, alias('+919876543210'));
    await t.acme.post(path, alias('+918040264208'));
    expect(items<TrunkSetting>(await t.acme.get(path)).map((s) => s.value)).toEqual(['+918040264208']);
  });

  it('answers a bad item with 207, still without `failed`', async () => {
    const reply = await t.acme.post(path, { settings: [{ name: 'trunk_external_alias', value: '98765' }, { name: 'other', value: '+9198' }] });
    expect(reply.status).toBe(207);
    expect(reply.body.metadata).toEqual({ total: 2, success: 0 });
    expect(reply.body.response).toMatchObject([
      { code: 400, status: 'failure', error_data: { code: 1002 } },
      { code: 400, status: 'failure', error_data: { code: 1002, description: 'Invalid setting name' } },
    ]);
  });

  it('DELETE ?name= removes the setting', async () => {
    await t.acme.post(path, alias('+919876543210'));
    expect(data<TrunkSetting>(await t.acme.del(`${path}?name=trunk_external_alias`)).value).toBe('+919876543210');
    expect(items(await t.acme.get(path))).toEqual([]);
    expectFailure(await t.acme.del(`${path}?name=trunk_external_alias`), 404, 404, { code: 1000 });
  });
});
