// A deploy while setups wait for ops, on the real dev server. Worker A runs today's workflows; setups fail a step for
// good and wait for a decision. A stops, and worker B starts on the same task queue with a changed workflow: the ops
// gate reads the account once more before a setup parks (test/workflows/fixtures/ops-gate-change.ts), behind a patch
// id of this test's own. The setups A started replay on B the way they began (no marker, no extra activity) and end as
// decided; a setup started on B takes the new path. The same change without patched() cannot replay what waited:
// the policy of README's "Changing workflows" is what keeps waiting setups safe.
import { join } from 'node:path';
import { Client, Connection } from '@temporalio/client';
import type { temporal } from '@temporalio/proto';
import { DefaultLogger, NativeConnection, Runtime, Worker, type WorkflowBundle } from '@temporalio/worker';
import { DeterminismViolationError } from '@temporalio/workflow';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decide } from '../../client/ops';
import { startSetup, type StartedSetup } from '../../client/setups';
import { sipUserNameFor } from '../../domain/naming';
import type { OpsDecision, SetupStatus } from '../../domain/setup';
import { parseSetupRequest } from '../../domain/setup-request';
import type { OutboundSetupResult } from '../../domain/setup-result';
import { createSetupWorker } from '../../worker/create-worker';
import { bundleWorkflows, workflowsPath } from '../../worker/workflow-bundle';
import { statusQuery } from '../../workflows/progress';
import { REREAD_ACCOUNT_PATCH } from './fixtures/ops-gate-change';
import { failureOf, workflowBundle } from '../support/setup-harness';
import { startTestSimulator, type TestSimulator } from '../support/simulator';
import { closeClient, temporalAddress, temporalNamespace, uniqueTaskQueue } from '../support/temporal';

type History = temporal.api.history.v1.IHistory;

/** Long enough that no setup rolls back by itself while the test runs; short of the 24 h default all the same. */
const OPS_TIMEOUT_SECONDS = 3600;

/**
 * Today's workflows with workflows/ops-gate.ts replaced by a fixture (imports of it anywhere in workflows/ get the
 * fixture; the fixture itself imports the real module by its `.js` name, which the exact-match alias leaves alone).
 */
function bundleWithOpsGate(fixture: string): Promise<WorkflowBundle> {
  const replaced = `${join(workflowsPath, 'ops-gate')}$`;
  return bundleWorkflows({ quiet: true, aliases: { [replaced]: join(__dirname, 'fixtures', fixture) } });
}

const events = (h: History) => h.events ?? [];
const decoder = new TextDecoder();
/** The patch ids a history's markers record, in order. */
function patchMarkers(h: History): string[] {
  return events(h).flatMap((e) => {
    const a = e.markerRecordedEventAttributes;
    const data = a?.markerName === 'core_patch' ? a.details?.['patch-data']?.payloads?.[0]?.data : undefined;
    return data ? [(JSON.parse(decoder.decode(data)) as { id: string }).id] : [];
  });
}
const idOf = (e: temporal.api.history.v1.IHistoryEvent): number => Number(String(e.eventId));
const scheduled = (h: History, type: string) => events(h).filter((e) => e.activityTaskScheduledEventAttributes?.activityType?.name === type);
/** The timer of the ops gate's wait: the only one as long as the decision timeout. */
const opsWaitTimer = (h: History) => events(h).find((e) => String(e.timerStartedEventAttributes?.startToFireTimeout?.seconds) === String(OPS_TIMEOUT_SECONDS));

let sim: TestSimulator;
let client: Client;
let connection: NativeConnection;
let today: WorkflowBundle;
let patched: WorkflowBundle;
let unpatched: WorkflowBundle;
const taskQueue = uniqueTaskQueue('deploy');
const run = `${Date.now().toString(36)}${Math.floor(Math.random() * 1e4)}`;

