// Exotel's validation rules with their exact messages (reference §4). Each check throws the ExotelError
// Exotel answers; messages tagged [I] were never observed and follow the observed pattern.

import { isIPv4 } from 'node:net';
import { invalid, mandatory, type ExotelError } from './envelopes';

const WORD = /^[A-Za-z0-9_]+$/;
const E164 = /^\+[1-9]\d{1,14}$/;

export function checkTrunkName(name: string | undefined): string {
  // S3a saw an empty name possibly accepted; Go's mandatory check treats "" as missing, so we refuse it [I].
  if (!name) throw mandatory('TrunkName is mandatory');
  if (name.length > 16) throw invalid('Maximum allowed length for TrunkName is 16');
  if (!WORD.test(name)) throw invalid('Allowed characters for TrunkName is alphanumeric and _');
  return name;
}

export function checkNsoCode(code: string | undefined): string {
  // Exactly ANY-ANY: "any any" (the S8 portal's spelling) is refused live (S7). Missing counts as invalid [I].
  if (code !== 'ANY-ANY') throw invalid('Nso code is invalid');
  return code;
}

export function checkDomainName(domain: string | undefined): string {
  if (!domain) throw mandatory('DomainName is mandatory'); // [I]
  if (!domain.endsWith('.pstn.exotel.com')) throw invalid('Domain name should end with .pstn.exotel.com');
  return domain;
}

export function checkPhoneNumber(phone: string | undefined): string {
  if (!phone) throw mandatory('PhoneNumber is mandatory');
  if (!E164.test(phone)) throw invalid('Invalid PhoneNumber');
  return phone;
}

export function checkMode(mode: string | undefined, required: boolean): 'pstn' | 'flow' | null {
  if (mode === undefined || mode === '') {
    if (required) throw mandatory('Mode is mandatory'); // [I]
    return null; // Omitted mode is stored as null and behaves like pstn (reference §3 #6).
  }
  if (mode !== 'pstn' && mode !== 'flow') throw invalid('Invalid Mode'); // [I]
  return mode;
}

export function checkIp(ip: string | undefined): string {
  if (!ip) throw mandatory('Ip is mandatory');
  if (!isIPv4(ip)) throw invalid('Invalid ip');
  return ip;
}

export function checkMask(mask: number | undefined): number {
  // [X] S4 says one /32 per POST (no CIDR); the server itself validated 16–32 in 2025 (S3a). We model the server.
  // Negative and non-integer masks never get here: they fail JSON decoding as uint8 (1007).
  if (mask === undefined) return 32;
  if (mask < 16 || mask > 32) throw invalid('mask should be in-between 16 and 32');
  return mask;
}

export function checkUserName(userName: string | undefined): string {
  // [I] Exotel publishes no user_name rule; only presence is checked.
  if (!userName) throw mandatory('UserName is mandatory');
  return userName;
}

export function checkPassword(password: string | undefined): string {
  if (!password) throw mandatory('Password is mandatory'); // [I]
  // Undocumented but measured (S7): anything outside [A-Za-z0-9_] is refused. Exotel's refusal looked
  // intermittent; ours is deterministic so a client bug shows every time. Message [I].
  if (!WORD.test(password)) throw invalid('Allowed characters for Password is alphanumeric and _');
  return password;
}

export function checkFriendlyName(friendlyName: string | undefined): string | null {
  if (friendlyName === undefined || friendlyName === '') return null;
  if (friendlyName.length > 32) throw invalid('Maximum allowed length for FriendlyName is 32'); // [I]
  // "alphanumberic" is Exotel's spelling (S7, live).
  if (!WORD.test(friendlyName)) throw invalid('Allowed characters for FriendlyName is alphanumberic and _');
  return friendlyName;
}

export function checkSettingName(name: string | undefined): 'trunk_external_alias' {
  if (!name) throw mandatory('Name is mandatory'); // [I]
  // No other setting name appears in any source.
  if (name !== 'trunk_external_alias') throw invalid('Invalid setting name'); // [I]
  return name;
}

export function checkAliasValue(value: string | undefined): string {
  if (!value) throw mandatory('Value is mandatory'); // [I]
  if (!E164.test(value)) throw invalid('Invalid PhoneNumber'); // [I] the alias is an E.164 number
  return value;
}

