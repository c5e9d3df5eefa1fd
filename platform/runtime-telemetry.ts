// The SDK's telemetry, and with it the project's metrics: one Prometheus exporter (Core's) for both. Core serves it
// on a loopback port of its own; the ops server (ops-server.ts) relays it as OPS_PORT's /metrics next to /healthz,
// since Core's exporter answers nothing but /metrics. Logs (Core's too, where forwarded) go through the project's
// logger.
import { createServer } from 'node:net';
import { IllegalStateError, type Logger } from '@temporalio/common';
import { Runtime } from '@temporalio/worker';
import { JsonLogger } from './logger';
import { HISTOGRAM_BUCKETS, projectMetrics } from './metrics';

export interface RuntimeTelemetryOptions {
  /** Export metrics (the SDK's and the project's); off: none are kept. */
  metrics?: boolean;
  /** Default: a JsonLogger at INFO. */
  logger?: Logger;
  /**
   * Core's logs through `logger` (default). A process that makes no NativeConnection should say false: the
   * forwarding holds the event loop open until the Runtime shuts down, which only a last connection's close does;
   * Core, having nothing to do there, logs nothing anyway.
   */
  forwardCoreLogs?: boolean;
}

export interface MetricsText {
  contentType: string;
  body: string;
}

export interface RuntimeTelemetry {
  runtime: Runtime;
  /** The exporter's text: everything the process exports. Absent when metrics are off. */
  scrape?: () => Promise<MetricsText>;
}

/** A port taken by someone else between our look and Core's bind: pick another. */
const BIND_ATTEMPTS = 5;
const SCRAPE_TIMEOUT_MS = 5_000;

/**
 * Must run before the process creates any NativeConnection or Worker: the SDK's Runtime is a singleton. With
 * metrics, the process's projectMetrics record through the runtime's meter from here on.
 */
export async function installRuntimeTelemetry(o: RuntimeTelemetryOptions = {}): Promise<RuntimeTelemetry> {
  const logger = o.logger ?? new JsonLogger();
  // Core's own chatter below WARN is noise in production; forwarded, it gets the same JSON shape. Not forwarded, it
  // goes to stderr as Core writes it, so only errors.
  const logging =
    o.forwardCoreLogs === false ? { filter: { core: 'ERROR', other: 'ERROR' } as const } : { filter: { core: 'WARN', other: 'WARN' } as const, forward: {} };
  if (!o.metrics) return { runtime: install(() => Runtime.install({ logger, telemetryOptions: { logging } })) };
  for (let attempt = 1; ; attempt++) {
    // Core cannot bind port 0 and say which port it got: a free one is found first.
    const address = `127.0.0.1:${await freeLoopbackPort()}`;
    try {
      const runtime = install(() =>
        Runtime.install({
          logger,
          telemetryOptions: {
            logging,
            metrics: { prometheus: { bindAddress: address, histogramBucketOverrides: HISTOGRAM_BUCKETS } },
          },
        }),
      );
      projectMetrics.use(runtime.metricMeter);
      return { runtime, scrape: () => scrape(`http://${address}/metrics`) };
    } catch (err) {
      if (attempt >= BIND_ATTEMPTS || !/address already in use/i.test(err instanceof Error ? err.message : '')) throw err;
    }
  }
}

function install(create: () => Runtime): Runtime {
  try {
    return create();
  } catch (err) {
    if (err instanceof IllegalStateError) {
      throw new Error('installRuntimeTelemetry() must run once, before any NativeConnection or Worker is created', { cause: err });
    }
    throw err;
  }
}

async function scrape(url: string): Promise<MetricsText> {
  const res = await fetch(url, { signal: AbortSignal.timeout(SCRAPE_TIMEOUT_MS) });
  if (!res.ok) throw new Error(`the metrics exporter answered HTTP ${res.status}`);
  return { contentType: res.headers.get('content-type') ?? 'text/plain; version=0.0.4', body: await res.text() };
}

function freeLoopbackPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}
