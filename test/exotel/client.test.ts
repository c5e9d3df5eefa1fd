import { inspect } from 'node:util';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ExotelClient, type ExotelRequestLog } from '../../exotel/client';
import { ExotelError } from '../../exotel/errors';
import { INDIA, SINGAPORE, startTestSimulator, type TestSimulator } from '../support/simulator';

let t: TestSimulator;
let exotel: ExotelClient;
const requestLog: ExotelRequestLog[] = [];

beforeAll(async () => {
  t = await startTestSimulator();
});
afterAll(() => t.close());
beforeEach(async () => {
  await t.admin.reset();
  requestLog.length = 0;
  exotel = new ExotelClient(t.account(), { onRequest: (e) => requestLog.push(e) });
});

async function caught(p: Promise<unknown>): Promise<ExotelError> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(ExotelError);
  return err as ExotelError;
}

describe('wire format', () => {
  it('creates a trunk with the body fields Exotel takes, under the account path, with Basic auth and JSON', async () => {
    const trunk = await exotel.createTrunk('acme_trunk');
    expect(trunk.trunk_sid).toMatch(/^trmum1/);
    expect(trunk.trunk_name).toBe('acme_trunk');
    const [logged] = await t.admin.requests();
    expect(logged).toMatchObject({
      method: 'POST',
      path: `/v2/accounts/${INDIA.sid}/trunks`,
      body: { trunk_name: 'acme_trunk', nso_code: 'ANY-ANY', domain_name: `${INDIA.sid}.pstn.exotel.com` },
      status: 200,
    });
  });

  it('covers every endpoint of a trunk: numbers, credentials, ACL, destinations, settings', async () => {
    const { trunk_sid: sid } = await exotel.createTrunk('all_endpoints');

    const mapping = await exotel.mapPhoneNumber(sid, '+919800000001');
    expect(mapping).toMatchObject({ phone_number: '+919800000001', mode: null });
    expect(mapping.id).toMatch(/^\d+$/);
    const flow = await exotel.mapPhoneNumber(sid, '+919800000002', 'flow');
    expect(flow.mode).toBe('flow');
    const updated = await exotel.updatePhoneNumber(sid, flow.id, '+919800000002', 'pstn');
    expect(updated.mode).toBe('pstn');
    expect((await exotel.listPhoneNumbers(sid)).map((n) => n.phone_number)).toEqual(['+919800000001', '+919800000002']);

    const credential = await exotel.createCredential(sid, { userName: 'sipuser1', password: 'Abcdefgh12345678', friendlyName: 'voice_ai' });
    expect(credential).toMatchObject({ user_name: 'sipuser1', friendly_name: 'voice_ai' });
    expect(JSON.stringify(credential)).not.toContain('Abcdefgh12345678');
    expect(await exotel.listCredentials(sid)).toEqual([expect.objectContaining({ id: credential.id, user_name: 'sipuser1' })]);

    const acl = await exotel.addWhitelistedIp(sid, '203.0.113.50');
    expect(acl).toMatchObject({ ip: '203.0.113.50', mask: 32 });
    expect((await exotel.listWhitelistedIps(sid)).map((e) => e.ip)).toEqual(['203.0.113.50']);

    const [dest] = await exotel.addDestinationUris(sid, ['sip.example.com:5061;transport=tls']);
    expect(dest?.id).toMatch(/^\d+$/);
    const listed = await exotel.listDestinationUris(sid);
    expect(listed.map((d) => d.destination)).toEqual(['sip:sip.example.com:5061;transport=tls']);

    const alias = await exotel.setTrunkExternalAlias(sid, '+919800000001');
    expect(alias).toMatchObject({ name: 'trunk_external_alias', value: '+919800000001' });
    expect((await exotel.listSettings(sid)).map((s) => s.name)).toEqual(['trunk_external_alias']);
    await exotel.deleteSetting(sid, 'trunk_external_alias');

    await exotel.deleteDestinationUri(sid, dest!.id);
    await exotel.deleteWhitelistedIp(sid, acl.id);
    await exotel.deleteCredential(sid, credential.id);
    await exotel.deletePhoneNumber(sid, mapping.id);
    await exotel.deletePhoneNumber(sid, flow.id);
    expect(await exotel.getTrunk(sid)).toMatchObject({ trunk_sid: sid, trunk_name: 'all_endpoints' });
    expect(await exotel.findTrunkByName('all_endpoints')).toMatchObject({ trunk_sid: sid });
    const deleted = await exotel.deleteTrunk(sid);
    expect(deleted.trunk_sid).toBe(sid);
    expect(await exotel.getTrunk(sid)).toBeNull();

    const deletes = (await t.admin.requests()).filter((r) => r.method === 'DELETE');
    expect(deletes.map((r) => [r.path.replace(/^.*\/trunks/, '/trunks'), r.query])).toEqual([
      [`/trunks/${sid}/settings`, { name: 'trunk_external_alias' }],
      [`/trunks/${sid}/destination-uris`, { id: dest!.id }],
      [`/trunks/${sid}/whitelisted-ips`, { id: acl.id }],
      [`/trunks/${sid}/credentials`, { id: credential.id }],
      [`/trunks/${sid}/phone-numbers`, { id: mapping.id }],
      [`/trunks/${sid}/phone-numbers`, { id: flow.id }],
      ['/trunks', { trunk_sid: sid }],
    ]);
  });

  it('changes a credential with PUT on its id, sending only the fields given and never echoing the password', async () => {
    const { trunk_sid: sid } = await exotel.createTrunk('put_credential');
    const credential = await exotel.createCredential(sid, { userName: 'sipuser2', password: 'Abcdefgh12345678' });
    const changed = await exotel.updateCredential(sid, credential.id, { password: 'Zyxwvuts87654321', friendlyName: 'rotated' });
    expect(changed).toMatchObject({ id: credential.id, user_name: 'sipuser2', friendly_name: 'rotated' });
    expect(JSON.stringify(changed)).not.toContain('Zyxwvuts87654321');
    const put = (await t.admin.requests()).filter((r) => r.method === 'PUT');
    expect(put.map((r) => [r.path, Object.keys(r.body as object).sort()])).toEqual([
      [`/v2/accounts/${INDIA.sid}/trunks/${sid}/credentials/${credential.id}`, ['friendly_name', 'password']],
    ]);
    const taken = await exotel.createCredential(sid, { userName: 'sipuser3', password: 'Abcdefgh12345678' });
    expect((await caught(exotel.updateCredential(sid, taken.id, { userName: 'sipuser2' }))).kind).toBe('duplicate');
  });

  it('walks every page of a list past 50 items by following next_page_uri', async () => {
    const { trunk_sid: sid } = await exotel.createTrunk('paging');
    for (let i = 0; i < 120; i++) await exotel.mapPhoneNumber(sid, `+9198${String(i).padStart(8, '0')}`);
    const numbers = await exotel.listPhoneNumbers(sid);
    expect(numbers).toHaveLength(120);
    expect(new Set(numbers.map((n) => n.id)).size).toBe(120);
    const gets = (await t.admin.requests()).filter((r) => r.method === 'GET');
    expect(gets).toHaveLength(3);
  });

  it('reads an empty credentials list that comes without metadata', async () => {
    const { trunk_sid: sid } = await exotel.createTrunk('no_creds');
    expect(await exotel.listCredentials(sid)).toEqual([]);
  });

  it('falls back to the path form of DELETE when the query form is refused (405)', async () => {
    const pathStyle = await startTestSimulator({ deleteStyle: 'path' });
    try {
      const client = new ExotelClient(pathStyle.account());
      const { trunk_sid: sid } = await client.createTrunk('path_style');
      const mapping = await client.mapPhoneNumber(sid, '+919800000009');
      await client.deletePhoneNumber(sid, mapping.id);
      expect(await client.listPhoneNumbers(sid)).toEqual([]);
      const deletes = (await pathStyle.admin.requests()).filter((r) => r.method === 'DELETE');
      expect(deletes.map((r) => [r.path.replace(/^.*\/trunks\/[^/]+/, ''), r.status])).toEqual([
        ['/phone-numbers', 405],
        [`/phone-numbers/${mapping.id}`, 200],
      ]);
    } finally {
      await pathStyle.close();
    }
  });
});

