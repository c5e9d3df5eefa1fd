// How every setup runs, whatever its direction: its status answered from the start, its input validated before
// anything exists, each step run through the ops gate, and when it cannot finish: roll back, then fail (or stay
// cancelled) saying what happened.
import { ApplicationFailure, isCancellation, patched, setHandler } from '@temporalio/workflow';
import { FailureTypes, type SetupFailureDetails } from '../domain/failures';
import { InputValidationError } from '../domain/issues';
import type { Direction } from '../domain/setup';
import { validateSetupInput, type SetupInputOf } from '../domain/setup-validation';
import { describeFailure, exotelFailureOf } from './failures';
import { OpsGate, setupGateSubject, type StepInputs } from './ops-gate';
import { SetupProgress, statusQuery } from './progress';
import { PATCHES } from './patches';
import { asInteractive } from './priority';
import { Saga } from './saga';

export interface SetupRun<D extends Direction> {
  progress: SetupProgress;
  saga: Saga;
  ops: OpsGate<SetupInputOf<D>>;
  /** Adds steps decided once the setup has begun, after `after`, for the status and the ops gate alike. */
  addSteps: (after: string, names: string[]) => void;
}

/** Runs `body` as a setup of `steps` (the first is always `validate`); `stepInputs` says which input each step reads. */
export async function runSetup<D extends Direction, R>(
  direction: D,
  input: SetupInputOf<D>,
  { steps: planned, stepInputs }: { steps: string[]; stepInputs: StepInputs },
  body: (run: SetupRun<D>) => Promise<R>,
): Promise<R> {
  // This run's own list: steps are added to it once the setup knows them.
  const steps = [...planned];
  const progress = new SetupProgress(direction, input.customerId, steps);
  setHandler(statusQuery, () => progress.snapshot());
  // Setups begun before the ACL-with-digest rule covered setups without a provider keep the rule they began with.
  const aclWithDigestForEverySetup = patched(PATCHES.aclWithDigestForEverySetup);
  validateOrFail(progress, () => validateSetupInput(direction, input, { aclWithDigestForEverySetup }));
  const saga = new Saga();
  const ops = new OpsGate(setupGateSubject(direction, input), progress, saga, steps, stepInputs);
  try {
    const addSteps = (after: string, names: string[]) => {
      steps.splice(steps.indexOf(after) + 1, 0, ...names);
      progress.insertSteps(after, names);
    };
    return await body({ progress, saga, ops, addSteps });
  } catch (err) {
    const rollBack = () => rollBackAndFail(direction, input.customerId, progress, saga, err);
    // A rollback an operator asked for is theirs: it does not wait behind the batch the setup came from.
    return ops.decidedByPerson ? asInteractive(rollBack) : rollBack();
  }
}

/** Validation runs before anything exists, so it fails without a rollback; its issues travel as details. */
function validateOrFail(progress: SetupProgress, validate: () => void): void {
  progress.mark('validate', 'running');
  try {
    validate();
    progress.mark('validate', 'done');
  } catch (err) {
    if (!(err instanceof InputValidationError)) throw err;
    progress.recordFailure('validate', err.message);
    progress.setPhase('failed');
    throw ApplicationFailure.nonRetryable(err.message, FailureTypes.inputValidation, err.issues);
  }
}

/** Undo what this run created, then rethrow: a cancellation stays a cancellation; anything else becomes one failure naming the step, the cause and the rollback. */
async function rollBackAndFail(direction: Direction, customerId: string, progress: SetupProgress, saga: Saga, err: unknown): Promise<never> {
  progress.setPhase('rolling-back');
  const report = await saga.compensate(progress);
  progress.setPhase(report.failures.length > 0 ? 'failed' : 'rolled-back');
  if (isCancellation(err)) throw err;

  const failedStep = progress.failedStep() ?? 'unknown';
  const exotel = exotelFailureOf(err);
  const cause = describeFailure(err);
  const rolledBack = report.rolledBack.length > 0 ? report.rolledBack.join('; ') : 'nothing had been created';
  const leftovers = report.failures.length
    ? `; NOT rolled back, needs attention: ${report.failures.map((f) => `${f.step}: ${f.error}`).join('; ')}`
    : '';
  const details: SetupFailureDetails = {
    failedStep,
    exotelCode: exotel?.exotelCode,
    httpStatus: exotel?.httpStatus,
    description: cause,
    requestId: exotel?.requestId,
    rolledBack: report.rolledBack,
    rollbackFailures: report.failures,
  };
  throw ApplicationFailure.nonRetryable(
    `${direction} setup for ${customerId} failed at step ${failedStep}: ${cause}. Rolled back: ${rolledBack}${leftovers}`,
    report.failures.length ? FailureTypes.setupFailedWithLeftovers : FailureTypes.setupFailed,
    details,
  );
}