export function checkPriorityOrWeight(field: 'Priority' | 'Weight', value: number | undefined): number | undefined {
  if (value === undefined) return undefined;
  if (value < 0 || value > 65535) throw invalid(`${field} should be in-between 0 and 65535`); // [I]
  return value;
}

export interface ParsedDestination {
  host: string;
  port: number;
  transport: 'tcp' | 'tls';
  /** The host when it is an IPv4 literal. */
  ip: string | null;
}

const NOT_IP_OR_FQDN = 'Destination is not a valid Ip or Fqdn';

/**
 * Parses `host:port;transport=tcp|tls` (no `sip:` prefix: a prefixed value fails as a bad host).
 * [X] Exotel refuses UDP (S4, S7) although Postman samples send a bare `ip:port` and call it UDP:
 * a missing transport is therefore refused too.
 */
export function checkDestination(destination: string | undefined): ParsedDestination {
  if (!destination) throw mandatory('Destination is mandatory'); // [I]
  const [hostPort = '', ...params] = destination.split(';');
  const transport = params
    .map((p) => p.split('='))
    .find(([key]) => key?.trim().toLowerCase() === 'transport')?.[1]
    ?.trim()
    .toLowerCase();
  if (transport !== 'tcp' && transport !== 'tls') throw invalid('Transport should be tcp or tls'); // [I]
  const colon = hostPort.lastIndexOf(':');
  const host = colon < 0 ? hostPort : hostPort.slice(0, colon);
  const portText = colon < 0 ? '' : hostPort.slice(colon + 1);
  const port = /^\d{1,5}$/.test(portText) ? Number(portText) : NaN;
  if (!(port >= 1 && port <= 65535)) throw invalid('Invalid port'); // [I]
  if (isIPv4(host)) {
    if (!isPublicIPv4(host)) throw invalid(NOT_IP_OR_FQDN);
    return { host, port, transport, ip: host };
  }
  if (!isPublicFqdn(host)) throw invalid(NOT_IP_OR_FQDN);
  return { host: host.toLowerCase(), port, transport, ip: null };
}

export const destinationNotWhitelisted = (): ExotelError => invalid('Destination not whitelisted');

const toInt = (ip: string): number => ip.split('.').reduce((acc, octet) => acc * 256 + Number(octet), 0);

export function ipInCidr(ip: string, network: string, mask: number): boolean {
  const size = 2 ** (32 - mask);
  return Math.floor(toInt(ip) / size) === Math.floor(toInt(network) / size);
}

// Addresses Exotel cannot route a call to: private, loopback, link-local, CGNAT, multicast/reserved,
// and the RFC 5737 documentation ranges (observed: 203.0.113.50 is refused as a destination).
const NON_PUBLIC: [string, number][] = [
  ['0.0.0.0', 8], ['10.0.0.0', 8], ['100.64.0.0', 10], ['127.0.0.0', 8], ['169.254.0.0', 16],
  ['172.16.0.0', 12], ['192.0.0.0', 24], ['192.0.2.0', 24], ['192.168.0.0', 16], ['198.18.0.0', 15],
  ['198.51.100.0', 24], ['203.0.113.0', 24], ['224.0.0.0', 4], ['240.0.0.0', 4],
];

function isPublicIPv4(ip: string): boolean {
  return !NON_PUBLIC.some(([network, mask]) => ipInCidr(ip, network, mask));
}

const LABEL = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/;
const RESERVED_TLDS = new Set(['invalid', 'test', 'localhost', 'example']);

/**
 * Exotel refuses FQDNs that do not resolve. The simulator does no DNS (it must work offline), so it refuses
 * only names that can never resolve publicly: reserved TLDs and bare single labels [I].
 */
function isPublicFqdn(host: string): boolean {
  const name = host.toLowerCase().replace(/\.$/, '');
  const labels = name.split('.');
  const tld = labels[labels.length - 1] ?? '';
  return (
    name.length <= 253 &&
    labels.length >= 2 &&
    labels.every((label) => LABEL.test(label)) &&
    /^[a-z][a-z0-9-]*$/.test(tld) &&
    !RESERVED_TLDS.has(tld)
  );
}
