// Turns the Exotel client's typed errors into Temporal failures: retryable or not (decided once, by
// classifyExotelFailure), with Retry-After as the next retry delay and the facts a workflow needs in `details`.
import { ApplicationFailure } from '@temporalio/activity';
import { ExotelError, type ExotelErrorKind } from '../exotel/errors';
import { InputValidationError } from '../domain/validation';

/** What workflows read back from a failed Exotel activity (`ApplicationFailure.details[0]`). */
export interface ExotelFailureDetails {
  kind: ExotelErrorKind;
  httpStatus?: number;
  innerCode?: number;
  exotelCode?: number;
  description: string;
  requestId?: string;
  failedItems?: { item: string; exotelCode?: number; description: string }[];
  succeededIds?: string[];
  retryAfterMs?: number;
}

export const exotelFailureType = (kind: ExotelErrorKind): string => `Exotel.${kind}`;

export function toActivityFailure(err: unknown): unknown {
  if (err instanceof ExotelError) {
    const d = err.details;
    const details: ExotelFailureDetails = {
      kind: d.kind,
      httpStatus: d.httpStatus,
      innerCode: d.innerCode,
      exotelCode: d.exotelCode,
      description: d.description,
      requestId: d.requestId,
      failedItems: d.failedItems,
      succeededIds: d.succeededIds,
      retryAfterMs: d.retryAfterMs,
    };
    return ApplicationFailure.create({
      type: exotelFailureType(d.kind),
      message: err.message,
      nonRetryable: !err.retryable,
      nextRetryDelay: d.kind === 'rate-limited' && d.retryAfterMs !== undefined ? Math.max(d.retryAfterMs, 100) : undefined,
      details: [details],
    });
  }
  if (err instanceof InputValidationError) {
    return ApplicationFailure.create({ type: err.name, message: err.message, nonRetryable: true, details: [err.issues] });
  }
  return err;
}

/** Runs one activity body and converts what it throws. */
export async function reportingExotelFailures<T>(body: () => Promise<T>): Promise<T> {
  try {
    return await body();
  } catch (err) {
    throw toActivityFailure(err);
  }
}
