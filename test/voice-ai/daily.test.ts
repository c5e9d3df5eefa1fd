// DailySipTrunks against the Daily stand-in over real HTTP (no mocks), with real local webhook servers for Daily's
// sip_trunk.test probe: the exact request each method sends, as the stand-in logged it, the views, and how each
// failure is classified.
import { createHmac } from 'node:crypto';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startDailyStandIn, type DailyStoredTrunk } from '../../simulator/voice-ai/daily';
import type { RunningStandIn } from '../../simulator/voice-ai/stand-in';
import { DailySipTrunks, sipHostOf, type DailyClientAccount } from '../../voice-ai/daily';
import { PlatformError } from '../../voice-ai/errors';

const DOMAIN = 'examplecorp';
const IPS = ['203.0.113.50', '198.51.100.0/24'];

interface Hook {
  url: string;
  events: { headers: IncomingHttpHeaders; raw: string }[];
  close(): Promise<void>;
}

/** A webhook that answers `status`, or never answers ('hang'). */
async function startHook(status: number | 'hang'): Promise<Hook> {
  const events: Hook['events'] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      events.push({ headers: req.headers, raw: Buffer.concat(chunks).toString('utf8') });
      if (status !== 'hang') res.writeHead(status).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/daily`,
    events,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

let standIn: RunningStandIn<DailyStoredTrunk>;
let hook: Hook;
let failingHook: Hook;
let silentHook: Hook;
let account: DailyClientAccount;
let daily: DailySipTrunks;

/** The PlatformError a call rejects with (fails the test if it resolves). */
const failure = (call: Promise<unknown>): Promise<PlatformError> =>
  call.then(() => expect.unreachable('the call should fail'), (e: unknown) => (expect(e).toBeInstanceOf(PlatformError), e as PlatformError));

/** Method, path, query and (masked) body of each request the stand-in saw, oldest first. */
const logged = async () => (await standIn.admin.requests()).map(({ method, path, query, body }) => ({ method, path, query, body }));

const creating = (overrides: Partial<Parameters<DailySipTrunks['createTrunk']>[0]> = {}) => ({ trunkName: 'exotelacme', webhookUrl: hook.url, allowedIps: IPS, ...overrides });

beforeAll(async () => {
  standIn = await startDailyStandIn({ domain: DOMAIN, webhookTimeoutMs: 300 });
  [hook, failingHook, silentHook] = await Promise.all([startHook(200), startHook(500), startHook('hang')]);
  account = { name: 'daily-main', provider: 'pipecat-daily', apiKey: standIn.apiKey, baseUrl: standIn.url };
  daily = new DailySipTrunks(account);
});
afterAll(async () => {
  await Promise.all([hook.close(), failingHook.close(), silentHook.close()]);
  await standIn.close();
});
beforeEach(async () => {
  await standIn.admin.reset();
  for (const h of [hook, failingHook, silentHook]) h.events.length = 0;
});

describe('DailySipTrunks', () => {
  it('creates a trunk admitting Exotel\'s IPs, after Daily\'s signed test event, and never shows its hmac', async () => {
    const view = await daily.createTrunk(creating({ description: 'Exotel acme_in', roomTemplate: { properties: { enable_dialout: false } } }));
    expect(view).toEqual({
      id: expect.any(String) as unknown,
      trunkName: 'exotelacme',
      sipUri: 'sip:examplecorp-exotelacme.siptrunk.sip-us.daily.co',
      sipHost: 'examplecorp-exotelacme.siptrunk.sip-us.daily.co',
      enabled: true,
      allowedIps: IPS,
      isOpen: false,
      hasCredential: false,
      webhookUrl: hook.url,
    });
    expect(Object.keys(view)).not.toContain('hmac');
    expect(await logged()).toEqual([
      {
        method: 'POST',
        path: '/sip-trunk',
        query: {},
        body: {
          trunk_name: 'exotelacme',
          room_template: { properties: { enable_dialout: false } },
          notification: { webhook_url: hook.url },
          trunk_config: { allowed_ips: IPS },
          description: 'Exotel acme_in',
        },
      },
    ]);
    // Daily's probe reached the webhook, signed, naming the trunk.
    expect(hook.events).toHaveLength(1);
    const [event] = hook.events;
    expect(event?.headers['x-siptrunk-signature']).toMatch(/^[A-Za-z0-9+/]+=*$/);
    expect(JSON.parse(event?.raw ?? '{}')).toMatchObject({ type: 'sip_trunk.test', trunk: { id: view.id, trunk_name: 'exotelacme' } });
  });

  it('sends an open trunk with an empty room template when that is all it is given', async () => {
    const view = await daily.createTrunk({ trunkName: 'exotelopen', webhookUrl: hook.url, isOpen: true });
    expect(view).toMatchObject({ isOpen: true, allowedIps: [], enabled: true });
    expect((await logged())[0]?.body).toEqual({ trunk_name: 'exotelopen', room_template: {}, notification: { webhook_url: hook.url }, trunk_config: { is_open: true } });
  });

  it('classifies a create refused because the webhook failed Daily\'s test (500, no answer) as validation', async () => {
    for (const bad of [failingHook, silentHook]) {
      const refused = await failure(daily.createTrunk(creating({ webhookUrl: bad.url })));
      expect(refused.details).toMatchObject({ provider: 'pipecat-daily', kind: 'validation', operation: 'POST /sip-trunk', httpStatus: 400, code: 'invalid-request-error' });
      expect(refused.details.description).toMatch(/failed the sip_trunk\.test probe/);
      expect(refused.retryable).toBe(false);
      expect(bad.events).toHaveLength(1);
    }
    expect((await standIn.admin.state()).numbers).toEqual([]);
  });

  it('classifies a trunk name taken as duplicate, and a name Daily refuses as validation', async () => {
    await daily.createTrunk(creating());
    const duplicate = await failure(daily.createTrunk(creating()));
    expect(duplicate.details).toEqual({
      provider: 'pipecat-daily',
      kind: 'duplicate',
      operation: 'POST /sip-trunk',
      httpStatus: 400,
      code: 'invalid-request-error',
      description: 'a SIP trunk named "exotelacme" already exists',
    });
    const badName = await failure(daily.createTrunk(creating({ trunkName: 'exotel-acme' })));
    expect(badName.details).toMatchObject({ kind: 'validation', httpStatus: 400 });
    const ungated = await failure(daily.createTrunk(creating({ trunkName: 'exotelother', allowedIps: undefined })));
    expect(ungated.details.description).toMatch(/must be gated/);
  });

  it('finds a trunk by its exact name (Daily filters by substring), paging past a full page', async () => {
    // 100 trunks whose names contain "exotelacme", then the one asked for on the second page.
    const ips = ['203.0.113.50'];
    for (let i = 0; i < 100; i++) await daily.createTrunk({ trunkName: `exotelacme${String(i).padStart(3, '0')}`, webhookUrl: hook.url, allowedIps: ips });
    const made = await daily.createTrunk(creating());
    await standIn.admin.clearRequests();

    expect(await daily.findTrunk('exotelacme')).toEqual(made);
    const pages = await logged();
    expect(pages).toHaveLength(2);
    expect(pages[0]).toEqual({ method: 'GET', path: '/sip-trunk', query: { trunk_name: 'exotelacme', limit: '100' }, body: null });
    expect(pages[1]?.query).toEqual({ trunk_name: 'exotelacme', limit: '100', starting_after: expect.any(String) as unknown });

    await standIn.admin.clearRequests();
    expect(await daily.findTrunk('exotelnobody')).toBeNull();
    expect(await logged()).toEqual([{ method: 'GET', path: '/sip-trunk', query: { trunk_name: 'exotelnobody', limit: '100' }, body: null }]);
  });

  it('reads a trunk back, and null for one Daily does not have', async () => {
    const made = await daily.createTrunk(creating());
    await standIn.admin.clearRequests();
    expect(await daily.getTrunk(made.id)).toEqual(made);
    expect(await daily.getTrunk('no-such-trunk')).toBeNull();
    expect((await logged()).map((r) => `${r.method} ${r.path}`)).toEqual([`GET /sip-trunk/${made.id}`, 'GET /sip-trunk/no-such-trunk']);
  });

  it('updates only what it is given; a new webhook URL is tested again', async () => {
    const made = await daily.createTrunk(creating());
    await standIn.admin.clearRequests();
    hook.events.length = 0;

    const disabled = await daily.updateTrunk(made.id, { enabled: false, allowedIps: ['203.0.113.51'] });
    expect(disabled).toEqual({ ...made, enabled: false, allowedIps: ['203.0.113.51'] });
    const opened = await daily.updateTrunk(made.id, { allowedIps: [], isOpen: true });
    expect(opened).toMatchObject({ allowedIps: [], isOpen: true });
    const moved = await daily.updateTrunk(made.id, { webhookUrl: `${hook.url}/v2` });
    expect(moved.webhookUrl).toBe(`${hook.url}/v2`);
    expect(hook.events).toHaveLength(1);
    expect(await logged()).toEqual([
      { method: 'PUT', path: `/sip-trunk/${made.id}`, query: {}, body: { trunk_config: { allowed_ips: ['203.0.113.51'] }, enabled: false } },
      { method: 'PUT', path: `/sip-trunk/${made.id}`, query: {}, body: { trunk_config: { allowed_ips: [], is_open: true } } },
      { method: 'PUT', path: `/sip-trunk/${made.id}`, query: {}, body: { notification: { webhook_url: `${hook.url}/v2` } } },
    ]);

    const refused = await failure(daily.updateTrunk(made.id, { webhookUrl: failingHook.url }));
    expect(refused.details).toMatchObject({ kind: 'validation', operation: 'PUT /sip-trunk/{id}' });
    expect((await daily.getTrunk(made.id))?.webhookUrl).toBe(`${hook.url}/v2`);

    const missing = await failure(daily.updateTrunk('no-such-trunk', { enabled: true }));
    expect(missing.details).toMatchObject({ kind: 'not-found', httpStatus: 404, code: 'not-found' });
  });

  it('deletes a trunk, and answers false when it is already gone', async () => {
    const made = await daily.createTrunk(creating());
    await standIn.admin.clearRequests();
    expect(await daily.deleteTrunk(made.id)).toBe(true);
    expect(await daily.deleteTrunk(made.id)).toBe(false);
    expect((await logged()).map((r) => `${r.method} ${r.path}`)).toEqual([`DELETE /sip-trunk/${made.id}`, `DELETE /sip-trunk/${made.id}`]);
    expect((await standIn.admin.state()).numbers).toEqual([]);
  });

  it('classifies a bad API key as auth, without showing the key', async () => {
    const stranger = new DailySipTrunks({ ...account, apiKey: 'f'.repeat(64) });
    const refused = await failure(stranger.getTrunk('anything'));
    expect(refused.details).toMatchObject({ provider: 'pipecat-daily', kind: 'auth', httpStatus: 401, code: 'authentication-error' });
    expect(refused.message).not.toContain('f'.repeat(64));
  });

  it('makes exactly one request on a 503 and calls it transient; a 429 is rate-limited', async () => {
    await standIn.admin.addFault({ kind: 'status', status: 503, path: '^/sip-trunk/', count: 0 });
    const failed = await failure(daily.getTrunk('anything'));
    expect(failed.details).toMatchObject({ kind: 'transient', httpStatus: 503, code: 'server-error' });
    expect(failed.retryable).toBe(true);
    expect((await standIn.admin.requests()).map((r) => [r.method, r.path, r.status])).toEqual([['GET', '/sip-trunk/anything', 503]]);

    await standIn.admin.clearFaults();
    await standIn.admin.clearRequests();
    await standIn.admin.addFault({ kind: 'status', status: 429, method: 'POST', path: '^/sip-trunk$', count: 0 });
    const limited = await failure(daily.createTrunk(creating()));
    expect(limited.details).toMatchObject({ kind: 'rate-limited', httpStatus: 429, code: 'rate-limit-error' });
    expect(limited.retryable).toBe(true);
    expect(await standIn.admin.requests()).toHaveLength(1);
  });

  it('calls a dropped connection transient, with no status', async () => {
    await standIn.admin.addFault({ kind: 'drop', method: 'GET', path: '^/sip-trunk$' });
    const dropped = await failure(daily.findTrunk('exotelacme'));
    expect(dropped.details.kind).toBe('transient');
    expect(dropped.details.httpStatus).toBeUndefined();
    expect(await standIn.admin.requests()).toHaveLength(1);
  });

  it('after a commit-then-fail create, findTrunk adopts the trunk and a second create is a duplicate', async () => {
    await standIn.admin.addFault({ kind: 'commit-then-fail', method: 'POST', path: '^/sip-trunk$' });
    const lost = await failure(daily.createTrunk(creating()));
    expect(lost.details).toMatchObject({ kind: 'transient', httpStatus: 500 });
    expect(await daily.findTrunk('exotelacme')).toMatchObject({ trunkName: 'exotelacme', allowedIps: IPS, webhookUrl: hook.url });
    expect((await failure(daily.createTrunk(creating()))).details.kind).toBe('duplicate');
  });

  it('keeps the key and the hmac out of errors, views and the log', async () => {
    const made = await daily.createTrunk(creating());
    // The hmac is only in Daily's own answer: read it there to look for it everywhere else.
    const raw = await fetch(`${standIn.url}/sip-trunk/${made.id}`, { method: 'PUT', headers: { authorization: `Bearer ${standIn.apiKey}`, 'content-type': 'application/json' }, body: '{"notification":{"hmac":null}}' });
    const { hmac } = (await raw.json()) as { hmac: string };
    expect(hmac).toMatch(/^[A-Za-z0-9+/]+=*$/);
    const [event] = hook.events.slice(-1);
    const timestamp = event?.headers['x-siptrunk-timestamp'] as string;
    const expected = createHmac('sha256', Buffer.from(hmac, 'base64')).update(`${timestamp}.${event?.raw ?? ''}`).digest('base64');
    expect(event?.headers['x-siptrunk-signature']).toBe(expected);

    const errors = [await failure(daily.createTrunk(creating())), await failure(daily.updateTrunk(made.id, { webhookUrl: failingHook.url }))];
    const everything = JSON.stringify([await daily.getTrunk(made.id), await daily.findTrunk('exotelacme'), errors.map((e) => [e.message, e.details]), await logged(), await standIn.admin.state()]);
    expect(everything).not.toContain(hmac);
    expect(everything).not.toContain(standIn.apiKey);
  });

  it('refuses an account of another platform', () => {
    expect(() => new DailySipTrunks({ ...account, provider: 'retell' } as unknown as DailyClientAccount)).toThrow(/needs a pipecat-daily account/);
  });
});

describe('sipHostOf', () => {
  it('takes the host out of a SIP URI', () => {
    expect(sipHostOf('sip:examplecorp-exotelacme.siptrunk.sip-us.daily.co')).toBe('examplecorp-exotelacme.siptrunk.sip-us.daily.co');
    expect(sipHostOf('sip:+918047112233@Examplecorp-X.siptrunk.sip-us.daily.co:5060;transport=tcp')).toBe('examplecorp-x.siptrunk.sip-us.daily.co');
  });
});


