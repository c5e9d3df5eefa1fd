// Metrics and health as a scraper and a probe see them: over real HTTP, through the SDK runtime's Prometheus exporter
// (the one path for the project's metrics and the SDK's), from a real worker on the test server.
import { freePorts } from '../../scripts/dev-server';
import { join } from 'node:path';
import { bundleWorkflowCode, Worker, type WorkflowBundle } from '@temporalio/worker';
import type { Client } from '@temporalio/client';
import { createConnection } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { activityInterceptors } from '../../activities/interceptor';
import { createVoiceAiActivities, platformOfActivity } from '../../activities/voice-ai-requests';
import { loadOpsConfig } from '../../platform/ops-config';
import { exotelEndpoint } from '../../platform/exotel-endpoint';
import { ProcessHealth, workerHealth } from '../../platform/health';
import { JsonLogger } from '../../platform/logger';
import { ProjectMetrics, PROVIDER_LABELS, recordExotelRequest } from '../../platform/metrics';
import { SETUP_STATES } from '../../domain/search-attributes';
import { startOpsServer, type OpsServer } from '../../platform/ops-server';
import { installRuntimeTelemetry, type RuntimeTelemetry } from '../../platform/runtime-telemetry';
import { setupStateQuery, startSetupStateGauge } from '../../platform/setup-state-gauge';
import { connectNativeConnection, loadTemporalConnectConfig } from '../../platform/temporal-connection';
import { startRetellStandIn } from '../../simulator/voice-ai';
import { PlatformAccounts } from '../../voice-ai/accounts';
import { parseExposition, seriesOf, valueOf, type Sample } from '../support/prometheus';
import { closeClient, connectClient, temporalAddress, temporalNamespace, uniqueTaskQueue, uniqueWorkflowId } from '../support/temporal';

async function get(url: string): Promise<{ status: number; type: string | null; body: string }> {
  const res = await fetch(url);
  return { status: res.status, type: res.headers.get('content-type'), body: await res.text() };
}

// One Runtime per process: installed once for the file, as worker/main.ts does, before any connection.
let telemetry: RuntimeTelemetry;
const logLines: string[] = [];
const health = new ProcessHealth();
let server: OpsServer;

beforeAll(async () => {
  telemetry = await installRuntimeTelemetry({ metrics: true, logger: new JsonLogger({ level: 'INFO', write: (line) => logLines.push(line) }) });
  server = await startOpsServer({ port: 0, host: '127.0.0.1', metrics: telemetry.scrape!, health });
});
afterAll(() => server?.close());

async function scrape(): Promise<Sample[]> {
  const { status, body } = await get(`${server.url}/metrics`);
  expect(status).toBe(200);
  return parseExposition(body);
}

/** Metrics of one test: the same exporter, told apart by a `test` label. */
const metricsFor = (test: string) => new ProjectMetrics(telemetry.runtime.metricMeter.withTags({ test }));

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

