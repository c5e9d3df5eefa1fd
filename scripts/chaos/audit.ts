// Compares what the simulator holds with what the setups and the day-two operations should have left: each
// succeeded customer exactly its resources (an offboarded one nothing), each failed customer nothing, nothing that
// belongs to no one; each line's record matches Exotel; and the timeline shows no moment a changing credential,
// destination or number left a customer unreachable. The platform's side (Retell's numbers) is held to the same:
// auditPlatform.
import type { ManagedLine } from '../../domain/line';
import { sipUserNameFor, trunkNameFor } from '../../domain/naming';
import { platformObjectName } from '../../domain/platform-side';
import type { Direction } from '../../domain/setup';
import type { SipEdge } from '../../domain/setup-result';
import { bareIp, normalizeDestination } from '../../domain/rules';
import { momentsWithout, unroutedMoments, type AccountState, type SimulatorTimeline, type TimelineEntry, type TrunkState } from '../../simulator';
import type { RetellStoredNumber } from '../../simulator/voice-ai';
import { terminationUriFor } from '../../voice-ai/retell';

export interface CustomerPlan {
  customerId: string;
  direction: Direction;
  did: string;
  providerIps?: string[];
  destinations?: string[];
  /** Set up to fail for good (Exotel or the platform refuses it), to check that a rollback leaves nothing. */
  mustFail: boolean;
  /** Set up with the platform's side by API as well: its number imported on Retell. */
  platform?: PlatformPlan;
}

/**
 * The permanent refusals planned on the platform's side, each once Exotel's trunk and number (and, outbound, the
 * credential and ACL) are made, so Exotel's side must be rolled back:
 * `unknown-agent`, Retell refuses the import (the agent to bind does not exist: 404 in the stand-in [I], perhaps 400 or
 * 422 from Retell, refused for good either way); `refused-400`, Retell answers
 * 400 to the lookup of the number before the import (injected: a fault can match a path, and the import's path
 * names no number); `taken`, the number is on Retell under someone else's nickname before the run (a Conflict:
 * left alone). An inbound customer Exotel refuses (mustFail without a refusal here) fails after its import instead.
 */
export const PLATFORM_REFUSALS = ['unknown-agent', 'refused-400', 'taken'] as const;
export type PlatformRefusal = (typeof PLATFORM_REFUSALS)[number];

export interface PlatformPlan {
  provider: 'retell';
  /** Bound with weight 1 to the setup's direction. */
  agentId?: string;
  refusal?: PlatformRefusal;
}

export type Outcome = 'succeeded' | 'failed';

export interface AuditReport {
  /** A resource present more than once where one was wanted: a DID on two trunks, a user name twice, a destination twice. */
  duplicates: string[];
  /**
   * A resource nothing accounts for: no succeeded setup or done operation, or no line records it; anything a
   * failed setup or an offboard left behind.
   */
  orphans: string[];
  /** Lost: a resource a succeeded setup or done operation should have left, or a line records, that Exotel lacks. */
  missing: string[];
}

/** What a customer should hold on Exotel at the end; `trunk: false`: nothing at all (offboarded). */
export interface Expectation {
  trunk: boolean;
  numbers: string[];
  /** User names. */
  credentials: string[];
  /**
   * Instead of `credentials`: exactly one credential, of any of these user names. A Retell line's DID change may
   * rotate its credential in the same operation (Retell takes a number only with the password, which this project
   * does not keep) or leave it (the number stays Exotel's only): either is right, as long as Retell signs in with
   * the one Exotel has (auditPlatform).
   */
  credentialsOneOf?: string[];
  aclIps: string[];
  /** Normalized. */
  destinations: string[];
}

/** What a succeeded setup leaves, before any operation. */
export function expectationOf(plan: CustomerPlan): Expectation {
  return {
    trunk: true,
    numbers: [plan.did],
    credentials: plan.direction === 'outbound' ? [sipUserNameFor(plan.customerId)] : [],
    aclIps: plan.direction === 'outbound' ? (plan.providerIps ?? []).map(bareIp) : [],
    destinations: plan.direction === 'inbound' ? (plan.destinations ?? []).map(normalizeDestination) : [],
  };
}

