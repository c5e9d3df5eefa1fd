// The chaos run, small: setups under injected faults and process kills must leave exactly what they should; then
// day-two operations on the lines under the same faults and kills, audited against Exotel, the lines' records and
// the simulator's timeline; a share of the customers with Retell's side by API, against the Retell stand-in under
// its own faults, audited the same way. (`npm run chaos` runs the full size: 200 customers, a kill every 5 s, a
// server restart in each phase.)
import { describe, expect, it } from 'vitest';
import { lineFromSetup, type LineOperationKind, type ManagedLine } from '../../domain/line';
import { sipUserNameFor, trunkNameFor } from '../../domain/naming';
import type { AccountState, SimulatorTimeline, TimelineEntry, TrunkState } from '../../simulator';
import type { RetellStoredNumber } from '../../simulator/voice-ai';
import { audit, auditLines, auditMoments, auditPlatform, expectationOf, PLATFORM_REFUSALS, type CustomerPlan, type LineRecord } from '../../scripts/chaos/audit';
import { CHAOS_AGENT, planCustomers, runChaos } from '../../scripts/chaos/run';

const OPERATED: LineOperationKind[] = ['add-dids', 'rotate-credential', 'confirm-rotation', 'move-did', 'set-destinations', 'offboard'];

/** The key the stand-in wants and the worker gets: it must appear in nothing the run prints or reports. */
const RETELL_KEY = `key_chaos_test_${'5ec7e7'.repeat(5)}`;

describe('chaos', () => {
  it('30 customers with faults on every endpoint and a worker SIGKILL in each phase: no duplicate, no orphan, nothing lost, never unreachable, on Exotel or on Retell', { timeout: 300_000 }, async () => {
    const printed: string[] = [];
    const report = await runChaos({ customers: 30, seed: 2, killEverySeconds: 3, maxKills: 1, serverRestarts: 0, platformShare: 0.3, platformApiKey: RETELL_KEY, log: (line) => printed.push(line) });
    // One kill while the setups run, one while the operations do.
    expect(report.kills).toBe(2);
    expect(report.lifecycle.kills).toBe(1);
    expect(report.faults['commit-then-fail']).toBeGreaterThan(0);
    expect(report.duplicates).toEqual([]);
    expect(report.orphans).toEqual([]);
    expect(report.missing).toEqual([]);
    expect(report.plannedButSucceeded).toEqual([]);
    // Three refused by Exotel, three by Retell (the fourth Retell customer Exotel refuses is one of Exotel's three).
    expect(report.plannedFailures).toBe(6);
    // Faults may exhaust a step's retries now and then (a rolled-back setup is a correct outcome); most succeed.
    expect(report.succeeded).toBeGreaterThanOrEqual(21);

    // Retell's side: customers of both directions, every kind of planned refusal, every kind of fault, and the
    // audit of both sides clean: each succeeded customer's number exactly right, the refused ones' gone, no orphan.
    const p = report.platform;
    expect(p.outbound).toBeGreaterThan(0);
    expect(p.inbound).toBeGreaterThan(0);
    expect(p.planned).toEqual({ 'unknown-agent': 1, 'refused-400': 1, taken: 1, 'exotel-refused': 1 });
    expect(p.succeeded).toBeGreaterThan(0);
    expect(p.requests).toBeGreaterThan(p.customers);
    for (const kind of ['commit-then-fail', 'status 503', 'status 429', 'status 400', 'drop']) expect(p.faults[kind] ?? 0, kind).toBeGreaterThan(0);
    expect(p.duplicates).toEqual([]);
    expect(p.orphans).toEqual([]);
    expect(p.missing).toEqual([]);
    expect(p.mismatches).toEqual([]);
    // The numbers left: the succeeded customers' not offboarded, and someone else's that one setup found taken.
    expect(p.numbers).toBeGreaterThan(0);
    expect(p.offboarded).toBeGreaterThan(0);
    expect(report.leaks).toEqual([]);
    expect(JSON.stringify(report)).not.toContain(RETELL_KEY);
    expect(printed.join('\n')).not.toContain(RETELL_KEY);

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
    // Retell's side too: its planned refusals fail, its other customers succeed, with no fault injected there.
    const p = report.platform;
    expect(p.customers).toBeGreaterThan(0);
    expect(p.succeeded).toBe(p.customers - Object.values(p.planned).reduce((a, b) => a + b, 0));
    expect(p.faults).toEqual({});
    expect([...p.duplicates, ...p.orphans, ...p.missing, ...p.mismatches, ...report.leaks]).toEqual([]);
  });
});

