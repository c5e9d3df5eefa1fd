import { randomBytes } from 'node:crypto';
import { defaultPayloadConverter } from '@temporalio/common';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EncryptionCodec } from '../../codec/encryption-codec';
import { payloadToJson, type JsonPayload } from '../../codec/payload-json';
import { startCodecServer, type RunningCodecServer } from '../../codec/server';
import { call, freshKeys, keyringOf, type Reply } from './support';

const TOKEN = randomBytes(32).toString('base64url');
const WRONG = randomBytes(32).toString('base64url');
const UI = 'http://localhost:8233';
const SECRET = 'digest-password-9fK2mQ';
const keyring = keyringOf(freshKeys('k1'));
const codec = new EncryptionCodec(keyring);
const b64 = (text: string): string => Buffer.from(text).toString('base64');

let server: RunningCodecServer;
const logged: string[] = [];
beforeAll(async () => {
  server = await startCodecServer({ port: 0, keyring, authToken: TOKEN, allowedOrigin: UI, maxBodyBytes: 64 * 1024, log: (m) => logged.push(m) });
});
afterAll(() => server.close());

async function encryptedJson(value: unknown): Promise<JsonPayload> {
  const [encrypted] = await codec.encode([defaultPayloadConverter.toPayload(value)]);
  return payloadToJson(encrypted!);
}

const post = (path: string, body: unknown, headers: Record<string, string> = {}): Promise<Reply> =>
  call(`${server.url}${path}`, 'POST', { 'Content-Type': 'application/json', 'X-Namespace': 'default', ...headers }, typeof body === 'string' ? body : JSON.stringify(body));
const bearer = (token: string): Record<string, string> => ({ Authorization: `Bearer ${token}` });
const payloadsOf = (reply: Reply): JsonPayload[] => (JSON.parse(reply.text) as { payloads: JsonPayload[] }).payloads;

describe('the codec server, as the Temporal CLI calls it (Authorization: Bearer)', () => {
  it('decodes with the right token', async () => {
    const reply = await post('/decode', { payloads: [await encryptedJson({ password: SECRET })] }, bearer(TOKEN));
    expect(reply.status).toBe(200);
    expect(reply.headers['content-type']).toBe('application/json');
    expect(reply.headers['cache-control']).toBe('no-store');
    expect(payloadsOf(reply)).toEqual([{ metadata: { encoding: b64('json/plain') }, data: b64(JSON.stringify({ password: SECRET })) }]);
  });

  it('encodes what it is given, so `temporal workflow start --input` is encrypted too', async () => {
    const plain = { metadata: { encoding: b64('json/plain') }, data: b64(`"${SECRET}"`) };
    const encoded = await post('/encode', { payloads: [plain] }, bearer(TOKEN));
    expect(encoded.status).toBe(200);
    const [payload] = payloadsOf(encoded);
    expect(payload?.metadata).toEqual({ encoding: b64('binary/encrypted'), 'encryption-key-id': b64('k1') });
    expect(encoded.text).not.toContain(b64(`"${SECRET}"`));
    const decoded = await post('/decode', { payloads: [payload] }, bearer(TOKEN));
    expect(payloadsOf(decoded)).toEqual([plain]);
  });

  it('refuses requests without the token or with a wrong one, echoing neither', async () => {
    const body = { payloads: [await encryptedJson(SECRET)] };
    for (const headers of [{}, bearer(WRONG), { Authorization: TOKEN }, { Authorization: `Basic ${b64(`u:${TOKEN}`)}` }]) {
      const reply = await post('/decode', body, headers);
      expect(reply.status).toBe(401);
      expect(reply.headers['www-authenticate']).toBe('Bearer');
      expect(reply.text).not.toContain(TOKEN);
      expect(reply.text).not.toContain(WRONG);
      expect(reply.text).not.toContain(b64(`"${SECRET}"`));
    }
    expect(logged.at(-1)).toBe('decode refused: no token or a wrong one');
  });

  it('answers `{}` (an empty list, as Go writes it) and passes unencrypted payloads back unchanged', async () => {
    expect(payloadsOf(await post('/decode', {}, bearer(TOKEN)))).toEqual([]);
    const foreign = { metadata: { encoding: b64('json/plain') }, data: b64('1'), externalPayloads: [{ sizeBytes: '10' }] };
    expect(payloadsOf(await post('/decode', { payloads: [foreign] }, bearer(TOKEN)))).toEqual([foreign]);
  });

  it('says what is wrong with a bad request, and names a missing key id', async () => {
    expect(await post('/decode', 'not json', bearer(TOKEN))).toMatchObject({ status: 400, text: 'the body is not JSON\n' });
    for (const [body, message] of [
      [{ payloads: {} }, '"payloads" is not a list'],
      [{ payloads: [{ data: '***' }] }, 'payloads[0].data is not a base64 string'],
      [{ payloads: [{ metadata: { encoding: 42 } }] }, 'payloads[0].metadata["encoding"] is not a base64 string'],
    ] as const) {
      const reply = await post('/decode', body, bearer(TOKEN));
      expect(reply.status).toBe(400);
      expect(reply.text).toContain(message);
    }

    const [elsewhere] = await new EncryptionCodec(keyringOf(freshKeys('retired-2023'))).encode([defaultPayloadConverter.toPayload(SECRET)]);
    const reply = await post('/decode', { payloads: [payloadToJson(elsewhere!)] }, bearer(TOKEN));
    expect(reply.status).toBe(400);
    expect(reply.text).toContain('key id "retired-2023": no such key in TRUNK_CODEC_KEYS (it has k1)');
    expect(logged.at(-1)).toContain('decode failed: cannot decrypt a payload encrypted with key id "retired-2023"');
  });

  it('limits the body size', async () => {
    const big = JSON.stringify({ payloads: [{ data: b64('x'.repeat(100 * 1024)) }] });
    expect((await post('/decode', big, bearer(TOKEN))).status).toBe(413);
    expect((await post('/decode', big, { ...bearer(TOKEN), 'Transfer-Encoding': 'chunked' })).status).toBe(413);
  });

  it('serves /health without a token, and nothing else', async () => {
    expect(await call(`${server.url}/health`, 'GET')).toMatchObject({ status: 200, text: '{"status":"ok"}' });
    expect((await call(`${server.url}/keys`, 'GET', bearer(TOKEN))).status).toBe(404);
    expect((await call(`${server.url}/a/b/decode`, 'POST', bearer(TOKEN))).status).toBe(404);
    expect((await call(`${server.url}/decode`, 'GET', bearer(TOKEN))).status).toBe(405);
  });
});

