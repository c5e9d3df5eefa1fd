// Reading failures inside workflows (the contract is domain/failures.ts), and the one way a step raises a conflict.
import { ActivityFailure, ApplicationFailure } from '@temporalio/workflow';
import { EXOTEL_FAILURE_PREFIX, FailureTypes, type ExotelFailureDetails } from '../domain/failures';

/** The Exotel facts behind an activity failure, when it was one. */
export function exotelFailureOf(err: unknown): ExotelFailureDetails | undefined {
  const cause = err instanceof ActivityFailure ? err.cause : err;
  if (cause instanceof ApplicationFailure && cause.type?.startsWith(EXOTEL_FAILURE_PREFIX)) {
    return cause.details?.[0] as ExotelFailureDetails | undefined;
  }
  return undefined;
}

/** Everything but a failure marked non-retryable (validation, auth, conflict, configuration) may be tried again:
 *  transient Exotel errors, 429s and activity timeouts (a worker that died mid-request) alike. */
export function isRetryable(err: unknown): boolean {
  const cause = err instanceof ActivityFailure ? err.cause : err;
  return !(cause instanceof ApplicationFailure && cause.nonRetryable);
}

/** Exotel holds something that is not this setup's: refused for good, and left untouched. */
export const conflict = (message: string): ApplicationFailure => ApplicationFailure.nonRetryable(message, FailureTypes.conflict);

/** The innermost useful message of a failure chain, for people. */
export function describeFailure(err: unknown): string {
  const exotel = exotelFailureOf(err);
  if (exotel) {
    const code = exotel.exotelCode ?? exotel.innerCode ?? exotel.httpStatus;
    const items = exotel.failedItems?.length
      ? ` (${exotel.failedItems.map((f) => `${f.item}: ${f.description}`).join('; ')})`
      : '';
    return `Exotel ${code !== undefined ? `${code} ` : ''}${exotel.description}${items}${exotel.requestId ? ` [request_id ${exotel.requestId}]` : ''}`;
  }
  let current: unknown = err;
  while (current instanceof Error && 'cause' in current && current.cause instanceof Error && !(current instanceof ApplicationFailure)) {
    current = current.cause;
  }
  return current instanceof Error ? current.message : String(current);
}
