// The voice-AI platform's side of a setup: which platforms this project configures by their API, what it makes
// there, and the cross-check that both sides agree. Pure: the workflow reads both sides, this judges, so each
// mismatch kind is tested without a server.
/** `api`: this project creates the platform's objects; `manual`: a person follows the handoff sheet. */
export type ProviderSide = 'api' | 'manual';

/** Platforms whose side a setup configures by API (the others keep the sheet); their clients: voice-ai/. */
export const API_PROVIDERS = ['livekit', 'retell', 'elevenlabs', 'bolna', 'pipecat-daily', 'smallest-atoms'] as const;
export type ApiProvider = (typeof API_PROVIDERS)[number];

/** The first three came with the patch platform-side-by-api; setups begun before platform-side-more-platforms keep the sheet for these. */
export const LATER_API_PROVIDERS: readonly ApiProvider[] = ['bolna', 'pipecat-daily', 'smallest-atoms'];

/**
 * Why a direction of a platform is not configured by its API, where it is not: the sheet covers it. Daily dials out
 * per call from a room (`dialOut/start`), with nothing per customer to create [C]; Atoms returns no origination URL
 * by API and binds agents only in its dashboard [C], so an inbound setup needs the URL copied from there anyway.
 */
export const MANUAL_DIRECTIONS: Partial<Record<ApiProvider, Partial<Record<'outbound' | 'inbound', string>>>> = {
  'pipecat-daily': { outbound: 'Daily dials out per call from a room (dialOut/start): there is nothing per customer to create on Daily; follow the sheet for enable_dialout' },
  'smallest-atoms': { inbound: "Atoms returns no origination URL by API and binds agents only in its dashboard: import the number (an outbound setup does it by API), then copy the URL" },
};

/** Platforms whose accounts a worker may hold: exactly those with an API side (one list, so they cannot drift). */
export const ACCOUNT_PROVIDERS = API_PROVIDERS;
export type AccountProvider = ApiProvider;

/** The platforms whose objects are numbers, keyed by the number itself (one serves both directions). */
export type NumberProvider = 'retell' | 'elevenlabs';

/** How messages name each platform. */
export const PLATFORM_NAMES: Record<AccountProvider, string> = {
  livekit: 'LiveKit',
  retell: 'Retell',
  elevenlabs: 'ElevenLabs',
  bolna: 'Bolna',
  'pipecat-daily': 'Daily',
  'smallest-atoms': 'Smallest AI Atoms',
};

export const isApiProvider = (provider: string | undefined): provider is ApiProvider => (API_PROVIDERS as readonly string[]).includes(provider ?? '');

/** What a worker says of a platform account: never its keys. */
export interface PlatformAccountInfo {
  name: string;
  provider: AccountProvider;
  /** LiveKit: the host its SIP service answers on (e.g. `abc123.sip.livekit.cloud`), when configured. */
  sipHost?: string;
  /** Daily: the account's domain, the first part of its SIP trunks' hosts (`<domain>-<trunk>.siptrunk.sip-us.daily.co`). */
  domain?: string;
}

/** Retell's numbers are identified by the E.164 number itself, ElevenLabs' by the phone_number_id it makes up. */
export type PlatformObjectKind =
  | 'livekit-outbound-trunk'
  | 'livekit-inbound-trunk'
  | 'livekit-dispatch-rule'
  | 'retell-phone-number'
  | 'elevenlabs-phone-number'
  /** One trunk per customer, both directions (a number can be on one trunk only [I]); its parts below by `trunkId/partId`. */
  | 'bolna-trunk'
  | 'bolna-gateway'
  | 'bolna-ip-acl'
  | 'bolna-number'
  | 'daily-sip-trunk'
  /** Atoms lists imported numbers but has no delete or update of one by API [C]. */
  | 'atoms-phone-number';

/** One object this setup made (or found) on the platform, by the id the platform gave it. */
export interface PlatformObject {
  kind: PlatformObjectKind;
  id: string;
  name: string;
  /**
   * Set only on an object this setup found of its own name (a number the customer's other direction imported):
   * `pre-existing`, and never to be deleted for this setup, which changed at most some of its fields. The line
   * takes both as its ownership (domain/line.ts lineFromSetup lets an object's own say override the default).
   */
  origin?: 'created' | 'adopted' | 'pre-existing';
  mayDelete?: boolean;
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
  /** What the cross-check could not see on the platform, for a person to confirm. */
  unverified?: string;
}

