import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Credential, PhoneNumberMapping } from '../../simulator';
import { data, expectInvalid, items, startTestSimulator, type TestSimulator } from './support';

let t: TestSimulator;
beforeAll(async () => {
  t = await startTestSimulator({ rateLimit: false });
});
afterAll(() => t.sim.close());

interface PageMetadata {
  page_size: number;
  first_page_uri: string;
  prev_page_uri: string | null;
  next_page_uri: string | null;
}

describe('paging', () => {
  it('walks 120 phone numbers in pages of 50 by following next_page_uri', async () => {
    const trunk = await t.acme.createTrunk('many_numbers');
    const path = `/v2/accounts/acme/trunks/${trunk}/phone-numbers`;
    for (let i = 0; i < 120; i++) data(await t.acme.post(path, { phone_number: `+9198000${String(i).padStart(5, '0')}` }));

    const seen: string[] = [];
    const pages: PageMetadata[] = [];
    let next: string | null = path;
    while (next !== null) {
      const reply = await t.acme.get(next);
      seen.push(...items<PhoneNumberMapping>(reply).map((m) => m.phone_number));
      const metadata = reply.body.metadata as unknown as PageMetadata;
      pages.push(metadata);
      next = metadata.next_page_uri;
    }
    expect(seen).toHaveLength(120);
    expect(new Set(seen).size).toBe(120);
    expect(pages.map((p) => [p.prev_page_uri, p.next_page_uri])).toEqual([
      [null, `${path}?offset=50&page_size=50`],
      [`${path}?offset=0&page_size=50`, `${path}?offset=100&page_size=50`],
      [`${path}?offset=50&page_size=50`, null],
    ]);
    expect(pages.every((p) => p.page_size === 50 && p.first_page_uri === `${path}?offset=0&page_size=50`)).toBe(true);
  });

  it('clamps page_size to 100 and refuses a non-numeric one', async () => {
    const trunk = await t.acme.createTrunk('clamp');
    const path = `/trunks/${trunk}/phone-numbers`;
    for (let i = 0; i < 105; i++) await t.acme.post(path, { phone_number: `+9198100${String(i).padStart(5, '0')}` });
    const reply = await t.acme.get(`${path}?page_size=500`);
    expect(items(reply)).toHaveLength(100);
    expect(reply.body.metadata).toMatchObject({ page_size: 100, next_page_uri: `/v2/accounts/acme${path}?offset=100&page_size=100` });
    expectInvalid(await t.acme.get(`${path}?page_size=ten`), 1002, 'Invalid page_size');
  });

  it('pages credentials with total and a 1-based page', async () => {
    const trunk = await t.acme.createTrunk('many_creds');
    const path = `/trunks/${trunk}/credentials`;
    for (let i = 0; i < 3; i++) data(await t.acme.post(path, { user_name: `user${i}`, password: 'Password1' }));
    const second = await t.acme.get(`${path}?page_size=2&offset=2`);
    expect(items<Credential>(second).map((c) => c.user_name)).toEqual(['user2']);
    expect(second.body.metadata).toEqual({
      page_size: 2,
      first_page_uri: `/v2/accounts/acme${path}?page_size=2&offset=0`,
      prev_page_uri: `/v2/accounts/acme${path}?page_size=2&offset=0`,
      next_page_uri: null,
      total: 3,
      page: 2,
    });
  });
});