function countBy<T>(items: T[], key: (t: T) => string): Map<string, number> {
  const counts = new Map<string, number>();
  for (const item of items) counts.set(key(item), (counts.get(key(item)) ?? 0) + 1);
  return counts;
}

/**
 * `expected`: what each succeeded customer should hold after its operations (default: what its setup made); null
 * where an operation ended without a known state (failed, or no answer): only duplicates are judged there.
 */
export function audit(account: AccountState, plans: CustomerPlan[], outcomes: Map<string, Outcome>, expected = new Map<string, Expectation | null>()): AuditReport {
  const report: AuditReport = { duplicates: [], orphans: [], missing: [] };
  const planByTrunkName = new Map(plans.map((p) => [trunkNameFor(p.customerId, p.direction), p]));
  const trunksByName = new Map<string, TrunkState[]>();
  for (const t of account.trunks) trunksByName.set(t.trunk_name, [...(trunksByName.get(t.trunk_name) ?? []), t]);

  for (const trunk of account.trunks) {
    const plan = planByTrunkName.get(trunk.trunk_name);
    if (!plan) report.orphans.push(`trunk ${trunk.trunk_sid} (${trunk.trunk_name}) belongs to no customer`);
    else if (outcomes.get(plan.customerId) !== 'succeeded') {
      report.orphans.push(`trunk ${trunk.trunk_sid} of ${plan.customerId}, whose setup failed, is still there`);
    }
  }

  for (const plan of plans) {
    const who = `${plan.direction} ${plan.customerId}`;
    const trunks = trunksByName.get(trunkNameFor(plan.customerId, plan.direction)) ?? [];
    if (outcomes.get(plan.customerId) !== 'succeeded') continue;
    const wanted = expected.has(plan.customerId) ? expected.get(plan.customerId) : expectationOf(plan);
    if (wanted?.trunk === false) {
      for (const t of trunks) report.orphans.push(`${who} was offboarded, but its trunk ${t.trunk_sid} is still there`);
      continue;
    }
    if (trunks.length === 0) {
      // Unknown (an operation failed or never answered): an offboard may have got as far as the trunk.
      if (wanted) report.missing.push(`${who}: no trunk`);
      continue;
    }
    if (trunks.length > 1) report.duplicates.push(`${who}: ${trunks.length} trunks`);
    const trunk = trunks[0]!;
    const expectOne = (what: string, counts: Map<string, number>, values: string[] | undefined) => {
      for (const [value, n] of counts) if (n > 1) report.duplicates.push(`${who}: ${n}× ${what} ${value}`);
      if (!values) return;
      for (const w of values) if (!counts.has(w)) report.missing.push(`${who}: no ${what} ${w}`);
      for (const [value] of counts) if (!values.includes(value)) report.orphans.push(`${who}: unexpected ${what} ${value}`);
    };
    expectOne('number', countBy(trunk.phone_numbers, (n) => n.phone_number), wanted?.numbers);
    if (plan.direction === 'outbound') {
      const credentials = countBy(trunk.credentials, (c) => c.user_name);
      const oneOf = wanted?.credentialsOneOf;
      if (!oneOf) expectOne('credential', credentials, wanted?.credentials);
      else {
        for (const [value, n] of credentials) if (n > 1) report.duplicates.push(`${who}: ${n}× credential ${value}`);
        for (const [value] of credentials) if (!oneOf.includes(value)) report.orphans.push(`${who}: unexpected credential ${value}`);
        const held = [...credentials.keys()].filter((c) => oneOf.includes(c));
        if (held.length === 0) report.missing.push(`${who}: no credential (one of ${oneOf.join(', ')})`);
        if (held.length > 1) report.orphans.push(`${who}: credentials ${held.join(', ')}, where one of them was wanted`);
      }
      expectOne('ACL entry', countBy(trunk.whitelisted_ips, (e) => e.ip), wanted?.aclIps);
    } else {
      expectOne('destination', countBy(trunk.destination_uris, (d) => normalizeDestination(d.destination)), wanted?.destinations);
    }
  }

  const planByDid = new Map(plans.map((p) => [p.did, p]));
  for (const [did, n] of countBy(account.trunks.flatMap((t) => t.phone_numbers), (m) => m.phone_number)) {
    if (n > 1) report.duplicates.push(`number ${did} is mapped ${n} times`);
    const owner = planByDid.get(did);
    if (owner && outcomes.get(owner.customerId) !== 'succeeded') {
      report.orphans.push(`number ${did} of ${owner.customerId}, whose setup failed, is still mapped`);
    }
  }
  for (const c of account.orphan_credentials) {
    report.orphans.push(`credential ${c.user_name} (${c.id}) outlived its trunk ${c.trunk_sid}`);
  }
  const credentials = [...account.trunks.flatMap((t) => t.credentials), ...account.orphan_credentials];
  for (const [userName, n] of countBy(credentials, (c) => c.user_name)) {
    if (n > 1) report.duplicates.push(`credential user name ${userName} exists ${n} times in the account`);
  }
  return report;
}