describe("the project's metrics on /metrics, through the SDK's exporter", () => {
  it('shows Exotel requests by account, endpoint and status, their duration in the project\'s buckets, 429s per account, compensations and setup starts', async () => {
    const metrics = metricsFor('exotel');
    metrics.recordExotelRequest({ method: 'POST', path: '/trunks', status: 200, durationMs: 120, accountSid: 'acme_in' });
    metrics.recordExotelRequest({ method: 'POST', path: '/trunks/trmum1a/phone-numbers', status: 429, durationMs: 40, accountSid: 'acme_in' });
    metrics.recordExotelRequest({ method: 'POST', path: '/trunks/trmum1b/phone-numbers', status: 429, durationMs: 40, accountSid: 'acme_in' });
    metrics.recordExotelRequest({ method: 'GET', path: '/trunks/trmum1b/phone-numbers', status: 'network-error', durationMs: 10000, accountSid: 'acme_in' });
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
    expect(type).toMatch(/^text\/plain; version=0\.0\.4/);
    expect(body).toContain('# TYPE trunk_exotel_requests_total counter');
    expect(body).toContain('# TYPE trunk_exotel_request_duration_seconds histogram');
    const s = parseExposition(body);
    const t = { test: 'exotel' };
    const requests = (labels: Record<string, string>) => valueOf(s, 'trunk_exotel_requests_total', { ...t, ...labels });
    expect(requests({ account: 'acme_in', endpoint: '/trunks', method: 'POST', status: '200' })).toBe(1);
    expect(requests({ account: 'acme_in', endpoint: '/trunks/{trunk}/phone-numbers', method: 'POST', status: '429' })).toBe(2);
    expect(requests({ account: 'acme_in', endpoint: '/trunks/{trunk}/phone-numbers', method: 'GET', status: 'network-error' })).toBe(1);
    expect(requests({ account: 'unknown', endpoint: '/trunks/{trunk}/phone-numbers/{id}', method: 'DELETE', status: '404' })).toBe(1);
    // The buckets are the project's (seconds), not the exporter's default ones.
    const buckets = seriesOf(s, 'trunk_exotel_request_duration_seconds_bucket', { ...t, endpoint: '/trunks', method: 'POST' });
    expect(buckets.map((b) => b.labels.le)).toEqual(['0.025', '0.05', '0.1', '0.25', '0.5', '1', '2.5', '5', '10', '30', '+Inf']);
    expect(buckets.find((b) => b.labels.le === '0.1')?.value).toBe(0);
    expect(buckets.find((b) => b.labels.le === '0.25')?.value).toBe(1);
    expect(valueOf(s, 'trunk_exotel_request_duration_seconds_count', { ...t, endpoint: '/trunks/{trunk}/phone-numbers', method: 'POST' })).toBe(2);
    expect(valueOf(s, 'trunk_exotel_request_duration_seconds_sum', { ...t, endpoint: '/trunks/{trunk}/phone-numbers', method: 'GET' })).toBe(10);
    expect(valueOf(s, 'trunk_exotel_rate_limited_total', { ...t, account: 'acme_in' })).toBe(2);
    expect(valueOf(s, 'trunk_exotel_rate_limited_total', { ...t, account: 'unknown' })).toBe(1);
    expect(valueOf(s, 'trunk_compensations_total', { ...t, resource: 'trunk', outcome: 'deleted' })).toBe(1);
    expect(valueOf(s, 'trunk_compensations_total', { ...t, resource: 'phone-number', outcome: 'already-gone' })).toBe(2);
    expect(valueOf(s, 'trunk_setup_starts_total', { ...t, direction: 'outbound', provider: 'livekit', outcome: 'started' })).toBe(1);
    expect(valueOf(s, 'trunk_setup_starts_total', { ...t, direction: 'inbound', provider: 'unspecified', outcome: 'already-succeeded' })).toBe(1);
    expect(valueOf(s, 'trunk_setup_starts_total', { ...t, direction: 'inbound', provider: 'other', outcome: 'started' })).toBe(1);
    // No trunk sid, number id or account that is not a sid ever becomes a label value.
    expect(body).not.toMatch(/trmum1|"77"|not a sid/);
  });

  it('counts platform requests by provider, activity and outcome, with anything unknown as other or error', async () => {
    const metrics = metricsFor('platform');
    metrics.recordPlatformRequest({ provider: 'retell', activity: 'retellImportNumber', outcome: 'ok', durationMs: 300 });
    metrics.recordPlatformRequest({ provider: 'retell', activity: 'retellImportNumber', outcome: 'rate-limited', durationMs: 20 });
    metrics.recordPlatformRequest({ provider: 'made-up' as never, activity: 'sk_live_123 +919800000001', outcome: 'nonsense' as never });
    const s = await scrape();
    const t = { test: 'platform' };
    expect(valueOf(s, 'trunk_platform_requests_total', { ...t, provider: 'retell', activity: 'retellImportNumber', outcome: 'ok' })).toBe(1);
    expect(valueOf(s, 'trunk_platform_requests_total', { ...t, provider: 'retell', activity: 'retellImportNumber', outcome: 'rate-limited' })).toBe(1);
    expect(valueOf(s, 'trunk_platform_requests_total', { ...t, provider: 'other', activity: 'other', outcome: 'error' })).toBe(1);
    expect(valueOf(s, 'trunk_platform_request_duration_seconds_count', { ...t, provider: 'retell', activity: 'retellImportNumber' })).toBe(2);
  });

  it('counts drift scans and reads per account and keeps the last scan\'s differences by kind', async () => {
    const metrics = metricsFor('drift');
    metrics.recordDriftScan({ account: 'acme_in', durationSeconds: 42, reads: 31, byKind: { missing: 2, extra: 1 }, driftedLines: 2 });
    metrics.recordDriftScan({ account: 'acme_in', durationSeconds: 40, reads: 31, byKind: { missing: 1 }, driftedLines: 1 });
    metrics.recordDriftScan({ account: 'x y', durationSeconds: 1, reads: 1, byKind: {}, driftedLines: 0 });
    const s = await scrape();
    const t = { test: 'drift' };
    expect(valueOf(s, 'trunk_drift_scans_total', { ...t, account: 'acme_in' })).toBe(2);
    expect(valueOf(s, 'trunk_drift_reads_total', { ...t, account: 'acme_in' })).toBe(62);
    expect(valueOf(s, 'trunk_drift_differences', { ...t, account: 'acme_in', kind: 'missing' })).toBe(1);
    expect(valueOf(s, 'trunk_drift_differences', { ...t, account: 'acme_in', kind: 'extra' })).toBe(0);
    expect(valueOf(s, 'trunk_drift_drifted_lines', { ...t, account: 'acme_in' })).toBe(1);
    expect(valueOf(s, 'trunk_drift_scans_total', { ...t, account: 'unknown' })).toBe(1);
    expect(seriesOf(s, 'trunk_drift_scan_duration_seconds_bucket', { ...t, account: 'acme_in' }).map((b) => b.labels.le)).toEqual([
      '10', '60', '300', '900', '3600', '14400', '43200', '86400', '+Inf',
    ]);
  });

  it("records the process's own hooks (recordExotelRequest …) through the same exporter once installRuntimeTelemetry ran", async () => {
    recordExotelRequest({ method: 'GET', path: '/trunks', status: 200, durationMs: 5, accountSid: 'hook_probe' });
    const s = await scrape();
    expect(valueOf(s, 'trunk_exotel_requests_total', { account: 'hook_probe', endpoint: '/trunks', method: 'GET', status: '200' })).toBe(1);
  });
});

