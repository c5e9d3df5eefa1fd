// The project's own metrics, next to the SDK's (runtime-telemetry.ts). Label values are bounded sets (endpoint
// templates, known providers, status codes, account sids), so no id or secret ever becomes a label.
import { DRIFT_KINDS, type DriftKind } from '../domain/drift-report';
import { PROVIDER_IDS } from '../domain/providers/catalog';
import type { SetupState } from '../domain/search-attributes';
import type { Direction } from '../domain/setup';
import { EXOTEL_RESOURCES, type ExotelResource } from '../exotel/types';
import type { ExotelRequestLog } from '../exotel/client';
import { exotelEndpoint } from './exotel-endpoint';
import { MetricsRegistry, type Counter, type Gauge, type Histogram } from './metrics-registry';

/** TrunkProvider values: the catalog, plus what client/setups.ts writes when a setup names none. */
export const PROVIDER_LABELS: readonly string[] = [...PROVIDER_IDS, 'unspecified'];

export type CompensationOutcome = 'deleted' | 'already-gone' | 'failed';

const METHODS = new Set(['GET', 'POST', 'PUT', 'PATCH', 'DELETE']);
const ACCOUNT_SID = /^[A-Za-z0-9_]{1,64}$/;
/** Exotel answers in tens to hundreds of milliseconds; the top buckets catch timeouts. */
const DURATION_BUCKETS = [0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];

/** A scan takes minutes (a few hundred lines) to hours (ten thousand at a fifth of the budget). */
const SCAN_BUCKETS = [10, 60, 300, 900, 3600, 4 * 3600, 12 * 3600, 24 * 3600];

export interface DriftScanSummary {
  account: string;
  durationSeconds: number;
  reads: number;
  byKind: Partial<Record<DriftKind, number>>;
  driftedLines: number;
}

export interface ExotelRequestEvent extends Pick<ExotelRequestLog, 'method' | 'path' | 'status'> {
  durationMs?: number;
  /** The account the request went to: 429s are counted per account, since Exotel's budget is per account. */
  accountSid?: string;
}

export class ProjectMetrics {
  private readonly exotelRequests: Counter;
  private readonly exotelDuration: Histogram;
  private readonly exotelRateLimited: Counter;
  private readonly compensations: Counter;
  private readonly setupStarts: Counter;
  private readonly setups: Gauge;
  private readonly driftScans: Counter;
  private readonly driftScanDuration: Histogram;
  private readonly driftReads: Counter;
  private readonly driftDifferences: Gauge;
  private readonly driftedLines: Gauge;

  constructor(readonly registry: MetricsRegistry = new MetricsRegistry()) {
    this.exotelRequests = registry.counter('trunk_exotel_requests_total', 'Exotel API requests by endpoint template, method and HTTP status (or network-error).', ['endpoint', 'method', 'status']);
    this.exotelDuration = registry.histogram('trunk_exotel_request_duration_seconds', 'Exotel API request duration.', ['endpoint', 'method'], DURATION_BUCKETS);
    this.exotelRateLimited = registry.counter('trunk_exotel_rate_limited_total', 'Exotel answers with HTTP 429, per Exotel account.', ['account']);
    this.compensations = registry.counter('trunk_compensations_total', 'Compensating deletes run during rollbacks, by resource and outcome (failed counts attempts).', ['resource', 'outcome']);
    this.setupStarts = registry.counter('trunk_setup_starts_total', 'Setup start requests by direction, provider and outcome (started, already-succeeded).', ['direction', 'provider', 'outcome']);
    this.driftScans = registry.counter('trunk_drift_scans_total', 'Drift scans finished, per Exotel account.', ['account']);
    this.driftScanDuration = registry.histogram('trunk_drift_scan_duration_seconds', 'Wall time of a drift scan, per Exotel account.', ['account'], SCAN_BUCKETS);
    this.driftReads = registry.counter('trunk_drift_reads_total', 'Exotel reads spent by drift scans, per Exotel account.', ['account']);
    this.driftDifferences = registry.gauge('trunk_drift_differences', 'Differences the last drift scan of an account found, by kind.', ['account', 'kind']);
    this.driftedLines = registry.gauge('trunk_drift_drifted_lines', 'Lines the last drift scan of an account found drifted.', ['account']);
    this.setups = registry.gauge('trunk_setups', 'Setups by TrunkSetupState and TrunkProvider, as last counted in Temporal visibility (closed setups until retention ends).', ['state', 'provider']);
  }

  /** Feed it the Exotel client's onRequest entries. */
  recordExotelRequest(e: ExotelRequestEvent): void {
    const endpoint = exotelEndpoint(e.path);
    const method = METHODS.has(e.method.toUpperCase()) ? e.method.toUpperCase() : 'OTHER';
    const status = e.status === 'network-error' ? e.status : Number.isInteger(e.status) && e.status >= 100 && e.status <= 599 ? String(e.status) : 'invalid';
    this.exotelRequests.inc({ endpoint, method, status });
    if (e.durationMs !== undefined && e.durationMs >= 0) this.exotelDuration.observe({ endpoint, method }, e.durationMs / 1000);
    if (e.status === 429) this.exotelRateLimited.inc({ account: e.accountSid !== undefined && ACCOUNT_SID.test(e.accountSid) ? e.accountSid : 'unknown' });
  }

  recordCompensation(e: { resource: ExotelResource; outcome: CompensationOutcome }): void {
    this.compensations.inc({ resource: (EXOTEL_RESOURCES as readonly string[]).includes(e.resource) ? e.resource : 'other', outcome: e.outcome });
  }

  recordSetupStart(e: { direction: Direction; provider?: string; outcome: 'started' | 'already-succeeded' }): void {
    this.setupStarts.inc({ direction: e.direction, provider: providerLabel(e.provider), outcome: e.outcome });
  }

  recordDriftScan(e: DriftScanSummary): void {
    const account = ACCOUNT_SID.test(e.account) ? e.account : 'unknown';
    this.driftScans.inc({ account });
    if (e.durationSeconds >= 0) this.driftScanDuration.observe({ account }, e.durationSeconds);
    this.driftReads.inc({ account }, e.reads);
    for (const kind of DRIFT_KINDS) this.driftDifferences.set({ account, kind }, e.byKind[kind] ?? 0);
    this.driftedLines.set({ account }, e.driftedLines);
  }

  /** Set by the visibility sampler (setup-state-gauge.ts). */
  setSetupCount(state: SetupState, provider: string, count: number): void {
    this.setups.set({ state, provider }, count);
  }
}

function providerLabel(provider: string | undefined): string {
  if (provider === undefined) return 'unspecified';
  return PROVIDER_LABELS.includes(provider) ? provider : 'other';
}

/** The process's metrics: what the hooks below record and the ops server's /metrics shows. */
export const projectMetrics = new ProjectMetrics();

export const recordExotelRequest = (e: ExotelRequestEvent): void => projectMetrics.recordExotelRequest(e);
export const recordCompensation = (e: { resource: ExotelResource; outcome: CompensationOutcome }): void => projectMetrics.recordCompensation(e);
export const recordSetupStart = (e: { direction: Direction; provider?: string; outcome: 'started' | 'already-succeeded' }): void => projectMetrics.recordSetupStart(e);
export const recordDriftScan = (e: DriftScanSummary): void => projectMetrics.recordDriftScan(e);
