// deploy/grafana/trunk-provisioner.json and deploy/prometheus/prometheus.yml: the dashboard asks only for what the
// processes really serve. A production worker and a signup receiver run as deployed (their own processes, OPS_PORT),
// do real work (a signup event's setup with a 429 and a platform side, a rolled-back setup, a line operation, a drift
// scan), and every metric, label and value the dashboard's expressions name must be in their scrapes.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { dataConverterFor } from '../../codec/data-converter';
import { generateKey, loadKeyring } from '../../codec/keyring';
import { lineWorkflowId } from '../../domain/naming';
import { signEvent } from '../../events/signature';
import { buildWorkflowBundle } from '../../scripts/build-workflow-bundle';
import { WorkerProcess } from '../../scripts/chaos/worker-process';
import { freePorts } from '../../scripts/dev-server';
import { startRetellStandIn, type RetellStoredNumber, type RunningStandIn } from '../../simulator/voice-ai';
import { parseExposition, type Sample } from '../support/prometheus';
import { ownAccount, startTestSimulator, type TestSimulator } from '../support/simulator';
import { temporalAddress, temporalNamespace, uniqueTaskQueue } from '../support/temporal';
import { trunkctl, trunkctlRunning } from '../support/trunkctl';
import { dashboardExpressions, parsePromQl, servedProblems } from './grafana-checks';

const ROOT = join(__dirname, '..', '..');
const read = (path: string) => readFileSync(join(ROOT, path), 'utf8');
const dashboard = JSON.parse(read('deploy/grafana/trunk-provisioner.json')) as {
  schemaVersion: number;
  uid: string;
  panels: { id: number; type: string; title: string; datasource?: { uid?: string }; targets?: { expr: string; datasource?: { uid?: string } }[] }[];
  templating: { list: { name: string; type: string; query: unknown; datasource?: { uid?: string } }[] };
};

const served = parseExposition;

describe('reading PromQL', () => {
  it('finds the metrics, their matchers and the grouping labels, past functions, ranges, strings and variables', () => {
    expect(parsePromQl('histogram_quantile(0.95, sum by (le, endpoint) (rate(trunk_x_seconds_bucket{account=~"$account", method="POST"}[$__rate_interval]))) * 60')).toEqual({
      selectors: [{ name: 'trunk_x_seconds_bucket', matchers: [{ label: 'account', op: '=~', value: '$account' }, { label: 'method', op: '=', value: 'POST' }] }],
      grouping: ['le', 'endpoint'],
    });
    expect(parsePromQl('sum(a_total) by (x) / on (y) group_left (z) b and c offset 5m')).toEqual({
      selectors: [{ name: 'a_total', matchers: [] }, { name: 'b', matchers: [] }, { name: 'c', matchers: [] }],
      grouping: ['x', 'y', 'z'],
    });
    expect(() => parsePromQl('{__name__="x"}')).toThrow('without a metric name');
  });

  it('names what a scrape does not hold: a metric, a label, a value, a grouping label', () => {
    const samples = parseExposition('trunk_a_total{account="acme_in",status="200"} 1\ntrunk_b{state="running"} 0\n');
    expect(servedProblems('sum by (status) (rate(trunk_a_total{account=~"$account"}[5m]))', samples)).toEqual([]);
    expect(servedProblems('rate(trunk_nope_total[5m])', samples)).toEqual(['trunk_nope_total is not served']);
    expect(servedProblems('trunk_a_total{acount="acme_in"}', samples)).toEqual(['trunk_a_total has no label acount']);
    expect(servedProblems('trunk_b{state="awaiting_ops"}', samples)).toEqual(['trunk_b{state="awaiting_ops"} is not served']);
    expect(servedProblems('trunk_b{state=~"running|stuck"}', samples)).toEqual(['trunk_b{state="stuck"} is not served']);
    expect(servedProblems('sum by (provider) (trunk_b)', samples)).toEqual(['by (provider): none of trunk_b has it']);
    expect(servedProblems('vector(200)', samples)).toEqual(['names no metric']);
  });
});

describe('the dashboard file', () => {
  it('is a Grafana dashboard whose every query goes to the ${DS_PROMETHEUS} data source', () => {
    expect(dashboard.schemaVersion).toBe(39);
    expect(dashboard.uid).toBe('trunk-provisioner');
    expect(dashboard.templating.list.find((v) => v.name === 'DS_PROMETHEUS')).toMatchObject({ type: 'datasource', query: 'prometheus' });
    const ids = dashboard.panels.map((p) => p.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const p of dashboard.panels.filter((x) => x.type !== 'row')) {
      expect(p.datasource?.uid, p.title).toBe('${DS_PROMETHEUS}');
      expect(p.targets?.length, p.title).toBeGreaterThan(0);
      for (const t of p.targets ?? []) expect(t.datasource?.uid, p.title).toBe('${DS_PROMETHEUS}');
    }
    for (const v of dashboard.templating.list.filter((x) => x.type === 'query')) expect(v.datasource?.uid, v.name).toBe('${DS_PROMETHEUS}');
  });

  it('has the panels operations asks for', () => {
    const titles = dashboard.panels.map((p) => p.title);
    expect(titles).toEqual(
      expect.arrayContaining([
        'Awaiting ops',
        'Setups by state',
        'Setup starts',
        'Exotel requests by status',
        'Requests and 429s per account (ceiling 200/min)',
        'Exotel request latency',
        'Compensations',
        'Line operations by kind and outcome',
        'Drift differences',
        'Drifted lines',
        'Platform requests by provider and outcome',
        'Workflow task schedule-to-start latency',
        'Activity schedule-to-start latency',
        'Task slots available',
        'Workflow failures',
      ]),
    );
  });
});

