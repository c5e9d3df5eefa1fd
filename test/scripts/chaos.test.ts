// The chaos run, small: setups under injected faults and process kills must leave exactly what they should; then
// day-two operations on the lines under the same faults and kills, audited against Exotel, the lines' records and
// the simulator's timeline. (`npm run chaos` runs the full size: 200 customers, a kill every 5 s, a server restart
// in each phase.)
import { describe, expect, it } from 'vitest';
import { lineFromSetup, type LineOperationKind } from '../../domain/line';
import { sipUserNameFor, trunkNameFor } from '../../domain/naming';
import type { AccountState, SimulatorTimeline, TimelineEntry, TrunkState } from '../../simulator';
import { audit, auditLines, auditMoments, expectationOf, type CustomerPlan } from '../../scripts/chaos/audit';
import { runChaos } from '../../scripts/chaos/run';

const OPERATED: LineOperationKind[] = ['add-dids', 'rotate-credential', 'confirm-rotation', 'move-did', 'set-destinations', 'offboard'];

describe('chaos', () => {
  it('30 customers with faults on every endpoint and a worker SIGKILL in each phase: no duplicate, no orphan, nothing lost, never unreachable', { timeout: 300_000 }, async () => {
    const report = await runChaos({ customers: 30, seed: 2, killEverySeconds: 3, maxKills: 1, serverRestarts: 0 });
    // One kill while the setups run, one while the operations do.
    expect(report.kills).toBe(2);
    expect(report.lifecycle.kills).toBe(1);
    expect(report.faults['commit-then-fail']).toBeGreaterThan(0);
    expect(report.duplicates).toEqual([]);
    expect(report.orphans).toEqual([]);
    expect(report.missing).toEqual([]);
    expect(report.plannedButSucceeded).toEqual([]);
    expect(report.plannedFailures).toBe(3);
    // Faults may exhaust a step's retries now and then (a rolled-back setup is a correct outcome); most succeed.
    expect(report.succeeded).toBeGreaterThanOrEqual(24);

    // Day two: every kind of operation ran and was done at least once (a rollback under the faults is correct too).
    for (const kind of OPERATED) expect(report.lifecycle.operations[kind]?.done ?? 0, kind).toBeGreaterThan(0);
    expect(report.lifecycle.unanswered).toEqual([]);
    expect(report.unsettled).toEqual([]);
    expect(report.unreachable).toEqual([]);
    expect(report.momentsChecked.credentials).toBeGreaterThan(0);
    expect(report.momentsChecked.destinations).toBeGreaterThan(0);
    expect(report.momentsChecked.numbers).toBeGreaterThan(0);
  });

  it('a Temporal server restart on its database, in each phase, loses no setup and no operation', { timeout: 300_000 }, async () => {
    const report = await runChaos({
      customers: 12,
      seed: 3,
      killEverySeconds: 0,
      serverRestarts: 1,
      errorProbability: 0,
      slowProbability: 0,
      lostAnswerProbability: 0,
    });
    expect(report.serverRestarts).toBe(2);
    expect(report.lifecycle.serverRestarts).toBe(1);
    expect(report.succeeded + report.failed).toBe(12);
    // No faults in this run: every setup not planned to fail succeeds, and every operation is done.
    expect(report.unplannedFailures).toEqual([]);
    expect(report.plannedButSucceeded).toEqual([]);
    expect(report.lifecycle.unanswered).toEqual([]);
    expect(report.lifecycle.undone).toEqual([]);
    expect([...report.duplicates, ...report.orphans, ...report.missing, ...report.unreachable, ...report.unsettled]).toEqual([]);
  });
});

