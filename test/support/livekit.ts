// A real, throwaway LiveKit server for tests: `livekit-server --dev` backed by its own Redis (LiveKit keeps SIP
// trunks and dispatch rules there), both on free ports, with logs and Redis' dir in a temp dir removed by stop().
// The binaries come from scripts/livekit-server.sh (built from the Go module proxy on first use, minutes) and
// scripts/redis-server.sh (Debian apt); no internet needed.
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { freePorts } from '../../scripts/dev-server';

export interface LiveKitServer {
  /** http://127.0.0.1:PORT, what the server SDK's clients take as host. */
  url: string;
  apiKey: string;
  apiSecret: string;
  /** Kills livekit-server and Redis and removes the temp dir. Idempotent. */
  stop(): Promise<void>;
}

export interface StartLiveKitOptions {
  /** Give up waiting for readiness (after the binaries are resolved) after this long; default 30 s. */
  startTimeoutMs?: number;
}

// --dev without `keys` uses these placeholder credentials.
const DEV_API_KEY = 'devkey';
const DEV_API_SECRET = 'secret';
const DEFAULT_START_TIMEOUT_MS = 30_000;
const STOP_GRACE_MS = 5_000;
const LOG_LINES_IN_ERRORS = 30;

const SCRIPTS = path.join(__dirname, '..', '..', 'scripts');

const resolved = new Map<string, Promise<string>>();

/** Absolute path printed by one of the scripts/<tool>.sh resolvers; resolved once per process. */
function resolveBinary(script: string): Promise<string> {
  let found = resolved.get(script);
  if (!found) {
    found = runResolver(path.join(SCRIPTS, script));
    found.catch(() => resolved.delete(script)); // let a later call retry, e.g. after the user set the override
    resolved.set(script, found);
  }
  return found;
}

function runResolver(script: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = execFile('bash', [script], { encoding: 'utf8', maxBuffer: 1024 * 1024 }, (err, stdout) => {
      const found = stdout.trim();
      if (!err && path.isAbsolute(found)) resolve(found);
      else reject(new Error(`${script} failed (${err ? err.message.split('\n')[0] : `printed '${found}'`}); see its messages above`));
    });
    // Its progress (a first build takes minutes) shows as it happens.
    child.stderr?.on('data', (chunk: string) => process.stderr.write(chunk));
  });
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function lastLines(file: string, count = LOG_LINES_IN_ERRORS): string {
  try {
    const lines = readFileSync(file, 'utf8').split('\n').filter((l) => l.trim() !== '');
    return lines.slice(-count).join('\n') || '(empty)';
  } catch {
    return '(no log)';
  }
}

/** An error's message with its cause's (fetch only says "fetch failed"; the cause says ECONNREFUSED …). */
function problemOf(err: unknown): string {
  if (!(err instanceof Error)) return String(err);
  return err.cause instanceof Error ? `${err.message}: ${err.cause.message}` : err.message;
}

/** A child whose stdout and stderr go to `logFile`. */
interface Proc {
  child: ChildProcess;
  name: string;
  logFile: string;
  /** Settles when the process has exited. */
  exited: Promise<void>;
  /** Rejects once the process exits or fails to spawn (only observed while waiting for readiness). */
  died: Promise<never>;
}

function startProcess(name: string, binary: string, args: string[], cwd: string, logFile: string): Proc {
  const fd = openSync(logFile, 'a');
  let child: ChildProcess;
  try {
    child = spawn(binary, args, { cwd, stdio: ['ignore', fd, fd] });
  } finally {
    closeSync(fd); // the child has its own copy
  }
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const died = new Promise<never>((_, reject) => {
    child.once('error', (err) => reject(new Error(`could not run ${binary}: ${err.message}`)));
    child.once('exit', (code, signal) => reject(new Error(`${name} exited early (code ${code}, signal ${signal})`)));
  });
  died.catch(() => undefined);
  return { child, name, logFile, exited, died };
}

async function stopProcess(proc: Proc): Promise<void> {
  const { child } = proc;
  if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), STOP_GRACE_MS);
  await proc.exited;
  clearTimeout(timer);
}

/** Polls `check` until it returns true, `proc` dies, or the deadline passes; errors carry its log's tail. */
async function waitUntil(proc: Proc, what: string, deadline: number, check: () => Promise<boolean>): Promise<void> {
  let lastProblem = 'not reachable';
  const attempt = async (): Promise<boolean> => {
    try {
      return await check();
    } catch (err) {
      lastProblem = problemOf(err);
      return false;
    }
  };
  try {
    while (Date.now() < deadline) {
      if (await Promise.race([attempt(), proc.died])) return;
      await Promise.race([sleep(100), proc.died]);
    }
    throw new Error(`${what} not ready in time: ${lastProblem}`);
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    throw new Error(`${message}\nlast lines of ${proc.name}'s log:\n${lastLines(proc.logFile)}`);
  }
}

