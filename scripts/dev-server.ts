// Starts a real Temporal dev server (`temporal server start-dev`) for tests, the demo and local development.
// The binary comes from scripts/temporal-cli.sh (no internet needed); see docs/temporal-dev-server.md.
//
//   npx tsx scripts/dev-server.ts [--port 7233] [--ui-port 8233 | --headless] [--db-file .dev/temporal.db]
//                                 [--namespace NAME] [--log-level warn] [--codec-endpoint URL]
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { Connection } from '@temporalio/client';
import { TypedSearchAttributes } from '@temporalio/common';
// Deep import: the only exported mapping from a search-attribute type to the proto enum the server reports.
import { encodeSearchAttributeIndexedValueType } from '@temporalio/common/lib/search-attributes';
import { allSearchAttributeKeys } from '../domain/search-attributes';

export interface DevServerOptions {
  /** gRPC port; default: a free port. */
  port?: number;
  /** Web UI port; `false` runs headless; default: a free port. */
  uiPort?: number | false;
  /** Persistent SQLite file; omit for an in-memory server (lost on stop). */
  dbFile?: string;
  /** Namespace to create and wait for; default `default`. */
  namespace?: string;
  /** Appended verbatim to `temporal server start-dev`. */
  extraArgs?: string[];
  /** debug | info | warn | error | never; the CLI defaults to warn. */
  logLevel?: string;
  /** Codec server for the embedded UI (`--ui-codec-endpoint`). */
  codecEndpoint?: string;
  /** Give up waiting for readiness after this long; default 60 s. */
  startTimeoutMs?: number;
  /** Copy the server's output to this process's stderr (it is always kept for error messages). */
  forwardOutput?: boolean;
}

export interface DevServer {
  /** host:port of the frontend, e.g. 127.0.0.1:7233 */
  address: string;
  uiUrl?: string;
  namespace: string;
  pid: number;
  /** Settles when the server process exits, for whatever reason. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** SIGTERM, then SIGKILL if it has not exited after a few seconds. Idempotent. */
  stop(): Promise<void>;
}

// Next to this file, or (when compiled to dist/scripts/) in the repo's scripts/ two levels up.
const CLI_SCRIPT = [path.join(__dirname, 'temporal-cli.sh'), path.join(__dirname, '..', '..', 'scripts', 'temporal-cli.sh')]
  .find((candidate) => existsSync(candidate)) ?? path.join(__dirname, 'temporal-cli.sh');
const DEFAULT_START_TIMEOUT_MS = 60_000;
const STOP_GRACE_MS = 5_000;
const OUTPUT_LINES_KEPT = 40;

// What the project relies on beyond start-dev's defaults.
const DYNAMIC_CONFIG = [
  // Workflow updates (ops retry/approve) and async-accepted update handles.
  'frontend.enableUpdateWorkflowExecution=true',
  'frontend.enableUpdateWorkflowExecutionAsyncAccepted=true',
  // No internet here: don't let the server try to phone home for version checks (the SDK does the same).
  'frontend.enableServerVersionCheck=false',
  // One partition per task queue: the per-account Exotel queues' rate limit is then one limiter, not four that
  // each get a quarter of the budget (and burst separately).
  'matching.numTaskqueueReadPartitions=1',
  'matching.numTaskqueueWritePartitions=1',
  // Fairness keys (one per batch) share a priority level by weight; task priority itself is on by default.
  'matching.enableFairness=true',
];

/** `--search-attribute Name=Type` for every search attribute the project defines. */
export function searchAttributeArgs(): string[] {
  return allSearchAttributeKeys.flatMap((key) => [
    '--search-attribute',
    `${key.name}=${TypedSearchAttributes.toMetadataType(key.type)}`,
  ]);
}

let cliPath: Promise<string> | undefined;

