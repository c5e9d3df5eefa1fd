// The planner and the operation parser are pure: what each operation would send for a given record and Exotel
// state, and what input is refused before anything is read.
import { describe, expect, it } from 'vitest';
import { InputValidationError } from '../../domain/issues';
import { emptyLine, lineFromSetup, type ManagedLine } from '../../domain/line';
import { parseLineOperation, parseOperationRequest } from '../../domain/line-operation-request';
import { planOperation } from '../../domain/line-plans';
import type { ObservedTrunk } from '../../domain/observed';
import { dueTimes, onTimers } from '../../domain/line-timers';
import { sipUserNameFor } from '../../domain/naming';

const AT = '2026-12-01T00:00:00.000Z';
const outbound = (): ManagedLine =>
  lineFromSetup(
    'outbound',
    {
      customerId: 'acme-1',
      exotelAccountSid: 'acme_in',
      trunkSid: 'trmum1abc',
      trunkName: 'acme_o1',
      trunkCreated: true,
      mappingIds: { '+919800000001': '11' },
      credential: { id: '21', userName: sipUserNameFor('acme-1') },
      aclEntries: [{ id: '31', ip: '203.0.113.5' }],
    },
    AT,
    'setup',
  );
const inbound = (): ManagedLine =>
  lineFromSetup(
    'inbound',
    {
      customerId: 'acme-2',
      exotelAccountSid: 'acme_in',
      trunkSid: 'trmum1def',
      trunkCreated: false,
      mappingIds: { '+919800000002': '12' },
      destinations: [{ id: '41', value: 'old.example.com:5061;transport=tls' }],
    },
    AT,
    'setup',
  );

const observedOutbound = (extra: Partial<ObservedTrunk> = {}): ObservedTrunk => ({
  trunkSid: 'trmum1abc',
  numbers: [{ id: '11', phoneNumber: '+919800000001', mode: 'pstn' }],
  credentials: [{ id: '21', userName: sipUserNameFor('acme-1') }],
  aclEntries: [{ id: '31', ip: '203.0.113.5' }],
  destinations: [],
  ...extra,
});

function issuesOf(run: () => unknown) {
  try {
    run();
  } catch (err) {
    expect(err).toBeInstanceOf(InputValidationError);
    return (err as InputValidationError).issues;
  }
  throw new Error('expected an InputValidationError');
}

describe('parseLineOperation', () => {
  it('trims pasted values and normalizes destinations', () => {
    expect(parseLineOperation({ kind: 'add-dids', dids: [' +919800000003 '] })).toEqual({ kind: 'add-dids', dids: ['+919800000003'] });
    expect(parseLineOperation({ kind: 'set-destinations', destinations: ['sip:New.Example.com:5061;transport=TLS'] })).toEqual({
      kind: 'set-destinations',
      destinations: ['new.example.com:5061;transport=tls'],
    });
  });

  it('names every bad field with its value and rule, all at once', () => {
    const issues = issuesOf(() => parseLineOperation({ kind: 'add-dids', dids: ['919800000003', '+919800000004', '+919800000004'], mode: 'pstn' }));
    expect(issues.map((i) => [i.field, i.value])).toEqual([
      ['operation.mode', 'pstn'],
      ['operation.dids[0]', '919800000003'],
      ['operation.dids[2]', '+919800000004'],
    ]);
    expect(issues.map((i) => i.rule)).toEqual(['is not a field of add-dids (it takes dids)', expect.stringContaining('must be E.164'), 'is named twice']);
    expect(issuesOf(() => parseLineOperation({ kind: 'rename' }))[0]).toMatchObject({ field: 'operation.kind', value: 'rename' });
    expect(issuesOf(() => parseLineOperation({ kind: 'set-destinations', destinations: ['x.example.com:5060;transport=udp'] }))[0]?.rule).toContain('UDP');
    expect(issuesOf(() => parseLineOperation({ kind: 'rotate-credential', onTimeout: 'finish' }))[0]?.rule).toContain('needs confirmWithin');
    expect(issuesOf(() => parseLineOperation({ kind: 'rotate-credential', confirmWithin: '10s' }))[0]?.rule).toContain('at least a minute');
    expect(issuesOf(() => parseLineOperation({ kind: 'set-rotation-policy', everyDays: 0.5 }))[0]).toMatchObject({ field: 'operation.everyDays', value: '0.5' });
  });

  it('checks the request around the operation', () => {
    const issues = issuesOf(() => parseOperationRequest({ operation: { kind: 'offboard' }, confirm: 'yes', operationId: 'has space', extra: 1 }));
    expect(issues.map((i) => i.field)).toEqual(['extra', 'operationId', 'confirm']);
  });
});

