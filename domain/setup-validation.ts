// What makes a setup input valid, whoever asks: the parser at every entry point (domain/setup-request.ts) and the
// workflows before their first Exotel request. Every failure names the field, the value (secrets masked) and the
// rule; all failures of one input come together.
import { IssueCollector } from './issues';
import { API_PROVIDERS, isApiProvider, MANUAL_DIRECTIONS } from './platform-side';
import { withProviderDefaults } from './providers/apply';
import { ACL_WITH_DIGEST_RULE, validateProviderInput } from './providers/validate';
import { bareIp, durationMs, normalizeDestination, rules } from './rules';
import type { Direction, InboundSetupInput, OutboundSetupInput } from './setup';
import type { Rule } from './issues';

/** A trunk carries a customer's numbers; this many in one setup keeps its history and its activity small. */
const MAX_DIDS = 100;

export type SetupInputOf<D extends Direction> = D extends 'outbound' ? OutboundSetupInput : InboundSetupInput;

function checkBase(c: IssueCollector, input: OutboundSetupInput | InboundSetupInput): void {
  c.check('customerId', input.customerId, rules.customerId);
  c.check('exotelAccountSid', input.exotelAccountSid, rules.accountSid);
  c.check('did', input.did, rules.e164);
  if (input.dids !== undefined) {
    checkList(c, 'dids', input.dids, rules.e164, { required: true });
    if (Array.isArray(input.dids) && input.dids.length > MAX_DIDS) c.add('dids', `${input.dids.length} numbers`, `at most ${MAX_DIDS} per setup`);
    if (Array.isArray(input.dids) && input.dids[0] !== input.did) c.add('did', input.did, 'must be the first of dids');
  }
  if (input.providerSide !== undefined) {
    if (input.providerSide !== 'api' && input.providerSide !== 'manual') c.add('providerSide', input.providerSide, 'must be api or manual');
    else if (input.providerSide === 'api' && !isApiProvider(input.provider)) {
      c.add('providerSide', input.providerSide, `api needs a provider whose side is configured by API (${API_PROVIDERS.join(', ')}); ${input.provider ?? 'no provider'} has its handoff sheet: use manual`);
    }
  }
  if (input.platformAccount !== undefined) {
    c.check('platformAccount', input.platformAccount, (v) => (/^[A-Za-z0-9_.-]{1,64}$/.test(v) ? null : 'must be the name of one of the worker\'s platform accounts: 1-64 of letters, digits, . _ -'));
    if (input.providerSide === 'manual') c.add('platformAccount', input.platformAccount, 'names the account the API side uses: leave it out with providerSide manual');
  }
  if (input.opsDecisionTimeout !== undefined && durationMs(input.opsDecisionTimeout) === null) {
    c.add('opsDecisionTimeout', input.opsDecisionTimeout, "must be a duration such as '24h', '15m', '30s' or milliseconds ≥ 0");
  }
}

function checkList(
  c: IssueCollector,
  field: string,
  value: unknown,
  rule: Rule,
  { required, sameAs = (v) => v }: { required: boolean; sameAs?: (v: string) => string },
): void {
  if (value === undefined) {
    if (required) c.add(field, value, 'must name at least one entry');
    return;
  }
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

/** True when the provider input is usable (or absent), so what the provider derives can be filled in. */
function checkProvider(c: IssueCollector, direction: Direction, input: OutboundSetupInput | InboundSetupInput): boolean {
  if (input.provider === undefined) {
    if (input.providerFields === undefined) return true;
    c.add('providerFields', '(present)', 'needs provider to say whose fields they are');
    return false;
  }
  const fields = input.providerFields as unknown;
  if (fields !== undefined && (typeof fields !== 'object' || fields === null || Array.isArray(fields))) {
    c.add('providerFields', fields, 'must be an object of field names to values');
    return false;
  }
  const outbound = direction === 'outbound' ? (input as OutboundSetupInput) : undefined;
  const issues = validateProviderInput({
    direction,
    provider: input.provider,
    fields: input.providerFields,
    providerIps: outbound?.providerIps,
    allowAclWithDigest: outbound?.allowAclWithDigest,
  });
  c.issues.push(...issues);
  return issues.length === 0;
}

export interface CheckOptions {
  /** Fill in what a valid provider input derives (inbound destinations, published /32s) before the lists are checked. */
  derive: boolean;
  /**
   * Refuse an IP allowlist next to digest credentials without allowAclWithDigest even when no provider is named
   * (the provider profiles always did). False only for setups whose history began before the rule covered them.
   */
  aclWithDigestForEverySetup?: boolean;
}

/** Checks one input into `c`, and returns it completed (see CheckOptions.derive). */
export function checkSetupInput<D extends Direction>(
  c: IssueCollector,
  direction: D,
  given: SetupInputOf<D>,
  { derive, aclWithDigestForEverySetup = true }: CheckOptions,
): SetupInputOf<D> {
  checkBase(c, given);
  if (direction === 'inbound') {
    const { trunkSid, probe } = given as InboundSetupInput;
    if (trunkSid !== undefined) c.check('trunkSid', trunkSid, rules.trunkSid);
    if (probe !== undefined && probe !== 'warn' && probe !== 'require' && probe !== 'off') c.add('probe', probe, 'must be warn, require or off');
  } else if ((given as { probe?: unknown }).probe !== undefined) {
    c.add('probe', (given as { probe?: unknown }).probe, 'probes inbound destinations: an outbound setup has none');
  }
  const manualOnly = isApiProvider(given.provider) ? MANUAL_DIRECTIONS[given.provider]?.[direction] : undefined;
  if (given.providerSide === 'api' && manualOnly) c.add('providerSide', given.providerSide, `${direction} has its handoff sheet for ${given.provider}: ${manualOnly}; use manual`);
  const providerUsable = checkProvider(c, direction, given);
  const input = derive && providerUsable ? withProviderDefaults(direction, given) : given;
  if (direction === 'outbound') {
    const outbound = input as OutboundSetupInput;
    checkList(c, 'providerIps', outbound.providerIps, rules.aclIp, { required: false, sameAs: bareIp });
    // Every outbound setup creates digest credentials; with a provider its profile applies this rule already.
    const unnamed = outbound.provider === undefined;
    if (aclWithDigestForEverySetup && unnamed && outbound.providerIps?.length && outbound.allowAclWithDigest !== true) {
      c.add('providerIps', outbound.providerIps, ACL_WITH_DIGEST_RULE);
    }
  } else {
    checkList(c, 'destinations', (input as InboundSetupInput).destinations, rules.destination, { required: true, sameAs: normalizeDestination });
  }
  return input;
}

/** The workflows' own check, before anything exists; throws InputValidationError naming every problem. */
export function validateSetupInput<D extends Direction>(direction: D, input: SetupInputOf<D>, options: Omit<CheckOptions, 'derive'> = {}): void {
  const c = new IssueCollector();
  checkSetupInput(c, direction, input, { ...options, derive: false });
  c.throwIfAny();
}
