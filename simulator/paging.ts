// Offset paging for every list GET (reference §2.2).

import { invalid, type ApiResult, type ListMetadata } from './envelopes';

const DEFAULT_PAGE_SIZE = 50;
// [I] Exotel enforces a maximum it does not publish; larger requests are clamped, not refused.
const MAX_PAGE_SIZE = 100;

function readCount(query: URLSearchParams, name: 'offset' | 'page_size', fallback: number): number {
  const text = query.get(name);
  if (text === null || text === '') return fallback;
  if (!/^\d+$/.test(text)) throw invalid(`Invalid ${name}`); // [I]
  return Number(text);
}

export interface PageOptions {
  /** Collection path, e.g. /v2/accounts/{sid}/trunks/{tsid}/phone-numbers. */
  path: string;
  query: URLSearchParams;
  /** Filters to carry into the page URIs (e.g. trunk_sid on GET /trunks). */
  keep?: string[];
  /** Credentials' list metadata adds total and page and orders page_size first (S3b). */
  credentialsStyle?: boolean;
}

export function page(items: unknown[], options: PageOptions): ApiResult {
  const { path, query, keep = [], credentialsStyle = false } = options;
  const offset = readCount(query, 'offset', 0);
  const requested = readCount(query, 'page_size', DEFAULT_PAGE_SIZE);
  if (requested === 0) throw invalid('Invalid page_size'); // [I]
  const pageSize = Math.min(requested, MAX_PAGE_SIZE);
  const total = items.length;

  const uri = (at: number): string => {
    const params = new URLSearchParams();
    const order: ['offset' | 'page_size', number][] = credentialsStyle
      ? [['page_size', pageSize], ['offset', at]]
      : [['offset', at], ['page_size', pageSize]];
    for (const [name, value] of order) params.set(name, String(value));
    for (const name of keep) {
      const value = query.get(name);
      if (value !== null) params.set(name, value);
    }
    return `${path}?${params.toString()}`;
  };

  const metadata: ListMetadata = {
    page_size: pageSize,
    first_page_uri: uri(0),
    prev_page_uri: offset > 0 ? uri(Math.max(0, offset - pageSize)) : null,
    next_page_uri: offset + pageSize < total ? uri(offset + pageSize) : null,
  };
  const slice = items.slice(offset, offset + pageSize);
  if (!credentialsStyle) return { kind: 'list', items: slice, metadata };
  // Observed (S3a): an empty credentials list is `"response": []` with no metadata at all.
  if (total === 0) return { kind: 'list', items: [], metadata: null };
  // S3b's example shows page 1 for the first page: 1-based.
  return { kind: 'list', items: slice, metadata: { ...metadata, total, page: Math.floor(offset / pageSize) + 1 } };
}
