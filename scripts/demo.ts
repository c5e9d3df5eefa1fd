// The demo: a real Temporal dev server, the Exotel simulator, a local LiveKit (livekit-server --dev with its own
// Redis, as the tests start it) and a worker with an account on each, then one outbound and one inbound setup for a
// sample customer that configure both sides, printed step by step, with what LiveKit holds read back from LiveKit.
// Without a livekit-server binary, or with --exotel-only, the platform's side stays a handoff sheet to paste.
// Payloads are encrypted as in production (fresh keys for the run, or TRUNK_CODEC_KEYS), and the dev server's UI
// decodes them through a codec server, so the UI shows what ops will see and Temporal's database holds ciphertext.
//
//   npx tsx scripts/demo.ts [--keep-running] [--reveal] [--exotel-only]
import { randomBytes } from 'node:crypto';
import { accessSync, constants, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { SIPMediaEncryption, SIPTransport } from '@livekit/protocol';
import { Client, Connection, type WorkflowHandle } from '@temporalio/client';
import { DefaultLogger, NativeConnection, Runtime } from '@temporalio/worker';
import { SipClient } from 'livekit-server-sdk';
import { startSetup } from '../client/setups';
import { formatResult, formatStatus } from '../cli/format';
import { platformObjectName, type PlatformObjectKind } from '../domain/platform-side';
import { parseSetupRequest } from '../domain/setup-request';
import type { SetupStatus, StepStatus } from '../domain/setup';
import type { InboundSetupResult, OutboundSetupResult } from '../domain/setup-result';
import { DEFAULT_TASK_QUEUE } from '../domain/task-queue';
import { DEMO_ACCOUNT, SimulatorAdmin, startSimulator } from '../simulator';
import { startLiveKit, type LiveKitServer } from '../test/support/livekit';
import { loadWorkerConfig } from '../worker/config';
import { createSetupWorker } from '../worker/create-worker';
import { statusQuery } from '../workflows/progress';
import { dataConverterFor } from '../codec/data-converter';
import { generateKey, loadKeyring, type Keyring } from '../codec/keyring';
import { startCodecServer } from '../codec/server';
import { startDevServer } from './dev-server';

const CUSTOMER = 'acme-voice-demo';
const DID = '+919800012345';
const LIVEKIT_ACCOUNT = 'demo-livekit';
// A LiveKit Cloud project's SIP host, made up (the local livekit-server has no SIP service). With the india region
// pin the destination Exotel is given is this host, and the cross-check compares it with the account's sipHost, so
// the account names the pinned host [I: the cross-check wants an exact host; a region-pinned host is still the
// project's].
const LIVEKIT_FIELDS = { subdomain: 'acme1234', region: 'india' };
const SIP_HOST = `${LIVEKIT_FIELDS.subdomain}.${LIVEKIT_FIELDS.region}.sip.livekit.cloud`;
const AGENT = 'acme-agent';
const UI_PORT = 8233;

const ROOT = path.join(__dirname, '..');
const say = (line = '') => console.log(line);

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { 'keep-running': { type: 'boolean' }, reveal: { type: 'boolean' }, 'exotel-only': { type: 'boolean' } },
    strict: true,
  });
  const reveal = !!values.reveal;
  // The demo's own output says what happens; the SDK's reports of expected, handled failures would only add noise.
  Runtime.install({ logger: new DefaultLogger('ERROR') });
  // Everything started is stopped in reverse order, however far the start got.
  const stops: (() => Promise<unknown>)[] = [];
  try {
    const codec = demoKeys();
    if (codec.keysFile) stops.push(async () => rmSync(path.dirname(codec.keysFile!), { recursive: true, force: true }));
    const dataConverter = dataConverterFor(codec.keyring);

    const livekit = values['exotel-only'] ? undefined : await startLocalLiveKit();
    if (livekit) stops.push(() => livekit.stop());

    say(`Starting a Temporal dev server, the Exotel simulator and a worker${livekit ? ' with accounts on both' : ''}…`);
    // 8233 is the UI's usual port; another dev server (or demo) may hold it, and then any free one does.
    const uiPort = (await portIsFree(UI_PORT)) ? UI_PORT : await freePort();
    // The UI's page calls the codec server from the browser: its origin is the one allowed, its token in the path.
    const codecToken = randomBytes(32).toString('base64url');
    const codecServer = await startCodecServer({ port: 0, keyring: codec.keyring, authToken: codecToken, allowedOrigin: `http://127.0.0.1:${uiPort}` });
    stops.push(() => codecServer.close());
    // The token in the path: the form of endpoint the UI can send (docs/encryption.md).
    const server = await startDevServer({ uiPort, codecEndpoint: `${codecServer.url}/${codecToken}` });
    stops.push(() => server.stop());
    const simulator = await startSimulator({ accounts: [DEMO_ACCOUNT], port: 0 });
    stops.push(() => simulator.close());
    // The worker's configuration as a deployed worker reads it (EXOTEL_ACCOUNTS, VOICE_AI_ACCOUNTS), kept in this
    // process and never printed: it holds the keys.
    const config = loadWorkerConfig({
      EXOTEL_ACCOUNTS: JSON.stringify([
        { accountSid: DEMO_ACCOUNT.sid, apiKey: DEMO_ACCOUNT.apiKey, apiToken: DEMO_ACCOUNT.apiToken, subdomain: 'api.in.exotel.com', baseUrl: simulator.url },
      ]),
      ...(livekit
        ? {
            VOICE_AI_ACCOUNTS: JSON.stringify([
              { name: LIVEKIT_ACCOUNT, provider: 'livekit', url: livekit.url, apiKey: livekit.apiKey, apiSecret: livekit.apiSecret, sipHost: SIP_HOST },
            ]),
          }
        : {}),
    });
    const workerConnection = await NativeConnection.connect({ address: server.address });
    stops.push(() => workerConnection.close());
    const worker = await createSetupWorker({
      connection: workerConnection,
      namespace: server.namespace,
      taskQueue: DEFAULT_TASK_QUEUE,
      accounts: config.accounts,
      platformAccounts: config.platformAccounts,
      shutdownGraceSeconds: 5,
      dataConverter,
    });
    const workerRun = worker.run();
    stops.push(async () => {
      worker.shutdown();
      await workerRun;
    });
    const connection = await Connection.connect({ address: server.address });
    stops.push(() => connection.close());
    const client = new Client({ connection, namespace: server.namespace, dataConverter });
    say(`  Temporal   ${server.address}   UI ${server.uiUrl ?? '(headless)'}${uiPort !== UI_PORT ? `   (${UI_PORT} was taken)` : ''}`);
    say(`  Codec      ${codecServer.url}   (key ${codec.keyring.currentKeyId}${codec.keysFile ? ` in ${path.relative(process.cwd(), codec.keysFile)}` : ' from your TRUNK_CODEC_KEYS'}: Temporal stores ciphertext, the UI decodes through this server)`);
    say(`  Simulator  ${simulator.url}   (Exotel account ${DEMO_ACCOUNT.sid}, 200 requests/minute)`);
    if (livekit) say(`  LiveKit    ${livekit.url}   (account ${LIVEKIT_ACCOUNT}: API key ${livekit.apiKey}, SIP host ${SIP_HOST})`);

    // With an account the platform's side is asked for by API: a worker without one fails the setup, never a quiet sheet.
    const platform = livekit ? { providerSide: 'api' } : {};
    say('\n── Outbound: voice AI → Exotel → PSTN ──────────────────────────────────────');
    const outbound = await runSetup<OutboundSetupResult>(client, {
      direction: 'outbound',
      customerId: CUSTOMER,
      exotelAccountSid: DEMO_ACCOUNT.sid,
      did: DID,
      provider: 'livekit',
      ...platform,
    });
    say();
    say(formatResult('outbound', livekit ? withoutSheet(outbound.result) : outbound.result, { json: false, reveal, workflowId: '' }));

    say('\n── Inbound: PSTN → Exotel → voice AI (on the same trunk) ───────────────────');
    const inbound = await runSetup<InboundSetupResult>(client, {
      direction: 'inbound',
      customerId: CUSTOMER,
      exotelAccountSid: DEMO_ACCOUNT.sid,
      did: DID,
      provider: 'livekit',
      // LiveKit's profile turns the project subdomain and region pin into the Exotel destination URI.
      providerFields: livekit ? { ...LIVEKIT_FIELDS, agentName: AGENT } : LIVEKIT_FIELDS,
      trunkSid: outbound.result.trunkSid,
      destinations: [],
      // The made-up SIP host answers nothing (no DNS name on a machine without internet; LiveKit Cloud's servers,
      // not the local one, on one with it): the cross-check is what verifies LiveKit here.
      ...(livekit ? { ...platform, probe: 'off' } : {}),
    });
    say();
    say(formatResult('inbound', livekit ? withoutSheet(inbound.result) : inbound.result, { json: false, reveal: false, workflowId: '' }));

    if (livekit) {
      await printLiveKit(livekit, outbound.result, inbound.result, reveal);
      printCrossCheck(outbound.status, inbound.status);
      say('\nNothing to paste: both setups configured LiveKit by its API and checked it against Exotel. Their handoff');
      say(`sheets stay in the setups' results as the record (trunkctl handoff ${CUSTOMER}); the Exotel console's Flow`);
      say('(Connect applet and ExoPhone above) is still done by hand: Exotel has no API for it.');
    }

    const requests = await new SimulatorAdmin(simulator.url).requests();
    say(`\nExotel requests made: ${requests.length} (${requests.map((r) => `${r.method} ${r.path.split('/').slice(-1)[0]}`).join(', ')})`);
    if (server.uiUrl) {
      say(`\nIn the Temporal UI (open it as ${server.uiUrl}: the codec server answers that origin only):`);
      for (const id of [outbound.workflowId, inbound.workflowId]) say(`  ${server.uiUrl}/namespaces/${server.namespace}/workflows/${id}`);
      say(`  ${server.uiUrl}/namespaces/${server.namespace}/workflows?query=${encodeURIComponent(`TrunkCustomerId = "${CUSTOMER}"`)}`);
      say('  (columns: the list\'s column settings add TrunkSetupState, TrunkCustomerId, TrunkDirection, TrunkProvider; docs/operations.md)');
    }
    if (values['keep-running']) {
      say('\nEverything stays up; try, in another terminal:');
      // With keys of your own, your environment already has them.
      const env = `TEMPORAL_ADDRESS=${server.address}${codec.keysFile ? ` TRUNK_CODEC_KEYS_FILE=${path.relative(process.cwd(), codec.keysFile)}` : ''}`;
      say(`  ${env} bin/trunkctl status ${CUSTOMER}`);
      if (livekit) {
        say(`  ${env} bin/trunkctl line show ${CUSTOMER} --direction outbound`);
        say(`  ${env} bin/trunkctl handoff ${CUSTOMER}`);
      }
      say(`  curl ${simulator.url}/_admin/state`);
      say('Press Ctrl-C to stop.');
      await new Promise<void>((resolve) => {
        // Kept until the end: one Ctrl-C reaches this process more than once (from the terminal, then again through
        // npm and tsx), and a repeat with no listener left would end it before it stopped what it started.
        process.on('SIGINT', () => resolve());
        process.on('SIGTERM', () => resolve());
      });
    }
  } finally {
    for (const stop of stops.reverse()) await stop();
  }
  say('\nDemo finished; everything it started is stopped.');
}

