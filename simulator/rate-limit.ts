// Exotel's 200 requests/minute on the trunk APIs (reference §6), as a per-account sliding window.

import type { RateLimitConfig } from './types';

export const DEFAULT_RATE_LIMIT: RateLimitConfig = { limit: 200, windowMs: 60_000 };

export type RateVerdict =
  | { allowed: true }
  | { allowed: false; retryAfterSeconds: number; headers: Record<string, string>; message: string };

export class RateLimiter {
  private readonly admitted = new Map<string, number[]>();

  constructor(private config: RateLimitConfig | false) {}

  get current(): RateLimitConfig | false {
    return this.config;
  }

  /** Replaces the limit and forgets past requests. */
  configure(config: RateLimitConfig | false): void {
    this.config = config;
    this.admitted.clear();
  }

  /**
   * Counts a request against `account`. Every admitted request counts, whatever it later answers (401s too);
   * refused ones do not, so Retry-After tells the truth about when a slot frees.
   */
  take(account: string, now = Date.now()): RateVerdict {
    if (this.config === false) return { allowed: true };
    const { limit, windowMs } = this.config;
    const times = (this.admitted.get(account) ?? []).filter((t) => t > now - windowMs);
    this.admitted.set(account, times);
    if (times.length < limit) {
      times.push(now);
      return { allowed: true };
    }
    const freesAt = (times[0] ?? now) + windowMs;
    const retryAfterSeconds = Math.max(1, Math.ceil((freesAt - now) / 1000));
    return {
      allowed: false,
      retryAfterSeconds,
      // [I] These headers are documented only on Exotel's generic rate-limiting page (S8), not for trunks.
      headers: rateLimitHeaders(limit, retryAfterSeconds, Math.ceil(freesAt / 1000)),
      message: `Rate limit exceeded: ${limit} requests per ${formatWindow(windowMs)}. Retry after ${retryAfterSeconds} seconds.`,
    };
  }
}

export function rateLimitHeaders(limit: number, retryAfterSeconds: number, resetEpochSeconds: number): Record<string, string> {
  return {
    'Retry-After': String(retryAfterSeconds),
    'X-RateLimit-Limit': String(limit),
    'X-RateLimit-Remaining': '0',
    'X-RateLimit-Reset': String(resetEpochSeconds),
  };
}

export function formatWindow(windowMs: number): string {
  if (windowMs % 60_000 === 0) return windowMs === 60_000 ? 'minute' : `${windowMs / 60_000} minutes`;
  if (windowMs % 1000 === 0) return `${windowMs / 1000} seconds`;
  return `${windowMs} ms`;
}
