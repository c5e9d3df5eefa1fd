import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import { describeKeyring, generateKey, loadKeyring } from '../../codec/keyring';
import { InputValidationError } from '../../domain/issues';
import { freshKeys } from './support';

const dir = mkdtempSync(join(tmpdir(), 'codec-keys-'));
function keysFile(content: string): string {
  const path = join(dir, `${Math.random().toString(36).slice(2)}.json`);
  writeFileSync(path, content);
  return path;
}

/** Every spelling of the material that could leak: base64 as given, and hex. */
const spellings = (keys: Record<string, unknown>): string[] =>
  Object.values(keys)
    .filter((v): v is string => typeof v === 'string')
    .flatMap((v) => [v, Buffer.from(v, 'base64').toString('hex')])
    .filter((s) => s.length >= 8);

describe('loadKeyring', () => {
  it('is null when no keys are configured', () => {
    expect(loadKeyring({})).toBeNull();
    expect(loadKeyring({ TRUNK_CODEC_KEYS: '', TRUNK_CODEC_KEYS_FILE: '' })).toBeNull();
  });

  it('takes the only key as the current one', () => {
    const keyring = loadKeyring({ TRUNK_CODEC_KEYS: JSON.stringify(freshKeys('2025-01')) });
    expect(keyring?.currentKeyId).toBe('2025-01');
    expect(keyring?.keyIds).toEqual(['2025-01']);
    expect(keyring?.source).toBe('TRUNK_CODEC_KEYS');
  });

  it('reads several keys from TRUNK_CODEC_KEYS_FILE, the current one named by TRUNK_CODEC_KEY_ID', () => {
    const path = keysFile(JSON.stringify(freshKeys('old', 'new.v2', 'spare_3')));
    const keyring = loadKeyring({ TRUNK_CODEC_KEYS_FILE: path, TRUNK_CODEC_KEY_ID: 'new.v2' });
    expect(keyring?.currentKeyId).toBe('new.v2');
    expect(keyring?.keyIds).toEqual(['old', 'new.v2', 'spare_3']);
    expect(keyring?.currentKey.symmetricKeySize).toBe(32);
    expect(keyring?.source).toBe(`TRUNK_CODEC_KEYS_FILE (${path})`);
  });

  it('accepts URL-safe base64 without padding', () => {
    const key = Buffer.from(generateKey(), 'base64').toString('base64url');
    expect(loadKeyring({ TRUNK_CODEC_KEYS: JSON.stringify({ k: key }) })?.keyIds).toEqual(['k']);
  });

  const good = freshKeys('k1', 'k2');
  const short = Buffer.alloc(16, 7).toString('base64');
  it.each([
    ['bad base64', { TRUNK_CODEC_KEYS: JSON.stringify({ k1: 'not*base64*at*all*but*secret' }) }, ['TRUNK_CODEC_KEYS["k1"]', 'is not base64']],
    ['a 16-byte key', { TRUNK_CODEC_KEYS: JSON.stringify({ k1: short }) }, ['TRUNK_CODEC_KEYS["k1"]', 'exactly 32 bytes (AES-256), it decodes to 16']],
    ['a key that is not a string', { TRUNK_CODEC_KEYS: JSON.stringify({ k1: 12345678901 }) }, ['TRUNK_CODEC_KEYS["k1"]', 'must be a string']],
    ['an unknown current key id', { TRUNK_CODEC_KEYS: JSON.stringify(good), TRUNK_CODEC_KEY_ID: 'k9' }, ['TRUNK_CODEC_KEY_ID = "k9"', 'is not one of the key ids in TRUNK_CODEC_KEYS (k1, k2)']],
    ['several keys and no current one', { TRUNK_CODEC_KEYS: JSON.stringify(good) }, ['TRUNK_CODEC_KEY_ID = "(missing)"', 'has several (k1, k2)']],
    ['a bad key id', { TRUNK_CODEC_KEYS: JSON.stringify({ 'bad id!': good.k1 }) }, ['TRUNK_CODEC_KEYS key id = "bad id!"', '1-64 letters, digits, _ . or -']],
    ['a swapped entry', { TRUNK_CODEC_KEYS: JSON.stringify({ [good.k1 as string]: 'k1' }) }, ['TRUNK_CODEC_KEYS key id', 'looks like key material']],
    ['text that is not JSON', { TRUNK_CODEC_KEYS: `{ k1: ${good.k1} }` }, ['TRUNK_CODEC_KEYS = "(not shown)"', 'is not valid JSON']],
    ['a list', { TRUNK_CODEC_KEYS: JSON.stringify([good.k1]) }, ['TRUNK_CODEC_KEYS', 'must be a non-empty JSON object']],
    ['an empty object', { TRUNK_CODEC_KEYS: '{}' }, ['TRUNK_CODEC_KEYS', 'must be a non-empty JSON object']],
    ['both variables', { TRUNK_CODEC_KEYS: JSON.stringify(good), TRUNK_CODEC_KEYS_FILE: '/etc/keys.json' }, ['either TRUNK_CODEC_KEYS or TRUNK_CODEC_KEYS_FILE, not both']],
    ['a missing file', { TRUNK_CODEC_KEYS_FILE: '/nonexistent/keys.json' }, ['TRUNK_CODEC_KEYS_FILE = "/nonexistent/keys.json"', 'cannot be read: ENOENT']],
    ['a file that is not JSON', { TRUNK_CODEC_KEYS_FILE: keysFile(`k1=${good.k1}`) }, ['TRUNK_CODEC_KEYS_FILE', 'does not hold valid JSON']],
    ['a key id without keys', { TRUNK_CODEC_KEY_ID: 'k1' }, ['TRUNK_CODEC_KEY_ID = "k1"', 'no keys are: set TRUNK_CODEC_KEYS or TRUNK_CODEC_KEYS_FILE']],
  ])('refuses %s, naming the variable and the rule, never the material', (_name, env, expected) => {
    let error: unknown;
    try {
      loadKeyring(env);
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(InputValidationError);
    const message = (error as Error).message;
    for (const part of expected) expect(message).toContain(part);
    for (const secret of spellings({ ...good, short, bad: 'not*base64*at*all*but*secret' })) expect(message).not.toContain(secret);
  });

  it('reports every problem of one configuration together', () => {
    const env = { TRUNK_CODEC_KEYS: JSON.stringify({ a: 'x', b: short, ok: good.k1 }), TRUNK_CODEC_KEY_ID: 'zz' };
    expect(() => loadKeyring(env)).toThrow(/3 problems[\s\S]*"a"[\s\S]*"b"[\s\S]*TRUNK_CODEC_KEY_ID = "zz"/);
  });
});

describe('a loaded keyring', () => {
  const keys = freshKeys('2024', '2025');
  const keyring = loadKeyring({ TRUNK_CODEC_KEYS: JSON.stringify(keys), TRUNK_CODEC_KEY_ID: '2025' });

  it('describes itself by key ids only', () => {
    expect(describeKeyring(keyring!)).toBe(
      'payloads encrypted (AES-256-GCM) with key 2025; also decrypts with 2024 (keys from TRUNK_CODEC_KEYS)',
    );
  });

  it('shows no material when logged or serialised', () => {
    const shown = [inspect(keyring, { depth: 10, showHidden: true }), JSON.stringify(keyring), describeKeyring(keyring!)];
    for (const text of shown) for (const secret of spellings(keys)) expect(text).not.toContain(secret);
    expect(JSON.parse(JSON.stringify(keyring)) as unknown).toEqual({ currentKeyId: '2025', keyIds: ['2024', '2025'], source: 'TRUNK_CODEC_KEYS' });
  });
});

describe('generateKey', () => {
  it('makes distinct base64 keys of 32 bytes that loadKeyring accepts', () => {
    const a = generateKey();
    const b = generateKey();
    expect(a).not.toBe(b);
    expect(Buffer.from(a, 'base64')).toHaveLength(32);
    expect(loadKeyring({ TRUNK_CODEC_KEYS: JSON.stringify({ a, b }), TRUNK_CODEC_KEY_ID: 'b' })?.currentKeyId).toBe('b');
  });
});