/**
 * Redis and livekit-server as the tests start them (test/support/livekit.ts), or undefined, saying why, when there
 * is no binary here: the demo then runs as --exotel-only rather than building one (minutes).
 */
async function startLocalLiveKit(): Promise<LiveKitServer | undefined> {
  const found = findLiveKitServer();
  if ('missing' in found) {
    fallBack(`no livekit-server here (${found.missing})`);
    return undefined;
  }
  // The resolver takes an explicit path as it is: with it set, nothing here can start a build.
  process.env.LIVEKIT_SERVER_PATH = found.path;
  say('Starting Redis and livekit-server --dev (LiveKit keeps SIP trunks and dispatch rules in Redis)…');
  try {
    return await startLiveKit();
  } catch (err) {
    fallBack(`LiveKit did not start: ${err instanceof Error ? err.message : String(err)}`);
    return undefined;
  }
}

function fallBack(why: string): void {
  say(`\n!! ${why}.`);
  say('!! Running the Exotel side only: the platform\'s side is a handoff sheet to paste. To see LiveKit set up by');
  say('!! its API, get livekit-server once with `bash scripts/livekit-server.sh` (built from the Go module proxy');
  say('!! into .tools/, a few minutes) and run the demo again.\n');
}

/**
 * The cheap places scripts/livekit-server.sh looks before it builds: LIVEKIT_SERVER_PATH, PATH, then its build of
 * the pinned release under .tools/ (the version read from the script, so the two cannot drift).
 */