describe('planOperation', () => {
  it('adds only the numbers not there yet, one request each', () => {
    const plan = planOperation(outbound(), { kind: 'add-dids', dids: ['+919800000001', '+919800000003'] }, observedOutbound());
    expect(plan.steps.map((s) => ('request' in s ? `${s.request.method} ${s.request.path}` : s.action))).toEqual(['POST /trunks/trmum1abc/phone-numbers']);
    expect(plan.notes).toEqual(['+919800000001 is on this line already']);
    expect(plan.destructive).toBe(false);
  });

  it('has the same fingerprint whatever order Exotel lists things in, and another one when something changed', () => {
    const a = observedOutbound({ numbers: [{ id: '11', phoneNumber: '+919800000001', mode: 'pstn' }, { id: '15', phoneNumber: '+919800000005', mode: 'pstn' }] });
    const b = observedOutbound({ numbers: [{ id: '15', phoneNumber: '+919800000005', mode: 'pstn' }, { id: '11', phoneNumber: '+919800000001', mode: 'pstn' }] });
    const op = { kind: 'offboard' } as const;
    expect(planOperation(outbound(), op, a).fingerprint).toBe(planOperation(outbound(), op, b).fingerprint);
    expect(planOperation(outbound(), op, a).fingerprint).not.toBe(planOperation(outbound(), op, observedOutbound()).fingerprint);
  });

  it('never deletes what the line did not create, and keeps a trunk that carries it', () => {
    const line = outbound();
    line.numbers.push({ did: '+919800000009', mappingId: '19', mode: 'pstn', origin: 'adopted', mayDelete: false, since: AT, by: 'adopt' });
    const observed = observedOutbound({
      numbers: [...(observedOutbound().numbers ?? []), { id: '19', phoneNumber: '+919800000009', mode: 'pstn' }],
      credentials: [...(observedOutbound().credentials ?? []), { id: '29', userName: 'byhand' }],
    });
    const plan = planOperation(line, { kind: 'offboard' }, observed);
    expect(plan.steps.map((s) => s.action)).toEqual(['delete-credential', 'delete-acl', 'unmap-did']);
    expect(plan.notes).toEqual([
      'credential byhand stays: this project did not create it',
      '+919800000009 stays: this project did not map it',
      'trunk acme_o1 stays: it carries what this project did not make',
    ]);
  });

  it('removes only destinations the line added, after the new one is read back', () => {
    const observed: ObservedTrunk = {
      trunkSid: 'trmum1def',
      destinations: [
        { id: '41', destination: 'old.example.com:5061;transport=tls' },
        { id: '42', destination: 'byhand.example.com:5061;transport=tls' },
      ],
    };
    const plan = planOperation(inbound(), { kind: 'set-destinations', destinations: ['new.example.com:5061;transport=tls'] }, observed);
    expect(plan.steps.map((s) => s.action)).toEqual(['add-destinations', 'verify-destinations', 'delete-destination']);
    expect(plan.notes).toEqual(['byhand.example.com:5061;transport=tls stays: this project did not add it']);
  });

  it('keeps the old credential until the rotation is confirmed, and refuses a second rotation meanwhile', () => {
    const line = outbound();
    const plan = planOperation(line, { kind: 'rotate-credential' }, observedOutbound());
    expect(plan.steps.map((s) => s.action)).toEqual(['create-credential', 'await-confirmation']);
    expect(JSON.stringify(plan)).toContain('"password":"***"');
    expect(plan.destructive).toBe(false);
    line.pendingRotation = { operationId: 'r1', userName: sipUserNameFor('acme-1', 1), credentialId: '22', since: AT, onTimeout: 'keep-both' };
    line.credentials.push({ id: '22', userName: sipUserNameFor('acme-1', 1), generation: 1, origin: 'created', mayDelete: true, since: AT, by: 'r1' });
    expect(planOperation(line, { kind: 'rotate-credential' }, observedOutbound()).refusals[0]).toContain('waits for confirmation');
    const withBoth = observedOutbound({ credentials: [...(observedOutbound().credentials ?? []), { id: '22', userName: sipUserNameFor('acme-1', 1) }] });
    const confirm = planOperation(line, { kind: 'confirm-rotation' }, withBoth);
    expect(confirm.steps.map((s) => (s.action === 'delete-credential' ? s.id : s.action))).toEqual(['21']);
    // The new credential gone behind the project's back: the old one is not deleted.
    expect(planOperation(line, { kind: 'confirm-rotation' }, observedOutbound()).refusals[0]).toContain('no longer on the trunk');
  });

  it('says offboarding a line that has nothing, or was offboarded, is harmless', () => {
    expect(planOperation(emptyLine('x', 'outbound', 'acme_in'), { kind: 'offboard' }, null)).toMatchObject({ steps: [], refusals: [], notes: ['nothing was ever set up: nothing to delete'] });
    const gone = { ...outbound(), status: 'offboarded' as const };
    expect(planOperation(gone, { kind: 'offboard' }, null).notes).toEqual(['already offboarded: nothing left to delete']);
    expect(planOperation(gone, { kind: 'add-dids', dids: ['+919800000003'] }, null).refusals[0]).toContain('was offboarded');
  });

  it('makes a lost trunk again with all the record has, and says a lost credential needs a rotation', () => {
    const out = planOperation(outbound(), { kind: 'repair' }, null);
    expect(out.refusals).toEqual([]);
    expect(out.steps.map((s) => ('request' in s ? `${s.action} ${s.request.method} ${s.request.path}` : s.action))).toEqual([
      'create-trunk POST /trunks',
      'map-did POST /trunks/{new trunk}/phone-numbers',
      'add-acl POST /trunks/{new trunk}/whitelisted-ips',
    ]);
    expect(out.unrepaired).toEqual([expect.stringContaining(`credential ${sipUserNameFor('acme-1')} went with the trunk`)]);
    expect(out.destructive).toBe(false);

    const flow = { ...inbound(), numbers: inbound().numbers.map((n) => ({ ...n, mode: 'flow' as const })) };
    const inb = planOperation(flow, { kind: 'repair', kinds: ['missing'] }, null);
    expect(inb.steps.map((s) => s.action)).toEqual(['create-trunk', 'map-did', 'set-mode', 'add-destinations', 'verify-destinations']);
    expect(inb.unrepaired).toEqual([]);
    // It was given to the setup, not made by it: the notes say the new one is this project's.
    expect(inb.notes).toEqual(expect.arrayContaining([expect.stringContaining('was pre-existing')]));

    const told = planOperation(inbound(), { kind: 'repair', kinds: ['changed'] }, null);
    expect(told.steps).toEqual([]);
    expect(told.unrepaired).toEqual([expect.stringContaining('missing trunk')]);
  });
});

