// A platform API's refusal or failure, classified the way Exotel's are (domain/failures.ts's kinds), so one retry
// rule serves both sides: transient and rate-limited are retried, the rest is for a person.
import type { ExotelErrorKind } from '../domain/failures';
import type { AccountProvider } from '../domain/platform-side';

export interface PlatformErrorDetails {
  provider: AccountProvider;
  kind: ExotelErrorKind;
  /** The request, e.g. `CreateSIPOutboundTrunk`; never its body (it may hold a password). */
  operation: string;
  httpStatus?: number;
  code?: string;
  description: string;
}

export class PlatformError extends Error {
  override readonly name = 'PlatformError';

  constructor(readonly details: PlatformErrorDetails) {
    super(`${details.provider} ${details.operation}: ${details.kind}: ${details.description}${details.httpStatus ? ` (HTTP ${details.httpStatus}${details.code ? ` ${details.code}` : ''})` : ''}`);
  }

  get retryable(): boolean {
    return this.details.kind === 'transient' || this.details.kind === 'rate-limited';
  }
}

/** From an HTTP status (and the platform's own code, when it has one) to a kind. */
export function kindOfStatus(status: number | undefined): ExotelErrorKind {
  if (status === undefined) return 'transient'; // no answer: network trouble or a timeout
  if (status === 429) return 'rate-limited';
  if (status === 401 || status === 403) return 'auth';
  if (status === 404) return 'not-found';
  if (status === 409) return 'duplicate';
  if (status === 400 || status === 422) return 'validation';
  if (status >= 500) return 'transient';
  return 'rejected';
}