describe('envelopes and error classification', () => {
  it('treats HTTP 200 carrying an inner 409/1008 as a duplicate, with the request id', async () => {
    await exotel.createTrunk('dupe');
    const err = await caught(exotel.createTrunk('dupe'));
    expect(err.kind).toBe('duplicate');
    expect(err.details).toMatchObject({ httpStatus: 200, innerCode: 409, exotelCode: 1008 });
    expect(err.details.requestId).toMatch(/^[0-9a-f]{32}$/);
    expect(err.message).toContain('Unable to create trunk with name dupe');
    expect(err.retryable).toBe(false);
  });

  it('fails a 207 destination batch naming the failed item and the ids that went through', async () => {
    const { trunk_sid: sid } = await exotel.createTrunk('batch');
    const err = await caught(exotel.addDestinationUris(sid, ['sip.example.com:5061;transport=tls', '198.51.100.7:5060;transport=tcp']));
    expect(err.kind).toBe('validation');
    expect(err.details.httpStatus).toBe(207);
    expect(err.details.failedItems).toEqual([
      expect.objectContaining({ item: '198.51.100.7:5060;transport=tcp', exotelCode: 1002 }),
    ]);
    expect(err.details.succeededIds).toHaveLength(1);
    expect(err.message).toContain('1 of 2 items accepted');
  });

  it('classifies validation (1002) as permanent', async () => {
    const err = await caught(exotel.createTrunk('name-with-hyphen'));
    expect(err.kind).toBe('validation');
    expect(err.details).toMatchObject({ httpStatus: 400, exotelCode: 1002 });
    expect(err.retryable).toBe(false);
  });

  it('classifies an unknown trunk or id as not-found', async () => {
    const err = await caught(exotel.listPhoneNumbers('trmum1doesnotexist000000a1n'));
    expect(err.kind).toBe('not-found');
    const { trunk_sid: sid } = await exotel.createTrunk('nf');
    expect((await caught(exotel.deleteCredential(sid, '999999'))).kind).toBe('not-found');
    expect((await caught(exotel.deletePhoneNumber(sid, '999999'))).kind).toBe('not-found');
  });

  it('classifies a wrong token as auth, with a message that names the region as a possible cause', async () => {
    const bad = new ExotelClient(t.account({ apiToken: 'wrong' }));
    const err = await caught(bad.listTrunks());
    expect(err.kind).toBe('auth');
    expect(err.details.httpStatus).toBe(401);
    expect(err.message).toMatch(/region/);
  });

  it('classifies a key sent to the wrong region as auth', async () => {
    const wrongRegion = new ExotelClient(
      t.account({ accountSid: SINGAPORE.sid, apiKey: SINGAPORE.apiKey, apiToken: SINGAPORE.apiToken, subdomain: 'api.in.exotel.com' }),
    );
    const err = await caught(wrongRegion.listTrunks());
    expect(err.kind).toBe('auth');
    expect(err.message).toContain('api.in.exotel.com');
    const rightRegion = new ExotelClient(
      t.account({ accountSid: SINGAPORE.sid, apiKey: SINGAPORE.apiKey, apiToken: SINGAPORE.apiToken, subdomain: 'api.exotel.com' }),
    );
    expect(await rightRegion.listTrunks()).toEqual([]);
  });

  it('classifies 5xx as transient and carries the status', async () => {
    await t.admin.addFault({ method: 'GET', path: '/trunks$', kind: 'status', status: 503 });
    const err = await caught(exotel.listTrunks());
    expect(err.kind).toBe('transient');
    expect(err.details.httpStatus).toBe(503);
    expect(err.retryable).toBe(true);
  });

  it('classifies a dropped connection and a timeout as transient network failures', async () => {
    await t.admin.addFault({ method: 'GET', path: '/trunks$', kind: 'drop' });
    const dropped = await caught(exotel.listTrunks());
    expect(dropped.details).toMatchObject({ kind: 'transient', network: true });

    const impatient = new ExotelClient(t.account({ timeoutMs: 200 }));
    await t.admin.addFault({ method: 'GET', path: '/trunks$', kind: 'latency', latencyMs: 1_000 });
    const slow = await caught(impatient.listTrunks());
    expect(slow.details).toMatchObject({ kind: 'transient', network: true, description: 'timed out' });
  });

  it("carries a 429's Retry-After with the error", async () => {
    await t.admin.addFault({ method: 'POST', path: '/trunks$', kind: 'status', status: 429, retryAfterSeconds: 7 });
    const err = await caught(exotel.createTrunk('limited'));
    expect(err.kind).toBe('rate-limited');
    expect(err.details.retryAfterMs).toBe(7_000);
    expect(err.retryable).toBe(true);
  });

  it('reads the rate limiter’s own 429 shape and its Retry-After', async () => {
    const limited = await startTestSimulator({ rateLimit: { limit: 2, windowMs: 60_000 } });
    try {
      const client = new ExotelClient(limited.account());
      await client.listTrunks();
      await client.listTrunks();
      const err = await caught(client.listTrunks());
      expect(err.kind).toBe('rate-limited');
      expect(err.details.retryAfterMs).toBeGreaterThan(0);
    } finally {
      await limited.close();
    }
  });
});