/** Absolute path of a working `temporal` CLI, via scripts/temporal-cli.sh; resolved once per process. */
export function resolveTemporalCli(): Promise<string> {
  cliPath ??= runCliScript().catch((err: unknown) => {
    cliPath = undefined; // let a later call retry, e.g. after the user fixed TEMPORAL_CLI_PATH
    throw err;
  });
  return cliPath;
}

function runCliScript(): Promise<string> {
  return new Promise((resolve, reject) => {
    // stderr is inherited so a slow first acquisition (download/build) shows its progress.
    const child = spawn('bash', [CLI_SCRIPT], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (out += chunk));
    child.on('error', reject);
    child.on('close', (code) => {
      const found = out.trim();
      if (code === 0 && path.isAbsolute(found)) resolve(found);
      else reject(new Error(`${CLI_SCRIPT} failed (exit ${code}); see its messages above`));
    });
  });
}

/** Ports nothing listens on right now (the OS picks them; tiny race until the server binds them). */
export async function freePorts(count: number): Promise<number[]> {
  const servers = await Promise.all(
    Array.from({ length: count }, () => new Promise<ReturnType<typeof createServer>>((resolve, reject) => {
      const srv = createServer();
      srv.once('error', reject);
      srv.listen(0, '127.0.0.1', () => resolve(srv));
    })),
  );
  // All held open at once so the ports are distinct.
  const ports = servers.map((srv) => (srv.address() as AddressInfo).port);
  await Promise.all(servers.map((srv) => new Promise((resolve) => srv.close(resolve))));
  return ports;
}

/**
 * Fails fast on an occupied port: otherwise the readiness check would happily talk to whatever server already
 * listens there while ours fails to bind.
 */
function assertPortFree(port: number, what: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', (err: NodeJS.ErrnoException) =>
      reject(new Error(`${what} ${port} on 127.0.0.1 is not available (${err.code ?? err.message})`)),
    );
    srv.listen(port, '127.0.0.1', () => srv.close(() => resolve()));
  });
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * The project's search attributes that `namespace` lacks (or has with another type), as readable strings.
 * Throws while the frontend or namespace is not reachable.
 */
export async function missingSearchAttributes(connection: Connection, namespace: string): Promise<string[]> {
  const { customAttributes } = await connection.operatorService.listSearchAttributes({ namespace });
  return allSearchAttributeKeys
    .filter((key) => customAttributes?.[key.name] !== encodeSearchAttributeIndexedValueType(key.type))
    .map((key) => `${key.name}=${TypedSearchAttributes.toMetadataType(key.type)}`);
}

/**
 * Waits until `address` serves `namespace` with all project search attributes visible, so a first workflow
 * start cannot race their registration. `abort` rejects the wait early (e.g. the server process died).
 */
export async function waitForTemporal(opts: {
  address: string;
  namespace: string;
  timeoutMs: number;
  abort?: Promise<never>;
}): Promise<void> {
  const deadline = Date.now() + opts.timeoutMs;
  let lastProblem = 'not reachable';
  const attempt = async (): Promise<boolean> => {
    // A fresh connection per attempt: gRPC's reconnect backoff would otherwise add seconds after the port opens.
    const connection = Connection.lazy({
      address: opts.address,
      connectTimeout: Math.max(100, Math.min(2_000, deadline - Date.now())),
    });
    try {
      await connection.ensureConnected();
      const missing = await missingSearchAttributes(connection, opts.namespace);
      if (missing.length === 0) return true;
      lastProblem = `search attributes not registered in namespace ${opts.namespace}: ${missing.join(', ')}`;
    } catch (err) {
      lastProblem = err instanceof Error ? err.message : String(err);
    } finally {
      await connection.close();
    }
    return false;
  };
  while (Date.now() < deadline) {
    if (await (opts.abort ? Promise.race([attempt(), opts.abort]) : attempt())) return;
    await sleep(100);
  }
  throw new Error(`Temporal at ${opts.address} not ready after ${opts.timeoutMs} ms: ${lastProblem}`);
}

