// The SDK's own telemetry: its metrics (workflow and activity task latencies, polls, failures, sticky cache …) on a
// Prometheus endpoint of their own, and its logs (Core's included) through the project's logger.
import { IllegalStateError, type Logger } from '@temporalio/common';
import { Runtime } from '@temporalio/worker';
import { JsonLogger } from './logger';

export interface RuntimeTelemetryOptions {
  /** host:port for the SDK's Prometheus exporter (GET /metrics); omitted = no SDK metrics. */
  metricsBindAddress?: string;
  /** Default: a JsonLogger at INFO. */
  logger?: Logger;
}

/** Must run before the process creates any NativeConnection or Worker: the SDK's Runtime is a singleton. */
export function installRuntimeTelemetry(o: RuntimeTelemetryOptions = {}): Runtime {
  try {
    return Runtime.install({
      logger: o.logger ?? new JsonLogger(),
      telemetryOptions: {
        // Core's own chatter below WARN is noise in production; forwarded, it gets the same JSON shape.
        logging: { filter: { core: 'WARN', other: 'WARN' }, forward: {} },
        ...(o.metricsBindAddress !== undefined ? { metrics: { prometheus: { bindAddress: o.metricsBindAddress } } } : {}),
      },
    });
  } catch (err) {
    if (err instanceof IllegalStateError) {
      throw new Error('installRuntimeTelemetry() must run once, before any NativeConnection or Worker is created', { cause: err });
    }
    throw err;
  }
}
