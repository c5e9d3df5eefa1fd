// Syntax rules for single values (what Exotel and the platforms accept), and the canonical forms values are
// compared in. A leaf: the setup, provider and configuration checks all read these.
import type { Duration } from '@temporalio/common';
import { msToNumber } from '@temporalio/common/lib/time';
import type { Rule } from './issues';

export const rules = {
  customerId: (v: string) =>
    /^[A-Za-z0-9][A-Za-z0-9._:@-]{0,99}$/.test(v)
      ? null
      : 'must be 1-100 characters of letters, digits and . _ : @ -, starting with a letter or digit',

  accountSid: (v: string) => (/^[A-Za-z0-9_]{1,64}$/.test(v) ? null : 'must be 1-64 letters, digits or _'),

  trunkName: (v: string) =>
    /^[A-Za-z0-9_]{1,16}$/.test(v) ? null : 'Exotel takes 1-16 characters of letters, digits and _',

  trunkSid: (v: string) => (/^[A-Za-z0-9]{6,64}$/.test(v) ? null : 'must be an Exotel trunk sid such as trmum1…'),

  e164: (v: string) =>
    /^\+[1-9][0-9]{6,14}$/.test(v) ? null : 'must be E.164: + then country code and number, 7-15 digits, e.g. +919876543210',

  aclIp: (v: string) => {
    const [ip, mask, ...rest] = v.split('/');
    if (rest.length > 0 || ip === undefined || !isIpv4(ip)) return 'must be an IPv4 address such as 203.0.113.50';
    if (mask !== undefined && mask !== '32') {
      return (
        'Exotel takes one /32 address per allowlist entry, not a CIDR range; ' +
        'for a provider that publishes ranges use digest credentials instead'
      );
    }
    return null;
  },

  destination: (v: string) => {
    const parsed = parseDestination(v);
    return typeof parsed === 'string' ? parsed : null;
  },

  credentialUserName: (v: string) =>
    /^[A-Za-z0-9_]{3,32}$/.test(v) ? null : 'must be 3-32 letters, digits or _ (Exotel does not publish the rule; this is the safe subset)',

  credentialPassword: (v: string) =>
    /^[A-Za-z0-9_]{12,64}$/.test(v) ? null : 'must be 12-64 letters, digits or _ (Exotel rejects other characters)',

  friendlyName: (v: string) =>
    /^[A-Za-z0-9_]{0,32}$/.test(v) ? null : 'Exotel takes at most 32 letters, digits and _ (no hyphens)',

  subdomain: (v: string) =>
    v === 'api.in.exotel.com' || v === 'api.exotel.com'
      ? null
      : 'must be api.in.exotel.com (India) or api.exotel.com (Singapore); API keys only work in their own region',
} satisfies Record<string, Rule>;

/** `203.0.113.50/32` and `203.0.113.50` are the same allowlist entry; Exotel is sent the bare address. */
export const bareIp = (ip: string): string => ip.replace(/\/32$/, '');

export function isIpv4(v: string): boolean {
  const parts = v.split('.');
  return parts.length === 4 && parts.every((p) => /^(0|[1-9][0-9]{0,2})$/.test(p) && Number(p) <= 255);
}

const FQDN = /^(?=.{1,253}$)([A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,63}$/;

export interface ParsedDestination {
  host: string;
  port: number;
  transport: 'tls' | 'tcp';
}

/** Parses `host:port;transport=tls|tcp` (a leading `sip:` is tolerated, as Exotel echoes it); a string is the failed rule. */
export function parseDestination(raw: string): ParsedDestination | string {
  const v = raw.trim().replace(/^sip:/i, '');
  const m = /^([^:;]+):([0-9]+);transport=([A-Za-z]+)$/.exec(v);
  if (!m) return 'must be host:port;transport=tls or host:port;transport=tcp, e.g. sip.example.com:5061;transport=tls';
  const [, host = '', portText = '', transportText = ''] = m;
  const transport = transportText.toLowerCase();
  if (transport === 'udp') return 'UDP is not supported by Exotel trunks: use transport=tls (port 5061) or transport=tcp (5060)';
  if (transport !== 'tls' && transport !== 'tcp') return `transport must be tls or tcp, not ${transportText}`;
  const port = Number(portText);
  if (!Number.isInteger(port) || port < 1 || port > 65535) return 'port must be 1-65535';
  if (!isIpv4(host) && !FQDN.test(host)) return 'host must be a fully qualified domain name or an IPv4 address';
  return { host: host.toLowerCase(), port, transport };
}

/** The canonical form Exotel is sent, and what read-back values are compared against. */
export function normalizeDestination(raw: string): string {
  const parsed = parseDestination(raw);
  if (typeof parsed === 'string') return raw.trim();
  return `${parsed.host}:${parsed.port};transport=${parsed.transport}`;
}

/**
 * Milliseconds of a Temporal duration ('24h', '15m', '30s', or a number of ms), read by Temporal's own parser so
 * that what passes here is exactly what `condition()` and timers accept; null when it is not one or is negative.
 */
export function durationMs(value: unknown): number | null {
  if (typeof value !== 'number' && typeof value !== 'string') return null;
  try {
    const ms = msToNumber(value as Duration);
    return Number.isFinite(ms) && ms >= 0 ? ms : null;
  } catch {
    return null;
  }
}
