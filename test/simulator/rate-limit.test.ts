import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startTestSimulator, type TestSimulator } from './support';

let t: TestSimulator;
beforeAll(async () => {
  t = await startTestSimulator({ rateLimit: { limit: 5, windowMs: 500 } });
});
afterAll(() => t.sim.close());
beforeEach(async () => {
  // A fresh window for each test.
  await t.admin.setRateLimit({ limit: 5, windowMs: 500 });
});

describe('rate limit', () => {
  it('answers the 6th request in the window with 429, Retry-After and the v2 error body; later requests pass', async () => {
    for (let i = 0; i < 5; i++) expect((await t.acme.get('/trunks')).status).toBe(200);
    const before = Math.floor(Date.now() / 1000);
    const limited = await t.acme.get('/trunks');
    expect(limited.status).toBe(429);
    const retryAfter = Number(limited.headers['retry-after']);
    expect(Number.isInteger(retryAfter) && retryAfter >= 1).toBe(true);
    expect(limited.headers['x-ratelimit-limit']).toBe('5');
    expect(limited.headers['x-ratelimit-remaining']).toBe('0');
    expect(Number(limited.headers['x-ratelimit-reset'])).toBeGreaterThanOrEqual(before);
    expect(limited.body).toEqual({
      request_id: expect.stringMatching(/^[0-9a-f]{32}$/) as unknown,
      http_code: 429,
      response: { error: { code: 'rate_limit_exceeded', message: expect.any(String) as unknown } },
    });

    await sleep(retryAfter * 1000);
    expect((await t.acme.get('/trunks')).status).toBe(200);
  });

  it('counts per account, and counts requests that fail auth', async () => {
    for (let i = 0; i < 5; i++) expect((await t.acme.get('/trunks', { auth: { key: 'acme_key', token: 'wrong' } })).status).toBe(401);
    expect((await t.acme.get('/trunks')).status).toBe(429);
    expect((await t.globex.get('/trunks')).status).toBe(200);
  });

  it('never limits the admin API, and can be switched off', async () => {
    for (let i = 0; i < 10; i++) await t.admin.health();
    await t.admin.setRateLimit(false);
    for (let i = 0; i < 10; i++) expect((await t.acme.get('/trunks')).status).toBe(200);
  });
});
