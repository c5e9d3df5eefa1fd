// Keyrings for the codec tests, built the one way production builds them (from the environment), and raw HTTP calls.
import { request, type IncomingHttpHeaders } from 'node:http';
import { generateKey, loadKeyring, type Keyring } from '../../codec/keyring';

/** Fresh keys under the given ids. */
export function freshKeys(...ids: string[]): Record<string, string> {
  return Object.fromEntries(ids.map((id) => [id, generateKey()]));
}

export function keyringOf(keys: Record<string, string>, currentKeyId?: string): Keyring {
  const keyring = loadKeyring({ TRUNK_CODEC_KEYS: JSON.stringify(keys), ...(currentKeyId ? { TRUNK_CODEC_KEY_ID: currentKeyId } : {}) });
  if (!keyring) throw new Error('no keyring');
  return keyring;
}

export interface Reply {
  status: number;
  headers: IncomingHttpHeaders;
  text: string;
}

/** One HTTP request with exactly these headers (fetch would add or refuse some, such as Origin). */
export function call(url: string, method: string, headers: Record<string, string> = {}, body?: string): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method, headers, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('error', reject);
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, text: Buffer.concat(chunks).toString('utf8') }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

/**
 * Whether `text` shows `secret`, in clear or inside base64 (as payload data appears in history JSON): base64 of the
 * secret's bytes looks different depending on where in the data it starts, so each of the three alignments is tried.
 */
export function reveals(text: string, secret: string): boolean {
  const bytes = Buffer.from(secret);
  return (
    text.includes(secret) ||
    [0, 1, 2].some((pad) => {
      const encoded = Buffer.concat([Buffer.alloc(pad), bytes]).toString('base64');
      const skip = pad === 0 ? 0 : 4;
      const whole = Math.floor((bytes.length - (pad === 0 ? 0 : 3 - pad)) / 3) * 4;
      return text.includes(encoded.slice(skip, skip + whole));
    })
  );
}
