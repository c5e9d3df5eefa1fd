// The project's own metrics, recorded through the Temporal SDK's runtime meter, so Core's Prometheus exporter serves
// them together with the SDK's (runtime-telemetry.ts installs it; ops-server.ts relays it on OPS_PORT's /metrics).
// Label values are bounded sets (endpoint templates, known providers, activity names, status codes, account sids),
// so no id, number, IP or secret ever becomes a label. The workflows count their own line operations with the
// workflow metricMeter (workflows/line-operation.ts), which ends up in the same exporter.
import { noopMetricMeter, type MetricCounter, type MetricGauge, type MetricHistogram, type MetricMeter } from '@temporalio/common';
import { DRIFT_KINDS, type DriftKind } from '../domain/drift-report';
import type { ExotelErrorKind } from '../domain/failures';
import { API_PROVIDERS, type ApiProvider } from '../domain/platform-side';
import { PROVIDER_IDS } from '../domain/providers/catalog';
import type { SetupState } from '../domain/search-attributes';
import type { Direction } from '../domain/setup';
import { EXOTEL_RESOURCES, type ExotelResource } from '../exotel/types';
import type { ExotelRequestLog } from '../exotel/client';
import { exotelEndpoint } from './exotel-endpoint';

/** TrunkProvider values: the catalog, plus what client/setups.ts writes when a setup names none. */
export const PROVIDER_LABELS: readonly string[] = [...PROVIDER_IDS, 'unspecified'];

export type CompensationOutcome = 'deleted' | 'already-gone' | 'failed';

/** How a platform request ended: ok, the platform error's kind, or what kept it from being sent. */
export type PlatformRequestOutcome = 'ok' | ExotelErrorKind | 'configuration' | 'cancelled' | 'error';
const PLATFORM_OUTCOMES = new Set<string>(['ok', 'validation', 'auth', 'duplicate', 'not-found', 'rate-limited', 'transient', 'rejected', 'configuration', 'cancelled', 'error']);

const METHODS = new Set(['GET', 'POST', 'PUT', 'PATCH', 'DELETE']);
const ACCOUNT_SID = /^[A-Za-z0-9_]{1,64}$/;
/** Activity names are function names in activities/voice-ai-requests.ts; anything else is not one of ours. */
const ACTIVITY_NAME = /^[a-z][A-Za-z0-9]{1,63}$/;

/** Exotel and the platforms answer in tens to hundreds of milliseconds; the top buckets catch timeouts. */
const REQUEST_BUCKETS = [0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];
/** A scan takes minutes (a few hundred lines) to hours (ten thousand at a fifth of the budget). */
const SCAN_BUCKETS = [10, 60, 300, 900, 3600, 4 * 3600, 12 * 3600, 24 * 3600];

export const METRIC_NAMES = {
  exotelRequests: 'trunk_exotel_requests_total',
  exotelDuration: 'trunk_exotel_request_duration_seconds',
  exotelRateLimited: 'trunk_exotel_rate_limited_total',
  compensations: 'trunk_compensations_total',
  setupStarts: 'trunk_setup_starts_total',
  setups: 'trunk_setups',
  platformRequests: 'trunk_platform_requests_total',
  platformDuration: 'trunk_platform_request_duration_seconds',
  driftScans: 'trunk_drift_scans_total',
  driftScanDuration: 'trunk_drift_scan_duration_seconds',
  driftReads: 'trunk_drift_reads_total',
  driftDifferences: 'trunk_drift_differences',
  driftedLines: 'trunk_drift_drifted_lines',
} as const;

/**
 * The buckets of the project's histograms, for Core's exporter (histogramBucketOverrides): its default buckets are
 * milliseconds-sized, wrong for seconds.
 */
export const HISTOGRAM_BUCKETS: Record<string, number[]> = {
  [METRIC_NAMES.exotelDuration]: REQUEST_BUCKETS,
  [METRIC_NAMES.platformDuration]: REQUEST_BUCKETS,
  [METRIC_NAMES.driftScanDuration]: SCAN_BUCKETS,
};

export interface DriftScanSummary {
  account: string;
  durationSeconds: number;
  reads: number;
  byKind: Partial<Record<DriftKind, number>>;
  driftedLines: number;
}

export interface ExotelRequestEvent extends Pick<ExotelRequestLog, 'method' | 'path' | 'status'> {
  durationMs?: number;
  /** The account the request went to: Exotel's budget (200 a minute) and its 429s are per account. */
  accountSid?: string;
}

export interface PlatformRequestEvent {
  provider: ApiProvider;
  /** The activity that sent it (e.g. retellImportNumber): one activity attempt is one request. */
  activity: string;
  outcome: PlatformRequestOutcome;
  durationMs?: number;
}

interface Instruments {
  exotelRequests: MetricCounter;
  exotelDuration: MetricHistogram;
  exotelRateLimited: MetricCounter;
  compensations: MetricCounter;
  setupStarts: MetricCounter;
  setups: MetricGauge;
  platformRequests: MetricCounter;
  platformDuration: MetricHistogram;
  driftScans: MetricCounter;
  driftScanDuration: MetricHistogram;
  driftReads: MetricCounter;
  driftDifferences: MetricGauge;
  driftedLines: MetricGauge;
}