export async function startDevServer(opts: DevServerOptions = {}): Promise<DevServer> {
  const namespace = opts.namespace ?? 'default';
  const timeoutMs = opts.startTimeoutMs ?? DEFAULT_START_TIMEOUT_MS;
  const binary = await resolveTemporalCli();

  const [freePort, freeUiPort] = await freePorts(2);
  const port = opts.port ?? freePort ?? 7233;
  const uiPort = opts.uiPort ?? freeUiPort ?? port + 1000;
  const address = `127.0.0.1:${port}`;
  await assertPortFree(port, 'port');
  if (uiPort !== false) await assertPortFree(uiPort, 'UI port');

  const args = ['server', 'start-dev', '--ip', '127.0.0.1', '--port', String(port)];
  if (namespace !== 'default') args.push('--namespace', namespace); // `default` always exists
  if (uiPort === false) args.push('--headless');
  else args.push('--ui-port', String(uiPort));
  if (opts.codecEndpoint) args.push('--ui-codec-endpoint', opts.codecEndpoint);
  if (opts.dbFile) {
    const dbFile = path.resolve(opts.dbFile);
    mkdirSync(path.dirname(dbFile), { recursive: true });
    // Same pragmas Temporal's own SDK CI uses: a dev db needs speed, not power-loss durability.
    args.push('--db-filename', dbFile, '--sqlite-pragma', 'journal_mode=WAL', '--sqlite-pragma', 'synchronous=OFF');
  }
  if (opts.logLevel) args.push('--log-level', opts.logLevel);
  for (const kv of DYNAMIC_CONFIG) args.push('--dynamic-config-value', kv);
  args.push(...searchAttributeArgs(), ...(opts.extraArgs ?? []));

  const child = spawn(binary, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  const output = keepOutput(child, opts.forwardOutput ?? false);
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    // 'close', not 'exit': by then its output is fully read, for the error message below.
    child.once('close', (code, signal) => resolve({ code, signal }));
  });
  // Rejects as soon as the server cannot run or exits before it is ready.
  const died = new Promise<never>((_, reject) => {
    child.once('error', (err) => reject(new Error(`could not run ${binary}: ${err.message}`)));
    void exited.then(({ code, signal }) =>
      reject(new Error(`temporal server start-dev exited early (code ${code}, signal ${signal})`)),
    );
  });
  died.catch(() => undefined); // only observed while waiting for readiness
  // Never leave a server behind when this process exits without calling stop().
  const killOnExit = () => child.kill('SIGKILL');
  process.once('exit', killOnExit);

  let stopping: Promise<void> | undefined;
  const stop = (): Promise<void> => {
    stopping ??= (async () => {
      // pid is undefined when spawning failed: there is nothing to stop then.
      if (child.pid !== undefined) {
        const running = child.exitCode === null && child.signalCode === null;
        if (running) child.kill('SIGTERM');
        const timer = running ? setTimeout(() => child.kill('SIGKILL'), STOP_GRACE_MS) : undefined;
        await exited;
        clearTimeout(timer);
      }
      process.removeListener('exit', killOnExit);
    })();
    return stopping;
  };

  try {
    await waitForTemporal({ address, namespace, timeoutMs, abort: died });
  } catch (err) {
    await stop();
    const message = err instanceof Error ? err.message : String(err);
    throw new Error(
      `Temporal dev server did not start: ${message}\n` +
        `command: ${binary} ${args.join(' ')}\n` +
        `last server stderr:\n${output.stderr().join('\n') || '(none)'}\n` +
        `last server stdout:\n${output.stdout().slice(-5).join('\n') || '(none)'}`,
    );
  }

  return {
    address,
    uiUrl: uiPort === false ? undefined : `http://127.0.0.1:${uiPort}`,
    namespace,
    pid: child.pid as number,
    exited,
    stop,
  };
}

