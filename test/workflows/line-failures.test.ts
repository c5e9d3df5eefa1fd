// A permanent failure at each position of each operation: the trunk ends exactly as it was (the operation rolled
// back) and the line's record says so; an offboard stops where it failed and finishes when asked again.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { lookUpLine, operateOn } from '../../client/lines';
import type { LineOperation, ManagedLine } from '../../domain/line';
import { ExotelClient } from '../../exotel/client';
import type { FaultSpec } from '../../simulator';
import { startHarness, type Harness } from '../support/setup-harness';

let h: Harness;
let exotel: ExotelClient;
beforeAll(async () => {
  h = await startHarness();
  exotel = new ExotelClient(h.exotelAccount);
});
afterAll(() => h.stop());
beforeEach(async () => {
  await h.admin.clearFaults();
  await h.mark();
});

let numbers = 0;
const nextDid = () => `+9198300${String(++numbers).padStart(5, '0')}`;

async function managed(direction: 'outbound' | 'inbound', customerId: string): Promise<ManagedLine> {
  for (;;) {
    const found = await lookUpLine(h.client, direction, customerId);
    if (found.state === 'managed' && found.view.line.trunk && found.view.current === undefined && found.view.queued.length === 0) return found.view.line;
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** What callers depend on, as Exotel holds it. */
async function snapshot(trunkSid: string) {
  return {
    numbers: (await exotel.listPhoneNumbers(trunkSid)).map((n) => `${n.phone_number} ${n.mode ?? ''}`).sort(),
    credentials: (await exotel.listCredentials(trunkSid)).map((c) => c.user_name).sort(),
    acl: (await exotel.listWhitelistedIps(trunkSid)).map((e) => e.ip).sort(),
    destinations: (await exotel.listDestinationUris(trunkSid)).map((d) => d.destination.replace(/^sip:/, '')).sort(),
  };
}

/** The record's parts, without the times and who made them. */
const recordOf = (line: ManagedLine) => ({
  numbers: line.numbers.map((n) => `${n.did} ${n.mode ?? ''}`).sort(),
  credentials: line.credentials.map((c) => c.userName).sort(),
  acl: line.aclEntries.map((e) => e.ip).sort(),
  destinations: line.destinations.map((d) => d.value).sort(),
  pendingRotation: line.pendingRotation?.userName ?? null,
});

interface Case {
  name: string;
  direction: 'outbound' | 'inbound';
  operation: (line: ManagedLine) => LineOperation;
  /** Run first so the case has something to act on (a rotation to confirm). */
  before?: LineOperation;
  fault: Omit<FaultSpec, 'kind' | 'status'>;
}

const DEST_OLD = 'old.example.com:5061;transport=tls';
const DEST_NEW = 'new.example.com:5061;transport=tls';

const CASES: Case[] = [
  { name: 'add-dids, first of two', direction: 'outbound', operation: () => ({ kind: 'add-dids', dids: [nextDid(), nextDid()] }), fault: { method: 'POST', path: '/phone-numbers$' } },
  { name: 'add-dids, second of two', direction: 'outbound', operation: () => ({ kind: 'add-dids', dids: [nextDid(), nextDid()] }), fault: { method: 'POST', path: '/phone-numbers$', skip: 1 } },
  { name: 'remove-dids, first of two', direction: 'outbound', operation: (l) => ({ kind: 'remove-dids', dids: l.numbers.slice(0, 2).map((n) => n.did) }), fault: { method: 'DELETE', path: '/phone-numbers' } },
  { name: 'remove-dids, second of two', direction: 'outbound', operation: (l) => ({ kind: 'remove-dids', dids: l.numbers.slice(0, 2).map((n) => n.did) }), fault: { method: 'DELETE', path: '/phone-numbers', skip: 1 } },
  { name: 'set-mode', direction: 'inbound', operation: (l) => ({ kind: 'set-mode', did: l.numbers[0]?.did ?? '', mode: 'flow' }), fault: { method: 'PUT', path: '/phone-numbers/' } },
  { name: 'rotate-credential', direction: 'outbound', operation: () => ({ kind: 'rotate-credential' }), fault: { method: 'POST', path: '/credentials$' } },
  { name: 'confirm-rotation', direction: 'outbound', before: { kind: 'rotate-credential' }, operation: () => ({ kind: 'confirm-rotation' }), fault: { method: 'DELETE', path: '/credentials' } },
  { name: 'set-destinations, the add', direction: 'inbound', operation: () => ({ kind: 'set-destinations', destinations: [DEST_NEW] }), fault: { method: 'POST', path: '/destination-uris$' } },
  // The read-back is the operation's second request to that path (the plan read it first).
  { name: 'set-destinations, the read-back', direction: 'inbound', operation: () => ({ kind: 'set-destinations', destinations: [DEST_NEW] }), fault: { method: 'GET', path: '/destination-uris$', skip: 1 } },
  { name: 'set-destinations, the removal', direction: 'inbound', operation: () => ({ kind: 'set-destinations', destinations: [DEST_NEW] }), fault: { method: 'DELETE', path: '/destination-uris' } },
];

describe('a permanent failure at each position rolls the operation back', () => {
  for (const c of CASES) {
    it(c.name, async () => {
      const customerId = h.customer(c.name.replace(/[^a-z]+/g, '-'));
      const started =
        c.direction === 'outbound'
          ? await h.startOutbound({ customerId, dids: [nextDid(), nextDid(), nextDid()] })
          : await h.startInbound({ customerId, dids: [nextDid(), nextDid()], destinations: [DEST_OLD] });
      await started.handle.result();
      if (c.before) expect((await operateOn(h.client, c.direction, customerId, { operation: c.before, confirm: true })).state).toBe('done');
      const line = await managed(c.direction, customerId);
      const trunkSid = line.trunk?.sid ?? '';
      const before = await snapshot(trunkSid);
      await h.admin.addFault({ ...c.fault, kind: 'status', status: 400 });

      const report = await operateOn(h.client, c.direction, customerId, { operation: c.operation(line), confirm: true, opsDecisionTimeout: '0s' });
      expect(report.state, report.message).toBe('rolled-back');
      expect(await h.admin.faults()).toEqual([]);
      expect(await snapshot(trunkSid)).toEqual(before);
      expect(recordOf(await managed(c.direction, customerId))).toEqual(recordOf(line));
    });
  }
});

describe('an offboard that fails', () => {
  it('stops where it failed, keeps what is left in the record, and finishes when asked again', async () => {
    const customerId = h.customer('offboard-fails');
    await (await h.startOutbound({ customerId, dids: [nextDid(), nextDid()] })).handle.result();
    const line = await managed('outbound', customerId);
    const trunkSid = line.trunk?.sid ?? '';
    await h.admin.addFault({ method: 'DELETE', path: '/phone-numbers', kind: 'status', status: 400, skip: 1 });
    const stopped = await operateOn(h.client, 'outbound', customerId, { operation: { kind: 'offboard' }, confirm: true, opsDecisionTimeout: '0s' });
    expect(stopped.state).toBe('failed');
    expect(stopped.message).toContain('Offboard again to finish');
    const partly = await managed('outbound', customerId);
    expect(partly.credentials).toEqual([]);
    expect(partly.numbers).toHaveLength(1);
    expect((await exotel.listPhoneNumbers(trunkSid)).map((n) => n.phone_number)).toEqual(partly.numbers.map((n) => n.did));

    const finished = await operateOn(h.client, 'outbound', customerId, { operation: { kind: 'offboard' }, confirm: true });
    expect(finished.state).toBe('done');
    expect((await h.admin.state()).accounts[h.exotelAccount.accountSid]?.trunks.some((t) => t.trunk_sid === trunkSid)).toBe(false);
    expect((await lookUpLine(h.client, 'outbound', customerId)).state).toBe('offboarded');
  });
});

describe('a move that fails', () => {
  // The simulator keeps a number on one trunk (numberScope 'account'): the move unmaps here, then maps there.
  for (const [name, fault] of [
    ['at the unmap', { method: 'DELETE', path: '/phone-numbers' }],
    ['at the map on the target, after the unmap', { method: 'POST', path: '/phone-numbers$', skip: 1 }],
  ] as const) {
    it(`${name}: the number is back on its own trunk only`, async () => {
      const from = h.customer('move-fails-from');
      const to = h.customer('move-fails-to');
      const did = nextDid();
      await (await h.startOutbound({ customerId: from, dids: [did, nextDid()] })).handle.result();
      await (await h.startOutbound({ customerId: to, did: nextDid() })).handle.result();
      const source = await managed('outbound', from);
      const target = await managed('outbound', to);
      const [sourceTrunk, targetTrunk] = [source.trunk?.sid ?? '', target.trunk?.sid ?? ''];
      const before = [await snapshot(sourceTrunk), await snapshot(targetTrunk)];
      await h.admin.addFault({ ...fault, kind: 'status', status: 400 });
      const report = await operateOn(h.client, 'outbound', from, {
        operation: { kind: 'move-did', did, toCustomerId: to, toTrunkSid: targetTrunk },
        confirm: true,
        opsDecisionTimeout: '0s',
      });
      expect(report.state, report.message).toBe('rolled-back');
      expect([await snapshot(sourceTrunk), await snapshot(targetTrunk)]).toEqual(before);
      expect(recordOf(await managed('outbound', from))).toEqual(recordOf(source));
      expect(recordOf(await managed('outbound', to))).toEqual(recordOf(target));
    });
  }
});

describe('a rollback that cannot finish', () => {
  it('leaves the record as Exotel holds it: what was undone is gone from it, what could not be undone stays', async () => {
    const customerId = h.customer('partial-rollback');
    const kept = nextDid();
    await (await h.startOutbound({ customerId, did: kept })).handle.result();
    const line = await managed('outbound', customerId);
    const trunkSid = line.trunk?.sid ?? '';
    const [a, b, c] = [nextDid(), nextDid(), nextDid()];
    // The third map is refused for good; rolling back, the newest undo (b's unmap) is refused too, a's goes through.
    await h.admin.addFault({ method: 'POST', path: '/phone-numbers$', kind: 'status', status: 400, skip: 2 });
    await h.admin.addFault({ method: 'DELETE', path: '/phone-numbers', kind: 'status', status: 400 });
    const report = await operateOn(h.client, 'outbound', customerId, { operation: { kind: 'add-dids', dids: [a, b, c] }, opsDecisionTimeout: '0s' });
    expect(report.state, report.message).toBe('failed');
    expect(report.message).toContain('NOT rolled back');
    const onExotel = (await exotel.listPhoneNumbers(trunkSid)).map((n) => n.phone_number).sort();
    expect(onExotel).toEqual([kept, b].sort());
    expect((await managed('outbound', customerId)).numbers.map((n) => n.did).sort()).toEqual(onExotel);
  });
});
