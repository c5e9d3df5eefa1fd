// `trunkctl events`: runs the signup-event receiver until SIGINT/SIGTERM.
// Reads SIGNUP_EVENTS_SECRET or SIGNUP_EVENTS_SECRET_FILE (required; one secret a line, several while one is
// rotated), the Temporal connection (envconfig: TEMPORAL_ADDRESS, TEMPORAL_NAMESPACE, TLS or API key, profiles),
// TEMPORAL_TASK_QUEUE, OPS_DECISION_TIMEOUT (default for setups whose event does not say), OPS_PORT (metrics and
// health) and LOG_LEVEL.
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
import { installRuntimeTelemetry } from '../platform/runtime-telemetry';
import { startSetupStateGauge } from '../platform/setup-state-gauge';
import { connectClientConnection, loadTemporalConnectConfig } from '../platform/temporal-connection';
import { startSignupReceiver } from './receiver';

const DEFAULT_PORT = 8080;
const NOT_SHOWN = '(not shown)';
const MIN_SECRET_LENGTH = 16;
const MAX_SECRETS = 8;
const SECRET_VARIABLE = 'SIGNUP_EVENTS_SECRET';

interface ReceiverSettings {
  port: number;
  host: string;
  /** Every secret an event may be signed with, in the order given; usually one. */
  secrets: string[];
  /** Where they came from, for messages: SIGNUP_EVENTS_SECRET or SIGNUP_EVENTS_SECRET_FILE. */
  secretsFrom: string;
  opsDecisionTimeout?: Duration;
}

/**
 * The signing secrets in SIGNUP_EVENTS_SECRET or its file: one a line, so that while a secret is rotated the old
 * and the new one are both accepted (docs/deploy.md, "Rotating a secret"); one line is the usual single secret.
 * Spaces around a secret and line breaks at the end (LF or CRLF) are dropped; a blank line, a short secret, one
 * given twice, or more than MAX_SECRETS lines are refused, naming the variable and the line, never the secret.
 * Problems go to `c`.
 */
export function signingSecrets(text: string, variable: string, c: IssueCollector): string[] {
  const lines = text.trimEnd().split(/\r?\n|\r/);
  if (lines.length > MAX_SECRETS) {
    // Every request is checked against each: a long file is a wrong file, not a rotation.
    c.add(variable, NOT_SHOWN, `holds ${lines.length} lines: at most ${MAX_SECRETS} secrets, one a line (the new one and those senders still sign with)`);
    return [];
  }
  const secrets: string[] = [];
  lines.forEach((line, i) => {
    const secret = line.trim();
    const field = lines.length === 1 ? variable : `${variable} line ${i + 1}`;
    if (secret === '') {
      c.add(field, NOT_SHOWN, lines.length === 1 ? 'is empty: it must hold the secret senders sign events with' : 'is empty: one secret a line, no blank lines');
    } else if (secret.length < MIN_SECRET_LENGTH) {
      c.add(field, NOT_SHOWN, `must be at least ${MIN_SECRET_LENGTH} characters`);
    } else if (secrets.includes(secret)) {
      c.add(field, NOT_SHOWN, `is the secret of line ${secrets.indexOf(secret) + 1} again: each line must be another secret`);
    }
    secrets.push(secret);
  });
  return secrets;
}

