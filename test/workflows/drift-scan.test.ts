// Drift made behind the project's back, through the simulator's HTTP API exactly as a person with curl would, and
// found by the next scan: each kind, on the lines it belongs to, with their TrunkDriftState; nothing is touched.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runDriftScan, startDriftScan } from '../../client/drift';
import { lookUpLine, operateOn } from '../../client/lines';
import type { Difference } from '../../domain/drift-report';
import type { LineView, ManagedLine } from '../../domain/line';
import { SearchAttributes } from '../../domain/search-attributes';
import { ExotelClient } from '../../exotel/client';
import { ownAccount } from '../support/simulator';
import { keepHistory, startHarness, type Harness } from '../support/setup-harness';
import { decideUpdate } from '../../workflows/ops-gate';

let h: Harness;
let exotel: ExotelClient;
beforeAll(async () => {
  // An account of its own: the scan judges every trunk and line of the account, and other files' are not this file's.
  const own = ownAccount('drift_scan_sg');
  h = await startHarness(own.simulator, own.account);
  exotel = new ExotelClient(h.exotelAccount);
});
afterAll(() => h.stop());

async function managed(direction: 'outbound' | 'inbound', customerId: string): Promise<ManagedLine> {
  for (;;) {
    const found = await lookUpLine(h.client, direction, customerId);
    if (found.state === 'managed' && found.view.line.trunk) return found.view.line;
    await new Promise((r) => setTimeout(r, 100));
  }
}

const strip = (d: Difference) => ({ kind: d.kind, part: d.part, item: d.item, ...(d.found ? { found: d.found } : {}) });

