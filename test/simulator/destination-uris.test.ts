import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { DestinationUri } from '../../simulator';
import { data, expectFailure, items, startTestSimulator, type Item, type TestSimulator } from './support';

let t: TestSimulator;
let path: string;
let trunkSid: string;
beforeAll(async () => {
  t = await startTestSimulator();
});
afterAll(() => t.sim.close());
beforeEach(async () => {
  await t.admin.reset();
  trunkSid = await t.acme.createTrunk('inbound');
  path = `/trunks/${trunkSid}/destination-uris`;
});

const post = (...destinations: string[]) => t.acme.post(path, { destinations: destinations.map((destination) => ({ destination })) });

describe('destination-uris', () => {
  it('creates in the batch envelope and echoes the value with a sip: prefix', async () => {
    const reply = await post('sip.rtc.elevenlabs.io:5060;transport=tcp');
    expect(reply.status).toBe(200);
    expect(reply.body).toMatchObject({ method: 'POST', http_code: 200, metadata: { total: 1, success: 1 } });
    expect(reply.body.metadata).not.toHaveProperty('failed');
    const [created] = items<DestinationUri>(reply);
    expect(created).toEqual({
      id: expect.stringMatching(/^\d+$/) as unknown,
      destination: 'sip:sip.rtc.elevenlabs.io:5060;transport=tcp',
      type: 'public',
      priority: 0,
      weight: 1,
      trunk_sid: trunkSid,
      date_created: expect.any(String) as unknown,
      date_updated: expect.any(String) as unknown,
    });
    expect(items<DestinationUri>(await t.acme.get(path))).toEqual([created]);
  });

  it('appends: the same URI posted twice makes two entries', async () => {
    await post('partner.example.com:5061;transport=tls');
    await post('partner.example.com:5061;transport=tls');
    const all = items<DestinationUri>(await t.acme.get(path));
    expect(all.map((d) => d.destination)).toEqual([
      'sip:partner.example.com:5061;transport=tls',
      'sip:partner.example.com:5061;transport=tls',
    ]);
    expect(new Set(all.map((d) => d.id)).size).toBe(2);
  });

  it('needs an IP destination whitelisted on the trunk first (a covering /24 counts)', async () => {
    const refused = await post('44.248.146.11:5061;transport=tls');
    expect(refused.status).toBe(207);
    expect((refused.body.response as Item[])[0]?.error_data).toEqual({
      code: 1002,
      message: 'Invalid parameter',
      description: 'Destination not whitelisted',
    });
    data(await t.acme.post(`/trunks/${trunkSid}/whitelisted-ips`, { ip: '44.248.146.0', mask: 24 }));
    expect((await post('44.248.146.11:5061;transport=tls')).status).toBe(200);
  });

  it.each([
    '203.0.113.50:5061;transport=tls', // RFC 5737 documentation range, even when whitelisted
    '10.1.2.3:5060;transport=tcp',
    '192.168.1.10:5060;transport=tcp',
    '127.0.0.1:5060;transport=tcp',
    'sip.partner.invalid:5061;transport=tls',
    'pbx.test:5061;transport=tls',
    'my.localhost:5061;transport=tls',
    'partner.example:5061;transport=tls',
    'sipserver:5061;transport=tls',
    'sip:partner.example.com:5061;transport=tls',
  ])('refuses %s as "Destination is not a valid Ip or Fqdn"', async (destination) => {
    for (const ip of ['203.0.113.50', '10.1.2.3', '192.168.1.10', '127.0.0.1']) {
      await t.acme.post(`/trunks/${trunkSid}/whitelisted-ips`, { ip });
    }
    const reply = await post(destination);
    expect(reply.status).toBe(207);
    expect(reply.body).toMatchObject({
      http_code: 207,
      metadata: { total: 1, success: 0, failed: 1 },
      response: [{ code: 400, status: 'failure', data: null, error_data: { code: 1002, description: 'Destination is not a valid Ip or Fqdn' } }],
    });
  });

  it.each(['partner.example.com:5060;transport=udp', 'partner.example.com:5060'])('refuses UDP: %s', async (destination) => {
    const reply = await post(destination);
    expect(reply.status).toBe(207);
    expect((reply.body.response as Item[])[0]?.error_data).toMatchObject({ code: 1002, description: 'Transport should be tcp or tls' });
  });

  it('answers a mixed batch with 207, per-item results, and still creates the good items', async () => {
    const reply = await post('sip.vapi.ai:5061;transport=tls', '203.0.113.50:5061;transport=tls', '52.1.2.3:5060;transport=tcp');
    expect(reply.status).toBe(207);
    expect(reply.body).toMatchObject({ method: 'POST', http_code: 207, metadata: { total: 3, success: 1, failed: 2 } });
    const results = reply.body.response as Item[];
    expect(results.map((r) => [r.code, r.status, r.error_data?.description ?? null])).toEqual([
      [200, 'success', null],
      [400, 'failure', 'Destination is not a valid Ip or Fqdn'],
      [400, 'failure', 'Destination not whitelisted'],
    ]);
    expect(items<DestinationUri>(await t.acme.get(path)).map((d) => d.destination)).toEqual(['sip:sip.vapi.ai:5061;transport=tls']);
  });

  it('refuses a missing or empty destinations array with 1001', async () => {
    expectFailure(await t.acme.post(path, {}), 400, 400, { code: 1001 });
    expectFailure(await t.acme.post(path, { destinations: [] }), 400, 400, { code: 1001 });
    expectFailure(await t.acme.post(path, { destinations: 'x' }), 400, 400, { code: 1007 });
  });

  it('PUT /{id} sets priority and weight; DELETE ?id= removes', async () => {
    const [created] = items<DestinationUri>(await post('sip.vapi.ai:5061;transport=tls'));
    const id = created?.id ?? '';
    const updated = data<DestinationUri>(await t.acme.put(`${path}/${id}`, { priority: 1, weight: 10 }));
    expect(updated).toMatchObject({ id, priority: 1, weight: 10, destination: 'sip:sip.vapi.ai:5061;transport=tls' });
    expect(data<DestinationUri>(await t.acme.del(`${path}?id=${id}`)).id).toBe(id);
    expect(items(await t.acme.get(path))).toEqual([]);
  });
});
