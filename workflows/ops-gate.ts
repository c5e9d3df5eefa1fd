// Waiting for people: a forward step that failed for good parks the setup in `awaiting-ops` until an operator
// retries it (optionally with corrected input) or rolls it back, or until the wait runs out and it rolls back by
// itself. Decisions come as the Update `decide` (validated, answers what will happen) or, for the UI's signal form
// and `temporal workflow signal`, as the Signal `decision` with the same JSON.
import { msToNumber } from '@temporalio/common/lib/time';
import { condition, defineSignal, defineUpdate, getExternalWorkflowHandle, isCancellation, log, setCurrentDetails, setHandler, workflowInfo } from '@temporalio/workflow';
import { applyOpsDecision } from '../domain/ops-decision';
import { DEFAULT_OPS_DECISION_TIMEOUT, type Direction, type OpsDecision, type SetupCorrections } from '../domain/setup';
import type { SetupInputOf } from '../domain/setup-validation';
import { describeFailure } from './failures';
import type { SetupProgress } from './progress';
import { asInteractive } from './priority';
import type { Saga } from './saga';

export const decideUpdate = defineUpdate<string, [OpsDecision]>('decide');
export const decisionSignal = defineSignal<[OpsDecision]>('decision');
/** Sent by a setup to the batch that started it when it starts or stops waiting for ops. */
export const childAwaitingOpsSignal = defineSignal<[{ workflowId: string; awaiting: boolean }]>('childAwaitingOps');

/** Which input fields each step reads, to know what a retry may still correct. */
export type StepInputs = Record<string, (keyof SetupCorrections)[]>;

/** What a gate guards: a setup's input, or a line operation's. */
export interface GateSubject<I> {
  input: I;
  /** How long to wait for a person before rolling back by itself; 0 rolls back at once. */
  decisionTimeoutMs(input: I): number;
  /** Checks a decision (throwing InputValidationError) and returns the input a retry runs with. */
  apply(input: I, decision: OpsDecision, correctable: (keyof SetupCorrections)[]): I;
  /** Told when the gate starts and stops waiting (a batch counts its setups that wait). */
  onAwaiting?(awaiting: boolean): Promise<void>;
  /** The trunkctl commands that decide, for the UI's current details. */
  decideWith: { retry: string; rollback: string };
}

/** A setup's gate: corrections checked by the setup's own rules; a batch told when its setup waits. */
export function setupGateSubject<D extends Direction>(direction: D, input: SetupInputOf<D>): GateSubject<SetupInputOf<D>> {
  return {
    input,
    decisionTimeoutMs: (current) => msToNumber(current.opsDecisionTimeout ?? DEFAULT_OPS_DECISION_TIMEOUT),
    decideWith: {
      retry: `trunkctl retry ${input.customerId} --direction ${direction}`,
      rollback: `trunkctl rollback ${input.customerId} --direction ${direction}`,
    },
    apply: (current, decision, correctable) => applyOpsDecision(direction, current, decision, correctable),
    onAwaiting: async (awaiting) => {
      const batch = input.notifyWorkflowId;
      if (!batch) return;
      // A batch that has ended has nobody to tell.
      await getExternalWorkflowHandle(batch)
        .signal(childAwaitingOpsSignal, { workflowId: workflowInfo().workflowId, awaiting })
        .catch(() => undefined);
    },
  };
}

export class OpsGate<I> {
  private waitingOn: { step: string; correctable: (keyof SetupCorrections)[] } | undefined;
  private decision: OpsDecision | undefined;
  private decisionsTaken = 0;
  /** What the steps run with; an operator's retry with corrections replaces it. */
  private current: I;

  constructor(
    private readonly subject: GateSubject<I>,
    private readonly progress: SetupProgress,
    private readonly saga: Saga,
    private readonly stepOrder: string[],
    private readonly stepInputs: StepInputs,
  ) {
    this.current = subject.input;
    setHandler(decideUpdate, (d: OpsDecision) => this.accept(d), { validator: (d: OpsDecision) => this.check(d) });
    setHandler(decisionSignal, (d) => {
      try {
        this.check(d);
        this.accept(d);
      } catch (err) {
        // A signal cannot be refused to its sender: the refusal is kept in the status for people to see.
        const reason = err instanceof Error ? err.message : String(err);
        this.progress.recordDecision(d, `refused: ${reason}`);
        log.warn('ops decision refused', { reason });
      }
    });
  }

