// The one way from untrusted input (a signup event's body, a batch row, the CLI's flags) to a setup request ready
// to start: shape and direction checked, defaults applied, what the provider's profile derives filled in, then
// every rule the workflow applies. Checked once per boundary: what it returns is trusted by startSetup.
import type { Duration } from '@temporalio/common';
import { IssueCollector } from './issues';
import type { SetupRequest } from './setup';
import { checkSetupInput, type SetupInputOf } from './setup-validation';

/** The fields a setup request may carry besides `direction` (the workflow's own fields, e.g. notifyWorkflowId, are not among them). */
export const SETUP_REQUEST_FIELDS = [
  'customerId',
  'exotelAccountSid',
  'did',
  'dids',
  'provider',
  'providerFields',
  'providerSide',
  'platformAccount',
  'providerIps',
  'allowAclWithDigest',
  'destinations',
  'trunkSid',
  'probe',
  'opsDecisionTimeout',
] as const;

/**
 * Values people paste or export from spreadsheets arrive with spaces and line ends around them: these are trimmed
 * here, at the edge, before any rule runs. Anything else malformed (a space inside a number, say) stays refused.
 */
const TRIMMED = ['did', 'exotelAccountSid', 'trunkSid', 'providerSide', 'platformAccount', 'probe'] as const;
const TRIMMED_LISTS = ['dids', 'providerIps', 'destinations'] as const;

function trimmedAtTheEdge(fields: Record<string, unknown>): Record<string, unknown> {
  const out = { ...fields };
  const trim = (v: unknown) => (typeof v === 'string' ? v.trim() : v);
  for (const f of TRIMMED) if (f in out) out[f] = trim(out[f]);
  for (const f of TRIMMED_LISTS) if (Array.isArray(out[f])) out[f] = (out[f] as unknown[]).map(trim);
  const providerFields = out.providerFields;
  if (typeof providerFields === 'object' && providerFields !== null && !Array.isArray(providerFields)) {
    out.providerFields = Object.fromEntries(Object.entries(providerFields).map(([k, v]) => [k, trim(v)]));
  }
  return out;
}

/** The fields of two requests for one customer that differ, each with both values; empty when they ask the same. */
export function requestDifferences(current: SetupRequest, asked: SetupRequest): { field: string; current: unknown; asked: unknown }[] {
  const differences: { field: string; current: unknown; asked: unknown }[] = [];
  if (current.direction !== asked.direction) differences.push({ field: 'direction', current: current.direction, asked: asked.direction });
  const a = current.input as unknown as Record<string, unknown>;
  const b = asked.input as unknown as Record<string, unknown>;
  // How long a failure may wait for ops is the sender's preference, not what the customer gets.
  for (const field of SETUP_REQUEST_FIELDS.filter((f) => f !== 'opsDecisionTimeout')) {
    if (canonical(a[field]) !== canonical(b[field])) differences.push({ field, current: a[field], asked: b[field] });
  }
  return differences;
}

/** JSON with object keys sorted, so `{a, b}` and `{b, a}` compare equal. */
function canonical(value: unknown): string {
  if (value === undefined || value === null) return 'null';
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).sort(([x], [y]) => (x < y ? -1 : x > y ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

/**
 * `did` alone, `dids` alone, or both with `did` first of `dids`: the canonical form has `did` (the first) and, only
 * for more than one number, `dids`, so a single-number request is what it always was.
 */
function withDidList<I extends { did?: unknown; dids?: unknown }>(c: IssueCollector, given: I): I {
  const { did, dids } = given;
  if (dids === undefined) return given;
  const { dids: _, ...single } = given;
  if (!Array.isArray(dids) || dids.length === 0) {
    c.add('dids', dids, 'must be a list of one or more DIDs in E.164');
    return single as I;
  }
  // Reported once, here; the rest is checked as if `did` were the first.
  if (did !== undefined && did !== dids[0]) c.add('did', did, `must be the first of dids (${String(dids[0])}), or be left out`);
  return (dids.length === 1 ? { ...single, did: dids[0] } : { ...given, did: dids[0] }) as I;
}

declare const checked: unique symbol;
/** A request that passed parseSetupRequest; only that function makes one. */
export type CheckedSetupRequest = SetupRequest & { readonly [checked]: true };

export interface ParseOptions {
  /** What the value is called in messages: `body`, `row`, `request`. */
  what?: string;
  /** Applied where the value does not say. */
  defaults?: { opsDecisionTimeout?: Duration };
}

/** `{ direction, …setup input of that direction }`. Throws InputValidationError naming every problem at once. */
export function parseSetupRequest(value: unknown, { what = 'request', defaults = {} }: ParseOptions = {}): CheckedSetupRequest {
  const c = new IssueCollector();
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    c.add(what, Array.isArray(value) ? 'array' : typeof value, 'must be a JSON object');
    c.throwIfAny();
  }
  const { direction, ...fields } = value as Record<string, unknown>;
  for (const field of Object.keys(fields)) {
    if (!(SETUP_REQUEST_FIELDS as readonly string[]).includes(field)) {
      c.add(field, '(present)', `is not a setup field (${SETUP_REQUEST_FIELDS.join(', ')})`);
    }
  }
  const known = direction === 'outbound' || direction === 'inbound';
  if (!known) c.add('direction', direction, 'must be outbound or inbound');
  // Without a known direction the fields both directions share are still checked (the outbound rules are those).
  const checkedAs = known ? direction : 'outbound';
  const given = {
    ...(defaults.opsDecisionTimeout !== undefined ? { opsDecisionTimeout: defaults.opsDecisionTimeout } : {}),
    ...trimmedAtTheEdge(fields),
  } as unknown as SetupInputOf<typeof checkedAs>;
  const input = checkSetupInput(c, checkedAs, withDidList(c, given), { derive: true });
  c.throwIfAny();
  return { direction: checkedAs, input } as CheckedSetupRequest;
}