/** LiveKit's SIP media encryption settings, as its API spells them (livekit/protocol SIPMediaEncryption). */
export type MediaEncryption = 'disable' | 'allow' | 'require';

/**
 * Exotel's TLS samples offer SRTP in both directions (`RTP/SAVP`, `a=crypto`) [D]; LiveKit's trunks default to no
 * media encryption [C]. So a TLS trunk allows it (answering SRTP when offered, plain RTP otherwise); TCP has none.
 */
export const mediaEncryptionFor = (transport: 'tls' | 'tcp'): MediaEncryption => (transport === 'tls' ? 'allow' : 'disable');

/**
 * Deterministic names of what a setup makes on a platform: a retried step finds what an earlier attempt made. A
 * number serves both directions, so its name (Retell's nickname, ElevenLabs' label) says only whose it is: the
 * customer's other direction finds it as its own. Neither SDK documents a length limit for either; with the
 * customerId rule (at most 100 characters) a name stays within 110.
 */
export function platformObjectName(kind: PlatformObjectKind, customerId: string): string {
  const what: Record<PlatformObjectKind, string | null> = {
    'livekit-outbound-trunk': 'out',
    'livekit-inbound-trunk': 'in',
    'livekit-dispatch-rule': 'rule',
    'retell-phone-number': null,
    'elevenlabs-phone-number': null,
    'bolna-trunk': null,
    // Parts and Daily's trunk are named by what they hold (their key), not by this rule.
    'bolna-gateway': null,
    'bolna-ip-acl': null,
    'bolna-number': null,
    'daily-sip-trunk': null,
    'atoms-phone-number': null,
  };
  const suffix = what[kind];
  return suffix ? `exotel-${customerId}-${suffix}` : `exotel-${customerId}`;
}

export type CrossCheckKind = 'missing' | 'number' | 'address' | 'transport' | 'credential' | 'media-encryption' | 'destination' | 'dispatch';

export interface CrossCheckMismatch {
  kind: CrossCheckKind;
  /** What is wrong, naming both sides' values. */
  detail: string;
}

/** LiveKit numbers match with or without the leading `+` (livekit/protocol #737) [C]. */
const sameNumber = (a: string, b: string) => a.replace(/^\+/, '') === b.replace(/^\+/, '');

type Transport = 'tls' | 'tcp';
type Edge = { host: string; port: number; transport: Transport };
/** An inbound destination as Exotel holds it (domain/rules.ts parseDestination). */
type Destination = { host: string; port: number; transport: Transport };

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
export function crossCheckOutbound(exotel: { edge: Edge; userName: string; dids: string[] }, trunk: LiveKitOutboundTrunkView | null): CrossCheckMismatch[] {
  if (!trunk) return [{ kind: 'missing', detail: 'the LiveKit outbound trunk is not there' }];
  const out = dialsEdge('LiveKit', exotel, { address: trunk.address, transport: trunk.transport, userName: trunk.authUsername });
  for (const did of exotel.dids) if (!trunk.numbers.some((n) => sameNumber(n, did))) out.push({ kind: 'number', detail: `${did} is mapped on Exotel but not a number of the LiveKit trunk` });
  out.push(...mediaMismatch('LiveKit', exotel.edge.transport, trunk.mediaEncryption));
  return out;
}

/** What LiveKit holds of an inbound trunk and its dispatch rule, as read back. */
export interface LiveKitInboundView {
  trunk: { id: string; numbers: string[]; mediaEncryption: MediaEncryption } | null;
  rule: { id: string; trunkIds: string[] } | null;
}

/** LiveKit's SIP service listens on the SIP defaults (the livekit profile's ports). */
const SIP_DEFAULT_PORTS: Record<Transport, number> = { tls: 5061, tcp: 5060 };

/**
 * Inbound: Exotel sends to the LiveKit SIP host (when the account names it), each DID is a number of the inbound
 * trunk, a dispatch rule takes that trunk's calls, and media encryption suits the transport.
 */
export function crossCheckInbound(exotel: { dids: string[]; destinations: Destination[] }, livekit: LiveKitInboundView, sipHost: string | undefined): CrossCheckMismatch[] {
  const out: CrossCheckMismatch[] = [];
  if (!livekit.trunk) return [{ kind: 'missing', detail: 'the LiveKit inbound trunk is not there' }];
  for (const did of exotel.dids) if (!livekit.trunk.numbers.some((n) => sameNumber(n, did))) out.push({ kind: 'number', detail: `${did} rings on Exotel's trunk but is not a number of the LiveKit inbound trunk` });
  if (!livekit.rule) out.push({ kind: 'missing', detail: 'no LiveKit dispatch rule takes the calls' });
  else if (!livekit.rule.trunkIds.includes(livekit.trunk.id)) out.push({ kind: 'dispatch', detail: `dispatch rule ${livekit.rule.id} does not name trunk ${livekit.trunk.id}` });
  for (const d of exotel.destinations) {
    out.push(...sendsToPlatform('LiveKit', d, { host: sipHost, ports: SIP_DEFAULT_PORTS }));
    out.push(...mediaMismatch('LiveKit', d.transport, livekit.trunk.mediaEncryption));
  }
  return out;
}

