import { defaultPayloadConverter, type Payload } from '@temporalio/common';
import { temporal } from '@temporalio/proto';
import { describe, expect, it } from 'vitest';
import { codecPolicy, dataConverterFor } from '../../codec/data-converter';
import { ENCRYPTED_ENCODING, EncryptionCodec, KEY_ID_METADATA, PayloadDecryptionError } from '../../codec/encryption-codec';
import { InputValidationError } from '../../domain/issues';
import { freshKeys, keyringOf } from './support';

const protoBytes = (p: Payload): Buffer => Buffer.from(temporal.api.common.v1.Payload.encode(p).finish());
const text = (bytes: Uint8Array | null | undefined): string => Buffer.from(bytes ?? []).toString('utf8');

const SECRET = 'sip-password-Zq8v3Lr0xT';
const values: [string, unknown][] = [
  ['a string', SECRET],
  ['an object with unicode', { customerId: 'acme-42', note: 'नमस्ते 👋', password: SECRET, nested: { list: [1, 2.5, true, null] } }],
  ['a number', 42],
  ['null', null],
  ['undefined', undefined],
  ['bytes', new Uint8Array([0, 1, 2, 254, 255])],
  ['an empty list', []],
  ['a 1 MB string', 'x'.repeat(1024 * 1024)],
];

describe('EncryptionCodec', () => {
  const keys = freshKeys('k1');
  const codec = new EncryptionCodec(keyringOf(keys));

  it.each(values)('round-trips %s, metadata included', async (_name, value) => {
    const original = defaultPayloadConverter.toPayload(value);
    const [encrypted] = await codec.encode([original]);
    expect(Object.keys(encrypted?.metadata ?? {}).sort()).toEqual(['encoding', KEY_ID_METADATA]);
    expect(text(encrypted?.metadata?.encoding)).toBe(ENCRYPTED_ENCODING);
    expect(text(encrypted?.metadata?.[KEY_ID_METADATA])).toBe('k1');
    const [decoded] = await codec.decode([encrypted!]);
    expect(protoBytes(decoded!).equals(protoBytes(original))).toBe(true);
    expect(defaultPayloadConverter.fromPayload(decoded!)).toEqual(value);
  });

  it('keeps metadata of its own and hides it and the data from the stored form', async () => {
    const original: Payload = { metadata: { encoding: Buffer.from('json/protobuf'), messageType: Buffer.from('acme.Secret') }, data: Buffer.from(`{"p":"${SECRET}"}`) };
    const [encrypted] = await codec.encode([original]);
    const stored = protoBytes(encrypted!).toString('latin1');
    for (const hidden of [SECRET, 'acme.Secret', 'json/protobuf']) expect(stored).not.toContain(hidden);
    const [decoded] = await codec.decode([encrypted!]);
    expect(text(decoded?.metadata?.messageType)).toBe('acme.Secret');
  });

  it('uses a fresh IV each time: the same payload never encrypts the same way twice', async () => {
    const payload = defaultPayloadConverter.toPayload(SECRET);
    const [a, b] = await codec.encode([payload, payload]);
    expect(Buffer.from(a!.data!).equals(Buffer.from(b!.data!))).toBe(false);
    expect(a!.data!.length).toBe(12 + protoBytes(payload).length + 16);
  });

  it('passes payloads that are not encrypted through as they are, and handles empty lists', async () => {
    const plain = defaultPayloadConverter.toPayload({ hello: 'world' });
    const [decoded] = await codec.decode([plain]);
    expect(decoded).toBe(plain);
    expect(await codec.encode([])).toEqual([]);
    expect(await codec.decode([])).toEqual([]);
  });

  it('rotates: old payloads decode with the old key, new ones carry the new key id', async () => {
    const both = { ...keys, ...freshKeys('k2') };
    const before = new EncryptionCodec(keyringOf(both, 'k1'));
    const after = new EncryptionCodec(keyringOf(both, 'k2'));
    const [old] = await before.encode([defaultPayloadConverter.toPayload('written under k1')]);
    const [fresh] = await after.encode([defaultPayloadConverter.toPayload('written under k2')]);
    expect(text(old?.metadata?.[KEY_ID_METADATA])).toBe('k1');
    expect(text(fresh?.metadata?.[KEY_ID_METADATA])).toBe('k2');
    const decoded = await after.decode([old!, fresh!]);
    expect(decoded.map((p) => defaultPayloadConverter.fromPayload(p))).toEqual(['written under k1', 'written under k2']);
    // Dropping k1 too early makes its payloads unreadable.
    await expect(new EncryptionCodec(keyringOf({ k2: both.k2 as string })).decode([old!])).rejects.toThrow('key id "k1"');
  });

  it('names the missing key id, and the keys it has, never material', async () => {
    const [encrypted] = await codec.encode([defaultPayloadConverter.toPayload(SECRET)]);
    const other = freshKeys('k7', 'k8');
    const error = await new EncryptionCodec(keyringOf(other, 'k8')).decode([encrypted!]).catch((err: unknown) => err);
    expect(error).toBeInstanceOf(PayloadDecryptionError);
    const message = (error as Error).message;
    expect(message).toContain('cannot decrypt a payload encrypted with key id "k1": no such key in TRUNK_CODEC_KEYS (it has k7, k8)');
    for (const material of [...Object.values(keys), ...Object.values(other)]) expect(message).not.toContain(material);
  });

  it('refuses tampered ciphertext, a replaced key and a truncated payload with clear errors', async () => {
    const [encrypted] = await codec.encode([defaultPayloadConverter.toPayload(SECRET)]);
    const data = Buffer.from(encrypted!.data!);
    for (const index of [0, 20, data.length - 1]) {
      const tampered = Buffer.from(data);
      tampered[index] = (tampered[index] ?? 0) ^ 1;
      await expect(codec.decode([{ ...encrypted, data: tampered }])).rejects.toThrow(
        'a payload encrypted with key id "k1" failed authentication (AES-GCM tag mismatch)',
      );
    }
    await expect(new EncryptionCodec(keyringOf(freshKeys('k1'))).decode([encrypted!])).rejects.toThrow('failed authentication');
    await expect(codec.decode([{ ...encrypted, data: data.subarray(0, 20) }])).rejects.toThrow('is truncated (20 bytes)');
    await expect(codec.decode([{ metadata: { encoding: Buffer.from(ENCRYPTED_ENCODING) }, data }])).rejects.toThrow(
      `has no ${KEY_ID_METADATA} metadata`,
    );
  });
});