/** A customer line at the end of the run, as lookUpLine found it. */
export interface LineRecord {
  customerId: string;
  direction: Direction;
  state: 'managed' | 'offboarded' | 'absent';
  line?: ManagedLine;
  /** An operation still running or queued at the end: nothing should be. */
  busy?: string;
}

/**
 * Each line's record against Exotel. Nothing lost: every trunk, number, credential, ACL entry and destination a
 * line records is there, with its id. No orphan: everything on a succeeded customer's trunk is recorded by the
 * line that holds the trunk, and a failed setup has no line. An offboarded line records nothing.
 */
export function auditLines(account: AccountState, plans: CustomerPlan[], outcomes: Map<string, Outcome>, records: LineRecord[]): AuditReport & { unsettled: string[] } {
  const report = { duplicates: [] as string[], orphans: [] as string[], missing: [] as string[], unsettled: [] as string[] };
  const trunkBySid = new Map(account.trunks.map((t) => [t.trunk_sid, t]));
  const succeeded = new Set(plans.filter((p) => outcomes.get(p.customerId) === 'succeeded').map((p) => trunkNameFor(p.customerId, p.direction)));
  const recordOf = new Map(records.map((r) => [`${r.direction}:${r.customerId}`, r]));
  const holders = new Map<string, LineRecord[]>();

  for (const plan of plans) {
    const who = `${plan.direction} ${plan.customerId}`;
    const record = recordOf.get(`${plan.direction}:${plan.customerId}`);
    if (outcomes.get(plan.customerId) !== 'succeeded') {
      if (record && record.state !== 'absent') report.orphans.push(`${who}: its setup failed, but it has a line (${record.state})`);
      continue;
    }
    if (!record || record.state === 'absent' || !record.line) {
      report.missing.push(`${who}: its setup succeeded, but it has no line`);
      continue;
    }
    if (record.busy) report.unsettled.push(`${who}: ${record.busy} at the end`);
    const line = record.line;
    if (record.state === 'offboarded') {
      const left = [
        ...(line.trunk ? [`trunk ${line.trunk.sid}`] : []),
        ...line.numbers.map((n) => `number ${n.did}`),
        ...line.credentials.map((c) => `credential ${c.userName}`),
        ...line.aclEntries.map((e) => `ACL entry ${e.ip}`),
        ...line.destinations.map((d) => `destination ${d.value}`),
      ];
      if (left.length) report.missing.push(`${who} is offboarded, but its line still records ${left.join(', ')}`);
      continue;
    }
    if (!line.trunk) {
      report.missing.push(`${who}: its line records no trunk`);
      continue;
    }
    holders.set(line.trunk.sid, [...(holders.get(line.trunk.sid) ?? []), record]);
    const trunk = trunkBySid.get(line.trunk.sid);
    if (!trunk) {
      report.missing.push(`${who}: its line records trunk ${line.trunk.sid}, which Exotel does not have`);
      continue;
    }
    const lost = (what: string, present: boolean) => {
      if (!present) report.missing.push(`${who}: its line records ${what}, which trunk ${trunk.trunk_sid} does not have`);
    };
    for (const n of line.numbers) lost(`number ${n.did} (mapping ${n.mappingId})`, trunk.phone_numbers.some((m) => m.id === n.mappingId && m.phone_number === n.did));
    for (const c of line.credentials) lost(`credential ${c.userName} (${c.id})`, trunk.credentials.some((t) => t.id === c.id && t.user_name === c.userName));
    for (const e of line.aclEntries) lost(`ACL entry ${e.ip} (${e.id})`, trunk.whitelisted_ips.some((t) => t.id === e.id && t.ip === e.ip));
    for (const d of line.destinations) lost(`destination ${d.value} (${d.id})`, trunk.destination_uris.some((t) => t.id === d.id && normalizeDestination(t.destination) === d.value));
    if (line.pendingRotation) report.unsettled.push(`${who}: a rotation to ${line.pendingRotation.userName} still waits for confirmation`);
  }

  for (const trunk of account.trunks) {
    // A failed setup's trunk is audit()'s to report.
    if (!succeeded.has(trunk.trunk_name)) continue;
    const lines = holders.get(trunk.trunk_sid) ?? [];
    if (lines.length !== 1) {
      if (lines.length === 0) report.orphans.push(`trunk ${trunk.trunk_sid} (${trunk.trunk_name}) is recorded by no line`);
      else report.duplicates.push(`trunk ${trunk.trunk_sid} is recorded by ${lines.length} lines: ${lines.map((l) => l.customerId).join(', ')}`);
      continue;
    }
    const [{ line, customerId, direction }] = lines as [LineRecord & { line: ManagedLine }];
    const orphan = (what: string, recorded: boolean) => {
      if (!recorded) report.orphans.push(`${what} on trunk ${trunk.trunk_sid} of ${direction} ${customerId} is recorded by no line`);
    };
    for (const m of trunk.phone_numbers) orphan(`number ${m.phone_number} (mapping ${m.id})`, line.numbers.some((n) => n.mappingId === m.id));
    for (const c of trunk.credentials) orphan(`credential ${c.user_name} (${c.id})`, line.credentials.some((l) => l.id === c.id));
    for (const e of trunk.whitelisted_ips) orphan(`ACL entry ${e.ip} (${e.id})`, line.aclEntries.some((l) => l.id === e.id));
    for (const d of trunk.destination_uris) orphan(`destination ${d.destination} (${d.id})`, line.destinations.some((l) => l.id === d.id));
  }
  return report;
}

