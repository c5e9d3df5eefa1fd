// trunkctl: start and inspect setups, and run the simulator, the worker or a local Temporal server.
import { parseArgs } from 'node:util';
import { Client, WorkflowFailedError, WorkflowUpdateFailedError, type WorkflowHandle } from '@temporalio/client';
import { connectClientConnection, loadTemporalConnectConfig } from '../platform/temporal-connection';
import { DEFAULT_TASK_QUEUE } from '../domain/task-queue';
import type { Direction, InboundSetupResult, OutboundSetupResult } from '../domain/setup';
import { InputValidationError } from '../domain/validation';
import { setupWorkflowId } from '../domain/naming';
import type { OpsAction, OpsDecision } from '../domain/setup';
import { handoffSheetJson, listProviders, renderHandoffSheet } from '../domain/providers';
import { describeSetup, resolveSetupRequest, startSetup, type SetupRequest } from './setups';
import { decide, listSetups, setupAwaitingOps } from './ops';
import { SETUP_STATES, type SetupState } from '../domain/search-attributes';
import { formatBatchReport, formatListing, formatProviders, formatResult, formatStatus, progressLine, revealing } from './format';
import { batchHandle, batchProgress, pauseBatch, resumeBatch, startBatch } from './batches';
import type { BatchReport } from '../domain/batch';
import type { batchMigration } from '../workflows/batch-migration';
import { runSimulatorCli } from '../simulator/main';
import { runWorker } from '../worker/main';
import { runSignupReceiverCli } from '../events/main';
import { dataConverterFor } from '../codec/data-converter';
import { loadKeyring } from '../codec/keyring';
import { runCodecServerCli } from '../codec/main';

