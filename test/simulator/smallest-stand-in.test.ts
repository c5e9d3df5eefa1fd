// The Smallest AI Atoms stand-in over real HTTP with plain fetch, as Atoms' REST API is called (no SDK): no mocks.

import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { RunningStandIn } from '../../simulator/voice-ai';
import { normalizeSipTerminationUrl, startSmallestStandIn, type AtomsStoredNumber } from '../../simulator/voice-ai/smallest';

const NUMBER = '+918047112233';
const PASSWORD = 'Digest_Pass_9f3b';

let standIn: RunningStandIn<AtomsStoredNumber>;

interface Answer {
  status: number;
  headers: Headers;
  body: unknown;
}

async function call(method: string, path: string, body?: unknown, key: string | null = standIn.apiKey, raw?: string): Promise<Answer> {
  const res = await fetch(`${standIn.url}${path}`, {
    method,
    headers: { ...(key !== null ? { authorization: `Bearer ${key}` } : {}), ...(body !== undefined || raw !== undefined ? { 'content-type': 'application/json' } : {}) },
    ...(raw !== undefined ? { body: raw } : body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  const text = await res.text();
  return { status: res.status, headers: res.headers, body: text ? (JSON.parse(text) as unknown) : null };
}

const importBody = (overrides: Record<string, unknown> = {}) => ({
  phoneNumber: NUMBER,
  sipTerminationUrl: 'sip:in.voip.exotel.com:443;transport=tls',
  name: 'Acme front desk',
  sipUsername: 'acme_out_user',
  sipPassword: PASSWORD,
  ...overrides,
});
const importing = (body: unknown) => call('POST', '/product/import-phone-number', body);

beforeAll(async () => {
  standIn = await startSmallestStandIn({ seed: 7 });
});
afterAll(async () => standIn.close());
beforeEach(async () => standIn.admin.reset());

describe('Smallest Atoms stand-in', () => {
  it('serves the API under /atoms/v1', () => {
    expect(standIn.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/atoms\/v1$/);
  });

  it('imports a number (200, the documented answer) and keeps the termination URL normalized, the password only as set', async () => {
    const answer = await importing(importBody());
    expect(answer.status).toBe(200);
    expect(answer.body).toEqual({
      status: true,
      data: {
        _id: expect.stringMatching(/^[0-9a-f]{24}$/) as unknown,
        productType: 'custom',
        isActive: true,
        attributes: {
          name: 'Acme front desk',
          phoneNumber: NUMBER,
          outboundSipTrunkId: expect.stringMatching(/^ST_[A-Za-z0-9]{12}$/) as unknown,
          inboundSipTrunkId: expect.stringMatching(/^ST_[A-Za-z0-9]{12}$/) as unknown,
        },
        agentId: null,
        createdAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/) as unknown,
        updatedAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/) as unknown,
      },
    });
    const { data } = answer.body as { data: { _id: string; attributes: { inboundSipTrunkId: string; outboundSipTrunkId: string } } };
    expect(data.attributes.inboundSipTrunkId).not.toBe(data.attributes.outboundSipTrunkId);

    const [stored] = (await standIn.admin.state()).numbers;
    // Scheme and ;transport= stripped, as Atoms documents: the transport never reaches the trunk.
    expect(stored).toMatchObject({ _id: data._id, sipTerminationUrl: 'in.voip.exotel.com:443', sipUsername: 'acme_out_user', sipPasswordSet: true, cpsLimit: 1 });
    expect(JSON.stringify(await standIn.admin.state())).not.toContain(PASSWORD);
  });

  it('auto-generates a name, takes a non-E.164 number (not enforced) and treats empty credentials as none', async () => {
    const answer = await importing({ phoneNumber: '08047112233', sipTerminationUrl: 'in.voip.exotel.com:5070', sipUsername: '', sipPassword: '' });
    expect(answer.status).toBe(200);
    const name = (answer.body as { data: { attributes: { name: string } } }).data.attributes.name;
    expect(name).toMatch(/^08047112233-[0-9a-f]{24}$/);
    expect((await standIn.admin.state()).numbers[0]).toMatchObject({ sipTerminationUrl: 'in.voip.exotel.com:5070', sipUsername: null, sipPasswordSet: false });
  });

  it('lists imported numbers under all-numbers customProducts, never under phone-numbers', async () => {
    const made = (await importing(importBody())).body as { data: Record<string, unknown> };
    await importing(importBody({ phoneNumber: '+918047112244', name: 'Second' }));

    expect(await call('GET', '/product/phone-numbers')).toMatchObject({ status: 200, body: { status: true, data: [] } });
    const all = await call('GET', '/product/all-numbers');
    expect(all.status).toBe(200);
    const listed = all.body as { status: boolean; data: { telephonyProducts: unknown[]; customProducts: Record<string, unknown>[] } };
    expect(listed.status).toBe(true);
    expect(listed.data.telephonyProducts).toEqual([]);
    expect(listed.data.customProducts.map((p) => (p.attributes as { phoneNumber: string }).phoneNumber)).toEqual([NUMBER, '+918047112244']);
    // The list's Product schema spells the type custom-telephony; nothing the import did not answer is listed.
    expect(listed.data.customProducts[0]).toEqual({ ...made.data, productType: 'custom-telephony' });
    expect(JSON.stringify(listed)).not.toContain('exotel.com');
  });

  it('normalizes SIP URIs to host[:port] and refuses what has no host', () => {
    expect(normalizeSipTerminationUrl('sip:in.voip.exotel.com:5070;transport=tcp')).toBe('in.voip.exotel.com:5070');
    expect(normalizeSipTerminationUrl('SIPS:user:secret@203.0.113.10:5081;transport=tls?x=y')).toBe('203.0.113.10:5081');
    expect(normalizeSipTerminationUrl(' trunk.example.com ')).toBe('trunk.example.com');
    expect(normalizeSipTerminationUrl('https://www.example.com')).toBeNull();
    expect(normalizeSipTerminationUrl('example.com/sip')).toBeNull();
    expect(normalizeSipTerminationUrl('host.example.com:70000')).toBeNull();
    expect(normalizeSipTerminationUrl('sip:')).toBeNull();
  });

  it('refuses a website URL as termination URL (400) without echoing it', async () => {
    const refused = await importing(importBody({ sipTerminationUrl: 'https://user:hunter2@example.com/' }));
    expect(refused.status).toBe(400);
    expect(refused.body).toEqual({ status: false, errors: [expect.stringContaining('Invalid SIP termination URL') as unknown] });
    expect(JSON.stringify(refused.body)).not.toContain('hunter2');
    expect((await standIn.admin.state()).numbers).toEqual([]);
  });

  it('refuses a body missing a required field, with an unknown field or a wrong type (400 {status: false, errors})', async () => {
    expect(await importing({ sipTerminationUrl: 'in.voip.exotel.com:5070' })).toMatchObject({ status: 400, body: { status: false, errors: ['Phone number is required'] } });
    expect(await importing({})).toMatchObject({ status: 400, body: { errors: ['Phone number is required', 'SIP termination URL is required'] } });
    expect(await importing(importBody({ phoneNumber: '  ' }))).toMatchObject({ status: 400, body: { errors: ['Phone number is required'] } });
    expect(await importing(importBody({ transport: 'tls' }))).toMatchObject({ status: 400, body: { errors: ['Unknown field: transport'] } });
    expect(await importing(importBody({ sipPassword: 42 }))).toMatchObject({ status: 400, body: { errors: ['sipPassword must be a string'] } });
    expect(await importing([importBody()])).toMatchObject({ status: 400, body: { errors: ['Request body must be a JSON object'] } });
    expect(await call('POST', '/product/import-phone-number', undefined)).toMatchObject({ status: 400, body: { errors: ['Phone number is required', 'SIP termination URL is required'] } });
    expect(await call('POST', '/product/import-phone-number', undefined, standIn.apiKey, '{"phoneNumber":')).toMatchObject({ status: 400, body: { status: false } });
    expect((await standIn.admin.state()).numbers).toEqual([]);
  });

  it('takes cpsLimit 1–50 with the documented refusals', async () => {
    expect(await importing(importBody({ cpsLimit: 51 }))).toMatchObject({ status: 400, body: { errors: ['CPS limit cannot exceed 50'] } });
    expect(await importing(importBody({ cpsLimit: 0 }))).toMatchObject({ status: 400, body: { errors: ['CPS limit must be at least 1'] } });
    expect((await importing(importBody({ cpsLimit: 5 }))).status).toBe(200);
    expect((await standIn.admin.state()).numbers[0]?.cpsLimit).toBe(5);
  });

  it('refuses a second import of the same number with 400 "Number already present", keeping the first', async () => {
    const first = (await importing(importBody())).body as { data: { _id: string } };
    const again = await importing(importBody({ name: 'again', sipTerminationUrl: 'other.example.com' }));
    expect(again).toMatchObject({ status: 400, body: { status: false, errors: ['Number already present'] } });
    const { numbers } = await standIn.admin.state();
    expect(numbers).toHaveLength(1);
    expect(numbers[0]).toMatchObject({ _id: first.data._id, attributes: { name: 'Acme front desk' }, sipTerminationUrl: 'in.voip.exotel.com:443' });
  });

  it('refuses a missing or wrong key (401) and answers unknown routes 404: no update, delete or release', async () => {
    expect(await call('GET', '/product/all-numbers', undefined, null)).toMatchObject({ status: 401, body: { status: false, errors: ['Unauthorized: User not found'] } });
    expect(await call('POST', '/product/import-phone-number', importBody(), 'sk_wrong')).toMatchObject({ status: 401 });
    expect((await standIn.admin.state()).numbers).toEqual([]);

    await importing(importBody());
    const id = ((await standIn.admin.state()).numbers[0] as AtomsStoredNumber)._id;
    for (const [method, path] of [
      ['DELETE', `/product/${id}`],
      ['DELETE', '/product/import-phone-number'],
      ['PATCH', `/product/${id}`],
      ['POST', '/product/release-number'],
      ['GET', `/product/${id}`],
    ] as const) {
      const answer = await call(method, path, method === 'POST' || method === 'PATCH' ? { productId: id } : undefined);
      expect(answer).toMatchObject({ status: 404, body: { status: false, errors: [`Cannot ${method} /atoms/v1${path}`] } });
    }
    expect((await standIn.admin.state()).numbers).toHaveLength(1);
  });

  it('answers an injected 500 without applying it, and a commit-then-fail after applying it', async () => {
    await standIn.admin.addFault({ kind: 'status', status: 500, method: 'POST', path: '/product/import-phone-number$' });
    expect(await importing(importBody())).toMatchObject({ status: 500, body: { status: false, errors: ['Internal server error: injected fault'] } });
    expect((await standIn.admin.state()).numbers).toEqual([]);

    await standIn.admin.addFault({ kind: 'commit-then-fail', method: 'POST', path: '/product/import-phone-number$' });
    expect((await importing(importBody())).status).toBe(500);
    expect((await standIn.admin.state()).numbers).toHaveLength(1);
    expect(await importing(importBody())).toMatchObject({ status: 400, body: { errors: ['Number already present'] } });
  });

  it('answers an injected 429 with Retry-After and the documented rate-limit body', async () => {
    await standIn.admin.addFault({ kind: 'status', status: 429, retryAfterSeconds: 3, path: '/product/all-numbers$' });
    const limited = await call('GET', '/product/all-numbers');
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toBe('3');
    expect(limited.body).toEqual({ message: 'Rate limit exceeded' });
  });

  it('logs requests with the password masked and never the key', async () => {
    await importing(importBody());
    await call('GET', '/product/all-numbers');
    const log = await standIn.admin.requests();
    expect(log.map((r) => `${r.method} ${r.path} ${r.status}`)).toEqual(['POST /atoms/v1/product/import-phone-number 200', 'GET /atoms/v1/product/all-numbers 200']);
    expect(log[0]?.body).toEqual({ ...importBody(), sipPassword: '***' });
    const everything = JSON.stringify([log, await standIn.admin.state()]);
    expect(everything).not.toContain(PASSWORD);
    expect(everything).not.toContain(standIn.apiKey);
  });
});