/** Keeps the last lines of the child's stderr (where it reports problems) and stdout, for error messages. */
function keepOutput(child: ChildProcess, forward: boolean): { stderr: () => string[]; stdout: () => string[] } {
  const keep = (stream: NodeJS.ReadableStream | null): (() => string[]) => {
    const lines: string[] = [];
    let partial = '';
    stream?.setEncoding('utf8');
    stream?.on('data', (chunk: string) => {
      if (forward) process.stderr.write(chunk);
      const parts = (partial + chunk).split('\n');
      partial = parts.pop() ?? '';
      lines.push(...parts.filter((l) => l.trim() !== ''));
      if (lines.length > OUTPUT_LINES_KEPT) lines.splice(0, lines.length - OUTPUT_LINES_KEPT);
    });
    return () => (partial.trim() ? [...lines, partial] : lines.slice());
  };
  return { stderr: keep(child.stderr), stdout: keep(child.stdout) };
}

// ---- CLI -----------------------------------------------------------------------------------------------

const LOG_LEVELS = ['debug', 'info', 'warn', 'error', 'never'];

function parsePort(flag: string, value: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value) || n < 1 || n > 65535) {
    throw new Error(`invalid ${flag} '${value}': must be an integer from 1 to 65535`);
  }
  return n;
}

/** Where `--detach` keeps the background server's process id and log, relative to the working directory. */
const DETACHED = { pidFile: path.join('.dev', 'temporal-dev-server.pid'), logFile: path.join('.dev', 'temporal-dev-server.log') };

/** Exported for tests; throws with a message naming the flag, the value and the rule. */
export function parseCliArgs(argv: string[]): DevServerOptions {
  const { values } = parseArgs({
    args: argv,
    strict: true,
    allowPositionals: false,
    options: {
      detach: { type: 'boolean' },
      stop: { type: 'boolean' },
      port: { type: 'string' },
      'ui-port': { type: 'string' },
      headless: { type: 'boolean' },
      'db-file': { type: 'string' },
      namespace: { type: 'string' },
      'log-level': { type: 'string' },
      'codec-endpoint': { type: 'string' },
    },
  });
  if (values.headless && values['ui-port'] !== undefined) {
    throw new Error(`--headless and --ui-port ${values['ui-port']} contradict each other: use one`);
  }
  const port = values.port === undefined ? 7233 : parsePort('--port', values.port);
  const uiPort = values.headless
    ? false
    : values['ui-port'] === undefined
      ? port + 1000 // the CLI's own convention: 7233 → 8233
      : parsePort('--ui-port', values['ui-port']);
  if (uiPort !== false && uiPort > 65535) {
    throw new Error(`--port ${port} leaves no default UI port (port + 1000 > 65535): pass --ui-port or --headless`);
  }
  const logLevel = values['log-level'];
  if (logLevel !== undefined && !LOG_LEVELS.includes(logLevel)) {
    throw new Error(`invalid --log-level '${logLevel}': must be one of ${LOG_LEVELS.join(', ')}`);
  }
  if (values['db-file'] === '') throw new Error(`invalid --db-file '': must be a file path`);
  if (values.namespace === '') throw new Error(`invalid --namespace '': must be a non-empty name`);
  return {
    port,
    uiPort,
    dbFile: values['db-file'],
    namespace: values.namespace,
    logLevel,
    codecEndpoint: values['codec-endpoint'],
    forwardOutput: true,
  };
}

/**
 * `--detach`: starts this script again in the background (its log in .dev/), returns once the server answers with
 * the project's search attributes, and leaves its pid in .dev/ for `--stop`. For a README that is pasted into one
 * terminal, and for scripts.
 */