const USAGE = `trunkctl — durable Exotel SIP-trunk setups for voice-AI platforms

Usage:
  trunkctl outbound --customer ID --account SID --did E164 [--provider ID --provider-field NAME=VALUE ...]
                    [--provider-ip IP ... [--allow-acl-with-digest]] [--ops-timeout 24h] [--wait] [--json] [--reveal]
  trunkctl inbound  --customer ID --account SID --did E164 [--provider ID --provider-field NAME=VALUE ...]
                    [--destination HOST:PORT;transport=tls|tcp ...] [--trunk-sid SID] [--wait] [--json]
                    (a provider fills in its destination; --destination overrides it)
  trunkctl migrate  FILE [--window 20] [--ops-timeout 0] [--report-dir DIR] [--detach] [--json]
                    (.csv or .jsonl; starts the batch or attaches to it, shows progress, prints the report)
  trunkctl migrate  FILE --pause | --resume
  trunkctl providers [--json]                     the voice-AI platforms and what each needs
  trunkctl handoff  CUSTOMER [--direction D] [--reveal] [--json]   print a succeeded setup's handoff sheet again
  trunkctl list     [--state running|awaiting-ops|succeeded|rolled-back|failed] [--direction D] [--account SID] [--json]
  trunkctl show     CUSTOMER [--direction outbound|inbound] [--json]        (steps, error, what it created)
  trunkctl retry    CUSTOMER [--direction D] [--did E164] [--destination URI ...] [--provider-ip IP ...]
                    [--trunk-sid SID] [--note TEXT] [--json]                (a setup awaiting ops: run the failed step again)
  trunkctl rollback CUSTOMER [--direction D] [--note TEXT] [--json]        (a setup awaiting ops: undo and end)
  trunkctl simulator [--port 4010] [--account sid:key:token:region] [--rate-limit 200/60s] ...  (--help for all)
  trunkctl events [--port 8080]   the signup-event receiver (SIGNUP_EVENTS_SECRET; see docs/operations.md)
  trunkctl codec-server [--port 8888] [--ui-origin URL]   decrypts payloads for the Temporal UI and CLI (docs/encryption.md)
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
  // Address, namespace, TLS or API key: flags, then TEMPORAL_* variables, then the envconfig profile.
  const temporal = loadTemporalConnectConfig(process.env, { address: values.address, namespace: values.namespace });
  const connection = await connectClientConnection(temporal);
  try {
    // Results and queries are encrypted when the worker has keys (codec/): read them with the same keys.
    const dataConverter = dataConverterFor(loadKeyring(process.env));
    return await body(new Client({ connection, namespace: temporal.namespace, dataConverter }));
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
      'provider-field': { type: 'string', multiple: true },
      'allow-acl-with-digest': { type: 'boolean' },
      'provider-ip': { type: 'string', multiple: true },
      destination: { type: 'string', multiple: true },
      'trunk-sid': { type: 'string' },
      'ops-timeout': { type: 'string' },
      wait: { type: 'boolean' },
      reveal: { type: 'boolean' },
    },
    strict: true,
  });
  const opsTimeout = values['ops-timeout'];
  const base = {
    customerId: required(values, 'customer'),
    exotelAccountSid: required(values, 'account'),
    did: required(values, 'did'),
    ...(values.provider ? { provider: values.provider } : {}),
    ...(values['provider-field'] ? { providerFields: keyValues('provider-field', values['provider-field']) } : {}),
    ...(opsTimeout !== undefined ? { opsDecisionTimeout: durationFlag(opsTimeout) } : {}),
  };
  const request: SetupRequest =
    direction === 'outbound'
      ? {
          direction,
          input: {
            ...base,
            ...(values['provider-ip'] ? { providerIps: values['provider-ip'] } : {}),
            ...(values['allow-acl-with-digest'] ? { allowAclWithDigest: true } : {}),
          },
        }
      : {
          direction,
          input: { ...base, destinations: values.destination ?? [], ...(values['trunk-sid'] ? { trunkSid: values['trunk-sid'] } : {}) },
        };
  const taskQueue = values['task-queue'] ?? process.env.TEMPORAL_TASK_QUEUE ?? DEFAULT_TASK_QUEUE;
  resolveSetupRequest(request);

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
      console.log(formatResult(direction, result, { json: !!values.json, reveal: !!values.reveal, workflowId: started.workflowId }));
      return 0;
    } catch (err) {
      if (!(err instanceof WorkflowFailedError)) throw err;
      const message = err.cause?.message ?? err.message;
      console.log(values.json ? JSON.stringify({ workflowId: started.workflowId, error: message }) : `setup failed: ${message}`);
      return 1;
    }
  });
}

/** `--provider-field subdomain=abcd --provider-field region=india` → `{ subdomain: 'abcd', region: 'india' }`. */
function keyValues(flag: string, pairs: string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const pair of pairs) {
    const at = pair.indexOf('=');
    if (at <= 0) throw new UsageError(`--${flag} ${pair}: must be name=value`);
    out[pair.slice(0, at)] = pair.slice(at + 1);
  }
  return out;
}

async function handoffCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    options: { ...connectionOptions, direction: { type: 'string' }, reveal: { type: 'boolean' } },
    allowPositionals: true,
    strict: true,
  });
  const customerId = positionals[0];
  if (!customerId) throw new UsageError('handoff needs the customer id');
  const direction = directionFlag(values.direction);
  return withClient(values, async (client) => {
    let printed = 0;
    for (const d of direction ? [direction] : (['outbound', 'inbound'] as const)) {
      const handle = client.workflow.getHandle(setupWorkflowId(d, customerId));
      const described = await handle.describe().catch(() => undefined);
      if (described?.status.name !== 'COMPLETED') continue;
      const result = (await handle.result()) as OutboundSetupResult | InboundSetupResult;
      if (!result.handoff) continue;
      const revealed = revealing(d, result, !!values.reveal);
      console.log(values.json ? JSON.stringify(handoffSheetJson(result.handoff, revealed)) : renderHandoffSheet(result.handoff, revealed));
      printed++;
    }
    if (printed === 0) console.error(`no succeeded setup of customer ${customerId} names a provider`);
    return printed ? 0 : 1;
  });
}

async function migrateCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    options: {
      ...connectionOptions,
      window: { type: 'string' },
      'page-size': { type: 'string' },
      'ops-timeout': { type: 'string' },
      'report-dir': { type: 'string' },
      pause: { type: 'boolean' },
      resume: { type: 'boolean' },
      detach: { type: 'boolean' },
    },
    allowPositionals: true,
    strict: true,
  });
  const file = positionals[0];
  if (!file) throw new UsageError('migrate needs the batch file (.csv, .jsonl or .ndjson)');
  const whole = (flag: string, v: string | undefined) => {
    if (v === undefined) return undefined;
    const n = Number(v);
    if (!Number.isInteger(n) || n < 1) throw new UsageError(`--${flag} ${v}: must be a whole number ≥ 1`);
    return n;
  };
  const opsTimeout = values['ops-timeout'];
  const taskQueue = values['task-queue'] ?? process.env.TEMPORAL_TASK_QUEUE ?? DEFAULT_TASK_QUEUE;
  return withClient(values, async (client) => {
    if (values.pause || values.resume) {
      const handle = batchHandle(client, file);
      await (values.pause ? pauseBatch(handle) : resumeBatch(handle));
      console.log(values.json ? JSON.stringify({ workflowId: handle.workflowId, paused: !!values.pause }) : `${handle.workflowId}: ${values.pause ? 'paused' : 'resumed'}`);
      return 0;
    }
    const handle = await startBatch(client, file, {
      taskQueue,
      window: whole('window', values.window),
      pageSize: whole('page-size', values['page-size']),
      ...(opsTimeout !== undefined ? { opsDecisionTimeout: durationFlag(opsTimeout) } : {}),
      reportDir: values['report-dir'],
    });
    if (!values.json) console.log(`batch ${handle.workflowId} (pause: trunkctl migrate ${file} --pause)`);
    if (values.detach) return 0;
    const report = await watchBatch(handle, { live: !values.json });
    console.log(values.json ? JSON.stringify(report) : formatBatchReport(report));
    return report.counts.failed + report.counts.invalid + report.counts.duplicates > 0 ? 1 : 0;
  });
}

/** Shows the batch's progress until it ends (riding out continue-as-new), then returns its report. */
async function watchBatch(handle: WorkflowHandle<typeof batchMigration>, { live }: { live: boolean }): Promise<BatchReport> {
  const result = handle.result();
  let ended = false;
  void result.then(
    () => (ended = true),
    () => (ended = true),
  );
  const started = Date.now();
  let firstDone: number | undefined;
  while (!ended) {
    const progress = await batchProgress(handle).catch(() => undefined);
    if (progress && live) {
      firstDone ??= progress.done;
      process.stdout.write(`${progressLine(progress, (Date.now() - started) / 60_000, firstDone)}${process.stdout.isTTY ? '\r' : '\n'}`);
    }
    await new Promise((r) => setTimeout(r, process.stdout.isTTY ? 1_000 : 10_000));
  }
  if (live && process.stdout.isTTY) process.stdout.write('\n');
  return result;
}

/** `--ops-timeout 0` or `90000` are milliseconds; `15m`, `24h` are Temporal durations (checked by validation). */
const durationFlag = (value: string): string | number => (/^\d+$/.test(value) ? Number(value) : value);

function directionFlag(value: string | undefined): Direction | undefined {
  if (value === undefined || value === 'outbound' || value === 'inbound') return value;
  throw new UsageError(`--direction ${value}: must be outbound or inbound`);
}

async function listCommand(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: { ...connectionOptions, state: { type: 'string' }, direction: { type: 'string' }, account: { type: 'string' }, limit: { type: 'string' } },
    strict: true,
  });
  const state = values.state;
  if (state !== undefined && !(SETUP_STATES as readonly string[]).includes(state)) {
    throw new UsageError(`--state ${state}: must be one of ${SETUP_STATES.join(', ')}`);
  }
  const limit = values.limit === undefined ? 200 : Number(values.limit);
  if (!Number.isInteger(limit) || limit < 1) throw new UsageError(`--limit ${values.limit}: must be a whole number ≥ 1`);
  return withClient(values, async (client) => {
    const rows = await listSetups(
      client,
      { state: state as SetupState | undefined, direction: directionFlag(values.direction), exotelAccount: values.account },
      limit,
    );
    console.log(values.json ? JSON.stringify(rows) : formatListing(rows));
    return 0;
  });
}

async function decideCommand(action: OpsAction, argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    options: {
      ...connectionOptions,
      direction: { type: 'string' },
      note: { type: 'string' },
      ...(action === 'retry'
        ? {
            did: { type: 'string' },
            destination: { type: 'string', multiple: true },
            'provider-ip': { type: 'string', multiple: true },
            'trunk-sid': { type: 'string' },
          }
        : {}),
    },
    allowPositionals: true,
    strict: true,
  });
  const customerId = positionals[0];
  if (!customerId) throw new UsageError(`${action} needs the customer id`);
  const v = values as Record<string, string | string[] | boolean | undefined>;
  const corrections = {
    ...(typeof v.did === 'string' ? { did: v.did } : {}),
    ...(Array.isArray(v.destination) ? { destinations: v.destination } : {}),
    ...(Array.isArray(v['provider-ip']) ? { providerIps: v['provider-ip'] } : {}),
    ...(typeof v['trunk-sid'] === 'string' ? { trunkSid: v['trunk-sid'] } : {}),
  };
  const decision: OpsDecision = {
    action,
    ...(Object.keys(corrections).length ? { corrections } : {}),
    ...(values.note ? { note: values.note } : {}),
  };
  return withClient(values, async (client) => {
    const direction = await setupAwaitingOps(client, customerId, directionFlag(values.direction));
    let outcome: string;
    try {
      outcome = await decide(client, direction, customerId, decision);
    } catch (err) {
      // The workflow's validator refused the decision: its reason is the cause.
      if (!(err instanceof WorkflowUpdateFailedError)) throw err;
      const reason = err.cause?.message ?? err.message;
      console.log(values.json ? JSON.stringify({ workflowId: setupWorkflowId(direction, customerId), refused: reason }) : `refused: ${reason}`);
      return 1;
    }
    console.log(values.json ? JSON.stringify({ workflowId: setupWorkflowId(direction, customerId), outcome }) : `${direction} setup for ${customerId}: ${outcome}`);
    return 0;
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
  if (!customerId) throw new UsageError('show needs the customer id');
  const direction = directionFlag(values.direction);
  const directions: Direction[] = direction ? [direction] : ['outbound', 'inbound'];

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
    case 'show':
    case 'status':
      return statusCommand(rest);
    case 'list':
      return listCommand(rest);
    case 'handoff':
      return handoffCommand(rest);
    case 'migrate':
      return migrateCommand(rest);
    case 'providers':
      console.log(rest.includes('--json') ? JSON.stringify(listProviders()) : formatProviders());
      return 0;
    case 'retry':
    case 'rollback':
      return decideCommand(command, rest);
    case 'simulator': {
      await runSimulatorCli(rest);
      return 0;
    }
    case 'codec-server':
      await runCodecServerCli(rest);
      return 0;
    case 'events':
      await runSignupReceiverCli(rest);
      return 0;
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
