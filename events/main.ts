// `trunkctl events`: runs the signup-event receiver until SIGINT/SIGTERM.
// Reads SIGNUP_EVENTS_SECRET (required), TEMPORAL_ADDRESS, TEMPORAL_NAMESPACE, TEMPORAL_TASK_QUEUE and
// OPS_DECISION_TIMEOUT (default for setups whose event does not say).
import { parseArgs } from 'node:util';
import { Client, Connection } from '@temporalio/client';
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
  const connection = await Connection.connect({ address: env.TEMPORAL_ADDRESS ?? 'localhost:7233' });
  const client = new Client({ connection, namespace: env.TEMPORAL_NAMESPACE ?? 'default', dataConverter: dataConverterFor(loadKeyring(env)) });
  const receiver = await startSignupReceiver({
    client,
    taskQueue: env.TEMPORAL_TASK_QUEUE ?? DEFAULT_TASK_QUEUE,
    secret,
    port,
    host: values.host ?? '0.0.0.0',
    opsDecisionTimeout: env.OPS_DECISION_TIMEOUT,
    log: (line) => console.log(line),
  });
  console.log(`signup events: POST ${receiver.url}/signup-events (signed with SIGNUP_EVENTS_SECRET)`);
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  await receiver.close();
  await connection.close();
}
