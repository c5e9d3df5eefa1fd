// HTTP Basic auth (API key : API token) and the regional API hosts (reference §1).

import { createHash, timingSafeEqual } from 'node:crypto';
import type { SimulatorAccount, SimulatorRegion } from './types';

export const REGION_HOSTS: Record<SimulatorRegion, string> = {
  in: 'api.in.exotel.com',
  sg: 'api.exotel.com',
};

const sameSecret = (a: string, b: string): boolean =>
  timingSafeEqual(createHash('sha256').update(a).digest(), createHash('sha256').update(b).digest());

/** The region a Host header names, or null for any other host (127.0.0.1, localhost, ...). */
function regionOfHost(hostHeader: string | undefined): SimulatorRegion | null {
  const host = (hostHeader ?? '').toLowerCase().replace(/:\d+$/, '');
  for (const [region, name] of Object.entries(REGION_HOSTS) as [SimulatorRegion, string][]) {
    if (host === name) return region;
  }
  return null;
}

/**
 * The account the request may act as, or null for Exotel's bare 401/1010. A key of another account than the
 * path's, and a key sent to the other region's host, fail exactly like a wrong token: Exotel does not tell
 * them apart (S7, measured). [D] The `Bearer` form S3b mentions "when enabled for your account" is not modelled.
 */
export function authenticate(
  accounts: SimulatorAccount[],
  pathSid: string,
  authorization: string | undefined,
  hostHeader: string | undefined,
): SimulatorAccount | null {
  const match = /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(authorization ?? '');
  if (!match?.[1]) return null;
  const decoded = Buffer.from(match[1], 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) return null;
  const key = decoded.slice(0, colon);
  const token = decoded.slice(colon + 1);
  const account = accounts.find((a) => a.sid === pathSid);
  if (!account) return null;
  // Both comparisons always run, so timing does not reveal which half was wrong.
  const keyOk = sameSecret(key, account.apiKey);
  const tokenOk = sameSecret(token, account.apiToken);
  if (!keyOk || !tokenOk) return null;
  const hostRegion = regionOfHost(hostHeader);
  if (hostRegion !== null && hostRegion !== account.region) return null;
  return account;
}