function findLiveKitServer(): { path: string } | { missing: string } {
  const explicit = process.env.LIVEKIT_SERVER_PATH;
  if (explicit) return isExecutable(explicit) ? { path: path.resolve(explicit) } : { missing: `LIVEKIT_SERVER_PATH=${explicit} is not an executable file` };
  for (const dir of (process.env.PATH ?? '').split(path.delimiter).filter(Boolean)) {
    const candidate = path.join(dir, 'livekit-server');
    if (isExecutable(candidate)) return { path: candidate };
  }
  const version = /^readonly LIVEKIT_VERSION=(\S+)$/m.exec(readFileSync(path.join(ROOT, 'scripts', 'livekit-server.sh'), 'utf8'))?.[1];
  const cached = path.join(ROOT, '.tools', `livekit-server-${version ?? '?'}`, 'livekit-server');
  return isExecutable(cached) ? { path: cached } : { missing: `not on PATH, not in ${path.relative(ROOT, path.dirname(cached))}/` };
}

function isExecutable(file: string): boolean {
  try {
    accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/**
 * TRUNK_CODEC_KEYS (or its _FILE) when set, as a production process reads them; else a fresh key for this run,
 * written (mode 600) to a file under .dev/ for the CLI commands the demo suggests, and removed when it stops.
 */
function demoKeys(): { keyring: Keyring; keysFile?: string } {
  const configured = loadKeyring(process.env);
  if (configured) return { keyring: configured };
  const keysFile = path.join(ROOT, '.dev', `demo-${process.pid}`, 'codec-keys.json');
  mkdirSync(path.dirname(keysFile), { recursive: true, mode: 0o700 });
  writeFileSync(keysFile, JSON.stringify({ demo: generateKey() }), { mode: 0o600 });
  const keyring = loadKeyring({ TRUNK_CODEC_KEYS_FILE: keysFile });
  if (!keyring) throw new Error(`${keysFile}: no keys`);
  return { keyring, keysFile };
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
  });
}

function portIsFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const probe = createServer();
    probe.once('error', () => resolve(false));
    probe.listen(port, '127.0.0.1', () => probe.close(() => resolve(true)));
  });
}

/** The result without its sheet, for the tables: with the platform's side done by API there is nothing to paste. */
const withoutSheet = <R extends { handoff?: unknown }>(result: R): R => ({ ...result, handoff: undefined });

/** What LiveKit holds, listed whole (the demo's server is new, so everything there is these setups'). */
async function printLiveKit(livekit: LiveKitServer, outbound: OutboundSetupResult, inbound: InboundSetupResult, reveal: boolean): Promise<void> {
  const sip = new SipClient(livekit.url, livekit.apiKey, livekit.apiSecret);
  const [outTrunks, inTrunks, rules] = await Promise.all([sip.listSipOutboundTrunk(), sip.listSipInboundTrunk(), sip.listSipDispatchRule()]);
  const ids = new Map([...(outbound.platformSide?.objects ?? []), ...(inbound.platformSide?.objects ?? [])].map((o) => [o.id, o.kind]));
  const theirs = (id: string, kind: PlatformObjectKind) => (ids.get(id) === kind ? '(the setup\'s result names it)' : '(NOT in the setup\'s result)');
  const field = (label: string, value: string) => say(`      ${label.padEnd(17)} ${value}`);

  say(`\n── On LiveKit, read back from its API at ${livekit.url} ──────────────────`);
  for (const t of outTrunks) {
    say(`  outbound trunk  ${t.sipTrunkId}  ${t.name}  ${theirs(t.sipTrunkId, 'livekit-outbound-trunk')}`);
    field('address', `${t.address} (${SIPTransport[t.transport]})`);
    field('numbers', t.numbers.join(', '));
    const password = t.authPassword === outbound.sipPassword ? "the one Exotel's credential has" : "NOT the one Exotel's credential has";
    field('digest user', `${t.authUsername}${t.authUsername === outbound.sipUserName ? " (Exotel's)" : ''}; password ${reveal ? `${t.authPassword} (${password})` : `${password} (--reveal shows it)`}`);
    field('media encryption', SIPMediaEncryption[t.mediaEncryption] ?? String(t.mediaEncryption));
  }
  for (const t of inTrunks) {
    say(`  inbound trunk   ${t.sipTrunkId}  ${t.name}  ${theirs(t.sipTrunkId, 'livekit-inbound-trunk')}`);
    field('numbers', t.numbers.join(', '));
    field('media encryption', SIPMediaEncryption[t.mediaEncryption] ?? String(t.mediaEncryption));
  }
  for (const r of rules) {
    say(`  dispatch rule   ${r.sipDispatchRuleId}  ${r.name}  ${theirs(r.sipDispatchRuleId, 'livekit-dispatch-rule')}`);
    field('trunks', r.trunkIds.join(', '));
    const rule = r.rule?.rule;
    field('rooms', rule?.case === 'dispatchRuleIndividual' ? `one per call: ${rule.value.roomPrefix}_<caller>_<random>` : (rule?.case ?? '(none)'));
    field('agent', r.roomConfig?.agents.map((a) => a.agentName).join(', ') || '(none)');
  }
  const expected: PlatformObjectKind[] = ['livekit-outbound-trunk', 'livekit-inbound-trunk', 'livekit-dispatch-rule'];
  const counts = [outTrunks.length, inTrunks.length, rules.length];
  expected.forEach((kind, i) => {
    if (counts[i] !== 1) say(`  !! expected one ${platformObjectName(kind, CUSTOMER)}, LiveKit holds ${counts[i]} of its kind`);
  });
}

