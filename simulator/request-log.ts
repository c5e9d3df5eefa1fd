// What the simulator was asked, for tests and demos to inspect. Headers are never recorded (so the
// Authorization header and the API token cannot leak), and secret-looking fields are masked.

import type { FaultKind, LoggedRequest, RequestLogFilter } from './types';

const SECRET_KEY = /pass(word)?|secret|token|api_?key|authorization/i;
const MASK = '***';
/** Oldest entries are dropped beyond this, so a long dry run cannot grow without bound. */
const MAX_ENTRIES = 10_000;

function mask(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(mask);
  if (typeof value === 'object' && value !== null) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, SECRET_KEY.test(k) ? MASK : mask(v)]));
  }
  return value;
}

/** For bodies that are not valid JSON: mask `"secret_key": <anything up to , or }>` textually. */
function maskText(text: string): string {
  return text.replace(/("([^"\\]*)"\s*:\s*)("(?:[^"\\]|\\.)*"?|[^,}\s]*)/g, (whole, head: string, key: string) =>
    SECRET_KEY.test(key) ? `${head}"${MASK}"` : whole,
  );
}

export function maskBody(raw: string): unknown {
  if (raw === '') return null;
  try {
    return mask(JSON.parse(raw));
  } catch {
    return maskText(raw);
  }
}

export class RequestLog {
  private entries: LoggedRequest[] = [];
  private seq = 0;

  start(entry: { account: string | null; method: string; path: string; query: URLSearchParams; rawBody: string }): LoggedRequest {
    const query: Record<string, string> = {};
    for (const [k, v] of entry.query) query[k] = SECRET_KEY.test(k) ? MASK : v;
    const logged: LoggedRequest = {
      seq: ++this.seq,
      time: new Date().toISOString(),
      account: entry.account,
      method: entry.method,
      path: entry.path,
      query,
      body: maskBody(entry.rawBody),
      status: null,
    };
    this.entries.push(logged);
    if (this.entries.length > MAX_ENTRIES) this.entries.shift();
    return logged;
  }

  finish(entry: LoggedRequest, status: number | null, fault: FaultKind | undefined): void {
    entry.status = status;
    if (fault) entry.fault = fault;
  }

  list(filter: RequestLogFilter = {}): LoggedRequest[] {
    return structuredClone(
      this.entries.filter(
        (e) => (filter.account === undefined || e.account === filter.account) && (filter.since === undefined || e.seq > filter.since),
      ),
    );
  }

  clear(): void {
    this.entries = [];
  }
}
