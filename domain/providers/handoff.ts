// The handoff sheet: exactly what to enter where on the platform, the Exotel console steps no API does, and the
// pitfalls. It never holds the SIP password; only rendering with `reveal` puts it in.
import { IssueCollector } from '../issues';
import { bareIp, isIpv4, parseDestination } from '../rules';
import type { Direction } from '../setup';
import type { InboundSetupResult, OutboundSetupResult, SipEdge } from '../setup-result';
import { PROVIDERS, type ProviderId } from './catalog';
import {
  ACL_AND_DIGEST_PITFALL,
  EXOTEL_CONSOLE_STEPS,
  EXOTEL_EDGE_PORTS,
  EXOTEL_PITFALLS,
  IP_DESTINATION_PITFALL,
  NO_EDGE_PITFALL,
} from './exotel-side';
import type { HandoffEntry, HandoffSection, HandoffSheet } from './handoff-sheet';
import type { ProviderProfile, SheetEntrySpec, SheetPlaceholder, Transport } from './profile';
import { applicable, fieldValues, fill, pick, type FieldValues } from './resolve';
import { checkFields, deriveInboundDestinations, outboundAclIpsFor } from './validate';

export const SIP_PASSWORD_PLACEHOLDER = '<sip password: run with --reveal>';

export interface HandoffSheetArgs {
  provider: ProviderId;
  direction: Direction;
  fields: Record<string, unknown> | undefined;
  outbound?: OutboundSetupResult;
  inbound?: InboundSetupResult;
  /** The DID in E.164, for sheets without an outbound result (an inbound result does not carry it). */
  did?: string;
  /** The IPs the outbound setup allowlisted, so the sheet can warn about them. */
  providerIps?: string[];
}

export interface RevealOptions {
  reveal?: { sipPassword: string };
}

/** Throws InputValidationError when the fields do not suit the platform and direction. */
export function buildHandoffSheet(args: HandoffSheetArgs): HandoffSheet {
  const { provider, direction } = args;
  const c = new IssueCollector();
  checkFields(c, provider, direction, args.fields);
  c.throwIfAny();
  const profile = PROVIDERS[provider];
  const side = profile[direction];
  if (!side) throw new Error(`${provider} has no ${direction} profile`); // checkFields refused it already
  const values = fieldValues(profile, args.fields);
  const destinations = direction === 'inbound' ? deriveInboundDestinations(provider, args.fields) : [];
  const edge = edgeForPlatform(profile, values, args.outbound);
  const aclIps = direction === 'outbound' ? outboundAclIpsFor(provider, args.fields) : [];
  const placeholders = placeholderValues(args, edge, destinations, aclIps);
  const text = (template: string) => fill(template, placeholders);

  const sections: HandoffSection[] = applicable(side.sheet, values).map((s) => ({
    title: text(s.title),
    where: text(s.where),
    entries: applicable(s.entries, values).map((e) => entryOf(e, text)),
  }));
  const exotel = exotelSection(direction, args, edge, destinations);
  if (exotel) sections.push(exotel);

  const platformPitfalls = [
    ...(side.warning ? [side.warning] : []),
    ...applicable(side.pitfalls, values).map((p) => p.text),
    profile.numberFormat,
  ];
  // Computed pitfalls may quote user input (IPs), so only catalog text goes through the template filler.
  const pitfalls = [
    ...platformPitfalls.map(text),
    ...edgePitfalls(profile, direction, args.outbound, edge),
    ...(direction === 'outbound' ? aclPitfalls(profile, values, args.providerIps ?? [], aclIps) : []),
    ...(destinations.some((d) => isIpv4(hostOf(d))) ? [IP_DESTINATION_PITFALL] : []),
    ...EXOTEL_PITFALLS[direction].map(text),
  ];

  return {
    provider,
    providerName: profile.name,
    direction,
    sections,
    exotelConsoleSteps: EXOTEL_CONSOLE_STEPS[direction].map(text),
    pitfalls,
  };
}

/** The sheet as a JSON-able object; the SIP password replaces its placeholder only when revealed. */
export function handoffSheetJson(sheet: HandoffSheet, options: RevealOptions = {}): HandoffSheet {
  const password = options.reveal?.sipPassword;
  return {
    ...sheet,
    sections: sheet.sections.map((s) => ({
      ...s,
      entries: s.entries.map((e) => (e.secret && password !== undefined ? { ...e, value: password } : { ...e })),
    })),
    exotelConsoleSteps: [...sheet.exotelConsoleSteps],
    pitfalls: [...sheet.pitfalls],
  };
}

