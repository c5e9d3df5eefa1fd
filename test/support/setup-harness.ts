// A real worker on the shared Temporal dev server, a simulator per test file, and helpers to run setups
// and read what the simulator saw.
import { DefaultLogger, NativeConnection, Runtime, type WorkflowBundle } from '@temporalio/worker';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Client, Connection, WorkflowFailedError, type WorkflowHandle } from '@temporalio/client';
import { ApplicationFailure, CancelledFailure, type DataConverter } from '@temporalio/common';
import { expect } from 'vitest';
import type { StepState } from '../../domain/setup';
import { statusQuery } from '../../workflows/progress';
import { historyToJSON } from '@temporalio/common/lib/proto-utils';
import type { ExotelAccountSettings } from '../../exotel/accounts';
import type { InboundSetupInput, OutboundSetupInput } from '../../domain/setup';
import { startSetup } from '../../client/setups';
import { parseSetupRequest } from '../../domain/setup-request';
import { createSetupWorker } from '../../worker/create-worker';
import { bundleWorkflows } from '../../worker/workflow-bundle';
import type { LoggedRequest, SimulatorOptions, TrunkState } from '../../simulator';
import type { PlatformAccountSettings } from '../../voice-ai/accounts';
import type { ProbeOptions } from '../../sip/options-probe';
import { startTestSimulator, type TestSimulator } from './simulator';
import { closeClient, temporalAddress, temporalNamespace, uniqueTaskQueue } from './temporal';

let bundle: Promise<WorkflowBundle> | undefined;
/** Bundled once per test file: webpack takes a second or two. */
export const workflowBundle = (): Promise<WorkflowBundle> => (bundle ??= bundleWorkflows({ quiet: true }));


export interface Harness extends TestSimulator {
  client: Client;
  taskQueue: string;
  exotelAccount: ExotelAccountSettings;
  /** Fresh customer ids per test, so tests share one worker without sharing workflow ids. */
  customer(label: string): string;
  /** `did` or `dids` (parseSetupRequest makes the first of `dids` the `did`). */
  startOutbound(input: Omit<OutboundSetupInput, 'exotelAccountSid' | 'did'> & { exotelAccountSid?: string; did?: string }): ReturnType<typeof startSetup>;
  /** The trunks of the harness's Exotel account that hold `did` (none once a rollback or an offboarding removed it). */
  exotelTrunksWith(did: string): Promise<TrunkState[]>;
  /** Destinations may be left out where the provider's profile derives them (from its fields), as for a user. */
  startInbound(input: Omit<InboundSetupInput, 'exotelAccountSid' | 'did' | 'destinations'> & { exotelAccountSid?: string; did?: string; destinations?: string[] }): ReturnType<typeof startSetup>;
  /** Requests the simulator logged since the last `mark()`, as `METHOD /path?query` relative to the account,
   *  with trunk sids written `{trunk}`. */
  requestsSinceMark(): Promise<string[]>;
  /** The simulator's log entries since the last `mark()`. */
  loggedSinceMark(): Promise<LoggedRequest[]>;
  mark(): Promise<void>;
  stop(): Promise<void>;
}

/** An outbound setup's Exotel steps as its status lists them when all went well (no IPs to allowlist). */
export const OUTBOUND_EXOTEL_STEPS: [string, string][] = [
  ['validate', 'done'],
  ['create-trunk', 'done'],
  ['map-did', 'done'],
  ['create-credential', 'done'],
  ['allowlist-ips', 'skipped'],
];

export const HISTORY_FIXTURES = join(__dirname, '..', 'fixtures', 'histories');

/**
 * With RECORD_HISTORIES=1 (`npm run record-histories`), keeps the finished workflow's history as a replay fixture,
 * so test/workflows/replay.test.ts proves later code still replays it.
 */
export async function keepHistory(name: string, handle: WorkflowHandle): Promise<void> {
  if (process.env.RECORD_HISTORIES !== '1') return;
  // protobufjs 8 is a direct dependency only so that npm hoists one copy: with several, the SDK's JSON history
  // conversion fails with "type must be a Type".
  const json = historyToJSON(await handle.fetchHistory());
  mkdirSync(HISTORY_FIXTURES, { recursive: true });
  writeFileSync(join(HISTORY_FIXTURES, `${name}.json`), `${json}\n`);
}

/** Tests fail setups on purpose; the worker's reports of that would drown the test output. */
function quietRuntime(): void {
  try {
    Runtime.install({ logger: new DefaultLogger('ERROR') });
  } catch {
    // Already installed by an earlier harness in this process.
  }
}