describe('the Prometheus scrape example', () => {
  it("scrapes every replica of the worker and the receiver on the OPS_PORT their env files set, at /metrics", () => {
    const config = parse(read('deploy/prometheus/prometheus.yml')) as { scrape_configs: { job_name: string; metrics_path?: string; dns_sd_configs: { names: string[]; type: string; port: number }[] }[] };
    const env = (file: string) => Object.fromEntries(read(file).split('\n').filter((l) => /^[A-Z_]+=/.test(l)).map((l) => l.split('=', 2) as [string, string]));
    const jobs = Object.fromEntries(config.scrape_configs.map((j) => [j.job_name, j]));
    expect(jobs.worker?.dns_sd_configs).toEqual([{ names: ['worker'], type: 'A', port: Number(env('deploy/worker.env.example').OPS_PORT) }]);
    expect(jobs.events?.dns_sd_configs).toEqual([{ names: ['events'], type: 'A', port: Number(env('deploy/events.env.example').OPS_PORT) }]);
    for (const job of config.scrape_configs) expect(job.metrics_path ?? '/metrics').toBe('/metrics');
  });
});

// ---------------------------------------------------------------------------------------------------------------

const CODEC_ENV = { TRUNK_CODEC_KEYS: JSON.stringify({ k1: generateKey() }) };
const SECRET = 'whsec_grafana_0123456789abcdef';
const OWN = ownAccount('grafana_sg');
const taskQueue = uniqueTaskQueue('grafana');
const customers: string[] = [];

let sim: TestSimulator;
let retell: RunningStandIn<RetellStoredNumber>;
let worker: WorkerProcess;
let events: ChildProcess;
let eventsOutput = '';
let client: Client;
let ports: { worker: number; events: number; receiver: number };

