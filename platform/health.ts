// What /healthz answers: 200 only while the process does its work, 503 while it starts, drains or has stopped, so
// a load balancer or orchestrator stops sending work to a worker that received SIGTERM.
import type { State as WorkerState } from '@temporalio/worker';

export type HealthState = 'starting' | 'serving' | 'draining' | 'stopped';

export interface HealthSource {
  state(): HealthState;
}

/** For processes that say themselves where they are (the signup receiver). */
export class ProcessHealth implements HealthSource {
  private current: HealthState = 'starting';

  set(state: HealthState): void {
    this.current = state;
  }

  state(): HealthState {
    return this.current;
  }
}

const FROM_WORKER: Record<WorkerState, HealthState> = {
  INITIALIZED: 'starting',
  RUNNING: 'serving',
  STOPPING: 'draining',
  DRAINING: 'draining',
  DRAINED: 'draining',
  STOPPED: 'stopped',
  FAILED: 'stopped',
};

/** Follows the worker's own state, which the SDK moves to STOPPING/DRAINING on SIGTERM. */
export function workerHealth(worker: { getState(): WorkerState }): HealthSource {
  return { state: () => FROM_WORKER[worker.getState()] };
}
