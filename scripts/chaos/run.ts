// The chaos run: many setups against the simulator with faults on, the worker SIGKILLed and restarted every few
// seconds and the Temporal server restarted on its database; then an audit of what the simulator holds.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { Client, Connection, WorkflowFailedError } from '@temporalio/client';
import { historyToJSON } from '@temporalio/common/lib/proto-utils';
import { startSetup } from '../../client/setups';
import { parseSetupRequest, type CheckedSetupRequest } from '../../domain/setup-request';
import { setupWorkflowId } from '../../domain/naming';
import type { ExotelAccountSettings } from '../../exotel/accounts';
import { SimulatorAdmin, startSimulator, type FaultSpec, type SimulatorAccount } from '../../simulator';
import { buildWorkflowBundle } from '../build-workflow-bundle';
import { freePorts, startDevServer, type DevServer } from '../dev-server';
import { audit, type AuditReport, type CustomerPlan, type Outcome } from './audit';
import { WorkerProcess } from './worker-process';

export interface ChaosOptions {
  customers: number;
  seed: number;
  /** SIGKILL the worker (and start a new one) this often; 0 never. */
  killEverySeconds: number;
  maxKills: number;
  /** Temporal server restarts, each once a share of the setups has finished. */
  serverRestarts: number;
  /** Chance per request of a 503, and half that of a 429. */
  errorProbability: number;
  /** Chance per request of a delay beyond the activity timeout. */
  slowProbability: number;
  /** Chance per create of the write landing and its answer being lost (500 or a dropped connection). */
  lostAnswerProbability: number;
  /** The simulator's per-account rate window, scaled down so the run is short. */
  rateLimit: { limit: number; windowMs: number };
  log: (line: string) => void;
  /** Where to keep, as replay fixtures, the longest history of each direction and outcome. */
  historiesDir?: string;
}

export const DEFAULT_CHAOS: ChaosOptions = {
  customers: 200,
  seed: 1,
  killEverySeconds: 5,
  maxKills: Infinity,
  serverRestarts: 1,
  errorProbability: 0.05,
  slowProbability: 0.005,
  lostAnswerProbability: 0.15,
  rateLimit: { limit: 200, windowMs: 6_000 },
  log: () => {},
};

export interface ChaosReport extends AuditReport {
  customers: number;
  outbound: number;
  inbound: number;
  succeeded: number;
  failed: number;
  /** Customers planned to fail that failed. */
  plannedFailures: number;
  /** Customers that failed for good without being planned to (faults can exhaust a step's retries): with why. */
  unplannedFailures: string[];
  /** Customers planned to fail that succeeded: a bug. */
  plannedButSucceeded: string[];
  faults: Record<string, number>;
  requests: number;
  kills: number;
  workerStarts: number;
  serverRestarts: number;
  wallSeconds: number;
}

const ACCOUNT: SimulatorAccount = { sid: 'chaos_account', apiKey: 'chaos_key', apiToken: 'chaos_token_not_secret', region: 'in' };

export function planCustomers(count: number, seed: number): CustomerPlan[] {
  return Array.from({ length: count }, (_, i): CustomerPlan => {
    const customerId = `chaos-${seed}-${i}`;
    const did = `+9197${String(seed % 100).padStart(2, '0')}${String(i).padStart(6, '0')}`;
    // Every tenth is refused by Exotel at its last step (a documentation IP as destination), so it must roll back.
    if (i % 10 === 9) {
      return {
        customerId,
        direction: 'inbound',
        did,
        destinations: [`c${i}.sip.livekit.cloud:5061;transport=tls`, `198.51.100.${i % 250}:5061;transport=tls`],
        mustFail: true,
      };
    }
    if (i % 3 === 0) return { customerId, direction: 'outbound', did, mustFail: false };
    if (i % 3 === 1) return { customerId, direction: 'outbound', did, providerIps: ['15.252.21.46', `13.206.${i % 250}.198`], mustFail: false };
    const destinations = [`c${i}.india.sip.livekit.cloud:5061;transport=tls`, ...(i % 2 ? ['sip.rtc.elevenlabs.io:5060;transport=tcp'] : [])];
    return { customerId, direction: 'inbound', did, destinations, mustFail: false };
  });
}

