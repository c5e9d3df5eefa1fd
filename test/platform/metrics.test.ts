// Metrics and health as a scraper and a probe see them: over real HTTP, from a real worker on the test server.
import { freePorts } from '../../scripts/dev-server';
import { join } from 'node:path';
import { bundleWorkflowCode, Worker, type WorkflowBundle } from '@temporalio/worker';
import type { Client } from '@temporalio/client';
import { createConnection } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadOpsConfig } from '../../platform/ops-config';
import { exotelEndpoint } from '../../platform/exotel-endpoint';
import { ProcessHealth, workerHealth } from '../../platform/health';
import { JsonLogger } from '../../platform/logger';
import { ProjectMetrics, PROVIDER_LABELS } from '../../platform/metrics';
import { SETUP_STATES } from '../../domain/search-attributes';
import { MetricsRegistry, PROMETHEUS_CONTENT_TYPE } from '../../platform/metrics-registry';
import { startOpsServer, type OpsServer } from '../../platform/ops-server';
import { installRuntimeTelemetry } from '../../platform/runtime-telemetry';
import { setupStateQuery, startSetupStateGauge } from '../../platform/setup-state-gauge';
import { connectNativeConnection, loadTemporalConnectConfig } from '../../platform/temporal-connection';
import { closeClient, connectClient, temporalAddress, temporalNamespace, uniqueTaskQueue, uniqueWorkflowId } from '../support/temporal';

const freePort = async (): Promise<number> => (await freePorts(1))[0]!;

async function get(url: string): Promise<{ status: number; type: string | null; body: string }> {
  const res = await fetch(url);
  return { status: res.status, type: res.headers.get('content-type'), body: await res.text() };
}

describe('the registry', () => {
  it('renders counters, gauges and histograms in the Prometheus text format', () => {
    const r = new MetricsRegistry();
    r.counter('jobs_total', 'Jobs.\nDone', ['kind']).inc({ kind: 'a "quoted"\\kind' }, 2);
    r.gauge('queue_depth', 'Depth.').set({}, 7);
    const h = r.histogram('latency_seconds', 'Latency.', ['op'], [0.1, 1]);
    h.observe({ op: 'x' }, 0.05);
    h.observe({ op: 'x' }, 0.5);
    h.observe({ op: 'x' }, 3);
    expect(r.render()).toBe(
      [
        '# HELP jobs_total Jobs.\\nDone',
        '# TYPE jobs_total counter',
        'jobs_total{kind="a \\"quoted\\"\\\\kind"} 2',
        '# HELP queue_depth Depth.',
        '# TYPE queue_depth gauge',
        'queue_depth 7',
        '# HELP latency_seconds Latency.',
        '# TYPE latency_seconds histogram',
        'latency_seconds_bucket{op="x",le="0.1"} 1',
        'latency_seconds_bucket{op="x",le="1"} 2',
        'latency_seconds_bucket{op="x",le="+Inf"} 3',
        'latency_seconds_sum{op="x"} 3.55',
        'latency_seconds_count{op="x"} 3',
        '',
      ].join('\n'),
    );
  });

  it('refuses wrong labels, bad names, duplicates and counters going down', () => {
    const r = new MetricsRegistry();
    const c = r.counter('a_total', 'A.', ['x']);
    expect(() => c.inc({})).toThrow('a_total takes labels x, got (none)');
    expect(() => c.inc({ x: '1', y: '2' })).toThrow('takes labels x');
    expect(() => c.inc({ x: '1' }, -1)).toThrow('only goes up');
    expect(() => r.counter('a_total', 'again')).toThrow('already registered');
    expect(() => r.counter('bad-name', 'B.')).toThrow('not a Prometheus name');
    expect(() => r.histogram('h', 'H.', ['le'], [1])).toThrow('reserved');
  });
});

