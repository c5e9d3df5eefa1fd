// The voice-AI platform's side of a setup: which platforms this project configures by their API, what it makes
// there, and the cross-check that both sides agree. Pure: the workflow reads both sides, this judges, so each
// mismatch kind is tested without a server.
/** `api`: this project creates the platform's objects; `manual`: a person follows the handoff sheet. */
export type ProviderSide = 'api' | 'manual';

/** Platforms whose accounts a worker may hold (their clients: voice-ai/). */
export const ACCOUNT_PROVIDERS = ['livekit', 'retell', 'elevenlabs'] as const;
export type AccountProvider = (typeof ACCOUNT_PROVIDERS)[number];

/** Platforms whose side a setup configures by API today (the others keep the sheet). */
export const API_PROVIDERS = ['livekit'] as const;
export type ApiProvider = (typeof API_PROVIDERS)[number];

export const isApiProvider = (provider: string | undefined): provider is ApiProvider => (API_PROVIDERS as readonly string[]).includes(provider ?? '');

/** What a worker says of a platform account: never its keys. */
export interface PlatformAccountInfo {
  name: string;
  provider: AccountProvider;
  /** LiveKit: the host its SIP service answers on (e.g. `abc123.sip.livekit.cloud`), when configured. */
  sipHost?: string;
}

export type PlatformObjectKind = 'livekit-outbound-trunk' | 'livekit-inbound-trunk' | 'livekit-dispatch-rule';

/** One object this setup made (or found) on the platform, by the id the platform gave it. */
export interface PlatformObject {
  kind: PlatformObjectKind;
  id: string;
  name: string;
}

/** How the platform's side of a setup went: part of its result and its status. */
export interface PlatformSideResult {
  mode: ProviderSide;
  /** With `api`: whose API. */
  provider?: AccountProvider;
  /** Why it is manual when the platform has an API (`providerSide: manual` asked, or no account on the worker). */
  reason?: string;
  account?: string;
  /** What the setup made on the platform (cross-checked against Exotel before the setup succeeded). */
  objects: PlatformObject[];
}

/** LiveKit's SIP media encryption settings, as its API spells them (livekit/protocol SIPMediaEncryption). */
export type MediaEncryption = 'disable' | 'allow' | 'require';

/**
 * Exotel's TLS samples offer SRTP in both directions (`RTP/SAVP`, `a=crypto`) [D]; LiveKit's trunks default to no
 * media encryption [C]. So a TLS trunk allows it (answering SRTP when offered, plain RTP otherwise); TCP has none.
 */
export const mediaEncryptionFor = (transport: 'tls' | 'tcp'): MediaEncryption => (transport === 'tls' ? 'allow' : 'disable');

/** Deterministic names of what a setup makes on a platform: a retried step finds what an earlier attempt made. */
export function platformObjectName(kind: PlatformObjectKind, customerId: string): string {
  const what: Record<PlatformObjectKind, string> = {
    'livekit-outbound-trunk': 'out',
    'livekit-inbound-trunk': 'in',
    'livekit-dispatch-rule': 'rule',
  };
  return `exotel-${customerId}-${what[kind]}`;
}

export type CrossCheckKind = 'missing' | 'number' | 'address' | 'transport' | 'credential' | 'media-encryption' | 'destination' | 'dispatch';

export interface CrossCheckMismatch {
  kind: CrossCheckKind;
  /** What is wrong, naming both sides' values. */
  detail: string;
}

/** LiveKit numbers match with or without the leading `+` (livekit/protocol #737) [C]. */
const sameNumber = (a: string, b: string) => a.replace(/^\+/, '') === b.replace(/^\+/, '');

/** What LiveKit holds of an outbound trunk, as read back. */
export interface LiveKitOutboundTrunkView {
  id: string;
  address: string;
  transport: 'tls' | 'tcp' | 'udp' | 'auto';
  numbers: string[];
  authUsername: string;
  mediaEncryption: MediaEncryption;
}