beforeAll(async () => {
  try {
    // Setups fail on purpose here: the worker's reports of that would drown the output.
    Runtime.install({ logger: new DefaultLogger('ERROR') });
  } catch {
    // Installed already by an earlier file in this process.
  }
  sim = await startTestSimulator();
  connection = await NativeConnection.connect({ address: temporalAddress() });
  client = new Client({ connection: await Connection.connect({ address: temporalAddress() }), namespace: temporalNamespace() });
  [today, patched, unpatched] = await Promise.all([workflowBundle(), bundleWithOpsGate('ops-gate-patched.ts'), bundleWithOpsGate('ops-gate-unpatched.ts')]);
});
afterAll(async () => {
  await Promise.all([...running].map((stop) => stop()));
  await connection?.close();
  await closeClient(client);
  await sim?.close();
});

/** Workers still running, stopped after a failed test so the connection can close. */
const running = new Set<() => Promise<void>>();

/** A worker process on the task queue, as `trunkctl worker` runs it (with the simulator's account). */
async function deploy(bundle: WorkflowBundle): Promise<{ stop(): Promise<void> }> {
  const worker = await createSetupWorker({ connection, namespace: temporalNamespace(), taskQueue, accounts: [sim.account()], workflowBundle: bundle, shutdownGraceSeconds: 1, client });
  const runs = worker.run();
  const stop = async () => {
    running.delete(stop);
    worker.shutdown();
    await runs;
  };
  running.add(stop);
  return { stop };
}

interface WaitingSetup extends StartedSetup {
  customerId: string;
}

async function startWaitingSetup(label: string, did: string): Promise<WaitingSetup> {
  const customerId = `${label}-${run}`;
  const request = parseSetupRequest({ direction: 'outbound', exotelAccountSid: sim.account().accountSid, customerId, did, opsDecisionTimeout: `${OPS_TIMEOUT_SECONDS}s` });
  return { ...(await startSetup(client, request, { taskQueue })), customerId };
}

const statusOf = (s: WaitingSetup): Promise<SetupStatus> => s.handle.query(statusQuery);
const decideOn = (s: WaitingSetup, decision: OpsDecision): Promise<string> => decide(client, 'outbound', s.customerId, decision);