/** What the timeline is asked: each entry is judged only through `throughSeq` (before an offboard began), if set. */
export interface MomentChecks {
  /** Trunks whose credential was rotated: never without one. */
  credentials: { who: string; trunkSid: string; throughSeq?: number }[];
  /** Inbound trunks whose destinations changed: never without one. */
  destinations: { who: string; trunkSid: string; throughSeq?: number }[];
  /** Numbers that were moved between trunks: never unrouted (with numberScope 'trunk'). */
  numbers: { who: string; did: string; throughSeq?: number }[];
}

export interface MomentsReport {
  /** Each moment a customer was unreachable, in words: must be none. */
  unreachable: string[];
  /** How many trunks and numbers the timeline was asked about. */
  checked: { credentials: number; destinations: number; numbers: number };
}

/**
 * An offboard deletes credentials (and destinations) before the trunk, and momentsWithout stops only at the trunk's
 * deletion, so an offboarded trunk is judged on its entries before the offboard was asked.
 */
export function auditMoments(timeline: SimulatorTimeline, checks: MomentChecks): MomentsReport {
  if (timeline.truncated) {
    throw new Error(`the timeline dropped entries through seq ${timeline.dropped_through} (capacity ${timeline.capacity}): raise timelineCapacity, moments among them cannot be ruled out`);
  }
  const entries = [...timeline.entries].sort((a, b) => a.seq - b.seq);
  const through = (seq: number | undefined): TimelineEntry[] => (seq === undefined ? entries : entries.filter((e) => e.seq <= seq));
  const shown = (moments: TimelineEntry[]) => moments.map((m) => `seq ${m.seq} ${m.time} (${m.kind} ${m.operation}${m.id ? ` ${m.id}` : ''})`).join(', ');
  const report: MomentsReport = { unreachable: [], checked: { credentials: 0, destinations: 0, numbers: 0 } };
  for (const kind of ['credentials', 'destinations'] as const) {
    for (const c of checks[kind]) {
      const moments = momentsWithout(through(c.throughSeq), { trunk: c.trunkSid, kind });
      report.checked[kind]++;
      if (moments.length) report.unreachable.push(`${c.who}: trunk ${c.trunkSid} held no ${kind} after ${shown(moments)}`);
    }
  }
  for (const n of checks.numbers) {
    const judged = through(n.throughSeq);
    // A number that never got mapped (its add was rolled back) was never reachable to begin with.
    if (!judged.some((e) => e.number_routes?.some((r) => r.phone_number === n.did))) continue;
    const moments = unroutedMoments(judged, n.did);
    report.checked.numbers++;
    if (moments.length) report.unreachable.push(`${n.who}: ${n.did} was mapped to no trunk after ${shown(moments)}`);
  }
  return report;
}