function requestFor(plan: CustomerPlan): CheckedSetupRequest {
  // A setup that fails for good rolls back at once: nobody is there to decide.
  const base = { direction: plan.direction, customerId: plan.customerId, exotelAccountSid: ACCOUNT.sid, did: plan.did, opsDecisionTimeout: 0 };
  return parseSetupRequest(
    plan.direction === 'outbound'
      ? { ...base, ...(plan.providerIps ? { providerIps: plan.providerIps, allowAclWithDigest: true } : {}) }
      : { ...base, destinations: plan.destinations ?? [] },
  );
}

function faultsFor(o: ChaosOptions): FaultSpec[] {
  const creates = '/(trunks|phone-numbers|credentials|whitelisted-ips|destination-uris)$';
  return [
    { method: 'POST', path: creates, kind: 'commit-then-fail', then: 500, count: 0, probability: o.lostAnswerProbability / 2 },
    { method: 'POST', path: creates, kind: 'commit-then-fail', then: 'drop', count: 0, probability: o.lostAnswerProbability / 2 },
    // 25 s is past both the HTTP client's 15 s and the activity's 20 s timeout.
    { path: '^/v2/', kind: 'latency', latencyMs: 25_000, count: 0, probability: o.slowProbability },
    { path: '^/v2/', kind: 'status', status: 503, count: 0, probability: o.errorProbability },
    { path: '^/v2/', kind: 'status', status: 429, retryAfterSeconds: 1, count: 0, probability: o.errorProbability / 2 },
  ];
}

/** The most eventful runs (retries, adoptions, kills) make the most telling replay fixtures. */
async function keepLongestHistories(client: Client, plans: CustomerPlan[], outcomes: Map<string, Outcome>, dir: string): Promise<void> {
  const longest = new Map<string, { length: number; json: string }>();
  for (const plan of plans) {
    const key = `chaos-${plan.direction}-${outcomes.get(plan.customerId)}`;
    const history = await client.workflow.getHandle(setupWorkflowId(plan.direction, plan.customerId)).fetchHistory();
    const length = history.events?.length ?? 0;
    if (length > (longest.get(key)?.length ?? 0)) longest.set(key, { length, json: historyToJSON(history) });
  }
  mkdirSync(dir, { recursive: true });
  for (const [key, { json }] of longest) writeFileSync(join(dir, `${key}.json`), `${json}\n`);
}

/** Waits for a setup's end, riding out a Temporal server that is restarting. */
async function outcomeOf(client: Client, workflowId: string): Promise<{ outcome: Outcome; why?: string }> {
  for (;;) {
    try {
      await client.workflow.getHandle(workflowId).result();
      return { outcome: 'succeeded' };
    } catch (err) {
      if (err instanceof WorkflowFailedError) return { outcome: 'failed', why: err.cause?.message ?? err.message };
      await sleep(500);
    }
  }
}

