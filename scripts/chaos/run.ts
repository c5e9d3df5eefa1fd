// The chaos run: many setups against the simulator with faults on, the worker SIGKILLed and restarted every few
// seconds and the Temporal server restarted on its database; then, under the same faults and kills, day-two
// operations on a share of the lines the setups handed over to (lifecycle.ts); then an audit of what the simulator
// holds, of each line's record against it, and of the simulator's timeline for moments a customer was unreachable.
// A share of the customers have Retell's side configured by API too, against the Retell stand-in (in this process,
// so it outlives the worker's kills) with its own faults; the audit holds Retell's numbers to the same rules.
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { Client, Connection, WorkflowFailedError } from '@temporalio/client';
import { historyToJSON } from '@temporalio/common/lib/proto-utils';
import { startSetup } from '../../client/setups';
import { parseSetupRequest, type CheckedSetupRequest } from '../../domain/setup-request';
import { fingerprintOf, setupWorkflowId } from '../../domain/naming';
import type { OutboundSetupResult } from '../../domain/setup-result';
import { INDIA_DIGEST_EDGE, type ExotelAccountSettings } from '../../exotel/accounts';
import { SimulatorAdmin, startSimulator, type FaultSpec, type LoggedRequest, type SimulatorAccount } from '../../simulator';
import { startRetellStandIn, type RetellStoredNumber, type RunningStandIn } from '../../simulator/voice-ai';
import type { KeyedAccountSettings } from '../../voice-ai/accounts';
import { buildWorkflowBundle } from '../build-workflow-bundle';
import { freePorts, startDevServer, type DevServer } from '../dev-server';
import {
  audit,
  auditLines,
  auditMoments,
  auditPlatform,
  PLATFORM_REFUSALS,
  type AuditReport,
  type CustomerPlan,
  type LineRecord,
  type Outcome,
  type PlatformAuditReport,
  type PlatformRefusal,
} from './audit';
import { countOperations, expectationsAfter, finalLine, inPool, momentChecksOf, planLifecycle, runLifecycle, workflowTaskFailures, type OperationOutcome } from './lifecycle';
import { WorkerProcess } from './worker-process';

export interface ChaosOptions {
  customers: number;
  seed: number;
  /** SIGKILL the worker (and start a new one) this often; 0 never. */
  killEverySeconds: number;
  /** At most this many kills in each phase (setups, then operations). */
  maxKills: number;
  /** Temporal server restarts in each phase, each once a share of the setups (then of the operations) has finished. */
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
  /** Of the customers of each direction whose setup succeeded, the share that runs day-two operations (0: none). */
  lifecycleShare: number;
  /** Of the customers of each direction whose setup succeeded, the share offboarded at the end of its operations. */
  offboardShare: number;
  /** Customers whose operations run at the same time. */
  lifecycleConcurrency: number;
  /**
   * Of each kind of customer (outbound, outbound with IPs, inbound, inbound Exotel refuses), the share set up with
   * provider `retell` and its side by API, against the Retell stand-in with the same fault rates (0: none).
   */
  platformShare: number;
  /** The Retell key the stand-in wants and the worker gets (in its environment only); a random one if omitted. */
  platformApiKey?: string;
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
  lifecycleShare: 0.5,
  offboardShare: 0.1,
  lifecycleConcurrency: 20,
  platformShare: 0.3,
};

/** Far above what a run writes (some 20 entries a customer): momentsWithout refuses a truncated timeline. */
const TIMELINE_CAPACITY = 2_000_000;

export interface LifecycleReport {
  /** Customers that ran operations, by direction, and how many of them were to be offboarded. */
  customers: number;
  outbound: number;
  inbound: number;
  offboards: number;
  /** Operations by kind and how they ended: done, rolled-back, failed, refused (… no-answer). */
  operations: ReturnType<typeof countOperations>;
  /** Update calls that failed without an answer (worker or server down) and were sent again with the same id. */
  retries: number;
  retryReasons: Record<string, number>;
  /** Operations that took more than one Update call, with how many. */
  retried: string[];
  /** Workflow task failures in the operated lines' histories, by cause and message (see workflowTaskFailures). */
  workflowTaskFailures: Record<string, number>;
  /** Operations that got no answer in the run's patience, or were refused by the line workflow itself: a bug. */
  unanswered: string[];
  /** Operations that ended rolled back or failed under the faults, with why (fine when they left nothing behind). */
  undone: string[];
  /** The operation that took longest to answer (retries of its steps after kills take their timeouts). */
  slowest: string;
  kills: number;
  serverRestarts: number;
  wallSeconds: number;
}

