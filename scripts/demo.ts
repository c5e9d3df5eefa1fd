// The demo: a real Temporal dev server, the Exotel simulator and a worker, then one outbound and one inbound
// setup for a sample customer, printed step by step.
//
//   npx tsx scripts/demo.ts [--keep-running] [--reveal]
import { parseArgs } from 'node:util';
import { Client, Connection, type WorkflowHandle } from '@temporalio/client';
import { DefaultLogger, NativeConnection, Runtime } from '@temporalio/worker';
import { startSetup } from '../client/setups';
import { formatResult } from '../cli/format';
import { parseSetupRequest } from '../domain/setup-request';
import type { StepStatus } from '../domain/setup';
import type { InboundSetupResult, OutboundSetupResult } from '../domain/setup-result';
import { DEFAULT_TASK_QUEUE } from '../domain/task-queue';
import type { ExotelAccountSettings } from '../exotel/accounts';
import { DEMO_ACCOUNT, SimulatorAdmin, startSimulator } from '../simulator';
import { createSetupWorker } from '../worker/create-worker';
import { statusQuery } from '../workflows/progress';
import { codecPolicy } from '../codec/data-converter';
import { startDevServer } from './dev-server';

const CUSTOMER = 'acme-voice-demo';
const DID = '+919800012345';

const say = (line = '') => console.log(line);

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { 'keep-running': { type: 'boolean' }, reveal: { type: 'boolean' } }, strict: true });
  // The demo's own output says what happens; the SDK's reports of expected, handled failures would only add noise.
  Runtime.install({ logger: new DefaultLogger('ERROR') });
  // With TRUNK_CODEC_KEYS set the demo encrypts payloads like production; without, it says loudly that it does not.
  const codec = codecPolicy(process.env, { mode: 'demo' });
  if (codec.warning) say(`\n!! ${codec.warning}\n`);

  say('Starting a Temporal dev server, the Exotel simulator and a worker…');
  const server = await startDevServer({ uiPort: 8233 });
  const simulator = await startSimulator({ accounts: [DEMO_ACCOUNT], port: 0 });
  const account: ExotelAccountSettings = {
    accountSid: DEMO_ACCOUNT.sid,
    apiKey: DEMO_ACCOUNT.apiKey,
    apiToken: DEMO_ACCOUNT.apiToken,
    subdomain: 'api.in.exotel.com',
    baseUrl: simulator.url,
  };
  const workerConnection = await NativeConnection.connect({ address: server.address });
  const worker = await createSetupWorker({
    connection: workerConnection,
    namespace: server.namespace,
    taskQueue: DEFAULT_TASK_QUEUE,
    accounts: [account],
    shutdownGraceSeconds: 5,
    dataConverter: codec.dataConverter,
  });
  const workerRun = worker.run();
  const connection = await Connection.connect({ address: server.address });
  const client = new Client({ connection, namespace: server.namespace, dataConverter: codec.dataConverter });
  say(`  Temporal   ${server.address}   UI ${server.uiUrl ?? '(headless)'}`);
  say(`  Simulator  ${simulator.url}   (Exotel account ${DEMO_ACCOUNT.sid}, 200 requests/minute)`);

  try {
    say('\n── Outbound: voice AI → Exotel → PSTN ──────────────────────────────────────');
    const outbound = (await runSetup(client, {
      direction: 'outbound',
      customerId: CUSTOMER,
      exotelAccountSid: DEMO_ACCOUNT.sid,
      did: DID,
      provider: 'livekit',
    })) as OutboundSetupResult;
    say();
    say(formatResult('outbound', outbound, { json: false, reveal: !!values.reveal, workflowId: '' }));

    say('\n── Inbound: PSTN → Exotel → voice AI (on the same trunk) ───────────────────');
    const inbound = (await runSetup(client, {
      direction: 'inbound',
      customerId: CUSTOMER,
      exotelAccountSid: DEMO_ACCOUNT.sid,
      did: DID,
      provider: 'livekit',
      // LiveKit's profile turns the project subdomain and region pin into the Exotel destination URI.
      providerFields: { subdomain: 'acme1234', region: 'india' },
      trunkSid: outbound.trunkSid,
      destinations: [],
    })) as InboundSetupResult;
    say();
    say(formatResult('inbound', inbound, { json: false, reveal: false, workflowId: '' }));

    const requests = await new SimulatorAdmin(simulator.url).requests();
    say(`\nExotel requests made: ${requests.length} (${requests.map((r) => `${r.method} ${r.path.split('/').slice(-1)[0]}`).join(', ')})`);
    if (server.uiUrl) {
      say('\nIn the Temporal UI:');
      for (const id of [`trunk-setup-outbound-${CUSTOMER}`, `trunk-setup-inbound-${CUSTOMER}`]) {
        say(`  ${server.uiUrl}/namespaces/${server.namespace}/workflows/${id}`);
      }
    }
    if (values['keep-running']) {
      say('\nEverything stays up; try, in another terminal:');
      say(`  TEMPORAL_ADDRESS=${server.address} bin/trunkctl status ${CUSTOMER}`);
      say(`  curl ${simulator.url}/_admin/state`);
      say('Press Ctrl-C to stop.');
      await new Promise<void>((resolve) => {
        process.once('SIGINT', resolve);
        process.once('SIGTERM', resolve);
      });
    }
  } finally {
    worker.shutdown();
    await workerRun;
    await connection.close();
    await workerConnection.close();
    await simulator.close();
    await server.stop();
  }
  say('\nDemo finished; everything it started is stopped.');
}

/** Starts a setup (`{ direction, …input }`) and prints each step as it changes, until the workflow ends. */
async function runSetup(client: Client, request: Record<string, unknown>): Promise<unknown> {
  const { handle, workflowId } = await startSetup(client, parseSetupRequest(request), { taskQueue: DEFAULT_TASK_QUEUE });
  say(`workflow ${workflowId}`);
  const printed = new Map<string, string>();
  const printChanges = async (h: WorkflowHandle) => {
    const status = await h.query(statusQuery).catch(() => undefined);
    for (const step of status?.steps ?? []) {
      const line = describeStep(step);
      if (printed.get(step.name) !== line && step.state !== 'pending') {
        printed.set(step.name, line);
        say(line);
      }
    }
  };
  const result = handle.result();
  let finished = false;
  void result.finally(() => (finished = true)).catch(() => undefined);
  while (!finished) {
    await printChanges(handle);
    await new Promise((r) => setTimeout(r, 150));
  }
  await printChanges(handle);
  return result;
}

const MARK: Record<StepStatus['state'], string> = {
  pending: '·',
  running: '…',
  done: '✓',
  skipped: '-',
  failed: '✗',
  compensated: '↩',
};

function describeStep(step: StepStatus): string {
  const resource = Object.entries(step.resource ?? {})
    .map(([k, v]) => `${k}=${Array.isArray(v) ? v.join(',') : v}`)
    .join(' ');
  return `  ${MARK[step.state]} ${step.name.padEnd(18)} ${step.state.padEnd(11)} ${resource}${step.error ? ` ${step.error}` : ''}`;
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
