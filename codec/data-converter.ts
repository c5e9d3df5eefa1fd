// The data converter the worker and every client share, and the rule for running without keys.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { DataConverter, Payload, PayloadCodec } from '@temporalio/common';
import { IssueCollector } from '../domain/issues';
import { EncryptionCodec, ENCRYPTED_ENCODING, isEncrypted, PayloadDecryptionError } from './encryption-codec';
import { loadKeyring, type Keyring } from './keyring';

/**
 * failure-converter.ts as the SDK loads it: the compiled .js in dist/, the source where the code runs from source
 * (tsx, vitest; Node 22 loads the .ts itself). The workflow bundle is built with the same path (worker/workflow-bundle.ts).
 */
export const FAILURE_CONVERTER_PATH = [join(__dirname, 'failure-converter.js'), join(__dirname, 'failure-converter.ts')].find((f) => existsSync(f)) ?? join(__dirname, 'failure-converter.js');

/**
 * For `Worker.create({ dataConverter })` and `new Client({ dataConverter })`. Without keys payloads stay plain, and
 * an encrypted one read by this process fails saying which variable is missing (Temporal's own message would be
 * "Unknown encoding: binary/encrypted"). Failures are always written through failure-converter.ts, so that with keys
 * their messages and stacks are encrypted too.
 */
export function dataConverterFor(keyring: Keyring | null): DataConverter {
  return { payloadCodecs: [keyring ? new EncryptionCodec(keyring) : new NoKeysCodec()], failureConverterPath: FAILURE_CONVERTER_PATH };
}

class NoKeysCodec implements PayloadCodec {
  async encode(payloads: Payload[]): Promise<Payload[]> {
    return payloads;
  }

  async decode(payloads: Payload[]): Promise<Payload[]> {
    if (payloads.some(isEncrypted)) {
      throw new PayloadDecryptionError(
        `these payloads are encrypted (${ENCRYPTED_ENCODING}) and this process has no codec keys: ` +
          'set TRUNK_CODEC_KEYS (or TRUNK_CODEC_KEYS_FILE) to the keys the worker uses (docs/encryption.md)',
      );
    }
    return payloads;
  }
}

export type CodecMode = 'production' | 'demo';

export interface CodecPolicy {
  keyring: Keyring | null;
  dataConverter: DataConverter;
  /** Set when payloads will be stored in clear (demo mode without keys): the caller prints it. */
  warning: string | undefined;
}

const HOW_TO_CONFIGURE =
  'set TRUNK_CODEC_KEYS to a JSON object { "<key id>": "<base64 of 32 random bytes>" } (or TRUNK_CODEC_KEYS_FILE to a ' +
  'file holding it) and, with several keys, TRUNK_CODEC_KEY_ID to the one new payloads use (docs/encryption.md)';

/**
 * Production refuses to run without keys: workflow inputs and results (SIP passwords) would be stored in clear in
 * Temporal's history. Demo mode runs anyway and hands back a warning to print.
 */
export function codecPolicy(env: NodeJS.ProcessEnv, { mode }: { mode: CodecMode }): CodecPolicy {
  const keyring = loadKeyring(env);
  if (keyring) return { keyring, dataConverter: dataConverterFor(keyring), warning: undefined };
  if (mode === 'production') {
    const c = new IssueCollector();
    c.add('TRUNK_CODEC_KEYS', undefined, `payload encryption is required: ${HOW_TO_CONFIGURE}`);
    c.throwIfAny();
  }
  return {
    keyring: null,
    dataConverter: dataConverterFor(null),
    warning:
      '!!! PAYLOADS ARE NOT ENCRYPTED: workflow inputs and results, SIP passwords included, are stored in clear in ' +
      `Temporal's history. Fine for a demo; for anything else ${HOW_TO_CONFIGURE} !!!`,
  };
}