/** The platform's side of the run: Retell's numbers, audited as Exotel's resources are. */
export interface PlatformReport extends PlatformAuditReport {
  provider: 'retell';
  /** Customers set up with Retell's side by API, by direction, and how many of them succeeded. */
  customers: number;
  outbound: number;
  inbound: number;
  succeeded: number;
  /** Planned permanent refusals by kind; `exotel-refused`: Exotel refuses the inbound setup after the import. */
  planned: Record<string, number>;
  /** Platform customers whose offboard was done: their numbers must be gone from Retell. */
  offboarded: number;
  /** Numbers on Retell at the end (someone else's included). */
  numbers: number;
  /** Requests the stand-in was sent, and the faults it answered with (by kind, as Exotel's are counted). */
  requests: number;
  faults: Record<string, number>;
}

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
  lifecycle: LifecycleReport;
  /** Each moment the timeline shows a rotating credential, a changing destination or a moving DID left a customer unreachable. */
  unreachable: string[];
  /** What the timeline was asked about: trunks (credentials, destinations) and moved numbers. */
  momentsChecked: { credentials: number; destinations: number; numbers: number };
  /** A line still busy at the end (an operation running or queued, a rotation unconfirmed). */
  unsettled: string[];
  platform: PlatformReport;
  /** A secret (the Retell key, Exotel's token, a setup's SIP password) found in the worker's output or a request log. */
  leaks: string[];
}

const ACCOUNT: SimulatorAccount = { sid: 'chaos_account', apiKey: 'chaos_key', apiToken: 'chaos_token_not_secret', region: 'in' };

/** The agent the stand-in knows, which half of the platform customers bind; `unknown-agent` asks for one it does not. */
export const CHAOS_AGENT = 'agent_chaos_frontdesk';
const RETIRED_AGENT = 'agent_chaos_retired';
const PLATFORM_ACCOUNT = 'chaos-retell';
/** Of the platform customers Exotel accepts, in seeded order, the ranks (mod 10) Retell is planned to refuse. */
const REFUSAL_AT: Record<number, PlatformRefusal> = { 1: 'unknown-agent', 4: 'refused-400', 7: 'taken' };

export function planCustomers(count: number, seed: number, platformShare = 0): CustomerPlan[] {
  const plans = Array.from({ length: count }, (_, i): CustomerPlan => {
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
  return platformShare > 0 ? withPlatformSide(plans, seed, platformShare) : plans;
}

/**
 * A seeded share of each kind of customer (at least one of each) is set up with Retell's side by API: inbound ones
 * send to Retell's SIP host (those Exotel refuses keep their documentation IP beside it, so they fail after the
 * import and the rollback must delete the number). Of the rest, in seeded order, every tenth from the second is
 * refused by Retell for good in one of three ways (PLATFORM_REFUSALS), so both sides must roll back; every other
 * one binds an agent.
 */
function withPlatformSide(plans: CustomerPlan[], seed: number, share: number): CustomerPlan[] {
  const kindOf = (p: CustomerPlan) => (p.mustFail ? 'refused' : p.direction === 'inbound' ? 'inbound' : p.providerIps ? 'outbound-ips' : 'outbound');
  const seeded = (list: CustomerPlan[]) =>
    list
      .map((plan) => ({ plan, key: fingerprintOf(`${seed}:platform:${plan.customerId}`) }))
      .sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0))
      .map(({ plan }) => plan);
  const chosen = new Set<string>();
  for (const kind of ['outbound', 'outbound-ips', 'inbound', 'refused']) {
    const of = seeded(plans.filter((p) => kindOf(p) === kind));
    for (const p of of.slice(0, Math.min(of.length, Math.max(1, Math.round(share * of.length))))) chosen.add(p.customerId);
  }
  const rankOf = new Map(seeded(plans.filter((p) => chosen.has(p.customerId) && !p.mustFail)).map((p, rank) => [p.customerId, rank]));
  return plans.map((plan, i) => {
    if (!chosen.has(plan.customerId)) return plan;
    const rank = rankOf.get(plan.customerId);
    const refusal = rank === undefined ? undefined : REFUSAL_AT[rank % 10];
    const agentId = refusal === 'unknown-agent' ? RETIRED_AGENT : rank !== undefined && rank % 2 === 0 ? CHAOS_AGENT : undefined;
    const platform = { provider: 'retell' as const, ...(agentId ? { agentId } : {}), ...(refusal ? { refusal } : {}) };
    if (plan.direction === 'outbound') return { ...plan, platform, mustFail: plan.mustFail || refusal !== undefined };
    // Retell's SIP host takes TCP on 5060 (its default) and TLS on 5061 [I: the retell profile's ports].
    const retell = i % 2 ? 'sip.retellai.com:5061;transport=tls' : 'sip.retellai.com:5060;transport=tcp';
    const destinations = plan.mustFail ? [retell, ...(plan.destinations ?? []).filter((d) => !d.includes('livekit'))] : [retell];
    return { ...plan, destinations, platform, mustFail: plan.mustFail || refusal !== undefined };
  });
}

