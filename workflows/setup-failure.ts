// How a setup ends when it cannot finish: roll back, then fail (or stay cancelled) saying what happened.
import { ApplicationFailure, isCancellation } from '@temporalio/workflow';
import type { Direction } from '../domain/setup';
import { InputValidationError } from '../domain/validation';
import type { SetupProgress } from './progress';
import { describeFailure, exotelFailureOf, type RollbackReport, type Saga } from './saga';

export interface SetupFailureDetails {
  failedStep: string;
  exotelCode?: number;
  httpStatus?: number;
  description: string;
  requestId?: string;
  rolledBack: string[];
  rollbackFailures: RollbackReport['failures'];
}

/** Validation runs before anything exists, so it fails without a rollback; its issues travel as details. */
export function validateOrFail(progress: SetupProgress, validate: () => void): void {
  progress.mark('validate', 'running');
  try {
    validate();
    progress.mark('validate', 'done');
  } catch (err) {
    if (!(err instanceof InputValidationError)) throw err;
    progress.recordFailure('validate', err.message);
    progress.setPhase('failed');
    throw ApplicationFailure.nonRetryable(err.message, 'InputValidationError', err.issues);
  }
}

/** Undo what this run created, then rethrow: a cancellation stays a cancellation; anything else becomes one failure naming the step, the cause and the rollback. */
export async function rollBackAndFail(
  direction: Direction,
  customerId: string,
  progress: SetupProgress,
  saga: Saga,
  err: unknown,
): Promise<never> {
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
    report.failures.length ? 'SetupFailedWithLeftovers' : 'SetupFailed',
    details,
  );
}
