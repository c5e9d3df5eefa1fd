// What an activity throws, as the Temporal failure the error contract (domain/failures.ts) promises: retryable or
// not as classifyExotelFailure decided, a 429's Retry-After as the next retry delay, the facts in `details`.
import { ApplicationFailure } from '@temporalio/activity';
import { exotelFailureType, FailureTypes, voiceAiFailureType, type ExotelFailureDetails } from '../domain/failures';
import { InputValidationError } from '../domain/issues';
import { rateLimitWaitMs } from '../domain/retry-policy';
import { UnknownAccountError } from '../exotel/accounts';
import { ExotelError } from '../exotel/errors';
import { UnknownPlatformAccountError } from '../voice-ai/accounts';
import { PlatformError } from '../voice-ai/errors';

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
      nextRetryDelay: rateLimitWaitMs(d),
      details: [details],
    });
  }
  if (err instanceof InputValidationError) {
    return ApplicationFailure.create({ type: FailureTypes.inputValidation, message: err.message, nonRetryable: true, details: [err.issues] });
  }
  if (err instanceof PlatformError) {
    return ApplicationFailure.create({ type: voiceAiFailureType(err.details.kind), message: err.message, nonRetryable: !err.retryable, details: [err.details] });
  }
  if (err instanceof UnknownAccountError || err instanceof UnknownPlatformAccountError) return ApplicationFailure.nonRetryable(err.message, FailureTypes.configuration);
  return err;
}