const DIRECTION_PATH: Record<Direction, string> = {
  outbound: 'voice AI → Exotel → PSTN',
  inbound: 'PSTN → Exotel → voice AI',
};

export function renderHandoffSheet(sheet: HandoffSheet, options: RevealOptions = {}): string {
  const shown = handoffSheetJson(sheet, options);
  const lines = [`${shown.providerName}: ${shown.direction} handoff (${DIRECTION_PATH[shown.direction]})`];
  shown.sections.forEach((section, i) => {
    lines.push('', `${i + 1}. ${section.title}`, `   where: ${section.where}`);
    const width = Math.max(...section.entries.map((e) => e.label.length));
    for (const entry of section.entries) {
      lines.push(`     ${entry.label.padEnd(width)}  ${entry.value}`);
      if (entry.note) lines.push(`     ${' '.repeat(width)}  ↳ ${entry.note}`);
    }
  });
  lines.push('', 'Exotel console (no API does these):');
  if (shown.exotelConsoleSteps.length === 0) lines.push("  nothing: the setup did it all through Exotel's API.");
  shown.exotelConsoleSteps.forEach((step, i) => lines.push(`  ${i + 1}. ${step}`));
  lines.push('', 'Pitfalls:', ...shown.pitfalls.map((p) => `  - ${p}`));
  return lines.join('\n');
}

function entryOf(spec: SheetEntrySpec, text: (template: string) => string): HandoffEntry {
  const note = spec.note === undefined ? {} : { note: text(spec.note) };
  if ('secret' in spec) return { label: spec.label, value: SIP_PASSWORD_PLACEHOLDER, secret: true, ...note };
  return { label: spec.label, value: text(spec.value), ...note };
}

/** Exotel's edge in a transport the platform can send, or why there is none. */
type PlatformEdge =
  | { kind: 'edge'; host: string; port: number; transport: Transport; spelling: string; switchedFrom?: Transport }
  | { kind: 'no-result' }
  | { kind: 'not-configured' }
  | { kind: 'unusable'; edge: SipEdge };

function edgeForPlatform(profile: ProviderProfile, values: FieldValues, outbound: OutboundSetupResult | undefined): PlatformEdge {
  if (!outbound) return { kind: 'no-result' };
  const edge = outbound.sipEdge;
  if (!edge) return { kind: 'not-configured' };
  const spelling = (profile.outbound && pick(profile.outbound.transports, values)?.spelling) ?? {};
  const own = spelling[edge.transport];
  if (own !== undefined) return { kind: 'edge', ...edge, spelling: own };
  const other: Transport = edge.transport === 'tls' ? 'tcp' : 'tls';
  const otherSpelling = spelling[other];
  if (otherSpelling === undefined || edge.port !== EXOTEL_EDGE_PORTS[edge.transport]) return { kind: 'unusable', edge };
  return {
    kind: 'edge',
    host: edge.host,
    port: EXOTEL_EDGE_PORTS[other],
    transport: other,
    spelling: otherSpelling,
    switchedFrom: edge.transport,
  };
}

function placeholderValues(
  args: HandoffSheetArgs,
  edge: PlatformEdge,
  destinations: string[],
  aclIps: string[],
): Record<SheetPlaceholder, string> {
  const { outbound, inbound } = args;
  const did = outbound?.did ?? args.did;
  const [destination] = destinations;
  const parsed = destination === undefined ? undefined : parseDestination(destination);
  const trunkSid = inbound?.trunkSid ?? '<trunk sid, from the inbound setup>';
  return {
    did: did ?? '<your DID in E.164>',
    didDigits: did?.replace(/^\+/, '') ?? '<your DID without +>',
    didCountry: countryOf(did) ?? '<ISO 3166 country code of your numbers, e.g. in>',
    ...edgePlaceholders(edge),
    sipDomain: outbound?.sipDomain ?? '<your Exotel account sid>.pstn.exotel.com',
    sipUserName: outbound?.sipUserName ?? '<digest user name, from the outbound setup>',
    trunkSid,
    dialWhom: inbound?.connectAppletDialWhom ?? `sip:${trunkSid}`,
    destination: destination ?? '<inbound destination>',
    destinationTransport: typeof parsed === 'object' ? parsed.transport : '<tls or tcp>',
    aclIps: aclIps.length > 0 ? aclIps.join(', ') : '<none>',
  };
}