export async function startHarness(
  simulatorOptions: Partial<SimulatorOptions> = {},
  accountOverrides: Partial<ExotelAccountSettings> = {},
  {
    temporal = { address: temporalAddress(), namespace: temporalNamespace() },
    platformAccounts,
    probe,
    dataConverter,
  }: {
    /** A server of the test's own (e.g. where it must see only its own workflows, as a fresh clone would); default
     *  the shared one. */
    temporal?: { address: string; namespace: string };
    /** Voice-AI platform accounts the worker acts for (a real LiveKit server, say). */
    platformAccounts?: PlatformAccountSettings[];
    /** How the worker probes destinations (a resolver for a test's host names). */
    probe?: ProbeOptions;
    /** The worker's and the client's (codec/data-converter.ts, with keys to store histories encrypted); default plain. */
    dataConverter?: DataConverter;
  } = {},
): Promise<Harness> {
  quietRuntime();
  const simulator = await startTestSimulator(simulatorOptions);
  const exotelAccount = simulator.account(accountOverrides);
  const connection = await NativeConnection.connect({ address: temporal.address });
  const client = new Client({ connection: await Connection.connect({ address: temporal.address }), namespace: temporal.namespace, ...(dataConverter ? { dataConverter } : {}) });
  const taskQueue = uniqueTaskQueue('setup');
  const worker = await createSetupWorker({
    connection,
    namespace: temporal.namespace,
    taskQueue,
    accounts: [exotelAccount],
    ...(platformAccounts ? { platformAccounts } : {}),
    ...(probe ? { probe } : {}),
    ...(dataConverter ? { dataConverter } : {}),
    workflowBundle: await workflowBundle(),
    shutdownGraceSeconds: 1,
    client,
  });
  const running = worker.run();
  let since = 0;
  let customers = 0;
  const run = `${Date.now().toString(36)}${Math.floor(Math.random() * 1e4)}`;

  const describeRequest = (r: LoggedRequest) => {
    const path = r.path.replace(`/v2/accounts/${exotelAccount.accountSid}`, '');
    const query = new URLSearchParams(r.query).toString();
    // Trunk sids are random: name them by role so expected request lists can be written down.
    return `${r.method} ${path}${query ? `?${query}` : ''}`.replace(/tr(mum|sgp)1[0-9a-z]+/g, '{trunk}');
  };

  return {
    ...simulator,
    client,
    taskQueue,
    exotelAccount,
    customer: (label) => `${label}-${run}-${++customers}`,
    // Unless a test says otherwise, a failed step rolls back at once instead of waiting for an operator.
    startOutbound: async (input) =>
      startSetup(client, parseSetupRequest({ direction: 'outbound', exotelAccountSid: exotelAccount.accountSid, opsDecisionTimeout: 0, ...input }), { taskQueue }),
    // Nor does it probe destinations (made-up hosts here; a machine with internet would reach real ones): the probe
    // tests ask for it.
    startInbound: async (input) =>
      startSetup(client, parseSetupRequest({ direction: 'inbound', exotelAccountSid: exotelAccount.accountSid, opsDecisionTimeout: 0, probe: 'off', ...input }), { taskQueue }),
    exotelTrunksWith: async (did) => ((await simulator.admin.state()).accounts[exotelAccount.accountSid]?.trunks ?? []).filter((t) => t.phone_numbers.some((n) => n.phone_number === did)),
    mark: async () => {
      since = (await simulator.admin.requests()).at(-1)?.seq ?? since;
    },
    requestsSinceMark: async () => (await simulator.admin.requests({ since })).map(describeRequest),
    loggedSinceMark: () => simulator.admin.requests({ since }),
    stop: async () => {
      worker.shutdown();
      await running;
      await connection.close();
      await closeClient(client);
      await simulator.close();
    },
  };
}

/** How a setup ended, when it failed: the ApplicationFailure the workflow threw. */
export async function failureOf(result: Promise<unknown>): Promise<ApplicationFailure> {
  const err = await result.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(WorkflowFailedError);
  const cause = (err as WorkflowFailedError).cause;
  expect(cause).toBeInstanceOf(ApplicationFailure);
  return cause as ApplicationFailure;
}

/** Asserts that a setup ended cancelled. */
export async function expectCancelled(result: Promise<unknown>): Promise<void> {
  const err = await result.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(WorkflowFailedError);
  expect((err as WorkflowFailedError).cause).toBeInstanceOf(CancelledFailure);
}

/** Polls the status query until a step reaches a state. */
export async function waitForStep(handle: WorkflowHandle, step: string, state: StepState): Promise<void> {
  for (;;) {
    const status = await handle.query(statusQuery);
    if (status.steps.find((s) => s.name === step)?.state === state) return;
    await new Promise((r) => setTimeout(r, 50));
  }
}