describe('the codec server, as the Temporal UI calls it (from the browser, endpoint http://host:port/<token>)', () => {
  const fromUi = { Origin: UI };

  it('answers the CORS preflight for the UI origin with the headers the UI sends', async () => {
    const reply = await call(`${server.url}/${TOKEN}/decode`, 'OPTIONS', {
      ...fromUi,
      'Access-Control-Request-Method': 'POST',
      'Access-Control-Request-Headers': 'authorization,authorization-extras,content-type,x-namespace',
      'Access-Control-Request-Private-Network': 'true',
    });
    expect(reply.status).toBe(204);
    expect(reply.headers['access-control-allow-origin']).toBe(UI);
    expect(reply.headers['access-control-allow-headers']).toBe('authorization, authorization-extras, content-type, x-namespace');
    expect(reply.headers['access-control-allow-methods']).toContain('POST');
    expect(reply.headers['access-control-allow-private-network']).toBe('true');
    expect(reply.headers['access-control-allow-credentials']).toBeUndefined();
    expect(reply.headers.vary).toBe('Origin');
  });

  it('decodes with the token as the endpoint path (UI 2.54 appends /decode?preserveStorageRefs=true)', async () => {
    const body = { payloads: [await encryptedJson(SECRET)] };
    for (const path of [`/${TOKEN}/decode?preserveStorageRefs=true`, `/${TOKEN}//decode`]) {
      const reply = await post(path, body, fromUi);
      expect(reply.status).toBe(200);
      expect(reply.headers['access-control-allow-origin']).toBe(UI);
      expect(payloadsOf(reply)[0]?.data).toBe(b64(`"${SECRET}"`));
    }
    expect((await post(`/${WRONG}/decode`, body, fromUi)).status).toBe(401);
  });

  it('accepts the path token next to a UI user access token it cannot check', async () => {
    const reply = await post(`/${TOKEN}/decode`, { payloads: [await encryptedJson(SECRET)] }, { ...fromUi, ...bearer('eyJhbGciOi.user-oidc.token') });
    expect(reply.status).toBe(200);
  });

  it('refuses other origins with a 403 and no CORS headers, even with the token', async () => {
    const evil = { Origin: 'http://localhost:8234' };
    const preflight = await call(`${server.url}/${TOKEN}/decode`, 'OPTIONS', { ...evil, 'Access-Control-Request-Method': 'POST' });
    const reply = await post('/decode', { payloads: [await encryptedJson(SECRET)] }, { ...evil, ...bearer(TOKEN) });
    for (const r of [preflight, reply]) {
      expect(r.status).toBe(403);
      expect(Object.keys(r.headers).filter((h) => h.startsWith('access-control-'))).toEqual([]);
    }
    expect(reply.text).not.toContain(b64(`"${SECRET}"`));
  });
});

describe('startCodecServer', () => {
  it('refuses a short token and an origin that is not one, without echoing the token', async () => {
    await expect(startCodecServer({ port: 0, keyring, authToken: 'short-secret', allowedOrigin: UI })).rejects.toThrow(
      /^authToken must be 32-512 characters/,
    );
    await expect(startCodecServer({ port: 0, keyring, authToken: TOKEN, allowedOrigin: 'http://localhost:8233/' })).rejects.toThrow(
      'allowedOrigin "http://localhost:8233/" must be an http(s) origin',
    );
  });
});