describe('onTimers', () => {
  const HOUR = 3_600_000;
  const pending = (decideBy: string | undefined, onTimeout: 'keep-both' | 'finish') => ({
    ...outbound(),
    pendingRotation: { operationId: 'r1', userName: 'sipnew', credentialId: '22', since: AT, onTimeout, ...(decideBy ? { decideBy } : {}) },
  });

  it('finishes a rotation at its deadline only when told to, and stops waiting either way', () => {
    const at = Date.parse(AT) + 2 * HOUR;
    const finish = onTimers(pending(new Date(at - HOUR).toISOString(), 'finish'), at);
    expect(finish.queue).toEqual([{ operationId: 'r1-confirmed-by-timeout', request: { operation: { kind: 'confirm-rotation' }, confirm: true } }]);
    expect(finish.line.pendingRotation?.decideBy).toBeUndefined();
    const keep = onTimers(pending(new Date(at - HOUR).toISOString(), 'keep-both'), at);
    expect(keep.queue).toEqual([]);
    expect(keep.warning).toContain('both credentials stay');
    expect(onTimers(pending(new Date(at + HOUR).toISOString(), 'finish'), at).queue).toEqual([]);
  });

  it('queues the policy rotation when due, skips a round while one waits, and rotates once after a long stop', () => {
    const line = { ...outbound(), rotationPolicy: { everyDays: 30, nextAt: AT } };
    const at = Date.parse(AT) + 100 * 24 * HOUR;
    const due = onTimers(line, at);
    expect(due.queue).toEqual([{ operationId: `scheduled-rotation-${AT}`, request: { operation: { kind: 'rotate-credential' } } }]);
    expect(Date.parse(due.line.rotationPolicy?.nextAt ?? '')).toBe(at + 30 * 24 * HOUR);
    expect(dueTimes(due.line)).toEqual([at + 30 * 24 * HOUR]);
    const skipped = onTimers({ ...pending(undefined, 'keep-both'), rotationPolicy: { everyDays: 30, nextAt: AT } }, Date.parse(AT));
    expect(skipped.queue).toEqual([]);
    expect(skipped.warning).toContain('skipped');
  });
});