/**
 * What Retell or ElevenLabs holds of one number, as read back (workflows/platform-side/cross-check.ts reads each client's view
 * into this). Neither shows a password.
 */
export interface PlatformNumberView {
  number: string;
  /** Retell's nickname, ElevenLabs' label. */
  name: string | null;
  /** How the platform dials Exotel with the number as caller id (Retell's termination, ElevenLabs' outbound trunk); null: it has none. */
  outbound: { address: string | null; transport: string; userName: string | null; mediaEncryption?: MediaEncryption } | null;
  /** How it takes calls to the number: ElevenLabs' inbound trunk (null: none); Retell has no settings of its own here. */
  inbound: { mediaEncryption?: MediaEncryption } | null;
}

/** Outbound: for each DID, the platform holds the number and dials Exotel's edge, in its transport, as the digest user. */
export function crossCheckNumbersOutbound(provider: NumberProvider, exotel: { edge: Edge; userName: string; dids: string[] }, numbers: PlatformNumberView[]): CrossCheckMismatch[] {
  const platform = PLATFORM_NAMES[provider];
  return exotel.dids.flatMap((did): CrossCheckMismatch[] => {
    const held = numbers.find((n) => n.number === did);
    if (!held) return [{ kind: 'number', detail: `${did} is mapped on Exotel but ${platform} does not hold it` }];
    if (!held.outbound) return [{ kind: 'missing', detail: `${platform} has no outbound trunk for ${did}` }];
    return [
      ...dialsEdge(platform, exotel, held.outbound).map((m) => ({ ...m, detail: `${did}: ${m.detail}` })),
      ...(held.outbound.mediaEncryption ? mediaMismatch(platform, exotel.edge.transport, held.outbound.mediaEncryption) : []),
    ];
  });
}

/** Where the platform documents that it takes SIP (its profile's inbound target), by the transports it takes. */
export interface PlatformSipHost {
  host: string;
  ports: Partial<Record<Transport, number>>;
}

/**
 * Inbound: every DID is a number the platform holds (it routes by the called number), taking calls with media
 * encryption that suits each destination's transport, and Exotel sends to the platform's documented SIP host on
 * its port for the transport.
 */
export function crossCheckNumbersInbound(
  provider: NumberProvider,
  exotel: { dids: string[]; destinations: Destination[] },
  numbers: PlatformNumberView[],
  documented: PlatformSipHost | undefined,
): CrossCheckMismatch[] {
  const platform = PLATFORM_NAMES[provider];
  const out: CrossCheckMismatch[] = [];
  for (const did of exotel.dids) {
    const held = numbers.find((n) => n.number === did);
    if (!held) out.push({ kind: 'number', detail: `${did} rings on Exotel's trunk but ${platform} does not hold it` });
    else if (!held.inbound) out.push({ kind: 'missing', detail: `${platform} has no inbound trunk for ${did}` });
    else {
      const media = held.inbound.mediaEncryption;
      if (media) for (const d of exotel.destinations) out.push(...mediaMismatch(platform, d.transport, media).map((m) => ({ ...m, detail: `${did}: ${m.detail}` })));
    }
  }
  for (const d of exotel.destinations) out.push(...sendsToPlatform(platform, d, documented ?? { ports: {} }));
  return out;
}

/** What Bolna holds of a customer's trunk, as read back (voice-ai/bolna.ts BolnaTrunkView has this shape and more). */
export interface BolnaTrunkSnapshot {
  id: string;
  inboundEnabled: boolean;
  outboundEnabled: boolean;
  transport: string;
  authUsername: string | null;
  gateways: { host: string; port: number }[];
  ipAcls: { cidr: string }[];
  numbers: { e164: string }[];
}

