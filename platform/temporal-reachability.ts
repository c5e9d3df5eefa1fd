// Whether the Temporal server answers the worker's connection: a cheap call every few seconds, so /healthz can say
// "unreachable" while the SDK Worker stays RUNNING with its polls failing (it retries them for as long as it takes).
// It never throws out of its loop, keeps no timer that holds the process alive, and logs only the transitions,
// never the connection's options (its metadata holds the API key).
import type { NativeConnection } from '@temporalio/worker';

/** Often enough that a probe sees a lost server within a probe period or two, rarely enough to cost nothing. */
export const REACHABILITY_CHECK_INTERVAL_MS = 10_000;
/**
 * Per attempt: getSystemInfo answers in milliseconds, so a frontend that accepts and then hangs is cut short (Core
 * still retries UNAVAILABLE on its own, so a refused connection fails after ~5 s whatever this says).
 */
export const REACHABILITY_CHECK_TIMEOUT_MS = 5_000;
/** Three missed checks: one slow answer or a server's rolling restart does not take the worker out of rotation. */
export const UNREACHABLE_AFTER_MS = 30_000;

export interface ServerReachability {
  /** True while the last answer from the server is at most `unreachableAfterMs` old. */
  reachable(): boolean;
  /** Ends the checks; an answer still on its way is ignored. */
  stop(): void;
}

export interface ReachabilityOptions {
  /** The worker's own connection: what must answer is the path its polls take. */
  connection: Pick<NativeConnection, 'workflowService' | 'withDeadline'>;
  intervalMs?: number;
  timeoutMs?: number;
  unreachableAfterMs?: number;
  /** Told once when the server becomes unreachable and once when it answers again. */
  logger?: { warn(message: string): void; info(message: string): void };
  /** Named in the log lines (an address, never the options). */
  serverName?: string;
}

/**
 * Starts checking at once. The connection has just been made, so the server counts as reachable from now until
 * `unreachableAfterMs` passes without an answer.
 */
export function startReachabilityCheck(o: ReachabilityOptions): ServerReachability {
  const intervalMs = o.intervalMs ?? REACHABILITY_CHECK_INTERVAL_MS;
  const timeoutMs = o.timeoutMs ?? REACHABILITY_CHECK_TIMEOUT_MS;
  const unreachableAfterMs = o.unreachableAfterMs ?? UNREACHABLE_AFTER_MS;
  const server = o.serverName ? `the Temporal server at ${o.serverName}` : 'the Temporal server';
  let lastAnswer = Date.now();
  let lastProblem: string | undefined;
  let reportedUnreachable = false;
  let inFlight = false;
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;

  const reachable = () => Date.now() - lastAnswer <= unreachableAfterMs;

  // Logged where the state is evaluated on the timer, so each transition is told once, whatever /healthz asks.
  const report = () => {
    const now = reachable();
    if (!now && !reportedUnreachable) {
      reportedUnreachable = true;
      o.logger?.warn(`${server} has not answered for ${Math.round((Date.now() - lastAnswer) / 1000)} s (${lastProblem ?? 'its check still waits for an answer'}): /healthz says unreachable`);
    } else if (now && reportedUnreachable) {
      reportedUnreachable = false;
      o.logger?.info(`${server} answers again: /healthz follows the worker again`);
    }
  };

  const check = async () => {
    inFlight = true;
    try {
      // The SDK's own readiness call (Connection.ensureConnected): needs no namespace and no permission beyond the key.
      await o.connection.withDeadline(Date.now() + timeoutMs, () => o.connection.workflowService.getSystemInfo({}));
      if (!stopped) lastAnswer = Date.now();
      lastProblem = undefined;
    } catch (err) {
      // Only the error's message: the gRPC status, never the request's metadata.
      lastProblem = err instanceof Error ? err.message.split('\n')[0]!.slice(0, 200) : 'the call failed';
    } finally {
      inFlight = false;
    }
    if (!stopped) report();
  };

  const tick = () => {
    if (stopped) return;
    try {
      report();
      // A check still waiting on a slow server is not doubled: its deadline and Core's bounded retries end it.
      if (!inFlight) void check().catch(() => undefined);
    } catch {
      // A logger that throws must not end the checks.
    }
    timer = setTimeout(tick, intervalMs);
    timer.unref();
  };
  tick();

  return {
    reachable,
    stop: () => {
      stopped = true;
      clearTimeout(timer);
    },
  };
}
