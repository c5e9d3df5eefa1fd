// Per-platform input rules and what they derive: Exotel destinations for inbound, ACL IPs for outbound.
// Issues are returned, not thrown, so the caller reports them together with its own.
import type { Direction } from '../setup';
import { IssueCollector, type ValidationIssue } from '../issues';
import { normalizeDestination, rules } from '../rules';
import { isProviderId, PROVIDER_IDS, PROVIDERS, type ProviderId } from './catalog';
import { AUTH_CHOICE_FIELD, TRANSPORT_FIELD, type FieldSpec, type ProviderProfile, type Transport } from './profile';
import { describeHost, fieldValues, fill, pick, type FieldValues } from './resolve';

export const PROVIDER_FIELDS = 'providerFields';

const fieldPath = (key: string) => `${PROVIDER_FIELDS}.${key}`;

/** The substance of Exotel's auth-precedence warning in its voice-AI trunk article. */
export const ACL_WITH_DIGEST_RULE =
  'refused: this setup always creates digest credentials, and Exotel advises against mixing an IP allowlist with ' +
  'digest on one trunk: once an allowlist is on, the source IP may become the primary trust signal and digest ' +
  'behaviour gets confusing, especially with shared or multi-tenant egress ranges. Rely on digest (never allowlist ' +
  "a provider's shared ranges); set allowAclWithDigest only once Exotel support has confirmed the behaviour for your account";

export interface ProviderInput {
  direction: Direction;
  provider: string;
  fields: Record<string, unknown> | undefined;
  /** Static /32 egress IPs the outbound setup will allowlist. */
  providerIps?: string[];
  /** Exotel support confirmed how this account treats an ACL next to digest credentials. */
  allowAclWithDigest?: boolean;
}

export function validateProviderInput(args: ProviderInput): ValidationIssue[] {
  const c = new IssueCollector();
  if (!isProviderId(args.provider)) {
    c.add('provider', args.provider, `must be one of the known platforms: ${PROVIDER_IDS.join(', ')}`);
    return c.issues;
  }
  if (!checkFields(c, args.provider, args.direction, args.fields)) return c.issues;
  if (args.direction === 'outbound') checkOutboundAuth(c, args.provider, args);
  return c.issues;
}

/** The destination URIs Exotel's trunk sends inbound calls to, in Exotel's form; throws on invalid fields. */
export function inboundDestinationsFor(provider: ProviderId, fields: Record<string, unknown> | undefined): string[] {
  const c = new IssueCollector();
  checkFields(c, provider, 'inbound', fields);
  c.throwIfAny();
  return deriveInboundDestinations(provider, fields);
}

/** The same, for fields already checked. */
export function deriveInboundDestinations(provider: ProviderId, fields: Record<string, unknown> | undefined): string[] {
  const profile = PROVIDERS[provider];
  const values = fieldValues(profile, fields);
  const target = profile.inbound && pick(profile.inbound.targets, values);
  if (!target) return [];
  if (target.kind === 'given') return [normalizeDestination(values[target.field] ?? '')];
  const transport = chosenTransport(values) ?? target.defaultTransport;
  return [normalizeDestination(`${fill(target.host, values)}:${target.ports[transport]};transport=${transport}`)];
}

/** The platform's published static IPs when the user chose ACL authentication for it; otherwise none. */
export function outboundAclIpsFor(provider: ProviderId, fields: Record<string, unknown> | undefined): string[] {
  const profile = PROVIDERS[provider];
  const outbound = profile.outbound;
  if (outbound?.auth !== 'digest-or-acl') return [];
  const values = fieldValues(profile, fields);
  if (values[AUTH_CHOICE_FIELD] !== 'acl') return [];
  return [...(pick(outbound.publishedIps, values)?.ips ?? [])];
}

/** Checks the fields for one direction; false when the direction or the fields object itself is unusable. */
export function checkFields(
  c: IssueCollector,
  provider: ProviderId,
  direction: Direction,
  fields: Record<string, unknown> | undefined,
): boolean {
  const profile = PROVIDERS[provider];
  if (!profile[direction]) {
    c.add('provider', provider, `${profile.name} cannot be set up for ${direction} calls`);
    return false;
  }
  if (fields !== undefined && (typeof fields !== 'object' || fields === null || Array.isArray(fields))) {
    c.add(PROVIDER_FIELDS, fields, "must be an object of the platform's fields");
    return false;
  }
  const given = fields ?? {};
  const known = profile.fields.map((f) => f.key);
  for (const key of Object.keys(given)) {
    if (known.includes(key)) continue;
    c.add(
      fieldPath(key),
      given[key],
      known.length > 0 ? `is not a ${profile.name} field; its fields are ${known.join(', ')}` : `${profile.name} takes no fields`,
    );
  }
  for (const spec of profile.fields) {
    if (!spec.usedFor.includes(direction)) continue;
    const value = given[spec.key];
    if (value === undefined) {
      if (spec.requiredFor.includes(direction)) {
        const rule = `required for ${direction} ${profile.name} setups: ${spec.description}, e.g. ${spec.example}`;
        c.add(fieldPath(spec.key), value, rule);
      }
      continue;
    }
    c.check(fieldPath(spec.key), value, ruleOf(spec));
  }
  if (direction === 'inbound') checkTransportOffered(c, profile, fieldValues(profile, fields));
  return true;
}

function ruleOf(spec: FieldSpec): (value: string) => string | null {
  const rule = spec.rule;
  switch (rule.kind) {
    case 'oneOf':
      return (v) => (rule.values.includes(v) ? null : `must be one of: ${rule.values.join(', ')}`);
    case 'pattern':
      return (v) => (rule.pattern.test(v) ? null : rule.wording);
    case 'destination':
      return (v) => {
        if (v.includes('@')) {
          return `Exotel destinations carry no user part (…@): give host:port;transport=tls|tcp only; ${rule.hint}`;
        }
        const failure = rules.destination(v);
        return failure === null ? null : `${failure}; ${rule.hint}`;
      };
  }
}

function chosenTransport(values: FieldValues): Transport | undefined {
  const value = values[TRANSPORT_FIELD];
  return value === 'tls' || value === 'tcp' ? value : undefined;
}

function checkTransportOffered(c: IssueCollector, profile: ProviderProfile, values: FieldValues): void {
  const target = profile.inbound && pick(profile.inbound.targets, values);
  const transport = chosenTransport(values);
  if (target?.kind !== 'template' || transport === undefined || target.ports[transport] !== undefined) return;
  const offered = Object.keys(target.ports).join(' or ');
  const rule = `${profile.name} takes ${offered} at ${describeHost(target.host)} (Exotel sends no UDP)`;
  c.add(fieldPath(TRANSPORT_FIELD), transport, rule);
}

function checkOutboundAuth(c: IssueCollector, provider: ProviderId, args: ProviderInput): void {
  const profile = PROVIDERS[provider];
  const given = args.providerIps ?? [];
  const chosen = outboundAclIpsFor(provider, args.fields);
  if (profile.outbound?.auth === 'acl-only' && given.length === 0) {
    c.add(
      'providerIps',
      undefined,
      `required for ${profile.name}: it cannot answer Exotel's digest challenge, so Exotel must allowlist its ` +
        `static egress IPs, one /32 each; ${profile.name} publishes none this tool knows, so ask for them`,
    );
    return;
  }
  if (args.allowAclWithDigest === true) return;
  if (given.length > 0) c.add('providerIps', given, ACL_WITH_DIGEST_RULE);
  else if (chosen.length > 0) c.add(fieldPath(AUTH_CHOICE_FIELD), 'acl', ACL_WITH_DIGEST_RULE);
}