/** True once Redis on 127.0.0.1:port answers PING. */
function redisPing(port: number): Promise<boolean> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: '127.0.0.1', port });
    let reply = '';
    socket.setTimeout(1_000, () => socket.destroy(new Error('PING timed out')));
    socket.once('error', reject);
    socket.once('close', () => reject(new Error('connection closed without a reply'))); // no-op once settled
    socket.once('connect', () => socket.write('PING\r\n'));
    socket.on('data', (chunk) => {
      reply += chunk.toString('utf8');
      if (reply.includes('\r\n')) {
        socket.end();
        if (reply.startsWith('+PONG')) resolve(true);
        else reject(new Error(`redis answered ${reply.trim()}`)); // e.g. -LOADING
      }
    });
  });
}

/** True once livekit-server's HTTP port answers its health check (`GET /` → 200 OK). */
async function liveKitHealthy(url: string): Promise<boolean> {
  const res = await fetch(`${url}/`, { signal: AbortSignal.timeout(1_000) });
  if (res.ok) return true;
  throw new Error(`GET ${url}/ answered ${res.status} ${(await res.text()).trim()}`);
}

export async function startLiveKit(opts: StartLiveKitOptions = {}): Promise<LiveKitServer> {
  // Sequential: the first build prints minutes of progress, and Redis' apt output should not interleave with it.
  const redisBinary = await resolveBinary('redis-server.sh');
  const liveKitBinary = await resolveBinary('livekit-server.sh');

  const dir = mkdtempSync(path.join(os.tmpdir(), 'livekit-test-'));
  // HTTP (Twirp API + signalling), ICE/TCP, and the single UDP port (UDP mux) that replaces the 7880/7881/7882
  // defaults; each free TCP port is almost surely a free UDP port too. Redis gets the fourth.
  const ports = await freePorts(4);
  const [redisPort, httpPort, rtcTcpPort, rtcUdpPort] = ports as [number, number, number, number];
  const url = `http://127.0.0.1:${httpPort}`;
  const deadline = Date.now() + (opts.startTimeoutMs ?? DEFAULT_START_TIMEOUT_MS);

  const procs: Proc[] = [];
  // Never leave servers behind when this process exits without calling stop().
  const killOnExit = () => procs.forEach((p) => p.child.kill('SIGKILL'));
  process.once('exit', killOnExit);

  let stopping: Promise<void> | undefined;
  const stop = (): Promise<void> => {
    stopping ??= (async () => {
      // LiveKit first: it would log Redis connection errors while shutting down otherwise.
      for (const proc of [...procs].reverse()) await stopProcess(proc);
      process.removeListener('exit', killOnExit);
      rmSync(dir, { recursive: true, force: true });
    })();
    return stopping;
  };

  try {
    // No persistence: nothing outlives the test, and no dump.rdb appears anywhere.
    const redis = startProcess(
      'redis-server',
      redisBinary,
      ['--port', String(redisPort), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir,
        '--daemonize', 'no'],
      dir,
      path.join(dir, 'redis.log'),
    );
    procs.push(redis);
    await waitUntil(redis, `redis-server on 127.0.0.1:${redisPort}`, deadline, () => redisPing(redisPort));

    // YAML is a superset of JSON; livekit-server rejects unknown keys (strict config), so typos fail loudly.
    // Media stays on loopback: node_ip and the IP filter keep the UDP mux off the machine's other addresses (ICE/TCP
    // still listens on all of them; 1.9.11 has no setting for that), and nothing asks a STUN server for an address.
    const config = JSON.stringify({
      port: httpPort,
      rtc: {
        tcp_port: rtcTcpPort,
        udp_port: rtcUdpPort,
        use_external_ip: false,
        node_ip: '127.0.0.1',
        enable_loopback_candidate: true,
        ips: { includes: ['127.0.0.1/32'] },
      },
      logging: { level: 'info' }, // --dev defaults to debug
    });
    const args = ['--dev', '--bind', '127.0.0.1', '--redis-host', `127.0.0.1:${redisPort}`, '--config-body', config];
    const liveKit = startProcess('livekit-server', liveKitBinary, args, dir, path.join(dir, 'livekit.log'));
    procs.push(liveKit);
    await waitUntil(liveKit, `livekit-server at ${url}`, deadline, () => liveKitHealthy(url));
  } catch (err) {
    await stop();
    const message = err instanceof Error ? err.message : String(err);
    throw new Error(`LiveKit server did not start: ${message}`);
  }

  return { url, apiKey: DEV_API_KEY, apiSecret: DEV_API_SECRET, stop };
}