function requestFor(plan: CustomerPlan): CheckedSetupRequest {
  // A setup that fails for good rolls back at once: nobody is there to decide.
  const base = { direction: plan.direction, customerId: plan.customerId, exotelAccountSid: ACCOUNT.sid, did: plan.did, opsDecisionTimeout: 0 };
  // `api` asked for: a worker without the Retell account fails the setup rather than quietly handing out a sheet.
  // No probe: Retell's SIP host is not reachable from here, and the probe would only warn.
  const platform = plan.platform
    ? { provider: plan.platform.provider, providerSide: 'api', ...(plan.platform.agentId ? { providerFields: { agentId: plan.platform.agentId } } : {}), ...(plan.direction === 'inbound' ? { probe: 'off' } : {}) }
    : {};
  return parseSetupRequest(
    plan.direction === 'outbound'
      ? { ...base, ...platform, ...(plan.providerIps ? { providerIps: plan.providerIps, allowAclWithDigest: true } : {}) }
      : { ...base, ...platform, destinations: plan.destinations ?? [] },
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

/**
 * The stand-in's faults, as Exotel's: answers lost after the import landed (a 500, a dropped connection), delays past
 * the activity timeout, 503s, 429s and dropped connections on any request. First, the planned refusals (`refused-400`:
 * every lookup of the number answered 400) and, in a run with faults on, each kind once whatever the dice say (a
 * platform share of a few customers makes few requests).
 */
function platformFaultsFor(o: ChaosOptions, plans: CustomerPlan[]): FaultSpec[] {
  const imports = '^/import-phone-number$';
  const lookups = '^/get-phone-number/';
  // The SDK sends the `+` of an E.164 number as it is; `%2B` is matched too, should it encode it.
  const refused = plans.filter((p) => p.platform?.refusal === 'refused-400').map((p): FaultSpec => ({ method: 'GET', path: `^/get-phone-number/(\\+|%2B)${p.did.slice(1)}$`, kind: 'status', status: 400, count: 0 }));
  const faultsOn = o.errorProbability > 0 || o.slowProbability > 0 || o.lostAnswerProbability > 0;
  const once: FaultSpec[] = [
    { method: 'POST', path: imports, kind: 'commit-then-fail', then: 500, count: 1 },
    { method: 'POST', path: imports, kind: 'commit-then-fail', then: 'drop', count: 1 },
    { path: lookups, kind: 'status', status: 503, count: 1 },
    { path: lookups, kind: 'status', status: 429, retryAfterSeconds: 1, count: 1 },
    { path: lookups, kind: 'drop', count: 1 },
  ];
  return [
    ...refused,
    ...(faultsOn ? once : []),
    { method: 'POST', path: imports, kind: 'commit-then-fail', then: 500, count: 0, probability: o.lostAnswerProbability / 2 },
    { method: 'POST', path: imports, kind: 'commit-then-fail', then: 'drop', count: 0, probability: o.lostAnswerProbability / 2 },
    { path: '^/', kind: 'latency', latencyMs: 25_000, count: 0, probability: o.slowProbability },
    { path: '^/', kind: 'status', status: 503, count: 0, probability: o.errorProbability },
    { path: '^/', kind: 'status', status: 429, retryAfterSeconds: 1, count: 0, probability: o.errorProbability / 2 },
    { path: '^/', kind: 'drop', count: 0, probability: o.errorProbability / 2 },
  ];
}

/** Someone else's number on Retell, imported before the run, for each customer planned to find its DID `taken`. */
async function importForeignNumbers(retell: RunningStandIn<RetellStoredNumber>, plans: CustomerPlan[]): Promise<RetellStoredNumber[]> {
  for (const plan of plans.filter((p) => p.platform?.refusal === 'taken')) {
    const response = await fetch(`${retell.url}/import-phone-number`, {
      method: 'POST',
      headers: { authorization: `Bearer ${retell.apiKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({ phone_number: plan.did, termination_uri: 'sip.another-carrier.example:5060', transport: 'TCP', nickname: `someone-else-${plan.customerId}` }),
    });
    if (response.status !== 201) throw new Error(`importing someone else's ${plan.did} on the Retell stand-in answered ${response.status}`);
  }
  return (await retell.admin.state()).numbers;
}

/** Faults by kind, as the report counts them: `status 503`, `commit-then-fail`, and 429s the rate limit answered. */
function faultsIn(requests: LoggedRequest[]): Record<string, number> {
  const faults: Record<string, number> = {};
  for (const r of requests) {
    const kind = r.fault === 'status' ? `status ${r.status}` : r.fault ?? (r.status === 429 ? 'rate-limited 429' : undefined);
    if (kind) faults[kind] = (faults[kind] ?? 0) + 1;
  }
  return faults;
}

/** A secret of the run, and what it is called in a report (never its value). */
interface Secret {
  what: string;
  value: string;
}

/** Where each secret appears, by what it is and where; each finding once (one SIP password is like another). */
function leaksOf(secrets: Secret[], places: { where: string; text: string }[]): string[] {
  return [...new Set(secrets.flatMap(({ what, value }) => places.filter(({ text }) => value !== '' && text.includes(value)).map(({ where }) => `${what} appears in ${where}`)))];
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
async function outcomeOf(client: Client, workflowId: string): Promise<{ outcome: Outcome; why?: string; sipPassword?: string }> {
  for (;;) {
    try {
      const result = (await client.workflow.getHandle(workflowId).result()) as Partial<OutboundSetupResult> | undefined;
      return { outcome: 'succeeded', ...(typeof result?.sipPassword === 'string' ? { sipPassword: result.sipPassword } : {}) };
    } catch (err) {
      if (err instanceof WorkflowFailedError) return { outcome: 'failed', why: err.cause?.message ?? err.message };
      await sleep(500);
    }
  }
}

/**
 * Rejects once the worker has died on its own at start several times in a row (say, a broken import), with what it
 * printed. Not while the Temporal server restarts: a worker that cannot reach it dies at start too.
 */
async function unlessWorkerCannotStart(worker: WorkerProcess, o: { stop: AbortSignal; serverDown: () => boolean; secrets: Secret[] }): Promise<never> {
  const { stop, secrets } = o;
  while (!stop.aborted && (o.serverDown() || worker.quickExits < 5)) await sleep(500);
  if (stop.aborted) return new Promise<never>(() => {});
  const printed = secrets.reduce((text, { value }) => text.split(value).join('***'), worker.printed().split('\n').slice(-20).join('\n'));
  throw new Error(`the worker died at start ${worker.quickExits} times in a row; it printed last:\n${printed}`);
}

/** The planned platform refusals by kind, and the inbound customers Exotel refuses after their import. */
function plannedRefusals(onPlatform: CustomerPlan[]): Record<string, number> {
  const planned: Record<string, number> = {};
  for (const kind of [...PLATFORM_REFUSALS, 'exotel-refused']) {
    const n = onPlatform.filter((p) => (kind === 'exotel-refused' ? p.mustFail && !p.platform?.refusal : p.platform?.refusal === kind)).length;
    if (n) planned[kind] = n;
  }
  return planned;
}

export async function runChaos(options: Partial<ChaosOptions> = {}): Promise<ChaosReport> {
  const o: ChaosOptions = { ...DEFAULT_CHAOS, ...options };
  const started = Date.now();
  const dir = mkdtempSync(join(tmpdir(), 'trunk-chaos-'));
  const cleanups: (() => Promise<unknown>)[] = [];
  // Ends the kill and restart loops, and the watch on the worker, however the run ends.
  const stop = new AbortController();
  try {
    o.log(`building the workflow bundle, starting Temporal (on ${dir}) and the simulator…`);
    const bundlePath = await buildWorkflowBundle(join(dir, 'workflow-bundle.js'), { quiet: true });
    const [port] = await freePorts(1);
    const dbFile = join(dir, 'temporal.db');
    let server: DevServer = await startDevServer({ port, dbFile, uiPort: false });
    cleanups.push(() => server.stop());
    // numberScope 'trunk': Exotel is read as letting a number sit on two trunks, so a move maps on the target before
    // it unmaps here and "a moving DID is never unroutable" is a real assertion. Under the default one-trunk reading
    // a move has an unavoidable one-request gap, which the operation reports: test/workflows/customer-line.test.ts
    // covers that reading. The timeline is never truncated (momentsWithout would refuse to judge it).
    const simulator = await startSimulator({ accounts: [ACCOUNT], rateLimit: o.rateLimit, seed: o.seed, numberScope: 'trunk', timelineCapacity: TIMELINE_CAPACITY });
    cleanups.push(() => simulator.close());
    const admin = new SimulatorAdmin(simulator.url);
    for (const fault of faultsFor(o)) await admin.addFault(fault);

    const plans = planCustomers(o.customers, o.seed, o.platformShare);
    // Here, not in the worker: the stand-in's numbers must outlive every kill.
    const retell = await startRetellStandIn({ seed: o.seed, agents: [CHAOS_AGENT], apiKey: o.platformApiKey ?? `key_${randomBytes(16).toString('hex')}` });
    cleanups.push(() => retell.close());
    const foreign = await importForeignNumbers(retell, plans);
    for (const fault of platformFaultsFor(o, plans)) await retell.admin.addFault(fault);
    const platformAccount: KeyedAccountSettings = { name: PLATFORM_ACCOUNT, provider: 'retell', apiKey: retell.apiKey, baseUrl: retell.url };

    const account: ExotelAccountSettings = {
      accountSid: ACCOUNT.sid,
      apiKey: ACCOUNT.apiKey,
      apiToken: ACCOUNT.apiToken,
      subdomain: 'api.in.exotel.com',
      baseUrl: simulator.url,
      // What the worker would take for an India account anyway; set, so the audit expects the very edge it uses.
      sipEdge: INDIA_DIGEST_EDGE,
      // The workers' budget matches the simulator's scaled window, as a deployment's matches Exotel's.
      requestBudget: { requests: o.rateLimit.limit, perSeconds: o.rateLimit.windowMs / 1000 },
    };
    const taskQueue = `chaos-${o.seed}`;
    const worker = new WorkerProcess({
      temporalAddress: server.address,
      namespace: server.namespace,
      taskQueue,
      accounts: [account],
      platformAccounts: [platformAccount],
      workflowBundlePath: bundlePath,
    });
    worker.start();
    cleanups.push(() => worker.stop());
    const secrets: Secret[] = [
      { what: 'the Retell API key', value: retell.apiKey },
      { what: "Exotel's API token", value: ACCOUNT.apiToken },
    ];
    let serverDown = false;
    const workerWatch = unlessWorkerCannotStart(worker, { stop: stop.signal, serverDown: () => serverDown, secrets });
    // Raced below while the setups and the operations run; its end outside those races is no one's to handle.
    workerWatch.catch(() => undefined);
    const connection = await Connection.connect({ address: server.address });
    cleanups.push(() => connection.close());
    const client = new Client({ connection, namespace: server.namespace });

    const onPlatform = plans.filter((p) => p.platform);
    o.log(`starting ${plans.length} setups (${onPlatform.length} with Retell's side by API)…`);
    for (const plan of plans) await startSetup(client, requestFor(plan), { taskQueue });

    let restarts = 0;
    /** Kills and server restarts until `done()` reaches `total`: at most maxKills and serverRestarts of each. */
    const chaosDuring = async (total: number, done: () => number) => {
      let kills = 0;
      let phaseRestarts = 0;
      const killer = (async () => {
        if (o.killEverySeconds <= 0) return;
        const going = () => done() < total && !stop.signal.aborted;
        while (kills < o.maxKills && !stop.signal.aborted) {
          // Each interval counts from when the new worker polls (or a minute at most): on a slow machine a worker
          // killed while it still loads holds no task, and a run of such kills would test nothing.
          for (const until = Date.now() + 60_000; !worker.polling && Date.now() < until && going(); ) await sleep(200);
          for (const until = Date.now() + o.killEverySeconds * 1000; Date.now() < until && going(); ) await sleep(200);
          if (done() >= total || stop.signal.aborted) return;
          await worker.kill();
          kills++;
          o.log(`  SIGKILL worker (${worker.kills}); starting a new one`);
          worker.start();
        }
      })();
      const restarter = (async () => {
        for (let r = 1; r <= o.serverRestarts && total > 0; r++) {
          while (done() < (total * r) / (o.serverRestarts + 1)) {
            if (stop.signal.aborted) return;
            await sleep(200);
          }
          o.log(`  restarting the Temporal server on its database (${done()}/${total} done)`);
          serverDown = true;
          await server.stop();
          server = await startDevServer({ port, dbFile, uiPort: false });
          // The workers that died while it was down count for nothing.
          worker.quickExits = 0;
          serverDown = false;
          phaseRestarts++;
          restarts++;
        }
      })();
      await Promise.all([killer, restarter]);
      return { kills, restarts: phaseRestarts };
    };

    let done = 0;
    const setupChaos = chaosDuring(plans.length, () => done);
    const outcomes = new Map<string, Outcome>();
    const why = new Map<string, string>();
    const waiting = plans.map(async (plan) => {
      const result = await outcomeOf(client, setupWorkflowId(plan.direction, plan.customerId));
      outcomes.set(plan.customerId, result.outcome);
      if (result.why) why.set(plan.customerId, result.why);
      if (result.sipPassword) secrets.push({ what: 'a SIP password', value: result.sipPassword });
      done++;
    });
    const progress = setInterval(() => o.log(`  ${done}/${plans.length} setups finished`), 10_000);
    try {
      await Promise.race([Promise.all(waiting), workerWatch]);
    } finally {
      clearInterval(progress);
    }
    await setupChaos;

    // Day two, under the same faults and kills.
    const lifecycleStarted = Date.now();
    const succeeded = (customerId: string) => outcomes.get(customerId) === 'succeeded';
    const lifecyclePlans = o.lifecycleShare > 0 ? planLifecycle(plans, succeeded, { seed: o.seed, share: o.lifecycleShare, offboardShare: o.offboardShare }) : [];
    o.log(`running day-two operations for ${lifecyclePlans.length} customers…`);
    let operated = 0;
    const lifecycleChaos = chaosDuring(lifecyclePlans.length, () => operated);
    const operating = setInterval(() => o.log(`  ${operated}/${lifecyclePlans.length} customers' operations finished`), 10_000);
    let lifecycle: Awaited<ReturnType<typeof runLifecycle>>;
    try {
      lifecycle = await Promise.race([runLifecycle(client, admin, lifecyclePlans, { concurrency: o.lifecycleConcurrency, onDone: () => operated++ }), workerWatch]);
    } finally {
      clearInterval(operating);
    }
    const lifecycleChaosDone = await lifecycleChaos;
    const lifecycleSeconds = Math.round((Date.now() - lifecycleStarted) / 100) / 10;
    const taskFailures = await workflowTaskFailures(client, lifecyclePlans);

    if (o.historiesDir) await keepLongestHistories(client, plans, outcomes, o.historiesDir);

    const state = await admin.state();
    const requests = await admin.requests();
    const faults = faultsIn(requests);
    const platformRequests = await retell.admin.requests();
    const { numbers } = await retell.admin.state();
    const accountState = state.accounts[ACCOUNT.sid] ?? { trunks: [], orphan_credentials: [] };
    const records: LineRecord[] = [];
    await inPool(plans, 20, async (plan) => {
      const found = await finalLine(client, plan.direction, plan.customerId);
      const base = { customerId: plan.customerId, direction: plan.direction, state: found.state };
      if (found.state === 'absent') records.push(base);
      else if (found.state === 'offboarded') records.push({ ...base, line: found.line });
      else {
        const { current, queued } = found.view;
        const busy = [...(current ? [`${current.operation.kind} ${current.state}`] : []), ...queued.map((q) => `${q.operation.kind} queued`)].join(', ');
        records.push({ ...base, line: found.view.line, ...(busy ? { busy } : {}) });
      }
    });
    const expected = expectationsAfter(plans, succeeded, lifecycle);
    const onExotel = audit(accountState, plans, outcomes, expected);
    const ofLines = auditLines(accountState, plans, outcomes, records);
    const moments = auditMoments(await admin.timeline({ account: ACCOUNT.sid }), momentChecksOf(lifecycle));
    const onRetell = auditPlatform(numbers, plans, outcomes, { edge: INDIA_DIGEST_EDGE, foreign, expected, exotel: accountState, records });
    const leaks = leaksOf(secrets, [
        { where: "the worker's output", text: worker.printed() },
        { where: "the simulator's request log", text: JSON.stringify(requests) },
        { where: "the Retell stand-in's request log", text: JSON.stringify(platformRequests) },
    ]);
    const unique = (...lists: string[][]) => [...new Set(lists.flat())];
    const report: AuditReport = {
      duplicates: unique(onExotel.duplicates, ofLines.duplicates),
      orphans: unique(onExotel.orphans, ofLines.orphans),
      missing: unique(onExotel.missing, ofLines.missing),
    };
    const described = (x: OperationOutcome) => `${x.direction} ${x.customerId} ${x.kind}: ${x.state}: ${x.message}`;
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
      lifecycle: {
        customers: lifecyclePlans.length,
        outbound: lifecyclePlans.filter((p) => p.direction === 'outbound').length,
        inbound: lifecyclePlans.filter((p) => p.direction === 'inbound').length,
        offboards: lifecyclePlans.filter((p) => p.offboard).length,
        operations: countOperations(lifecycle.outcomes),
        retries: lifecycle.retries,
        retryReasons: lifecycle.retryReasons,
        retried: lifecycle.outcomes.filter((x) => x.calls > 1).map((x) => `${x.direction} ${x.customerId} ${x.kind}: ${x.calls} calls, ${x.state} after ${x.seconds} s`),
        workflowTaskFailures: taskFailures,
        unanswered: lifecycle.outcomes.filter((x) => x.state === 'no-answer').map(described),
        undone: lifecycle.outcomes.filter((x) => x.state === 'rolled-back' || x.state === 'failed').map(described),
        slowest: [...lifecycle.outcomes].sort((a, b) => b.seconds - a.seconds).slice(0, 1).map((x) => `${x.direction} ${x.customerId} ${x.kind} (${x.state}): ${x.seconds} s`)[0] ?? 'none',
        kills: lifecycleChaosDone.kills,
        serverRestarts: lifecycleChaosDone.restarts,
        wallSeconds: lifecycleSeconds,
      },
      unreachable: moments.unreachable,
      momentsChecked: moments.checked,
      unsettled: ofLines.unsettled,
      platform: {
        provider: 'retell',
        customers: onPlatform.length,
        outbound: onPlatform.filter((p) => p.direction === 'outbound').length,
        inbound: onPlatform.filter((p) => p.direction === 'inbound').length,
        succeeded: onPlatform.filter((p) => succeeded(p.customerId)).length,
        planned: plannedRefusals(onPlatform),
        offboarded: lifecycle.outcomes.filter((x) => x.kind === 'offboard' && x.state === 'done' && onPlatform.some((p) => p.customerId === x.customerId)).length,
        numbers: numbers.length,
        requests: platformRequests.length,
        faults: faultsIn(platformRequests),
        ...onRetell,
      },
      leaks,
    };
  } finally {
    stop.abort();
    for (const cleanup of cleanups.reverse()) await cleanup().catch(() => undefined);
    rmSync(dir, { recursive: true, force: true });
  }
}