export async function runChaos(options: Partial<ChaosOptions> = {}): Promise<ChaosReport> {
  const o: ChaosOptions = { ...DEFAULT_CHAOS, ...options };
  const started = Date.now();
  const dir = mkdtempSync(join(tmpdir(), 'trunk-chaos-'));
  const cleanups: (() => Promise<unknown>)[] = [];
  try {
    o.log(`building the workflow bundle, starting Temporal (on ${dir}) and the simulator…`);
    const bundlePath = await buildWorkflowBundle(join(dir, 'workflow-bundle.js'), { quiet: true });
    const [port] = await freePorts(1);
    const dbFile = join(dir, 'temporal.db');
    let server: DevServer = await startDevServer({ port, dbFile, uiPort: false });
    cleanups.push(() => server.stop());
    const simulator = await startSimulator({ accounts: [ACCOUNT], rateLimit: o.rateLimit, seed: o.seed });
    cleanups.push(() => simulator.close());
    const admin = new SimulatorAdmin(simulator.url);
    for (const fault of faultsFor(o)) await admin.addFault(fault);

    const account: ExotelAccountSettings = {
      accountSid: ACCOUNT.sid,
      apiKey: ACCOUNT.apiKey,
      apiToken: ACCOUNT.apiToken,
      subdomain: 'api.in.exotel.com',
      baseUrl: simulator.url,
      // The workers' budget matches the simulator's scaled window, as a deployment's matches Exotel's.
      requestBudget: { requests: o.rateLimit.limit, perSeconds: o.rateLimit.windowMs / 1000 },
    };
    const taskQueue = `chaos-${o.seed}`;
    const worker = new WorkerProcess({ temporalAddress: server.address, namespace: server.namespace, taskQueue, accounts: [account], workflowBundlePath: bundlePath });
    worker.start();
    cleanups.push(() => worker.stop());
    const connection = await Connection.connect({ address: server.address });
    cleanups.push(() => connection.close());
    const client = new Client({ connection, namespace: server.namespace });

    const plans = planCustomers(o.customers, o.seed);
    o.log(`starting ${plans.length} setups…`);
    for (const plan of plans) await startSetup(client, requestFor(plan), { taskQueue });

    let done = 0;
    const killer = (async () => {
      if (o.killEverySeconds <= 0) return;
      while (worker.kills < o.maxKills) {
        await sleep(o.killEverySeconds * 1000);
        if (done >= plans.length) return;
        await worker.kill();
        o.log(`  SIGKILL worker (${worker.kills}); starting a new one`);
        worker.start();
      }
    })();

    let restarts = 0;
    const outcomes = new Map<string, Outcome>();
    const why = new Map<string, string>();
    const waiting = plans.map(async (plan) => {
      const result = await outcomeOf(client, setupWorkflowId(plan.direction, plan.customerId));
      outcomes.set(plan.customerId, result.outcome);
      if (result.why) why.set(plan.customerId, result.why);
      done++;
    });
    const restarter = (async () => {
      for (let r = 1; r <= o.serverRestarts; r++) {
        while (done < (plans.length * r) / (o.serverRestarts + 1)) await sleep(200);
        o.log(`  restarting the Temporal server on its database (${done}/${plans.length} done)`);
        await server.stop();
        server = await startDevServer({ port, dbFile, uiPort: false });
        restarts++;
      }
    })();
    const progress = setInterval(() => o.log(`  ${done}/${plans.length} setups finished`), 10_000);
    await Promise.all(waiting);
    clearInterval(progress);
    await Promise.all([killer, restarter]);

    if (o.historiesDir) await keepLongestHistories(client, plans, outcomes, o.historiesDir);

    const state = await admin.state();
    const requests = await admin.requests();
    const faults: Record<string, number> = {};
    for (const r of requests) {
      const kind = r.fault === 'status' ? `status ${r.status}` : r.fault ?? (r.status === 429 ? 'rate-limited 429' : undefined);
      if (kind) faults[kind] = (faults[kind] ?? 0) + 1;
    }
    const report = audit(state.accounts[ACCOUNT.sid] ?? { trunks: [], orphan_credentials: [] }, plans, outcomes);
    const failedPlans = plans.filter((p) => outcomes.get(p.customerId) === 'failed');
    return {
      ...report,
      customers: plans.length,
      outbound: plans.filter((p) => p.direction === 'outbound').length,
      inbound: plans.filter((p) => p.direction === 'inbound').length,
      succeeded: plans.length - failedPlans.length,
      failed: failedPlans.length,
      plannedFailures: failedPlans.filter((p) => p.mustFail).length,
      unplannedFailures: failedPlans.filter((p) => !p.mustFail).map((p) => `${p.customerId}: ${why.get(p.customerId) ?? ''}`),
      plannedButSucceeded: plans.filter((p) => p.mustFail && outcomes.get(p.customerId) !== 'failed').map((p) => p.customerId),
      faults,
      requests: requests.length,
      kills: worker.kills,
      workerStarts: worker.starts,
      serverRestarts: restarts,
      wallSeconds: Math.round((Date.now() - started) / 100) / 10,
    };
  } finally {
    for (const cleanup of cleanups.reverse()) await cleanup().catch(() => undefined);
    rmSync(dir, { recursive: true, force: true });
  }
}