/** Outbound: Bolna's trunk dials Exotel's edge (a gateway), in its transport, as the digest user, from the numbers. */
export function crossCheckBolnaOutbound(exotel: { edge: Edge; userName: string; dids: string[] }, trunk: BolnaTrunkSnapshot | null): CrossCheckMismatch[] {
  if (!trunk) return [{ kind: 'missing', detail: 'the Bolna trunk is not there' }];
  const out: CrossCheckMismatch[] = [];
  if (!trunk.outboundEnabled) out.push({ kind: 'missing', detail: `Bolna trunk ${trunk.id} has outbound calls turned off` });
  const gateway = trunk.gateways.find((g) => isEdge(`${g.host}:${g.port}`, exotel.edge));
  out.push(...dialsEdge('Bolna', exotel, { address: gateway ? `${gateway.host}:${gateway.port}` : (trunk.gateways[0] && `${trunk.gateways[0].host}:${trunk.gateways[0].port}`) ?? null, transport: trunk.transport, userName: trunk.authUsername }));
  out.push(...missingNumbers('Bolna', exotel.dids, trunk.numbers.map((n) => n.e164), 'is mapped on Exotel but not a number of the Bolna trunk'));
  return out;
}

/**
 * Inbound: Bolna takes the numbers on an inbound-enabled trunk, admits Exotel's signalling IPs (it answers 403 to
 * any other source [C]), and Exotel sends to Bolna's documented host and port.
 */
export function crossCheckBolnaInbound(
  exotel: { dids: string[]; destinations: Destination[]; signallingIps: string[] },
  trunk: BolnaTrunkSnapshot | null,
  documented: PlatformSipHost | undefined,
): CrossCheckMismatch[] {
  if (!trunk) return [{ kind: 'missing', detail: 'the Bolna trunk is not there' }];
  const out: CrossCheckMismatch[] = [];
  if (!trunk.inboundEnabled) out.push({ kind: 'missing', detail: `Bolna trunk ${trunk.id} has inbound calls turned off` });
  out.push(...missingNumbers('Bolna', exotel.dids, trunk.numbers.map((n) => n.e164), "rings on Exotel's trunk but is not a number of the Bolna trunk"));
  const admitted = new Set(trunk.ipAcls.map((a) => asCidr(a.cidr)));
  for (const ip of exotel.signallingIps) if (!admitted.has(asCidr(ip))) out.push({ kind: 'address', detail: `Bolna does not admit Exotel's signalling IP ${ip}: it answers 403 to calls from it` });
  for (const d of exotel.destinations) out.push(...sendsToPlatform('Bolna', d, documented ?? { ports: {} }));
  return out;
}

/** A bare IP as Bolna stores it (`/32`), so both spellings compare equal [C]. */
export const asCidr = (ip: string): string => (ip.includes('/') ? ip.trim() : `${ip.trim()}/32`);

/** What Daily holds of a SIP trunk, as read back (voice-ai/daily.ts DailyTrunkView has this shape and more). */
export interface DailyTrunkSnapshot {
  id: string;
  sipHost: string;
  enabled: boolean;
  allowedIps: string[];
  isOpen: boolean;
}

/** Inbound: Exotel sends to the Daily trunk's own SIP host; the trunk is on and admits Exotel's IPs (or is open). */
export function crossCheckDailyInbound(exotel: { destinations: Destination[]; signallingIps: string[] }, trunk: DailyTrunkSnapshot | null): CrossCheckMismatch[] {
  if (!trunk) return [{ kind: 'missing', detail: 'the Daily SIP trunk is not there' }];
  const out: CrossCheckMismatch[] = [];
  if (!trunk.enabled) out.push({ kind: 'missing', detail: `Daily SIP trunk ${trunk.id} is disabled` });
  for (const d of exotel.destinations) out.push(...sendsToPlatform('Daily', d, { host: trunk.sipHost, ports: {} }));
  if (!trunk.isOpen) {
    const allowed = new Set(trunk.allowedIps.map(asCidr));
    for (const ip of exotel.signallingIps) if (!allowed.has(asCidr(ip))) out.push({ kind: 'address', detail: `Daily SIP trunk ${trunk.id} does not admit Exotel's signalling IP ${ip}` });
  }
  return out;
}

/** Daily's SIP trunk hosts: `<domain>-<trunk_name>.siptrunk.sip-us.daily.co` [C]. */
const DAILY_TRUNK_HOST = '.siptrunk.sip-us.daily.co';

/**
 * The trunk name a Daily destination host names on the account's domain, or why it names none. Daily's trunk names
 * are 3-63 lower-case letters and digits, no hyphens, and `<domain>-<trunk_name>` is one DNS label of at most 63
 * (daily-ruby's SipTrunk docs [C]).
 */