function edgePlaceholders(edge: PlatformEdge): Record<'edge' | 'edgeHost' | 'edgePort' | 'transport', string> {
  if (edge.kind === 'edge') {
    return { edge: `${edge.host}:${edge.port}`, edgeHost: edge.host, edgePort: String(edge.port), transport: edge.spelling };
  }
  const why =
    edge.kind === 'no-result'
      ? 'from the outbound setup'
      : edge.kind === 'not-configured'
        ? 'ask Exotel'
        : `ask Exotel for a ${edge.edge.transport === 'tls' ? 'TCP' : 'TLS'} edge`;
  return {
    edge: `<Exotel edge host:port: ${why}>`,
    edgeHost: `<Exotel edge host: ${why}>`,
    edgePort: `<Exotel edge port: ${why}>`,
    transport: `<Exotel edge transport: ${why}>`,
  };
}

const COUNTRY_BY_CODE: Readonly<Record<string, string>> = { '+91': 'in', '+65': 'sg' };

function countryOf(did: string | undefined): string | undefined {
  return did === undefined ? undefined : COUNTRY_BY_CODE[did.slice(0, 3)];
}

const describeEdge = (edge: SipEdge) => `${edge.host}:${edge.port} (${edge.transport.toUpperCase()})`;

function hostOf(destination: string): string {
  const parsed = parseDestination(destination);
  return typeof parsed === 'object' ? parsed.host : destination;
}

function exotelSection(
  direction: Direction,
  args: HandoffSheetArgs,
  edge: PlatformEdge,
  destinations: string[],
): HandoffSection | undefined {
  const where = 'Exotel trunk API (done by this setup; for reference)';
  if (direction === 'outbound') {
    const r = args.outbound;
    if (!r) return undefined;
    const switched =
      edge.kind === 'edge' && edge.switchedFrom
        ? { note: `the platform uses ${describeEdge(edge)}` }
        : {};
    return {
      title: 'Exotel side',
      where,
      entries: [
        { label: 'Trunk', value: `${r.trunkSid} (${r.trunkName})` },
        { label: 'Caller id (DID)', value: r.did },
        { label: 'SIP edge', value: r.sipEdge ? describeEdge(r.sipEdge) : '<none configured: ask Exotel>', ...switched },
        { label: 'SIP domain (digest realm)', value: r.sipDomain },
        { label: 'Digest user name', value: r.sipUserName },
        { label: 'ACL entries', value: r.aclEntryIds.length > 0 ? r.aclEntryIds.join(', ') : '(none: digest only)' },
      ],
    };
  }
  const r = args.inbound;
  if (!r) return undefined;
  return {
    title: 'Exotel side',
    where,
    entries: [
      { label: 'Trunk', value: r.trunkName ? `${r.trunkSid} (${r.trunkName})` : r.trunkSid },
      ...(args.did ? [{ label: 'DID', value: args.did }] : []),
      { label: 'Destination URIs', value: destinations.join(', ') },
      { label: 'Connect applet dials', value: r.connectAppletDialWhom },
    ],
  };
}

function edgePitfalls(
  profile: ProviderProfile,
  direction: Direction,
  outbound: OutboundSetupResult | undefined,
  edge: PlatformEdge,
): string[] {
  if (direction !== 'outbound' || !outbound) return [];
  switch (edge.kind) {
    case 'not-configured':
      return [NO_EDGE_PITFALL];
    case 'unusable':
      return [`${profile.name} cannot reach ${describeEdge(edge.edge)}: ask Exotel for an edge in a transport it can use.`];
    case 'edge':
      return edge.switchedFrom
        ? [
            `${profile.name} cannot send ${edge.switchedFrom.toUpperCase()} to Exotel, so this sheet uses Exotel's ` +
              `${edge.transport.toUpperCase()} port ${edge.port} on ${edge.host} (Exotel pairs TLS 443 with TCP 5070 ` +
              'on its edges): confirm it with Exotel.',
          ]
        : [];
    case 'no-result':
      return [];
  }
}

function aclPitfalls(profile: ProviderProfile, values: FieldValues, providerIps: string[], aclIps: string[]): string[] {
  const allowlisted = [...new Set([...providerIps.map(bareIp), ...aclIps])];
  if (allowlisted.length === 0) return [];
  const published = (profile.outbound && pick(profile.outbound.publishedIps, values)?.ips) ?? [];
  const unpublished = allowlisted.filter((ip) => !published.includes(ip));
  const pitfalls = [ACL_AND_DIGEST_PITFALL];
  const listed = unpublished.join(', ');
  if (unpublished.length > 0 && published.length > 0) {
    pitfalls.push(`Not among ${profile.name}'s published static IPs (${published.join(', ')}): ${listed}. Make sure each is the platform's own.`);
  } else if (unpublished.length > 0) {
    pitfalls.push(`${profile.name} publishes no single static egress IPs: make sure ${listed} belong to it, not to a shared range.`);
  }
  return pitfalls;
}