async function detach(argv: string[], options: DevServerOptions): Promise<void> {
  mkdirSync('.dev', { recursive: true });
  if (existsSync(DETACHED.pidFile)) throw new Error(`a detached dev server may be running already (pid file ${DETACHED.pidFile}): stop it with --stop`);
  const log = openSync(DETACHED.logFile, 'w');
  const child = spawn(process.execPath, [...process.execArgv, __filename, ...argv.filter((a) => a !== '--detach')], {
    detached: true,
    stdio: ['ignore', log, log],
  });
  child.unref();
  writeFileSync(DETACHED.pidFile, String(child.pid));
  const died = new Promise<never>((_, reject) => child.once('exit', (code) => reject(new Error(`the dev server exited (code ${code}); see ${DETACHED.logFile}`))));
  const address = `127.0.0.1:${options.port ?? 7233}`;
  try {
    await waitForTemporal({ address, namespace: options.namespace ?? 'default', timeoutMs: 120_000, abort: died });
  } catch (err) {
    rmSync(DETACHED.pidFile, { force: true });
    throw err;
  }
  console.log(`Temporal dev server ready in the background (pid ${child.pid}, log ${DETACHED.logFile})`);
  console.log(`  address:   ${address}`);
  console.log(`  UI:        ${options.uiPort === false ? '(headless)' : `http://127.0.0.1:${options.uiPort}`}`);
  console.log('Stop it with: npx tsx scripts/dev-server.ts --stop');
  process.exit(0);
}

async function stopDetached(): Promise<void> {
  if (!existsSync(DETACHED.pidFile)) {
    console.log(`no detached dev server (no ${DETACHED.pidFile})`);
    return;
  }
  const pid = Number(readFileSync(DETACHED.pidFile, 'utf8'));
  try {
    process.kill(pid, 'SIGTERM');
    while (isAlive(pid)) await sleep(100);
    console.log(`dev server ${pid} stopped`);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ESRCH') throw err;
    console.log(`dev server ${pid} was not running`);
  }
  rmSync(DETACHED.pidFile, { force: true });
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function main(): Promise<void> {
  let options: DevServerOptions;
  const argv = process.argv.slice(2);
  if (argv.includes('--stop')) {
    if (argv.length > 1) {
      console.error('dev-server: --stop takes no other flags');
      process.exitCode = 2;
      return;
    }
    return stopDetached();
  }
  try {
    options = parseCliArgs(argv);
  } catch (err) {
    console.error(`dev-server: ${err instanceof Error ? err.message : String(err)}`);
    console.error(
      'usage: npx tsx scripts/dev-server.ts [--port 7233] [--ui-port 8233 | --headless] [--db-file .dev/temporal.db]' +
        ' [--namespace NAME] [--log-level debug|info|warn|error|never] [--codec-endpoint URL] [--detach | --stop]',
    );
    process.exitCode = 2;
    return;
  }
  if (argv.includes('--detach')) return detach(argv, options);
  const server = await startDevServer(options);
  console.log(`Temporal dev server ready (pid ${server.pid})`);
  console.log(`  address:   ${server.address}`);
  console.log(`  namespace: ${server.namespace}`);
  console.log(`  UI:        ${server.uiUrl ?? '(headless)'}`);
  console.log(`  storage:   ${options.dbFile ? path.resolve(options.dbFile) : 'in-memory (lost on exit)'}`);
  console.log('Press Ctrl-C to stop.');

  let shuttingDown = false;
  const shutdown = (signal: string) => {
    shuttingDown = true;
    console.log(`\n${signal}: stopping the dev server…`);
    void server.stop().then(() => process.exit(0));
  };
  process.once('SIGINT', shutdown);
  process.once('SIGTERM', shutdown);

  const { code, signal } = await server.exited;
  if (!shuttingDown) {
    console.error(`dev-server: temporal exited unexpectedly (code ${code}, signal ${signal})`);
    process.exit(1);
  }
}

// Run only when executed directly (`npx tsx scripts/dev-server.ts`), not when imported by tests.
if (typeof require !== 'undefined' && typeof module !== 'undefined' && require.main === module) {
  main().catch((err: unknown) => {
    console.error(err instanceof Error ? err.message : err);
    process.exit(1);
  });
}