describe('secrets', () => {
  it('keeps the API token, the SIP password and the Authorization header out of errors and request logs', async () => {
    const secrets = [INDIA.apiToken, 'Sup3rSecretPassw0rd', Buffer.from(`${INDIA.apiKey}:${INDIA.apiToken}`).toString('base64')];
    const { trunk_sid: sid } = await exotel.createTrunk('secrets');
    await exotel.createCredential(sid, { userName: 'u1', password: 'Sup3rSecretPassw0rd' });
    const failures: unknown[] = [
      await caught(exotel.createCredential(sid, { userName: 'u1', password: 'Sup3rSecretPassw0rd' })),
      await caught(new ExotelClient(t.account({ apiToken: 'wrong' })).listTrunks()),
    ];
    await t.admin.addFault({ path: '/trunks$', kind: 'drop' });
    failures.push(await caught(exotel.listTrunks()));
    const everything = [
      ...failures.map((e) => inspect(e, { depth: 10 })),
      ...failures.map((e) => JSON.stringify(e)),
      JSON.stringify(requestLog),
      JSON.stringify(await t.admin.requests()),
    ].join('\n');
    for (const secret of secrets) expect(everything).not.toContain(secret);
  });

  it('refuses a configuration it cannot use, naming the field and masking the token', () => {
    expect(() => new ExotelClient({ ...t.account(), subdomain: 'api.us.exotel.com' as never, apiToken: 'tok' })).toThrow(
      /exotel account\.subdomain = "api\.us\.exotel\.com": must be api\.in\.exotel\.com/,
    );
    expect(() => new ExotelClient({ ...t.account(), apiToken: '' })).toThrow(/exotel account\.apiToken = "\*\*\*": must not be empty/);
  });
});

