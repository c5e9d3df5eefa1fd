// Every step's state, answered by the `status` query at any moment and mirrored to search attributes.
import { CancellationScope, CancelledFailure, defineQuery, isCancellation, upsertSearchAttributes } from '@temporalio/workflow';
import { SearchAttributes } from '../domain/search-attributes';
import type { AwaitingOps, Direction, OpsDecision, SetupPhase, SetupStatus, StepState, StepStatus } from '../domain/setup';

export const statusQuery = defineQuery<SetupStatus>('status');

type Resource = NonNullable<StepStatus['resource']>;

export class SetupProgress {
  private readonly steps: StepStatus[];
  private phase: SetupPhase = 'running';
  /** The step whose failure ended the setup (not set by a cancellation). */
  private failed: string | undefined;
  private awaiting: AwaitingOps | undefined;
  private readonly decisions: SetupStatus['decisions'] = [];

  constructor(
    private readonly direction: Direction,
    private readonly customerId: string,
    stepNames: string[],
  ) {
    this.steps = stepNames.map((name) => ({ name, state: 'pending' }));
  }

  /** Steps known only once the setup has begun (the platform's side, when it is configured by API), after `after`. */
  insertSteps(after: string, names: string[]): void {
    const at = this.steps.findIndex((s) => s.name === after);
    this.steps.splice(at < 0 ? this.steps.length : at + 1, 0, ...names.map((name) => ({ name, state: 'pending' as const })));
  }

  snapshot(): SetupStatus {
    return {
      direction: this.direction,
      customerId: this.customerId,
      phase: this.phase,
      steps: this.steps.map((s) => ({ ...s, resource: s.resource ? { ...s.resource } : undefined })),
      ...(this.awaiting ? { awaitingOps: { ...this.awaiting } } : {}),
      decisions: this.decisions.map((d) => ({ ...d })),
    };
  }

  awaitOps(awaiting: AwaitingOps): void {
    this.awaiting = awaiting;
    this.setPhase('awaiting-ops');
  }

  stopAwaitingOps(): void {
    this.awaiting = undefined;
    this.setPhase('running');
  }

  recordDecision(decision: OpsDecision, outcome: string): void {
    this.decisions.push({ at: new Date().toISOString(), decision, outcome });
  }

  /**
   * Runs a step: running → done, or failed with the error's message (then rethrows). A cancellation that arrived
   * while the step's request was in flight (which is let finish) is raised once the step returns.
   */
  async run<T>(name: string, body: () => Promise<T>): Promise<T> {
    // A step run again on an operator's decision starts clean.
    if (this.failed === name) this.failed = undefined;
    delete this.step(name).error;
    this.mark(name, 'running');
    try {
      const result = await body();
      if (CancellationScope.current().consideredCancelled) throw new CancelledFailure('setup cancelled');
      this.mark(name, 'done');
      return result;
    } catch (err) {
      if (isCancellation(err)) {
        this.mark(name, 'failed', { error: 'cancelled' });
      } else {
        this.recordFailure(name, err instanceof Error ? err.message : String(err));
      }
      throw err;
    }
  }

  recordFailure(name: string, error: string): void {
    this.failed ??= name;
    this.mark(name, 'failed', { error });
  }

  /** A compensated step shows as such, except the one that failed: its failure stays visible. */
  markCompensated(name: string): void {
    if (name !== this.failed) this.mark(name, 'compensated');
  }

  mark(name: string, state: StepState, patch: { error?: string } = {}): void {
    const step = this.step(name);
    step.state = state;
    if (patch.error !== undefined) step.error = patch.error;
  }

  record(name: string, resource: Resource): void {
    const step = this.step(name);
    step.resource = { ...step.resource, ...resource };
  }

  failedStep(): string | undefined {
    return this.failed;
  }

  setPhase(phase: SetupPhase): void {
    this.phase = phase;
    const state = phase === 'rolling-back' ? 'running' : phase;
    const failed = this.failedStep();
    // A failed step stays findable until the setup succeeds again.
    upsertSearchAttributes([
      { key: SearchAttributes.state, value: state },
      { key: SearchAttributes.failedStep, value: failed ?? null },
    ]);
  }

  private step(name: string): StepStatus {
    let step = this.steps.find((s) => s.name === name);
    if (!step) {
      step = { name, state: 'pending' };
      this.steps.push(step);
    }
    return step;
  }
}