// The audit itself, on made-up states and timelines: each kind of fault it looks for is found (so a clean run is not
// clean because the audit looks at nothing), and an offboard's deliberate deletions are not counted as moments.
describe('the chaos audit', () => {
  const plan: CustomerPlan = { customerId: 'c-1', direction: 'outbound', did: '+919700000001', mustFail: false };
  const failed: CustomerPlan = { customerId: 'c-2', direction: 'inbound', did: '+919700000002', destinations: ['a.sip.example.com:5061;transport=tls'], mustFail: true };
  const outcomes = new Map([
    ['c-1', 'succeeded' as const],
    ['c-2', 'failed' as const],
  ]);
  const stamp = { date_created: '', date_updated: '' };
  const trunk = (over: Partial<TrunkState> = {}): TrunkState => ({
    trunk_sid: 'trmum1aa',
    trunk_name: trunkNameFor('c-1', 'outbound'),
    status: 'active',
    domain_name: '',
    nso_code: '',
    auth_type: '',
    registration_enabled: 'disabled',
    edge_preference: '',
    secure_trunking: 'disabled',
    ...stamp,
    phone_numbers: [{ id: '11', phone_number: plan.did, trunk_sid: 'trmum1aa', mode: 'pstn', ...stamp }],
    credentials: [{ id: '21', user_name: sipUserNameFor('c-1'), trunk_sid: 'trmum1aa', friendly_name: null, ...stamp }],
    whitelisted_ips: [],
    destination_uris: [],
    settings: [],
    ...over,
  });
  const line = lineFromSetup('outbound', { customerId: 'c-1', exotelAccountSid: 'a', trunkSid: 'trmum1aa', trunkCreated: true, mappingIds: { [plan.did]: '11' }, credential: { id: '21', userName: sipUserNameFor('c-1') } }, '', 'setup');
  const managed = { customerId: 'c-1', direction: 'outbound' as const, state: 'managed' as const, line };

  it('finds nothing in a state that matches the setups and the lines', () => {
    const account: AccountState = { trunks: [trunk()], orphan_credentials: [] };
    expect(audit(account, [plan, failed], outcomes)).toEqual({ duplicates: [], orphans: [], missing: [] });
    expect(auditLines(account, [plan, failed], outcomes, [managed])).toEqual({ duplicates: [], orphans: [], missing: [], unsettled: [] });
  });

  it('finds what no line records, what a line records and Exotel lacks, a reused user name, and an offboard that left its trunk', () => {
    const extra = { id: '12', phone_number: '+919600000001', trunk_sid: 'trmum1aa', mode: 'pstn' as const, ...stamp };
    const account: AccountState = { trunks: [trunk({ phone_numbers: [extra], credentials: [] })], orphan_credentials: [{ id: '31', user_name: sipUserNameFor('c-1'), trunk_sid: 'gone', friendly_name: null, ...stamp }] };
    const ofLines = auditLines(account, [plan, failed], outcomes, [managed, { customerId: 'c-2', direction: 'inbound', state: 'managed', line }]);
    expect(ofLines.orphans).toEqual([
      'inbound c-2: its setup failed, but it has a line (managed)',
      'number +919600000001 (mapping 12) on trunk trmum1aa of outbound c-1 is recorded by no line',
    ]);
    expect(ofLines.missing).toEqual([
      `outbound c-1: its line records number ${plan.did} (mapping 11), which trunk trmum1aa does not have`,
      `outbound c-1: its line records credential ${sipUserNameFor('c-1')} (21), which trunk trmum1aa does not have`,
    ]);
    const offboarded = new Map([['c-1', { ...expectationOf(plan), trunk: false }]]);
    const onExotel = audit({ ...account, trunks: [trunk()] }, [plan, failed], outcomes, offboarded);
    expect(onExotel.orphans).toEqual(['outbound c-1 was offboarded, but its trunk trmum1aa is still there', expect.stringContaining('outlived its trunk gone')]);
    expect(onExotel.duplicates).toEqual([`credential user name ${sipUserNameFor('c-1')} exists 2 times in the account`]);
  });

  const at = (seq: number, over: Partial<TimelineEntry>): TimelineEntry => ({
    seq,
    time: new Date(seq * 1000).toISOString(),
    account: 'a',
    trunk_sid: 'trmum1aa',
    trunk_name: 'x',
    kind: 'credential',
    operation: 'create',
    id: String(seq),
    values: {},
    counts: { numbers: 0, credentials: 0, acl_entries: 0, destinations: 0 },
    ...over,
  });
  const timeline = (entries: TimelineEntry[]): SimulatorTimeline => ({ entries, truncated: false, dropped_through: 0, capacity: 100 });
  const creds = (credentials: number) => ({ counts: { numbers: 1, credentials, acl_entries: 0, destinations: 0 } });

  it('finds a moment without credentials, but not in an offboard after the cut', () => {
    const deleteThenAdd = timeline([at(1, { kind: 'trunk', ...creds(0) }), at(2, creds(1)), at(3, { operation: 'delete', ...creds(0) }), at(4, creds(1))]);
    const report = auditMoments(deleteThenAdd, { credentials: [{ who: 'c-1', trunkSid: 'trmum1aa' }], destinations: [], numbers: [] });
    expect(report.unreachable).toEqual([expect.stringContaining('c-1: trunk trmum1aa held no credentials after seq 3')]);
    const offboard = timeline([at(1, { kind: 'trunk', ...creds(0) }), at(2, creds(1)), at(3, creds(2)), at(4, { operation: 'delete', ...creds(1) }), at(5, { operation: 'delete', ...creds(0) })]);
    expect(auditMoments(offboard, { credentials: [{ who: 'c-1', trunkSid: 'trmum1aa', throughSeq: 4 }], destinations: [], numbers: [] })).toEqual({
      unreachable: [],
      checked: { credentials: 1, destinations: 0, numbers: 0 },
    });
  });

  it('finds a moved number that was unrouted, and not one mapped on its new trunk first', () => {
    const did = '+919600000001';
    const routes = (...trunks: string[]) => ({ kind: 'number' as const, number_routes: [{ phone_number: did, trunk_sids: trunks }] });
    const checks = { credentials: [], destinations: [], numbers: [{ who: 'c-1', did }] };
    const unmapFirst = timeline([at(1, routes('A')), at(2, { ...routes(), operation: 'delete' }), at(3, routes('B'))]);
    expect(auditMoments(unmapFirst, checks).unreachable).toEqual([expect.stringContaining(`c-1: ${did} was mapped to no trunk after seq 2`)]);
    const mapFirst = timeline([at(1, routes('A')), at(2, routes('A', 'B')), at(3, { ...routes('B'), operation: 'delete' })]);
    expect(auditMoments(mapFirst, checks)).toEqual({ unreachable: [], checked: { credentials: 0, destinations: 0, numbers: 1 } });
  });
});
