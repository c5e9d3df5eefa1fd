// Typed Exotel failures and the one place that decides what they mean.
import { isRetryableKind, type ExotelErrorKind } from '../domain/failures';

export interface ExotelFailureFacts {
  httpStatus?: number;
  /** `response.code` inside the envelope (e.g. 409 inside an HTTP 200). */
  innerCode?: number;
  /** `error_data.code`, Exotel's own code such as 1008. */
  exotelCode?: number;
  /** The request never got an HTTP answer (refused, reset, timed out). */
  network?: boolean;
}

/**
 * Every retry decision about Exotel starts here. The order matters: the envelope's inner codes outrank the HTTP
 * status, because Exotel answers some failures (duplicates) with HTTP 200.
 */
export function classifyExotelFailure({ httpStatus, innerCode, exotelCode, network }: ExotelFailureFacts): ExotelErrorKind {
  // No answer at all: the request may or may not have been applied; retrying is safe because creates are
  // adopted by key on a duplicate.
  if (network) return 'transient';
  // 429 can arrive as the HTTP status or, in Exotel's v2 envelope, as the inner code.
  if (httpStatus === 429 || innerCode === 429) return 'rate-limited';
  // 1008 is documented with HTTP 200 + inner 409 (measured) and with HTTP 409 (docs example): accept both.
  if (exotelCode === 1008 || innerCode === 409 || httpStatus === 409) return 'duplicate';
  // 1010/401 is a bad key or token, and also a key sent to the wrong region, which looks identical.
  if (exotelCode === 1010 || httpStatus === 401) return 'auth';
  // 1000/404 is an unknown trunk or id. A 2025 observation saw 403/1003 for a trunk sid that does not exist or
  // belongs to another account; both readings end up here so a delete of a vanished trunk counts as done.
  if (exotelCode === 1000 || exotelCode === 1003 || httpStatus === 404 || httpStatus === 403) return 'not-found';
  if (exotelCode === 1001 || exotelCode === 1002 || exotelCode === 1007 || exotelCode === 1011) return 'validation';
  if (httpStatus === 400 || httpStatus === 415 || httpStatus === 422 || innerCode === 400) return 'validation';
  // Server trouble, including a gateway's non-JSON error page.
  if (httpStatus !== undefined && httpStatus >= 500) return 'transient';
  return 'rejected';
}

export interface ExotelErrorDetails extends ExotelFailureFacts {
  kind: ExotelErrorKind;
  method: string;
  /** Path relative to the account base, e.g. `/trunks/trmum1…/credentials`; never carries credentials. */
  path: string;
  description: string;
  requestId?: string;
  /** From `Retry-After` (or `X-RateLimit-Reset`) on a 429. */
  retryAfterMs?: number;
  /** For a 207 batch: the submitted items that failed, with Exotel's reason for each. */
  failedItems?: { item: string; exotelCode?: number; description: string }[];
  /** For a 207 batch: ids of the items Exotel did create, which the caller now owns. */
  succeededIds?: string[];
}

export class ExotelError extends Error {
  override readonly name = 'ExotelError';
  readonly details: ExotelErrorDetails;

  constructor(details: ExotelErrorDetails, message?: string) {
    super(message ?? describe(details));
    this.details = details;
  }

  get kind(): ExotelErrorKind {
    return this.details.kind;
  }

  get retryable(): boolean {
    return isRetryableKind(this.details.kind);
  }
}

function describe(d: ExotelErrorDetails): string {
  const codes = [
    d.httpStatus !== undefined ? `HTTP ${d.httpStatus}` : 'no HTTP response',
    d.innerCode !== undefined && d.innerCode !== d.httpStatus ? `inner ${d.innerCode}` : undefined,
    d.exotelCode !== undefined ? `Exotel code ${d.exotelCode}` : undefined,
  ].filter(Boolean);
  const failed = d.failedItems?.length
    ? `; failed: ${d.failedItems.map((f) => `${f.item} (${f.description})`).join(', ')}`
    : '';
  const request = d.requestId ? ` [request_id ${d.requestId}]` : '';
  return `Exotel ${d.method} ${d.path}: ${d.kind}: ${d.description} (${codes.join(', ')})${failed}${request}`;
}
