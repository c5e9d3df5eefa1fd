// Encrypts every payload, metadata included, with AES-256-GCM. Wire format of `data`: 12-byte IV, ciphertext, 16-byte
// tag, over the whole original Payload proto (not length-delimited), as in Temporal's Go and Python encryption samples.
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { METADATA_ENCODING_KEY, type Payload, type PayloadCodec } from '@temporalio/common';
import { temporal } from '@temporalio/proto';
import type { Keyring } from './keyring';

export const ENCRYPTED_ENCODING = 'binary/encrypted';
export const KEY_ID_METADATA = 'encryption-key-id';

const ALGORITHM = 'aes-256-gcm';
const IV_BYTES = 12;
const TAG_BYTES = 16;

/** A payload that cannot be decrypted; the message names the key id, never key material. */
export class PayloadDecryptionError extends Error {
  override readonly name = 'PayloadDecryptionError';
}

export class EncryptionCodec implements PayloadCodec {
  constructor(private readonly keyring: Keyring) {}

  async encode(payloads: Payload[]): Promise<Payload[]> {
    return payloads.map((payload) => this.encrypt(payload));
  }

  /** Payloads that are not `binary/encrypted` pass through as the same object (the codec server relies on it). */
  async decode(payloads: Payload[]): Promise<Payload[]> {
    return payloads.map((payload) => (isEncrypted(payload) ? this.decrypt(payload) : payload));
  }

  private encrypt(payload: Payload): Payload {
    const keyId = this.keyring.currentKeyId;
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv(ALGORITHM, this.keyring.currentKey, iv, { authTagLength: TAG_BYTES });
    const plain = temporal.api.common.v1.Payload.encode(payload).finish();
    const data = Buffer.concat([iv, cipher.update(plain), cipher.final(), cipher.getAuthTag()]);
    return {
      metadata: { [METADATA_ENCODING_KEY]: Buffer.from(ENCRYPTED_ENCODING), [KEY_ID_METADATA]: Buffer.from(keyId) },
      data,
    };
  }

  private decrypt(payload: Payload): Payload {
    const keyIdBytes = payload.metadata?.[KEY_ID_METADATA];
    if (!keyIdBytes) throw new PayloadDecryptionError(`a ${ENCRYPTED_ENCODING} payload has no ${KEY_ID_METADATA} metadata`);
    const keyId = Buffer.from(keyIdBytes).toString('utf8');
    const key = this.keyring.key(keyId);
    if (!key) {
      throw new PayloadDecryptionError(
        `cannot decrypt a payload encrypted with key id ${JSON.stringify(keyId)}: no such key in ${this.keyring.source} ` +
          `(it has ${this.keyring.keyIds.join(', ')}). Keep old keys configured while histories that use them are retained.`,
      );
    }
    const data = payload.data ?? new Uint8Array();
    if (data.length < IV_BYTES + TAG_BYTES) {
      throw new PayloadDecryptionError(`a payload encrypted with key id ${JSON.stringify(keyId)} is truncated (${data.length} bytes)`);
    }
    const decipher = createDecipheriv(ALGORITHM, key, data.subarray(0, IV_BYTES), { authTagLength: TAG_BYTES });
    decipher.setAuthTag(data.subarray(data.length - TAG_BYTES));
    let plain: Buffer;
    try {
      plain = Buffer.concat([decipher.update(data.subarray(IV_BYTES, data.length - TAG_BYTES)), decipher.final()]);
    } catch {
      throw new PayloadDecryptionError(
        `a payload encrypted with key id ${JSON.stringify(keyId)} failed authentication (AES-GCM tag mismatch): ` +
          'it was altered, or the key configured under that id is not the one it was encrypted with',
      );
    }
    try {
      return temporal.api.common.v1.Payload.decode(plain);
    } catch {
      throw new PayloadDecryptionError(`a payload encrypted with key id ${JSON.stringify(keyId)} does not hold a Payload`);
    }
  }
}

export function isEncrypted(payload: Payload): boolean {
  const encoding = payload.metadata?.[METADATA_ENCODING_KEY];
  return encoding !== undefined && encoding !== null && Buffer.from(encoding).toString('utf8') === ENCRYPTED_ENCODING;
}
