// Pure input rules, shared by the CLI (before starting anything) and the workflows (before any Exotel request).
// Every failure names the field, the value (secrets masked) and the rule; all failures of one input come together.
import { validateProviderInput } from './providers/validate';
import type { InboundSetupInput, OpsDecision, OutboundSetupInput, SetupCorrections } from './setup';

export interface ValidationIssue {
  field: string;
  value: string;
  rule: string;
}

export class InputValidationError extends Error {
  override readonly name = 'InputValidationError';
  constructor(readonly issues: ValidationIssue[]) {
    super(formatIssues(issues));
  }
}

export function formatIssues(issues: ValidationIssue[]): string {
  const lines = issues.map((i) => `  - ${i.field} = ${JSON.stringify(i.value)}: ${i.rule}`);
  return `invalid input (${issues.length} problem${issues.length === 1 ? '' : 's'}):\n${lines.join('\n')}`;
}

/** A rule returns null when the value passes, else the rule's wording. */
type Rule = (value: string) => string | null;

const SECRET_FIELD = /password|token|secret/i;

function displayValue(field: string, value: unknown): string {
  if (SECRET_FIELD.test(field)) return '***';
  if (value === undefined) return '(missing)';
  if (typeof value === 'string') return value;
  return JSON.stringify(value) ?? typeof value;
}

/** Collects issues; `check` skips the rule when the value is not a string and reports that instead. */
export class IssueCollector {
  readonly issues: ValidationIssue[] = [];

  check(field: string, value: unknown, rule: Rule): void {
    if (typeof value !== 'string') {
      this.add(field, value, 'must be a string');
      return;
    }
    const failure = rule(value);
    if (failure) this.add(field, value, failure);
  }

  add(field: string, value: unknown, rule: string): void {
    this.issues.push({ field, value: displayValue(field, value), rule });
  }

  throwIfAny(): void {
    if (this.issues.length > 0) throw new InputValidationError(this.issues);
  }
}

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

const DURATION = /^\d+(\.\d+)?\s*(ms|s|m|h|d)$/;

function checkBase(
  c: IssueCollector,
  input: { customerId?: unknown; exotelAccountSid?: unknown; did?: unknown; provider?: unknown; opsDecisionTimeout?: unknown },
) {
  c.check('customerId', input.customerId, rules.customerId);
  c.check('exotelAccountSid', input.exotelAccountSid, rules.accountSid);
  c.check('did', input.did, rules.e164);
  const timeout = input.opsDecisionTimeout;
  if (timeout !== undefined && !(typeof timeout === 'number' ? Number.isFinite(timeout) && timeout >= 0 : typeof timeout === 'string' && DURATION.test(timeout))) {
    c.add('opsDecisionTimeout', timeout, "must be a duration such as '24h', '15m', '30s' or milliseconds ≥ 0");
  }
}

function checkList(
  c: IssueCollector,
  field: string,
  value: unknown,
  rule: Rule,
  { required, sameAs = (v) => v }: { required: boolean; sameAs?: (v: string) => string },
) {
  if (value === undefined && !required) return;
  if (!Array.isArray(value)) {
    c.add(field, value, 'must be a list');
    return;
  }
  if (required && value.length === 0) c.add(field, value, 'must name at least one entry');
  const seen = new Set<unknown>();
  value.forEach((item: unknown, i) => {
    c.check(`${field}[${i}]`, item, rule);
    const key = typeof item === 'string' ? sameAs(item) : item;
    if (seen.has(key)) c.add(`${field}[${i}]`, item, 'appears twice');
    seen.add(key);
  });
}

function checkProvider(c: IssueCollector, direction: 'outbound' | 'inbound', input: OutboundSetupInput | InboundSetupInput): void {
  if (input.provider === undefined) {
    if (input.providerFields !== undefined) c.add('providerFields', '(present)', 'needs provider to say whose fields they are');
    return;
  }
  if (input.providerFields !== undefined && (typeof input.providerFields !== 'object' || input.providerFields === null || Array.isArray(input.providerFields))) {
    c.add('providerFields', input.providerFields, 'must be an object of field names to values');
    return;
  }
  const outbound = direction === 'outbound' ? (input as OutboundSetupInput) : undefined;
  c.issues.push(
    ...validateProviderInput({
      direction,
      provider: input.provider,
      fields: input.providerFields,
      providerIps: outbound?.providerIps,
      allowAclWithDigest: outbound?.allowAclWithDigest,
    }),
  );
}

export function validateOutboundSetup(input: OutboundSetupInput): void {
  const c = new IssueCollector();
  checkBase(c, input);
  checkProvider(c, 'outbound', input);
  checkList(c, 'providerIps', input.providerIps, rules.aclIp, { required: false, sameAs: bareIp });
  c.throwIfAny();
}

export function validateInboundSetup(input: InboundSetupInput): void {
  const c = new IssueCollector();
  checkBase(c, input);
  if (input.trunkSid !== undefined) c.check('trunkSid', input.trunkSid, rules.trunkSid);
  checkProvider(c, 'inbound', input);
  checkList(c, 'destinations', input.destinations, rules.destination, { required: true, sameAs: normalizeDestination });
  c.throwIfAny();
}

const CORRECTABLE: (keyof SetupCorrections)[] = ['did', 'providerIps', 'destinations', 'trunkSid'];

/**
 * Checks an operator's decision against what may still change, and returns the setup input a retry runs with.
 * Throws InputValidationError naming each problem.
 */
export function applyOpsDecision<T extends OutboundSetupInput | InboundSetupInput>(
  direction: 'outbound' | 'inbound',
  current: T,
  decision: OpsDecision,
  correctable: (keyof SetupCorrections)[],
): T {
  const c = new IssueCollector();
  if (decision === null || typeof decision !== 'object') {
    c.add('decision', decision, "must be an object such as {\"action\": \"retry\"} or {\"action\": \"rollback\"}");
    c.throwIfAny();
  }
  if (decision.action !== 'retry' && decision.action !== 'rollback') c.add('action', decision.action, 'must be retry or rollback');
  if (decision.note !== undefined) c.check('note', decision.note, (v) => (v.length <= 500 ? null : 'must be at most 500 characters'));
  const corrections = decision.corrections ?? {};
  if (typeof corrections !== 'object' || corrections === null) c.add('corrections', corrections, 'must be an object');
  const fields = Object.keys(corrections) as (keyof SetupCorrections)[];
  if (decision.action === 'rollback' && fields.length > 0) c.add('corrections', fields.join(','), 'only a retry takes corrections');
  for (const field of fields) {
    if (!CORRECTABLE.includes(field)) c.add(`corrections.${field}`, field, `is not a field a retry can change (${CORRECTABLE.join(', ')})`);
    else if (!correctable.includes(field)) {
      c.add(`corrections.${field}`, JSON.stringify(corrections[field]), `cannot change now: a finished step already used it (correctable now: ${correctable.join(', ') || 'none'}); roll back and start again instead`);
    }
  }
  c.throwIfAny();
  const next = { ...current, ...corrections } as T;
  if (direction === 'outbound') validateOutboundSetup(next);
  else validateInboundSetup(next as InboundSetupInput);
  return next;
}