describe('drift scan', () => {
  it('keeps to its share of the budget: reads spaced by the pace that share allows', { timeout: 180_000 }, async () => {
    // Before the other tests add their lines: two lines, so seven reads.
    for (const label of ['pace-a', 'pace-b']) await (await h.startOutbound({ customerId: h.customer(label), did: label === 'pace-a' ? '+6534000001' : '+6534000002' })).handle.result();
    await new Promise((r) => setTimeout(r, 1_000));
    await h.mark();
    // 60 requests a minute at a share of 0.5: a read every 2 s at most.
    const report = await runDriftScan(h.client, { exotelAccountSid: h.exotelAccount.accountSid, requestsPerMinute: 60, share: 0.5 }, { taskQueue: h.taskQueue });
    const reads = (await h.loggedSinceMark()).map((r) => Date.parse(r.time));
    expect(reads.length).toBe(report.reads);
    expect(reads.length).toBeGreaterThan(5);
    const gaps = reads.slice(1).map((t, i) => t - (reads[i] ?? t));
    // The pace is kept by the scan's own timers; the log's clock and the workflow's may differ by a few ms.
    expect(Math.min(...gaps)).toBeGreaterThanOrEqual(1_950);
  });

  it('finds every kind of difference made by hand, reports it per line, and changes nothing', { timeout: 180_000 }, async () => {
    const quiet = h.customer('drift-quiet');
    const out = h.customer('drift-out');
    const inb = h.customer('drift-in');
    const gone = h.customer('drift-gone');
    await (await h.startOutbound({ customerId: quiet, did: '+6531000001' })).handle.result();
    await (await h.startOutbound({ customerId: out, dids: ['+6531000011', '+6531000012'], providerIps: ['203.0.113.21'], allowAclWithDigest: true })).handle.result();
    await (await h.startInbound({ customerId: inb, dids: ['+6531000021', '+6531000022'], destinations: ['a.example.com:5061;transport=tls', 'b.example.com:5061;transport=tls'] })).handle.result();
    await (await h.startOutbound({ customerId: gone, did: '+6531000031' })).handle.result();
    const [lineOut, lineIn, lineGone] = [await managed('outbound', out), await managed('inbound', inb), await managed('outbound', gone)];
    await managed('outbound', quiet);
    const [outTrunk, inTrunk] = [lineOut.trunk?.sid ?? '', lineIn.trunk?.sid ?? ''];

    // Out of band: a number unmapped and another mapped, a credential deleted and one added, the ACL entry removed,
    // a destination deleted and one added, a mode changed, a whole trunk deleted, a trunk nobody manages.
    await exotel.deletePhoneNumber(outTrunk, lineOut.numbers.find((n) => n.did === '+6531000012')?.mappingId ?? '');
    await exotel.mapPhoneNumber(outTrunk, '+6531000019', 'pstn');
    await exotel.deleteCredential(outTrunk, lineOut.credentials[0]?.id ?? '');
    await exotel.createCredential(outTrunk, { userName: 'byhand02', password: 'Byhand_password_123', friendlyName: 'byhand' });
    await exotel.deleteWhitelistedIp(outTrunk, lineOut.aclEntries[0]?.id ?? '');
    await exotel.deleteDestinationUri(inTrunk, lineIn.destinations.find((d) => d.value.startsWith('b.'))?.id ?? '');
    await exotel.addDestinationUris(inTrunk, ['c.example.com:5061;transport=tls']);
    const mapping = lineIn.numbers.find((n) => n.did === '+6531000022');
    await exotel.updatePhoneNumber(inTrunk, mapping?.mappingId ?? '', '+6531000022', 'flow');
    await exotel.deleteTrunk(lineGone.trunk?.sid ?? '');
    const stray = await exotel.createTrunk('strayhand');
    await h.mark();

    const report = await runDriftScan(h.client, { exotelAccountSid: h.exotelAccount.accountSid, requestsPerMinute: 600, share: 1 }, { taskQueue: h.taskQueue });

    const sent = await h.requestsSinceMark();
    expect(sent.filter((r) => !r.startsWith('GET '))).toEqual([]);
    const mine = (customerId: string) => report.differences.filter((d) => d.customerId === customerId).map(strip);
    expect(mine(out)).toEqual(
      expect.arrayContaining([
        { kind: 'missing', part: 'number', item: '+6531000012' },
        { kind: 'extra', part: 'number', item: '+6531000019' },
        { kind: 'missing', part: 'credential', item: lineOut.credentials[0]?.userName },
        { kind: 'extra', part: 'credential', item: 'byhand02' },
        { kind: 'missing', part: 'acl', item: '203.0.113.21' },
      ]),
    );
    expect(mine(out)).toHaveLength(5);
    expect(mine(inb).sort((a, b) => a.item.localeCompare(b.item))).toEqual([
      { kind: 'changed', part: 'number', item: '+6531000022', found: 'flow' },
      { kind: 'missing', part: 'destination', item: 'b.example.com:5061;transport=tls' },
      { kind: 'extra', part: 'destination', item: 'c.example.com:5061;transport=tls' },
    ].sort((a, b) => a.item.localeCompare(b.item)));
    expect(mine(gone)).toEqual([{ kind: 'missing', part: 'trunk', item: lineGone.trunk?.name }]);
    expect(mine(quiet)).toEqual([]);
    expect(report.differences.filter((d) => d.kind === 'unmanaged-trunk').map((d) => d.trunkSid)).toContain(stray.trunk_sid);
    expect(report.driftedLines).toBe(3);
    expect(report.linesScanned).toBeGreaterThanOrEqual(4);
    // One list of trunks, then three reads an outbound line and two an inbound one (none for a trunk that is gone).
    expect(report.reads).toBe(sent.length);

    const drifted = await lookUpLine(h.client, 'outbound', out);
    expect(drifted.state === 'managed' && drifted.view.drift?.state).toBe('drifted');
    const calm = await lookUpLine(h.client, 'outbound', quiet);
    expect(calm.state === 'managed' && calm.view.drift?.state).toBe('in-sync');
    const described = await h.client.workflow.getHandle(`trunk-line-outbound-${out}`).describe();
    expect(described.typedSearchAttributes.get(SearchAttributes.driftState)).toBe('drifted');
  });

});

