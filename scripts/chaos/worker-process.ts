// A worker in its own process, so it can be killed the hard way (SIGKILL) and started again.
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import type { ExotelAccountSettings } from '../../exotel/accounts';

const ROOT = join(__dirname, '..', '..');

export interface WorkerProcessOptions {
  temporalAddress: string;
  namespace: string;
  taskQueue: string;
  accounts: ExotelAccountSettings[];
  workflowBundlePath: string;
  /** More environment for the worker (codec keys, say). */
  env?: Record<string, string>;
}

/** Starts the worker again whenever it dies, as a process supervisor would (a server restart can end it). */
export class WorkerProcess {
  private child: ChildProcess | undefined;
  private output: string[] = [];
  private stopping = false;
  starts = 0;
  kills = 0;

  constructor(private readonly options: WorkerProcessOptions) {}

  start(): void {
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
        WORKFLOW_BUNDLE_PATH: o.workflowBundlePath,
        WORKER_SHUTDOWN_GRACE_SECONDS: '1',
        // The chaos run's histories become replay fixtures, readable without keys.
        WORKER_MODE: 'demo',
        ...o.env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const keep = (chunk: Buffer) => {
      this.output.push(...chunk.toString().split('\n').filter(Boolean));
      this.output = this.output.slice(-5_000);
    };
    const child = this.child;
    child.stdout?.on('data', keep);
    child.stderr?.on('data', keep);
    child.once('exit', () => {
      if (!this.stopping && this.child === child) setTimeout(() => this.child === child && !this.stopping && this.start(), 1_000);
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
    child.kill('SIGKILL');
    await exited;
    this.kills++;
  }

  async stop(): Promise<void> {
    this.stopping = true;
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
