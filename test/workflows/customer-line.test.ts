// Day two on the real dev server against the simulator: a setup hands over to its line, and each operation plans
// from what Exotel holds, sends exactly what it planned, keeps callers reachable while it changes things, and
// never touches what the line does not own.
import { managedLine } from '../support/lines';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { adoptInto, importSucceededSetups, lookUpLine, operateOn, planOperationOn } from '../../client/lines';
import type { OperationPlan } from '../../domain/line-plans';
import { emptyLine, type LineView, type OperationReport } from '../../domain/line';
import { lineWorkflowId } from '../../domain/naming';
import type { Direction } from '../../domain/setup';
import { ExotelClient } from '../../exotel/client';
import { momentsWithout, unroutedMoments } from '../../simulator';
import { decideUpdate } from '../../workflows/ops-gate';
import { lineQuery } from '../../workflows/line-messages';
import { keepHistory, startHarness, type Harness } from '../support/setup-harness';
import { SINGAPORE } from '../support/simulator';

let h: Harness;
let exotel: ExotelClient;
beforeAll(async () => {
  h = await startHarness();
  // What a person with curl (or the console) does behind the project's back.
  exotel = new ExotelClient({ ...h.exotelAccount });
});
afterAll(() => h.stop());
beforeEach(async () => {
  await h.admin.clearFaults();
  await h.mark();
});

const lineOf = (direction: Direction, customerId: string): Promise<LineView> => managedLine(h.client, direction, customerId);

async function outboundCustomer(label: string, dids: string[]) {
  const customerId = h.customer(label);
  const started = await h.startOutbound({ customerId, dids });
  await started.handle.result();
  const view = await lineOf('outbound', customerId);
  await h.mark();
  return { customerId, trunkSid: view.line.trunk?.sid ?? '', view };
}

async function inboundCustomer(label: string, did: string, destinations: string[]) {
  const customerId = h.customer(label);
  const started = await h.startInbound({ customerId, did, destinations });
  await started.handle.result();
  const view = await lineOf('inbound', customerId);
  await h.mark();
  return { customerId, trunkSid: view.line.trunk?.sid ?? '', view };
}

const writes = (requests: string[]) => requests.filter((r) => !r.startsWith('GET '));
/** Every request a plan predicted, reads first, as the harness names requests (list pages without their query). */
const planned = (report: OperationReport) =>
  [...(report.plan?.reads ?? []), ...(report.plan?.steps ?? [])].filter((s) => s.method).map((s) => `${s.method} ${s.path?.replace(/tr(mum|sgp)1[0-9a-z]+/g, '{trunk}')}`);
const sentAs = (requests: string[]) => requests.map((r) => (r.startsWith('GET ') ? r.replace(/\?page_size=\d+&offset=0$/, '') : r));

describe('a setup hands over to its line', () => {
  it('records the trunk, each DID with its mapping, and the credential, all created by the setup', async () => {
    const { customerId, view } = await outboundCustomer('handover', ['+919820000001', '+919820000002']);
    await keepHistory('outbound-handed-over-to-line', h.client.workflow.getHandle(`trunk-setup-outbound-${customerId}`));
    expect(view.line).toMatchObject({ customerId, direction: 'outbound', status: 'active', exotelAccountSid: h.exotelAccount.accountSid });
    expect(view.line.trunk).toMatchObject({ origin: 'created', mayDelete: true, by: `trunk-setup-outbound-${customerId}` });
    expect(view.line.numbers.map((n) => [n.did, n.origin])).toEqual([
      ['+919820000001', 'created'],
      ['+919820000002', 'created'],
    ]);
    expect(view.line.numbers.every((n) => /^\d+$/.test(n.mappingId))).toBe(true);
    expect(view.line.credentials).toHaveLength(1);
    expect(JSON.stringify(view)).not.toMatch(/password/i);
  });
});