/** Outbound: LiveKit dials Exotel's edge, in its transport, as the digest user, with the numbers as caller ids. */
export function crossCheckOutbound(
  exotel: { edge: { host: string; port: number; transport: 'tls' | 'tcp' }; userName: string; dids: string[] },
  trunk: LiveKitOutboundTrunkView | null,
): CrossCheckMismatch[] {
  if (!trunk) return [{ kind: 'missing', detail: 'the LiveKit outbound trunk is not there' }];
  const out: CrossCheckMismatch[] = [];
  const [host, port] = splitAddress(trunk.address);
  if (host.toLowerCase() !== exotel.edge.host.toLowerCase() || (port !== undefined && port !== exotel.edge.port)) {
    out.push({ kind: 'address', detail: `LiveKit dials ${trunk.address}, Exotel's edge is ${exotel.edge.host}:${exotel.edge.port}` });
  }
  if (trunk.transport !== exotel.edge.transport) out.push({ kind: 'transport', detail: `LiveKit uses ${trunk.transport}, Exotel's edge takes ${exotel.edge.transport}` });
  if (trunk.authUsername !== exotel.userName) out.push({ kind: 'credential', detail: `LiveKit authenticates as ${trunk.authUsername || '(nobody)'}, Exotel's digest user is ${exotel.userName}` });
  for (const did of exotel.dids) if (!trunk.numbers.some((n) => sameNumber(n, did))) out.push({ kind: 'number', detail: `${did} is mapped on Exotel but not a number of the LiveKit trunk` });
  out.push(...mediaMismatch(exotel.edge.transport, trunk.mediaEncryption));
  return out;
}

/** What LiveKit holds of an inbound trunk and its dispatch rule, as read back. */
export interface LiveKitInboundView {
  trunk: { id: string; numbers: string[]; mediaEncryption: MediaEncryption } | null;
  rule: { id: string; trunkIds: string[] } | null;
}

/**
 * Inbound: Exotel sends to the LiveKit SIP host (when the account names it), each DID is a number of the inbound
 * trunk, a dispatch rule takes that trunk's calls, and media encryption suits the transport.
 */
export function crossCheckInbound(
  exotel: { dids: string[]; destinations: { host: string; port: number; transport: 'tls' | 'tcp' }[] },
  livekit: LiveKitInboundView,
  sipHost: string | undefined,
): CrossCheckMismatch[] {
  const out: CrossCheckMismatch[] = [];
  if (!livekit.trunk) return [{ kind: 'missing', detail: 'the LiveKit inbound trunk is not there' }];
  for (const did of exotel.dids) if (!livekit.trunk.numbers.some((n) => sameNumber(n, did))) out.push({ kind: 'number', detail: `${did} rings on Exotel's trunk but is not a number of the LiveKit inbound trunk` });
  if (!livekit.rule) out.push({ kind: 'missing', detail: 'no LiveKit dispatch rule takes the calls' });
  else if (!livekit.rule.trunkIds.includes(livekit.trunk.id)) out.push({ kind: 'dispatch', detail: `dispatch rule ${livekit.rule.id} does not name trunk ${livekit.trunk.id}` });
  for (const d of exotel.destinations) {
    if (sipHost && d.host.toLowerCase() !== sipHost.toLowerCase()) out.push({ kind: 'destination', detail: `Exotel sends to ${d.host}, the LiveKit SIP host is ${sipHost}` });
    const expectedPort = d.transport === 'tls' ? 5061 : 5060;
    if (d.port !== expectedPort) out.push({ kind: 'destination', detail: `Exotel sends ${d.transport} to port ${d.port}; LiveKit's SIP service listens for ${d.transport} on ${expectedPort}` });
    out.push(...mediaMismatch(d.transport, livekit.trunk.mediaEncryption));
  }
  return out;
}

function mediaMismatch(transport: 'tls' | 'tcp', media: MediaEncryption): CrossCheckMismatch[] {
  if (transport === 'tls' && media === 'disable') return [{ kind: 'media-encryption', detail: "TLS signalling with LiveKit's media encryption off: Exotel offers SRTP over TLS, so allow or require it" }];
  if (transport === 'tcp' && media === 'require') return [{ kind: 'media-encryption', detail: 'LiveKit requires media encryption, which Exotel offers only over TLS' }];
  return [];
}

function splitAddress(address: string): [string, number | undefined] {
  const m = /^(.*?)(?::(\d+))?$/.exec(address.trim());
  return [m?.[1] ?? address, m?.[2] ? Number(m[2]) : undefined];
}