/** What each direction's cross-check compares (docs/platform-side.md), and how it came out. */
const CHECKED = {
  outbound: 'address, transport, digest user, numbers, media encryption',
  inbound: 'numbers, dispatch rule, destination host and port, media encryption',
};

function printCrossCheck(outbound: SetupStatus, inbound: SetupStatus): void {
  say('\n── Cross-check: Exotel ⇄ LiveKit, both read back ───────────────────────────');
  for (const status of [outbound, inbound]) {
    const step = status.steps.find((s) => s.name === 'cross-check');
    const verdict = step?.state === 'done' ? 'passed' : `${step?.state ?? 'not run'}${step?.error ? `: ${step.error}` : ''}`;
    say(`  ${status.direction.padEnd(8)}  ${verdict}  (${CHECKED[status.direction]})`);
  }
}

/**
 * Starts a setup (`{ direction, …input }`) and prints each step as it changes, until the workflow ends. A setup
 * that stops for an operator's decision ends the demo with its status (nobody is there to decide).
 */
async function runSetup<R>(client: Client, request: Record<string, unknown>): Promise<{ result: R; status: SetupStatus; workflowId: string }> {
  const { handle, workflowId } = await startSetup(client, parseSetupRequest(request), { taskQueue: DEFAULT_TASK_QUEUE });
  say(`workflow ${workflowId}`);
  const printed = new Map<string, string>();
  let last: SetupStatus | undefined;
  const printChanges = async (h: WorkflowHandle) => {
    last = (await h.query(statusQuery).catch(() => undefined)) ?? last;
    for (const step of last?.steps ?? []) {
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
    if (last?.phase === 'awaiting-ops') throw new Error(`the setup stopped for an operator's decision:\n${formatStatus(last)}`);
    await new Promise((r) => setTimeout(r, 150));
  }
  await printChanges(handle);
  const value = (await result) as R;
  if (!last) throw new Error(`${workflowId} answered no status`);
  return { result: value, status: last, workflowId };
}

const MARK: Record<StepStatus['state'], string> = {
  pending: '·',
  running: '…',
  done: '✓',
  skipped: '-',
  failed: '✗',
  compensated: '↩',
};

/** Whose side a step works on: LiveKit's steps are the platform-* ones; the cross-check reads both. */
function sideOf(step: string): string {
  if (step.startsWith('platform-')) return 'LiveKit';
  if (step === 'cross-check') return 'both';
  return step === 'validate' ? '' : 'Exotel';
}

function describeStep(step: StepStatus): string {
  const resource = Object.entries(step.resource ?? {})
    .map(([k, v]) => `${k}=${Array.isArray(v) ? v.join(',') : v}`)
    .join(' ');
  return `  ${MARK[step.state]} ${step.name.padEnd(23)} ${sideOf(step.name).padEnd(7)} ${step.state.padEnd(11)} ${resource}${step.error ? ` ${step.error}` : ''}`;
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
