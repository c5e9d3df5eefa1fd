// Compares what the simulator holds with what the setups should have left: each succeeded customer exactly its
// resources, each failed customer nothing, and nothing that belongs to no one.
import { sipUserNameFor, trunkNameFor } from '../../domain/naming';
import type { Direction } from '../../domain/setup';
import { bareIp, normalizeDestination } from '../../domain/rules';
import type { AccountState, TrunkState } from '../../simulator';

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
  /** A resource present more than once where the setup wanted one. */
  duplicates: string[];
  /** A resource no succeeded setup accounts for, including anything a failed setup left behind. */
  orphans: string[];
  /** A resource a succeeded setup should have and does not. */
  missing: string[];
}

function countBy<T>(items: T[], key: (t: T) => string): Map<string, number> {
  const counts = new Map<string, number>();
  for (const item of items) counts.set(key(item), (counts.get(key(item)) ?? 0) + 1);
  return counts;
}

export function audit(account: AccountState, plans: CustomerPlan[], outcomes: Map<string, Outcome>): AuditReport {
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
    if (trunks.length === 0) {
      report.missing.push(`${who}: no trunk`);
      continue;
    }
    if (trunks.length > 1) report.duplicates.push(`${who}: ${trunks.length} trunks`);
    const trunk = trunks[0]!;
    const expectOne = (what: string, counts: Map<string, number>, wanted: string[]) => {
      for (const w of wanted) {
        const n = counts.get(w) ?? 0;
        if (n === 0) report.missing.push(`${who}: no ${what} ${w}`);
        if (n > 1) report.duplicates.push(`${who}: ${n}× ${what} ${w}`);
      }
      for (const [value] of counts) if (!wanted.includes(value)) report.orphans.push(`${who}: unexpected ${what} ${value}`);
    };
    expectOne('number', countBy(trunk.phone_numbers, (n) => n.phone_number), [plan.did]);
    if (plan.direction === 'outbound') {
      expectOne('credential', countBy(trunk.credentials, (c) => c.user_name), [sipUserNameFor(plan.customerId)]);
      expectOne('ACL entry', countBy(trunk.whitelisted_ips, (e) => e.ip), (plan.providerIps ?? []).map(bareIp));
    } else {
      expectOne('destination', countBy(trunk.destination_uris, (d) => normalizeDestination(d.destination)), (plan.destinations ?? []).map(normalizeDestination));
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
  return report;
}