describe('add and remove DIDs', () => {
  it('plans without writing, then adds one number with one request', async () => {
    const { customerId } = await outboundCustomer('add', ['+919820000011']);
    const plan = await planOperationOn(h.client, 'outbound', customerId, { kind: 'add-dids', dids: ['+919820000012'] });
    expect(writes(await h.requestsSinceMark())).toEqual([]);
    expect(plan.steps.map((s) => s.action)).toEqual(['map-did']);
    expect(plan.destructive).toBe(false);
    await h.mark();

    const report = await operateOn(h.client, 'outbound', customerId, { operation: { kind: 'add-dids', dids: ['+919820000012'] }, expectFingerprint: plan.fingerprint });
    expect(report.state).toBe('done');
    const sent = await h.requestsSinceMark();
    expect(sentAs(sent)).toEqual(['GET /trunks/{trunk}/phone-numbers', 'POST /trunks/{trunk}/phone-numbers']);
    expect(sentAs(sent)).toEqual(planned(report));
    const { line } = await lineOf('outbound', customerId);
    expect(line.numbers.map((n) => n.did)).toEqual(['+919820000011', '+919820000012']);
  });

  it('says the plan is stale when Exotel changed after it was made, and sends nothing', async () => {
    const { customerId, trunkSid } = await outboundCustomer('stale', ['+919820000021']);
    const plan = await planOperationOn(h.client, 'outbound', customerId, { kind: 'add-dids', dids: ['+919820000022'] });
    await exotel.mapPhoneNumber(trunkSid, '+919820000029', 'pstn');
    await h.mark();
    const report = await operateOn(h.client, 'outbound', customerId, { operation: { kind: 'add-dids', dids: ['+919820000022'] }, expectFingerprint: plan.fingerprint });
    expect(report.state).toBe('stale');
    expect(report.plan?.fingerprint).not.toBe(plan.fingerprint);
    expect(writes(await h.requestsSinceMark())).toEqual([]);
  });

  it('refuses a removal without confirmation, then unmaps only that DID; a number mapped by hand is never unmapped', async () => {
    const { customerId, trunkSid } = await outboundCustomer('remove', ['+919820000031', '+919820000032']);
    await exotel.mapPhoneNumber(trunkSid, '+919820000039', 'pstn');
    await h.mark();
    const unconfirmed = await operateOn(h.client, 'outbound', customerId, { operation: { kind: 'remove-dids', dids: ['+919820000032'] } });
    expect(unconfirmed.state).toBe('needs-confirmation');
    expect(unconfirmed.plan?.steps[0]?.effect).toContain('+919820000032');
    expect(writes(await h.requestsSinceMark())).toEqual([]);

    const report = await operateOn(h.client, 'outbound', customerId, { operation: { kind: 'remove-dids', dids: ['+919820000032'] }, confirm: true });
    expect(report.state).toBe('done');
    expect(writes(await h.requestsSinceMark())).toEqual([expect.stringMatching(/^DELETE \/trunks\/\{trunk\}\/phone-numbers\?id=\d+$/)]);
    const left = (await exotel.listPhoneNumbers(trunkSid)).map((n) => n.phone_number).sort();
    expect(left).toEqual(['+919820000031', '+919820000039']);

    const foreign = await operateOn(h.client, 'outbound', customerId, { operation: { kind: 'remove-dids', dids: ['+919820000039'] }, confirm: true });
    expect(foreign.state).toBe('refused');
    expect(foreign.message).toContain('not on this line');
  });

  it('answers a repeated operation id with the first report and runs it once', async () => {
    const { customerId } = await outboundCustomer('repeat', ['+919820000041']);
    const request = { operation: { kind: 'add-dids' as const, dids: ['+919820000042'] }, operationId: `op-${customerId}` };
    const [first, second] = await Promise.all([operateOn(h.client, 'outbound', customerId, request), operateOn(h.client, 'outbound', customerId, request)]);
    expect(second).toEqual(first);
    expect(writes(await h.requestsSinceMark())).toEqual(['POST /trunks/{trunk}/phone-numbers']);
  });

  it('rolls back to the old state when a later step fails for good and ops say roll back', async () => {
    const { customerId, trunkSid } = await outboundCustomer('rollback', ['+919820000051', '+919820000052', '+919820000053']);
    const before = (await exotel.listPhoneNumbers(trunkSid)).map((n) => n.phone_number).sort();
    // The second unmap is refused for good, after the first landed.
    await h.admin.addFault({ method: 'DELETE', path: '/phone-numbers', kind: 'status', status: 400, skip: 1 });
    const waiting = await operateOn(h.client, 'outbound', customerId, { operation: { kind: 'remove-dids', dids: ['+919820000052', '+919820000053'] }, confirm: true });
    expect(waiting.state).toBe('awaiting-ops');
    const handle = h.client.workflow.getHandle(lineWorkflowId('outbound', customerId));
    expect((await handle.query(lineQuery)).current?.state).toBe('awaiting-ops');
    await handle.executeUpdate(decideUpdate, { args: [{ action: 'rollback', note: 'test' }] });
    const done = await untilReport(customerId, waiting.operationId, 'outbound');
    expect(done.state).toBe('rolled-back');
    expect(done.rolledBack).toEqual(['mapped +919820000052 again']);
    await keepHistory('line-rolled-back-by-ops', handle);
    const after = (await exotel.listPhoneNumbers(trunkSid)).map((n) => n.phone_number).sort();
    expect(after).toEqual(before);
    // The number not asked about was never unrouted; the one whose removal was rolled back was, until mapped again.
    const timeline = await h.admin.timeline({ trunk: trunkSid });
    expect(unroutedMoments(timeline, '+919820000051')).toEqual([]);
    expect(unroutedMoments(timeline, '+919820000052')).toHaveLength(1);
  });
});

