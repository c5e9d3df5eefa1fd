// Secrets stay secret: with payload encryption on, no SIP password, Exotel API token or key reaches a workflow
// history, the worker's output or trunkctl's output (unless --reveal is asked for).
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { historyToJSON } from '@temporalio/common/lib/proto-utils';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dataConverterFor } from '../../codec/data-converter';
import { generateKey, loadKeyring } from '../../codec/keyring';
import type { OutboundSetupResult } from '../../domain/setup-result';
import { setupWorkflowId } from '../../domain/naming';
import { buildWorkflowBundle } from '../../scripts/build-workflow-bundle';
import { WorkerProcess } from '../../scripts/chaos/worker-process';
import { startTestSimulator, type TestSimulator } from '../support/simulator';
import { temporalAddress, temporalNamespace, uniqueTaskQueue } from '../support/temporal';
import { trunkctl } from '../support/trunkctl';

const KEY = generateKey();
const CODEC_ENV = { TRUNK_CODEC_KEYS: JSON.stringify({ k1: KEY }) };
let sim: TestSimulator;
let worker: WorkerProcess;
let plain: Client;
const taskQueue = uniqueTaskQueue('secrets');

beforeAll(async () => {
  sim = await startTestSimulator();
  const bundle = await buildWorkflowBundle(join(mkdtempSync(join(tmpdir(), 'secrets-')), 'bundle.js'), { quiet: true });
  worker = new WorkerProcess({
    temporalAddress: temporalAddress(),
    namespace: temporalNamespace(),
    taskQueue,
    accounts: [sim.account()],
    workflowBundlePath: bundle,
    env: { ...CODEC_ENV, WORKER_MODE: 'production', TEMPORAL_LOG_LEVEL: 'DEBUG' },
  });
  worker.start();
  plain = new Client({ connection: await Connection.connect({ address: temporalAddress() }), namespace: temporalNamespace() });
}, 120_000);
afterAll(async () => {
  await worker.stop();
  await plain.connection.close();
  await sim.close();
});

const run = (args: string[], env: Record<string, string> = CODEC_ENV) => trunkctl(args, { taskQueue, env });

describe('secrets', () => {
  it('keeps the SIP password, the Exotel token and the codec key out of histories, worker logs and CLI output', { timeout: 120_000 }, async () => {
    const customerId = `secrets-${Date.now()}`;
    const account = sim.account().accountSid;
    const started = await run(['outbound', '--customer', customerId, '--account', account, '--did', '+919866600001', '--wait', '--json']);
    expect(started.code, started.stderr + started.stdout).toBe(0);
    const masked = JSON.parse(started.stdout) as { result: { sipPassword: string; sipUserName: string } };
    expect(masked.result.sipPassword).toMatch(/^\*+ \(use --reveal to show\)$/);

    // The password the workflow really holds, read with the keys: the string the checks below look for.
    const keyed = new Client({ connection: plain.connection, namespace: temporalNamespace(), dataConverter: dataConverterFor(loadKeyring(CODEC_ENV)) });
    const password = ((await keyed.workflow.getHandle(setupWorkflowId('outbound', customerId)).result()) as OutboundSetupResult).sipPassword;
    expect(password).toMatch(/^[A-Za-z0-9]{24,}$/);
    const revealed = await run(['outbound', '--customer', customerId, '--account', account, '--did', '+919866600001', '--wait', '--json', '--reveal']);
    expect((JSON.parse(revealed.stdout) as { result: { sipPassword: string } }).result.sipPassword).toBe(password);

    const inbound = await run(['inbound', '--customer', customerId, '--account', account, '--did', '+919866600002', '--destination', 'acme.sip.livekit.cloud:5061;transport=tls', '--wait']);
    expect(inbound.code, inbound.stderr).toBe(0);

    const secrets = [password, sim.account().apiToken, KEY];
    const histories = await Promise.all(
      (['outbound', 'inbound'] as const).map(async (d) => historyToJSON(await plain.workflow.getHandle(setupWorkflowId(d, customerId)).fetchHistory())),
    );
    const shown = await run(['show', customerId]);
    const listed = await run(['list', '--json']);
    const everything = {
      histories: histories.join('\n'),
      'worker output': worker.printed(),
      'trunkctl output': [started, inbound, shown, listed].map((r) => r.stdout + r.stderr).join('\n'),
      'simulator request log': JSON.stringify(await sim.admin.requests()),
    };
    for (const [where, text] of Object.entries(everything)) {
      for (const secret of secrets) expect(text.includes(secret), `a secret appears in the ${where}`).toBe(false);
    }
    // The histories do hold the setup, encrypted.
    expect(everything.histories).toContain(Buffer.from('binary/encrypted').toString('base64'));
  });

  it('refuses to start a production worker without keys', { timeout: 60_000 }, async () => {
    const bare = new WorkerProcess({
      temporalAddress: temporalAddress(),
      namespace: temporalNamespace(),
      taskQueue: uniqueTaskQueue('nokeys'),
      accounts: [sim.account()],
      workflowBundlePath: 'unused.js',
      env: { WORKER_MODE: 'production', TRUNK_CODEC_KEYS: '' },
    });
    const exit = await bare.runToExit();
    expect(exit).not.toBe(0);
    expect(bare.printed()).toContain('payload encryption is required');
  });

  it('tells a process without the keys which variable to set, instead of "Unknown encoding"', { timeout: 120_000 }, async () => {
    const customerId = `nokeys-${Date.now()}`;
    const account = sim.account().accountSid;
    const started = await run(['outbound', '--customer', customerId, '--account', account, '--did', '+919866600011', '--wait']);
    expect(started.code, started.stderr).toBe(0);
    for (const args of [['show', customerId, '--direction', 'outbound'], ['outbound', '--customer', customerId, '--account', account, '--did', '+919866600011', '--wait']]) {
      const withoutKeys = await run(args, {});
      expect(withoutKeys.code, withoutKeys.stdout).toBe(1);
      expect(withoutKeys.stderr).toContain('this process has no codec keys: set TRUNK_CODEC_KEYS (or TRUNK_CODEC_KEYS_FILE)');
      expect(withoutKeys.stderr).not.toContain('Unknown encoding');
    }
  });
});
