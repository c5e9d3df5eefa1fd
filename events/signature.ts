// Signup events are signed like webhooks usually are: HMAC-SHA256 over `<timestamp>.<raw body>` with a shared
// secret (while it is rotated, any of the receiver's few), sent as `X-Signature: v1=<hex>` next to
// `X-Signature-Timestamp: <unix seconds>`. The timestamp bounds replays: a captured request stops working once it
// is older than the tolerance.
import { createHmac, timingSafeEqual } from 'node:crypto';

export const SIGNATURE_HEADER = 'x-signature';
export const TIMESTAMP_HEADER = 'x-signature-timestamp';
export const DEFAULT_TOLERANCE_SECONDS = 300;

export function signEvent(secret: string, timestamp: number, body: string): string {
  return `v1=${createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`;
}

export class SignatureError extends Error {
  override readonly name = 'SignatureError';
}

/**
 * Throws SignatureError saying what is wrong (never echoing an expected signature); else returns the position in
 * `secrets` of the one the request was signed with. Several secrets are accepted at once while one is rotated: each
 * is compared in constant time, and every one is compared, so the time taken does not say which matched.
 */
export function verifySignature(o: {
  secrets: readonly string[];
  body: string;
  signature: string | undefined;
  timestamp: string | undefined;
  nowSeconds: number;
  toleranceSeconds?: number;
}): number {
  const tolerance = o.toleranceSeconds ?? DEFAULT_TOLERANCE_SECONDS;
  if (!o.timestamp) throw new SignatureError(`missing ${TIMESTAMP_HEADER} header (unix seconds)`);
  if (!/^\d{1,12}$/.test(o.timestamp)) throw new SignatureError(`${TIMESTAMP_HEADER} ${JSON.stringify(o.timestamp)}: must be unix seconds`);
  const age = o.nowSeconds - Number(o.timestamp);
  if (Math.abs(age) > tolerance) {
    throw new SignatureError(
      `${TIMESTAMP_HEADER} is ${Math.abs(age)} s ${age > 0 ? 'old' : 'in the future'}: events are accepted within ${tolerance} s (a replay, or a clock off)`,
    );
  }
  if (!o.signature) throw new SignatureError(`missing ${SIGNATURE_HEADER} header (v1=<hex HMAC-SHA256 of "<timestamp>.<body>">)`);
  const given = Buffer.from(o.signature);
  let matched = -1;
  o.secrets.forEach((secret, i) => {
    const expected = Buffer.from(signEvent(secret, Number(o.timestamp), o.body));
    // Every expected signature has the same length, so comparing lengths first says nothing about the secrets.
    if (given.length === expected.length && timingSafeEqual(given, expected) && matched < 0) matched = i;
  });
  if (matched < 0) throw new SignatureError(`${SIGNATURE_HEADER} does not match the body and timestamp`);
  return matched;
}