/** Until the setup waits for ops and its history holds the wait's timer; returns that history. */
async function waiting(s: WaitingSetup): Promise<History> {
  for (;;) {
    if ((await statusOf(s)).phase === 'awaiting-ops') {
      const history = await s.handle.fetchHistory();
      if (opsWaitTimer(history)) return history;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
}

async function trunksWith(did: string) {
  return ((await sim.admin.state()).accounts[sim.account().accountSid]?.trunks ?? []).filter((t) => t.phone_numbers.some((n) => n.phone_number === did));
}

/** Histories of the setups A started, taken while they waited: the counter-case replays them. */
const waitedOnA: History[] = [];

describe('a deploy while setups wait for ops', () => {
  it('finishes the setups that waited on the old path and a new one on the new path, as each was decided', async () => {
    const dids = { retried: '+919855700001', rolledBack: '+919855700002', fresh: '+919855700003' };
    // Every credential create fails for good until the fault is cleared.
    await sim.admin.addFault({ method: 'POST', path: '/credentials$', kind: 'status', status: 400, count: 0 });

    const workerA = await deploy(today);
    const retried = await startWaitingSetup('deploy-old-retry', dids.retried);
    const rolledBack = await startWaitingSetup('deploy-old-rollback', dids.rolledBack);
    waitedOnA.push(...(await Promise.all([waiting(retried), waiting(rolledBack)])));
    for (const s of [retried, rolledBack]) expect((await statusOf(s)).awaitingOps).toMatchObject({ step: 'create-credential', choices: ['retry', 'rollback'] });
    await workerA.stop();

    const workerB = await deploy(patched);
    try {
      const fresh = await startWaitingSetup('deploy-new-retry', dids.fresh);
      await waiting(fresh);
      await sim.admin.clearFaults();
      expect(await decideOn(retried, { action: 'retry', note: 'Exotel fixed the account' })).toBe('will retry step create-credential');
      expect(await decideOn(rolledBack, { action: 'rollback', note: 'wrong customer' })).toMatch(/^will roll back .*map-did, create-trunk$/);
      expect(await decideOn(fresh, { action: 'retry' })).toBe('will retry step create-credential');

      const results = { retried: (await retried.handle.result()) as OutboundSetupResult, fresh: (await fresh.handle.result()) as OutboundSetupResult };
      expect((await failureOf(rolledBack.handle.result())).message).toContain('failed at step create-credential');

      // Exotel holds exactly what each decision left: both retried setups' trunks with their DID and credential, nothing
      // of the one rolled back.
      for (const [key, setup] of [['retried', retried], ['fresh', fresh]] as const) {
        const trunks = await trunksWith(dids[key]);
        expect(trunks.map((t) => t.trunk_sid)).toEqual([results[key].trunkSid]);
        expect(trunks[0]?.credentials.map((c) => c.user_name)).toEqual([sipUserNameFor(setup.customerId)]);
      }
      expect(await trunksWith(dids.rolledBack)).toEqual([]);
      expect((await statusOf(rolledBack)).phase).toBe('rolled-back');

      const [oldRetried, oldRolledBack, newRetried] = await Promise.all([retried.handle.fetchHistory(), rolledBack.handle.fetchHistory(), fresh.handle.fetchHistory()]);
      // Each workflow task names the build that completed it: A's tasks until the wait, B's after it.
      const builds = (h: History) => events(h).flatMap((e) => (e.workflowTaskCompletedEventAttributes ? [e.workflowTaskCompletedEventAttributes.workerVersion?.buildId ?? ''] : []));
      const [buildA, ...otherA] = new Set(waitedOnA.flatMap(builds));
      const [buildB, ...otherB] = new Set(builds(newRetried));
      expect([otherA, otherB]).toEqual([[], []]);
      expect(buildA).toMatch(/^@temporalio\/worker@.*\+[0-9a-f]{64}$/);
      expect(buildB).not.toBe(buildA);
      // The old ones: started by A, finished by B, on the old path.
      for (const h of [oldRetried, oldRolledBack]) {
        expect([...new Set(builds(h))]).toEqual([buildA, buildB]);
        expect(patchMarkers(h)).not.toContain(REREAD_ACCOUNT_PATCH);
        expect(scheduled(h, 'describeAccount')).toHaveLength(1);
      }
      // The new one: its marker, then the account read again, before the wait.
      expect(patchMarkers(newRetried)).toContain(REREAD_ACCOUNT_PATCH);
      const reads = scheduled(newRetried, 'describeAccount');
      expect(reads).toHaveLength(2);
      const marker = events(newRetried).find((e) => patchMarkers({ events: [e] }).includes(REREAD_ACCOUNT_PATCH));
      const [wait, reread] = [opsWaitTimer(newRetried), reads[1]];
      if (!marker || !wait || !reread) throw new Error('the new setup has no marker, wait or second read');
      expect(idOf(marker)).toBeLessThan(idOf(reread));
      expect(idOf(reread)).toBeLessThan(idOf(wait));

      // Both kinds replay on B's code; a new one cannot go back to A's (a patch's deploy is not undone by redeploying).
      for (const h of [oldRetried, oldRolledBack, newRetried]) await Worker.runReplayHistory({ workflowBundle: patched }, h);
      await expect(Worker.runReplayHistory({ workflowBundle: today }, newRetried)).rejects.toThrow(DeterminismViolationError);
    } finally {
      await workerB.stop();
    }
  });

  it('cannot replay the setups that waited when the same change ships without patched()', async () => {
    expect(waitedOnA).toHaveLength(2);
    for (const h of waitedOnA) {
      await Worker.runReplayHistory({ workflowBundle: today }, h);
      await Worker.runReplayHistory({ workflowBundle: patched }, h);
      await expect(Worker.runReplayHistory({ workflowBundle: unpatched }, h)).rejects.toThrow(DeterminismViolationError);
    }
  });
});