// ---------------------------------------------------------------------------------------------------------------
// The platform's side: Retell's numbers against the platform customers' plans, ends and lines.

export interface PlatformAuditReport extends AuditReport {
  /** A number whose fields are not what its setup gives (termination URI, transport, auth user, agents), or a number someone else imported that a setup changed. */
  mismatches: string[];
}

export interface PlatformAuditInput {
  /** Exotel's edge: every number's termination URI and transport. */
  edge: SipEdge;
  /** The numbers someone else imported before the run (refusal `taken`), as they were then: to be left exactly so. */
  foreign: RetellStoredNumber[];
  /** What each succeeded customer should hold after its operations (expectationsAfter): `trunk: false` is offboarded. */
  expected?: Map<string, Expectation | null>;
  /** Exotel's state at the end: the credential each outbound number must sign in with is on its customer's trunk. */
  exotel?: AccountState;
  /** The lines at the end: each one of a platform customer records exactly its numbers on Retell. */
  records?: LineRecord[];
}

/** What a customer's Retell numbers should be by now: there, gone, or unknown (an operation that failed or never answered). */
function platformStateOf(plan: CustomerPlan, outcomes: Map<string, Outcome>, expected: Map<string, Expectation | null> | undefined): { state: 'present'; wanted: Expectation } | { state: 'gone' | 'offboarded' | 'unknown' } {
  if (outcomes.get(plan.customerId) !== 'succeeded') return { state: 'gone' };
  const wanted = expected?.has(plan.customerId) ? expected.get(plan.customerId) : expectationOf(plan);
  if (wanted === null || wanted === undefined) return { state: 'unknown' };
  return wanted.trunk ? { state: 'present', wanted } : { state: 'offboarded' };
}

const agentsOf = (agents: { agent_id: string; weight: number }[] | null | undefined): string => (agents ?? []).map((a) => `${a.agent_id}×${a.weight}`).join(', ') || 'none';

/**
 * What differs between a number of a customer and what its setup gives every number of its line: Exotel's edge as
 * termination URI and transport; outbound, a user Exotel has on the customer's trunk (`signers`; the setup's own
 * user when Exotel's state is not given) and a password; on the setup's own number, its agent bound to its
 * direction only (a number a DID change added is not judged on agents: whether the product binds one there is its
 * own reading).
 */
