// Reading Exotel's response envelopes (reference §2). Success is decided by the envelope, never by the HTTP status.
import { classifyExotelFailure, ExotelError, type ExotelErrorDetails } from './errors';

export interface RawResponse {
  method: string;
  path: string;
  status: number;
  body: unknown;
  retryAfterMs?: number;
}

interface ItemEnvelope {
  code?: unknown;
  status?: unknown;
  data?: unknown;
  error_data?: { code?: unknown; message?: unknown; description?: unknown } | null;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const asNumber = (v: unknown): number | undefined => (typeof v === 'number' ? v : typeof v === 'string' && /^\d+$/.test(v) ? Number(v) : undefined);
const asText = (v: unknown): string | undefined => (typeof v === 'string' && v.length > 0 ? v : undefined);

function requestIdOf(body: unknown): string | undefined {
  return isObject(body) ? asText(body.request_id) : undefined;
}

/** Builds the typed error for a failed item envelope, or for a body that is not an envelope at all. */
function failure(raw: RawResponse, item: ItemEnvelope | undefined, extra: Partial<ExotelErrorDetails> = {}): ExotelError {
  const body = raw.body;
  const errorData = item?.error_data ?? undefined;
  const exotelCode = asNumber(errorData?.code);
  const innerCode = asNumber(item?.code);
  // Three 429 shapes are documented (v2 envelope, `response.error`, v1 `RestException`): read whichever is there.
  const otherShapes = isObject(body)
    ? [
        isObject(body.response) && isObject(body.response.error) ? asText(body.response.error.message) : undefined,
        isObject(body.RestException) ? asText(body.RestException.Message) : undefined,
      ]
    : [];
  const description =
    asText(errorData?.description) ??
    asText(errorData?.message) ??
    otherShapes.find(Boolean) ??
    (typeof body === 'string' && body.length > 0 ? `unexpected response: ${body.slice(0, 120)}` : undefined) ??
    `HTTP ${raw.status}`;
  const kind = classifyExotelFailure({ httpStatus: raw.status, innerCode, exotelCode });
  return new ExotelError({
    kind,
    method: raw.method,
    path: raw.path,
    httpStatus: raw.status,
    innerCode,
    exotelCode,
    description,
    requestId: requestIdOf(body),
    retryAfterMs: kind === 'rate-limited' ? raw.retryAfterMs : undefined,
    ...extra,
  });
}

/** The failure a response stands for whatever its envelope says, for a status that is a failure by itself (401). */
export function failureOf(raw: RawResponse): ExotelError {
  const body = raw.body;
  return failure(raw, isObject(body) && isObject(body.response) ? body.response : undefined);
}

function isSuccess(item: ItemEnvelope): boolean {
  return item.status === 'success';
}

/** Single-object responses (create, update, delete, get-one). */
export function readSingle(raw: RawResponse): unknown {
  const body = raw.body;
  if (!isObject(body) || !isObject(body.response)) throw failure(raw, undefined);
  const item = body.response as ItemEnvelope;
  if (!isSuccess(item)) throw failure(raw, item);
  return item.data;
}

export interface ListPage {
  items: unknown[];
  /** Relative URI of the next page, or null at the end (also when a list comes without `metadata`). */
  nextPageUri: string | null;
}

/** List responses: `response` is an array of item envelopes; an error comes back in the single-object shape. */
export function readListPage(raw: RawResponse): ListPage {
  const body = raw.body;
  if (!isObject(body)) throw failure(raw, undefined);
  if (!Array.isArray(body.response)) {
    // An error arrives in the single-object shape; a lone object on success is read as a one-item list.
    if (isObject(body.response)) return { items: [readSingle(raw)], nextPageUri: null };
    throw failure(raw, undefined);
  }
  if (raw.status >= 400) throw failure(raw, undefined);
  const envelopes = body.response as ItemEnvelope[];
  const failed = envelopes.find((e) => !isSuccess(e));
  if (failed) throw failure(raw, failed);
  const metadata = isObject(body.metadata) ? body.metadata : {};
  return { items: envelopes.map((e) => e.data), nextPageUri: asText(metadata.next_page_uri) ?? null };
}

/**
 * Batch POSTs (destination-uris, settings): one envelope per submitted item, HTTP 207 when any failed. A batch with
 * any failure is a failure of the whole call, naming each failed item and the ids of those that went through.
 */
export function readBatch(raw: RawResponse, submitted: string[]): unknown[] {
  const body = raw.body;
  if (!isObject(body) || !Array.isArray(body.response)) {
    if (isObject(body) && isObject(body.response)) readSingle(raw);
    throw failure(raw, undefined);
  }
  const envelopes = body.response as ItemEnvelope[];
  const metadata = isObject(body.metadata) ? body.metadata : {};
  const failedCount = asNumber(metadata.failed) ?? 0;
  const failedIndexes = envelopes.flatMap((e, i) => (isSuccess(e) ? [] : [i]));
  if (raw.status === 207 || failedCount > 0 || failedIndexes.length > 0 || envelopes.length !== submitted.length) {
    const firstFailed = envelopes[failedIndexes[0] ?? -1];
    const failedItems = failedIndexes.map((i) => {
      const e = envelopes[i];
      return {
        item: submitted[i] ?? `#${i}`,
        exotelCode: asNumber(e?.error_data?.code),
        description: asText(e?.error_data?.description) ?? asText(e?.error_data?.message) ?? 'failed',
      };
    });
    const succeededIds = envelopes.flatMap((e) =>
      isSuccess(e) && isObject(e.data) && e.data.id !== undefined ? [String(e.data.id as string | number)] : [],
    );
    const succeeded = envelopes.length - failedIndexes.length;
    throw failure(raw, firstFailed, {
      failedItems,
      succeededIds,
      description:
        `${succeeded} of ${submitted.length} items accepted` +
        (failedItems.length === 0 ? ` (batch answered HTTP ${raw.status} with ${envelopes.length} results)` : ''),
    });
  }
  return envelopes.map((e) => e.data);
}