  /** The input as it stands now, corrections included. */
  get input(): I {
    return this.current;
  }

  /** True once a person has decided about this setup: what follows is their work, at interactive priority. */
  get decidedByPerson(): boolean {
    return this.decisionsTaken > 0;
  }

  /** Runs a step on the current input; when it fails for good, waits for a decision and runs it again on `retry`. */
  async step<T>(name: string, body: (input: I) => Promise<T>): Promise<T> {
    for (;;) {
      try {
        const run = () => this.progress.run(name, () => body(this.current));
        return await (this.decidedByPerson ? asInteractive(run) : run());
      } catch (err) {
        await this.awaitDecision(name, err);
      }
    }
  }

  /** Returns when an operator says retry; rethrows `err` on roll back, on time out, or when the setup was cancelled. */
  private async awaitDecision(step: string, err: unknown): Promise<void> {
    const timeout = this.subject.decisionTimeoutMs(this.current);
    // A cancelled setup rolls back; nobody is asked.
    if (timeout === 0 || isCancellation(err)) throw err;
    const now = Date.now();
    this.waitingOn = { step, correctable: this.correctableAt(step) };
    this.decision = undefined;
    const waiting = {
      step,
      error: describeFailure(err),
      since: new Date(now).toISOString(),
      rollsBackAt: new Date(now + timeout).toISOString(),
      choices: ['retry', 'rollback'] as ('retry' | 'rollback')[],
      correctable: this.waitingOn.correctable,
    };
    this.progress.awaitOps(waiting);
    setCurrentDetails(this.waitingDetails(waiting));
    await this.subject.onAwaiting?.(true);
    const decided = await condition(() => this.decision !== undefined, timeout);
    setCurrentDetails('');
    await this.subject.onAwaiting?.(false);
    // Set by a handler while the condition waited (TypeScript cannot see that).
    const decision = this.decision as OpsDecision | undefined;
    this.waitingOn = undefined;
    this.progress.stopAwaitingOps();
    if (!decided || !decision) {
      this.progress.recordDecision({ action: 'rollback', note: 'no decision in time' }, 'rolling back by itself');
      throw err;
    }
    if (decision.action === 'rollback') throw err;
    this.current = this.subject.apply(this.current, decision, this.correctableAt(step));
  }

  /** What the UI shows at the top of a waiting workflow (Temporal markdown): what failed, and how to decide. */
  private waitingDetails(w: { step: string; error: string; since: string; rollsBackAt: string; correctable: string[] }): string {
    const { retry, rollback } = this.subject.decideWith;
    return [
      `**Waiting for a decision**: step \`${w.step}\` failed for good.`,
      '',
      `- **error**: ${w.error}`,
      `- **since**: ${w.since}; rolls back by itself at ${w.rollsBackAt}`,
      `- **retry**: \`${retry}\`${w.correctable.length ? ` (a retry may correct ${w.correctable.join(', ')})` : ''}, or the Update \`decide\` / Signal \`decision\` with \`{"action": "retry"}\``,
      `- **roll back**: \`${rollback}\`, or \`{"action": "rollback", "note": "why"}\``,
      '- the query `status` has every step and what it created',
    ].join('\n');
  }

  private check(decision: OpsDecision): void {
    if (!this.waitingOn || this.decision) {
      throw new Error(`${workflowInfo().workflowId} is not waiting for a decision`);
    }
    this.subject.apply(this.current, decision, this.waitingOn.correctable);
  }

  private accept(decision: OpsDecision): string {
    const step = this.waitingOn?.step ?? 'unknown';
    const outcome =
      decision.action === 'retry'
        ? `will retry step ${step}${decision.corrections ? ` with ${JSON.stringify(decision.corrections)}` : ''}`
        : `will roll back ${this.saga.pendingSteps().join(', ') || 'nothing (nothing was created)'}`;
    this.decision = decision;
    this.decisionsTaken++;
    this.progress.recordDecision(decision, outcome);
    return outcome;
  }

  /** Fields read by this step or a later one, and by no step that already finished. */
  private correctableAt(step: string): (keyof SetupCorrections)[] {
    const at = this.stepOrder.indexOf(step);
    const used = new Set(this.stepOrder.slice(0, at).flatMap((s) => this.stepInputs[s] ?? []));
    const ahead = new Set(this.stepOrder.slice(at).flatMap((s) => this.stepInputs[s] ?? []));
    return [...ahead].filter((f) => !used.has(f));
  }
}
