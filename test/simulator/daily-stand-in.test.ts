// The Daily SIP trunk stand-in over real HTTP, as Daily's REST API is called without an SDK (fetch, as curl would),
// with real local webhook servers for its sip_trunk.test probe: no HTTP mock.

import { createHmac } from 'node:crypto';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startDailyStandIn, type DailyStoredTrunk } from '../../simulator/voice-ai/daily';
import type { RunningStandIn } from '../../simulator/voice-ai/stand-in';

const DOMAIN = 'examplecorp';
const PASSWORD = 'Trunk-Pass-9f3b2c';
const OWN_HMAC = Buffer.from('a secret of our own, 32 bytes!!').toString('base64');

interface Hook {
  url: string;
  events: { headers: IncomingHttpHeaders; raw: string }[];
  close(): Promise<void>;
}

/** A webhook that answers `status`, or never answers ('hang'). */
async function startHook(status: number | 'hang' = 200): Promise<Hook> {
  const events: Hook['events'] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      events.push({ headers: req.headers, raw: Buffer.concat(chunks).toString('utf8') });
      if (status !== 'hang') res.writeHead(status, { 'content-type': 'application/json' }).end('{}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/daily/sip`,
    events,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/** Daily's signature check [C]: HMAC-SHA256 keyed with the base64-decoded hmac over `${timestamp}.${rawBody}`, base64 [I]. */
const signatureOf = (hmac: string, timestamp: string, raw: string): string =>
  createHmac('sha256', Buffer.from(hmac, 'base64')).update(`${timestamp}.${raw}`).digest('base64');

let standIn: RunningStandIn<DailyStoredTrunk>;
let hook: Hook;

type Answer = { status: number; body: Record<string, unknown>; headers: Headers };

async function call(method: string, path: string, body?: unknown, authorization: string | null = `Bearer ${standIn.apiKey}`): Promise<Answer> {
  const res = await fetch(`${standIn.url}${path}`, {
    method,
    headers: { 'content-type': 'application/json', ...(authorization !== null ? { authorization } : {}) },
    ...(body !== undefined ? { body: typeof body === 'string' ? body : JSON.stringify(body) } : {}),
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown>, headers: res.headers };
}

const createBody = (overrides: Record<string, unknown> = {}) => ({
  trunk_name: 'exotelacme',
  room_template: { properties: { enable_dialout: false } },
  notification: { webhook_url: hook.url },
  trunk_config: { allowed_ips: ['203.0.113.50', '198.51.100.0/24'] },
  description: 'Exotel acme_in',
  ...overrides,
});

const trunks = async () => (await standIn.admin.state()).numbers;

beforeAll(async () => {
  standIn = await startDailyStandIn({ domain: DOMAIN, webhookTimeoutMs: 300 });
  hook = await startHook(200);
});
afterAll(async () => {
  await hook.close();
  await standIn.close();
});
beforeEach(async () => {
  await standIn.admin.reset();
  hook.events.length = 0;
});

describe('Daily SIP trunk stand-in', () => {
  it('creates a trunk after a signed sip_trunk.test, then reads, lists, updates and deletes it', async () => {
    const made = await call('POST', '/sip-trunk', createBody());
    expect(made.status).toBe(200);
    const { hmac, ...trunk } = made.body;
    expect(typeof hmac).toBe('string');
    expect(Buffer.from(hmac as string, 'base64').length).toBe(32);
    expect(trunk).toEqual({
      id: expect.stringMatching(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-a[0-9a-f]{3}-[0-9a-f]{12}$/) as unknown,
      trunk_name: 'exotelacme',
      description: 'Exotel acme_in',
      sip_uri: 'sip:examplecorp-exotelacme.siptrunk.sip-us.daily.co',
      enabled: true,
      config: {
        room_template: { properties: { enable_dialout: false } },
        notification: { webhook_url: hook.url },
        trunk_config: { allowed_ips: ['203.0.113.50', '198.51.100.0/24'], is_open: false, exp_offset: null, credential: null },
      },
    });

    // One probe, signed with the hmac the create answered.
    expect(hook.events).toHaveLength(1);
    const [probe] = hook.events;
    const timestamp = probe?.headers['x-siptrunk-timestamp'] as string;
    expect(Number(timestamp)).toBeGreaterThan(1_600_000_000_000); // epoch milliseconds [C]
    expect(probe?.headers['x-siptrunk-signature']).toBe(signatureOf(hmac as string, timestamp, probe?.raw ?? ''));
    expect(JSON.parse(probe?.raw ?? '{}')).toMatchObject({ type: 'sip_trunk.test', trunk: { id: trunk.id, trunk_name: 'exotelacme', description: 'Exotel acme_in' } });

    const id = trunk.id as string;
    expect((await call('GET', `/sip-trunk/${id}`)).body).toEqual(trunk);
    expect((await call('GET', '/sip-trunk')).body).toEqual({ total_count: 1, data: [trunk] });

    hook.events.length = 0;
    const updated = await call('PUT', `/sip-trunk/${id}`, { enabled: false, trunk_config: { allowed_ips: ['203.0.113.51'] } });
    expect(updated.status).toBe(200);
    expect(updated.body).not.toHaveProperty('hmac');
    expect(updated.body).toMatchObject({ enabled: false, config: { trunk_config: { allowed_ips: ['203.0.113.51'], is_open: false } } });
    expect(hook.events).toHaveLength(0); // no notification touched: no probe

    const opened = await call('PUT', `/sip-trunk/${id}`, { trunk_config: { allowed_ips: [], is_open: true } });
    expect(opened.body).toMatchObject({ config: { trunk_config: { allowed_ips: [], is_open: true } } });

    expect(await call('DELETE', `/sip-trunk/${id}`)).toMatchObject({ status: 200, body: { deleted: true, id } });
    expect(await call('GET', `/sip-trunk/${id}`)).toMatchObject({ status: 404, body: { error: 'not-found' } });
    expect(await call('DELETE', `/sip-trunk/${id}`)).toMatchObject({ status: 404, body: { error: 'not-found' } });
    expect(await trunks()).toEqual([]);
  });

  it('re-probes an update touching notification: hmac null rotates, a value sets it, absence keeps it', async () => {
    const made = await call('POST', '/sip-trunk', createBody());
    const id = made.body.id as string;
    const first = made.body.hmac as string;
    const lastProbe = () => {
      const event = hook.events[hook.events.length - 1];
      return { raw: event?.raw ?? '', timestamp: event?.headers['x-siptrunk-timestamp'] as string, signature: event?.headers['x-siptrunk-signature'] };
    };

    const rotated = await call('PUT', `/sip-trunk/${id}`, { notification: { hmac: null } });
    const second = rotated.body.hmac as string;
    expect(second).not.toBe(first);
    let p = lastProbe();
    expect(p.signature).toBe(signatureOf(second, p.timestamp, p.raw));

    const kept = await call('PUT', `/sip-trunk/${id}`, { notification: { webhook_url: `${hook.url}?v=2` } });
    expect(kept.body).toMatchObject({ hmac: second, config: { notification: { webhook_url: `${hook.url}?v=2` } } });
    p = lastProbe();
    expect(p.signature).toBe(signatureOf(second, p.timestamp, p.raw));

    const set = await call('PUT', `/sip-trunk/${id}`, { notification: { hmac: OWN_HMAC } });
    expect(set.body.hmac).toBe(OWN_HMAC);
    p = lastProbe();
    expect(p.signature).toBe(signatureOf(OWN_HMAC, p.timestamp, p.raw));
    expect(hook.events).toHaveLength(4);

    expect(await call('PUT', `/sip-trunk/${id}`, { notification: { hmac: 'not base64!' } })).toMatchObject({
      status: 400,
      body: { error: 'invalid-request-error', info: 'notification.hmac must be base64' },
    });
  });

  it('refuses the create (400) when the webhook answers 500, never answers or cannot be reached, and stores nothing', async () => {
    const failing = await startHook(500);
    const silent = await startHook('hang');
    try {
      const refused = await call('POST', '/sip-trunk', createBody({ notification: { webhook_url: failing.url } }));
      expect(refused.status).toBe(400);
      expect(refused.body).toEqual({
        error: 'invalid-request-error',
        info: 'notification.webhook_url failed the sip_trunk.test probe (it answered HTTP 500): it must answer 2xx',
      });
      expect(failing.events).toHaveLength(1);

      const timedOut = await call('POST', '/sip-trunk', createBody({ notification: { webhook_url: silent.url } }));
      expect(timedOut).toMatchObject({ status: 400, body: { info: expect.stringContaining('no answer within 300 ms') as unknown } });
      expect(silent.events).toHaveLength(1);

      const unreachable = await call('POST', '/sip-trunk', createBody({ notification: { webhook_url: 'http://127.0.0.1:9/hook' } }));
      expect(unreachable).toMatchObject({ status: 400, body: { info: expect.stringContaining('could not be reached') as unknown } });

      // A trunk the probe failed for can be created once the webhook answers.
      expect((await call('POST', '/sip-trunk', createBody())).status).toBe(200);
      expect((await trunks()).map((t) => t.trunk_name)).toEqual(['exotelacme']);
    } finally {
      await failing.close();
      await silent.close();
    }
  });

  it('refuses trunk names Daily refuses, a duplicate, and a label over 63 characters', async () => {
    for (const name of ['exotel-acme', 'ExotelAcme', 'ex', 'exotel_acme', 'a'.repeat(64)]) {
      const refused = await call('POST', '/sip-trunk', createBody({ trunk_name: name }));
      expect(refused.status, name).toBe(400);
      expect(refused.body.info, name).toMatch(/lower-case letters and digits \(no hyphens\)/);
    }
    // examplecorp- is 12 characters: 51 more make 63.
    expect((await call('POST', '/sip-trunk', createBody({ trunk_name: 'a'.repeat(51) }))).status).toBe(200);
    const long = await call('POST', '/sip-trunk', createBody({ trunk_name: 'b'.repeat(52) }));
    expect(long).toMatchObject({ status: 400, body: { info: expect.stringContaining('must be at most 63 characters') as unknown } });

    await call('POST', '/sip-trunk', createBody());
    hook.events.length = 0;
    const duplicate = await call('POST', '/sip-trunk', createBody({ description: 'again' }));
    expect(duplicate).toEqual({ status: 400, headers: duplicate.headers, body: { error: 'invalid-request-error', info: 'a SIP trunk named "exotelacme" already exists' } });
    expect(hook.events).toHaveLength(0); // refused before the probe
  });

  it('holds admission to gated XOR open, and checks IPs, credentials, exp_offset, room_template and the webhook URL', async () => {
    const refusedWith = async (overrides: Record<string, unknown>) => {
      const answer = await call('POST', '/sip-trunk', createBody(overrides));
      expect(answer.status).toBe(400);
      return answer.body.info as string;
    };
    expect(await refusedWith({ trunk_config: undefined })).toMatch(/must be gated by allowed_ips and\/or credential, or set is_open: true/);
    expect(await refusedWith({ trunk_config: { allowed_ips: [] } })).toMatch(/must be gated/);
    expect(await refusedWith({ trunk_config: { allowed_ips: ['203.0.113.50'], is_open: true } })).toMatch(/either gated .* or is_open, not both/);
    expect(await refusedWith({ trunk_config: { allowed_ips: ['203.0.113.256'] } })).toMatch(/is not an IPv4 address/);
    expect(await refusedWith({ trunk_config: { allowed_ips: ['198.51.100.7/24'] } })).toMatch(/is not canonical/);
    expect(await refusedWith({ trunk_config: { allowed_ips: Array.from({ length: 26 }, (_, i) => `203.0.113.${i}`) } })).toMatch(/at most 25/);
    expect(await refusedWith({ trunk_config: { credential: { username: 'exotel', password: 'short1' } } })).toMatch(/12-64 characters/);
    expect(await refusedWith({ trunk_config: { credential: { username: 'exotel', password: 'nodigitsatallhere' } } })).toMatch(/one letter and one digit/);
    expect(await refusedWith({ trunk_config: { is_open: true, exp_offset: 30 } })).toMatch(/exp_offset must be 60-86400/);
    expect(await refusedWith({ room_template: { properties: { exp: 1900000000 } } })).toMatch(/absolute exp/);
    expect(await refusedWith({ notification: { webhook_url: 'http://hooks.example.com/daily' } })).toBe('notification.webhook_url must be an HTTPS URL');
    expect(await refusedWith({ description: 'x'.repeat(2049) })).toMatch(/at most 2048/);
    expect(hook.events).toHaveLength(0);

    const withCredential = await call('POST', '/sip-trunk', createBody({ trunk_config: { credential: { username: 'exotel', password: PASSWORD }, exp_offset: 600 } }));
    expect(withCredential.status).toBe(200);
    expect(withCredential.body).toMatchObject({ config: { trunk_config: { credential: { username: 'exotel' }, allowed_ips: [], exp_offset: 600 } } });
    expect(JSON.stringify(withCredential.body)).not.toContain(PASSWORD);
    const open = await call('POST', '/sip-trunk', createBody({ trunk_name: 'exotelopen', trunk_config: { is_open: true } }));
    expect(open.status).toBe(200);

    // An update must leave admission valid; credential: null clears the credential.
    const id = withCredential.body.id as string;
    expect((await call('PUT', `/sip-trunk/${id}`, { trunk_config: { credential: null } })).body.info).toMatch(/must be gated/);
    const swapped = await call('PUT', `/sip-trunk/${id}`, { trunk_config: { credential: null, allowed_ips: ['203.0.113.50'] } });
    expect(swapped.body).toMatchObject({ config: { trunk_config: { credential: null, allowed_ips: ['203.0.113.50'] } } });
    expect((await trunks()).find((t) => t.id === id)).toMatchObject({ credential_password_set: false });
  });

  it('refuses a body missing a required field, with an unknown field or a wrong type, trunk_name in an update, and bad JSON', async () => {
    const { room_template: _dropped, ...withoutTemplate } = createBody();
    expect((await call('POST', '/sip-trunk', withoutTemplate)).body).toEqual({ error: 'invalid-request-error', info: 'room_template is required' });
    expect((await call('POST', '/sip-trunk', createBody({ notification: {} }))).body.info).toBe('notification.webhook_url is required');
    expect((await call('POST', '/sip-trunk', createBody({ sip_uri: 'sip:x' }))).body.info).toBe('sip_uri is not a known parameter');
    expect((await call('POST', '/sip-trunk', createBody({ trunk_config: { is_open: 'yes' } }))).body.info).toBe('trunk_config.is_open must be a boolean');
    expect((await call('POST', '/sip-trunk', createBody({ room_template: [] }))).body.info).toBe('room_template must be an object');
    expect((await call('POST', '/sip-trunk', '{"trunk_name": ')).body).toMatchObject({ error: 'json-parsing-error' });

    const id = (await call('POST', '/sip-trunk', createBody())).body.id as string;
    expect((await call('PUT', `/sip-trunk/${id}`, { trunk_name: 'other' })).body).toEqual({ error: 'invalid-request-error', info: 'trunk_name is immutable: delete the trunk and create another' });
    expect((await call('PUT', `/sip-trunk/${id}`, { enabled: 'no' })).body.info).toBe('enabled must be a boolean');
    expect((await call('PUT', '/sip-trunk/no-such-trunk', { enabled: false })).status).toBe(404);
  });

  it('refuses a missing or malformed Authorization header (400) and a wrong key (401); an unknown route is 404', async () => {
    expect(await call('GET', '/sip-trunk', undefined, null)).toMatchObject({ status: 400, body: { error: 'authorization-header-error' } });
    expect(await call('GET', '/sip-trunk', undefined, standIn.apiKey)).toMatchObject({ status: 400, body: { error: 'authorization-header-error', info: 'bad Authorization header format' } });
    expect(await call('GET', '/sip-trunk', undefined, 'Bearer 0123')).toMatchObject({ status: 401, body: { error: 'authentication-error' } });
    hook.events.length = 0;
    expect((await call('POST', '/sip-trunk', createBody(), 'Bearer 0123')).status).toBe(401);
    expect(hook.events).toHaveLength(0); // no probe for a stranger
    expect(await call('GET', '/rooms')).toMatchObject({ status: 404, body: { error: 'not-found' } });
  });

  it('lists with limit, starting_after / ending_before, substring filters and total_count', async () => {
    const ids: string[] = [];
    for (const name of ['exotelacme', 'exotelacmein', 'exotelbeta', 'othertrunk']) {
      ids.push((await call('POST', '/sip-trunk', createBody({ trunk_name: name, description: `for ${name}` }))).body.id as string);
    }
    await call('PUT', `/sip-trunk/${ids[2] ?? ''}`, { enabled: false });
    const names = (answer: Answer) => (answer.body.data as { trunk_name: string }[]).map((t) => t.trunk_name);

    const first = await call('GET', '/sip-trunk?limit=2');
    expect(first.body.total_count).toBe(4);
    expect(names(first)).toEqual(['exotelacme', 'exotelacmein']);
    expect(names(await call('GET', `/sip-trunk?limit=2&starting_after=${ids[1] ?? ''}`))).toEqual(['exotelbeta', 'othertrunk']);
    expect(names(await call('GET', `/sip-trunk?limit=1&ending_before=${ids[2] ?? ''}`))).toEqual(['exotelacmein']);
    const acme = await call('GET', '/sip-trunk?trunk_name=acme');
    expect([acme.body.total_count, names(acme)]).toEqual([2, ['exotelacme', 'exotelacmein']]);
    expect(names(await call('GET', '/sip-trunk?enabled=false'))).toEqual(['exotelbeta']);
    expect(names(await call('GET', '/sip-trunk?description=other'))).toEqual(['othertrunk']);
    expect((await call('GET', '/sip-trunk?limit=101')).status).toBe(400);
    expect((await call('GET', '/sip-trunk?starting_after=nobody')).status).toBe(400);
  });

  it('answers faults through the shared base: 500 unapplied, commit-then-fail applied, 429 with Retry-After, a drop', async () => {
    await standIn.admin.addFault({ kind: 'status', status: 500, method: 'POST', path: '^/sip-trunk$' });
    expect(await call('POST', '/sip-trunk', createBody())).toMatchObject({ status: 500, body: { error: 'server-error' } });
    expect(await trunks()).toEqual([]);

    await standIn.admin.addFault({ kind: 'commit-then-fail', method: 'POST', path: '^/sip-trunk$' });
    expect((await call('POST', '/sip-trunk', createBody())).status).toBe(500);
    expect((await trunks()).map((t) => t.trunk_name)).toEqual(['exotelacme']);

    await standIn.admin.addFault({ kind: 'status', status: 429, retryAfterSeconds: 3, path: '^/sip-trunk', count: 1 });
    const limited = await call('GET', '/sip-trunk');
    expect(limited).toMatchObject({ status: 429, body: { error: 'rate-limit-error' } });
    expect(limited.headers.get('retry-after')).toBe('3');

    await standIn.admin.addFault({ kind: 'drop', method: 'GET', path: '^/sip-trunk$' });
    await expect(call('GET', '/sip-trunk')).rejects.toThrow();
    expect((await call('GET', '/sip-trunk')).status).toBe(200);
    expect((await standIn.admin.requests()).map((r) => [r.method, r.path, r.status, r.fault ?? null])).toEqual([
      ['POST', '/sip-trunk', 500, 'status'],
      ['POST', '/sip-trunk', 500, 'commit-then-fail'],
      ['GET', '/sip-trunk', 429, 'status'],
      ['GET', '/sip-trunk', null, 'drop'],
      ['GET', '/sip-trunk', 200, null],
    ]);
  });

  it('applies nothing when the caller gives up behind injected latency', async () => {
    await standIn.admin.addFault({ kind: 'latency', latencyMs: 400, method: 'POST', path: '^/sip-trunk$' });
    const request = fetch(`${standIn.url}/sip-trunk`, {
      method: 'POST',
      headers: { authorization: `Bearer ${standIn.apiKey}`, 'content-type': 'application/json' },
      body: JSON.stringify(createBody()),
      signal: AbortSignal.timeout(100),
    });
    await expect(request).rejects.toThrow();
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(await trunks()).toEqual([]);
    expect((await standIn.admin.requests()).map((r) => [r.status, r.fault])).toEqual([[null, 'latency']]);
    // The probe ran before the base saw the request (the front's one difference from Daily).
    expect(hook.events).toHaveLength(1);
  });

  it('keeps passwords, hmacs and the key out of the request log and the state', async () => {
    const made = await call('POST', '/sip-trunk', createBody({ notification: { webhook_url: hook.url, hmac: OWN_HMAC }, trunk_config: { credential: { username: 'exotel', password: PASSWORD } } }));
    expect(made.body.hmac).toBe(OWN_HMAC);
    const id = made.body.id as string;
    const rotated = (await call('PUT', `/sip-trunk/${id}`, { notification: { hmac: null } })).body.hmac as string;
    await call('POST', '/sip-trunk', `{"trunk_name": "x", "notification": {"hmac": "${OWN_HMAC}"`);

    const log = await standIn.admin.requests();
    expect(log.map((r) => `${r.method} ${r.path} ${r.status}`)).toEqual([`POST /sip-trunk 200`, `PUT /sip-trunk/${id} 200`, 'POST /sip-trunk 400']);
    expect(log[0]?.body).toMatchObject({ notification: { webhook_url: hook.url, hmac: '***' }, trunk_config: { credential: { username: 'exotel', password: '***' } } });
    expect(log[1]?.body).toEqual({ notification: { hmac: null } });
    const state = await standIn.admin.state();
    expect(state.numbers[0]).toMatchObject({ id, credential_password_set: true, config: { trunk_config: { credential: { username: 'exotel' } } } });
    const everything = JSON.stringify([log, state, await call('GET', `/sip-trunk/${id}`), await call('GET', '/sip-trunk')]);
    for (const secret of [PASSWORD, OWN_HMAC, rotated, standIn.apiKey]) expect(everything).not.toContain(secret);
  });

  it('answers /_admin on its own URL too, with the admin Host check', async () => {
    await call('POST', '/sip-trunk', createBody());
    const state = (await (await fetch(`${standIn.url}/_admin/state`)).json()) as { numbers: { trunk_name: string }[] };
    expect(state.numbers.map((t) => t.trunk_name)).toEqual(['exotelacme']);
    const foreign = await fetch(`${standIn.url}/_admin/state`, { headers: { origin: 'http://evil.example' } });
    expect(foreign.status).toBe(403);
  });
});