function instruments(meter: MetricMeter): Instruments {
  const n = METRIC_NAMES;
  return {
    exotelRequests: meter.createCounter(n.exotelRequests, undefined, 'Exotel API requests by account, endpoint template, method and HTTP status (or network-error).'),
    exotelDuration: meter.createHistogram(n.exotelDuration, 'float', 's', 'Exotel API request duration.'),
    exotelRateLimited: meter.createCounter(n.exotelRateLimited, undefined, 'Exotel answers with HTTP 429, per Exotel account.'),
    compensations: meter.createCounter(n.compensations, undefined, 'Compensating deletes run during rollbacks, by resource and outcome (failed counts attempts).'),
    setupStarts: meter.createCounter(n.setupStarts, undefined, 'Setup start requests by direction, provider and outcome (started, already-succeeded).'),
    setups: meter.createGauge(n.setups, 'int', undefined, 'Setups by TrunkSetupState and TrunkProvider, as last counted in Temporal visibility (closed setups until retention ends).'),
    platformRequests: meter.createCounter(n.platformRequests, undefined, 'Voice-AI platform requests (one per activity attempt) by provider, activity and outcome.'),
    platformDuration: meter.createHistogram(n.platformDuration, 'float', 's', 'Voice-AI platform request duration, by provider and activity.'),
    driftScans: meter.createCounter(n.driftScans, undefined, 'Drift scans finished, per Exotel account.'),
    driftScanDuration: meter.createHistogram(n.driftScanDuration, 'float', 's', 'Wall time of a drift scan, per Exotel account.'),
    driftReads: meter.createCounter(n.driftReads, undefined, 'Exotel reads spent by drift scans, per Exotel account.'),
    driftDifferences: meter.createGauge(n.driftDifferences, 'int', undefined, 'Differences the last drift scan of an account found, by kind.'),
    driftedLines: meter.createGauge(n.driftedLines, 'int', undefined, 'Lines the last drift scan of an account found drifted.'),
  };
}

export class ProjectMetrics {
  private m: Instruments;

  /** Without a meter it records nothing (a CLI process, say) until use() gives it one. */
  constructor(meter: MetricMeter = noopMetricMeter) {
    this.m = instruments(meter);
  }

  /** Records through this meter from now on: installRuntimeTelemetry() hands it the SDK runtime's. */
  use(meter: MetricMeter): void {
    this.m = instruments(meter);
  }

  /** Feed it the Exotel client's onRequest entries. */
  recordExotelRequest(e: ExotelRequestEvent): void {
    const account = accountLabel(e.accountSid);
    const endpoint = exotelEndpoint(e.path);
    const method = METHODS.has(e.method.toUpperCase()) ? e.method.toUpperCase() : 'OTHER';
    const status = e.status === 'network-error' ? e.status : Number.isInteger(e.status) && e.status >= 100 && e.status <= 599 ? String(e.status) : 'invalid';
    this.m.exotelRequests.add(1, { account, endpoint, method, status });
    if (e.durationMs !== undefined && e.durationMs >= 0) this.m.exotelDuration.record(e.durationMs / 1000, { endpoint, method });
    if (e.status === 429) this.m.exotelRateLimited.add(1, { account });
  }

  recordCompensation(e: { resource: ExotelResource; outcome: CompensationOutcome }): void {
    this.m.compensations.add(1, { resource: (EXOTEL_RESOURCES as readonly string[]).includes(e.resource) ? e.resource : 'other', outcome: e.outcome });
  }

  recordSetupStart(e: { direction: Direction; provider?: string; outcome: 'started' | 'already-succeeded' }): void {
    this.m.setupStarts.add(1, { direction: e.direction, provider: providerLabel(e.provider), outcome: e.outcome });
  }

  recordPlatformRequest(e: PlatformRequestEvent): void {
    const provider = (API_PROVIDERS as readonly string[]).includes(e.provider) ? e.provider : 'other';
    const activity = ACTIVITY_NAME.test(e.activity) ? e.activity : 'other';
    this.m.platformRequests.add(1, { provider, activity, outcome: PLATFORM_OUTCOMES.has(e.outcome) ? e.outcome : 'error' });
    if (e.durationMs !== undefined && e.durationMs >= 0) this.m.platformDuration.record(e.durationMs / 1000, { provider, activity });
  }

  recordDriftScan(e: DriftScanSummary): void {
    const account = accountLabel(e.account);
    this.m.driftScans.add(1, { account });
    if (e.durationSeconds >= 0) this.m.driftScanDuration.record(e.durationSeconds, { account });
    if (e.reads > 0) this.m.driftReads.add(e.reads, { account });
    for (const kind of DRIFT_KINDS) this.m.driftDifferences.set(e.byKind[kind] ?? 0, { account, kind });
    this.m.driftedLines.set(e.driftedLines, { account });
  }

  /** Set by the visibility sampler (setup-state-gauge.ts). */
  setSetupCount(state: SetupState, provider: string, count: number): void {
    this.m.setups.set(count, { state, provider });
  }
}

function accountLabel(sid: string | undefined): string {
  return sid !== undefined && ACCOUNT_SID.test(sid) ? sid : 'unknown';
}

function providerLabel(provider: string | undefined): string {
  if (provider === undefined) return 'unspecified';
  return PROVIDER_LABELS.includes(provider) ? provider : 'other';
}

/** The process's metrics: what the hooks below record. Records nothing until installRuntimeTelemetry() binds it. */
export const projectMetrics = new ProjectMetrics();

export const recordExotelRequest = (e: ExotelRequestEvent): void => projectMetrics.recordExotelRequest(e);
export const recordCompensation = (e: { resource: ExotelResource; outcome: CompensationOutcome }): void => projectMetrics.recordCompensation(e);
export const recordSetupStart = (e: { direction: Direction; provider?: string; outcome: 'started' | 'already-succeeded' }): void => projectMetrics.recordSetupStart(e);
export const recordDriftScan = (e: DriftScanSummary): void => projectMetrics.recordDriftScan(e);
export const recordPlatformRequest = (e: PlatformRequestEvent): void => projectMetrics.recordPlatformRequest(e);