describe('dataConverterFor and codecPolicy', () => {
  const env = { TRUNK_CODEC_KEYS: JSON.stringify(freshKeys('prod-1')) };

  it('gives the worker and clients one encryption codec with keys', () => {
    expect(dataConverterFor(keyringOf(freshKeys('a'))).payloadCodecs).toEqual([expect.any(EncryptionCodec)]);
  });

  it('without keys leaves payloads plain, and refuses an encrypted one naming the variable to set', async () => {
    const [plainCodec] = dataConverterFor(null).payloadCodecs ?? [];
    const plain = { metadata: { encoding: Buffer.from('json/plain') }, data: Buffer.from('"hello"') };
    expect(await plainCodec?.encode([plain])).toEqual([plain]);
    expect(await plainCodec?.decode([plain])).toEqual([plain]);
    const encrypted = await new EncryptionCodec(keyringOf(freshKeys('a'))).encode([plain]);
    await expect(plainCodec?.decode(encrypted)).rejects.toThrow(/encrypted \(binary\/encrypted\) and this process has no codec keys: set TRUNK_CODEC_KEYS/);
  });

  it('encrypts in both modes when keys are configured', () => {
    for (const mode of ['production', 'demo'] as const) {
      const policy = codecPolicy(env, { mode });
      expect(policy.keyring?.currentKeyId).toBe('prod-1');
      expect(policy.dataConverter?.payloadCodecs).toHaveLength(1);
      expect(policy.warning).toBeUndefined();
    }
  });

  it('refuses to run in production without keys, saying what to set', () => {
    expect(() => codecPolicy({}, { mode: 'production' })).toThrow(InputValidationError);
    expect(() => codecPolicy({}, { mode: 'production' })).toThrow(/TRUNK_CODEC_KEYS = "\(missing\)": payload encryption is required: set TRUNK_CODEC_KEYS/);
  });

  it('runs in demo mode without keys, with a loud warning for the caller to print', () => {
    const policy = codecPolicy({}, { mode: 'demo' });
    expect(policy.keyring).toBeNull();
    expect(policy.dataConverter.payloadCodecs?.some((c) => c instanceof EncryptionCodec)).toBe(false);
    expect(policy.warning).toContain('PAYLOADS ARE NOT ENCRYPTED');
    expect(policy.warning).toContain('TRUNK_CODEC_KEYS');
  });

  it('still refuses a broken key configuration in demo mode', () => {
    expect(() => codecPolicy({ TRUNK_CODEC_KEYS: '{"k":"short"}' }, { mode: 'demo' })).toThrow('TRUNK_CODEC_KEYS["k"]');
  });
});