describe('drift metrics', () => {
  it('count scans and reads per account and keep the last scan\'s differences by kind', () => {
    const metrics = new ProjectMetrics(new MetricsRegistry());
    metrics.recordDriftScan({ account: 'acme_in', durationSeconds: 42, reads: 31, byKind: { missing: 2, extra: 1 }, driftedLines: 2 });
    metrics.recordDriftScan({ account: 'acme_in', durationSeconds: 40, reads: 31, byKind: { missing: 1 }, driftedLines: 1 });
    metrics.recordDriftScan({ account: 'x y', durationSeconds: 1, reads: 1, byKind: {}, driftedLines: 0 });
    const text = metrics.registry.render();
    expect(text).toContain('trunk_drift_scans_total{account="acme_in"} 2');
    expect(text).toContain('trunk_drift_reads_total{account="acme_in"} 62');
    expect(text).toContain('trunk_drift_differences{account="acme_in",kind="missing"} 1');
    expect(text).toContain('trunk_drift_differences{account="acme_in",kind="extra"} 0');
    expect(text).toContain('trunk_drift_drifted_lines{account="acme_in"} 1');
    expect(text).toContain('trunk_drift_scans_total{account="unknown"} 1');
  });
});

describe('Exotel endpoint labels', () => {
  it.each([
    ['/trunks', '/trunks'],
    ['/trunks/trmum1abc/phone-numbers', '/trunks/{trunk}/phone-numbers'],
    ['/trunks/trmum1abc/phone-numbers/pn_7', '/trunks/{trunk}/phone-numbers/{id}'],
    ['/trunks/trsgp1x/whitelisted-ips?id=9', '/trunks/{trunk}/whitelisted-ips'],
    ['/v2/accounts/acme_in/trunks/trmum1abc/destination-uris/d1', '/trunks/{trunk}/destination-uris/{id}'],
    ['/trunks/t/credentials', '/trunks/{trunk}/credentials'],
    ['/trunks/t/settings', '/trunks/{trunk}/settings'],
    // Whatever is not the API's shape never reaches a label as it is.
    ['/trunks/t/+919800000001/x', '/trunks/{trunk}/{unknown}/{id}'],
    ['/', '/'],
  ])('%s → %s', (path, endpoint) => {
    expect(exotelEndpoint(path)).toBe(endpoint);
  });
});