describe('trunk-maps', () => {
  it('finds the trunks a number is on, sending the number as %2B', async () => {
    const { trunk_sid: sid } = await exotel.createTrunk('maps_a');
    await exotel.mapPhoneNumber(sid, '+919800000101');
    expect(await exotel.trunksOfNumber('+919800000101')).toEqual([sid]);
    expect(await exotel.trunksOfNumber('+919800000102')).toEqual([]);
    const [logged] = (await t.admin.requests()).filter((r) => r.path.endsWith('/trunk-maps'));
    expect(logged?.query).toMatchObject({ exophone: '+919800000101' });
  });

  it('reads the shapes its unpublished answer may take, and answers null where the path does not exist', async () => {
    const { createServer } = await import('node:http');
    const answers: unknown[] = [
      { response: { code: 200, status: 'success', data: { trunk_id: 'trmum1aaa' } } },
      { response: [{ code: 200, status: 'success', data: { trunk: { sid: 'trmum1bbb' } } }, { code: 200, status: 'success', data: { trunk: { trunk_sid: 'trmum1bbb' } } }] },
    ];
    let next = 0;
    const server = createServer((req, res) => {
      const body = answers[next++];
      res.writeHead(body ? 200 : 404, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body ?? { response: { code: 404, status: 'failure', error_data: { code: 1000, description: 'Not Found' } } }));
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const address = server.address();
    const port = typeof address === 'object' && address ? address.port : 0;
    try {
      const odd = new ExotelClient({ ...t.account(), baseUrl: `http://127.0.0.1:${port}` });
      expect(await odd.trunksOfNumber('+919800000101')).toEqual(['trmum1aaa']);
      expect(await odd.trunksOfNumber('+919800000101')).toEqual(['trmum1bbb']);
      expect(await odd.trunksOfNumber('+919800000101')).toBeNull();
    } finally {
      await new Promise((r) => server.close(r));
    }
  });
});
