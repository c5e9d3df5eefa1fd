// The production worker, as deployed: its own process with OPS_PORT, a prebuilt bundle, keys and a voice-AI platform
// account. After real setups (one rolled back) and line operations, its one /metrics shows the Exotel requests, the
// 429, the compensations, the platform's requests, the line operations and the SDK's own metrics; /healthz says serving.
import { freePorts } from '../../scripts/dev-server';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { operateOn } from '../../client/lines';
import { dataConverterFor } from '../../codec/data-converter';
import { generateKey, loadKeyring } from '../../codec/keyring';
import { buildWorkflowBundle } from '../../scripts/build-workflow-bundle';
import { WorkerProcess } from '../../scripts/chaos/worker-process';
import { startRetellStandIn, type RetellStoredNumber, type RunningStandIn } from '../../simulator/voice-ai';
import { parseExposition, seriesOf, valueOf, type Sample } from '../support/prometheus';
import { startTestSimulator, type TestSimulator } from '../support/simulator';
import { temporalAddress, temporalNamespace, uniqueTaskQueue } from '../support/temporal';
import { trunkctl } from '../support/trunkctl';

const CODEC_ENV = { TRUNK_CODEC_KEYS: JSON.stringify({ k1: generateKey() }) };
let sim: TestSimulator;
let retell: RunningStandIn<RetellStoredNumber>;
let worker: WorkerProcess;
let opsPort: number;
const taskQueue = uniqueTaskQueue('metrics');

const freePort = async (): Promise<number> => (await freePorts(1))[0]!;

beforeAll(async () => {
  sim = await startTestSimulator();
  retell = await startRetellStandIn({});
  opsPort = await freePort();
  const bundle = await buildWorkflowBundle(join(mkdtempSync(join(tmpdir(), 'metrics-')), 'bundle.js'), { quiet: true });
  worker = new WorkerProcess({
    temporalAddress: temporalAddress(),
    namespace: temporalNamespace(),
    taskQueue,
    accounts: [sim.account()],
    platformAccounts: [{ name: 'rt-metrics', provider: 'retell', apiKey: retell.apiKey, baseUrl: retell.url }],
    workflowBundlePath: bundle,
    env: { ...CODEC_ENV, WORKER_MODE: 'production', OPS_PORT: String(opsPort) },
  });
  worker.start();
}, 120_000);
afterAll(async () => {
  await worker.stop();
  await retell.close();
  await sim.close();
});

async function scrape(path: string): Promise<{ status: number; text: string }> {
  for (let i = 0; ; i++) {
    try {
      const res = await fetch(`http://127.0.0.1:${opsPort}${path}`);
      return { status: res.status, text: await res.text() };
    } catch (err) {
      if (i > 100) throw err;
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}

/** The scrape once `ready` holds of it: a workflow's metrics reach the exporter as its task completes. */
async function scrapeUntil(ready: (s: Sample[]) => boolean): Promise<{ samples: Sample[]; text: string }> {
  for (let i = 0; ; i++) {
    const { text } = await scrape('/metrics');
    const samples = parseExposition(text);
    if (ready(samples) || i > 50) return { samples, text };
    await new Promise((r) => setTimeout(r, 200));
  }
}

describe('a production worker', () => {
  it('counts Exotel requests, 429s, compensations, platform requests and line operations on the /metrics that serves the SDK\'s, and is healthy', { timeout: 180_000 }, async () => {
    const account = sim.account().accountSid;
    const run = (args: string[]) => trunkctl(args, { taskQueue, env: CODEC_ENV });
    const customer = `metrics-ok-${Date.now()}`;
    await sim.admin.addFault({ method: 'POST', path: '/credentials$', kind: 'status', status: 429, retryAfterSeconds: 1 });
    const ok = await run(['outbound', '--customer', customer, '--account', account, '--did', '+919888800001', '--provider', 'retell', '--wait']);
    expect(ok.code, ok.stderr + ok.stdout).toBe(0);
    await sim.admin.addFault({ method: 'POST', path: '/credentials$', kind: 'status', status: 400 });
    const failed = await run(['outbound', '--customer', `metrics-fail-${Date.now()}`, '--account', account, '--did', '+919888800002', '--ops-timeout', '0', '--wait']);
    expect(failed.code).toBe(1);
    await sim.admin.clearFaults();
    // Two day-two operations: one done; one destructive and not confirmed, as an API caller may ask it (the CLI
    // stops such a plan itself, before the line sees it).
    const added = await run(['line', 'add-did', customer, '--did', '+919888800003']);
    expect(added.code, added.stderr + added.stdout).toBe(0);
    const client = new Client({ connection: await Connection.connect({ address: temporalAddress() }), namespace: temporalNamespace(), dataConverter: dataConverterFor(loadKeyring(CODEC_ENV)) });
    try {
      const unconfirmed = await operateOn(client, 'outbound', customer, { operation: { kind: 'set-mode', did: '+919888800001', mode: 'flow' } });
      expect(unconfirmed.state).toBe('needs-confirmation');
    } finally {
      await client.connection.close();
    }

    const health = await scrape('/healthz');
    expect(health.status).toBe(200);
    // Counted in workflow code: the SDK adds the workflow's namespace, task queue and type.
    const lineOps = (s: Sample[], kind: string, outcome: string) =>
      valueOf(s, 'trunk_line_operations_total', { namespace: temporalNamespace(), taskQueue, workflowType: 'customerLine', kind, outcome });
    const { samples: s, text } = await scrapeUntil((x) => lineOps(x, 'set-mode', 'needs-confirmation') !== undefined);
    const requests = (labels: Record<string, string>) => valueOf(s, 'trunk_exotel_requests_total', { account, ...labels });
    expect(requests({ endpoint: '/trunks', method: 'POST', status: '200' })).toBe(2);
    expect(requests({ endpoint: '/trunks/{trunk}/credentials', method: 'POST', status: '429' })).toBe(1);
    expect(valueOf(s, 'trunk_exotel_rate_limited_total', { account: 'acme_in' })).toBe(1);
    expect(valueOf(s, 'trunk_compensations_total', { resource: 'trunk', outcome: 'deleted' })).toBe(1);
    expect(valueOf(s, 'trunk_compensations_total', { resource: 'phone-number', outcome: 'deleted' })).toBe(1);
    // Retell's side: looked up, imported and read back for the setup, then for the added number.
    expect(valueOf(s, 'trunk_platform_requests_total', { provider: 'retell', activity: 'retellImportNumber', outcome: 'ok' })).toBe(2);
    expect(valueOf(s, 'trunk_platform_requests_total', { provider: 'retell', activity: 'retellGetNumber', outcome: 'ok' })).toBeGreaterThanOrEqual(2);
    expect(lineOps(s, 'add-dids', 'done')).toBe(1);
    expect(lineOps(s, 'set-mode', 'needs-confirmation')).toBe(1);
    // The SDK's own metrics on the same endpoint: one scrape target per process.
    expect(seriesOf(s, 'temporal_workflow_completed', { task_queue: taskQueue, workflow_type: 'outboundSetup' }).length).toBe(1);
    expect(seriesOf(s, 'temporal_workflow_task_schedule_to_start_latency_count', { task_queue: taskQueue }).length).toBeGreaterThan(0);
    for (const secret of [sim.account().apiToken, retell.apiKey, CODEC_ENV.TRUNK_CODEC_KEYS]) expect(text).not.toContain(secret);
  });
});