function numberMismatches(plan: CustomerPlan, n: RetellStoredNumber, edge: SipEdge, signers: string[] | undefined): string[] {
  const wrong: string[] = [];
  const trunk = n.sip_outbound_trunk_config;
  const expect = (what: string, has: unknown, wants: unknown) => {
    if (has !== wants) wrong.push(`${what} is ${JSON.stringify(has ?? null)}, not ${JSON.stringify(wants)}`);
  };
  // Retell needs Exotel's edge as termination URI in both directions (the retell profile's sheet).
  expect('termination URI', trunk?.termination_uri, terminationUriFor(edge));
  expect('transport', trunk?.transport, edge.transport.toUpperCase());
  if (plan.direction === 'outbound') {
    const users = signers ?? [sipUserNameFor(plan.customerId)];
    const user = trunk?.auth_username ?? null;
    if (user === null || !users.includes(user)) wrong.push(`auth user is ${JSON.stringify(user)}, not one Exotel has on its trunk (${users.join(', ') || 'none'}): its calls would be refused`);
    if (!n.sip_trunk_auth_password_set) wrong.push('has no auth password');
  }
  if (n.phone_number !== plan.did) return wrong;
  const agent = plan.platform?.agentId;
  const bound = { inbound: agentsOf(n.inbound_agents), outbound: agentsOf(n.outbound_agents) };
  for (const direction of ['inbound', 'outbound'] as const) {
    const wants = agent && direction === plan.direction ? `${agent}×1` : 'none';
    if (bound[direction] !== wants) wrong.push(`${direction} agents are ${bound[direction]}, not ${wants}`);
  }
  return wrong;
}

/** JSON with object keys sorted at every level, so the same fields in another order compare equal. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (typeof value === 'object' && value !== null) {
    const entries = Object.entries(value).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

/** The fields a setup could change, for comparing a foreign number before and after (its timestamp moves on any update). */
const comparable = ({ last_modification_timestamp: _at, ...rest }: RetellStoredNumber): string => canonical(rest);

/**
 * Retell's numbers against the platform customers. Every succeeded one (not offboarded) has its setup's DID on
 * Retell, named `exotel-<customer>`, and no number there but DIDs Exotel routes to its trunk (a DID change may add
 * the new DID on Retell too, or leave Retell as it was: both readings pass; a DID moved away must not stay behind);
 * each with Exotel's edge as termination URI and transport, outbound signing in as a user Exotel has on its trunk;
 * its line records exactly those numbers, and no other line records one of them. A failed or offboarded customer
 * has no number left; a number named for no platform customer is an orphan; a number someone else imported is
 * exactly as it was. Where an operation left the state unknown, only the lines' duplicates are judged.
 */