describe('/metrics and /healthz over HTTP', () => {
  const metrics = new ProjectMetrics();
  const health = new ProcessHealth();
  let server: OpsServer;

  beforeAll(async () => {
    server = await startOpsServer({ port: 0, host: '127.0.0.1', registry: metrics.registry, health });
  });
  afterAll(() => server.close());

  it('listens on loopback unless OPS_HOST says otherwise', async () => {
    const quiet = await startOpsServer({ port: 0, registry: metrics.registry, health });
    try {
      expect(new URL(quiet.url).hostname).toBe('127.0.0.1');
      const open = createConnection({ port: quiet.port, host: '127.0.0.1' });
      await new Promise((resolve, reject) => open.once('connect', resolve).once('error', reject));
      open.destroy();
    } finally {
      await quiet.close();
    }
    expect(loadOpsConfig({ OPS_PORT: '9090', OPS_HOST: '0.0.0.0' })).toMatchObject({ opsPort: 9090, opsHost: '0.0.0.0' });
    expect(() => loadOpsConfig({ OPS_HOST: 'not a host' })).toThrow(/OPS_HOST = "not a host": must be a host name or address/);
  });

  it('shows Exotel requests by endpoint and status, 429s per account, compensations and setup starts', async () => {
    metrics.recordExotelRequest({ method: 'POST', path: '/trunks', status: 200, durationMs: 120, accountSid: 'acme_in' });
    metrics.recordExotelRequest({ method: 'POST', path: '/trunks/trmum1a/phone-numbers', status: 429, durationMs: 40, accountSid: 'acme_in' });
    metrics.recordExotelRequest({ method: 'POST', path: '/trunks/trmum1b/phone-numbers', status: 429, durationMs: 40, accountSid: 'acme_in' });
    metrics.recordExotelRequest({ method: 'GET', path: '/trunks/trmum1b/phone-numbers', status: 'network-error', durationMs: 10000 });
    metrics.recordExotelRequest({ method: 'delete', path: '/trunks/trmum1b/phone-numbers/77', status: 404, accountSid: 'not a sid!' });
    metrics.recordExotelRequest({ method: 'DELETE', path: '/trunks/x', status: 429 });
    metrics.recordCompensation({ resource: 'trunk', outcome: 'deleted' });
    metrics.recordCompensation({ resource: 'phone-number', outcome: 'already-gone' });
    metrics.recordCompensation({ resource: 'phone-number', outcome: 'already-gone' });
    metrics.recordSetupStart({ direction: 'outbound', provider: 'livekit', outcome: 'started' });
    metrics.recordSetupStart({ direction: 'inbound', outcome: 'already-succeeded' });
    metrics.recordSetupStart({ direction: 'inbound', provider: 'made-up', outcome: 'started' });

    const { status, type, body } = await get(`${server.url}/metrics`);
    expect(status).toBe(200);
    expect(type).toBe(PROMETHEUS_CONTENT_TYPE);
    const lines = body.split('\n');
    expect(lines).toEqual(
      expect.arrayContaining([
        '# TYPE trunk_exotel_requests_total counter',
        'trunk_exotel_requests_total{endpoint="/trunks",method="POST",status="200"} 1',
        'trunk_exotel_requests_total{endpoint="/trunks/{trunk}/phone-numbers",method="POST",status="429"} 2',
        'trunk_exotel_requests_total{endpoint="/trunks/{trunk}/phone-numbers",method="GET",status="network-error"} 1',
        'trunk_exotel_requests_total{endpoint="/trunks/{trunk}/phone-numbers/{id}",method="DELETE",status="404"} 1',
        'trunk_exotel_request_duration_seconds_bucket{endpoint="/trunks",method="POST",le="0.25"} 1',
        'trunk_exotel_request_duration_seconds_bucket{endpoint="/trunks",method="POST",le="0.1"} 0',
        'trunk_exotel_request_duration_seconds_count{endpoint="/trunks/{trunk}/phone-numbers",method="POST"} 2',
        'trunk_exotel_rate_limited_total{account="acme_in"} 2',
        'trunk_exotel_rate_limited_total{account="unknown"} 1',
        'trunk_compensations_total{resource="trunk",outcome="deleted"} 1',
        'trunk_compensations_total{resource="phone-number",outcome="already-gone"} 2',
        'trunk_setup_starts_total{direction="outbound",provider="livekit",outcome="started"} 1',
        'trunk_setup_starts_total{direction="inbound",provider="unspecified",outcome="already-succeeded"} 1',
        'trunk_setup_starts_total{direction="inbound",provider="other",outcome="started"} 1',
      ]),
    );
    // No trunk sid, number id or account that is not a sid ever becomes a label value.
    expect(body).not.toMatch(/trmum1|"77"|not a sid/);
  });

  it('answers /healthz 503 while starting, 200 while serving, 503 while draining and after', async () => {
    health.set('starting');
    expect(await get(`${server.url}/healthz`)).toMatchObject({ status: 503, body: '{"status":"starting"}\n' });
    health.set('serving');
    expect(await get(`${server.url}/healthz`)).toMatchObject({ status: 200, body: '{"status":"serving"}\n' });
    health.set('draining');
    expect(await get(`${server.url}/healthz`)).toMatchObject({ status: 503, body: '{"status":"draining"}\n' });
    health.set('stopped');
    expect((await get(`${server.url}/healthz`)).status).toBe(503);
  });

  it('answers 404 elsewhere and 405 to anything but GET', async () => {
    expect((await get(`${server.url}/`)).status).toBe(404);
    expect((await fetch(`${server.url}/metrics`, { method: 'POST' })).status).toBe(405);
  });
});

describe('setups by state and provider, from visibility', () => {
  it('sets one gauge per state and provider, and "other" for what the catalog lacks', async () => {
    const metrics = new ProjectMetrics();
    const queries: string[] = [];
    const counts: Record<string, number> = {
      [setupStateQuery('awaiting-ops')]: 5,
      [setupStateQuery('awaiting-ops', 'livekit')]: 3,
      [setupStateQuery('awaiting-ops', 'unspecified')]: 1,
    };
    const gauge = startSetupStateGauge({ metrics, intervalMs: 3_600_000, count: async (q) => (queries.push(q), counts[q] ?? 0) });
    await gauge.refresh();
    gauge.stop();
    const text = metrics.registry.render();
    expect(text).toContain('trunk_setups{state="awaiting-ops",provider="livekit"} 3');
    expect(text).toContain('trunk_setups{state="awaiting-ops",provider="unspecified"} 1');
    expect(text).toContain('trunk_setups{state="awaiting-ops",provider="other"} 1');
    expect(text).toContain('trunk_setups{state="running",provider="retell"} 0');
    // Two concurrent refreshes (the timer and a caller) share one round of counts.
    expect(queries).toHaveLength(SETUP_STATES.length * (PROVIDER_LABELS.length + 1));
  });

  it('its queries are valid visibility queries on a real server', async () => {
    const client = await connectClient();
    try {
      for (const q of [setupStateQuery('awaiting-ops'), setupStateQuery('rolled-back', 'livekit')]) {
        expect((await client.workflow.count(q)).count).toBeGreaterThanOrEqual(0);
      }
    } finally {
      await closeClient(client);
    }
  });
});

