// /healthz of a real worker whose Temporal server goes away and comes back: a dev server of this file's own, stopped
// and started again on the same port, a real SDK Worker on it, the ops server over HTTP, the reachability check at a
// quarter second instead of ten.
import { join } from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { bundleWorkflowCode, Worker, type NativeConnection } from '@temporalio/worker';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { workerHealth } from '../../platform/health';
import { JsonLogger } from '../../platform/logger';
import { startOpsServer, type OpsServer } from '../../platform/ops-server';
import { installRuntimeTelemetry } from '../../platform/runtime-telemetry';
import { connectNativeConnection, loadTemporalConnectConfig } from '../../platform/temporal-connection';
import { startReachabilityCheck, type ServerReachability } from '../../platform/temporal-reachability';
import { freePorts, startDevServer, type DevServer } from '../../scripts/dev-server';
import { uniqueTaskQueue, uniqueWorkflowId } from '../support/temporal';

// Sent as a gRPC header on every call of the worker's connection, as an API key would be: no log line may show it.
const SECRET = 'hdr-secret-7f3a9c';
const logLines: string[] = [];
const logger = new JsonLogger({ level: 'INFO', write: (line) => logLines.push(line) });
let port: number;
let server: DevServer | undefined;

beforeAll(async () => {
  await installRuntimeTelemetry({ logger });
  [port] = (await freePorts(1)) as [number];
  server = await startDevServer({ port, uiPort: false });
});
afterAll(() => server?.stop());

async function healthz(ops: OpsServer): Promise<{ status: number; body: string }> {
  const res = await fetch(`${ops.url}/healthz`);
  return { status: res.status, body: await res.text() };
}

/** /healthz once it says `status`, or as it last was after `ms` (the assertion that follows shows which). */
async function healthzOnce(ops: OpsServer, status: string, ms = 20_000): Promise<{ status: number; body: string }> {
  const until = Date.now() + ms;
  for (;;) {
    const answer = await healthz(ops);
    if (answer.body === `${JSON.stringify({ status })}\n` || Date.now() > until) return answer;
    await new Promise((r) => setTimeout(r, 100));
  }
}

async function hello(address: string, taskQueue: string): Promise<string> {
  const connection = await Connection.connect({ address });
  try {
    const client = new Client({ connection });
    return await client.workflow.execute<(name: string) => Promise<string>>('hello', { taskQueue, workflowId: uniqueWorkflowId('reachability'), args: ['acme-7'] });
  } finally {
    await connection.close();
  }
}

describe('/healthz and the Temporal server', () => {
  it('says serving, unreachable while the server is gone (the worker still RUNNING), and serving again once a new one answers on the port', { timeout: 60_000 }, async () => {
    const address = server!.address;
    const bundle = await bundleWorkflowCode({ workflowsPath: join(__dirname, 'fixtures', 'hello-workflow.ts'), logger: new JsonLogger({ level: 'ERROR' }) });
    const connection: NativeConnection = await connectNativeConnection(
      loadTemporalConnectConfig({ TEMPORAL_ADDRESS: address, TEMPORAL_NAMESPACE: 'default', TEMPORAL_GRPC_META_X_TRUNK_TEST: SECRET, HOME: '/nonexistent' }),
    );
    const taskQueue = uniqueTaskQueue('reachability');
    const worker = await Worker.create({ connection, namespace: 'default', taskQueue, workflowBundle: bundle, activities: { greet: async (name: string) => `hello ${name}` } });
    let reachability: ServerReachability | undefined;
    let ops: OpsServer | undefined;
    let running: Promise<void> | undefined;
    try {
      reachability = startReachabilityCheck({ connection, intervalMs: 250, timeoutMs: 1_000, unreachableAfterMs: 2_000, logger, serverName: address });
      ops = await startOpsServer({ port: 0, host: '127.0.0.1', metrics: async () => ({ contentType: 'text/plain', body: '' }), health: workerHealth(worker, reachability) });
      expect(await healthz(ops)).toEqual({ status: 503, body: '{"status":"starting"}\n' });
      running = worker.run();
      expect(await hello(address, taskQueue)).toBe('hello acme-7');
      expect(await healthz(ops)).toEqual({ status: 200, body: '{"status":"serving"}\n' });

      await server!.stop();
      expect(await healthzOnce(ops, 'unreachable')).toEqual({ status: 503, body: '{"status":"unreachable"}\n' });
      // What /healthz said before this change: the SDK keeps the worker RUNNING while its polls fail.
      expect(worker.getState()).toBe('RUNNING');

      server = await startDevServer({ port, uiPort: false });
      expect(await healthzOnce(ops, 'serving')).toEqual({ status: 200, body: '{"status":"serving"}\n' });
      // The same worker polls the new server: serving means work gets done again.
      expect(worker.getState()).toBe('RUNNING');
      expect(await hello(address, taskQueue)).toBe('hello acme-7');

      worker.shutdown();
      await running;
      expect(await healthz(ops)).toEqual({ status: 503, body: '{"status":"stopped"}\n' });
    } finally {
      reachability?.stop();
      await ops?.close();
      if (worker.getState() === 'RUNNING') worker.shutdown();
      await running?.catch(() => undefined);
      await connection.close();
    }

    // Told once each way, with the address and the gRPC error, never the connection's headers.
    const ours = logLines.map((l) => JSON.parse(l) as { level: string; message: string }).filter((e) => e.message.includes(`Temporal server at ${address}`));
    expect(ours.map((e) => e.level)).toEqual(['WARN', 'INFO']);
    expect(ours[0]!.message).toMatch(/has not answered for \d+ s \(.+\): \/healthz says unreachable$/);
    expect(ours[1]!.message).toContain('answers again');
    expect(logLines.join('\n')).not.toContain(SECRET);
  });
});