describe('/metrics and /healthz over HTTP', () => {
  it('listens on loopback unless OPS_HOST says otherwise', async () => {
    const quiet = await startOpsServer({ port: 0, metrics: telemetry.scrape!, health });
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

  it('answers 503 on /metrics when the exporter does not answer: a failed scrape, not an empty one', async () => {
    const [closed] = await freePorts(1);
    const broken = await startOpsServer({
      port: 0,
      metrics: () => fetch(`http://127.0.0.1:${closed}/metrics`).then(async (r) => ({ contentType: 'text/plain', body: await r.text() })),
      health,
    });
    try {
      expect(await get(`${broken.url}/metrics`)).toMatchObject({ status: 503, body: 'metrics unavailable: fetch failed\n' });
    } finally {
      await broken.close();
    }
  });

  it('answers 404 elsewhere and 405 to anything but GET', async () => {
    expect((await get(`${server.url}/`)).status).toBe(404);
    expect((await fetch(`${server.url}/metrics`, { method: 'POST' })).status).toBe(405);
  });
});

describe('setups by state and provider, from visibility', () => {
  it('sets one gauge per state and provider, and "other" for what the catalog lacks', async () => {
    const metrics = metricsFor('gauge');
    const queries: string[] = [];
    const counts: Record<string, number> = {
      [setupStateQuery('awaiting-ops')]: 5,
      [setupStateQuery('awaiting-ops', 'livekit')]: 3,
      [setupStateQuery('awaiting-ops', 'unspecified')]: 1,
    };
    const gauge = startSetupStateGauge({ metrics, intervalMs: 3_600_000, count: async (q) => (queries.push(q), counts[q] ?? 0) });
    await gauge.refresh();
    gauge.stop();
    const s = await scrape();
    const t = { test: 'gauge' };
    expect(valueOf(s, 'trunk_setups', { ...t, state: 'awaiting-ops', provider: 'livekit' })).toBe(3);
    expect(valueOf(s, 'trunk_setups', { ...t, state: 'awaiting-ops', provider: 'unspecified' })).toBe(1);
    expect(valueOf(s, 'trunk_setups', { ...t, state: 'awaiting-ops', provider: 'other' })).toBe(1);
    expect(valueOf(s, 'trunk_setups', { ...t, state: 'running', provider: 'retell' })).toBe(0);
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

describe('platform activities', () => {
  it('each names a provider: the interceptor counts every one of them', () => {
    const names = Object.keys(createVoiceAiActivities({ platforms: new PlatformAccounts() }));
    expect(names.length).toBeGreaterThan(30);
    expect(names.filter((n) => platformOfActivity(n) === undefined)).toEqual([]);
    expect(platformOfActivity('dailyCreateTrunk')).toBe('pipecat-daily');
    expect(platformOfActivity('atomsImportNumber')).toBe('smallest-atoms');
    // Exotel's and the worker's own activities are not platform requests.
    expect(platformOfActivity('createTrunk')).toBeUndefined();
    expect(platformOfActivity('describePlatformAccount')).toBeUndefined();
  });
});

// Last: closing the worker's connection shuts the Runtime (and its exporter) down.
describe('the SDK runtime: its metrics, the project\'s and its logs from a real worker, on one endpoint', () => {
  let bundle: WorkflowBundle;
  let client: Client;

  beforeAll(async () => {
    bundle = await bundleWorkflowCode({ workflowsPath: join(__dirname, 'fixtures', 'hello-workflow.ts'), logger: new JsonLogger({ level: 'ERROR' }) });
    client = await connectClient();
  });
  afterAll(() => closeClient(client));

  it('serves the SDK metrics of a worker that ran workflows with the platform requests its interceptor counted, and /healthz follows the worker through shutdown', async () => {
    const retell = await startRetellStandIn({});
    const connection = await connectNativeConnection(loadTemporalConnectConfig({ TEMPORAL_ADDRESS: temporalAddress(), TEMPORAL_NAMESPACE: temporalNamespace(), HOME: '/nonexistent' }));
    const taskQueue = uniqueTaskQueue('deploy-metrics');
    const metrics = metricsFor('interceptor');
    const platforms = new PlatformAccounts([
      { name: 'rt-good', provider: 'retell', apiKey: retell.apiKey, baseUrl: retell.url },
      { name: 'rt-bad', provider: 'retell', apiKey: 'key_not_the_one', baseUrl: retell.url },
    ]);
    const worker = await Worker.create({
      connection,
      namespace: temporalNamespace(),
      taskQueue,
      workflowBundle: bundle,
      activities: { greet: async (name: string) => `hello ${name}`, ...createVoiceAiActivities({ platforms }) },
      interceptors: { activity: [activityInterceptors({ metrics })] },
    });
    const ops = await startOpsServer({ port: 0, host: '127.0.0.1', metrics: telemetry.scrape!, health: workerHealth(worker) });
    try {
      expect((await get(`${ops.url}/healthz`)).body).toBe('{"status":"starting"}\n');
      const running = worker.run();
      const result = await client.workflow.execute<(name: string) => Promise<string>>('hello', { taskQueue, workflowId: uniqueWorkflowId('deploy-metrics'), args: ['acme-42'] });
      expect(result).toBe('hello acme-42');
      const ends = await client.workflow.execute<(accounts: string[], phoneNumber: string) => Promise<string[]>>('lookUpNumber', {
        taskQueue,
        workflowId: uniqueWorkflowId('deploy-metrics-platform'),
        args: [['rt-good', 'rt-bad', 'rt-nowhere'], '+919800000001'],
      });
      expect(ends).toEqual(['none', 'failed', 'failed']);
      expect(await get(`${ops.url}/healthz`)).toMatchObject({ status: 200, body: '{"status":"serving"}\n' });
      // The Runtime is a singleton: installing it again while it serves a worker is a mistake, said plainly.
      await expect(installRuntimeTelemetry()).rejects.toThrow('must run once, before any NativeConnection or Worker is created');

      const { status, body } = await get(`${ops.url}/metrics`);
      expect(status).toBe(200);
      const s = parseExposition(body);
      const ours = s.filter((x) => x.labels.task_queue === taskQueue);
      expect(ours.some((x) => x.name === 'temporal_workflow_completed')).toBe(true);
      expect(ours.some((x) => x.name.startsWith('temporal_activity_execution_latency'))).toBe(true);
      const t = { test: 'interceptor' };
      expect(valueOf(s, 'trunk_platform_requests_total', { ...t, provider: 'retell', activity: 'retellGetNumber', outcome: 'ok' })).toBe(1);
      expect(valueOf(s, 'trunk_platform_requests_total', { ...t, provider: 'retell', activity: 'retellGetNumber', outcome: 'auth' })).toBe(1);
      expect(valueOf(s, 'trunk_platform_requests_total', { ...t, provider: 'retell', activity: 'retellGetNumber', outcome: 'configuration' })).toBe(1);
      // greet is no platform request; and the key that failed is in no label.
      expect(seriesOf(s, 'trunk_platform_requests_total', t)).toHaveLength(3);
      expect(body).not.toContain('key_not_the_one');
      expect(body).not.toContain(retell.apiKey);

      worker.shutdown();
      const draining = (await get(`${ops.url}/healthz`)).status;
      await running;
      expect(draining).toBe(503);
      expect(await get(`${ops.url}/healthz`)).toMatchObject({ status: 503, body: '{"status":"stopped"}\n' });
    } finally {
      await ops.close();
      await connection.close();
      await retell.close();
    }

    // The SDK's own logs (worker lifecycle, the workflow's log.info) arrived as JSON lines with their context.
    const entries = logLines.map((l) => JSON.parse(l) as Record<string, unknown>);
    const greeting = entries.find((e) => e.message === 'greeting');
    expect(greeting).toMatchObject({ level: 'INFO', customerId: 'acme-42', workflowType: 'hello', taskQueue });
    expect(entries.some((e) => e.taskQueue === taskQueue && typeof e.time === 'string')).toBe(true);
  });
});
