// The platforms without a server SDK (Bolna, Daily, Smallest AI Atoms): JSON over HTTPS with a bearer key, through
// axios as Exotel's client is. Each call is one request (no retries here: Temporal's are the only ones), and each
// failure a PlatformError read from the platform's own error envelope. The key never leaves the request headers:
// an error is rebuilt from the status and body, never from axios's config.
import axios, { type AxiosInstance } from 'axios';
import type { AccountProvider } from '../domain/platform-side';
import type { PlatformError } from './errors';
import { platformError, withCause } from './sdk-errors';

/** Milliseconds: like the SDK clients' 15 s, well inside an activity attempt. */
const REQUEST_TIMEOUT_MS = 15_000;

/** What a client reads from its platform's error body: the code and the words to show. */
export type ErrorEnvelopeReader = (body: unknown) => { code?: string; description?: string };

export interface RestRequest {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  /** Relative to the base URL, with ids already encoded (`encodeURIComponent`). */
  path: string;
  body?: unknown;
  query?: Record<string, string | number | undefined>;
}

export class RestPlatform {
  private readonly http: AxiosInstance;

  constructor(
    private readonly provider: AccountProvider,
    { apiKey, baseUrl }: { apiKey: string; baseUrl: string },
    private readonly readError: ErrorEnvelopeReader,
  ) {
    this.http = axios.create({
      baseURL: baseUrl.replace(/\/+$/, ''),
      timeout: REQUEST_TIMEOUT_MS,
      headers: { authorization: `Bearer ${apiKey}`, accept: 'application/json' },
      // Every answer resolves; `send` decides what is a failure.
      validateStatus: () => true,
      // A redirect would carry the key elsewhere.
      maxRedirects: 0,
    });
  }

  /**
   * The answer's body for a 2xx; a PlatformError otherwise (`operation`, e.g. `POST /trunk/trunks`, names it; the
   * body is never shown, it may hold a password).
   */
  async send<T>(operation: string, request: RestRequest): Promise<T> {
    let answer;
    try {
      answer = await this.http.request({
        method: request.method,
        url: request.path,
        ...(request.body !== undefined ? { data: request.body } : {}),
        ...(request.query ? { params: Object.fromEntries(Object.entries(request.query).filter(([, v]) => v !== undefined)) } : {}),
      });
    } catch (err) {
      throw this.unanswered(operation, err);
    }
    if (answer.status >= 200 && answer.status < 300) return answer.data as T;
    const { code, description } = this.readError(answer.data);
    throw platformError(this.provider, operation, {
      httpStatus: answer.status,
      ...(code ? { code } : {}),
      description: description || `HTTP ${answer.status}`,
    });
  }

  /** No answer came: refused, reset, DNS or a timeout, all transient. */
  private unanswered(operation: string, err: unknown): PlatformError {
    const code = axios.isAxiosError(err) ? err.code : undefined;
    const message = err instanceof Error ? withCause(new Error(err.message, { cause: err.cause })) : String(err);
    return platformError(this.provider, operation, { ...(code ? { code } : {}), description: message });
  }
}

/** The first string among `keys` of an object body (envelopes differ by platform, and sometimes by endpoint). */
export function firstString(body: unknown, ...keys: string[]): string | undefined {
  if (typeof body !== 'object' || body === null) return typeof body === 'string' && body.trim() ? body.trim().slice(0, 300) : undefined;
  const record = body as Record<string, unknown>;
  for (const key of keys) {
    const value = record[key];
    if (typeof value === 'string' && value) return value;
  }
  return undefined;
}
