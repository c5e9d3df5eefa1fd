// The production worker, as deployed: its own process with OPS_PORT, a prebuilt bundle and keys. After real setups
// (one rolled back), /metrics shows the Exotel requests, the 429 and the compensations, and /healthz says serving.
import { freePorts } from '../../scripts/dev-server';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateKey } from '../../codec/keyring';
import { buildWorkflowBundle } from '../../scripts/build-workflow-bundle';
import { WorkerProcess } from '../../scripts/chaos/worker-process';
import { startTestSimulator, type TestSimulator } from '../support/simulator';
import { temporalAddress, temporalNamespace, uniqueTaskQueue } from '../support/temporal';
import { trunkctl } from '../support/trunkctl';

const CODEC_ENV = { TRUNK_CODEC_KEYS: JSON.stringify({ k1: generateKey() }) };
let sim: TestSimulator;
let worker: WorkerProcess;
let opsPort: number;
const taskQueue = uniqueTaskQueue('metrics');

const freePort = async (): Promise<number> => (await freePorts(1))[0]!;

beforeAll(async () => {
  sim = await startTestSimulator();
  opsPort = await freePort();
  const bundle = await buildWorkflowBundle(join(mkdtempSync(join(tmpdir(), 'metrics-')), 'bundle.js'), { quiet: true });
  worker = new WorkerProcess({
    temporalAddress: temporalAddress(),
    namespace: temporalNamespace(),
    taskQueue,
    accounts: [sim.account()],
    workflowBundlePath: bundle,
    env: { ...CODEC_ENV, WORKER_MODE: 'production', OPS_PORT: String(opsPort) },
  });
  worker.start();
}, 120_000);
afterAll(async () => {
  await worker.stop();
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

describe('a production worker', () => {
  it('counts Exotel requests, 429s and compensations on /metrics, and is healthy', { timeout: 120_000 }, async () => {
    const account = sim.account().accountSid;
    const run = (args: string[]) => trunkctl(args, { taskQueue, env: CODEC_ENV });
    await sim.admin.addFault({ method: 'POST', path: '/credentials$', kind: 'status', status: 429, retryAfterSeconds: 1 });
    const ok = await run(['outbound', '--customer', `metrics-ok-${Date.now()}`, '--account', account, '--did', '+919888800001', '--wait']);
    expect(ok.code, ok.stderr + ok.stdout).toBe(0);
    await sim.admin.addFault({ method: 'POST', path: '/credentials$', kind: 'status', status: 400 });
    const failed = await run(['outbound', '--customer', `metrics-fail-${Date.now()}`, '--account', account, '--did', '+919888800002', '--ops-timeout', '0', '--wait']);
    expect(failed.code).toBe(1);

    const health = await scrape('/healthz');
    expect(health.status).toBe(200);
    const { text } = await scrape('/metrics');
    expect(text).toMatch(/trunk_exotel_requests_total\{endpoint="\/trunks",method="POST",status="200"\} 2/);
    expect(text).toMatch(/trunk_exotel_requests_total\{endpoint="\/trunks\/\{trunk\}\/credentials",method="POST",status="429"\} 1/);
    expect(text).toMatch(/trunk_exotel_rate_limited_total\{account="acme_in"\} 1/);
    expect(text).toMatch(/trunk_compensations_total\{resource="trunk",outcome="deleted"\} 1/);
    expect(text).toMatch(/trunk_compensations_total\{resource="phone-number",outcome="deleted"\} 1/);
    for (const secret of [sim.account().apiToken, CODEC_ENV.TRUNK_CODEC_KEYS]) expect(text).not.toContain(secret);
  });
});
