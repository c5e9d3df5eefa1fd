// `trunkctl events`: runs the signup-event receiver until SIGINT/SIGTERM.
// Reads SIGNUP_EVENTS_SECRET (required), the Temporal connection (envconfig: TEMPORAL_ADDRESS, TEMPORAL_NAMESPACE,
// TLS or API key, profiles), TEMPORAL_TASK_QUEUE, OPS_DECISION_TIMEOUT (default for setups whose event does not
// say) and OPS_PORT (metrics and health).
import { parseArgs } from 'node:util';
import { Client } from '@temporalio/client';
import type { Duration } from '@temporalio/common';
import { durationMs } from '../domain/rules';
import { ProcessHealth } from '../platform/health';
import { projectMetrics } from '../platform/metrics';
import { loadOpsConfig } from '../platform/ops-config';
import { startOpsServer } from '../platform/ops-server';
import { startSetupStateGauge } from '../platform/setup-state-gauge';
import { connectClientConnection, loadTemporalConnectConfig } from '../platform/temporal-connection';
import { DEFAULT_TASK_QUEUE } from '../domain/task-queue';
import { dataConverterFor } from '../codec/data-converter';
import { loadKeyring } from '../codec/keyring';
import { startSignupReceiver } from './receiver';

export async function runSignupReceiverCli(argv: string[], env: NodeJS.ProcessEnv = process.env): Promise<void> {
  const { values } = parseArgs({ args: argv, options: { port: { type: 'string' }, host: { type: 'string' } }, strict: true });
  const port = Number(values.port ?? env.SIGNUP_EVENTS_PORT ?? '8080');
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`--port ${values.port}: must be 0-65535`);
  const secret = env.SIGNUP_EVENTS_SECRET;
  if (!secret || secret.length < 16) throw new Error('SIGNUP_EVENTS_SECRET must be set to the shared HMAC secret (at least 16 characters)');
  const opsDecisionTimeout = env.OPS_DECISION_TIMEOUT;
  if (opsDecisionTimeout !== undefined && durationMs(opsDecisionTimeout) === null) {
    throw new Error(`OPS_DECISION_TIMEOUT ${JSON.stringify(opsDecisionTimeout)}: must be a duration such as '24h' or '15m', or milliseconds`);
  }
  const ops = loadOpsConfig(env);
  const temporal = loadTemporalConnectConfig(env);
  const connection = await connectClientConnection(temporal);
  const client = new Client({ connection, namespace: temporal.namespace, dataConverter: dataConverterFor(loadKeyring(env)) });
  const health = new ProcessHealth();
  const opsServer = ops.opsPort === undefined ? undefined : await startOpsServer({ port: ops.opsPort, registry: projectMetrics.registry, health });
  // Setups by state and provider come from visibility; this one process keeps the gauge.
  const gauge = opsServer ? startSetupStateGauge({ metrics: projectMetrics, count: (q) => client.workflow.count(q).then((r) => r.count) }) : undefined;
  const receiver = await startSignupReceiver({
    client,
    taskQueue: env.TEMPORAL_TASK_QUEUE ?? DEFAULT_TASK_QUEUE,
    secret,
    port,
    host: values.host ?? '0.0.0.0',
    opsDecisionTimeout: opsDecisionTimeout as Duration | undefined,
    log: (line) => console.log(line),
  });
  health.set('serving');
  console.log(`signup events: POST ${receiver.url}/signup-events (signed with SIGNUP_EVENTS_SECRET)${opsServer ? `; metrics and health on ${opsServer.url}` : ''}`);
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
