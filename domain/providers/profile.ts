// The shape of a provider profile: pure data that validate.ts and handoff.ts interpret.
// Templates are strings with `{{name}}` placeholders (single braces stay literal, as in API paths): in an inbound
// host they name fields, in a sheet they name SHEET_PLACEHOLDERS.
import type { Direction } from '../setup';

export type Transport = 'tls' | 'tcp';

/** A field equals a value, or is given at all (or not). Fields are read with their defaults applied. */
export type Condition = { field: string; equals: string } | { field: string; given: boolean };

/** The first variant whose `when` holds (or that has none) is the one used. */
export type Variant<T> = T & { when?: Condition };

export type FieldRule =
  | { kind: 'oneOf'; values: readonly string[] }
  | { kind: 'pattern'; pattern: RegExp; wording: string }
  /** A whole Exotel destination `host:port;transport=tls|tcp` the user copies from the platform. */
  | { kind: 'destination'; hint: string };

export interface FieldSpec {
  key: string;
  label: string;
  description: string;
  usedFor: readonly Direction[];
  requiredFor: readonly Direction[];
  rule: FieldRule;
  example: string;
  default?: string;
}

/** The field through which a user picks between digest and the platform's published static IPs. */
export const AUTH_CHOICE_FIELD = 'outboundAuth';
/** The field through which a user picks the transport of a derived inbound destination. */
export const TRANSPORT_FIELD = 'transport';

export type InboundTarget =
  /** Exotel sends to a host derived from the fields, on the port of the chosen (or default) transport. */
  | { kind: 'template'; host: string; ports: Partial<Record<Transport, number>>; defaultTransport: Transport }
  /** Exotel sends to a destination the user copies from the platform's console into `field`. */
  | { kind: 'given'; field: string };

export type SheetEntrySpec =
  | { label: string; value: string; note?: string }
  /** The SIP password: the sheet carries a placeholder, never the secret. */
  | { label: string; secret: true; note?: string };

export interface SheetSectionSpec {
  title: string;
  /** The console page or API request where the entries go. */
  where: string;
  entries: readonly Variant<SheetEntrySpec>[];
}

export interface DirectionProfile {
  /** Shown first among the sheet's pitfalls and in `listProviders`: this path is unusual or unverified. */
  warning?: string;
  sheet: readonly Variant<SheetSectionSpec>[];
  pitfalls: readonly Variant<{ text: string }>[];
}

export interface InboundProfile extends DirectionProfile {
  targets: readonly Variant<InboundTarget>[];
}

export type OutboundAuth = 'digest' | 'digest-or-acl' | 'acl-only';

export interface OutboundProfile extends DirectionProfile {
  /** `digest-or-acl` offers the AUTH_CHOICE_FIELD; `acl-only` platforms cannot answer a digest challenge at all. */
  auth: OutboundAuth;
  /** Single static egress IPs the platform publishes (Exotel's ACL takes /32s only); empty when it publishes none. */
  publishedIps: readonly Variant<{ ips: readonly string[] }>[];
  /** How the platform spells each transport it can send to Exotel's edge; a transport left out cannot be used. */
  transports: readonly Variant<{ spelling: Partial<Record<Transport, string>> }>[];
}

export interface ProviderProfile {
  name: string;
  fields: readonly FieldSpec[];
  /** How the platform wants phone numbers written; shown as a pitfall in both directions. */
  numberFormat: string;
  /** Absent when the platform cannot be set up in that direction. */
  inbound?: InboundProfile;
  outbound?: OutboundProfile;
}

/** What a sheet template may name; handoff.ts fills each from the setup results (or a `<…>` placeholder). */
export const SHEET_PLACEHOLDERS = [
  'did', // the DID in E.164
  'didDigits', // the DID without its +
  'didCountry', // ISO 3166 alpha-2 of the DID, lowercase
  'edge', // Exotel's edge as host:port, in a transport the platform can use
  'edgeHost',
  'edgePort',
  'transport', // that transport, spelled the platform's way
  'sipDomain', // {account_sid}.pstn.exotel.com, the digest realm
  'sipUserName',
  'trunkSid',
  'dialWhom', // what the Flow's Connect applet dials: sip:<trunk_sid>
  'destination', // the first inbound destination this setup gives Exotel
  'destinationTransport',
  'aclIps', // the platform's published static IPs the user chose to allowlist
] as const;

export type SheetPlaceholder = (typeof SHEET_PLACEHOLDERS)[number];

export const transportField = (usedFor: readonly Direction[], description: string, example: Transport): FieldSpec => ({
  key: TRANSPORT_FIELD,
  label: 'Transport',
  description,
  usedFor,
  requiredFor: [],
  rule: { kind: 'oneOf', values: ['tls', 'tcp'] },
  example,
});

/** The field through which a user gives Exotel's signalling IPs, for platforms that admit calls by source IP. */
export const SIGNALLING_IPS_FIELD = 'exotelSignallingIps';

/**
 * Exotel publishes no signalling IPs [D]: the user asks Exotel. Platforms that admit calls only from listed sources
 * (Bolna, Daily) need them when their side is configured by API; the setup says so if they are missing.
 */
export const signallingIpsField = (platform: string): FieldSpec => ({
  key: SIGNALLING_IPS_FIELD,
  label: "Exotel's signalling IPs",
  description: `the IPs Exotel sends SIP from (ask Exotel), comma-separated: with the platform side by API the setup admits them on ${platform}`,
  usedFor: ['inbound'],
  requiredFor: [],
  rule: {
    kind: 'pattern',
    // Commas, semicolons, spaces or line breaks between them: a column pasted from a spreadsheet works as typed.
    pattern: /^\d{1,3}(?:\.\d{1,3}){3}(?:\/(?:3[0-2]|[12]?\d))?(?:[\s,;]+\d{1,3}(?:\.\d{1,3}){3}(?:\/(?:3[0-2]|[12]?\d))?)*$/,
    wording: 'must be IPv4 addresses or CIDRs, separated by commas, semicolons, spaces or lines',
  },
  example: '203.0.113.10, 203.0.113.11',
});

/** The addresses of a signalling IPs field, one per entry. */
export const signallingIpsOf = (fields: Record<string, string> | undefined): string[] =>
  (fields?.[SIGNALLING_IPS_FIELD] ?? '').split(/[\s,;]+/).filter(Boolean);