describe('the SDK runtime: its metrics and logs from a real worker', () => {
  let sdkMetricsUrl: string;
  const logLines: string[] = [];
  let bundle: WorkflowBundle;
  let client: Client;

  beforeAll(async () => {
    const port = await freePort();
    sdkMetricsUrl = `http://127.0.0.1:${port}/metrics`;
    installRuntimeTelemetry({ metricsBindAddress: `127.0.0.1:${port}`, logger: new JsonLogger({ level: 'INFO', write: (line) => logLines.push(line) }) });
    bundle = await bundleWorkflowCode({ workflowsPath: join(__dirname, 'fixtures', 'hello-workflow.ts'), logger: new JsonLogger({ level: 'ERROR' }) });
    client = await connectClient();
  });
  afterAll(() => closeClient(client));

  it('exposes the SDK metrics of a worker that ran a workflow, and /healthz follows the worker through shutdown', async () => {
    const connection = await connectNativeConnection(loadTemporalConnectConfig({ TEMPORAL_ADDRESS: temporalAddress(), TEMPORAL_NAMESPACE: temporalNamespace(), HOME: '/nonexistent' }));
    const taskQueue = uniqueTaskQueue('deploy-metrics');
    const worker = await Worker.create({
      connection,
      namespace: temporalNamespace(),
      taskQueue,
      workflowBundle: bundle,
      activities: { greet: async (name: string) => `hello ${name}` },
    });
    const ops = await startOpsServer({ port: 0, host: '127.0.0.1', registry: new MetricsRegistry(), health: workerHealth(worker) });
    try {
      expect((await get(`${ops.url}/healthz`)).body).toBe('{"status":"starting"}\n');
      const running = worker.run();
      const result = await client.workflow.execute<(name: string) => Promise<string>>('hello', { taskQueue, workflowId: uniqueWorkflowId('deploy-metrics'), args: ['acme-42'] });
      expect(result).toBe('hello acme-42');
      expect(await get(`${ops.url}/healthz`)).toMatchObject({ status: 200, body: '{"status":"serving"}\n' });
      // The Runtime is a singleton: installing it again while it serves a worker is a mistake, said plainly.
      expect(() => installRuntimeTelemetry()).toThrow('must run once, before any NativeConnection or Worker is created');

      const { status, body } = await get(sdkMetricsUrl);
      expect(status).toBe(200);
      const ours = body.split('\n').filter((l) => l.includes(`task_queue="${taskQueue}"`));
      expect(ours.some((l) => /^temporal_workflow_completed\{/.test(l))).toBe(true);
      expect(ours.some((l) => /^temporal_activity_execution_latency/.test(l))).toBe(true);

      worker.shutdown();
      const draining = (await get(`${ops.url}/healthz`)).status;
      await running;
      expect(draining).toBe(503);
      expect(await get(`${ops.url}/healthz`)).toMatchObject({ status: 503, body: '{"status":"stopped"}\n' });
    } finally {
      await ops.close();
      await connection.close();
    }

    // The SDK's own logs (worker lifecycle, the workflow's log.info) arrived as JSON lines with their context.
    const entries = logLines.map((l) => JSON.parse(l) as Record<string, unknown>);
    const greeting = entries.find((e) => e.message === 'greeting');
    expect(greeting).toMatchObject({ level: 'INFO', customerId: 'acme-42', workflowType: 'hello', taskQueue });
    expect(entries.some((e) => e.taskQueue === taskQueue && typeof e.time === 'string')).toBe(true);
  });
});
