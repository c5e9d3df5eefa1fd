// trunkctl: start and inspect setups, and run the simulator, the worker or a local Temporal server.
import { parseArgs } from 'node:util';
import { Client, Connection, WorkflowFailedError } from '@temporalio/client';
import { DEFAULT_TASK_QUEUE } from '../domain/task-queue';
import type { Direction, InboundSetupResult, OutboundSetupResult } from '../domain/setup';
import { InputValidationError } from '../domain/validation';
import { describeSetup, startSetup, validateSetupRequest, type SetupRequest } from './setups';
import { formatInboundResult, formatOutboundResult, formatStatus, maskOutbound } from './format';
import { runSimulatorCli } from '../simulator/main';
import { runWorker } from '../worker/main';

const USAGE = `trunkctl — durable Exotel SIP-trunk setups for voice-AI platforms

Usage:
  trunkctl outbound --customer ID --account SID --did E164 [--provider-ip IP ...] [--provider NAME]
                    [--wait] [--json] [--reveal]
  trunkctl inbound  --customer ID --account SID --did E164 --destination HOST:PORT;transport=tls|tcp ...
                    [--trunk-sid SID] [--provider NAME] [--wait] [--json]
  trunkctl status   CUSTOMER [--direction outbound|inbound] [--json]
  trunkctl simulator [--port 4010] [--account sid:key:token:region] [--rate-limit 200/60s] ...  (--help for all)
  trunkctl worker       (configured by TEMPORAL_ADDRESS, TEMPORAL_NAMESPACE, TEMPORAL_TASK_QUEUE, EXOTEL_ACCOUNTS_FILE)

Connection flags (or TEMPORAL_ADDRESS, TEMPORAL_NAMESPACE, TEMPORAL_TASK_QUEUE):
  --address HOST:PORT  --namespace NAME  --task-queue NAME`;

class UsageError extends Error {}

const connectionOptions = {
  address: { type: 'string' },
  namespace: { type: 'string' },
  'task-queue': { type: 'string' },
  json: { type: 'boolean' },
} as const;

async function withClient<T>(values: { address?: string; namespace?: string }, body: (client: Client) => Promise<T>): Promise<T> {
  const connection = await Connection.connect({ address: values.address ?? process.env.TEMPORAL_ADDRESS ?? 'localhost:7233' });
  try {
    return await body(new Client({ connection, namespace: values.namespace ?? process.env.TEMPORAL_NAMESPACE ?? 'default' }));
  } finally {
    await connection.close();
  }
}

function required(values: Record<string, unknown>, flag: string): string {
  const v = values[flag];
  if (typeof v !== 'string' || v === '') throw new UsageError(`--${flag} is required`);
  return v;
}

async function startCommand(direction: Direction, argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      ...connectionOptions,
      customer: { type: 'string' },
      account: { type: 'string' },
      did: { type: 'string' },
      provider: { type: 'string' },
      'provider-ip': { type: 'string', multiple: true },
      destination: { type: 'string', multiple: true },
      'trunk-sid': { type: 'string' },
      wait: { type: 'boolean' },
      reveal: { type: 'boolean' },
    },
    strict: true,
  });
  const base = {
    customerId: required(values, 'customer'),
    exotelAccountSid: required(values, 'account'),
    did: required(values, 'did'),
    ...(values.provider ? { provider: values.provider } : {}),
  };
  const request: SetupRequest =
    direction === 'outbound'
      ? { direction, input: { ...base, ...(values['provider-ip'] ? { providerIps: values['provider-ip'] } : {}) } }
      : {
          direction,
          input: { ...base, destinations: values.destination ?? [], ...(values['trunk-sid'] ? { trunkSid: values['trunk-sid'] } : {}) },
        };
  const taskQueue = values['task-queue'] ?? process.env.TEMPORAL_TASK_QUEUE ?? DEFAULT_TASK_QUEUE;
  validateSetupRequest(request);

  return withClient(values, async (client) => {
    const started = await startSetup(client, request, { taskQueue });
    const note = started.alreadySucceeded ? 'already set up (not started again)' : 'started';
    if (!values.wait) {
      if (values.json) console.log(JSON.stringify({ workflowId: started.workflowId, alreadySucceeded: started.alreadySucceeded }));
      else console.log(`${direction} setup ${note}: workflow ${started.workflowId}`);
      return 0;
    }
    if (!values.json) console.log(`${direction} setup ${note}: workflow ${started.workflowId}; waiting…`);
    try {
      const result = (await started.handle.result());
      if (direction === 'outbound') {
        const r = result as OutboundSetupResult;
        console.log(values.json ? JSON.stringify({ workflowId: started.workflowId, result: maskOutbound(r, !!values.reveal) }) : formatOutboundResult(r, !!values.reveal));
      } else {
        console.log(values.json ? JSON.stringify({ workflowId: started.workflowId, result }) : formatInboundResult(result as InboundSetupResult));
      }
      return 0;
    } catch (err) {
      if (!(err instanceof WorkflowFailedError)) throw err;
      const message = err.cause?.message ?? err.message;
      console.log(values.json ? JSON.stringify({ workflowId: started.workflowId, error: message }) : `setup failed: ${message}`);
      return 1;
    }
  });
}

async function statusCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    options: { ...connectionOptions, direction: { type: 'string' } },
    allowPositionals: true,
    strict: true,
  });
  const customerId = positionals[0];
  if (!customerId) throw new UsageError('status needs the customer id');
  const directions: Direction[] =
    values.direction === undefined ? ['outbound', 'inbound'] : values.direction === 'outbound' || values.direction === 'inbound' ? [values.direction] : [];
  if (directions.length === 0) throw new UsageError(`--direction ${values.direction}: must be outbound or inbound`);

  return withClient(values, async (client) => {
    const found = [];
    for (const direction of directions) {
      try {
        found.push(await describeSetup(client, direction, customerId));
      } catch (err) {
        if ((err as Error).name !== 'WorkflowNotFoundError') throw err;
      }
    }
    if (values.json) console.log(JSON.stringify(found));
    else if (found.length === 0) console.log(`no setup found for customer ${customerId}`);
    else {
      for (const s of found) {
        console.log(`${s.workflowId}: ${s.execution}`);
        console.log(s.status ? formatStatus(s.status) : '  (steps unavailable: no worker answered the status query)');
      }
    }
    return found.length === 0 ? 1 : 0;
  });
}

export async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  switch (command) {
    case 'outbound':
    case 'inbound':
      return startCommand(command, rest);
    case 'status':
      return statusCommand(rest);
    case 'simulator': {
      await runSimulatorCli(rest);
      return 0;
    }
    case 'worker': {
      await runWorker();
      return 0;
    }
    case undefined:
    case 'help':
    case '--help':
    case '-h':
      console.log(USAGE);
      return command === undefined ? 2 : 0;
    default:
      throw new UsageError(`unknown command ${command}`);
  }
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (err: unknown) => {
      if (err instanceof InputValidationError || err instanceof UsageError || (err as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
        console.error(`trunkctl: ${(err as Error).message}`);
        if (err instanceof UsageError) console.error('run `trunkctl help` for usage');
        process.exitCode = 2;
      } else {
        console.error(`trunkctl: ${err instanceof Error ? err.message : String(err)}`);
        process.exitCode = 1;
      }
    },
  );
}