export function auditPlatform(numbers: RetellStoredNumber[], plans: CustomerPlan[], outcomes: Map<string, Outcome>, o: PlatformAuditInput): PlatformAuditReport {
  const report: PlatformAuditReport = { duplicates: [], orphans: [], missing: [], mismatches: [] };
  const onPlatform = plans.filter((p) => p.platform);
  const nameOf = (p: CustomerPlan) => platformObjectName('retell-phone-number', p.customerId);
  const planByName = new Map(onPlatform.map((p) => [nameOf(p), p]));
  const foreignByDid = new Map(o.foreign.map((n) => [n.phone_number, n]));
  const who = (p: CustomerPlan) => `${p.direction} ${p.customerId}`;
  const signersOf = (p: CustomerPlan): string[] | undefined => {
    if (!o.exotel) return undefined;
    const trunks = o.exotel.trunks.filter((t) => t.trunk_name === trunkNameFor(p.customerId, p.direction));
    return trunks.flatMap((t) => t.credentials.map((c) => c.user_name));
  };

  for (const n of numbers) {
    const foreign = foreignByDid.get(n.phone_number);
    if (foreign) {
      if (comparable(foreign) !== comparable(n)) report.mismatches.push(`Retell number ${n.phone_number} of someone else (${foreign.nickname ?? 'no nickname'}) was changed: it is now ${comparable(n)}`);
      continue;
    }
    const owner = n.nickname ? planByName.get(n.nickname) : undefined;
    if (!owner) {
      report.orphans.push(`Retell number ${n.phone_number} (${n.nickname ?? 'no nickname'}) belongs to no platform customer`);
      continue;
    }
    const end = platformStateOf(owner, outcomes, o.expected);
    if (end.state === 'gone') report.orphans.push(`Retell number ${n.phone_number} of ${who(owner)}, whose setup failed, is still there`);
    else if (end.state === 'offboarded') report.orphans.push(`${who(owner)} was offboarded, but its Retell number ${n.phone_number} is still there`);
    else if (end.state === 'present') {
      if (!end.wanted.numbers.includes(n.phone_number)) report.orphans.push(`Retell number ${n.phone_number} is named for ${who(owner)}, whose trunk does not hold ${n.phone_number} on Exotel (${end.wanted.numbers.join(', ')})`);
      else for (const m of numberMismatches(owner, n, o.edge, signersOf(owner))) report.mismatches.push(`${who(owner)}: Retell number ${n.phone_number}: ${m}`);
    }
  }
  for (const f of o.foreign) {
    if (!numbers.some((n) => n.phone_number === f.phone_number)) report.missing.push(`Retell number ${f.phone_number} of someone else (${f.nickname ?? 'no nickname'}) is gone`);
  }
  for (const plan of onPlatform) {
    if (platformStateOf(plan, outcomes, o.expected).state !== 'present') continue;
    if (!numbers.some((n) => n.phone_number === plan.did && n.nickname === nameOf(plan))) report.missing.push(`${who(plan)}: no Retell number ${plan.did} named ${nameOf(plan)}`);
  }

  const recordOf = new Map((o.records ?? []).map((r) => [`${r.direction}:${r.customerId}`, r]));
  const recordedBy = new Map<string, string[]>();
  for (const plan of plans) {
    const record = recordOf.get(`${plan.direction}:${plan.customerId}`);
    // A failed setup's line, or a succeeded one's missing line, is auditLines' to report.
    if (outcomes.get(plan.customerId) !== 'succeeded' || !record?.line) continue;
    const { platform } = record.line;
    const objects = platform?.objects ?? [];
    const listed = (xs: { kind: string; id: string }[]) => xs.map((x) => `${x.kind} ${x.id}`).join(', ');
    if (!plan.platform) {
      if (objects.length) report.orphans.push(`${who(plan)} is not on the platform by API, but its line records ${listed(objects)}`);
      continue;
    }
    if (record.state === 'offboarded') {
      if (objects.length) report.missing.push(`${who(plan)} is offboarded, but its line still records ${listed(objects)}`);
      continue;
    }
    if (platform?.provider !== 'retell') {
      report.missing.push(`${who(plan)}: its line records no Retell side (${platform ? platform.provider : 'manual'}): its setup did not configure Retell by API`);
      continue;
    }
    const ids = objects.filter((x) => x.kind === 'retell-phone-number').map((x) => x.id);
    for (const x of objects) if (x.kind !== 'retell-phone-number') report.orphans.push(`${who(plan)}: its line records ${x.kind} ${x.id}, which no Retell setup makes`);
    for (const id of new Set(ids)) {
      recordedBy.set(id, [...(recordedBy.get(id) ?? []), who(plan)]);
      if (ids.filter((x) => x === id).length > 1) report.duplicates.push(`${who(plan)}: its line records Retell number ${id} ${ids.filter((x) => x === id).length} times`);
      const there = numbers.find((n) => n.phone_number === id);
      if (!there) report.missing.push(`${who(plan)}: its line records Retell number ${id}, which Retell does not have`);
      else if (there.nickname !== nameOf(plan)) report.mismatches.push(`${who(plan)}: its line records Retell number ${id}, which Retell holds as ${there.nickname ?? 'no nickname'}`);
    }
    if (!ids.includes(plan.did)) report.missing.push(`${who(plan)}: its line records no Retell number ${plan.did}`);
    for (const n of numbers) {
      if (n.nickname === nameOf(plan) && !ids.includes(n.phone_number)) report.orphans.push(`${who(plan)}: Retell number ${n.phone_number} of its name is recorded by no line`);
    }
  }
  for (const [id, lines] of recordedBy) if (lines.length > 1) report.duplicates.push(`Retell number ${id} is recorded by ${lines.length} lines: ${lines.join(', ')}`);
  return report;
}
