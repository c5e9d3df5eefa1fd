// The worker process: configuration from the environment, graceful shutdown on SIGINT/SIGTERM (the SDK drains
// in-flight tasks for the grace period, then cancels what is left).
import { NativeConnection } from '@temporalio/worker';
import { InputValidationError } from '../domain/validation';
import { codecPolicy } from '../codec/data-converter';
import { describeKeyring } from '../codec/keyring';
import { loadWorkerConfig } from './config';
import { createSetupWorker } from './create-worker';

export async function runWorker(env: NodeJS.ProcessEnv = process.env): Promise<void> {
  const config = loadWorkerConfig(env);
  // Production (the default) refuses to store SIP passwords in clear; WORKER_MODE=demo only warns.
  const codec = codecPolicy(env, { mode: env.WORKER_MODE === 'demo' ? 'demo' : 'production' });
  if (codec.warning) console.warn(codec.warning);
  if (codec.keyring) console.log(describeKeyring(codec.keyring));
  const connection = await NativeConnection.connect({ address: config.temporalAddress });
  try {
    const worker = await createSetupWorker({ connection, ...config, dataConverter: codec.dataConverter });
    console.log(
      `worker polling ${config.taskQueue} on ${config.temporalAddress} (namespace ${config.namespace}) ` +
        `for Exotel accounts ${config.accounts.map((a) => a.accountSid).join(', ')}`,
    );
    await worker.run();
  } finally {
    await connection.close();
  }
}

if (require.main === module) {
  runWorker().catch((err: unknown) => {
    console.error(err instanceof InputValidationError ? `worker configuration: ${err.message}` : err);
    process.exit(1);
  });
}