async function untilReport(customerId: string, operationId: string, direction: Direction): Promise<OperationReport> {
  for (;;) {
    const { recent } = await h.client.workflow.getHandle(lineWorkflowId(direction, customerId)).query(lineQuery);
    const report = recent.find((r) => r.operationId === operationId);
    if (report && report.state !== 'awaiting-ops') return report;
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('rotate credentials', () => {
  it('adds a second credential, keeps the first until confirmed, and never leaves the trunk without one', async () => {
    const { customerId, trunkSid, view } = await outboundCustomer('rotate', ['+919820000061']);
    const oldUser = view.line.credentials[0]?.userName;
    const rotated = await operateOn(h.client, 'outbound', customerId, { operation: { kind: 'rotate-credential' } });
    expect(rotated.state).toBe('done');
    expect(rotated.issuedCredential?.password).toMatch(/^[A-Za-z0-9]{32}$/);
    expect(rotated.issuedCredential?.userName).not.toBe(oldUser);
    expect((await exotel.listCredentials(trunkSid)).map((c) => c.user_name).sort()).toEqual([oldUser, rotated.issuedCredential?.userName].sort());
    const during = await lineOf('outbound', customerId);
    expect(during.line.pendingRotation?.userName).toBe(rotated.issuedCredential?.userName);
    expect(JSON.stringify(during)).not.toContain(rotated.issuedCredential?.password ?? '-');

    // The UI's current details say what waits for a person, and how to finish it.
    const lineHandle = h.client.workflow.getHandle(lineWorkflowId('outbound', customerId));
    const details = async () => (await lineHandle.query<{ currentDetails?: string }>('__temporal_workflow_metadata')).currentDetails ?? '';
    expect(await details()).toContain(`**Waiting for confirm-rotation**: credential \`${rotated.issuedCredential?.userName}\``);
    expect(await details()).toContain(`\`trunkctl line confirm-rotation ${customerId} --direction outbound\``);
    expect(await details()).toContain('nothing happens by itself: it waits for a person');

    const again = await operateOn(h.client, 'outbound', customerId, { operation: { kind: 'rotate-credential' } });
    expect(again.state).toBe('refused');

    const confirmed = await operateOn(h.client, 'outbound', customerId, { operation: { kind: 'confirm-rotation' }, confirm: true });
    expect(confirmed.state).toBe('done');
    expect((await exotel.listCredentials(trunkSid)).map((c) => c.user_name)).toEqual([rotated.issuedCredential?.userName]);
    expect((await lineOf('outbound', customerId)).line.pendingRotation).toBeUndefined();
    expect(await details()).toBe('');
    await keepHistory('line-rotated', h.client.workflow.getHandle(lineWorkflowId('outbound', customerId)));
    expect(momentsWithout(await h.admin.timeline({ trunk: trunkSid }), { trunk: trunkSid, kind: 'credentials' })).toEqual([]);
  });
});

describe('a rotation policy', () => {
  it('is kept in the record with its next rotation, and removed with everyDays null; inbound lines refuse it', async () => {
    const { customerId } = await outboundCustomer('policy', ['+919820000161']);
    const set = await operateOn(h.client, 'outbound', customerId, { operation: { kind: 'set-rotation-policy', everyDays: 90, confirmWithin: '7d', onTimeout: 'finish' } });
    expect(set.state).toBe('done');
    expect(writes(await h.requestsSinceMark())).toEqual([]);
    const { line } = await lineOf('outbound', customerId);
    expect(line.rotationPolicy).toMatchObject({ everyDays: 90, confirmWithin: '7d', onTimeout: 'finish' });
    expect(Date.parse(line.rotationPolicy?.nextAt ?? '') - Date.now()).toBeGreaterThan(89 * 86_400_000);
    await operateOn(h.client, 'outbound', customerId, { operation: { kind: 'set-rotation-policy', everyDays: null } });
    expect((await lineOf('outbound', customerId)).line.rotationPolicy).toBeUndefined();
  });
});

describe('change destinations and modes', () => {
  it('adds the new URI, reads it back, then removes the old one: never zero destinations', async () => {
    const { customerId, trunkSid } = await inboundCustomer('dest', '+919820000071', ['old.example.com:5061;transport=tls']);
    const report = await operateOn(h.client, 'inbound', customerId, { operation: { kind: 'set-destinations', destinations: [' sip:NEW.example.com:5061;transport=tls '] }, confirm: true });
    expect(report.state).toBe('done');
    const sent = await h.requestsSinceMark();
    expect(sentAs(sent)).toEqual(planned(report));
    expect(writes(sent)).toEqual(['POST /trunks/{trunk}/destination-uris', expect.stringMatching(/^DELETE \/trunks\/\{trunk\}\/destination-uris\?id=\d+$/)]);
    expect((await exotel.listDestinationUris(trunkSid)).map((d) => d.destination)).toEqual([expect.stringContaining('new.example.com:5061')]);
    await keepHistory('line-destinations-changed', h.client.workflow.getHandle(lineWorkflowId('inbound', customerId)));
    expect(momentsWithout(await h.admin.timeline({ trunk: trunkSid }), { trunk: trunkSid, kind: 'destinations' })).toEqual([]);
  });

  it("changes a mapping's mode with one PUT", async () => {
    const { customerId, trunkSid } = await inboundCustomer('mode', '+919820000081', ['a.example.com:5061;transport=tls']);
    const report = await operateOn(h.client, 'inbound', customerId, { operation: { kind: 'set-mode', did: '+919820000081', mode: 'flow' }, confirm: true });
    expect(report.state).toBe('done');
    expect(writes(await h.requestsSinceMark())).toEqual([expect.stringMatching(/^PUT \/trunks\/\{trunk\}\/phone-numbers\/\d+$/)]);
    expect((await exotel.listPhoneNumbers(trunkSid))[0]?.mode).toBe('flow');
  });
});

describe('offboard', () => {
  it('shows the blast radius, refuses without confirmation, deletes credentials first, and ends the line', async () => {
    const { customerId, trunkSid } = await outboundCustomer('offboard', ['+919820000091', '+919820000092']);
    const plan = await planOperationOn(h.client, 'outbound', customerId, { kind: 'offboard' });
    expect(plan.destructive).toBe(true);
    expect(plan.steps.map((s) => s.action)).toEqual(['delete-credential', 'unmap-did', 'unmap-did', 'delete-trunk']);
    expect(plan.steps.map((s) => ('request' in s ? s.request.effect : '')).join('\n')).toContain('+919820000091 can no longer be the caller id');
    expect((await operateOn(h.client, 'outbound', customerId, { operation: { kind: 'offboard' } })).state).toBe('needs-confirmation');

    const report = await operateOn(h.client, 'outbound', customerId, { operation: { kind: 'offboard' }, confirm: true, expectFingerprint: plan.fingerprint });
    expect(report.state).toBe('done');
    const trunks = (await h.admin.state()).accounts[h.exotelAccount.accountSid]?.trunks ?? [];
    expect(trunks.some((t) => t.trunk_sid === trunkSid)).toBe(false);
    const found = await lookUpLine(h.client, 'outbound', customerId);
    expect(found.state).toBe('offboarded');
    await keepHistory('line-offboarded', h.client.workflow.getHandle(lineWorkflowId('outbound', customerId)));
  });

  it('keeps what the line does not own on a trunk it made: the trunk stays with it', async () => {
    const { customerId, trunkSid } = await outboundCustomer('offboard-foreign', ['+919820000101']);
    await exotel.mapPhoneNumber(trunkSid, '+919820000109', 'pstn');
    const report = await operateOn(h.client, 'outbound', customerId, { operation: { kind: 'offboard' }, confirm: true });
    expect(report.state).toBe('done');
    expect(report.plan?.notes.join('\n')).toContain('+919820000109 stays');
    expect((await exotel.listPhoneNumbers(trunkSid)).map((n) => n.phone_number)).toEqual(['+919820000109']);
    expect(await exotel.listCredentials(trunkSid)).toEqual([]);
  });

  it('says so when no worker answers for a line, instead of waiting for ever', async () => {
    const customerId = h.customer('no-worker');
    await h.client.workflow.start('customerLine', {
      workflowId: lineWorkflowId('outbound', customerId),
      taskQueue: `nobody-polls-${customerId}`,
      args: [{ line: { ...emptyLine(customerId, 'outbound', h.exotelAccount.accountSid), trunk: { sid: 'trmum1x', name: 'x', origin: 'created', mayDelete: true, since: '', by: '' } } }],
    });
    await expect(lookUpLine(h.client, 'outbound', customerId)).rejects.toThrow(`no worker answered for trunk-line-outbound-${customerId} within 10 s: is a worker running on task queue nobody-polls-${customerId}?`);
    await h.client.workflow.getHandle(lineWorkflowId('outbound', customerId)).terminate('test done');
  });

  it('says a customer that was never set up has no line', async () => {
    expect((await lookUpLine(h.client, 'outbound', h.customer('never'))).state).toBe('absent');
  });
});

describe('adopt a trunk made by hand', () => {
  it('finds it by a number, plans with reads only, takes over only what was named, and never deletes it', async () => {
    const customerId = h.customer('adopt');
    // What the seed's curl commands leave behind.
    const trunk = await exotel.createTrunk(`hand${Date.now().toString(36).slice(-8)}`);
    await exotel.mapPhoneNumber(trunk.trunk_sid, '+919820000111', 'pstn');
    await exotel.mapPhoneNumber(trunk.trunk_sid, '+919820000112', 'pstn');
    await exotel.createCredential(trunk.trunk_sid, { userName: 'byhand01', password: 'Secret_password_123', friendlyName: 'byhand' });
    await exotel.addWhitelistedIp(trunk.trunk_sid, '203.0.113.77');
    await h.mark();
    const where = { direction: 'outbound' as const, customerId, exotelAccountSid: h.exotelAccount.accountSid, taskQueue: h.taskQueue };
    const operation = { kind: 'adopt' as const, did: '+919820000111', take: ['credential:byhand01'] };

    const plan = (await adoptInto(h.client, where, { operation }, { planOnly: true })) as OperationPlan;
    expect(writes(await h.requestsSinceMark())).toEqual([]);
    expect((await h.requestsSinceMark())[0]).toBe('GET /trunk-maps?exophone=%2B919820000111');
    expect(plan.steps.map((s) => (s.action === 'take-over' ? `${s.part} ${s.label}` : s.action))).toEqual([
      `trunk ${trunk.trunk_name}`,
      'number +919820000111',
      'credential byhand01',
    ]);
    expect(plan.notes[0]).toContain('number:+919820000112, acl:203.0.113.77');

    const report = (await adoptInto(h.client, where, { operation, expectFingerprint: plan.fingerprint })) as OperationReport;
    expect(report.state).toBe('done');
    expect(writes(await h.requestsSinceMark())).toEqual([]);
    const { line } = await lineOf('outbound', customerId);
    expect(line.trunk).toMatchObject({ sid: trunk.trunk_sid, origin: 'adopted', mayDelete: false });
    expect(line.numbers.map((n) => [n.did, n.origin, n.mayDelete])).toEqual([['+919820000111', 'adopted', false]]);
    expect(line.credentials.map((c) => c.userName)).toEqual(['byhand01']);
    await h.mark();

    const offboard = await operateOn(h.client, 'outbound', customerId, { operation: { kind: 'offboard' }, confirm: true });
    expect(offboard.state).toBe('done');
    expect(writes(await h.requestsSinceMark())).toEqual([]);
    expect((await exotel.listPhoneNumbers(trunk.trunk_sid)).length).toBe(2);
    expect((await lookUpLine(h.client, 'outbound', customerId)).state).toBe('offboarded');
  });

  it('refuses a number on no trunk, and the line it started for ends by itself', async () => {
    const customerId = h.customer('adopt-none');
    const where = { direction: 'outbound' as const, customerId, exotelAccountSid: h.exotelAccount.accountSid, taskQueue: h.taskQueue };
    const report = (await adoptInto(h.client, where, { operation: { kind: 'adopt', did: '+919820000129' } })) as OperationReport;
    expect(report.state).toBe('refused');
    expect(report.message).toContain('on no trunk');
    const handle = h.client.workflow.getHandle(lineWorkflowId('outbound', customerId));
    await handle.result();
    expect((await lookUpLine(h.client, 'outbound', customerId)).state).toBe('absent');
  });
});

describe('move a DID between managed customers', () => {
  it('where Exotel keeps a number on one trunk: unmaps, maps right after, and says how long it was unrouted', async () => {
    const from = await outboundCustomer('move-from', ['+919820000131', '+919820000132']);
    const to = await outboundCustomer('move-to', ['+919820000133']);
    const report = await operateOn(h.client, 'outbound', from.customerId, {
      operation: { kind: 'move-did', did: '+919820000132', toCustomerId: to.customerId, toTrunkSid: to.trunkSid },
      confirm: true,
    });
    expect(report.state).toBe('done');
    expect(report.message).toContain('unrouted between the two requests');
    expect(report.routedThroughout).toBe(false);
    expect((await exotel.listPhoneNumbers(to.trunkSid)).map((n) => n.phone_number).sort()).toEqual(['+919820000132', '+919820000133']);
    expect((await exotel.listPhoneNumbers(from.trunkSid)).map((n) => n.phone_number)).toEqual(['+919820000131']);
    const target = await lineOf('outbound', to.customerId);
    expect(target.line.numbers.map((n) => n.did)).toContain('+919820000132');
    expect((await lineOf('outbound', from.customerId)).line.numbers.map((n) => n.did)).toEqual(['+919820000131']);
    expect(unroutedMoments(await h.admin.timeline({ number: '+919820000132' }), '+919820000132')).toHaveLength(1);
  });
});

describe('a DID moved into a line that is busy with its own operation', () => {
  it('is kept in its record when that operation ends', async () => {
    const from = await outboundCustomer('race-from', ['+919820000171', '+919820000172']);
    const to = await outboundCustomer('race-to', ['+919820000173']);
    // The target's own add-dids is slow to read its trunk, so the move's signal arrives while it runs.
    await h.admin.addFault({ method: 'GET', path: `/trunks/${to.trunkSid}/phone-numbers$`, kind: 'latency', latencyMs: 3000, count: 1 });
    const own = operateOn(h.client, 'outbound', to.customerId, { operation: { kind: 'add-dids', dids: ['+919820000179'] } });
    await new Promise((r) => setTimeout(r, 500));
    const moved = await operateOn(h.client, 'outbound', from.customerId, {
      operation: { kind: 'move-did', did: '+919820000172', toCustomerId: to.customerId, toTrunkSid: to.trunkSid },
      confirm: true,
    });
    expect(moved.state, moved.message).toBe('done');
    expect((await own).state).toBe('done');
    const { line } = await lineOf('outbound', to.customerId);
    expect(line.numbers.map((n) => n.did).sort()).toEqual(['+919820000172', '+919820000173', '+919820000179']);
  });
});

describe('move a DID where Exotel allows a number on two trunks', () => {
  let two: Harness;
  beforeAll(async () => {
    // Its own account: h's worker polls acme_in's queue, and would take these requests to the other simulator.
    two = await startHarness({ numberScope: 'trunk' }, { accountSid: SINGAPORE.sid, apiKey: SINGAPORE.apiKey, apiToken: SINGAPORE.apiToken, subdomain: 'api.exotel.com' });
  });
  afterAll(() => two.stop());

  it('maps on the target first, then unmaps: the number is routed at every moment', async () => {
    const setUp = async (label: string, did: string) => {
      const customerId = two.customer(label);
      await (await two.startOutbound({ customerId, did })).handle.result();
      for (;;) {
        const found = await lookUpLine(two.client, 'outbound', customerId);
        if (found.state === 'managed' && found.view.line.trunk) return { customerId, trunkSid: found.view.line.trunk.sid };
        await new Promise((r) => setTimeout(r, 100));
      }
    };
    const from = await setUp('move2-from', '+919820000141');
    const to = await setUp('move2-to', '+919820000142');
    await two.mark();
    const operation = { kind: 'move-did' as const, did: '+919820000141', toCustomerId: to.customerId, toTrunkSid: to.trunkSid };
    const plan = await planOperationOn(two.client, 'outbound', from.customerId, operation);
    const report = await operateOn(two.client, 'outbound', from.customerId, { operation, confirm: true, expectFingerprint: plan.fingerprint });
    expect(report.state, report.message).toBe('done');
    expect(report.routedThroughout).toBe(true);
    expect(writes(await two.requestsSinceMark())).toEqual(['POST /trunks/{trunk}/phone-numbers', expect.stringMatching(/^DELETE \/trunks\/\{trunk\}\/phone-numbers\?id=\d+$/)]);
    expect(unroutedMoments(await two.admin.timeline({ number: '+919820000141' }), '+919820000141')).toEqual([]);
  });
});

describe('setups from before lines existed', () => {
  it('come under management by import, with what their results say they made, and nothing sent to Exotel', async () => {
    const customerId = h.customer('import');
    const started = await h.startOutbound({ customerId, dids: ['+919820000151', '+919820000152'], providerIps: ['203.0.113.15'], allowAclWithDigest: true });
    await started.handle.result();
    const made = (await lineOf('outbound', customerId)).line;
    // As if the setup had finished on a worker without lines: no line runs for it.
    await h.client.workflow.getHandle(lineWorkflowId('outbound', customerId)).terminate('test: a setup from before lines');
    expect((await lookUpLine(h.client, 'outbound', customerId)).state).toBe('absent');
    await h.mark();

    const dry = await untilListed(() => importSucceededSetups(h.client, { taskQueue: h.taskQueue, customerId, dryRun: true }));
    expect(dry).toEqual([expect.objectContaining({ customerId, direction: 'outbound', outcome: 'imported' })]);
    expect((await lookUpLine(h.client, 'outbound', customerId)).state).toBe('absent');

    expect(await importSucceededSetups(h.client, { taskQueue: h.taskQueue, customerId })).toEqual([expect.objectContaining({ outcome: 'imported' })]);
    const imported = (await lineOf('outbound', customerId)).line;
    const parts = (l: typeof made) => ({ trunk: l.trunk?.sid, numbers: l.numbers.map((n) => [n.did, n.mappingId]), credentials: l.credentials.map((c) => [c.id, c.userName]), acl: l.aclEntries.map((e) => [e.id, e.ip]) });
    expect(parts(imported)).toEqual(parts(made));
    expect(imported.trunk?.by).toBe(`import of trunk-setup-outbound-${customerId}`);
    expect(await h.requestsSinceMark()).toEqual([]);

    expect(await importSucceededSetups(h.client, { taskQueue: h.taskQueue, customerId })).toEqual([expect.objectContaining({ outcome: 'already-managed' })]);
    await expect(importSucceededSetups(h.client, { taskQueue: h.taskQueue, customerId: "x' OR 1=1" })).rejects.toThrow(/customerId/);
  });
});

/** Visibility lags a workflow's close by a moment. */
async function untilListed<T>(list: () => Promise<T[]>): Promise<T[]> {
  for (let i = 0; ; i++) {
    const found = await list();
    if (found.length > 0 || i > 100) return found;
    await new Promise((r) => setTimeout(r, 100));
  }
}