/** Flags and environment, checked together: every problem named at once (InputValidationError). */
export function receiverSettings(flags: { port?: string; host?: string }, env: NodeJS.ProcessEnv): ReceiverSettings {
  const c = new IssueCollector();
  const portText = flags.port ?? env.SIGNUP_EVENTS_PORT ?? String(DEFAULT_PORT);
  const port = Number(portText);
  if (!/^\d{1,5}$/.test(portText) || port > 65535) c.add(flags.port !== undefined ? '--port' : 'SIGNUP_EVENTS_PORT', portText, 'must be a port 0-65535');
  const text = secretFromEnv(env, SECRET_VARIABLE, c);
  const secretsFrom = env[`${SECRET_VARIABLE}_FILE`] ? `${SECRET_VARIABLE}_FILE` : SECRET_VARIABLE;
  let secrets: string[] = [];
  if (text === undefined) {
    if (!c.issues.some((i) => i.field.startsWith(SECRET_VARIABLE))) {
      c.add(SECRET_VARIABLE, undefined, `is required (or ${SECRET_VARIABLE}_FILE): the HMAC secret senders sign events with (one a line, several while one is rotated)`);
    }
  } else secrets = signingSecrets(text, secretsFrom, c);
  const opsDecisionTimeout = env.OPS_DECISION_TIMEOUT || undefined;
  if (opsDecisionTimeout !== undefined && durationMs(opsDecisionTimeout) === null) {
    c.add('OPS_DECISION_TIMEOUT', opsDecisionTimeout, "must be a duration such as '24h' or '15m', or milliseconds");
  }
  c.throwIfAny();
  return { port, host: flags.host ?? '127.0.0.1', secrets, secretsFrom, opsDecisionTimeout: opsDecisionTimeout as Duration | undefined };
}

export async function runSignupReceiverCli(argv: string[], env: NodeJS.ProcessEnv = process.env): Promise<void> {
  const command = new Command('trunkctl events')
    .description('the signup-event receiver: POST /signup-events, signed with SIGNUP_EVENTS_SECRET, starts setups once per event id')
    .addOption(new Option('--port <port>', `port to listen on (SIGNUP_EVENTS_PORT; default ${DEFAULT_PORT})`))
    .addOption(new Option('--host <host>', 'interface to listen on (default 127.0.0.1; 0.0.0.0 behind a proxy or in a container)'))
    .addHelpText(
      'after',
      `
Environment: SIGNUP_EVENTS_SECRET or SIGNUP_EVENTS_SECRET_FILE (required; one secret a line, several while one
is rotated), TEMPORAL_ADDRESS, TEMPORAL_NAMESPACE, TEMPORAL_TASK_QUEUE, TRUNK_CODEC_KEYS or TRUNK_CODEC_KEYS_FILE,
OPS_DECISION_TIMEOUT, OPS_PORT, LOG_LEVEL.

Example:
  SIGNUP_EVENTS_SECRET_FILE=/run/secrets/signup trunkctl events --port 8080`,
    )
    .exitOverride();
  command.parse(argv, { from: 'user' });
  const settings = receiverSettings(command.opts(), env);
  const ops = loadOpsConfig(env);
  const logger = new JsonLogger({ level: ops.logLevel });
  // The same exporter as the worker's: this process's metrics (setups by state, setup starts) go through it too.
  // No NativeConnection here, so no Core logs to forward (forwarding would keep the process up after SIGTERM).
  const telemetry = ops.opsPort === undefined ? undefined : await installRuntimeTelemetry({ metrics: true, logger, forwardCoreLogs: false });
  const temporal = loadTemporalConnectConfig(env);
  const connection = await connectClientConnection(temporal);
  const client = new Client({ connection, namespace: temporal.namespace, dataConverter: dataConverterFor(loadKeyring(env)) });
  const health = new ProcessHealth();
  const opsServer =
    ops.opsPort === undefined || !telemetry?.scrape ? undefined : await startOpsServer({ port: ops.opsPort, host: ops.opsHost, metrics: telemetry.scrape, health });
  // Setups by state and provider come from visibility; this one process keeps the gauge.
  const gauge = opsServer ? startSetupStateGauge({ metrics: projectMetrics, count: (q) => client.workflow.count(q).then((r) => r.count) }) : undefined;
  const receiver = await startSignupReceiver({
    client,
    taskQueue: env.TEMPORAL_TASK_QUEUE ?? DEFAULT_TASK_QUEUE,
    secrets: settings.secrets,
    port: settings.port,
    host: settings.host,
    opsDecisionTimeout: settings.opsDecisionTimeout,
    logger,
  });
  health.set('serving');
  const signedWith = settings.secrets.length === 1 ? `the secret of ${settings.secretsFrom}` : `any of the ${settings.secrets.length} secrets of ${settings.secretsFrom}`;
  logger.info(`signup events: POST ${receiver.url}/signup-events (signed with ${signedWith})${opsServer ? `; metrics and health on ${opsServer.url}` : ''}`);
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
