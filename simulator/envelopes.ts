// Exotel's v2 response envelopes (reference §2). Handlers return an ApiResult or throw an ExotelError;
// only this file knows how either looks on the wire.

import { STATUS_CODES } from 'node:http';

/** Exotel's error categories: error_data.message for each error_data.code (reference §5). */
const CATEGORY: Record<number, string> = {
  1000: 'Not Found',
  1001: 'Mandatory Parameter missing',
  1002: 'Invalid parameter',
  // [I] No Exotel code is known for a wrong method; 1004 is unused in every observed table.
  1004: 'Method Not Allowed',
  1007: 'Invalid request body,failed parsing',
  1008: 'Duplicate resource',
  1010: 'Authorization failed',
  1011: 'unsupported content type',
};

export interface ErrorData {
  code: number;
  message: string;
  description: string;
}

export class ExotelError extends Error {
  constructor(
    /** The HTTP status and top-level http_code. */
    readonly httpStatus: number,
    /** error_data.code */
    readonly exotelCode: number,
    readonly description: string,
    /** response.code; differs from httpStatus only for duplicates (HTTP 200 carrying 409). */
    readonly innerCode: number = httpStatus,
    readonly headers: Record<string, string> = {},
  ) {
    super(description);
  }

  get errorData(): ErrorData {
    return {
      code: this.exotelCode,
      message: CATEGORY[this.exotelCode] ?? STATUS_CODES[this.httpStatus] ?? 'Error',
      description: this.description,
    };
  }
}

export const notFound = (): ExotelError => new ExotelError(404, 1000, 'Not Found');
export const mandatory = (description: string): ExotelError => new ExotelError(400, 1001, description);
export const invalid = (description: string): ExotelError => new ExotelError(400, 1002, description);
export const unparsable = (description: string): ExotelError => new ExotelError(400, 1007, description);
export const authorizationFailed = (): ExotelError => new ExotelError(401, 1010, 'Authorization failed');
export const unsupportedContentType = (sent: string): ExotelError => new ExotelError(415, 1011, sent);
export const methodNotAllowed = (method: string, allow: string[]): ExotelError =>
  new ExotelError(405, 1004, `Method ${method} is not allowed on this resource`, 405, { Allow: allow.join(', ') });
/** Measured (S7, S3a): duplicates answer HTTP 200 with http_code 200 and only the inner code saying 409. */
export const duplicate = (description: string): ExotelError => new ExotelError(200, 1008, description, 409);
/** An injected server-side failure; error_data.code mirrors the status because Exotel's is unknown [I]. */
export const serverFailure = (status: number): ExotelError =>
  new ExotelError(status, status, STATUS_CODES[status] ?? 'Server error');

export interface ListMetadata {
  page_size: number;
  first_page_uri: string;
  prev_page_uri: string | null;
  next_page_uri: string | null;
  total?: number;
  page?: number;
}

export interface ItemEnvelope {
  code: number;
  error_data: ErrorData | null;
  status: 'success' | 'failure';
  data: unknown;
}

export type ApiResult =
  | { kind: 'object'; data: unknown }
  /** metadata null: the body carries no metadata at all (Exotel's empty credentials list). */
  | { kind: 'list'; items: unknown[]; metadata: ListMetadata | null }
  | { kind: 'batch'; items: ItemEnvelope[]; metadata: Record<string, number> };

export interface Rendered {
  status: number;
  body: unknown;
  headers: Record<string, string>;
}

export const success = (data: unknown): ItemEnvelope => ({ code: 200, error_data: null, status: 'success', data });

export const failureItem = (error: ExotelError): ItemEnvelope => ({
  code: error.innerCode,
  error_data: error.errorData,
  status: 'failure',
  data: null,
});

export function render(result: ApiResult, requestId: string, method: string): Rendered {
  switch (result.kind) {
    case 'object':
      return { status: 200, headers: {}, body: { request_id: requestId, method, http_code: 200, response: success(result.data) } };
    case 'list': {
      const head = { request_id: requestId, method, http_code: 200 };
      const metadata = result.metadata === null ? {} : { metadata: result.metadata };
      return { status: 200, headers: {}, body: { ...head, ...metadata, response: result.items.map(success) } };
    }
    case 'batch': {
      // Any failing item turns the whole answer into 207 Multi-Status (reference §2.3).
      const status = result.items.some((item) => item.status === 'failure') ? 207 : 200;
      return {
        status,
        headers: {},
        body: { request_id: requestId, method, http_code: status, metadata: result.metadata, response: result.items },
      };
    }
  }
}

export function renderError(error: ExotelError, requestId: string, method: string): Rendered {
  return {
    status: error.httpStatus,
    headers: error.headers,
    body: { request_id: requestId, method, http_code: error.httpStatus, response: failureItem(error) },
  };
}

/** The v2-style 429 body Exotel documents for its other v2 APIs; deliberately not the trunk envelope. */
export function renderRateLimited(requestId: string, message: string, headers: Record<string, string>): Rendered {
  return {
    status: 429,
    headers,
    body: { request_id: requestId, http_code: 429, response: { error: { code: 'rate_limit_exceeded', message } } },
  };
}