async function scrape(port: number, path = '/metrics'): Promise<{ status: number; text: string }> {
  for (let i = 0; ; i++) {
    try {
      const res = await fetch(`http://127.0.0.1:${port}${path}`);
      return { status: res.status, text: await res.text() };
    } catch (err) {
      if (i > 200) throw err;
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}

/** The scrape once it holds this metric (a gauge's first refresh, a workflow's task, come a moment later). */
async function scrapeWith(port: number, name: string): Promise<Sample[]> {
  for (let i = 0; ; i++) {
    const samples = served((await scrape(port)).text);
    if (samples.some((s) => s.name === name) || i > 100) return samples;
    await new Promise((r) => setTimeout(r, 200));
  }
}

beforeAll(async () => {
  sim = await startTestSimulator(OWN.simulator);
  retell = await startRetellStandIn({});
  const [w, e, r] = await freePorts(3);
  ports = { worker: w!, events: e!, receiver: r! };
  const bundle = await buildWorkflowBundle(join(mkdtempSync(join(tmpdir(), 'grafana-')), 'bundle.js'), { quiet: true });
  worker = new WorkerProcess({
    temporalAddress: temporalAddress(),
    namespace: temporalNamespace(),
    taskQueue,
    // An account of its own (the drift scan judges all of an account's lines), with an edge Retell can dial.
    accounts: [sim.account({ ...OWN.account, sipEdge: { host: 'in.voip.exotel.com', port: 443, transport: 'tls' } })],
    platformAccounts: [{ name: 'rt-grafana', provider: 'retell', apiKey: retell.apiKey, baseUrl: retell.url }],
    workflowBundlePath: bundle,
    env: { ...CODEC_ENV, WORKER_MODE: 'production', OPS_PORT: String(ports.worker) },
  });
  worker.start();
  events = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'cli', 'trunkctl.ts'), 'events', '--port', String(ports.receiver)], {
    cwd: ROOT,
    env: {
      ...process.env,
      ...CODEC_ENV,
      TEMPORAL_ADDRESS: temporalAddress(),
      TEMPORAL_NAMESPACE: temporalNamespace(),
      TEMPORAL_TASK_QUEUE: taskQueue,
      SIGNUP_EVENTS_SECRET: SECRET,
      SIGNUP_EVENTS_SECRET_FILE: '',
      OPS_PORT: String(ports.events),
      OPS_DECISION_TIMEOUT: '0',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  events.stdout?.on('data', (d: Buffer) => (eventsOutput += d.toString()));
  events.stderr?.on('data', (d: Buffer) => (eventsOutput += d.toString()));
  const connection = await Connection.connect({ address: temporalAddress() });
  client = new Client({ connection, namespace: temporalNamespace(), dataConverter: dataConverterFor(loadKeyring(CODEC_ENV)) });
}, 120_000);

afterAll(async () => {
  // A running line of this account, with its worker gone, would hold up a later scan of the account on a reused server.
  await Promise.all(customers.map((c) => client?.workflow.getHandle(lineWorkflowId('outbound', c)).terminate('test/deploy/grafana.test.ts is over').catch(() => undefined)));
  if (events && events.exitCode === null && events.signalCode === null) events.kill('SIGKILL');
  await worker?.stop();
  await client?.connection.close();
  await retell?.close();
  await sim?.close();
});

describe('against what the worker and the receiver serve', () => {
  it('every expression of the dashboard names a metric, label and value their scrapes hold', { timeout: 300_000 }, async () => {
    const account = OWN.account.accountSid as string;
    const run = (args: string[]) => trunkctl(args, { taskQueue, env: CODEC_ENV });
    // A signup event, through the receiver: a setup start, a 429 on the way, Retell's side by API.
    const customer = `grafana-ok-${Date.now()}`;
    customers.push(customer);
    await sim.admin.addFault({ method: 'POST', path: '/credentials$', kind: 'status', status: 429, retryAfterSeconds: 1 });
    const body = JSON.stringify({ eventId: `evt-${customer}`, direction: 'outbound', customerId: customer, exotelAccountSid: account, did: '+6591100001', provider: 'retell' });
    const timestamp = Math.floor(Date.now() / 1000);
    await scrape(ports.events, '/healthz');
    const answer = await fetch(`http://127.0.0.1:${ports.receiver}/signup-events`, {
      method: 'POST',
      body,
      headers: { 'content-type': 'application/json', 'x-signature-timestamp': String(timestamp), 'x-signature': signEvent(SECRET, timestamp, body) },
    });
    const { workflowId } = (await answer.json()) as { workflowId: string };
    expect(answer.status, eventsOutput).toBeLessThan(300);
    await client.workflow.getHandle(workflowId).result();
    // A setup that fails for good and rolls back: compensations, a failed activity, a failed workflow.
    await sim.admin.addFault({ method: 'POST', path: '/credentials$', kind: 'status', status: 400 });
    const failed = await run(['outbound', '--customer', `grafana-fail-${Date.now()}`, '--account', account, '--did', '+6591100002', '--ops-timeout', '0', '--wait']);
    expect(failed.code, failed.stderr + failed.stdout).toBe(1);
    await sim.admin.clearFaults();
    // A day-two operation, and a drift scan of the account.
    const added = await run(['line', 'add-did', customer, '--did', '+6591100003']);
    expect(added.code, added.stderr + added.stdout).toBe(0);
    const scan = await trunkctlRunning(['drift', 'scan', '--account', account, '--share', '1', '--requests-per-minute', '600'], { taskQueue, env: CODEC_ENV }).ended;
    expect(scan.code, scan.stderr + scan.stdout).toBe(0);

    const samples = [...(await scrapeWith(ports.worker, 'trunk_drift_scans_total')), ...(await scrapeWith(ports.events, 'trunk_setups'))];
    const expressions = dashboardExpressions(dashboard);
    // Every target and every query variable, none missed.
    const targets = dashboard.panels.flatMap((p) => p.targets ?? []).length + dashboard.templating.list.filter((v) => v.type === 'query').length;
    expect(expressions).toHaveLength(targets);
    const problems = expressions.flatMap(({ where, expr }) => servedProblems(expr, samples).map((p) => `${where}: ${p}`));
    expect(problems).toEqual([]);
    // Both sides of the scrape took part: the worker's and the receiver's own metrics.
    const names = new Set(expressions.flatMap(({ expr }) => parsePromQl(expr).selectors.map((s) => s.name)));
    for (const name of ['trunk_setups', 'trunk_setup_starts_total', 'trunk_exotel_rate_limited_total', 'trunk_platform_requests_total', 'trunk_line_operations_total', 'trunk_drift_drifted_lines', 'temporal_workflow_failed']) {
      expect(names).toContain(name);
    }
  });

  it('the receiver serves its metrics and health on OPS_PORT, and stops on SIGTERM', { timeout: 60_000 }, async () => {
    expect(await scrape(ports.events, '/healthz')).toEqual({ status: 200, text: '{"status":"serving"}\n' });
    const samples = served((await scrape(ports.events)).text);
    expect(samples.find((s) => s.name === 'trunk_setup_starts_total' && s.labels.provider === 'retell')?.value).toBe(1);
    expect(samples.filter((s) => s.name === 'trunk_setups').length).toBeGreaterThan(0);
    for (const secret of [SECRET, CODEC_ENV.TRUNK_CODEC_KEYS]) expect(samples.some((s) => JSON.stringify(s).includes(secret))).toBe(false);
    const exited = new Promise<number | null>((resolve) => events.once('exit', (code) => resolve(code)));
    events.kill('SIGTERM');
    expect(await exited).toBe(0);
  });
});
