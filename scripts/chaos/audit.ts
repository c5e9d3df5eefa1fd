// Compares what the simulator holds with what the setups and the day-two operations should have left: each
// succeeded customer exactly its resources (an offboarded one nothing), each failed customer nothing, nothing that
// belongs to no one; each line's record matches Exotel; and the timeline shows no moment a changing credential,
// destination or number left a customer unreachable.
import type { ManagedLine } from '../../domain/line';
import { sipUserNameFor, trunkNameFor } from '../../domain/naming';
import type { Direction } from '../../domain/setup';
import { bareIp, normalizeDestination } from '../../domain/rules';
import { momentsWithout, unroutedMoments, type AccountState, type SimulatorTimeline, type TimelineEntry, type TrunkState } from '../../simulator';

export interface CustomerPlan {
  customerId: string;
  direction: Direction;
  did: string;
  providerIps?: string[];
  destinations?: string[];
  /** Set up to fail for good (Exotel refuses one of its values), to check that a rollback leaves nothing. */
  mustFail: boolean;
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
      expectOne('credential', countBy(trunk.credentials, (c) => c.user_name), wanted?.credentials);
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
