// What /healthz answers: 200 only while the process does its work, 503 while it starts, drains, has stopped or cannot
// reach its Temporal server, so a load balancer or orchestrator stops counting on a worker that received SIGTERM or
// whose polls fail.
import type { State as WorkerState } from '@temporalio/worker';

export type HealthState = 'starting' | 'serving' | 'unreachable' | 'draining' | 'stopped';

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

/**
 * Follows the worker's own state, which the SDK moves to STOPPING/DRAINING on SIGTERM. With `server`
 * (platform/temporal-reachability.ts), a RUNNING worker whose Temporal server has stopped answering is `unreachable`:
 * the SDK keeps such a worker RUNNING while it retries its polls.
 */
export function workerHealth(worker: { getState(): WorkerState }, server?: { reachable(): boolean }): HealthSource {
  return {
    state: () => {
      const state = FROM_WORKER[worker.getState()];
      return state === 'serving' && server && !server.reachable() ? 'unreachable' : state;
    },
  };
}
