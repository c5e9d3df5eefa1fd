// A setup whose step fails for good waits for ops: retried with trunkctl, retried with the temporal CLI's own
// `workflow signal`, rolled back with trunkctl, and rolled back by itself when nobody decides.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { setupWorkflowId } from '../../domain/naming';
import type { SetupStatus } from '../../domain/setup';
import type { OutboundSetupResult } from '../../domain/setup-result';
import { ExotelClient } from '../../exotel/client';
import { statusQuery } from '../../workflows/progress';
import { failureOf, keepHistory, startHarness, type Harness } from '../support/setup-harness';
import { temporalCli, trunkctl } from '../support/trunkctl';

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

async function statusOf(customerId: string, direction: 'outbound' | 'inbound' = 'outbound'): Promise<SetupStatus> {
  return h.client.workflow.getHandle(setupWorkflowId(direction, customerId)).query(statusQuery);
}

async function untilAwaitingOps(customerId: string): Promise<SetupStatus> {
  for (;;) {
    const status = await statusOf(customerId);
    if (status.phase === 'awaiting-ops') return status;
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Visibility is eventually consistent: wait until `trunkctl list` shows the customer in that state. */
async function listedAs(customerId: string, state: string): Promise<{ customerId: string; state: string; failedStep?: string }> {
  for (;;) {
    const run = await trunkctl(['list', '--state', state, '--json']);
    expect(run.code, run.stderr).toBe(0);
    const row = (JSON.parse(run.stdout) as { customerId: string; state: string; failedStep?: string }[]).find((r) => r.customerId === customerId);
    if (row) return row;
    await new Promise((r) => setTimeout(r, 200));
  }
}

describe('awaiting ops', () => {
  it('waits after a permanent failure, shows the choices, and succeeds when retried with trunkctl', async () => {
    await h.admin.addFault({ method: 'POST', path: '/credentials$', kind: 'status', status: 400 });
    const customerId = h.customer('ops-retry');
    const started = await h.startOutbound({ customerId, did: '+919855500001', opsDecisionTimeout: '10m' });

    const status = await untilAwaitingOps(customerId);
    expect(status.awaitingOps).toMatchObject({ step: 'create-credential', choices: ['retry', 'rollback'], correctable: ['providerIps'] });
    expect(status.awaitingOps?.error).toContain('Exotel 400');
    expect(await listedAs(customerId, 'awaiting-ops')).toMatchObject({ state: 'awaiting-ops', failedStep: 'create-credential' });

    const shown = await trunkctl(['show', customerId, '--direction', 'outbound']);
    expect(shown.stdout).toContain('Waiting for a decision');
    expect(shown.stdout).toContain(`trunkctl retry ${customerId} --direction outbound`);

    const refused = await trunkctl(['retry', customerId, '--did', '+919855500099']);
    expect(refused.code).toBe(1);
    expect(refused.stdout).toContain('corrections.did');
    expect(refused.stdout).toContain('a finished step already used it');

    const retried = await trunkctl(['retry', customerId, '--note', 'Exotel fixed the account', '--json']);
    expect(retried.code, retried.stderr).toBe(0);
    expect(JSON.parse(retried.stdout)).toEqual({ workflowId: started.workflowId, outcome: 'will retry step create-credential' });

    const result = (await started.handle.result()) as OutboundSetupResult;
    await keepHistory('outbound-ops-retried', started.handle);
    expect(result.credentialId).toMatch(/^\d+$/);
    const final = await statusOf(customerId);
    expect(final.phase).toBe('succeeded');
    expect(final.decisions.map((d) => [d.decision.action, d.outcome])).toEqual([['retry', 'will retry step create-credential']]);
    expect(await listedAs(customerId, 'succeeded')).toMatchObject({ state: 'succeeded' });
  });

  it('takes a retry with a corrected DID through `temporal workflow signal`', async () => {
    const other = await exotel.createTrunk('ops_someone_else');
    await exotel.mapPhoneNumber(other.trunk_sid, '+919855500002', 'pstn');
    const customerId = h.customer('ops-signal');
    const started = await h.startOutbound({ customerId, did: '+919855500002', opsDecisionTimeout: '10m' });
    const status = await untilAwaitingOps(customerId);
    expect(status.awaitingOps).toMatchObject({ step: 'map-did', correctable: ['did', 'dids', 'providerIps'] });
    expect(status.awaitingOps?.error).toContain('already mapped to another trunk');

    const signal = await temporalCli([
      'workflow', 'signal', '--workflow-id', started.workflowId, '--name', 'decision',
      '--input', JSON.stringify({ action: 'retry', corrections: { did: '+919855500003' }, note: 'customer has a second number' }),
    ]);
    expect(signal.code, signal.stderr).toBe(0);
    const result = (await started.handle.result()) as OutboundSetupResult;
    await keepHistory('outbound-ops-retried-by-signal', started.handle);
    expect(result.did).toBe('+919855500003');
    const trunk = (await h.admin.state()).accounts[h.exotelAccount.accountSid]?.trunks.find((t) => t.trunk_sid === result.trunkSid);
    expect(trunk?.phone_numbers.map((n) => n.phone_number)).toEqual(['+919855500003']);
  });

  it('keeps a refused signal in the status and goes on waiting', async () => {
    await h.admin.addFault({ method: 'POST', path: '/credentials$', kind: 'status', status: 400 });
    const customerId = h.customer('ops-badsignal');
    const started = await h.startOutbound({ customerId, did: '+919855500004', opsDecisionTimeout: '10m' });
    await untilAwaitingOps(customerId);
    await started.handle.signal('decision', { action: 'explode' } as never);
    for (;;) {
      const status = await statusOf(customerId);
      if (status.decisions.length) {
        expect(status.phase).toBe('awaiting-ops');
        expect(status.decisions[0]?.outcome).toMatch(/^refused: [\s\S]*action = "explode": must be retry or rollback/);
        break;
      }
      await new Promise((r) => setTimeout(r, 100));
    }
    const rolledBack = await trunkctl(['rollback', customerId]);
    expect(rolledBack.code, rolledBack.stderr).toBe(0);
    await failureOf(started.handle.result());
  });

  it('rolls back on a trunkctl rollback, leaving nothing', async () => {
    const before = await h.admin.state();
    await h.admin.addFault({ method: 'POST', path: '/whitelisted-ips$', kind: 'status', status: 400 });
    const customerId = h.customer('ops-rollback');
    const started = await h.startOutbound({ customerId, did: '+919855500005', providerIps: ['15.252.21.46'], allowAclWithDigest: true, opsDecisionTimeout: '10m' });
    await untilAwaitingOps(customerId);
    const run = await trunkctl(['rollback', customerId, '--note', 'wrong provider']);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toContain('will roll back create-credential, map-did, create-trunk');
    const failure = await failureOf(started.handle.result());
    await keepHistory('outbound-ops-rolled-back', started.handle);
    expect(failure.message).toContain('failed at step allowlist-ips');
    expect(await h.admin.state()).toEqual(before);
    expect((await statusOf(customerId)).phase).toBe('rolled-back');
    expect(await listedAs(customerId, 'rolled-back')).toMatchObject({ failedStep: 'allowlist-ips' });
  });

  it('rolls back by itself when nobody decides in time', async () => {
    const before = await h.admin.state();
    await h.admin.addFault({ method: 'POST', path: '/destination-uris$', kind: 'status', status: 400 });
    const customerId = h.customer('ops-timeout');
    const started = await h.startInbound({
      customerId,
      did: '+919855500006',
      destinations: ['acme.india.sip.livekit.cloud:5061;transport=tls'],
      opsDecisionTimeout: '2s',
    });
    const failure = await failureOf(started.handle.result());
    await keepHistory('inbound-ops-timed-out', started.handle);
    expect(failure.message).toContain('failed at step add-destinations');
    expect(await h.admin.state()).toEqual(before);
    const status = await statusOf(customerId, 'inbound');
    expect(status.decisions.map((d) => [d.decision.note, d.outcome])).toEqual([['no decision in time', 'rolling back by itself']]);
    expect(status.phase).toBe('rolled-back');
  });
});
