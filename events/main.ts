// `trunkctl events`: runs the signup-event receiver until SIGINT/SIGTERM.
// Reads SIGNUP_EVENTS_SECRET or SIGNUP_EVENTS_SECRET_FILE (required), the Temporal connection (envconfig:
// TEMPORAL_ADDRESS, TEMPORAL_NAMESPACE, TLS or API key, profiles), TEMPORAL_TASK_QUEUE, OPS_DECISION_TIMEOUT
// (default for setups whose event does not say), OPS_PORT (metrics and health) and LOG_LEVEL.
import { Command, Option } from '@commander-js/extra-typings';
import { Client } from '@temporalio/client';
import type { Duration } from '@temporalio/common';
import { dataConverterFor } from '../codec/data-converter';
import { loadKeyring } from '../codec/keyring';
import { IssueCollector } from '../domain/issues';
import { durationMs } from '../domain/rules';
import { DEFAULT_TASK_QUEUE } from '../domain/task-queue';
import { secretFromEnv } from '../platform/env-secret';
import { ProcessHealth } from '../platform/health';
import { JsonLogger } from '../platform/logger';
import { projectMetrics } from '../platform/metrics';
import { loadOpsConfig } from '../platform/ops-config';
import { startOpsServer } from '../platform/ops-server';
import { startSetupStateGauge } from '../platform/setup-state-gauge';
import { connectClientConnection, loadTemporalConnectConfig } from '../platform/temporal-connection';
import { startSignupReceiver } from './receiver';

const DEFAULT_PORT = 8080;

interface ReceiverSettings {
  port: number;
  host: string;
  secret: string;
  opsDecisionTimeout?: Duration;
}

/** Flags and environment, checked together: every problem named at once (InputValidationError). */
export function receiverSettings(flags: { port?: string; host?: string }, env: NodeJS.ProcessEnv): ReceiverSettings {
  const c = new IssueCollector();
  const portText = flags.port ?? env.SIGNUP_EVENTS_PORT ?? String(DEFAULT_PORT);
  const port = Number(portText);
  if (!/^\d{1,5}$/.test(portText) || port > 65535) c.add(flags.port !== undefined ? '--port' : 'SIGNUP_EVENTS_PORT', portText, 'must be a port 0-65535');
  const secret = secretFromEnv(env, 'SIGNUP_EVENTS_SECRET', c);
  if (secret === undefined) {
    if (!c.issues.some((i) => i.field.startsWith('SIGNUP_EVENTS_SECRET'))) c.add('SIGNUP_EVENTS_SECRET', undefined, 'is required (or SIGNUP_EVENTS_SECRET_FILE): the HMAC secret senders sign events with');
  } else if (secret.length < 16) c.add('SIGNUP_EVENTS_SECRET', secret, 'must be at least 16 characters');
  const opsDecisionTimeout = env.OPS_DECISION_TIMEOUT || undefined;
  if (opsDecisionTimeout !== undefined && durationMs(opsDecisionTimeout) === null) {
    c.add('OPS_DECISION_TIMEOUT', opsDecisionTimeout, "must be a duration such as '24h' or '15m', or milliseconds");
  }
  c.throwIfAny();
  return { port, host: flags.host ?? '127.0.0.1', secret: secret as string, opsDecisionTimeout: opsDecisionTimeout as Duration | undefined };
}

export async function runSignupReceiverCli(argv: string[], env: NodeJS.ProcessEnv = process.env): Promise<void> {
  const command = new Command('trunkctl events')
    .description('the signup-event receiver: POST /signup-events, signed with SIGNUP_EVENTS_SECRET, starts setups once per event id')
    .addOption(new Option('--port <port>', `port to listen on (SIGNUP_EVENTS_PORT; default ${DEFAULT_PORT})`))
    .addOption(new Option('--host <host>', 'interface to listen on (default 127.0.0.1; 0.0.0.0 behind a proxy or in a container)'))
    .addHelpText(
      'after',
      `
Environment: SIGNUP_EVENTS_SECRET or SIGNUP_EVENTS_SECRET_FILE (required), TEMPORAL_ADDRESS, TEMPORAL_NAMESPACE,
TEMPORAL_TASK_QUEUE, TRUNK_CODEC_KEYS or TRUNK_CODEC_KEYS_FILE, OPS_DECISION_TIMEOUT, OPS_PORT, LOG_LEVEL.

Example:
  SIGNUP_EVENTS_SECRET_FILE=/run/secrets/signup trunkctl events --port 8080`,
    )
    .exitOverride();
  command.parse(argv, { from: 'user' });
  const settings = receiverSettings(command.opts(), env);
  const ops = loadOpsConfig(env);
  const logger = new JsonLogger({ level: ops.logLevel });
  const temporal = loadTemporalConnectConfig(env);
  const connection = await connectClientConnection(temporal);
  const client = new Client({ connection, namespace: temporal.namespace, dataConverter: dataConverterFor(loadKeyring(env)) });
  const health = new ProcessHealth();
  const opsServer = ops.opsPort === undefined ? undefined : await startOpsServer({ port: ops.opsPort, host: ops.opsHost, registry: projectMetrics.registry, health });
  // Setups by state and provider come from visibility; this one process keeps the gauge.
  const gauge = opsServer ? startSetupStateGauge({ metrics: projectMetrics, count: (q) => client.workflow.count(q).then((r) => r.count) }) : undefined;
  const receiver = await startSignupReceiver({
    client,
    taskQueue: env.TEMPORAL_TASK_QUEUE ?? DEFAULT_TASK_QUEUE,
    secret: settings.secret,
    port: settings.port,
    host: settings.host,
    opsDecisionTimeout: settings.opsDecisionTimeout,
    logger,
  });
  health.set('serving');
  logger.info(`signup events: POST ${receiver.url}/signup-events (signed with SIGNUP_EVENTS_SECRET)${opsServer ? `; metrics and health on ${opsServer.url}` : ''}`);
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  health.set('draining');
  gauge?.stop();
  await receiver.close();
  await opsServer?.close();
  await connection.close();
}