export function dailyTrunkNameOf(host: string, domain: string): { trunkName: string } | { problem: string } {
  const prefix = `${domain.toLowerCase()}-`;
  const h = host.toLowerCase();
  if (!h.startsWith(prefix) || !h.endsWith(DAILY_TRUNK_HOST)) return { problem: `${host} is not a SIP trunk host of Daily domain ${domain} (${prefix}<trunk name>${DAILY_TRUNK_HOST})` };
  const label = h.slice(0, h.length - DAILY_TRUNK_HOST.length);
  const trunkName = label.slice(prefix.length);
  if (!/^[a-z0-9]{3,63}$/.test(trunkName)) return { problem: `trunk name ${trunkName} in ${host}: Daily takes 3-63 lower-case letters and digits, no hyphens` };
  if (label.length > 63) return { problem: `${label} in ${host} is longer than a host label may be (63)` };
  return { trunkName };
}

/** Whether media encryption of a platform suits Exotel's transport: the rule of the cross-checks. */
export const mediaSuits = (transport: Transport, media: MediaEncryption): boolean => mediaMismatch('', transport, media).length === 0;

/** Every DID is a number the platform lists (all a platform shows that lists no settings of a number, like Atoms). */
export const crossCheckListedNumbers = (platform: string, dids: string[], held: string[]): CrossCheckMismatch[] => missingNumbers(platform, dids, held, `is mapped on Exotel but ${platform} does not list it`);

function missingNumbers(platform: string, dids: string[], held: string[], detail: string): CrossCheckMismatch[] {
  return dids.filter((did) => !held.some((n) => sameNumber(n, did))).map((did) => ({ kind: 'number' as const, detail: `${did} ${detail}` }));
}

/** The address, transport and digest user a platform dials Exotel with, against Exotel's edge and user. */
function dialsEdge(platform: string, exotel: { edge: Edge; userName: string }, dials: { address: string | null; transport: string; userName: string | null }): CrossCheckMismatch[] {
  const out: CrossCheckMismatch[] = [];
  const { edge } = exotel;
  if (!isEdge(dials.address, edge)) out.push({ kind: 'address', detail: `${platform} dials ${dials.address ?? '(nothing)'}, Exotel's edge is ${edge.host}:${edge.port}` });
  if (dials.transport !== edge.transport) out.push({ kind: 'transport', detail: `${platform} uses ${dials.transport}, Exotel's edge takes ${edge.transport}` });
  if (dials.userName !== exotel.userName) out.push({ kind: 'credential', detail: `${platform} authenticates as ${dials.userName || '(nobody)'}, Exotel's digest user is ${exotel.userName}` });
  return out;
}

/** `host` or `host:port` is Exotel's edge: the host in any case, the port when one is given. */
export function isEdge(address: string | null, edge: { host: string; port: number }): boolean {
  if (address === null) return false;
  const [host, port] = splitAddress(address);
  return host.toLowerCase() === edge.host.toLowerCase() && (port === undefined || port === edge.port);
}

/** Exotel sends to the platform's SIP host (when known) on the port it takes that transport on. */
function sendsToPlatform(platform: string, d: Destination, sip: { host?: string | undefined; ports: Partial<Record<Transport, number>> }): CrossCheckMismatch[] {
  const out: CrossCheckMismatch[] = [];
  if (sip.host && d.host.toLowerCase() !== sip.host.toLowerCase()) out.push({ kind: 'destination', detail: `Exotel sends to ${d.host}, the ${platform} SIP host is ${sip.host}` });
  const expectedPort = sip.ports[d.transport];
  if (expectedPort !== undefined && d.port !== expectedPort) out.push({ kind: 'destination', detail: `Exotel sends ${d.transport} to port ${d.port}; ${platform}'s SIP service listens for ${d.transport} on ${expectedPort}` });
  return out;
}

function mediaMismatch(platform: string, transport: Transport, media: MediaEncryption): CrossCheckMismatch[] {
  if (transport === 'tls' && media === 'disable') return [{ kind: 'media-encryption', detail: `TLS signalling with ${platform}'s media encryption off: Exotel offers SRTP over TLS, so allow or require it` }];
  if (transport === 'tcp' && media === 'require') return [{ kind: 'media-encryption', detail: `${platform} requires media encryption, which Exotel offers only over TLS` }];
  return [];
}

function splitAddress(address: string): [string, number | undefined] {
  const m = /^(.*?)(?::(\d+))?$/.exec(address.trim());
  return [m?.[1] ?? address, m?.[2] ? Number(m[2]) : undefined];
}
