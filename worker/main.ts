// The worker process: configuration from the environment, graceful shutdown on SIGINT/SIGTERM (the SDK drains
// in-flight tasks for the grace period, then cancels what is left), metrics and health when OPS_PORT is set.
import { codecPolicy } from '../codec/data-converter';
import { describeKeyring } from '../codec/keyring';
import { InputValidationError } from '../domain/issues';
import { workerHealth } from '../platform/health';
import { JsonLogger } from '../platform/logger';
import { recordCompensation, recordDriftScan, recordExotelRequest } from '../platform/metrics';
import { loadOpsConfig } from '../platform/ops-config';
import { startOpsServer } from '../platform/ops-server';
import { installRuntimeTelemetry } from '../platform/runtime-telemetry';
import { startReachabilityCheck } from '../platform/temporal-reachability';
import { Client } from '@temporalio/client';
import { connectClientConnection, connectNativeConnection, describeTemporalConnection, loadTemporalConnectConfig } from '../platform/temporal-connection';
import { loadWorkerConfig } from './config';
import { createSetupWorker } from './create-worker';
import { priorityWarning } from './server-check';

export async function runWorker(env: NodeJS.ProcessEnv = process.env): Promise<void> {
  const config = loadWorkerConfig(env);
  const ops = loadOpsConfig(env);
  const temporal = loadTemporalConnectConfig(env);
  // Production (the default) refuses to store SIP passwords in clear; WORKER_MODE=demo only warns.
  const codec = codecPolicy(env, { mode: env.WORKER_MODE === 'demo' ? 'demo' : 'production' });
  const logger = new JsonLogger({ level: ops.logLevel });
  // Metrics are kept only where someone can read them: on OPS_PORT's /metrics.
  const telemetry = await installRuntimeTelemetry({ metrics: ops.opsPort !== undefined, logger });
  if (codec.warning) logger.warn(codec.warning);
  if (codec.keyring) logger.info(describeKeyring(codec.keyring));

  const connection = await connectNativeConnection(temporal);
  // The drift scan reads the lines' records through a client with the same codec.
  const clientConnection = await connectClientConnection(temporal);
  const client = new Client({ connection: clientConnection, namespace: temporal.namespace, dataConverter: codec.dataConverter });
  const noPriorities = await priorityWarning(connection);
  if (noPriorities) logger.warn(noPriorities);
  try {
    const worker = await createSetupWorker({
      connection,
      namespace: temporal.namespace,
      ...config,
      dataConverter: codec.dataConverter,
      client,
      onExotelRequest: recordExotelRequest,
      onDelete: (resource, outcome) => recordCompensation({ resource, outcome }),
      onDriftScan: recordDriftScan,
    });
    // The worker's polls go through `connection`: /healthz says unreachable when it stops answering, and the log says
    // so once either way (with the address only; the connection's options hold the API key).
    const reachability = startReachabilityCheck({ connection, logger, serverName: temporal.address });
    try {
      const opsServer =
        ops.opsPort === undefined || !telemetry.scrape
          ? undefined
          : await startOpsServer({ port: ops.opsPort, host: ops.opsHost, metrics: telemetry.scrape, health: workerHealth(worker, reachability) });
      logger.info(
        `worker polling ${config.taskQueue} on ${describeTemporalConnection(temporal)} for Exotel accounts ` +
          `${config.accounts.map((a) => a.accountSid).join(', ')}${opsServer ? `; metrics and health on ${opsServer.url}` : ''}`,
      );
      try {
        await worker.run();
      } finally {
        await opsServer?.close();
      }
    } finally {
      reachability.stop();
    }
  } finally {
    // A failure to close must not hide the failure that got us here.
    await connection.close().catch((err: unknown) => logger.warn(`closing the Temporal connection: ${err instanceof Error ? err.message : String(err)}`));
    await clientConnection.close().catch(() => undefined);
  }
}

if (require.main === module) {
  runWorker().catch((err: unknown) => {
    console.error(err instanceof InputValidationError ? `worker configuration: ${err.message}` : err);
    process.exit(err instanceof InputValidationError ? 2 : 1);
  });
}
