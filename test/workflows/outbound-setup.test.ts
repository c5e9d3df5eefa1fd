import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { credentialFriendlyNameFor, sipUserNameFor, trunkNameFor } from '../../domain/naming';
import type { OutboundSetupResult } from '../../domain/setup-result';
import { ExotelClient } from '../../exotel/client';
import { statusQuery } from '../../workflows/progress';
import { expectCancelled, failureOf, keepHistory, startHarness, waitForStep, type Harness } from '../support/setup-harness';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(() => h.stop());
beforeEach(async () => {
  await h.admin.clearFaults();
  await h.mark();
});

describe('outboundSetup', () => {
  it('creates trunk, DID mapping and digest credential with exactly the minimal requests', async () => {
    const customerId = h.customer('happy');
    const started = await h.startOutbound({ customerId, did: '+919811100001' });
    const result = (await started.handle.result()) as OutboundSetupResult;
    await keepHistory('outbound-succeeded', started.handle);

    expect(await h.requestsSinceMark()).toEqual([
      'POST /trunks',
      'POST /trunks/{trunk}/phone-numbers',
      'POST /trunks/{trunk}/credentials',
    ]);
    const trunkName = trunkNameFor(customerId, 'outbound');
    expect(result).toMatchObject({
      trunkName,
      sipEdge: { host: 'in.voip.exotel.com', port: 443, transport: 'tls' },
      sipDomain: `${h.exotelAccount.accountSid}.pstn.exotel.com`,
      sipUserName: sipUserNameFor(customerId),
      aclEntryIds: [],
    });
    expect(result.sipPassword).toMatch(/^[A-Za-z0-9]{24,}$/);

    const trunk = (await h.admin.state()).accounts[h.exotelAccount.accountSid]?.trunks.find((t) => t.trunk_name === trunkName);
    expect(trunk?.trunk_sid).toBe(result.trunkSid);
    expect(trunk?.phone_numbers).toEqual([expect.objectContaining({ id: result.phoneNumberMappingId, phone_number: '+919811100001', mode: 'pstn' })]);
    expect(trunk?.credentials).toEqual([
      expect.objectContaining({ id: result.credentialId, user_name: result.sipUserName, friendly_name: credentialFriendlyNameFor(customerId) }),
    ]);
    expect(trunk?.whitelisted_ips).toEqual([]);

    const status = await started.handle.query(statusQuery);
    expect(status.phase).toBe('succeeded');
    expect(status.steps.map((s) => [s.name, s.state])).toEqual([
      ['validate', 'done'],
      ['create-trunk', 'done'],
      ['map-did', 'done'],
      ['create-credential', 'done'],
      ['allowlist-ips', 'skipped'],
    ]);
  });

  it('puts a customer with several numbers on one trunk with one credential: 2 + k requests for k DIDs', async () => {
    const customerId = h.customer('multi');
    const dids = ['+919811100021', '+919811100022', '+919811100023', '+919811100024'];
    const started = await h.startOutbound({ customerId, dids });
    const result = (await started.handle.result()) as OutboundSetupResult;
    await keepHistory('outbound-several-dids', started.handle);
    expect(await h.requestsSinceMark()).toEqual([
      'POST /trunks',
      ...dids.map(() => 'POST /trunks/{trunk}/phone-numbers'),
      'POST /trunks/{trunk}/credentials',
    ]);
    expect(result).toMatchObject({ did: dids[0], dids });
    const trunk = (await h.admin.state()).accounts[h.exotelAccount.accountSid]?.trunks.find((t) => t.trunk_sid === result.trunkSid);
    expect(trunk?.phone_numbers.map((n) => [n.id, n.phone_number])).toEqual(dids.map((d) => [result.phoneNumberMappingIds?.[d], d]));
    expect(trunk?.credentials).toHaveLength(1);
    expect((await started.handle.query(statusQuery)).steps.find((st) => st.name === 'map-did')?.resource).toEqual({
      mappingId: result.phoneNumberMappingId,
      mappingIds: dids.map((d) => result.phoneNumberMappingIds?.[d]),
    });
  });

  it('rolls back every number it mapped when a later one is refused, and leaves the other trunk alone', async () => {
    const exotel = new ExotelClient(h.exotelAccount);
    const other = await exotel.createTrunk('multi_someone');
    await exotel.mapPhoneNumber(other.trunk_sid, '+919811100033', 'pstn');
    await h.mark();
    const dids = ['+919811100031', '+919811100032', '+919811100033'];
    const started = await h.startOutbound({ customerId: h.customer('multi-fail'), dids });
    const failure = await failureOf(started.handle.result());
    expect(failure.message).toContain('failed at step map-did');
    expect(failure.message).toContain('+919811100033 is already mapped to another trunk');
    const requests = await h.requestsSinceMark();
    expect(requests.filter((r) => /^DELETE \/trunks\/\{trunk\}\/phone-numbers/.test(r))).toHaveLength(2);
    expect(requests.at(-1)).toBe('DELETE /trunks?trunk_sid={trunk}');
    expect((await exotel.listPhoneNumbers(other.trunk_sid)).map((n) => n.phone_number)).toEqual(['+919811100033']);
  });

  it('refuses an IP allowlist next to digest credentials without allowAclWithDigest, provider or not, before any request', async () => {
    const failure = await h.startOutbound({ customerId: h.customer('acl-refused'), did: '+919811100012', providerIps: ['15.252.21.46'] }).then(
      () => undefined,
      (e: unknown) => e as Error,
    );
    expect(failure?.name).toBe('InputValidationError');
    expect(failure?.message).toMatch(/providerIps = .*15\.252\.21\.46.*refused: this setup always creates digest credentials/);
    expect(await h.requestsSinceMark()).toEqual([]);
  });

  it('allowlists each static provider IP as a /32 entry when given (and allowed next to digest)', async () => {
    const started = await h.startOutbound({
      customerId: h.customer('acl'),
      did: '+919811100002',
      providerIps: ['15.252.21.46', '13.206.230.198/32'],
      allowAclWithDigest: true,
    });
    const result = (await started.handle.result()) as OutboundSetupResult;
    await keepHistory('outbound-succeeded-with-acl', started.handle);
    expect(await h.requestsSinceMark()).toEqual([
      'POST /trunks',
      'POST /trunks/{trunk}/phone-numbers',
      'POST /trunks/{trunk}/credentials',
      'POST /trunks/{trunk}/whitelisted-ips',
      'POST /trunks/{trunk}/whitelisted-ips',
    ]);
    const trunk = (await h.admin.state()).accounts[h.exotelAccount.accountSid]?.trunks.find((t) => t.trunk_sid === result.trunkSid);
    expect(trunk?.whitelisted_ips.map((e) => [e.id, e.ip, e.mask])).toEqual([
      [result.aclEntryIds[0], '15.252.21.46', 32],
      [result.aclEntryIds[1], '13.206.230.198', 32],
    ]);
  });

  it('refuses bad input before any Exotel request, naming every problem', async () => {
    const failure = await h
      .startOutbound({ customerId: 'bad customer!', did: '9811100003', providerIps: ['10.0.0.0/24'] })
      .then(
        () => undefined,
        (e: unknown) => e as Error,
      );
    expect(failure?.name).toBe('InputValidationError');
    expect(failure?.message).toContain('customerId');
    expect(failure?.message).toContain('did = "9811100003": must be E.164');
    expect(failure?.message).toContain('providerIps[0] = "10.0.0.0/24": Exotel takes one /32 address per allowlist entry');
    expect(await h.requestsSinceMark()).toEqual([]);
  });

  it('refuses bad input inside the workflow too, when started around the CLI', async () => {
    const handle = await h.client.workflow.start('outboundSetup', {
      taskQueue: h.taskQueue,
      workflowId: `direct-${h.customer('direct')}`,
      args: [{ customerId: h.customer('direct'), exotelAccountSid: h.exotelAccount.accountSid, did: 'not-a-number' }],
    });
    const failure = await failureOf(handle.result());
    expect(failure.type).toBe('InputValidationError');
    expect(failure.message).toContain('did = "not-a-number"');
    expect(await h.requestsSinceMark()).toEqual([]);
  });

  it('retries transient failures (a 503, a 429 with Retry-After) and succeeds', async () => {
    await h.admin.addFault({ method: 'POST', path: '/phone-numbers$', kind: 'status', status: 503 });
    await h.admin.addFault({ method: 'POST', path: '/credentials$', kind: 'status', status: 429, retryAfterSeconds: 1 });
    const started = await h.startOutbound({ customerId: h.customer('transient'), did: '+919811100004' });
    await started.handle.result();
    await keepHistory('outbound-transient-retried', started.handle);
    expect(await h.requestsSinceMark()).toEqual([
      'POST /trunks',
      'POST /trunks/{trunk}/phone-numbers',
      'POST /trunks/{trunk}/phone-numbers',
      'POST /trunks/{trunk}/credentials',
      // Exotel may accept a second credential with the same user name: look before trying again.
      'GET /trunks/{trunk}/credentials?page_size=50&offset=0',
      'POST /trunks/{trunk}/credentials',
    ]);
    const statuses = (await h.admin.requests()).filter((r) => r.method === 'POST').slice(-4).map((r) => r.status);
    expect(statuses).toEqual([503, 200, 429, 200]);
  });

  const refuse = (path: string) => ({ method: 'POST', path, kind: 'status' as const, status: 400 });
  const failurePoints = [
    { step: 'create-trunk', faults: [refuse('/trunks$')], rolledBack: [] as RegExp[] },
    { step: 'map-did', faults: [refuse('/phone-numbers$')], rolledBack: [/deleted trunk/] },
    { step: 'create-credential', faults: [refuse('/credentials$')], rolledBack: [/unmapped \+91/, /deleted trunk/] },
    {
      step: 'allowlist-ips',
      // The first ACL entry goes through (a harmless 1 ms delay uses up the first match), the second is refused.
      faults: [{ method: 'POST', path: '/whitelisted-ips$', kind: 'latency' as const, latencyMs: 1 }, refuse('/whitelisted-ips$')],
      rolledBack: [/removed 15\.252\.21\.46/, /deleted credential/, /unmapped/, /deleted trunk/],
    },
  ];
  for (const point of failurePoints) {
    it(`rolls back everything it created when ${point.step} fails for good`, async () => {
      const before = await h.admin.state();
      for (const fault of point.faults) await h.admin.addFault(fault);
      const started = await h.startOutbound({
        customerId: h.customer(`fail-${point.step}`),
        did: '+919811100005',
        providerIps: ['15.252.21.46', '13.206.230.198'],
        allowAclWithDigest: true,
      });
      const failure = await failureOf(started.handle.result());
      await keepHistory(`outbound-rolled-back-at-${point.step}`, started.handle);
      expect(failure.type).toBe('SetupFailed');
      expect(failure.message).toContain(`failed at step ${point.step}`);
      expect(failure.message).toContain('Exotel 400');
      const details = failure.details?.[0] as { failedStep: string; rolledBack: string[]; httpStatus: number };
      expect(details.failedStep).toBe(point.step);
      expect(details.httpStatus).toBe(400);
      expect(details.rolledBack).toHaveLength(point.rolledBack.length);
      point.rolledBack.forEach((pattern, i) => expect(details.rolledBack[i]).toMatch(pattern));
      expect(await h.admin.state()).toEqual(before);

      const status = await started.handle.query(statusQuery);
      expect(status.phase).toBe('rolled-back');
      expect(status.steps.find((s) => s.name === point.step)?.state).toBe('failed');
    });
  }

  it('reports a compensation that still fails instead of swallowing it', async () => {
    await h.admin.addFault(refuse('/credentials$'));
    await h.admin.addFault({ method: 'DELETE', path: '/trunks$', kind: 'status', status: 401 });
    const started = await h.startOutbound({ customerId: h.customer('leftover'), did: '+919811100008' });
    const failure = await failureOf(started.handle.result());
    await keepHistory('outbound-rollback-incomplete', started.handle);
    expect(failure.type).toBe('SetupFailedWithLeftovers');
    expect(failure.message).toMatch(/NOT rolled back, needs attention: create-trunk: Exotel 401 .*region/);
    const details = failure.details?.[0] as { rolledBack: string[]; rollbackFailures: { step: string }[] };
    expect(details.rolledBack).toEqual([expect.stringMatching(/^unmapped/)]);
    expect(details.rollbackFailures.map((f) => f.step)).toEqual(['create-trunk']);
    const status = await started.handle.query(statusQuery);
    expect(status.phase).toBe('failed');
    expect(status.steps.find((s) => s.name === 'create-trunk')?.error).toMatch(/^rollback failed/);
  });

  it('compensates when cancelled mid-flow, including a create that was in flight', async () => {
    const before = await h.admin.state();
    await h.admin.addFault({ method: 'POST', path: '/credentials$', kind: 'latency', latencyMs: 1_500 });
    const started = await h.startOutbound({ customerId: h.customer('cancel'), did: '+919811100006' });
    await waitForStep(started.handle, 'create-credential', 'running');
    // The step makes its password (an activity of its own) before the POST: cancel once the POST is at Exotel.
    while (!(await h.admin.requests()).some((r) => r.method === 'POST' && r.path.endsWith('/credentials') && r.status === null)) {
      await new Promise((r) => setTimeout(r, 20));
    }
    await started.handle.cancel();
    await expectCancelled(started.handle.result());
    await keepHistory('outbound-cancelled', started.handle);
    expect(await h.admin.state()).toEqual(before);
    const status = await started.handle.query(statusQuery);
    expect(status.phase).toBe('rolled-back');
    expect(status.steps.filter((s) => s.state === 'compensated').map((s) => s.name)).toEqual(['create-trunk', 'map-did', 'create-credential']);
  });

  it('starting the same customer twice provisions once', async () => {
    const customerId = h.customer('twice');
    const first = await h.startOutbound({ customerId, did: '+919811100007' });
    const second = await h.startOutbound({ customerId, did: '+919811100007' });
    expect(second.workflowId).toBe(first.workflowId);
    await first.handle.result();
    const third = await h.startOutbound({ customerId, did: '+919811100007' });
    expect(third.alreadySucceeded).toBe(true);
    const trunkName = trunkNameFor(customerId, 'outbound');
    const trunks = (await h.admin.state()).accounts[h.exotelAccount.accountSid]?.trunks.filter((t) => t.trunk_name === trunkName);
    expect(trunks).toHaveLength(1);
    expect((await h.requestsSinceMark()).filter((r) => r === 'POST /trunks')).toHaveLength(1);
  });
});
