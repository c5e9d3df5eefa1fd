// A worker in its own process, so it can be killed the hard way (SIGKILL) and started again.
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import type { ExotelAccountSettings } from '../../exotel/accounts';
import type { PlatformAccountSettings } from '../../voice-ai/accounts';

const ROOT = join(__dirname, '..', '..');
/** A worker that exits by itself sooner than this after its start did not get going (a broken import, say). */
const QUICK_EXIT_MS = 15_000;
/** What worker/main.ts logs once the worker polls its task queue. */
const POLLING_LINE = 'worker polling ';

export interface WorkerProcessOptions {
  temporalAddress: string;
  namespace: string;
  taskQueue: string;
  accounts: ExotelAccountSettings[];
  /** The voice-AI platform accounts (VOICE_AI_ACCOUNTS): in the worker's environment, never on its command line. */
  platformAccounts?: PlatformAccountSettings[];
  workflowBundlePath: string;
  /** More environment for the worker (codec keys, say). */
  env?: Record<string, string>;
}

/** Starts the worker again whenever it dies, as a process supervisor would (a server restart can end it). */
export class WorkerProcess {
  private child: ChildProcess | undefined;
  private output: string[] = [];
  private stopping = false;
  /** Stopped for good: nothing starts it again (a kill loop still running, say). */
  private stopped = false;
  starts = 0;
  kills = 0;
  /** Workers in a row that died on their own within QUICK_EXIT_MS of starting: a worker that cannot start. */
  quickExits = 0;
  /** The running worker has said it polls its task queue. */
  polling = false;

  constructor(private readonly options: WorkerProcessOptions) {}

  start(): void {
    if (this.stopped) return;
    const o = this.options;
    // `node --import tsx` keeps the worker in this one process: a SIGKILL reaches the worker itself.
    this.child = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'worker', 'main.ts')], {
      cwd: ROOT,
      env: {
        ...process.env,
        TEMPORAL_ADDRESS: o.temporalAddress,
        TEMPORAL_NAMESPACE: o.namespace,
        TEMPORAL_TASK_QUEUE: o.taskQueue,
        EXOTEL_ACCOUNTS: JSON.stringify(o.accounts),
        // Inline only: a file variable inherited from the caller's environment would be "both" (refused).
        EXOTEL_ACCOUNTS_FILE: '',
        VOICE_AI_ACCOUNTS: o.platformAccounts?.length ? JSON.stringify(o.platformAccounts) : '',
        VOICE_AI_ACCOUNTS_FILE: '',
        WORKFLOW_BUNDLE_PATH: o.workflowBundlePath,
        WORKER_SHUTDOWN_GRACE_SECONDS: '1',
        // The chaos run's histories become replay fixtures, readable without keys.
        WORKER_MODE: 'demo',
        ...o.env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const child = this.child;
    this.polling = false;
    const keep = (chunk: Buffer) => {
      const text = chunk.toString();
      if (this.child === child && text.includes(POLLING_LINE)) this.polling = true;
      this.output.push(...text.split('\n').filter(Boolean));
      this.output = this.output.slice(-5_000);
    };
    const startedAt = Date.now();
    child.stdout?.on('data', keep);
    child.stderr?.on('data', keep);
    child.once('exit', () => {
      if (this.stopping || this.child !== child) return;
      // Died on its own (not killed here): a quick death again and again is a worker that cannot start.
      this.quickExits = Date.now() - startedAt < QUICK_EXIT_MS ? this.quickExits + 1 : 0;
      setTimeout(() => this.child === child && !this.stopping && this.start(), 1_000);
    });
    this.starts++;
  }

  /** Starts the worker once, without restarting it, and resolves with its exit code. */
  async runToExit(): Promise<number | null> {
    this.stopping = true;
    this.start();
    const child = this.child!;
    return new Promise((resolve) => child.once('exit', (code) => resolve(code)));
  }

  /** SIGKILL: no shutdown, in-flight activities are lost mid-request and time out on the server. */
  async kill(): Promise<void> {
    const child = this.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    this.child = undefined;
    this.polling = false;
    child.kill('SIGKILL');
    await exited;
    this.kills++;
  }

  async stop(): Promise<void> {
    this.stopping = true;
    this.stopped = true;
    const child = this.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
    await exited;
    clearTimeout(timer);
  }

  /** The running worker's process id, if one runs. */
  get pid(): number | undefined {
    return this.child?.pid;
  }

  /** What the worker printed (its last 5,000 lines). */
  printed(): string {
    return this.output.join('\n');
  }
}