describe('drift repair', () => {
  async function untilRepaired(direction: 'outbound' | 'inbound', customerId: string, scanId: string) {
    for (;;) {
      const found = await lookUpLine(h.client, direction, customerId);
      const report = found.state === 'managed' ? found.view.recent.find((r) => r.operationId === `repair-${scanId}`) : undefined;
      if (found.state === 'managed' && report) return { report, drift: found.view.drift };
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  it('puts back what is missing or changed by the policy, leaves extras unless told, and never touches a line in sync', { timeout: 240_000 }, async () => {
    const out = h.customer('repair-out');
    const inb = h.customer('repair-in');
    const calm = h.customer('repair-calm');
    await (await h.startOutbound({ customerId: calm, did: '+6532000031' })).handle.result();
    await (await h.startOutbound({ customerId: out, dids: ['+6532000011', '+6532000012'], providerIps: ['203.0.113.31'], allowAclWithDigest: true })).handle.result();
    await (await h.startInbound({ customerId: inb, did: '+6532000021', destinations: ['r.example.com:5061;transport=tls'] })).handle.result();
    const [lineOut, lineIn] = [await managed('outbound', out), await managed('inbound', inb)];
    const [outTrunk, inTrunk] = [lineOut.trunk?.sid ?? '', lineIn.trunk?.sid ?? ''];
    await exotel.deletePhoneNumber(outTrunk, lineOut.numbers[1]?.mappingId ?? '');
    await exotel.deleteWhitelistedIp(outTrunk, lineOut.aclEntries[0]?.id ?? '');
    await exotel.createCredential(outTrunk, { userName: 'byhand03', password: 'Byhand_password_123', friendlyName: 'byhand' });
    await exotel.deleteDestinationUri(inTrunk, lineIn.destinations[0]?.id ?? '');
    await exotel.updatePhoneNumber(inTrunk, lineIn.numbers[0]?.mappingId ?? '', '+6532000021', 'flow');

    const fast = { exotelAccountSid: h.exotelAccount.accountSid, requestsPerMinute: 600, share: 1 };
    const first = await runDriftScan(h.client, { ...fast, repair: ['missing', 'changed'] }, { taskQueue: h.taskQueue });
    const repairedOut = await untilRepaired('outbound', out, first.scanId);
    const repairedIn = await untilRepaired('inbound', inb, first.scanId);
    expect(repairedOut.report.state, repairedOut.report.message).toBe('done');
    expect(repairedIn.report.state, repairedIn.report.message).toBe('done');
    expect((await exotel.listPhoneNumbers(outTrunk)).map((n) => n.phone_number).sort()).toEqual(['+6532000011', '+6532000012']);
    expect((await exotel.listWhitelistedIps(outTrunk)).map((e) => e.ip)).toEqual(['203.0.113.31']);
    expect((await exotel.listCredentials(outTrunk)).map((c) => c.user_name)).toContain('byhand03');
    expect((await exotel.listDestinationUris(inTrunk)).map((d) => d.destination.replace(/^sip:/, ''))).toEqual(['r.example.com:5061;transport=tls']);
    expect((await exotel.listPhoneNumbers(inTrunk))[0]?.mode).toBe('pstn');
    expect(repairedIn.drift?.state).toBe('in-sync');
    const untouched = await lookUpLine(h.client, 'outbound', calm);
    expect(untouched.state === 'managed' && untouched.view.recent).toEqual([]);
    expect(untouched.state === 'managed' && untouched.view.drift?.state).toBe('in-sync');
    expect(repairedOut.drift?.state).toBe('drifted');
    // The record follows Exotel's new mapping id, and the number is still the setup's.
    const after = await managed('outbound', out);
    expect(after.numbers.find((n) => n.did === '+6532000012')).toMatchObject({ origin: 'created', by: `trunk-setup-outbound-${out}` });

    const second = await runDriftScan(h.client, { ...fast, repair: ['extra'] }, { taskQueue: h.taskQueue });
    const cleaned = await untilRepaired('outbound', out, second.scanId);
    expect(cleaned.report.state, cleaned.report.message).toBe('done');
    expect((await exotel.listCredentials(outTrunk)).map((c) => c.user_name)).not.toContain('byhand03');
    expect(cleaned.drift?.state).toBe('in-sync');
    const third = await runDriftScan(h.client, fast, { taskQueue: h.taskQueue });
    expect(third.differences.filter((d) => d.customerId === out || d.customerId === inb)).toEqual([]);
  });
});

describe('drift repair of a lost trunk, and of a step that fails', () => {
  async function lineWhere(direction: 'outbound' | 'inbound', customerId: string, done: (v: LineView) => boolean): Promise<LineView> {
    for (;;) {
      const found = await lookUpLine(h.client, direction, customerId);
      if (found.state === 'managed' && done(found.view)) return found.view;
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  it('makes a deleted trunk again with what the line records; a repair whose step fails for good waits for ops', { timeout: 240_000 }, async () => {
    const inb = h.customer('lost-in');
    const out = h.customer('lost-out');
    const stuck = h.customer('repair-stuck');
    await (await h.startInbound({ customerId: inb, dids: ['+6534000011', '+6534000012'], destinations: ['l.example.com:5061;transport=tls'] })).handle.result();
    await (await h.startOutbound({ customerId: out, did: '+6534000021', providerIps: ['203.0.113.41'], allowAclWithDigest: true })).handle.result();
    await (await h.startOutbound({ customerId: stuck, dids: ['+6534000031', '+6534000032'] })).handle.result();
    const [lineIn, lineOut, lineStuck] = [await managed('inbound', inb), await managed('outbound', out), await managed('outbound', stuck)];
    // A mode set by the line's own operation, so the record says flow and the new trunk must have it too.
    await operateOn(h.client, 'inbound', inb, { operation: { kind: 'set-mode', did: '+6534000012', mode: 'flow' }, confirm: true });
    await exotel.deleteTrunk(lineIn.trunk?.sid ?? '');
    await exotel.deleteTrunk(lineOut.trunk?.sid ?? '');
    const stuckTrunk = lineStuck.trunk?.sid ?? '';
    await exotel.deletePhoneNumber(stuckTrunk, lineStuck.numbers[1]?.mappingId ?? '');
    // Refused for good (400) once: the repair's map waits for a decision.
    await h.admin.addFault({ method: 'POST', path: `/trunks/${stuckTrunk}/phone-numbers$`, kind: 'status', status: 400, count: 1 });

    const scanning = await startDriftScan(h.client, { exotelAccountSid: h.exotelAccount.accountSid, requestsPerMinute: 600, share: 1, repair: ['missing', 'changed'] }, { taskQueue: h.taskQueue });
    const scan = await scanning.result();
    expect(scan.differences.filter((d) => d.customerId === inb || d.customerId === out).map(strip)).toEqual(
      expect.arrayContaining([
        { kind: 'missing', part: 'trunk', item: lineIn.trunk?.name },
        { kind: 'missing', part: 'trunk', item: lineOut.trunk?.name },
      ]),
    );

    const isDone = (v: LineView) => v.recent.some((r) => r.operationId === `repair-${scan.scanId}`);
    const reportOf = (v: LineView) => v.recent.find((r) => r.operationId === `repair-${scan.scanId}`);
    const viewIn = await lineWhere('inbound', inb, isDone);
    expect(reportOf(viewIn)?.state, reportOf(viewIn)?.message).toBe('done');
    const newIn = viewIn.line.trunk?.sid ?? '';
    expect(newIn).not.toBe(lineIn.trunk?.sid);
    expect((await exotel.listPhoneNumbers(newIn)).map((n) => [n.phone_number, n.mode]).sort()).toEqual([['+6534000011', 'pstn'], ['+6534000012', 'flow']]);
    expect((await exotel.listDestinationUris(newIn)).map((d) => d.destination.replace(/^sip:/, ''))).toEqual(['l.example.com:5061;transport=tls']);
    expect(viewIn.line.numbers.map((n) => n.mappingId).sort()).toEqual((await exotel.listPhoneNumbers(newIn)).map((n) => n.id).sort());
    expect(viewIn.drift?.state).toBe('in-sync');

    const viewOut = await lineWhere('outbound', out, isDone);
    expect(reportOf(viewOut)?.state, reportOf(viewOut)?.message).toBe('done');
    const newOut = viewOut.line.trunk?.sid ?? '';
    expect((await exotel.listPhoneNumbers(newOut)).map((n) => n.phone_number)).toEqual(['+6534000021']);
    expect((await exotel.listWhitelistedIps(newOut)).map((e) => e.ip)).toEqual(['203.0.113.41']);
    // Its credential went with the trunk: the line says so, records none, and stays drifted until a rotation.
    expect(viewOut.line.credentials).toEqual([]);
    expect(reportOf(viewOut)?.plan?.unrepaired).toEqual([expect.stringContaining('rotate-credential')]);
    expect(viewOut.drift?.state).toBe('drifted');

    const waiting = await lineWhere('outbound', stuck, (v) => v.current?.state === 'awaiting-ops');
    expect(waiting.current?.awaitingOps?.step).toBe('map-did +6534000032');
    expect(waiting.drift?.state).toBe('repairing');
    await h.client.workflow.getHandle(`trunk-line-outbound-${stuck}`).executeUpdate(decideUpdate, { args: [{ action: 'retry', note: 'the 400 was a fluke' }] });
    const retried = await lineWhere('outbound', stuck, isDone);
    expect(reportOf(retried)?.state, reportOf(retried)?.message).toBe('done');
    expect((await exotel.listPhoneNumbers(stuckTrunk)).map((n) => n.phone_number).sort()).toEqual(['+6534000031', '+6534000032']);
    expect(retried.drift?.state).toBe('in-sync');
    await keepHistory('drift-scan-repairing', scanning);
    await keepHistory('line-trunk-recreated', h.client.workflow.getHandle(`trunk-line-inbound-${inb}`));
    await keepHistory('line-repair-retried-by-ops', h.client.workflow.getHandle(`trunk-line-outbound-${stuck}`));
  });
});

describe('a scan under faults', () => {
  it('finishes with the same findings when Exotel answers 429s and 5xx on its reads', { timeout: 240_000 }, async () => {
    const customerId = h.customer('faults');
    await (await h.startOutbound({ customerId, did: '+6533000001' })).handle.result();
    const line = await managed('outbound', customerId);
    await exotel.mapPhoneNumber(line.trunk?.sid ?? '', '+6533000009', 'pstn');
    const fast = { exotelAccountSid: h.exotelAccount.accountSid, requestsPerMinute: 600, share: 1 };
    await h.admin.addFault({ method: 'GET', path: '^/v2/', kind: 'status', status: 429, retryAfterSeconds: 1, count: 2 });
    await h.admin.addFault({ method: 'GET', path: '/phone-numbers$', kind: 'status', status: 503, count: 2 });
    await h.mark();
    const stormy = await runDriftScan(h.client, fast, { taskQueue: h.taskQueue });
    const logged = await h.loggedSinceMark();
    expect(logged.filter((r) => r.status === 429)).toHaveLength(2);
    expect(logged.filter((r) => r.status === 503)).toHaveLength(2);
    // Every read the scan counted got its answer in the end: the faults cost retries, not findings.
    expect(logged.filter((r) => r.status === 200)).toHaveLength(stormy.reads);
    expect(stormy.differences.filter((d) => d.customerId === customerId).map((d) => `${d.kind} ${d.item}`)).toEqual(['extra +6533000009']);
  });
});
