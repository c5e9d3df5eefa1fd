import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { SimulatorAdmin } from '../../simulator';
import { data, expectFailure, httpCall, items, startTestSimulator, type TestSimulator } from './support';

let t: TestSimulator;
beforeAll(async () => {
  t = await startTestSimulator({ rateLimit: false });
});
afterAll(() => t.sim.close());
beforeEach(() => t.admin.reset());

const trunkBody = (name: string) => ({ trunk_name: name, nso_code: 'ANY-ANY', domain_name: 'acme.pstn.exotel.com' });
const trunkNames = async (): Promise<string[]> => items<{ trunk_name: string }>(await t.acme.get('/trunks')).map((tr) => tr.trunk_name);

describe('faults', () => {
  it("'status' answers a 5xx failure envelope without applying the write", async () => {
    await t.admin.addFault({ kind: 'status', status: 503, method: 'POST', path: '/trunks$' });
    const reply = await t.acme.post('/trunks', trunkBody('not_applied'));
    expectFailure(reply, 503, 503, { message: 'Service Unavailable' });
    expect(await trunkNames()).toEqual([]);
    // count defaults to 1: the next request is normal.
    data(await t.acme.post('/trunks', trunkBody('applied')));
    expect(await t.admin.faults()).toEqual([]);
  });

  it("'status' 429 looks like the rate limiter, with Retry-After from retryAfterSeconds", async () => {
    await t.admin.addFault({ kind: 'status', status: 429, retryAfterSeconds: 7, path: '/trunks' });
    const reply = await t.acme.get('/trunks');
    expect(reply.status).toBe(429);
    expect(reply.headers['retry-after']).toBe('7');
    expect(reply.body).toMatchObject({ http_code: 429, response: { error: { code: 'rate_limit_exceeded' } } });
  });

  it("'latency' delays, then processes normally", async () => {
    await t.admin.addFault({ kind: 'latency', latencyMs: 50, path: '/trunks$' });
    data(await t.acme.post('/trunks', trunkBody('slow')));
    expect(await trunkNames()).toEqual(['slow']);
    const [logged] = await t.admin.requests();
    expect(logged).toMatchObject({ method: 'POST', status: 200, fault: 'latency' });
  });

  it("'commit-then-fail' applies the write and answers 500 (default), so a naive retry duplicates", async () => {
    await t.admin.addFault({ kind: 'commit-then-fail', method: 'POST', path: '/phone-numbers$' });
    const trunk = await t.acme.createTrunk('ctf');
    const path = `/trunks/${trunk}/phone-numbers`;
    expectFailure(await t.acme.post(path, { phone_number: '+919800000001' }), 500, 500, {});
    expect(items<{ phone_number: string }>(await t.acme.get(path)).map((m) => m.phone_number)).toEqual(['+919800000001']);
    // The retry meets Exotel's duplicate answer.
    expectFailure(await t.acme.post(path, { phone_number: '+919800000001' }), 200, 409, { code: 1008 });
  });

  it("'commit-then-fail' with then: 'drop' applies the write and drops the connection", async () => {
    await t.admin.addFault({ kind: 'commit-then-fail', then: 'drop', method: 'POST', path: '/trunks$' });
    await expect(t.acme.post('/trunks', trunkBody('dropped_after'))).rejects.toThrow();
    expect(await trunkNames()).toEqual(['dropped_after']);
    const [logged] = await t.admin.requests({ since: 0 });
    expect(logged).toMatchObject({ method: 'POST', status: null, fault: 'commit-then-fail' });
  });

  it("'commit-then-fail' can answer another status", async () => {
    await t.admin.addFault({ kind: 'commit-then-fail', then: 502, method: 'POST', path: '/trunks$' });
    expectFailure(await t.acme.post('/trunks', trunkBody('bad_gateway')), 502, 502, {});
    expect(await trunkNames()).toEqual(['bad_gateway']);
  });

  it("'drop' destroys the socket without applying the write", async () => {
    await t.admin.addFault({ kind: 'drop', method: 'POST', path: '/trunks$' });
    await expect(t.acme.post('/trunks', trunkBody('never'))).rejects.toThrow();
    expect(await trunkNames()).toEqual([]);
  });

  it('spends count, keeps count 0 forever, and matches method, path and account', async () => {
    await t.admin.addFault({ kind: 'status', status: 500, path: '/trunks$', method: 'GET', account: 'acme', count: 2 });
    await t.admin.addFault({ kind: 'status', status: 502, path: '/whitelisted-ips', count: 0 });
    expect((await t.globex.get('/trunks')).status).toBe(200); // other account
    data(await t.acme.post('/trunks', trunkBody('other_method'))); // other method
    expect((await t.acme.get('/trunks')).status).toBe(500);
    expect((await t.acme.get('/trunks')).status).toBe(500);
    expect((await t.acme.get('/trunks')).status).toBe(200);
    for (let i = 0; i < 3; i++) expect((await t.acme.get('/trunks/x/whitelisted-ips')).status).toBe(502);
    expect(await t.admin.faults()).toEqual([expect.objectContaining({ status: 502, remaining: null })]);
    await t.admin.clearFaults();
    expect((await t.acme.get('/trunks/x/whitelisted-ips')).status).toBe(404);
  });

  it('rolls probability from the seed, so two simulators with one seed fault the same requests', async () => {
    const pattern = async (): Promise<number[]> => {
      const s = await startTestSimulator({ rateLimit: false, seed: 1234 });
      try {
        await s.admin.addFault({ kind: 'status', status: 503, path: '/trunks$', probability: 0.5, count: 0 });
        const statuses: number[] = [];
        for (let i = 0; i < 20; i++) statuses.push((await s.acme.get('/trunks')).status);
        return statuses;
      } finally {
        await s.sim.close();
      }
    };
    const first = await pattern();
    expect(first).toContain(503);
    expect(first).toContain(200);
    expect(await pattern()).toEqual(first);
  });

  it('refuses an invalid fault spec with 400 naming the field', async () => {
    const reply = await httpCall(`${t.sim.url}/_admin/faults`, 'POST', { 'Content-Type': 'application/json' }, JSON.stringify({ kind: 'status', path: 'x' }));
    expect(reply.status).toBe(400);
    expect(reply.text).toContain('fault.status must be an integer 400–599');
    await expect(new SimulatorAdmin(t.sim.url).addFault({ kind: 'latency', path: '(' })).rejects.toThrow(/fault.path/);
  });
});