describe('the chaos plan', () => {
  it("puts a share of each kind of customer on Retell by API, a few of them refused by Retell in each planned way", () => {
    const plans = planCustomers(200, 1, 0.3);
    const onPlatform = plans.filter((p) => p.platform);
    expect(onPlatform.length).toBe(60);
    for (const direction of ['outbound', 'inbound'] as const) expect(onPlatform.some((p) => p.direction === direction)).toBe(true);
    for (const refusal of PLATFORM_REFUSALS) expect(onPlatform.filter((p) => p.platform?.refusal === refusal).length, refusal).toBeGreaterThan(0);
    // A refusal is a planned failure; an inbound one Exotel refuses keeps its documentation IP, after Retell's host.
    expect(onPlatform.filter((p) => p.platform?.refusal).every((p) => p.mustFail)).toBe(true);
    const exotelRefused = onPlatform.filter((p) => p.mustFail && !p.platform?.refusal);
    expect(exotelRefused.length).toBeGreaterThan(0);
    for (const p of exotelRefused) expect(p.destinations).toEqual([expect.stringMatching(/^sip\.retellai\.com:/), expect.stringMatching(/^198\.51\.100\./)]);
    for (const p of onPlatform.filter((x) => x.direction === 'inbound' && !x.mustFail)) expect(p.destinations).toEqual([expect.stringMatching(/^sip\.retellai\.com:506[01];transport=/)]);
    // Those not on Retell are planned as without a platform share; none is on Retell at share 0.
    const without = planCustomers(200, 1, 0);
    expect(plans.filter((p) => !p.platform)).toEqual(without.filter((p) => !onPlatform.some((x) => x.customerId === p.customerId)));
    expect(without.some((p) => p.platform)).toBe(false);
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

  describe("Retell's side", () => {
    const edge = { host: 'in.voip.exotel.com', port: 443, transport: 'tls' as const };
    const out: CustomerPlan = { customerId: 'p-1', direction: 'outbound', did: '+919700000011', mustFail: false, platform: { provider: 'retell', agentId: CHAOS_AGENT } };
    const inb: CustomerPlan = { customerId: 'p-2', direction: 'inbound', did: '+919700000012', destinations: ['sip.retellai.com:5060;transport=tcp'], mustFail: false, platform: { provider: 'retell' } };
    const refused: CustomerPlan = { customerId: 'p-3', direction: 'outbound', did: '+919700000013', mustFail: true, platform: { provider: 'retell', refusal: 'taken' } };
    const plans = [plan, out, inb, refused];
    const ends = new Map([
      ['c-1', 'succeeded' as const],
      ['p-1', 'succeeded' as const],
      ['p-2', 'succeeded' as const],
      ['p-3', 'failed' as const],
    ]);
    const number = (over: Partial<RetellStoredNumber> & { phone_number: string }): RetellStoredNumber => ({
      phone_number_type: 'custom',
      last_modification_timestamp: 1,
      nickname: null,
      inbound_webhook_url: null,
      inbound_agents: null,
      outbound_agents: null,
      allowed_inbound_country_list: null,
      allowed_outbound_country_list: null,
      sip_outbound_trunk_config: { termination_uri: 'in.voip.exotel.com:443', auth_username: null, transport: 'TLS' },
      sip_trunk_auth_password_set: false,
      ...over,
    });
    const outNumber = number({ phone_number: out.did, nickname: 'exotel-p-1', outbound_agents: [{ agent_id: CHAOS_AGENT, weight: 1 }], sip_outbound_trunk_config: { termination_uri: 'in.voip.exotel.com:443', auth_username: sipUserNameFor('p-1'), transport: 'TLS' }, sip_trunk_auth_password_set: true });
    const inNumber = number({ phone_number: inb.did, nickname: 'exotel-p-2' });
    const foreign = number({ phone_number: refused.did, nickname: 'someone-else', sip_outbound_trunk_config: { termination_uri: 'sip.another-carrier.example:5060', auth_username: null, transport: 'TCP' } });
    const lineOf = (p: CustomerPlan, objects: { id: string }[]): LineRecord => {
      const platform: ManagedLine['platform'] = { provider: 'retell', account: 'chaos-retell', objects: objects.map(({ id }) => ({ kind: 'retell-phone-number' as const, id, name: `exotel-${p.customerId}`, origin: 'created' as const, mayDelete: true, since: '', by: 'setup' })) };
      return { customerId: p.customerId, direction: p.direction, state: 'managed', line: { ...line, customerId: p.customerId, direction: p.direction, platform } };
    };
    const records = [managed, lineOf(out, [{ id: out.did }]), lineOf(inb, [{ id: inb.did }])];

    it('finds nothing when each succeeded customer has its number as its setup made it, and someone else’s is untouched', () => {
      expect(auditPlatform([foreign, outNumber, inNumber], plans, ends, { edge, foreign: [foreign], records })).toEqual({ duplicates: [], orphans: [], missing: [], mismatches: [] });
    });

    it("finds a failed or offboarded customer's leftover, a number nobody's, one for a DID its customer does not hold, wrong fields, and someone else's changed", () => {
      const leftover = number({ phone_number: '+919700000099', nickname: 'exotel-p-3' });
      const stray = number({ phone_number: '+919700000098', nickname: 'exotel-nobody' });
      const elsewhere = number({ phone_number: '+919600000011', nickname: 'exotel-p-1' });
      const wrong = { ...outNumber, outbound_agents: null, sip_outbound_trunk_config: { termination_uri: 'sip.retellai.com', auth_username: 'someone', transport: 'TCP' } };
      const changed = { ...foreign, sip_outbound_trunk_config: { termination_uri: 'in.voip.exotel.com:443', auth_username: null, transport: 'TLS' } };
      const offboarded = new Map([['p-2', { ...expectationOf(inb), trunk: false }]]);
      const report = auditPlatform([changed, wrong, elsewhere, inNumber, leftover, stray], plans, ends, { edge, foreign: [foreign], expected: offboarded, records });
      expect(report.orphans).toEqual([
        'Retell number +919600000011 is named for outbound p-1, whose trunk does not hold +919600000011 on Exotel (+919700000011)',
        'inbound p-2 was offboarded, but its Retell number +919700000012 is still there',
        'Retell number +919700000099 of outbound p-3, whose setup failed, is still there',
        'Retell number +919700000098 (exotel-nobody) belongs to no platform customer',
        'outbound p-1: Retell number +919600000011 of its name is recorded by no line',
      ]);
      expect(report.mismatches).toEqual([
        expect.stringMatching(/^Retell number \+919700000013 of someone else \(someone-else\) was changed/),
        'outbound p-1: Retell number +919700000011: termination URI is "sip.retellai.com", not "in.voip.exotel.com:443"',
        'outbound p-1: Retell number +919700000011: transport is "TCP", not "TLS"',
        `outbound p-1: Retell number +919700000011: auth user is "someone", not one Exotel has on its trunk (${sipUserNameFor('p-1')}): its calls would be refused`,
        `outbound p-1: Retell number +919700000011: outbound agents are none, not ${CHAOS_AGENT}×1`,
      ]);
      expect(report.duplicates).toEqual([]);
      expect(report.missing).toEqual([]);
    });

    it("finds a lost number, a line's record Retell lacks or does not match, and a number recorded twice", () => {
      const after = auditPlatform([number({ phone_number: refused.did, nickname: 'exotel-p-3' })], plans, ends, { edge, foreign: [], records });
      expect(after.orphans).toEqual([`Retell number ${refused.did} of outbound p-3, whose setup failed, is still there`]);
      expect(after.missing).toEqual([
        'outbound p-1: no Retell number +919700000011 named exotel-p-1',
        'inbound p-2: no Retell number +919700000012 named exotel-p-2',
        'outbound p-1: its line records Retell number +919700000011, which Retell does not have',
        'inbound p-2: its line records Retell number +919700000012, which Retell does not have',
      ]);
      const gone = auditPlatform([outNumber, inNumber], plans, ends, { edge, foreign: [foreign], records: [managed, lineOf(out, []), { ...lineOf(inb, [{ id: inb.did }]), state: 'offboarded' }] });
      expect(gone.missing).toEqual([
        'Retell number +919700000013 of someone else (someone-else) is gone',
        'outbound p-1: its line records no Retell number +919700000011',
        'inbound p-2 is offboarded, but its line still records retell-phone-number +919700000012',
      ]);
      expect(gone.orphans).toEqual(['outbound p-1: Retell number +919700000011 of its name is recorded by no line']);
      const twice = auditPlatform([outNumber, inNumber], plans, ends, { edge, foreign: [], records: [lineOf(out, [{ id: out.did }, { id: out.did }]), lineOf(inb, [{ id: inb.did }, { id: out.did }])] });
      expect(twice.duplicates).toEqual([`outbound p-1: its line records Retell number ${out.did} 2 times`, `Retell number ${out.did} is recorded by 2 lines: outbound p-1, inbound p-2`]);
      expect(twice.mismatches).toEqual([`inbound p-2: its line records Retell number ${out.did}, which Retell holds as exotel-p-1`]);
    });

    it("takes either reading of a DID change (Retell given the new number and a rotated credential, or left as it was), as long as Retell signs in as a user Exotel has", () => {
      const added = '+919600000011';
      const rotated = sipUserNameFor('p-1', 1);
      const after = new Map([['p-1', { ...expectationOf(out), numbers: [out.did, added], credentialsOneOf: [sipUserNameFor('p-1'), rotated] }]]);
      const exotel = (user: string): AccountState => ({
        trunks: [trunk({ trunk_name: trunkNameFor('p-1', 'outbound'), phone_numbers: [], credentials: [{ id: '41', user_name: user, trunk_sid: 'trmum1aa', friendly_name: null, ...stamp }] })],
        orphan_credentials: [],
      });
      const signingAs = (n: RetellStoredNumber, user: string) => ({ ...n, sip_outbound_trunk_config: { termination_uri: 'in.voip.exotel.com:443', auth_username: user, transport: 'TLS' } });
      const closed = [signingAs(outNumber, rotated), signingAs(number({ phone_number: added, nickname: 'exotel-p-1', sip_trunk_auth_password_set: true }), rotated), inNumber];
      const clean = { duplicates: [], orphans: [], missing: [], mismatches: [] };
      expect(auditPlatform(closed, plans, ends, { edge, foreign: [], expected: after, exotel: exotel(rotated), records: [lineOf(out, [{ id: out.did }, { id: added }]), lineOf(inb, [{ id: inb.did }])] })).toEqual(clean);
      expect(auditPlatform([outNumber, inNumber], plans, ends, { edge, foreign: [], expected: after, exotel: exotel(sipUserNameFor('p-1')), records })).toEqual(clean);
      // Rotated on Exotel, but Retell still signs in as the old user: every call it places is refused.
      expect(auditPlatform([outNumber, inNumber], plans, ends, { edge, foreign: [], expected: after, exotel: exotel(rotated), records }).mismatches).toEqual([
        `outbound p-1: Retell number ${out.did}: auth user is "${sipUserNameFor('p-1')}", not one Exotel has on its trunk (${rotated}): its calls would be refused`,
      ]);
      // Exotel's side holds exactly one of the two.
      const account = exotel(rotated);
      account.trunks[0]!.phone_numbers = [{ id: '11', phone_number: out.did, trunk_sid: 'trmum1aa', mode: 'pstn', ...stamp }, { id: '12', phone_number: added, trunk_sid: 'trmum1aa', mode: 'pstn', ...stamp }];
      expect(audit(account, [out], ends, after)).toEqual({ duplicates: [], orphans: [], missing: [] });
      account.trunks[0]!.credentials.push({ id: '42', user_name: sipUserNameFor('p-1'), trunk_sid: 'trmum1aa', friendly_name: null, ...stamp });
      expect(audit(account, [out], ends, after).orphans).toEqual([`outbound p-1: credentials ${rotated}, ${sipUserNameFor('p-1')}, where one of them was wanted`]);
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
