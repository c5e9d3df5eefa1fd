// The AES-256 keys payloads are encrypted with, from the environment. Several keys may be configured so that
// histories written under an old key stay readable after rotation; one of them (the current key) encrypts new payloads.
// Errors name the variable, the key id and the rule, never key material.
import { createSecretKey, randomBytes, type KeyObject } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { IssueCollector } from '../domain/issues';
import { fromBase64 } from './base64';

export const KEY_ID_PATTERN = /^[A-Za-z0-9_.-]{1,64}$/;
const KEY_BYTES = 32;
const NOT_SHOWN = '(not shown)';

/** Key material lives in a private field and KeyObjects, so logging or serialising a Keyring shows ids only. */
export class Keyring {
  readonly #keys: ReadonlyMap<string, KeyObject>;

  /** Use loadKeyring(); this only checks the invariants. */
  constructor(
    keys: ReadonlyMap<string, KeyObject>,
    readonly currentKeyId: string,
    /** Where the keys came from, for messages: a variable name, or a file. */
    readonly source: string,
  ) {
    for (const [id, key] of keys) {
      if (!KEY_ID_PATTERN.test(id) || key.symmetricKeySize !== KEY_BYTES) throw new Error(`key ${JSON.stringify(id)} is not a valid AES-256 key`);
    }
    if (!keys.has(currentKeyId)) throw new Error(`current key id ${JSON.stringify(currentKeyId)} is not among the keys`);
    this.#keys = keys;
  }

  get keyIds(): string[] {
    return [...this.#keys.keys()];
  }

  get currentKey(): KeyObject {
    return this.#keys.get(this.currentKeyId) as KeyObject;
  }

  key(keyId: string): KeyObject | undefined {
    return this.#keys.get(keyId);
  }

  toJSON(): { currentKeyId: string; keyIds: string[]; source: string } {
    return { currentKeyId: this.currentKeyId, keyIds: this.keyIds, source: this.source };
  }
}

/**
 * TRUNK_CODEC_KEYS (inline JSON) or TRUNK_CODEC_KEYS_FILE (a file holding it): `{ "<keyId>": "<base64 of 32 bytes>", … }`.
 * TRUNK_CODEC_KEY_ID names the key new payloads use; it may be left out when there is only one key.
 * Returns null when no keys are configured.
 */
export function loadKeyring(env: NodeJS.ProcessEnv = process.env): Keyring | null {
  const c = new IssueCollector();
  const inline = env.TRUNK_CODEC_KEYS || undefined;
  const file = env.TRUNK_CODEC_KEYS_FILE || undefined;
  const currentKeyId = env.TRUNK_CODEC_KEY_ID || undefined;

  if (inline === undefined && file === undefined) {
    if (currentKeyId === undefined) return null;
    c.add('TRUNK_CODEC_KEY_ID', currentKeyId, 'is set but no keys are: set TRUNK_CODEC_KEYS or TRUNK_CODEC_KEYS_FILE too');
    c.throwIfAny();
  }
  if (inline !== undefined && file !== undefined) {
    c.add('TRUNK_CODEC_KEYS', NOT_SHOWN, 'set either TRUNK_CODEC_KEYS or TRUNK_CODEC_KEYS_FILE, not both');
    c.throwIfAny();
  }

  const variable = file !== undefined ? 'TRUNK_CODEC_KEYS_FILE' : 'TRUNK_CODEC_KEYS';
  const source = file !== undefined ? `TRUNK_CODEC_KEYS_FILE (${file})` : 'TRUNK_CODEC_KEYS';
  let text = inline;
  if (file !== undefined) {
    try {
      text = readFileSync(file, 'utf8');
    } catch (err) {
      c.add(variable, file, `cannot be read: ${(err as NodeJS.ErrnoException).code ?? 'error'}`);
      c.throwIfAny();
    }
  }

  let parsed: unknown;
  try {
    parsed = JSON.parse(text ?? '');
  } catch {
    // The text holds key material: never echo it.
    c.add(variable, file ?? NOT_SHOWN, `${file ? 'does not hold' : 'is not'} valid JSON: expected { "<key id>": "<base64 of 32 bytes>", … }`);
    c.throwIfAny();
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed) || Object.keys(parsed).length === 0) {
    c.add(variable, file ?? NOT_SHOWN, 'must be a non-empty JSON object { "<key id>": "<base64 of 32 bytes>", … }');
    c.throwIfAny();
  }

  const keys = new Map<string, KeyObject>();
  for (const [id, value] of Object.entries(parsed as Record<string, unknown>)) {
    const field = `${variable}[${JSON.stringify(id)}]`;
    if (!KEY_ID_PATTERN.test(id)) {
      // A swapped entry ({ "<key>": "<id>" }) would put material here.
      if (looksLikeKey(id)) c.add(`${variable} key id`, NOT_SHOWN, 'looks like key material: the entries are { "<key id>": "<base64 key>" }');
      else c.add(`${variable} key id`, id, 'must be 1-64 letters, digits, _ . or -');
      continue;
    }
    const material = decodeKey(value);
    if (typeof material === 'string') c.add(field, NOT_SHOWN, material);
    else keys.set(id, createSecretKey(material));
  }

  const ids = Object.keys(parsed as object).filter((id) => KEY_ID_PATTERN.test(id));
  if (currentKeyId !== undefined && !ids.includes(currentKeyId)) {
    c.add('TRUNK_CODEC_KEY_ID', currentKeyId, `is not one of the key ids in ${variable} (${ids.join(', ')})`);
  }
  if (currentKeyId === undefined && ids.length > 1) {
    c.add('TRUNK_CODEC_KEY_ID', undefined, `name the key new payloads use: ${variable} has several (${ids.join(', ')})`);
  }
  c.throwIfAny();
  return new Keyring(keys, currentKeyId ?? (ids[0] as string), source);
}

/** The key's bytes, or the rule it breaks. */
function decodeKey(value: unknown): Buffer | string {
  if (typeof value !== 'string') return 'must be a string: the base64 of 32 random bytes';
  const bytes = fromBase64(value);
  if (!bytes) return 'is not base64 (A-Z a-z 0-9 + / and = padding)';
  if (bytes.length !== KEY_BYTES) return `must be the base64 of exactly ${KEY_BYTES} bytes (AES-256), it decodes to ${bytes.length}`;
  return bytes;
}

function looksLikeKey(text: string): boolean {
  return fromBase64(text)?.length === KEY_BYTES;
}

/** A fresh key, base64: the value of an entry in TRUNK_CODEC_KEYS. */
export function generateKey(): string {
  return randomBytes(KEY_BYTES).toString('base64');
}

/** One line for logs and CLIs: key ids and the current one, no material. */
export function describeKeyring(keyring: Keyring): string {
  const others = keyring.keyIds.filter((id) => id !== keyring.currentKeyId);
  const older = others.length > 0 ? `; also decrypts with ${others.join(', ')}` : '';
  return `payloads encrypted (AES-256-GCM) with key ${keyring.currentKeyId}${older} (keys from ${keyring.source})`;
}
